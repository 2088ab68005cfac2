/* Accepting headers and blocks, connecting and disconnecting them (Bitcoin
 * Core's AcceptBlockHeader, AcceptBlock, ConnectBlock, DisconnectBlock and
 * the candidate set ActivateBestChain chooses from). Every function here
 * runs with the chain lock held. */
#include <stdio.h>
#include <string.h>

#include "consensus/amount.h"
#include "consensus/block_check.h"
#include "consensus/interpreter.h"
#include "consensus/tx_verify.h"
#include "src/chain/chainstate_internal.h"
#include "src/chain/undo.h"
#include "src/store/disk.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* Core's BIP34_IMPLIES_BIP30_LIMIT: from this height BIP 34 no longer rules
 * out duplicate coinbases, so BIP 30 is checked again. */
#define BIP34_IMPLIES_BIP30_LIMIT 1983702

/* ---- the candidate set ---- */

bool cs_better(const struct block_index *a, const struct block_index *b)
{
    int c = arith256_cmp(&a->chain_work, &b->chain_work);
    if (c != 0)
        return c > 0;
    if (a->sequence_id != b->sequence_id)
        return a->sequence_id < b->sequence_id;
    return (uintptr_t)a < (uintptr_t)b;
}

static bool qualifies(const struct chainstate *cs, const struct block_index *bi)
{
    if (!block_index_is_valid(bi, BLOCK_VALID_TRANSACTIONS) || bi->chain_tx == 0 || !(bi->status & BLOCK_HAVE_DATA))
        return false;
    const struct block_index *tip = active_chain_tip(&cs->chain);
    return !tip || tip == bi || !cs_better(tip, bi);
}

void cs_candidate_remove(struct chainstate *cs, struct block_index *bi)
{
    for (size_t i = 0; i < cs->ncand; i++) {
        if (cs->cand[i] == bi) {
            cs->cand[i] = cs->cand[--cs->ncand];
            return;
        }
    }
}

void cs_candidate_add(struct chainstate *cs, struct block_index *bi)
{
    if (!qualifies(cs, bi))
        return;
    for (size_t i = 0; i < cs->ncand; i++)
        if (cs->cand[i] == bi)
            return;
    if (cs->ncand == cs->capcand) {
        cs->capcand = cs->capcand ? cs->capcand * 2 : 16;
        cs->cand = mem_realloc(cs->cand, cs->capcand * sizeof(*cs->cand));
    }
    cs->cand[cs->ncand++] = bi;
}

void cs_candidates_prune(struct chainstate *cs)
{
    const struct block_index *tip = active_chain_tip(&cs->chain);
    if (!tip)
        return;
    for (size_t i = 0; i < cs->ncand;) {
        if (cs->cand[i] != tip && cs_better(tip, cs->cand[i]))
            cs->cand[i] = cs->cand[--cs->ncand];
        else
            i++;
    }
}

static bool rebuild_one(struct block_index *bi, void *arg)
{
    cs_candidate_add(arg, bi);
    return true;
}

void cs_candidates_rebuild(struct chainstate *cs)
{
    cs->ncand = 0;
    block_map_each(cs->map, rebuild_one, cs);
    struct block_index *tip = active_chain_tip(&cs->chain);
    if (tip)
        cs_candidate_add(cs, tip);
}

/* ---- data arrival and failures ---- */

static void unlinked_add(struct chainstate *cs, struct block_index *parent, struct block_index *child)
{
    if (cs->nunlinked == cs->capunlinked) {
        cs->capunlinked = cs->capunlinked ? cs->capunlinked * 2 : 16;
        cs->unlinked = mem_realloc(cs->unlinked, cs->capunlinked * sizeof(*cs->unlinked));
    }
    cs->unlinked[cs->nunlinked].parent = parent;
    cs->unlinked[cs->nunlinked].child = child;
    cs->nunlinked++;
}

