/* Block assembly by ancestor fee rate (Bitcoin Core's
 * BlockAssembler::addPackageTxs) and the regtest nonce grinder. */
#include "src/chain/miner.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consensus/merkle.h"
#include "consensus/params.h"
#include "consensus/pow.h"
#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "consensus/tx_verify.h"
#include "src/chain/mempool_internal.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* Core gives up on filling the block after this many packages in a row did
 * not fit while the block is within 4000 weight units of full. */
#define MAX_CONSECUTIVE_FAILURES 1000

void miner_options_init(struct miner_options *o)
{
    memset(o, 0, sizeof(*o));
    o->max_block_weight = MINER_DEFAULT_BLOCK_MAX_WEIGHT;
    o->min_feerate = 1; /* Core's DEFAULT_BLOCK_MIN_TX_FEE: 1 sat/kvB */
    o->version = MINER_BLOCK_VERSION;
    o->use_mempool = true;
}

void block_template_clear(struct block_template *t)
{
    block_clear(&t->block);
    mem_free(t->fees);
    mem_free(t->sigops_cost);
    memset(t, 0, sizeof(*t));
    block_init(&t->block);
}

static void coinbase_script_sig(struct wbuf *w, int32_t height, uint64_t extra_nonce)
{
    /* BIP 34: CScript() << height; then CScript() << CScriptNum(extra),
     * which pushes the number's bytes as data (OP_0 for zero). */
    script_push_int(w, height);
    uint8_t buf[9];
    size_t len = script_num_encode(buf, (int64_t)(extra_nonce & INT64_MAX));
    script_push_data(w, buf, len);
}

void miner_coinbase_build(struct tx *out, int32_t height, uint64_t extra_nonce, int64_t value, const uint8_t *spk,
                          size_t spk_len)
{
    tx_init(out);
    struct wbuf w;
    wbuf_init(&w);
    coinbase_script_sig(&w, height, extra_nonce);
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffffu;
    tx_add_input(out, &null_op, w.data, w.len, SEQUENCE_FINAL);
    tx_add_output(out, value, spk, spk_len);
    tx_update_hashes(out);
    wbuf_clear(&w);
}

void miner_vault_script(struct wbuf *out, const uint8_t asset_id[32], const uint8_t *lock, size_t lock_len)
{
    struct token_prefix prefix;
    memset(&prefix, 0, sizeof(prefix));
    prefix.kind = TOKEN_KIND_VAULT;
    memcpy(prefix.asset_id, asset_id, 32);
    prefix.amount = 0; /* a coinbase vault opens without debt */
    token_prefix_serialize(out, &prefix);
    wbuf_put(out, lock, lock_len);
}

void miner_vault_split(int64_t *payout_value, int64_t *vault_value, int64_t value, uint32_t share_pct)
{
    if (share_pct > 100)
        share_pct = 100;
    /* value <= 21e14 base units, so value * 100 cannot overflow. */
    *vault_value = value * (int64_t)share_pct / 100;
    *payout_value = value - *vault_value;
}

/* Splits the coinbase's single output into the payout and the vault. */
static void coinbase_add_vault(struct tx *cb, const struct miner_options *o)
{
    int64_t payout, vault;
    miner_vault_split(&payout, &vault, cb->vout[0].value, o->vault_share_pct);
    if (vault == 0)
        return;
    if (payout == 0) { /* all of it in the vault: no empty payout output */
        bytes_clear(&cb->vout[0].script_pubkey);
        bytes_set(&cb->vout[0].script_pubkey, o->vault_script, o->vault_script_len);
    } else {
        cb->vout[0].value = payout;
        tx_add_output(cb, vault, o->vault_script, o->vault_script_len);
    }
    tx_update_hashes(cb);
}

void miner_set_extra_nonce(struct block *b, int32_t height, uint64_t extra_nonce)
{
    struct tx *cb = &b->txs[0];
    struct wbuf w;
    wbuf_init(&w);
    coinbase_script_sig(&w, height, extra_nonce);
    bytes_clear(&cb->vin[0].script_sig);
    bytes_set(&cb->vin[0].script_sig, w.data, w.len);
    wbuf_clear(&w);
    tx_update_hashes(cb);
    merkle_block_root(&b->header.merkle_root, NULL, b);
}

