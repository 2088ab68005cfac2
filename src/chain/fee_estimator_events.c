/* The fee estimator's subscription to the chain's events: the mempool and
 * the chain never call it, it listens (doc/layout.md). */
#include "src/chain/block_index.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/fee_estimator.h"
#include "src/chain/mempool.h"
#include "consensus/block.h"
#include "consensus/tx.h"
#include "src/util/alloc.h"

struct fee_estimator_sub {
    struct fee_estimator *fe;
    struct mempool *mp;
    struct chainstate *cs;
    struct events *ev;
    int id;
};

static void on_tx_added(void *ctx, const struct tx *tx, uint64_t seq)
{
    (void)seq;
    struct fee_estimator_sub *s = ctx;
    struct mempool_entry_info e;
    if (!mempool_entry_get(s->mp, &e, &tx->txid))
        return;
    /* Core's validFeeEstimate: the node is current, and the fee is the
     * transaction's own (no unconfirmed parent pays or is paid for). */
    bool valid = !chainstate_is_initial_download(s->cs) && e.ancestor_count == 1;
    fee_estimator_tx_added(s->fe, &tx->txid, e.height, e.fee, e.vsize, valid);
}

static void on_tx_removed(void *ctx, const struct tx *tx, enum mempool_removal_reason reason, uint64_t seq)
{
    (void)reason;
    (void)seq;
    struct fee_estimator_sub *s = ctx;
    fee_estimator_tx_removed(s->fe, &tx->txid);
}

static void on_block_connected(void *ctx, const struct block *b, const struct block_index *idx)
{
    struct fee_estimator_sub *s = ctx;
    struct hash256 *ids = mem_alloc((b->tx_count ? b->tx_count : 1) * sizeof(*ids));
    for (size_t i = 0; i < b->tx_count; i++)
        ids[i] = b->txs[i].txid;
    fee_estimator_block(s->fe, idx->height, ids, b->tx_count);
    mem_free(ids);
}

struct fee_estimator_sub *fee_estimator_subscribe(struct fee_estimator *fe, struct events *ev, struct mempool *mp,
                                                 struct chainstate *cs)
{
    struct fee_estimator_sub *s = mem_calloc(1, sizeof(*s));
    *s = (struct fee_estimator_sub){ fe, mp, cs, ev, 0 };
    struct events_subscriber sub = { .ctx = s,
                                     .block_connected = on_block_connected,
                                     .tx_added_to_mempool = on_tx_added,
                                     .tx_removed_from_mempool = on_tx_removed };
    s->id = events_subscribe(ev, &sub);
    return s;
}

void fee_estimator_unsubscribe(struct fee_estimator_sub *s)
{
    if (!s)
        return;
    events_unsubscribe(s->ev, s->id);
    mem_free(s);
}