/* Updates chain_tx of bi (which just got its data) and of descendants waiting for it; adds candidates. */
static void cs_received_block_data(struct chainstate *cs, struct block_index *bi)
{
    if (bi->prev && bi->prev->chain_tx == 0) {
        unlinked_add(cs, bi->prev, bi);
        return;
    }
    /* bi and any descendants that were waiting for it now have all data. */
    size_t cap = 16, n = 0;
    struct block_index **queue = mem_alloc(cap * sizeof(*queue));
    queue[n++] = bi;
    while (n > 0) {
        struct block_index *e = queue[--n];
        e->chain_tx = (e->prev ? e->prev->chain_tx : 0) + e->tx_count;
        e->sequence_id = cs->next_sequence_id++;
        cs_candidate_add(cs, e);
        for (size_t i = 0; i < cs->nunlinked;) {
            if (cs->unlinked[i].parent == e) {
                if (n == cap) {
                    cap *= 2;
                    queue = mem_realloc(queue, cap * sizeof(*queue));
                }
                queue[n++] = cs->unlinked[i].child;
                cs->unlinked[i] = cs->unlinked[--cs->nunlinked];
            } else {
                i++;
            }
        }
    }
    mem_free(queue);
}

struct best_header_scan {
    struct block_index *best;
};

static bool scan_best_header(struct block_index *bi, void *arg)
{
    struct best_header_scan *s = arg;
    if ((bi->status & BLOCK_FAILED_MASK) || !block_index_is_valid(bi, BLOCK_VALID_TREE))
        return true;
    if (!s->best || arith256_cmp(&bi->chain_work, &s->best->chain_work) > 0)
        s->best = bi;
    return true;
}

static void recompute_best_header(struct chainstate *cs)
{
    struct best_header_scan s = { active_chain_tip(&cs->chain) };
    block_map_each(cs->map, scan_best_header, &s);
    cs->best_header = s.best;
}

struct mark_ctx {
    struct chainstate *cs;
    struct block_index *root;
};

static bool mark_child(struct block_index *bi, void *arg)
{
    struct mark_ctx *m = arg;
    if (bi->height > m->root->height && block_index_get_ancestor(bi, m->root->height) == m->root &&
        !(bi->status & BLOCK_FAILED_CHILD)) {
        bi->status |= BLOCK_FAILED_CHILD;
        block_map_set_dirty(m->cs->map, bi);
        cs_candidate_remove(m->cs, bi);
    }
    return true;
}

void cs_mark_invalid(struct chainstate *cs, struct block_index *bi, const struct val_state *st)
{
    bi->status |= BLOCK_FAILED_VALID;
    block_map_set_dirty(cs->map, bi);
    cs_candidate_remove(cs, bi);
    struct mark_ctx m = { cs, bi };
    block_map_each(cs->map, mark_child, &m);
    if (!cs->best_invalid || arith256_cmp(&bi->chain_work, &cs->best_invalid->chain_work) > 0)
        cs->best_invalid = bi;
    if (st) {
        cs->last_invalid = bi;
        cs->last_invalid_state = *st;
        char hex[65];
        hash256_to_hex(hex, &bi->hash);
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "InvalidBlockFound: invalid block=%s height=%d: %s%s%s", hex,
                   bi->height, st->reject, st->debug[0] ? ", " : "", st->debug);
        events_emit_block_invalid(cs->opt.events, bi, st);
    }
    if (cs->best_header && (cs->best_header == bi || block_index_get_ancestor(cs->best_header, bi->height) == bi))
        recompute_best_header(cs);
}

/* ---- accepting ---- */

bool cs_accept_header(struct chainstate *cs, struct val_state *st, struct block_index **out,
                      const struct block_header *h)
{
    const struct chain_params *p = cs->params;
    struct hash256 hash;
    block_header_hash(&hash, h);
    struct block_index *e = block_map_find(cs->map, &hash);
    *out = e;
    if (e) {
        if (e->status & BLOCK_FAILED_MASK)
            return val_invalid(st, VAL_BLOCK_CACHED_INVALID, "duplicate");
        return true;
    }
    if (!block_check_header(st, h, p))
        return false;
    struct block_index *prev = block_map_find(cs->map, &h->prev_hash);
    if (!prev)
        return val_invalid(st, VAL_BLOCK_MISSING_PREV, "prev-blk-not-found");
    if (prev->status & BLOCK_FAILED_MASK)
        return val_invalid(st, VAL_BLOCK_INVALID_PREV, "bad-prevblk");
    struct block_prev_context ctx;
    block_index_prev_context(&ctx, prev, p);
    if (!block_check_header_contextual(st, h, &ctx, p, cs_adjusted_time(cs)))
        return false;
    e = block_map_insert(cs->map, h, NULL);
    if (block_index_raise_validity(e, BLOCK_VALID_TREE))
        block_map_set_dirty(cs->map, e);
    if (!cs->best_header || arith256_cmp(&e->chain_work, &cs->best_header->chain_work) > 0)
        cs->best_header = e;
    *out = e;
    return true;
}