bool miner_grind(struct block *b, uint64_t *extra_nonce, int32_t height, const struct chain_params *p,
                 uint64_t *tries_left)
{
    for (;;) {
        if (tries_left) {
            if (*tries_left == 0)
                return false;
            (*tries_left)--;
        }
        struct hash256 h;
        block_header_hash(&h, &b->header);
        if (pow_check(&h, b->header.bits, p))
            return true;
        if (++b->header.nonce == 0) {
            ++*extra_nonce;
            miner_set_extra_nonce(b, height, *extra_nonce);
        }
    }
}

/* ---- package selection ---- */

/* a's package pays a higher fee rate than b's (fee_a/size_a > fee_b/size_b); ties by txid. */
static bool better(int64_t fa, int64_t sa, const struct mp_entry *a, int64_t fb, int64_t sb, const struct mp_entry *b)
{
    __int128 l = (__int128)fa * sb, r = (__int128)fb * sa;
    if (l != r)
        return l > r;
    return memcmp(a->tx.txid.b, b->tx.txid.b, 32) < 0;
}

static int cmp_ancestor_score(const void *x, const void *y)
{
    const struct mp_entry *a = *(const struct mp_entry *const *)x, *b = *(const struct mp_entry *const *)y;
    if (a == b)
        return 0;
    return better(a->anc_fees, a->anc_size, a, b->anc_fees, b->anc_size, b) ? -1 : 1;
}

static int cmp_anc_count(const void *x, const void *y)
{
    const struct mp_entry *a = *(const struct mp_entry *const *)x, *b = *(const struct mp_entry *const *)y;
    if (a->anc_count != b->anc_count)
        return a->anc_count < b->anc_count ? -1 : 1;
    return 0;
}

struct selection {
    struct mp_vec chosen; /* in block order */
    uint64_t weight;
    int64_t sigops;
    int64_t fees;
};

