/* Mempool acceptance (Bitcoin Core's MemPoolAccept: PreChecks,
 * ReplacementChecks, PolicyScriptChecks, ConsensusScriptChecks, Finalize)
 * and the chain event handlers that keep the pool consistent across blocks
 * and reorganisations. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "consensus/amount.h"
#include "consensus/interpreter.h"
#include "consensus/script_error.h"
#include "consensus/sighash.h"
#include "consensus/tx_check.h"
#include "consensus/token_prefix.h"
#include "issuance/liquidation.h"
#include "src/chain/mempool.h"
#include "src/chain/mempool_internal.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* The coins one transaction spends, from the chain or the mempool. */
struct inputs {
    struct spent_coin *coins;
    struct txout *owned;   /* copies from the chain (value -1 where unused) */
    int32_t *prev_heights; /* BIP 68 heights */
    size_t count;
};

static void inputs_init(struct inputs *in, size_t n)
{
    in->count = n;
    in->coins = mem_calloc(n ? n : 1, sizeof(*in->coins));
    in->owned = mem_calloc(n ? n : 1, sizeof(*in->owned));
    in->prev_heights = mem_calloc(n ? n : 1, sizeof(*in->prev_heights));
    for (size_t i = 0; i < n; i++)
        in->owned[i].value = -1;
}

static void inputs_clear(struct inputs *in)
{
    for (size_t i = 0; i < in->count; i++)
        if (in->owned[i].value >= 0)
            txout_clear(&in->owned[i]);
    mem_free(in->coins);
    mem_free(in->owned);
    mem_free(in->prev_heights);
    memset(in, 0, sizeof(*in));
}

/* Looks up every input. Returns the index of the first missing one, or -1. */
static long inputs_fetch(struct mempool *mp, struct inputs *in, const struct tx *tx, int32_t mempool_height)
{
    const struct mempool_chain *c = &mp->opt.chain;
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct outpoint *op = &tx->vin[i].prevout;
        struct mp_entry *parent = mp_find(mp, &op->txid);
        if (parent) {
            if (op->n >= parent->tx.vout_count)
                return (long)i;
            in->coins[i].out = &parent->tx.vout[op->n];
            in->coins[i].height = mempool_height;
            in->coins[i].is_coinbase = false;
            in->prev_heights[i] = mempool_height;
            continue;
        }
        int32_t height = 0;
        bool coinbase = false;
        struct txout out;
        memset(&out, 0, sizeof(out));
        if (!c->get_coin(c->ctx, &out, &height, &coinbase, op))
            return (long)i;
        in->owned[i] = out;
        in->coins[i].out = &in->owned[i];
        in->coins[i].height = height;
        in->coins[i].is_coinbase = coinbase;
        in->prev_heights[i] = height;
    }
    return -1;
}

/* Returns true if tx spends or creates an output with a token prefix
 * (first byte 0xEF): its issuance validity depends on the chain's issuance
 * state and height, so it is judged again whenever the tip moves. */
static bool touches_prefix(const struct tx *tx, const struct spent_coin *coins)
{
    for (size_t i = 0; i < tx->vout_count; i++)
        if (tx->vout[i].script_pubkey.len && tx->vout[i].script_pubkey.data[0] == TOKEN_PREFIX_MARKER)
            return true;
    for (size_t i = 0; coins && i < tx->vin_count; i++)
        if (coins[i].out->script_pubkey.len && coins[i].out->script_pubkey.data[0] == TOKEN_PREFIX_MARKER)
            return true;
    return false;
}

/* Verifies every input script directly (no script cache), as
 * CheckInputScripts. Returns false with st->debug the script error text. */
