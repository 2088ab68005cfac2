/* Choosing and activating the best chain (Bitcoin Core's ActivateBestChain,
 * ConnectTip, DisconnectTip, InvalidateBlock, ResetBlockFailureFlags,
 * PreciousBlock) and the public block-processing entry points. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "consensus/block_check.h"
#include "src/chain/chainstate_internal.h"
#include "src/chain/undo.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

struct block_index *cs_find_most_work_chain(struct chainstate *cs)
{
    for (;;) {
        struct block_index *best = NULL;
        for (size_t i = 0; i < cs->ncand; i++)
            if (!best || cs_better(cs->cand[i], best))
                best = cs->cand[i];
        if (!best)
            return NULL;
        bool usable = true;
        for (struct block_index *w = best; w && !active_chain_contains(&cs->chain, w); w = w->prev) {
            if (w->status & BLOCK_FAILED_MASK) {
                /* Mark the branch from best down to w's child as failed children. */
                for (struct block_index *x = best; x != w; x = x->prev) {
                    x->status |= BLOCK_FAILED_CHILD;
                    block_map_set_dirty(cs->map, x);
                    cs_candidate_remove(cs, x);
                }
                usable = false;
                break;
            }
            if (!(w->status & BLOCK_HAVE_DATA)) {
                cs_candidate_remove(cs, best);
                usable = false;
                break;
            }
        }
        if (usable)
            return best;
        cs_candidate_remove(cs, best);
    }
}

static double log2_work(const struct arith256 *w)
{
    unsigned bits = arith256_bits(w);
    if (bits == 0)
        return 0.0;
    struct arith256 top;
    unsigned shift = bits > 53 ? bits - 53 : 0;
    arith256_shr(&top, w, shift);
    return log2((double)arith256_low64(&top)) + shift;
}

/* Logs an UpdateTip line (every block outside IBD, every few seconds during it). */
static void cs_log_tip(struct chainstate *cs, bool force)
{
    const struct block_index *tip = active_chain_tip(&cs->chain);
    if (!tip)
        return;
    int64_t now = cs_now();
    bool ibd = chainstate_is_initial_download(cs);
    if (!force && ibd && now - cs->last_log < 5)
        return;
    char hex[65], date[32];
    hash256_to_hex(hex, &tip->hash);
    time_t t = (time_t)tip->header.time;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
    size_t entries;
    size_t usage = chainstate_coins_cache_usage(cs, &entries);
    if (ibd && cs->last_log > 0 && now > cs->last_log) {
        double rate = (double)(tip->height - cs->last_log_height) / (double)(now - cs->last_log);
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO,
                   "UpdateTip: new best=%s height=%d version=0x%08x log2_work=%.6f tx=%llu date='%s' "
                   "blocks/s=%.1f cache=%.1fMiB(%zutxo)",
                   hex, tip->height, (unsigned)tip->header.version, log2_work(&tip->chain_work),
                   (unsigned long long)tip->chain_tx, date, rate, (double)usage / (1024.0 * 1024.0), entries);
    } else {
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO,
                   "UpdateTip: new best=%s height=%d version=0x%08x log2_work=%.6f tx=%llu date='%s' "
                   "cache=%.1fMiB(%zutxo)",
                   hex, tip->height, (unsigned)tip->header.version, log2_work(&tip->chain_work),
                   (unsigned long long)tip->chain_tx, date, (double)usage / (1024.0 * 1024.0), entries);
    }
    cs->last_log = now;
    cs->last_log_height = tip->height;
}

/* Returns true if b, stored as bi and failing to connect with st, was
 * damaged after it was stored: everything stored passed the checks for
 * mutation (merkle root, witness commitment), so failing one now means the
 * disk or memory changed it (Core's "Corrupt block found"). The witness
 * commitment is checked again here, on failure only: ConnectBlock's own
 * checks do not cover witness data, whose damage shows as a failing script. */