/* Stores a block's bytes (or records where they already are) and marks the entry. */
static bool store_block(struct chainstate *cs, struct block_index *bi, const struct block *b, const uint8_t *raw,
                        size_t raw_len, const struct flat_pos *known_pos)
{
    struct wbuf w;
    wbuf_init(&w);
    if (!raw) {
        wbuf_reserve(&w, block_size(b, true)); /* one allocation, not a doubling series of copies */
        block_serialize(&w, b, true);
        raw = w.data;
        raw_len = w.len;
    }
    struct flat_pos pos;
    struct store_error err;
    store_error_clear(&err);
    bool ok = true;
    if (known_pos) {
        pos = *known_pos;
        flatfile_account_block(cs->ff, &pos, raw_len, (uint32_t)bi->height, b->header.time);
    } else if (!store_disk_space_ok(cs->blocks_dir, raw_len, NULL, &err)) {
        ok = cs_fatal(cs, "%s", err.kind == STORE_ERR_DISK_FULL ? "Disk space is too low!" : err.msg);
    } else if (flatfile_write_block(cs->ff, &pos, raw, raw_len, (uint32_t)bi->height, b->header.time, &err) < 0) {
        ok = cs_fatal(cs, "Failed to write block: %s", err.msg);
    }
    wbuf_clear(&w);
    if (!ok)
        return false;
    bi->file = pos.file;
    bi->data_pos = pos.pos;
    bi->undo_pos = 0;
    bi->tx_count = (uint32_t)b->tx_count;
    bi->status |= BLOCK_HAVE_DATA;
    bi->status &= ~(uint32_t)BLOCK_HAVE_UNDO;
    if (bi->height >= cs->params->deployments.segwit)
        bi->status |= BLOCK_OPT_WITNESS;
    block_index_raise_validity(bi, BLOCK_VALID_TRANSACTIONS);
    block_map_set_dirty(cs->map, bi);
    cs_received_block_data(cs, bi);
    return true;
}

bool cs_accept_block(struct chainstate *cs, struct val_state *st, struct block_index **out, bool *new_block,
                     const struct block *b, const uint8_t *raw, size_t raw_len, const struct flat_pos *known_pos)
{
    const struct chain_params *p = cs->params;
    *new_block = false;
    *out = NULL;
    cs->checked_block = NULL;
    if (cs->fatal)
        return val_error(st, "the node is shutting down after a fatal error");
    struct hash256 hash;
    block_header_hash(&hash, &b->header);
    struct block_index *bi;
    if (hash256_eq(&hash, &cs->genesis_hash)) {
        /* Genesis comes from the chain parameters: trusted, no parent. */
        bool created;
        bi = block_map_insert(cs->map, &b->header, &created);
        if (block_index_raise_validity(bi, BLOCK_VALID_TREE))
            block_map_set_dirty(cs->map, bi);
        if (!cs->best_header)
            cs->best_header = bi;
    } else {
        if (!cs_accept_header(cs, st, &bi, &b->header))
            return false;
    }
    *out = bi;
    if (bi->status & BLOCK_HAVE_DATA)
        return true;
    if (bi->height > 0) {
        struct block_prev_context ctx;
        block_index_prev_context(&ctx, bi->prev, p);
        if (!block_check(st, b, p, true, true) || !block_check_contextual(st, b, &ctx, p)) {
            if (st->mode == VAL_INVALID && st->result != VAL_BLOCK_MUTATED)
                cs_mark_invalid(cs, bi, st);
            return false;
        }
        cs->checked_block = b;
    }
    if (!store_block(cs, bi, b, raw, raw_len, known_pos))
        return val_error(st, "failed to store block");
    /* Durable against a process crash from here on: the block's data is
     * written, now its index entry (chainstate_persist.c). A -reindex in
     * progress starts again from scratch after a crash, so it skips this. */
    if (!cs->opt.defer_index_writes && !cs->reindex_pending && !cs_index_write(cs, false))
        return val_error(st, "failed to write the block index");
    *new_block = true;
    /* Core's NewPoWValidBlock: a new block on our tip may be relayed compactly
     * before it is connected. Only our own: hashmint's reserve commitment is
     * checked while connecting, so a peer's or submitblock's block with a bad
     * commitment must not go out first (doc/p2p.md, "Compact blocks"). */
    if (cs->own_block && !cs->reindex_pending && bi->prev && bi->prev == active_chain_tip(&cs->chain) &&
        !chainstate_is_initial_download(cs))
        events_emit_new_pow_valid_block(cs->opt.events, b, bi);
    return true;
}