static bool verify_scripts_direct(struct val_state *st, const struct tx *tx, const struct spent_coin *coins,
                                  uint32_t flags, bool issuance_checked)
{
    struct txout *spent = mem_calloc(tx->vin_count ? tx->vin_count : 1, sizeof(*spent));
    for (size_t i = 0; i < tx->vin_count; i++)
        spent[i] = *coins[i].out; /* shallow: borrowed scripts */
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, tx, spent, tx->vin_count);
    bool ok = true;
    for (size_t i = 0; i < tx->vin_count && ok; i++) {
        /* A liquidation input runs no script (doc/issuance.md); the
         * issuance hook (chain.check_tx_issuance) judges it instead, so the
         * skip needs that hook. */
        if (issuance_checked && (flags & SCRIPT_VERIFY_TOKENS) && issuance_input_is_liquidation(tx, i, coins[i].out))
            continue;
        struct tx_sig_checker tc;
        struct sig_checker checker;
        tx_sig_checker_init(&tc, &checker, tx, i, coins[i].out->value, &pre, flags);
        enum script_error err = SCRIPT_ERR_OK;
        const struct txin *in = &tx->vin[i];
        if (!script_verify(in->script_sig.data, in->script_sig.len, coins[i].out->script_pubkey.data,
                           coins[i].out->script_pubkey.len, &in->witness, flags, &checker, &err)) {
            val_invalid_debug(st, VAL_TX_CONSENSUS, "script-verify-failed", "%s", script_error_string(err));
            ok = false;
        }
    }
    mem_free(spent);
    return ok;
}

static bool verify_scripts(struct mempool *mp, struct val_state *st, const struct tx *tx,
                           const struct spent_coin *coins, uint32_t flags, bool cache_store)
{
    const struct mempool_chain *c = &mp->opt.chain;
    val_state_init(st);
    if (c->check_scripts)
        return c->check_scripts(c->ctx, st, tx, coins, flags, cache_store);
    return verify_scripts_direct(st, tx, coins, flags, c->check_tx_issuance != NULL);
}

/* Core's CFeeRate(fee, size).GetFeePerK(): truncating. */
static int64_t feerate_of(int64_t fee, int64_t vsize)
{
    return vsize > 0 ? fee * 1000 / vsize : 0;
}

static void fmt_money(char *buf, size_t len, int64_t v)
{
    uint64_t a = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    snprintf(buf, len, "%s%" PRIu64 ".%08" PRIu64, v < 0 ? "-" : "", a / (uint64_t)COIN, a % (uint64_t)COIN);
}

static bool script_checks(struct mempool *mp, struct val_state *st, const struct tx *tx,
                          const struct spent_coin *coins, const struct mempool_chain_tip *tip)
{
    const struct chain_params *p = mp->opt.params;
    uint32_t standard = policy_standard_script_flags(p);
    struct val_state sub;
    if (!verify_scripts(mp, &sub, tx, coins, standard, false)) {
        struct val_state mand;
        /* Which rule failed decides the peer's fate: a policy-only failure
         * must never look like a consensus failure. */
        if (verify_scripts(mp, &mand, tx, coins, policy_mandatory_script_flags(p), false)) {
            char reason[256];
            snprintf(reason, sizeof(reason), "non-mandatory-script-verify-flag (%s)", sub.debug);
            return val_invalid_debug(st, VAL_TX_NOT_STANDARD, reason, "%s", reason);
        }
        char reason[256];
        snprintf(reason, sizeof(reason), "mandatory-script-verify-flag-failed (%s)", sub.debug);
        return val_invalid_debug(st, VAL_TX_CONSENSUS, reason, "%s", reason);
    }
    /* Against the next block's consensus flags, filling the script cache so
     * the block connecting this transaction need not verify it again. */
    if (!verify_scripts(mp, &sub, tx, coins, tip->next_flags, true)) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "mempool: BUG: scripts pass standard flags but fail block flags (%s)",
                   sub.debug);
        char reason[256];
        snprintf(reason, sizeof(reason), "mandatory-script-verify-flag-failed (%s)", sub.debug);
        return val_invalid_debug(st, VAL_TX_CONSENSUS, reason, "%s", reason);
    }
    return true;
}