static bool stored_block_damaged(struct chainstate *cs, const struct block_index *bi, const struct block *b,
                                 const struct val_state *st)
{
    if (st->result == VAL_BLOCK_MUTATED)
        return true;
    struct block_prev_context ctx;
    block_index_prev_context(&ctx, bi->prev, cs->params);
    struct val_state cst;
    val_state_init(&cst);
    return !block_check_contextual(&cst, b, &ctx, cs->params) && cst.result == VAL_BLOCK_MUTATED;
}

bool cs_connect_tip(struct chainstate *cs, struct block_index *bi, const struct block *given, bool *invalid)
{
    struct block local;
    const struct block *b = given;
    *invalid = false;
    if (!b) {
        if (!cs_read_block(cs, &local, bi))
            return cs_fatal(cs, "Failed to read block %d from disk. Please restart with -reindex to recover.",
                            bi->height);
        b = &local;
    }
    struct val_state st;
    val_state_init(&st);
    /* The block's view holds at most an entry per input and per output. */
    size_t expected = 0;
    for (size_t i = 0; i < b->tx_count; i++)
        expected += b->txs[i].vin_count + b->txs[i].vout_count;
    struct coins_cache *view = coins_cache_new_child_sized(cs->coins, expected);
    struct cs_block_iss bx;
    cs_iss_begin(&bx, &cs->iss, &cs->rtree, true, b->tx_count);
    if (cs->iss_on && bi->prev && !cs->iss_loaded) {
        /* Never connect on a state we do not have (cannot happen after a successful open). */
        cs_iss_end(&bx);
        coins_cache_free(view);
        if (b == &local)
            block_clear(&local);
        return cs_fatal(cs, "The issuance state is missing. Please restart with -reindex-chainstate to recover.");
    }
    bool ok = cs_connect_block(cs, &st, view, bi, b, false, cs->iss_on ? &bx : NULL);
    bool result = true;
    if (!ok) {
        if (st.mode == VAL_INVALID && stored_block_damaged(cs, bi, b, &st)) {
            /* Never mark a good block invalid because its copy is damaged. */
            result = cs_fatal(cs, "Corrupt block found indicating potential hardware failure (block %d: %s). "
                                  "Please restart with -reindex to recover.", bi->height, st.reject);
        } else if (st.mode == VAL_INVALID) {
            cs_mark_invalid(cs, bi, &st);
            *invalid = true;
        } else if (!cs->fatal) {
            struct store_error err;
            if (coins_cache_read_failed(cs->coins, &err))
                result = cs_fatal(cs, "Failed to read the coins database: %s", err.msg);
            else
                result = cs_fatal(cs, "ConnectBlock failed: %s", st.reject);
        } else {
            result = false;
        }
        coins_cache_free(view);
        goto out;
    }
    if (coins_cache_flush(view, NULL, 0, NULL) < 0) { /* child into parent: cannot fail */
        coins_cache_free(view);
        result = cs_fatal(cs, "Failed to update the coins cache");
        goto out;
    }
    coins_cache_free(view);
    if (cs->iss_on) {
        if (!cs_iss_tree_commit(&bx, &cs->rstore)) {
            result = cs_fatal(cs, "Failed to update the reserve tree");
            goto out;
        }
        cs->iss = bx.state;
        cs->iss_loaded = true;
    }
    active_chain_set_tip(&cs->chain, bi);
    if (cs->txindex && !cs_txindex_add_block(cs, b, bi)) {
        result = false;
        goto out;
    }
    events_emit_block_connected(cs->opt.events, b, bi);
    for (size_t i = 0; i < bx.nfx; i++)
        if (bx.fx[i].actions)
            events_emit_issuance_tx(cs->opt.events, &b->txs[i], &bx.fx[i], bi, true);
    cs_log_tip(cs, false);
    result = cs_flush(cs, CHAINSTATE_FLUSH_IF_NEEDED);
out:
    cs_iss_end(&bx);
    if (b == &local)
        block_clear(&local);
    return result;
}