/* ---- connecting ---- */

/* Returns true if the block is one of Bitcoin's BIP 30 exceptions (duplicate coinbases). */
static bool cs_is_bip30_exception(const struct chainstate *cs, const struct block_index *bi)
{
    /* The two Bitcoin blocks whose coinbases duplicated earlier ones (Core's IsBIP30Repeat/Unspendable). */
    static const struct {
        int32_t height;
        const char *hash;
    } ex[] = {
        { 91842, "00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec" },
        { 91880, "00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721" },
        { 91722, "00000000000271a2dc26e7667f8419f2e15416dc6955e5a6c6cdf3f2574dd08e" },
        { 91812, "00000000000af0aed4792b1acee3d966af36cf5def14935db8de83d6f9306f2f" },
    };
    if (cs->params->is_hashmint)
        return false;
    for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
        if (bi->height != ex[i].height)
            continue;
        struct hash256 h;
        if (hash256_from_hex(&h, ex[i].hash) && hash256_eq(&h, &bi->hash))
            return true;
    }
    return false;
}

static int64_t mtp_at(void *ctx, int32_t height)
{
    const struct block_index *a = block_index_get_ancestor(ctx, height);
    return a ? block_index_median_time_past(a) : 0;
}

/* Scratch space of one ConnectBlock: per-transaction digests and the spent
 * outputs they borrow must outlive the queued script checks. Sized once
 * for the whole block, so the checks' pointers never move while the
 * workers run them and no transaction allocates its own. */
struct connect_scratch {
    struct tx_precomputed *pre; /* one per transaction */
    struct txout *spent;        /* one per input of the non-coinbase transactions, in block order */
    struct script_check *checks;
    size_t nchecks;
    struct spent_coin *sc;      /* the current transaction's inputs */
    int32_t *prev_heights;
};

static void scratch_init(struct connect_scratch *s, const struct block *b)
{
    size_t nin = 0, maxin = 1;
    for (size_t i = 1; i < b->tx_count; i++) {
        nin += b->txs[i].vin_count;
        if (b->txs[i].vin_count > maxin)
            maxin = b->txs[i].vin_count;
    }
    memset(s, 0, sizeof(*s));
    s->pre = mem_alloc(b->tx_count * sizeof(*s->pre));
    s->spent = mem_alloc((nin ? nin : 1) * sizeof(*s->spent));
    s->checks = mem_alloc((nin ? nin : 1) * sizeof(*s->checks));
    s->sc = mem_alloc(maxin * sizeof(*s->sc));
    s->prev_heights = mem_alloc(maxin * sizeof(*s->prev_heights));
}

static void scratch_clear(struct connect_scratch *s)
{
    mem_free(s->spent);
    mem_free(s->pre);
    mem_free(s->checks);
    mem_free(s->sc);
    mem_free(s->prev_heights);
}