/* Chain limits (Core's CalculateMemPoolAncestors with limits). Out: *anc, the in-mempool ancestors. */
static bool check_chain_limits(struct mempool *mp, struct val_state *st, struct mp_vec *anc, const struct tx *tx,
                               int64_t vsize, const struct mp_vec *conflicts, bool bypass)
{
    struct mp_vec parents = { 0 };
    uint64_t epoch = ++mp->epoch;
    for (size_t i = 0; i < tx->vin_count; i++) {
        struct mp_entry *p = mp_find(mp, &tx->vin[i].prevout.txid);
        if (p && p->mark != epoch) {
            p->mark = epoch;
            mp_vec_push(&parents, p);
        }
    }
    for (size_t i = 0; i < parents.n; i++)
        mp_vec_push(anc, parents.v[i]);
    /* The traversal reuses the marks, so collect the parents' ancestors separately. */
    struct mp_vec up = { 0 };
    for (size_t i = 0; i < parents.n; i++) {
        up.n = 0;
        mp_ancestors(mp, &up, parents.v[i]);
        for (size_t k = 0; k < up.n; k++) {
            bool seen = false;
            for (size_t j = 0; j < anc->n && !seen; j++)
                seen = anc->v[j] == up.v[k];
            if (!seen)
                mp_vec_push(anc, up.v[k]);
        }
    }
    mp_vec_clear(&up);
    bool ok = true;
    if (!bypass) {
        uint64_t desc_count_limit = mp->opt.descendant_limit;
        uint64_t desc_size_limit = mp->opt.descendant_size_limit;
        /* Core: a replacement of exactly one transaction may count that
         * transaction's package as removed when checking descendant limits. */
        if (conflicts->n == 1) {
            desc_count_limit += 1;
            desc_size_limit += (uint64_t)conflicts->v[0]->desc_size;
        }
        int64_t anc_size = vsize;
        for (size_t i = 0; i < anc->n; i++)
            anc_size += anc->v[i]->vsize;
        if (parents.n + 1 > mp->opt.ancestor_limit) {
            ok = val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "too-long-mempool-chain",
                                   "too many unconfirmed parents [limit: %u]", mp->opt.ancestor_limit);
        } else if (anc->n + 1 > mp->opt.ancestor_limit) {
            ok = val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "too-long-mempool-chain",
                                   "too many unconfirmed ancestors [limit: %u]", mp->opt.ancestor_limit);
        } else if ((uint64_t)anc_size > mp->opt.ancestor_size_limit) {
            ok = val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "too-long-mempool-chain",
                                   "exceeds ancestor size limit [limit: %" PRIu64 "]", mp->opt.ancestor_size_limit);
        } else {
            for (size_t i = 0; i < anc->n && ok; i++) {
                struct mp_entry *a = anc->v[i];
                char hex[65];
                hash256_to_hex(hex, &a->tx.txid);
                if ((uint64_t)(a->desc_size + vsize) > desc_size_limit)
                    ok = val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "too-long-mempool-chain",
                                           "exceeds descendant size limit for tx %s [limit: %" PRIu64 "]", hex,
                                           desc_size_limit);
                else if (a->desc_count + 1 > desc_count_limit)
                    ok = val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "too-long-mempool-chain",
                                           "too many descendants for tx %s [limit: %" PRIu64 "]", hex,
                                           desc_count_limit);
            }
        }
    }
    mp_vec_clear(&parents);
    return ok;
}