bool cs_disconnect_tip(struct chainstate *cs)
{
    struct block_index *tip = active_chain_tip(&cs->chain);
    if (!tip || !tip->prev)
        return cs_fatal(cs, "Attempted to disconnect the genesis block");
    struct block b;
    if (!cs_read_block(cs, &b, tip))
        return cs_fatal(cs, "Failed to read block %d from disk. Please restart with -reindex to recover.",
                        tip->height);
    struct coins_cache *view = coins_cache_new_child(cs->coins);
    struct store_error rerr;
    struct cs_block_iss bx;
    cs_iss_begin(&bx, &cs->iss, &cs->rtree, true, 0);
    enum undo_result r = cs_disconnect_block(cs, view, tip, &b, cs->iss_on ? &bx : NULL, &rerr);
    if (r != UNDO_OK) {
        cs_iss_end(&bx);
        coins_cache_free(view);
        block_clear(&b);
        /* Missing undo data comes back only with -reindex (-reindex-chainstate
         * keeps the index's undo positions and never rewrites it). */
        if (rerr.kind != STORE_ERR_NONE)
            return cs_fatal(cs, "Failed to read undo data of block %d (%s). Please restart with -reindex to recover.",
                            tip->height, rerr.msg);
        return cs_fatal(cs, "Failed to disconnect block %d: its undo data does not match the coins database. "
                            "Please restart with -reindex-chainstate to recover.",
                        tip->height);
    }
    if (coins_cache_flush(view, NULL, 0, NULL) < 0) {
        cs_iss_end(&bx);
        coins_cache_free(view);
        block_clear(&b);
        return cs_fatal(cs, "Failed to update the coins cache");
    }
    coins_cache_free(view);
    if (cs->iss_on) {
        if (!cs_iss_tree_commit(&bx, &cs->rstore)) {
            cs_iss_end(&bx);
            block_clear(&b);
            return cs_fatal(cs, "Failed to update the reserve tree");
        }
        cs->iss = bx.state;
    }
    active_chain_set_tip(&cs->chain, tip->prev);
    events_emit_block_disconnected(cs->opt.events, &b, tip);
    for (size_t i = bx.nfx; i-- > 0;)
        if (bx.fx[i].actions)
            events_emit_issuance_tx(cs->opt.events, &b.txs[i], &bx.fx[i], tip, false);
    cs_iss_end(&bx);
    block_clear(&b);
    cs_log_tip(cs, false);
    return cs_flush(cs, CHAINSTATE_FLUSH_IF_NEEDED);
}

/* One step towards most_work: back to the fork, then forward until done or
 * a block fails. hint: a block the caller holds (saves a disk read). */
static bool activate_step(struct chainstate *cs, struct block_index *most_work, const struct block *hint,
                          const struct block_index *hint_index, bool *invalid_found)
{
    *invalid_found = false;
    struct block_index *fork = active_chain_find_fork(&cs->chain, most_work);
    while (active_chain_tip(&cs->chain) && active_chain_tip(&cs->chain) != fork)
        if (!cs_disconnect_tip(cs))
            return false;
    int32_t from = fork ? fork->height + 1 : 0;
    for (int32_t h = from; h <= most_work->height; h++) {
        struct block_index *bi = block_index_get_ancestor(most_work, h);
        bool invalid;
        if (!cs_connect_tip(cs, bi, bi == hint_index ? hint : NULL, &invalid))
            return false;
        if (invalid) {
            *invalid_found = true;
            cs_candidates_rebuild(cs);
            return true;
        }
        cs_candidates_prune(cs);
    }
    return true;
}

bool cs_activate_best_chain(struct chainstate *cs, const struct block *hint, const struct block_index *hint_index)
{
    if (cs->fatal)
        return false;
    for (;;) {
        struct block_index *most = cs_find_most_work_chain(cs);
        struct block_index *old_tip = active_chain_tip(&cs->chain);
        if (!most || most == old_tip)
            break;
        struct block_index *fork = active_chain_find_fork(&cs->chain, most);
        bool invalid;
        bool ok = activate_step(cs, most, hint, hint_index, &invalid);
        struct block_index *tip = active_chain_tip(&cs->chain);
        if (tip != old_tip)
            events_emit_updated_block_tip(cs->opt.events, tip, fork, chainstate_is_initial_download(cs));
        if (!ok)
            return false;
    }
    return cs_flush(cs, CHAINSTATE_FLUSH_PERIODIC);
}

