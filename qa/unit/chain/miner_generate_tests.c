/* End to end on a real regtest chainstate: generatetoaddress-style mining
 * (miner_generate), a signed spend through the mempool wired to the chain
 * (mempool_chain_from_chainstate, mempool_subscribe_events), its removal
 * when mined, and its return when the block is invalidated. */
#include "src/chain/miner.h"

#include <string.h>

#include "consensus/params.h"
#include "qa/unit/chain/chain_test_util.h"
#include "qa/unit/unit.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/mempool.h"

static int64_t test_clock(void *ctx)
{
    (void)ctx;
    return tc_time();
}

/* What the events list announced: additions and removals, with the last txid of each. */
static size_t added, removed;
static struct hash256 last_added, last_removed;

static void on_added(void *ctx, const struct tx *tx, uint64_t seq)
{
    (void)ctx;
    (void)seq;
    added++;
    last_added = tx->txid;
}

static void on_removed(void *ctx, const struct tx *tx, enum mempool_removal_reason r, uint64_t seq)
{
    (void)ctx;
    (void)r;
    (void)seq;
    removed++;
    last_removed = tx->txid;
}

START_TEST(mine_spend_reorg)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    /* Reopen with an events list, as the node wires it. */
    tc_close(&t);
    t.events = events_new();
    t.opt.events = t.events;
    char err[512];
    ck_assert_msg(tc_reopen(&t, err, sizeof(err)) == 0, "%s", err);
    ck_assert_ptr_nonnull(t.events);
    struct mempool_options o;
    mempool_options_init(&o, t.p);
    mempool_chain_from_chainstate(&o.chain, t.cs);
    mempool_notify_from_events(&o.notify, t.events);
    o.clock = test_clock;
    struct mempool *mp = mempool_new(&o);
    int sub = mempool_subscribe_events(mp, t.events);
    struct events_subscriber watch;
    memset(&watch, 0, sizeof(watch));
    watch.tx_added_to_mempool = on_added;
    watch.tx_removed_from_mempool = on_removed;
    int sub2 = events_subscribe(t.events, &watch);
    added = removed = 0;

    struct val_state st;
    struct hash256 hashes[101];
    size_t mined = 0;
    ck_assert_msg(miner_generate(t.cs, mp, &st, hashes, &mined, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK), 101,
                                 MINER_DEFAULT_MAX_TRIES, NULL, NULL),
                  "%s %s", st.reject, st.debug);
    ck_assert_uint_eq(mined, 101);
    ck_assert_int_eq(chainstate_height(t.cs), 101);
    ck_assert(hash256_eq(&chainstate_tip(t.cs)->hash, &hashes[100]));

    /* Spend block 1's coinbase, now mature at height 102. */
    struct block b1;
    ck_assert(chainstate_read_block(t.cs, &b1, chainstate_at_height(t.cs, 1)));
    struct outpoint op = { b1.txs[0].txid, 0 };
    int64_t value = b1.txs[0].vout[0].value;
    block_clear(&b1);
    struct tx spend;
    tc_spend(&spend, &op, value, value - 10000, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    struct mempool_accept_result res;
    ck_assert_msg(mempool_accept(mp, &st, &res, &spend, NULL), "%s %s", st.reject, st.debug);
    ck_assert_int_eq(res.fee, 10000);
    ck_assert_uint_eq(added, 1);
    ck_assert(hash256_eq(&last_added, &spend.txid));
    mempool_accept_result_clear(&res);
    ck_assert_str_eq(mempool_accept(mp, &st, NULL, &spend, NULL) ? "ok" : st.reject, "txn-already-in-mempool");

    /* Mined: it leaves the pool through the block_connected handler. */
    struct block_template tpl;
    ck_assert(miner_create_block(mp, &st, &tpl, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK), NULL));
    ck_assert_uint_eq(tpl.block.tx_count, 2);
    ck_assert_int_eq(tpl.total_fees, 10000);
    block_template_clear(&tpl);
    ck_assert(miner_generate(t.cs, mp, &st, hashes, &mined, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK), 1, 0, NULL, NULL));
    ck_assert_int_eq(chainstate_height(t.cs), 102);
    ck_assert(!mempool_has(mp, &spend.txid));
    /* Leaving the pool because a block confirmed it is not announced as a removal (Core's
     * TransactionRemovedFromMempool skips MemPoolRemovalReason::BLOCK). */
    ck_assert_uint_eq(removed, 0);
    ck_assert_uint_eq(added, 1);
    /* Invalidate the block: the spend comes back, announced as an addition. */
    ck_assert(chainstate_invalidate_block(t.cs, &st, chainstate_tip(t.cs)));
    ck_assert_int_eq(chainstate_height(t.cs), 101);
    ck_assert(mempool_has(mp, &spend.txid));
    ck_assert_uint_eq(added, 2);
    ck_assert(hash256_eq(&last_added, &spend.txid));
    ck_assert_uint_eq(removed, 0);
    /* A removal for any other reason is announced: expire it, then take it back. */
    ck_assert_uint_eq(mempool_expire(mp, tc_time() + 1), 1);
    ck_assert(!mempool_has(mp, &spend.txid));
    ck_assert_uint_eq(removed, 1);
    ck_assert(hash256_eq(&last_removed, &spend.txid));
    ck_assert_msg(mempool_accept(mp, &st, NULL, &spend, NULL), "%s %s", st.reject, st.debug);
    ck_assert_uint_eq(added, 3);
    /* Reconsider: mined again, silently gone from the pool. */
    ck_assert(chainstate_reconsider_block(t.cs, &st, chainstate_lookup(t.cs, &hashes[0])));
    ck_assert_int_eq(chainstate_height(t.cs), 102);
    ck_assert(!mempool_has(mp, &spend.txid));
    ck_assert_uint_eq(added, 3);
    ck_assert_uint_eq(removed, 1);
    events_unsubscribe(t.events, sub2);
    events_unsubscribe(t.events, sub);
    tx_clear(&spend);
    mempool_free(mp);
    tc_teardown(&t);
    events_free(t.events);
}
END_TEST

static Suite *miner_generate_suite(void)
{
    Suite *s = suite_create("miner_generate");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, mine_spend_reorg);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(miner_generate_suite)