/* Core's ReplacementChecks (full RBF): rules 2-6 of doc/policy/mempool-replacements.md. */
static bool check_replacement(struct mempool *mp, struct val_state *st, struct mp_vec *all_conflicts,
                              const struct tx *tx, const struct mp_vec *conflicts, int64_t modified_fee,
                              int64_t vsize)
{
    char hex[65];
    hash256_to_hex(hex, &tx->txid);
    /* Rule 6: a higher fee rate than every transaction it directly replaces. */
    int64_t new_rate = feerate_of(modified_fee, vsize);
    for (size_t i = 0; i < conflicts->n; i++) {
        struct mp_entry *c = conflicts->v[i];
        int64_t old_rate = feerate_of(mp_entry_modified_fee(c), c->vsize);
        if (new_rate <= old_rate) {
            char a[32], b[32];
            fmt_money(a, sizeof(a), new_rate);
            fmt_money(b, sizeof(b), old_rate);
            return val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "insufficient fee",
                                     "rejecting replacement %s; new feerate %s HMC/kvB <= old feerate %s HMC/kvB",
                                     hex, a, b);
        }
    }
    /* Rule 5: at most MEMPOOL_MAX_REPLACEMENT_CANDIDATES evictions. */
    uint64_t candidates = 0;
    for (size_t i = 0; i < conflicts->n; i++)
        candidates += conflicts->v[i]->desc_count;
    if (candidates > MEMPOOL_MAX_REPLACEMENT_CANDIDATES)
        return val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "too many potential replacements",
                                 "rejecting replacement %s; too many potential replacements (%" PRIu64 " > %d)", hex,
                                 candidates, MEMPOOL_MAX_REPLACEMENT_CANDIDATES);
    for (size_t i = 0; i < conflicts->n; i++)
        mp_vec_push(all_conflicts, conflicts->v[i]);
    struct mp_vec desc = { 0 };
    mp_descendants(mp, &desc, conflicts->v, conflicts->n);
    for (size_t i = 0; i < desc.n; i++)
        mp_vec_push(all_conflicts, desc.v[i]);
    mp_vec_clear(&desc);
    /* Rule 2: no new unconfirmed inputs, only those the replaced ones spent. */
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct hash256 *parent = &tx->vin[i].prevout.txid;
        if (mp_find(mp, parent) == NULL)
            continue;
        bool known = false;
        for (size_t k = 0; k < conflicts->n && !known; k++) {
            const struct tx *ct = &conflicts->v[k]->tx;
            for (size_t j = 0; j < ct->vin_count && !known; j++)
                known = hash256_eq(&ct->vin[j].prevout.txid, parent);
        }
        if (!known)
            return val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "replacement-adds-unconfirmed",
                                     "replacement %s adds unconfirmed input, idx %zu", hex, i);
    }
    /* Rules 3 and 4: pay for everything replaced, and for its own relay. */
    int64_t old_fees = 0;
    for (size_t i = 0; i < all_conflicts->n; i++)
        old_fees += mp_entry_modified_fee(all_conflicts->v[i]);
    char a[32], b[32];
    if (modified_fee < old_fees) {
        fmt_money(a, sizeof(a), modified_fee);
        fmt_money(b, sizeof(b), old_fees);
        return val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "insufficient fee",
                                 "rejecting replacement %s, less fees than conflicting txs; %s < %s", hex, a, b);
    }
    int64_t additional = modified_fee - old_fees;
    int64_t relay = policy_fee_for_size(mp->opt.incremental_relay_feerate, vsize);
    if (additional < relay) {
        fmt_money(a, sizeof(a), additional);
        fmt_money(b, sizeof(b), relay);
        return val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "insufficient fee",
                                 "rejecting replacement %s, not enough additional fees to relay; %s < %s", hex, a, b);
    }
    return true;
}