bool chainstate_activate_best_chain(struct chainstate *cs, struct val_state *st)
{
    chainstate_lock(cs);
    bool ok = cs_activate_best_chain(cs, NULL, NULL);
    if (!ok && st)
        val_error(st, "fatal error while activating the best chain");
    chainstate_unlock(cs);
    return ok;
}

/* Blocks up to this far above the tip are taken unrequested (Core's MIN_BLOCKS_TO_KEEP). */
#define UNREQUESTED_MAX_AHEAD 288

/* Core's AcceptBlock rules for a block nobody asked for (fRequested false):
 * stored only if its chain has at least as much work as the tip
 * (fHasMoreOrSameWork), it is not too far ahead (fTooFarAhead) and its chain
 * reaches the minimum chain work, so a peer cannot fill the disk with cheap
 * side-chain blocks. A block already stored, or whose parent is unknown,
 * goes the usual way (duplicate; prev-blk-not-found). Lock held. */
static bool unrequested_wanted(struct chainstate *cs, const struct block_header *h)
{
    struct block_index *prev = block_map_find(cs->map, &h->prev_hash);
    if (!prev)
        return true;
    struct hash256 hash;
    block_header_hash(&hash, h);
    struct block_index *bi = block_map_find(cs->map, &hash);
    if (bi && (bi->status & BLOCK_HAVE_DATA))
        return true;
    struct arith256 work;
    arith256_work_from_compact(&work, h->bits);
    arith256_add(&work, &work, &prev->chain_work);
    struct block_index *tip = active_chain_tip(&cs->chain);
    if (tip && arith256_cmp(&work, &tip->chain_work) < 0)
        return false;
    if (tip && prev->height + 1 > tip->height + UNREQUESTED_MAX_AHEAD)
        return false;
    return arith256_cmp(&work, &cs->opt.min_chain_work) >= 0;
}

bool chainstate_process_new_block(struct chainstate *cs, struct val_state *st, bool *new_block, const struct block *b,
                                  bool force)
{
    val_state_init(st);
    if (new_block)
        *new_block = false;
    bool nb = false;
    struct block_index *bi = NULL;
    chainstate_lock(cs);
    if (!force && !unrequested_wanted(cs, &b->header)) {
        /* Not stored; checked first as ProcessNewBlock's CheckBlock does. */
        bool checked = block_check(st, b, cs->params, true, true);
        chainstate_unlock(cs);
        return checked;
    }
    bool ok = cs_accept_block(cs, st, &bi, &nb, b, NULL, 0, NULL);
    if (new_block)
        *new_block = nb;
    if (ok) {
        cs->last_invalid = NULL;
        if (!cs_activate_best_chain(cs, b, bi)) {
            if (val_is_valid(st))
                val_error(st, "fatal error while activating the best chain");
        } else if (bi && (bi->status & BLOCK_FAILED_VALID) && cs->last_invalid == bi) {
            *st = cs->last_invalid_state;
        }
    }
    cs->checked_block = NULL;
    chainstate_unlock(cs);
    return ok;
}

bool chainstate_process_unrequested_block(struct chainstate *cs, struct val_state *st, bool *new_block,
                                          const struct block *b, bool min_pow_checked)
{
    bool nb = false;
    chainstate_lock(cs); /* recursive: one hold over the block and its header */
    bool ok = chainstate_process_new_block(cs, st, &nb, b, false);
    if (ok && !nb && min_pow_checked && val_is_valid(st)) {
        struct hash256 hash;
        block_header_hash(&hash, &b->header);
        struct block_index *bi = block_map_find(cs->map, &hash);
        if (!bi || !(bi->status & BLOCK_HAVE_DATA))
            ok = cs_accept_header(cs, st, &bi, &b->header); /* not stored: its header is (AcceptBlockHeader) */
    }
    chainstate_unlock(cs);
    if (new_block)
        *new_block = nb;
    return ok;
}