static bool connect_genesis(struct chainstate *cs, struct val_state *st, struct coins_cache *view,
                            struct block_index *bi, const struct block *b, struct cs_block_iss *bx)
{
    /* The issuance state starts from the genesis coinbase's ISSUER and
     * ORACLE outputs; its VAULT outputs (none on the hashmint chains) would
     * be the reserve tree's first leaves. */
    if (bx && (!cs_iss_genesis(cs, st, bx, b) || !cs_iss_block_end(cs, st, bx, b, NULL, 0, false)))
        return false;
    /* Bitcoin's genesis coinbase never entered the UTXO set; hashmint's outputs are spendable from height 0. */
    if (cs->params->genesis_outputs_spendable)
        for (size_t i = 0; i < b->tx_count; i++)
            coins_cache_add_tx(view, &b->txs[i], 0, true);
    coins_cache_set_best_block(view, &bi->hash);
    return true;
}

bool cs_connect_block(struct chainstate *cs, struct val_state *st, struct coins_cache *view, struct block_index *bi,
                      const struct block *b, bool just_check, struct cs_block_iss *bx)
{
    const struct chain_params *p = cs->params;
    if (cs->iss_on != (bx != NULL))
        return val_error(st, "connect without the issuance state it needs");
    /* block_check is a pure function of the block: when acceptance just ran
     * it on this very object with PoW and Merkle root, it passed. */
    if (b != cs->checked_block && !block_check(st, b, p, !just_check, !just_check))
        return false;
    struct hash256 best, prev_hash;
    coins_cache_best_block(view, &best);
    memset(&prev_hash, 0, sizeof(prev_hash));
    if (bi->prev)
        prev_hash = bi->prev->hash;
    if (!hash256_eq(&best, &prev_hash))
        return val_error(st, "coins view is not at the block's parent");
    if (!bi->prev)
        return connect_genesis(cs, st, view, bi, b, bx);

    int32_t height = bi->height;
    /* BIP 30: no transaction may overwrite an unspent one, unless BIP 34's
     * height-in-coinbase already makes that impossible. */
    bool enforce_bip30 = (height < p->deployments.bip34 || height >= BIP34_IMPLIES_BIP30_LIMIT) &&
                         !cs_is_bip30_exception(cs, bi);
    if (enforce_bip30) {
        for (size_t i = 0; i < b->tx_count; i++)
            for (size_t o = 0; o < b->txs[i].vout_count; o++) {
                struct outpoint op = { b->txs[i].txid, (uint32_t)o };
                if (coins_cache_have(view, &op))
                    return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-txns-BIP30", "tried to overwrite transaction");
            }
    }

    uint32_t flags = chain_params_script_flags(p, height, &bi->hash);
    bool enforce_locks = height >= p->deployments.csv;
    int64_t prev_mtp = block_index_median_time_past(bi->prev);
    struct block_undo undo;
    block_undo_init(&undo);
    block_undo_reserve(&undo, b->tx_count ? b->tx_count - 1 : 0);
    struct connect_scratch s;
    scratch_init(&s, b);
    int64_t fees = 0, sigops = 0;
    bool ok = false;
    struct val_state txst;
    val_state_init(&txst);
    /* The script checks run on the workers while this thread goes on with
     * the serial part (coins, input and issuance checks, undo); their
     * result is looked at only after every other check of the block, as
     * before, so the reported failure is the same whichever finishes first. */
    check_queue_begin(cs->checkq, s.checks);
    bool queue_open = true;
    struct undo_record urec;
    bool urec_built = false;
    size_t nspent = 0; /* entries of s.spent used so far */
    /* Coins lookups run ahead of the spends: the hash slots of the inputs
     * PREFETCH_FAR transactions on, the entries PREFETCH_NEAR on. */
    enum { PREFETCH_NEAR = 4, PREFETCH_FAR = 8 };
    for (size_t k = 1; k < b->tx_count && k < 1 + PREFETCH_FAR; k++)
        for (size_t j = 0; j < b->txs[k].vin_count; j++)
            coins_cache_prefetch(view, &b->txs[k].vin[j].prevout, 0);

    for (size_t i = 0; i < b->tx_count; i++) {
        const struct tx *tx = &b->txs[i];
        bool coinbase = i == 0;
        if (!coinbase) {
            if (i + PREFETCH_FAR < b->tx_count)
                for (size_t j = 0; j < b->txs[i + PREFETCH_FAR].vin_count; j++)
                    coins_cache_prefetch(view, &b->txs[i + PREFETCH_FAR].vin[j].prevout, 0);
            if (i + PREFETCH_NEAR < b->tx_count)
                for (size_t j = 0; j < b->txs[i + PREFETCH_NEAR].vin_count; j++)
                    coins_cache_prefetch(view, &b->txs[i + PREFETCH_NEAR].vin[j].prevout, 1);
            struct tx_undo *tu = block_undo_add_tx(&undo, tx->vin_count);
            struct coin *spent_coins = tu->prevout; /* stable: the array is not reallocated */
            for (size_t j = 0; j < tx->vin_count; j++) {
                int r = coins_cache_spend(view, &tx->vin[j].prevout, &spent_coins[j]);
                if (r < 0) {
                    val_error(st, "coins database read failed");
                    goto out;
                }
                if (r == 0) {
                    /* Core's ConnectBlock wording: "<CheckTxInputs detail> in transaction <txid>". */
                    char txh[65];
                    hash256_to_hex(txh, &tx->txid);
                    val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-txns-inputs-missingorspent",
                                      "CheckTxInputs: inputs missing/spent in transaction %s", txh);
                    goto out;
                }
                s.sc[j].out = &spent_coins[j].out;
                s.sc[j].height = (int32_t)spent_coins[j].height;
                s.sc[j].is_coinbase = spent_coins[j].coinbase;
                s.prev_heights[j] = (int32_t)spent_coins[j].height;
            }
            int64_t fee;
            if (!tx_check_inputs(&txst, &fee, tx, s.sc, height, p)) {
                char txh[65];
                hash256_to_hex(txh, &tx->txid);
                val_invalid_debug(st, VAL_BLOCK_CONSENSUS, txst.reject, "%s in transaction %s", txst.debug, txh);
                goto out;
            }
            fees += fee;
            if (!money_range(fees)) {
                val_invalid(st, VAL_BLOCK_CONSENSUS, "bad-txns-accumulated-fee-outofrange");
                goto out;
            }
            struct sequence_lock lock;
            tx_sequence_locks_calculate(&lock, s.prev_heights, tx, enforce_locks, mtp_at, bi->prev);
            if (!tx_sequence_locks_evaluate(&lock, height, prev_mtp)) {
                val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-txns-nonfinal",
                                  "contains a non-BIP68-final transaction");
                goto out;
            }
        }
        sigops += tx_sigop_cost(tx, coinbase ? NULL : s.sc, flags);
        if (sigops > (int64_t)p->max_block_sigops_cost) {
            val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-blk-sigops", "too many sigops");
            goto out;
        }
        /* The issuance rules (doc/issuance.md), every transaction in block
         * order against the state after the ones before it; they include
         * the output-prefix check. Without assets only that check runs. */
        if (bx ? !cs_iss_tx(cs, &txst, bx, i, tx, coinbase ? NULL : s.sc, height)
               : !chainstate_check_tx_outputs(cs, &txst, tx)) {
            if (txst.mode == VAL_ERROR)
                val_error(st, txst.reject);
            else
                val_invalid_debug(st, VAL_BLOCK_CONSENSUS, txst.reject, "tx %zu: %s", i, txst.debug);
            goto out;
        }
        if (!coinbase) {
            uint8_t key[32];
            script_cache_key(cs->script_cache, key, &tx->wtxid, flags);
            if (!script_cache_contains(cs->script_cache, key)) {
                struct txout *spent = &s.spent[nspent];
                nspent += tx->vin_count;
                for (size_t j = 0; j < tx->vin_count; j++)
                    spent[j] = *s.sc[j].out; /* shallow: the scripts stay owned by the undo coins */
                /* A one-input transaction's only check computes its digests
                 * on the worker; with more inputs they are shared, so here. */
                bool single = tx->vin_count == 1;
                if (!single)
                    tx_precomputed_init(&s.pre[i], tx, spent, tx->vin_count);
                for (size_t j = 0; j < tx->vin_count; j++) {
                    struct script_check *c = &s.checks[s.nchecks++];
                    c->tx = tx;
                    c->in_index = j;
                    c->spent = &spent[j];
                    c->flags = flags;
                    c->pre = &s.pre[i];
                    c->fill_pre = single ? &s.pre[i] : NULL;
                }
                check_queue_add(cs->checkq, s.nchecks);
            }
        }
        if (!coins_cache_add_tx(view, tx, height, false)) {
            val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-txns-BIP30", "tried to overwrite transaction");
            goto out;
        }
    }

    int64_t cb_out;
    int64_t reward = fees + chain_params_block_subsidy(p, height);
    if (!tx_value_out(&b->txs[0], &cb_out) || cb_out > reward) {
        val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-cb-amount", "coinbase pays too much (actual=%lld vs limit=%lld)",
                          (long long)cb_out, (long long)reward);
        goto out;
    }
    /* The reserve tree after the block and its HMRS commitment (before the
     * scripts: the cheap checks first). */
    if (bx && !cs_iss_block_end(cs, &txst, bx, b, &undo, height, false)) {
        if (txst.mode == VAL_ERROR)
            val_error(st, txst.reject);
        else
            val_invalid_debug(st, VAL_BLOCK_CONSENSUS, txst.reject, "%s", txst.debug);
        goto out;
    }
    /* The undo record is serialised and hashed while the workers still
     * verify; it is written only once every check has passed. */
    bool write_undo = !just_check && !(bi->status & BLOCK_HAVE_UNDO);
    if (write_undo) {
        undo_record_build(&urec, &undo, bx ? &bx->undo : NULL, &bi->prev->hash);
        urec_built = true;
    }
    size_t failed = 0;
    enum script_error serr = SCRIPT_ERR_OK;
    queue_open = false;
    if (!check_queue_wait(cs->checkq, &failed, &serr)) {
        const struct script_check *c = &s.checks[failed];
        val_invalid(st, VAL_BLOCK_CONSENSUS, "mandatory-script-verify-flag-failed");
        snprintf(st->reject, sizeof(st->reject), "mandatory-script-verify-flag-failed (%s)", script_error_string(serr));
        char txh[65];
        hash256_to_hex(txh, &c->tx->txid);
        snprintf(st->debug, sizeof(st->debug), "input %zu of tx %s", c->in_index, txh);
        goto out;
    }
    if (!just_check) {
        if (write_undo) {
            struct flat_pos pos;
            struct store_error err;
            store_error_clear(&err);
            if (undo_record_write(cs->ff, &pos, bi->file, &urec, &err) < 0) {
                cs_fatal(cs, "Failed to write undo data: %s", err.msg);
                val_error(st, "failed to write undo data");
                goto out;
            }
            bi->undo_pos = pos.pos;
            bi->status |= BLOCK_HAVE_UNDO;
            block_map_set_dirty(cs->map, bi);
        }
        if (block_index_raise_validity(bi, BLOCK_VALID_SCRIPTS))
            block_map_set_dirty(cs->map, bi);
    }
    coins_cache_set_best_block(view, &bi->hash);
    ok = true;