static bool accept_locked(struct mempool *mp, struct val_state *st, struct mempool_accept_result *res,
                          const struct tx *tx, const struct mempool_accept_args *args)
{
    const struct mempool_options *o = &mp->opt;
    const struct chain_params *p = o->params;
    const struct mempool_chain *c = &o->chain;
    val_state_init(st);
    res->txid = tx->txid;
    res->wtxid = tx->wtxid;

    if (!tx_check(st, tx))
        return false;
    /* A coinbase is only valid in a block. */
    if (tx_is_coinbase(tx))
        return val_invalid(st, VAL_TX_CONSENSUS, "coinbase");
    if (o->require_standard && !policy_check_standard_tx(st, tx, &o->policy))
        return false;
    /* Below 65 bytes a transaction could pass for an inner Merkle node (CVE-2017-12842). */
    if (tx_size(tx, false) < POLICY_MIN_STANDARD_TX_NONWITNESS_SIZE)
        return val_invalid(st, VAL_TX_NOT_STANDARD, "tx-size-small");

    struct mempool_chain_tip tip;
    c->tip(c->ctx, &tip);
    int32_t next_height = tip.height + 1;
    /* The mempool holds transactions for the next block; BIP 113 uses the tip's MTP. */
    if (!tx_is_final(tx, next_height, tip.mtp))
        return val_invalid(st, VAL_TX_PREMATURE_SPEND, "non-final");
    if (mp_find_wtxid(mp, &tx->wtxid))
        return val_invalid(st, VAL_TX_CONFLICT, "txn-already-in-mempool");
    if (mp_find(mp, &tx->txid))
        return val_invalid(st, VAL_TX_CONFLICT, "txn-same-nonwitness-data-in-mempool");

    bool ok = false;
    struct mp_vec conflicts = { 0 }, all_conflicts = { 0 }, anc = { 0 };
    struct inputs in;
    inputs_init(&in, tx->vin_count);

    uint64_t epoch = ++mp->epoch;
    for (size_t i = 0; i < tx->vin_count; i++) {
        struct mp_entry *sp = mp_spender(mp, &tx->vin[i].prevout);
        if (sp == NULL || sp->mark == epoch)
            continue;
        /* Without full RBF only transactions that signal BIP 125 may be replaced. */
        if (!o->full_rbf && !policy_signals_rbf(&sp->tx)) {
            char hex[65];
            hash256_to_hex(hex, &sp->tx.txid);
            val_invalid_debug(st, VAL_TX_CONFLICT, "txn-mempool-conflict", "conflicts with %s", hex);
            goto out;
        }
        sp->mark = epoch;
        mp_vec_push(&conflicts, sp);
    }

    if (inputs_fetch(mp, &in, tx, next_height) >= 0) {
        /* Missing inputs because we already have the transaction confirmed? */
        for (size_t k = 0; k < tx->vout_count; k++) {
            struct outpoint op = { tx->txid, (uint32_t)k };
            struct txout out;
            int32_t h;
            bool cb;
            memset(&out, 0, sizeof(out));
            if (c->get_coin(c->ctx, &out, &h, &cb, &op)) {
                txout_clear(&out);
                val_invalid(st, VAL_TX_CONFLICT, "txn-already-known");
                goto out;
            }
        }
        val_invalid(st, VAL_TX_MISSING_INPUTS, "bad-txns-inputs-missingorspent");
        goto out;
    }

    /* BIP 68 locks as they would apply in the next block. */
    struct sequence_lock lock;
    tx_sequence_locks_calculate(&lock, in.prev_heights, tx, true, c->mtp_at, c->ctx);
    if (!tx_sequence_locks_evaluate(&lock, next_height, tip.mtp)) {
        val_invalid(st, VAL_TX_PREMATURE_SPEND, "non-BIP68-final");
        goto out;
    }
    int64_t fee = 0;
    if (!tx_check_inputs(st, &fee, tx, in.coins, next_height, p))
        goto out;
    res->fee = fee;
    if (o->require_standard && !policy_inputs_are_standard(tx, in.coins, &o->policy)) {
        val_invalid(st, VAL_TX_INPUTS_NOT_STANDARD, "bad-txns-nonstandard-inputs");
        goto out;
    }
    if (o->require_standard && tx_has_witness(tx) && !policy_witness_is_standard(tx, in.coins, &o->policy)) {
        val_invalid(st, VAL_TX_WITNESS_MUTATED, "bad-witness-nonstandard");
        goto out;
    }
    if (c->check_tx_issuance && !c->check_tx_issuance(c->ctx, st, tx, in.coins))
        goto out;

    int64_t sigops = tx_sigop_cost(tx, in.coins, policy_standard_script_flags(p));
    int64_t weight = (int64_t)tx_weight(tx);
    int64_t vsize = policy_virtual_size(weight, sigops, o->bytes_per_sigop);
    int64_t modified = fee + mp_delta_get(mp, &tx->txid);
    res->modified_fee = modified;
    res->vsize = vsize;
    res->weight = weight;
    if (sigops > POLICY_MAX_STANDARD_TX_SIGOPS_COST) {
        val_invalid_debug(st, VAL_TX_NOT_STANDARD, "bad-txns-too-many-sigops", "%" PRId64, sigops);
        goto out;
    }
    bool bypass = args->bypass_limits;
    if (!bypass) {
        int64_t min_fee = policy_fee_for_size(mp_min_fee(mp), vsize);
        if (min_fee > 0 && modified < min_fee) {
            val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "mempool min fee not met", "%" PRId64 " < %" PRId64,
                              modified, min_fee);
            goto out;
        }
        int64_t relay_fee = policy_fee_for_size(o->min_relay_feerate, vsize);
        if (modified < relay_fee) {
            val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "min relay fee not met", "%" PRId64 " < %" PRId64,
                              modified, relay_fee);
            goto out;
        }
    }
    if (!check_chain_limits(mp, st, &anc, tx, vsize, &conflicts, bypass))
        goto out;
    /* The new transaction may not spend an output of one it replaces. */
    for (size_t i = 0; i < anc.n; i++)
        for (size_t k = 0; k < conflicts.n; k++)
            if (anc.v[i] == conflicts.v[k]) {
                char a[65], b[65];
                hash256_to_hex(a, &tx->txid);
                hash256_to_hex(b, &anc.v[i]->tx.txid);
                val_invalid_debug(st, VAL_TX_MEMPOOL_POLICY, "bad-txns-spends-conflicting-tx",
                                  "%s spends conflicting transaction %s", a, b);
                goto out;
            }
    if (conflicts.n > 0 && !check_replacement(mp, st, &all_conflicts, tx, &conflicts, modified, vsize))
        goto out;
    if (args->max_fee > 0 && fee > args->max_fee) {
        val_invalid(st, VAL_TX_MEMPOOL_POLICY, "max-fee-exceeded");
        goto out;
    }
    if (!script_checks(mp, st, tx, in.coins, &tip))
        goto out;

    res->replaced_count = all_conflicts.n;
    res->replaced = mem_alloc((all_conflicts.n ? all_conflicts.n : 1) * sizeof(*res->replaced));
    for (size_t i = 0; i < all_conflicts.n; i++)
        res->replaced[i] = all_conflicts.v[i]->tx.txid;
    if (args->test_accept) {
        ok = true;
        goto out;
    }

    mp_remove(mp, all_conflicts.v, all_conflicts.n, MEMPOOL_REMOVAL_REPLACED);
    struct mp_entry *e = mem_calloc(1, sizeof(*e));
    tx_copy(&e->tx, tx);
    e->fee = fee;
    e->fee_delta = modified - fee;
    e->vsize = vsize;
    e->weight = weight;
    e->sigop_cost = sigops;
    e->time = args->accept_time ? args->accept_time : mp_now(mp);
    e->height = tip.height;
    e->issuance = touches_prefix(tx, in.coins);
    if (e->issuance)
        mp->issuance_count++;
    mp_add(mp, e);
    if (log_category_enabled(LOG_MEMPOOL)) {
        char hex[65];
        hash256_to_hex(hex, &tx->txid);
        log_printf(LOG_MEMPOOL, LOG_LEVEL_DEBUG, "mempool: accepted %s (poolsz %zu txn, %" PRIu64 " kB)", hex,
                   mp->entry_count, mp->total_usage / 1000);
    }
    if (!bypass) {
        mp_limit_size(mp);
        if (mp_find(mp, &tx->txid) == NULL) {
            val_invalid(st, VAL_TX_MEMPOOL_POLICY, "mempool full");
            goto out;
        }
    }
    ok = true;