static void add_packages(struct mempool *mp, struct selection *sel, uint64_t max_weight, int64_t max_sigops,
                         int64_t min_feerate, int32_t height, int64_t lock_cutoff)
{
    size_t n = mp->entry_count;
    if (n == 0)
        return;
    struct mp_entry **sorted = mem_alloc(n * sizeof(*sorted));
    for (size_t i = 0; i < n; i++) {
        struct mp_entry *e = mp->entries[i];
        e->in_block = e->failed = e->modified = false;
        e->pkg_size = e->anc_size;
        e->pkg_fees = e->anc_fees;
        e->pkg_sigops = e->anc_sigops;
        sorted[i] = e;
    }
    qsort(sorted, n, sizeof(*sorted), cmp_ancestor_score);
    struct mp_vec modified = { 0 }, pkg = { 0 }, desc = { 0 };
    size_t next = 0, failures = 0;
    for (;;) {
        /* Entries whose ancestors went in are scored in the modified set. */
        while (next < n && (sorted[next]->in_block || sorted[next]->failed || sorted[next]->modified))
            next++;
        struct mp_entry *best_mod = NULL;
        for (size_t i = 0; i < modified.n; i++) {
            struct mp_entry *m = modified.v[i];
            if (m->in_block || m->failed)
                continue;
            if (best_mod == NULL || better(m->pkg_fees, m->pkg_size, m, best_mod->pkg_fees, best_mod->pkg_size, best_mod))
                best_mod = m;
        }
        if (next >= n && best_mod == NULL)
            break;
        struct mp_entry *cand;
        if (next >= n || (best_mod && better(best_mod->pkg_fees, best_mod->pkg_size, best_mod, sorted[next]->pkg_fees,
                                             sorted[next]->pkg_size, sorted[next])))
            cand = best_mod;
        else
            cand = sorted[next];
        /* Everything left pays less than the floor. */
        if (cand->pkg_fees < policy_fee_for_size(min_feerate, cand->pkg_size))
            break;
        bool fits = sel->weight + (uint64_t)(WITNESS_SCALE_FACTOR * cand->pkg_size) < max_weight &&
                    sel->sigops + cand->pkg_sigops < max_sigops;
        pkg.n = 0;
        if (fits) {
            mp_vec_push(&pkg, cand);
            struct mp_vec anc = { 0 };
            mp_ancestors(mp, &anc, cand);
            for (size_t i = 0; i < anc.n; i++)
                if (!anc.v[i]->in_block)
                    mp_vec_push(&pkg, anc.v[i]);
            mp_vec_clear(&anc);
            for (size_t i = 0; i < pkg.n && fits; i++)
                fits = tx_is_final(&pkg.v[i]->tx, height, lock_cutoff);
        }
        if (!fits) {
            cand->failed = true;
            failures++;
            if (failures > MAX_CONSECUTIVE_FAILURES && sel->weight > max_weight - 4000)
                break;
            continue;
        }
        qsort(pkg.v, pkg.n, sizeof(*pkg.v), cmp_anc_count);
        for (size_t i = 0; i < pkg.n; i++) {
            struct mp_entry *e = pkg.v[i];
            e->in_block = true;
            mp_vec_push(&sel->chosen, e);
            sel->weight += (uint64_t)e->weight;
            sel->sigops += e->sigop_cost;
            sel->fees += e->fee;
        }
        /* Re-score what depends on the package without it. */
        desc.n = 0;
        mp_descendants(mp, &desc, pkg.v, pkg.n);
        for (size_t i = 0; i < desc.n; i++) {
            struct mp_entry *d = desc.v[i];
            if (d->in_block)
                continue;
            if (!d->modified) {
                d->modified = true;
                mp_vec_push(&modified, d);
            }
            struct mp_vec danc = { 0 };
            mp_ancestors(mp, &danc, d);
            d->pkg_size = d->vsize;
            d->pkg_fees = mp_entry_modified_fee(d);
            d->pkg_sigops = d->sigop_cost;
            for (size_t k = 0; k < danc.n; k++)
                if (!danc.v[k]->in_block) {
                    d->pkg_size += danc.v[k]->vsize;
                    d->pkg_fees += mp_entry_modified_fee(danc.v[k]);
                    d->pkg_sigops += danc.v[k]->sigop_cost;
                }
            mp_vec_clear(&danc);
        }
        failures = 0;
    }
    mp_vec_clear(&modified);
    mp_vec_clear(&pkg);
    mp_vec_clear(&desc);
    mem_free(sorted);
}

/* The coinbase's outputs after its input: the payouts (o->payouts, or spk
 * and the vault share), then the reserve commitment. */
static void coinbase_outputs(struct tx *cb, int32_t height, int64_t value, const uint8_t *spk, size_t spk_len,
                             const struct tx *const *txs, size_t count, const struct mempool_chain *c,
                             const struct miner_options *o)
{
    for (size_t i = 0; i < cb->vout_count; i++)
        txout_clear(&cb->vout[i]);
    cb->vout_count = 0;
    if (o->payouts) {
        o->payouts(o->payouts_ctx, cb, value);
    } else {
        tx_add_output(cb, value, spk, spk_len);
        if (o->vault_script_len > 0)
            coinbase_add_vault(cb, o);
    }
    if (o->reserve_commitment)
        o->reserve_commitment(o->reserve_ctx, cb, height, txs, count);
    else if (c->reserve_commitment)
        c->reserve_commitment(c->ctx, cb, txs, count);
    tx_update_hashes(cb);
}