out:
    if (queue_open)
        check_queue_abandon(cs->checkq); /* no worker may still read the scratch or the undo coins */
    if (urec_built)
        undo_record_clear(&urec);
    scratch_clear(&s);
    block_undo_clear(&undo);
    return ok;
}

enum undo_result cs_disconnect_block(struct chainstate *cs, struct coins_cache *view, struct block_index *bi,
                                     const struct block *b, struct cs_block_iss *bx, struct store_error *read_err)
{
    store_error_clear(read_err);
    if (!bi->prev)
        return UNDO_FAILED; /* never disconnect genesis */
    if (cs->iss_on != (bx != NULL))
        return UNDO_FAILED;
    struct block_undo u;
    struct issuance_undo iu;
    struct store_error err;
    store_error_clear(&err);
    struct flat_pos pos = { bi->file, bi->undo_pos };
    if (!(bi->status & BLOCK_HAVE_UNDO))
        store_error_set(&err, STORE_ERR_CORRUPT, "the block index records no undo data for it");
    if (err.kind != STORE_ERR_NONE || undo_read(cs->ff, &u, bx ? &iu : NULL, &pos, &bi->prev->hash, &err) < 0) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "DisconnectBlock(): failure reading undo data of height %d: %s",
                   bi->height, err.msg);
        if (read_err)
            *read_err = err;
        return UNDO_FAILED;
    }
    if (bx) {
        /* The state before the block, from the undo record; with want_fx the
         * block is replayed from there over its spent coins, which must
         * arrive at the state we are undoing (else state and undo data
         * disagree). */
        struct issuance_state before = bx->state;
        bool ok = issuance_state_disconnect(&before, &iu);
        /* The reserve tree: the block's changes inverted (the spent vaults'
         * leaves come back from the undo coins). */
        if (ok) {
            struct val_state tst;
            val_state_init(&tst);
            ok = cs_iss_block_end(cs, &tst, bx, b, &u, bi->height, true);
            if (!ok)
                log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "DisconnectBlock(): the reserve tree does not fit block %d",
                           bi->height);
        }
        if (ok && bx->want_fx) {
            struct cs_block_iss fwd;
            cs_iss_begin(&fwd, &before, NULL, true, b->tx_count);
            struct val_state st;
            val_state_init(&st);
            ok = cs_iss_replay_block(cs, &st, &fwd, b, &u, bi->height) &&
                 cs_iss_equal(&fwd.state, &bx->state);
            if (!ok)
                log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR,
                           "DisconnectBlock(): the issuance state does not fit block %d (%s)", bi->height,
                           st.reject[0] ? st.reject : "state mismatch");
            /* Hand the effects over to bx (it owns them from now on). */
            for (size_t k = 0; k < bx->nowned; k++)
                mem_free(bx->owned[k]);
            mem_free(bx->owned);
            mem_free(bx->fx);
            reserve_batch_clear(&fwd.rbatch);
            bx->fx = fwd.fx;
            bx->nfx = fwd.nfx;
            bx->owned = fwd.owned;
            bx->nowned = fwd.nowned;
        }
        if (!ok) {
            block_undo_clear(&u);
            return UNDO_FAILED;
        }
        bx->state = before;
        bx->undo = iu;
    }
    enum undo_result r = undo_disconnect_block(view, b, bi->height, &u, &bi->prev->hash, cs_is_bip30_exception(cs, bi));
    block_undo_clear(&u);
    return r;
}