out:
    inputs_clear(&in);
    mp_vec_clear(&conflicts);
    mp_vec_clear(&all_conflicts);
    mp_vec_clear(&anc);
    return ok;
}

void mempool_accept_result_clear(struct mempool_accept_result *r)
{
    mem_free(r->replaced);
    memset(r, 0, sizeof(*r));
}

bool mempool_accept(struct mempool *mp, struct val_state *st, struct mempool_accept_result *res, const struct tx *tx,
                    const struct mempool_accept_args *args)
{
    struct mempool_accept_args defaults = { 0 };
    struct mempool_accept_result local;
    memset(&local, 0, sizeof(local));
    if (res == NULL)
        res = &local;
    else
        memset(res, 0, sizeof(*res));
    mp_lock(mp);
    bool ok = accept_locked(mp, st, res, tx, args ? args : &defaults);
    mp_unlock(mp);
    if (!ok) {
        mem_free(res->replaced);
        res->replaced = NULL;
        res->replaced_count = 0;
    }
    mempool_accept_result_clear(&local);
    return ok;
}

/* ---- chain events ---- */

void mempool_on_block_connected(struct mempool *mp, const struct block *b)
{
    mp_lock(mp);
    /* Nothing to find, no delta, no stash (initial sync): the loop would
     * look every transaction and input up for nothing. */
    size_t ntx = mp->entry_count || mp->delta_count || mp->stash_count ? b->tx_count : 0;
    for (size_t t = 0; t < ntx; t++) {
        const struct tx *tx = &b->txs[t];
        struct mp_entry *e = mp_find(mp, &tx->txid);
        if (e)
            mp_remove(mp, &e, 1, MEMPOOL_REMOVAL_BLOCK);
        /* Whatever else spends the block's inputs is now a double spend. */
        struct mp_vec conflicts = { 0 };
        for (size_t i = 0; i < tx->vin_count; i++) {
            struct mp_entry *sp = mp_spender(mp, &tx->vin[i].prevout);
            if (sp == NULL)
                continue;
            bool dup = false;
            for (size_t k = 0; k < conflicts.n && !dup; k++)
                dup = conflicts.v[k] == sp;
            if (!dup)
                mp_vec_push(&conflicts, sp);
        }
        mp_remove_recursive(mp, conflicts.v, conflicts.n, MEMPOOL_REMOVAL_CONFLICT);
        mp_vec_clear(&conflicts);
        mp_delta_remove(mp, &tx->txid);
        /* Confirmed again during a reorganisation: no need to re-add. */
        for (size_t i = 0; i < mp->stash_count;) {
            if (hash256_eq(&mp->stash[i].txid, &tx->txid)) {
                tx_clear(&mp->stash[i]);
                memmove(&mp->stash[i], &mp->stash[i + 1], (mp->stash_count - i - 1) * sizeof(*mp->stash));
                mp->stash_count--;
            } else {
                i++;
            }
        }
    }
    mp->last_rolling_update = mp_now(mp);
    mp->block_since_bump = true;
    mp_unlock(mp);
}