bool chainstate_process_headers(struct chainstate *cs, struct val_state *st, struct block_index **last,
                                const struct block_header *headers, size_t count)
{
    val_state_init(st);
    if (last)
        *last = NULL;
    chainstate_lock(cs);
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        struct block_index *bi;
        ok = cs_accept_header(cs, st, &bi, &headers[i]);
        if (ok && last)
            *last = bi;
    }
    chainstate_unlock(cs);
    return ok;
}

bool chainstate_test_block_validity(struct chainstate *cs, struct val_state *st, const struct block *b,
                                    bool check_pow, bool check_merkle)
{
    const struct chain_params *p = cs->params;
    val_state_init(st);
    chainstate_lock(cs);
    bool ok = false;
    struct block_index *tip = active_chain_tip(&cs->chain);
    struct coins_cache *view = NULL;
    if (!tip || !hash256_eq(&tip->hash, &b->header.prev_hash)) {
        val_invalid(st, VAL_BLOCK_INVALID_PREV, "inconclusive-not-best-prevblk");
        goto out;
    }
    struct block_prev_context ctx;
    block_index_prev_context(&ctx, tip, p);
    if (!block_check_header_contextual(st, &b->header, &ctx, p, cs_adjusted_time(cs)))
        goto out;
    if (!block_check(st, b, p, check_pow, check_merkle))
        goto out;
    if (!block_check_contextual(st, b, &ctx, p))
        goto out;
    /* A scratch index entry for the block: never inserted into the map. */
    struct block_index tmp;
    memset(&tmp, 0, sizeof(tmp));
    block_header_hash(&tmp.hash, &b->header);
    tmp.prev = tip;
    tmp.height = tip->height + 1;
    tmp.header = b->header;
    tmp.file = -1;
    view = coins_cache_new_child(cs->coins);
    /* The issuance rules run on a copy of the tip's state. */
    struct cs_block_iss *bx = mem_alloc(sizeof(*bx));
    cs_iss_begin(bx, &cs->iss, &cs->rtree, false, 0);
    ok = cs_connect_block(cs, st, view, &tmp, b, true, cs->iss_on ? bx : NULL);
    cs_iss_end(bx);
    mem_free(bx);
out:
    coins_cache_free(view);
    chainstate_unlock(cs);
    return ok;
}

bool chainstate_invalidate_block(struct chainstate *cs, struct val_state *st, struct block_index *bi)
{
    val_state_init(st);
    chainstate_lock(cs);
    bool ok = false;
    if (cs->fatal) {
        val_error(st, "the node is shutting down after a fatal error");
        goto out;
    }
    if (!bi->prev) {
        val_error(st, "cannot invalidate the genesis block");
        goto out;
    }
    struct block_index *old_tip = active_chain_tip(&cs->chain);
    bool disconnected = false;
    while (active_chain_contains(&cs->chain, bi)) {
        struct block_index *tip = active_chain_tip(&cs->chain);
        if (!cs_disconnect_tip(cs)) {
            val_error(st, "fatal error while disconnecting");
            goto out;
        }
        if (tip != bi) {
            tip->status |= BLOCK_FAILED_CHILD;
            block_map_set_dirty(cs->map, tip);
        }
        disconnected = true;
    }
    cs_mark_invalid(cs, bi, NULL);
    cs_candidates_rebuild(cs);
    if (disconnected && active_chain_tip(&cs->chain) != old_tip) {
        struct block_index *tip = active_chain_tip(&cs->chain);
        events_emit_updated_block_tip(cs->opt.events, tip, tip, chainstate_is_initial_download(cs));
    }
    ok = cs_activate_best_chain(cs, NULL, NULL);
    if (!ok)
        val_error(st, "fatal error while activating the best chain");
out:
    chainstate_unlock(cs);
    return ok;
}