bool cs_rollforward_block(struct chainstate *cs, struct coins_cache *view, struct block_index *bi,
                          struct cs_block_iss *bx)
{
    if (cs->iss_on != (bx != NULL))
        return false;
    struct block b;
    if (!cs_read_block(cs, &b, bi))
        return false;
    bool ok = true;
    struct val_state st;
    val_state_init(&st);
    if (!bi->prev) {
        ok = connect_genesis(cs, &st, view, bi, &b, bx);
    } else {
        if (bx) {
            /* The issuance state follows from the block and the coins it
             * spent, which its undo data holds (the coins database may
             * already have lost them to the interrupted flush). */
            struct block_undo u;
            struct issuance_undo iu; /* read with the coins, not needed here */
            struct store_error err;
            store_error_clear(&err);
            struct flat_pos pos = { bi->file, bi->undo_pos };
            block_undo_init(&u);
            ok = (bi->status & BLOCK_HAVE_UNDO) && undo_read(cs->ff, &u, &iu, &pos, &bi->prev->hash, &err) == 0;
            if (ok) {
                ok = cs_iss_block(cs, &st, bx, &b, &u, bi->height, true);
                if (!ok)
                    log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "RollforwardBlock(): issuance state at height %d: %s",
                               bi->height, st.reject);
                block_undo_clear(&u);
            } else {
                log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "RollforwardBlock(): cannot read the undo data of height %d: %s",
                           bi->height, err.msg);
            }
        }
        for (size_t i = 0; ok && i < b.tx_count; i++) {
            const struct tx *tx = &b.txs[i];
            if (i > 0)
                for (size_t j = 0; j < tx->vin_count; j++)
                    if (coins_cache_spend(view, &tx->vin[j].prevout, NULL) < 0) {
                        block_clear(&b);
                        return false;
                    }
            /* Every addition may overwrite: the coin may already be there. */
            coins_cache_add_tx(view, tx, bi->height, true);
        }
    }
    block_clear(&b);
    return ok;
}