void mempool_on_block_disconnected(struct mempool *mp, const struct block *b)
{
    mp_lock(mp);
    size_t add = b->tx_count > 0 ? b->tx_count - 1 : 0;
    if (mp->stash_count + add > mp->stash_cap) {
        mp->stash_cap = (mp->stash_count + add) * 2;
        mp->stash = mem_realloc(mp->stash, mp->stash_cap * sizeof(*mp->stash));
    }
    /* Blocks are disconnected tip first: put each older block's
     * transactions in front, so the stash reads oldest block first. */
    if (add > 0 && mp->stash_count > 0)
        memmove(&mp->stash[add], &mp->stash[0], mp->stash_count * sizeof(*mp->stash));
    for (size_t t = 1; t < b->tx_count; t++)
        tx_copy(&mp->stash[t - 1], &b->txs[t]);
    mp->stash_count += add;
    mp->reorg_pending = true;
    mp_unlock(mp);
}

/* Core's removeForReorg filter: true if e can no longer be mined in the next block. */
static bool invalid_at_tip(struct mempool *mp, struct mp_entry *e, const struct mempool_chain_tip *tip)
{
    const struct mempool_chain *c = &mp->opt.chain;
    const struct tx *tx = &e->tx;
    int32_t next_height = tip->height + 1;
    if (!tx_is_final(tx, next_height, tip->mtp))
        return true;
    struct inputs in;
    inputs_init(&in, tx->vin_count);
    bool bad = inputs_fetch(mp, &in, tx, next_height) >= 0;
    for (size_t i = 0; i < tx->vin_count && !bad; i++)
        if (!chain_params_coin_mature(mp->opt.params, in.coins[i].is_coinbase, in.coins[i].height, next_height))
            bad = true;
    if (!bad) {
        struct sequence_lock lock;
        tx_sequence_locks_calculate(&lock, in.prev_heights, tx, true, c->mtp_at, c->ctx);
        bad = !tx_sequence_locks_evaluate(&lock, next_height, tip->mtp);
    }
    /* The issuance rules at the new next height and state: a price gone
     * stale, a breaker tripped, a ceiling reached, a vault made healthy. */
    if (!bad && e->issuance && c->check_tx_issuance) {
        struct val_state st;
        val_state_init(&st);
        bad = !c->check_tx_issuance(c->ctx, &st, tx, in.coins);
        if (bad)
            log_printf(LOG_MEMPOOL, LOG_LEVEL_DEBUG, "mempool: issuance transaction no longer valid at the tip: %s",
                       st.reject);
    }
    inputs_clear(&in);
    return bad;
}