void miner_template_repay(struct block_template *t, struct mempool *mp, const uint8_t *spk, size_t spk_len,
                          const struct miner_options *o)
{
    struct miner_options defaults;
    miner_options_init(&defaults);
    if (o == NULL)
        o = &defaults;
    struct block *b = &t->block;
    bool witness = merkle_witness_commitment_find(b) >= 0;
    size_t count = b->tx_count - 1;
    const struct tx **txs = mem_alloc((count ? count : 1) * sizeof(*txs));
    for (size_t i = 0; i < count; i++)
        txs[i] = &b->txs[i + 1];
    struct tx *cb = &b->txs[0];
    const struct mempool_chain *c = &mempool_options(mp)->chain;
    mp_lock(mp);
    coinbase_outputs(cb, t->height, t->coinbase_value, spk, spk_len, txs, count, c, o);
    mp_unlock(mp);
    mem_free(txs);
    if (witness)
        merkle_witness_commitment_add(b);
    merkle_block_root(&b->header.merkle_root, NULL, b);
    t->sigops -= t->sigops_cost[0];
    t->sigops_cost[0] = (int64_t)WITNESS_SCALE_FACTOR * tx_legacy_sigop_count(cb, t->script_flags);
    t->sigops += t->sigops_cost[0];
    t->weight = block_weight(b);
}

/* Shared tail of both assembly paths: the coinbase, the commitments, the
 * Merkle root and the optional validity check. txs are copied after it. */
static bool finish_block(struct block_template *out, struct val_state *st, struct mempool *mp,
                         const struct mempool_chain_tip *tip, const uint8_t *spk, size_t spk_len,
                         const struct tx *const *txs, const int64_t *fees, const int64_t *sigops, size_t count,
                         int64_t total_fees, const struct miner_options *o)
{
    const struct chain_params *p = mempool_options(mp)->params;
    const struct mempool_chain *c = &mempool_options(mp)->chain;
    int32_t height = tip->height + 1;
    block_init(&out->block);
    out->height = height;
    out->mtp = tip->mtp;
    out->total_fees = total_fees;
    out->coinbase_value = chain_params_block_subsidy(p, height) + total_fees;
    out->script_flags = tip->next_flags;
    out->extra_nonce = 0;
    struct block_header *h = &out->block.header;
    h->version = o->version;
    h->prev_hash = tip->hash;
    int64_t now = o->time ? o->time : mp_now(mp);
    h->time = (uint32_t)(now > tip->mtp ? now : tip->mtp + 1);
    h->bits = tip->next_bits;
    h->nonce = 0;

    struct tx cb;
    miner_coinbase_build(&cb, height, 0, out->coinbase_value, spk, spk_len);
    coinbase_outputs(&cb, height, out->coinbase_value, spk, spk_len, txs, count, c, o);
    block_add_tx(&out->block, &cb);
    tx_clear(&cb);
    for (size_t i = 0; i < count; i++)
        block_add_tx(&out->block, txs[i]);
    if (height >= p->deployments.segwit)
        merkle_witness_commitment_add(&out->block);
    merkle_block_root(&h->merkle_root, NULL, &out->block);

    size_t n = out->block.tx_count;
    out->fees = mem_calloc(n, sizeof(*out->fees));
    out->sigops_cost = mem_calloc(n, sizeof(*out->sigops_cost));
    out->fees[0] = -total_fees;
    out->sigops_cost[0] = (int64_t)WITNESS_SCALE_FACTOR * tx_legacy_sigop_count(&out->block.txs[0], out->script_flags);
    out->sigops = out->sigops_cost[0];
    for (size_t i = 0; i < count; i++) {
        out->fees[i + 1] = fees ? fees[i] : 0;
        out->sigops_cost[i + 1] = sigops ? sigops[i] : 0;
        out->sigops += out->sigops_cost[i + 1];
    }
    out->weight = block_weight(&out->block);
    if (c->test_block && !c->test_block(c->ctx, st, &out->block)) {
        block_template_clear(out);
        return false;
    }
    return true;
}