struct reset_ctx {
    struct chainstate *cs;
    struct block_index *root;
};

static bool reset_one(struct block_index *bi, void *arg)
{
    struct reset_ctx *r = arg;
    if (!(bi->status & BLOCK_FAILED_MASK))
        return true;
    if (bi == r->root || (bi->height > r->root->height && block_index_get_ancestor(bi, r->root->height) == r->root)) {
        bi->status &= ~(uint32_t)BLOCK_FAILED_MASK;
        block_map_set_dirty(r->cs->map, bi);
        if (r->cs->best_invalid == bi)
            r->cs->best_invalid = NULL;
        if (r->cs->last_invalid == bi)
            r->cs->last_invalid = NULL;
    }
    return true;
}

static bool best_header_one(struct block_index *bi, void *arg)
{
    struct chainstate *cs = arg;
    if (!(bi->status & BLOCK_FAILED_MASK) && block_index_is_valid(bi, BLOCK_VALID_TREE) &&
        (!cs->best_header || arith256_cmp(&bi->chain_work, &cs->best_header->chain_work) > 0))
        cs->best_header = bi;
    return true;
}

bool chainstate_reconsider_block(struct chainstate *cs, struct val_state *st, struct block_index *bi)
{
    val_state_init(st);
    chainstate_lock(cs);
    struct reset_ctx r = { cs, bi };
    block_map_each(cs->map, reset_one, &r);
    for (struct block_index *w = bi->prev; w; w = w->prev) {
        if (w->status & BLOCK_FAILED_MASK) {
            w->status &= ~(uint32_t)BLOCK_FAILED_MASK;
            block_map_set_dirty(cs->map, w);
            if (cs->best_invalid == w)
                cs->best_invalid = NULL;
        }
    }
    cs_candidates_rebuild(cs);
    block_map_each(cs->map, best_header_one, cs);
    bool ok = cs_activate_best_chain(cs, NULL, NULL);
    if (!ok)
        val_error(st, "fatal error while activating the best chain");
    chainstate_unlock(cs);
    return ok;
}

bool chainstate_precious_block(struct chainstate *cs, struct val_state *st, struct block_index *bi)
{
    val_state_init(st);
    chainstate_lock(cs);
    struct block_index *tip = active_chain_tip(&cs->chain);
    bool ok = true;
    if (tip && arith256_cmp(&bi->chain_work, &tip->chain_work) >= 0) {
        /* A new best chain since the last call resets the counter (Core). */
        if (arith256_cmp(&tip->chain_work, &cs->last_precious_work) > 0)
            cs->reverse_sequence_id = -1;
        cs->last_precious_work = tip->chain_work;
        cs_candidate_remove(cs, bi);
        bi->sequence_id = cs->reverse_sequence_id;
        if (cs->reverse_sequence_id > INT32_MIN)
            cs->reverse_sequence_id--;
        if (block_index_is_valid(bi, BLOCK_VALID_TRANSACTIONS) && bi->chain_tx > 0) {
            cs_candidate_add(cs, bi);
            cs_candidates_prune(cs);
        }
        ok = cs_activate_best_chain(cs, NULL, NULL);
        if (!ok)
            val_error(st, "fatal error while activating the best chain");
    }
    chainstate_unlock(cs);
    return ok;
}

bool cs_activate_genesis(struct chainstate *cs)
{
    struct block_index *g = block_map_find(cs->map, &cs->genesis_hash);
    if (!g || !(g->status & BLOCK_HAVE_DATA) || active_chain_tip(&cs->chain))
        return true;
    bool invalid;
    if (!cs_connect_tip(cs, g, NULL, &invalid))
        return false;
    if (invalid)
        return cs_fatal(cs, "The genesis block failed to connect");
    cs_candidates_prune(cs);
    events_emit_updated_block_tip(cs->opt.events, g, NULL, chainstate_is_initial_download(cs));
    return true;
}