void mempool_on_updated_tip(struct mempool *mp)
{
    mp_lock(mp);
    /* Besides after a reorganisation, issuance transactions are judged
     * again at every new tip (doc/issuance.md: the mempool judges at the
     * next block's height and the tip's state). */
    if (!mp->reorg_pending && mp->issuance_count == 0) {
        mp_unlock(mp);
        return;
    }
    /* Without a reorganisation only the issuance transactions need a look. */
    bool all = mp->reorg_pending;
    mp->reorg_pending = false;
    /* Take the stash: accepting may emit events whose subscribers read the pool. */
    struct tx *stash = mp->stash;
    size_t count = mp->stash_count;
    mp->stash = NULL;
    mp->stash_count = mp->stash_cap = 0;
    size_t readded = 0;
    for (size_t i = 0; i < count; i++) {
        struct val_state st;
        struct mempool_accept_args args = { .bypass_limits = true };
        struct mempool_accept_result res;
        memset(&res, 0, sizeof(res));
        if (accept_locked(mp, &st, &res, &stash[i], &args)) {
            readded++;
        } else {
            /* Its in-mempool spenders are orphans now. */
            struct mp_vec spenders = { 0 };
            for (size_t k = 0; k < stash[i].vout_count; k++) {
                struct outpoint op = { stash[i].txid, (uint32_t)k };
                struct mp_entry *sp = mp_spender(mp, &op);
                bool dup = false;
                for (size_t j = 0; sp && j < spenders.n && !dup; j++)
                    dup = spenders.v[j] == sp;
                if (sp && !dup)
                    mp_vec_push(&spenders, sp);
            }
            mp_remove_recursive(mp, spenders.v, spenders.n, MEMPOOL_REMOVAL_REORG);
            mp_vec_clear(&spenders);
        }
        mempool_accept_result_clear(&res);
        tx_clear(&stash[i]);
    }
    mem_free(stash);

    struct mempool_chain_tip tip;
    mp->opt.chain.tip(mp->opt.chain.ctx, &tip);
    struct mp_vec bad = { 0 };
    for (size_t i = 0; i < mp->entry_count; i++)
        if ((all || mp->entries[i]->issuance) && invalid_at_tip(mp, mp->entries[i], &tip))
            mp_vec_push(&bad, mp->entries[i]);
    /* Remove the roots not reachable as descendants of other bad ones. */
    struct mp_vec desc = { 0 };
    mp_descendants(mp, &desc, bad.v, bad.n);
    for (size_t i = 0; i < bad.n; i++)
        bad.v[i]->staged = true;
    for (size_t i = 0; i < desc.n; i++)
        if (!desc.v[i]->staged)
            mp_vec_push(&bad, desc.v[i]);
    mp_remove(mp, bad.v, bad.n, MEMPOOL_REMOVAL_REORG);
    log_printf(LOG_MEMPOOL, LOG_LEVEL_DEBUG, "mempool: reorg re-added %zu of %zu, removed %zu", readded, count,
               bad.n);
    mp_vec_clear(&bad);
    mp_vec_clear(&desc);
    mp_limit_size(mp);
    mp_unlock(mp);
}