bool miner_create_block(struct mempool *mp, struct val_state *st, struct block_template *out, const uint8_t *spk,
                        size_t spk_len, const struct miner_options *o)
{
    struct miner_options defaults;
    miner_options_init(&defaults);
    if (o == NULL)
        o = &defaults;
    memset(out, 0, sizeof(*out));
    val_state_init(st);
    const struct mempool_options *mo = mempool_options(mp);
    mp_lock(mp);
    struct mempool_chain_tip tip;
    mo->chain.tip(mo->chain.ctx, &tip);
    uint64_t chain_max = mo->params->max_block_weight;
    uint64_t max_weight = o->max_block_weight;
    if (max_weight > chain_max - MINER_COINBASE_RESERVED_WEIGHT)
        max_weight = chain_max - MINER_COINBASE_RESERVED_WEIGHT;
    if (max_weight < MINER_COINBASE_RESERVED_WEIGHT)
        max_weight = MINER_COINBASE_RESERVED_WEIGHT;
    int64_t max_sigops = mo->params->max_block_sigops_cost ? (int64_t)mo->params->max_block_sigops_cost
                                                           : MINER_MAX_BLOCK_SIGOPS_COST;
    struct selection sel;
    memset(&sel, 0, sizeof(sel));
    sel.weight = MINER_COINBASE_RESERVED_WEIGHT;
    sel.sigops = MINER_COINBASE_RESERVED_SIGOPS;
    if (o->use_mempool)
        add_packages(mp, &sel, max_weight, max_sigops, o->min_feerate, tip.height + 1, tip.mtp);
    /* The issuance rules in block order against the running state: what
     * the pool judged one by one against the tip may not all fit. */
    if (mo->chain.issuance_filter && sel.chosen.n > 0) {
        size_t m = sel.chosen.n;
        const struct tx **all = mem_alloc(m * sizeof(*all));
        bool *keep = mem_alloc(m * sizeof(*keep));
        for (size_t i = 0; i < m; i++)
            all[i] = &sel.chosen.v[i]->tx;
        mo->chain.issuance_filter(mo->chain.ctx, keep, (const struct tx *const *)all, m);
        size_t k = 0;
        for (size_t i = 0; i < m; i++) {
            struct mp_entry *e = sel.chosen.v[i];
            if (keep[i]) {
                sel.chosen.v[k++] = e;
            } else {
                sel.weight -= (uint64_t)e->weight;
                sel.sigops -= e->sigop_cost;
                sel.fees -= e->fee;
                log_printf(LOG_MINER, LOG_LEVEL_DEBUG, "miner: left out a transaction the issuance rules refuse here");
            }
        }
        sel.chosen.n = k;
        mem_free(all);
        mem_free(keep);
    }
    size_t n = sel.chosen.n;
    const struct tx **txs = mem_alloc((n ? n : 1) * sizeof(*txs));
    int64_t *fees = mem_alloc((n ? n : 1) * sizeof(*fees));
    int64_t *sigops = mem_alloc((n ? n : 1) * sizeof(*sigops));
    for (size_t i = 0; i < n; i++) {
        txs[i] = &sel.chosen.v[i]->tx;
        fees[i] = sel.chosen.v[i]->fee;
        sigops[i] = sel.chosen.v[i]->sigop_cost;
    }
    bool ok = finish_block(out, st, mp, &tip, spk, spk_len, txs, fees, sigops, n, sel.fees, o);
    mp_unlock(mp);
    if (ok)
        log_printf(LOG_MINER, LOG_LEVEL_DEBUG, "miner: block at height %d: %zu txs, weight %llu, fees %lld",
                   (int)out->height, n, (unsigned long long)out->weight, (long long)sel.fees);
    mem_free(txs);
    mem_free(fees);
    mem_free(sigops);
    mp_vec_clear(&sel.chosen);
    return ok;
}

bool miner_create_block_with_txs(struct mempool *mp, struct val_state *st, struct block_template *out,
                                 const uint8_t *spk, size_t spk_len, const struct tx *txs, size_t count,
                                 const struct miner_options *o)
{
    struct miner_options defaults;
    miner_options_init(&defaults);
    if (o == NULL)
        o = &defaults;
    memset(out, 0, sizeof(*out));
    val_state_init(st);
    const struct mempool_options *mo = mempool_options(mp);
    mp_lock(mp);
    struct mempool_chain_tip tip;
    mo->chain.tip(mo->chain.ctx, &tip);
    const struct tx **v = mem_alloc((count ? count : 1) * sizeof(*v));
    for (size_t i = 0; i < count; i++)
        v[i] = &txs[i];
    bool ok = finish_block(out, st, mp, &tip, spk, spk_len, v, NULL, NULL, count, 0, o);
    mp_unlock(mp);
    mem_free(v);
    return ok;
}
