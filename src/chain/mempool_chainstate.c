/* Wiring between the mempool and the chainstate: a struct mempool_chain
 * over struct chainstate, a struct mempool_notify over the events list,
 * and the mempool's subscription to chain events. Kept apart from
 * mempool.c so the mempool and its unit tests need no chainstate. */
#include <string.h>

#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/issuance_query.h"
#include "src/chain/mempool.h"

static void cs_lock(void *ctx)
{
    chainstate_lock(ctx);
}

static void cs_unlock(void *ctx)
{
    chainstate_unlock(ctx);
}

static void cs_tip(void *ctx, struct mempool_chain_tip *out)
{
    struct chainstate *cs = ctx;
    memset(out, 0, sizeof(*out));
    chainstate_lock(cs);
    struct block_index *tip = chainstate_tip(cs);
    if (tip) {
        out->hash = tip->hash;
        out->height = tip->height;
        out->mtp = block_index_median_time_past(tip);
        out->next_bits = block_index_next_bits(tip, chainstate_params(cs));
    } else {
        out->height = -1;
    }
    out->next_flags = chainstate_next_block_script_flags(cs);
    chainstate_unlock(cs);
}

static bool cs_get_coin(void *ctx, struct txout *out, int32_t *height, bool *coinbase, const struct outpoint *op)
{
    struct coin c;
    coin_init(&c);
    if (!chainstate_get_coin(ctx, &c, op))
        return false;
    *out = c.out; /* moves the script into the caller's txout */
    *height = (int32_t)c.height;
    *coinbase = c.coinbase;
    return true;
}

static int64_t cs_mtp_at(void *ctx, int32_t height)
{
    return chainstate_mtp_at_height(ctx, height);
}

static bool cs_check_scripts(void *ctx, struct val_state *st, const struct tx *tx, const struct spent_coin *coins,
                             uint32_t flags, bool cache_store)
{
    return chainstate_check_tx_scripts(ctx, st, tx, coins, flags, cache_store);
}

static bool cs_check_issuance(void *ctx, struct val_state *st, const struct tx *tx, const struct spent_coin *coins)
{
    return chainstate_check_tx_issuance(ctx, st, NULL, tx, coins);
}

static void cs_issuance_filter(void *ctx, bool *keep, const struct tx *const *txs, size_t count)
{
    chainstate_issuance_filter(ctx, keep, txs, count);
}

static void cs_reserve_commitment(void *ctx, struct tx *coinbase, const struct tx *const *txs, size_t count)
{
    struct reserve_commitment c;
    if (chainstate_reserve_commitment(ctx, &c, txs, count))
        reserve_commitment_add(coinbase, &c);
}

static bool cs_test_block(void *ctx, struct val_state *st, const struct block *b)
{
    return chainstate_test_block_validity(ctx, st, b, false, true);
}

void mempool_chain_from_chainstate(struct mempool_chain *out, struct chainstate *cs)
{
    memset(out, 0, sizeof(*out));
    out->ctx = cs;
    out->lock = cs_lock;
    out->unlock = cs_unlock;
    out->tip = cs_tip;
    out->get_coin = cs_get_coin;
    out->mtp_at = cs_mtp_at;
    out->check_scripts = cs_check_scripts;
    out->test_block = cs_test_block;
    out->check_tx_issuance = cs_check_issuance;
    out->issuance_filter = cs_issuance_filter;
    if (chainstate_issuance_enabled(cs))
        out->reserve_commitment = cs_reserve_commitment;
}

static void ev_added(void *ctx, const struct tx *tx, uint64_t seq)
{
    events_emit_tx_added_to_mempool(ctx, tx, seq);
}

static void ev_removed(void *ctx, const struct tx *tx, enum mempool_removal_reason reason, uint64_t seq)
{
    events_emit_tx_removed_from_mempool(ctx, tx, reason, seq);
}

void mempool_notify_from_events(struct mempool_notify *out, struct events *ev)
{
    memset(out, 0, sizeof(*out));
    out->ctx = ev;
    out->tx_added = ev_added;
    out->tx_removed = ev_removed;
}

static void on_connected(void *ctx, const struct block *b, const struct block_index *idx)
{
    (void)idx;
    mempool_on_block_connected(ctx, b);
}

static void on_disconnected(void *ctx, const struct block *b, const struct block_index *idx)
{
    (void)idx;
    mempool_on_block_disconnected(ctx, b);
}

static void on_tip(void *ctx, const struct block_index *new_tip, const struct block_index *fork, bool ibd)
{
    (void)new_tip;
    (void)fork;
    (void)ibd;
    mempool_on_updated_tip(ctx);
}

int mempool_subscribe_events(struct mempool *mp, struct events *ev)
{
    struct events_subscriber sub;
    memset(&sub, 0, sizeof(sub));
    sub.ctx = mp;
    sub.block_connected = on_connected;
    sub.block_disconnected = on_disconnected;
    sub.updated_block_tip = on_tip;
    return events_subscribe(ev, &sub);
}
