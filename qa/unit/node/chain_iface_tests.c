/* Tests for src/node/chain_iface.c: the node_iface over a real regtest chainstate and
 * mempool, and net/sync.c's minimum-chain-work table. */
#include "src/node/chain_iface.h"

#include <string.h>

#include "consensus/arith256.h"
#include "consensus/block.h"
#include "net/node_iface.h"
#include "net/sync.h"
#include "qa/unit/chain/chain_test_util.h"
#include "qa/unit/unit.h"
#include "src/chain/block_index.h"
#include "src/chain/chainstate.h"
#include "src/chain/mempool.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

struct fixture {
    struct test_chain t;
    struct mempool *mp;
    struct chain_iface_ctx c;
    struct node_iface ni;
};

static void fx_setup(struct fixture *f, int blocks)
{
    tc_setup(&f->t, "regtest");
    struct mempool_options o;
    mempool_options_init(&o, f->t.p);
    mempool_chain_from_chainstate(&o.chain, f->t.cs);
    f->mp = mempool_new(&o);
    f->c.cs = f->t.cs;
    f->c.mp = f->mp;
    chain_iface_init(&f->ni, &f->c, f->t.p);
    tc_mine_n(&f->t, blocks);
}

static void fx_teardown(struct fixture *f)
{
    mempool_free(f->mp);
    tc_teardown(&f->t);
}

START_TEST(test_tip_and_headers)
{
    struct fixture f;
    fx_setup(&f, 30);
    const struct node_iface *n = &f.ni;
    struct hash256 tip;
    struct arith256 work;
    ck_assert_int_eq(n->tip(n->ctx, &tip, &work), 30);
    struct node_header_info info, best;
    ck_assert(n->header_info(n->ctx, &info, &tip));
    ck_assert_int_eq(info.height, 30);
    ck_assert(info.have_data && info.in_active_chain && !info.failed);
    ck_assert_int_eq(arith256_cmp(&info.chain_work, &work), 0);
    ck_assert(n->best_header(n->ctx, &best));
    ck_assert(hash256_eq(&best.hash, &tip));

    /* ancestor / fork point */
    struct node_header_info a;
    ck_assert(n->ancestor(n->ctx, &a, &tip, 10));
    ck_assert_int_eq(a.height, 10);
    ck_assert(hash256_eq(&a.hash, &chainstate_at_height(f.t.cs, 10)->hash));
    ck_assert(!n->ancestor(n->ctx, &a, &tip, 31));
    ck_assert(!n->ancestor(n->ctx, &a, &tip, -1));
    ck_assert(n->fork_point(n->ctx, &a, &tip));
    ck_assert_int_eq(a.height, 30);
    struct hash256 unknown;
    memset(&unknown, 0x5a, sizeof(unknown));
    ck_assert(!n->header_info(n->ctx, NULL, &unknown));

    /* locator: 10 one by one from the tip, then spaced, genesis last */
    struct hash256 *loc = NULL;
    size_t nloc = 0;
    ck_assert(n->locator(n->ctx, &loc, &nloc, NULL));
    ck_assert_uint_gt(nloc, 10);
    ck_assert(hash256_eq(&loc[0], &tip));
    ck_assert(hash256_eq(&loc[nloc - 1], &chainstate_at_height(f.t.cs, 0)->hash));
    mem_free(loc);
    ck_assert(!n->locator(n->ctx, &loc, &nloc, &unknown));
    ck_assert_uint_eq(nloc, 0);

    /* getheaders: after height 5, up to max, stopping at hash_stop */
    struct block_header hs[NODE_MAX_HEADERS_RESULTS];
    struct hash256 l5[2] = { unknown, chainstate_at_height(f.t.cs, 5)->hash };
    size_t got = n->headers_after_locator(n->ctx, hs, NODE_MAX_HEADERS_RESULTS, l5, 2, NULL);
    ck_assert_uint_eq(got, 25);
    struct hash256 h6;
    block_header_hash(&h6, &hs[0]);
    ck_assert(hash256_eq(&h6, &chainstate_at_height(f.t.cs, 6)->hash));
    got = n->headers_after_locator(n->ctx, hs, 4, l5, 2, NULL);
    ck_assert_uint_eq(got, 4);
    struct hash256 stop = chainstate_at_height(f.t.cs, 8)->hash;
    got = n->headers_after_locator(n->ctx, hs, NODE_MAX_HEADERS_RESULTS, l5, 2, &stop);
    ck_assert_uint_eq(got, 3); /* 6, 7, 8 */
    /* unknown locator only: from genesis */
    got = n->headers_after_locator(n->ctx, hs, NODE_MAX_HEADERS_RESULTS, &unknown, 1, NULL);
    ck_assert_uint_eq(got, 30);
    /* empty locator: just hash_stop's header */
    got = n->headers_after_locator(n->ctx, hs, NODE_MAX_HEADERS_RESULTS, NULL, 0, &stop);
    ck_assert_uint_eq(got, 1);
    struct hash256 hstop;
    block_header_hash(&hstop, &hs[0]);
    ck_assert(hash256_eq(&hstop, &stop));
    fx_teardown(&f);
}
END_TEST

START_TEST(test_accept_headers_and_blocks)
{
    struct fixture f;
    fx_setup(&f, 5);
    const struct node_iface *n = &f.ni;
    struct block_index *tip = chainstate_tip(f.t.cs);
    /* Build 3 blocks on the tip without handing them to the chainstate. */
    struct block b[3];
    struct block_header hs[3];
    for (int i = 0; i < 3; i++) {
        if (i == 0) {
            tc_make_block(&b[0], f.t.p, tip, NULL, 0, 0, 0, 100);
        } else {
            /* A temporary index for the previous block so tc_make_block knows height and bits. */
            struct block_map *m = block_map_new();
            struct block_index *pi = block_map_insert(m, &b[i - 1].header, NULL);
            pi->prev = NULL;
            pi->height = tip->height + i;
            tc_make_block(&b[i], f.t.p, pi, NULL, 0, 0, 0, 100);
            block_map_free(m);
        }
        hs[i] = b[i].header;
    }
    struct val_state st;
    struct node_header_info last;

    /* Too little chain work: nothing stored. */
    struct arith256 huge;
    arith256_set_u64(&huge, 1);
    arith256_shl(&huge, &huge, 200);
    ck_assert(!n->accept_headers(n->ctx, &st, &last, hs, 3, &huge));
    ck_assert_str_eq(st.reject, "too-little-chainwork");
    struct hash256 h0;
    block_header_hash(&h0, &hs[0]);
    ck_assert(!n->header_info(n->ctx, NULL, &h0));

    /* Enough work: stored, not yet with data. */
    ck_assert(n->accept_headers(n->ctx, &st, &last, hs, 3, NULL));
    ck_assert_int_eq(last.height, 8);
    struct node_header_info info;
    ck_assert(n->header_info(n->ctx, &info, &h0));
    ck_assert(!info.have_data && !info.in_active_chain);
    struct node_header_info best;
    ck_assert(n->best_header(n->ctx, &best));
    ck_assert_int_eq(best.height, 8);
    ck_assert(n->fork_point(n->ctx, &info, &last.hash));
    ck_assert_int_eq(info.height, 5);

    /* A header with a bad proof of work is rejected with Core's reason. */
    struct block_header bad = hs[0];
    bad.nonce ^= 1;
    bad.time += 1;
    struct hash256 hb;
    block_header_hash(&hb, &bad);
    if (!n->accept_headers(n->ctx, &st, NULL, &bad, 1, NULL))
        ck_assert_str_eq(st.reject, "high-hash");

    /* Blocks: new, duplicate; readable afterwards. */
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(n->process_block(n->ctx, &st, &b[i], true, false), NODE_BLOCK_NEW);
    ck_assert_int_eq(n->process_block(n->ctx, &st, &b[2], true, false), NODE_BLOCK_DUPLICATE);
    ck_assert_int_eq(n->tip(n->ctx, NULL, NULL), 8);
    uint8_t *raw = NULL;
    size_t rlen = 0;
    ck_assert(n->read_block_raw(n->ctx, &raw, &rlen, &h0));
    struct wbuf w;
    wbuf_init(&w);
    block_serialize(&w, &b[0], true);
    ck_assert_uint_eq(rlen, w.len);
    ck_assert(memcmp(raw, w.data, rlen) == 0);
    wbuf_clear(&w);
    mem_free(raw);

    /* An invalid block (coinbase pays too much) is INVALID. */
    struct block ib;
    tc_make_block(&ib, f.t.p, chainstate_tip(f.t.cs), NULL, 0, 0, 1, 7);
    ck_assert_int_eq(n->process_block(n->ctx, &st, &ib, true, false), NODE_BLOCK_INVALID);
    ck_assert_str_eq(st.reject, "bad-cb-amount");
    block_clear(&ib);
    ck_assert_int_eq(n->tip(n->ctx, NULL, NULL), 8);
    for (int i = 0; i < 3; i++)
        block_clear(&b[i]);
    fx_teardown(&f);
}
END_TEST

/* window: the statuses of a header chain over a range in one call; process_block
 * with requested false leaves the decision to the chain (IGNORED when not wanted). */
START_TEST(test_window_and_unrequested)
{
    struct fixture f;
    fx_setup(&f, 6);
    const struct node_iface *n = &f.ni;
    struct hash256 tip;
    ck_assert_int_eq(n->tip(n->ctx, &tip, NULL), 6);
    struct node_block_status w[8];
    ck_assert_uint_eq(n->window(n->ctx, w, &tip, 2, 40), 5); /* capped at the header's height */
    for (int i = 0; i < 5; i++) {
        ck_assert(hash256_eq(&w[i].hash, &chainstate_at_height(f.t.cs, 2 + i)->hash));
        ck_assert(w[i].have_data && w[i].in_active_chain && !w[i].failed);
    }
    ck_assert_uint_eq(n->window(n->ctx, w, &tip, 5, 4), 0);
    struct hash256 unknown;
    memset(&unknown, 0x33, sizeof(unknown));
    ck_assert_uint_eq(n->window(n->ctx, w, &unknown, 0, 3), 0);

    /* A block one short of the tip's work, unrequested: checked, not stored. */
    struct val_state st;
    struct block low;
    tc_make_block(&low, f.t.p, chainstate_at_height(f.t.cs, 4), NULL, 0, 0, 0, 601);
    struct hash256 lh;
    block_hash(&lh, &low);
    ck_assert_int_eq(n->process_block(n->ctx, &st, &low, false, false), NODE_BLOCK_IGNORED);
    ck_assert(!n->header_info(n->ctx, NULL, &lh));
    /* The same with min_pow_checked (its chain clears net's anti-DoS work):
     * not stored either, but its header is, in the same call (Core's
     * AcceptBlockHeader before AcceptBlock's rules). */
    struct block low2;
    tc_make_block(&low2, f.t.p, chainstate_at_height(f.t.cs, 4), NULL, 0, 0, 0, 602);
    struct hash256 lh2;
    block_hash(&lh2, &low2);
    ck_assert_int_eq(n->process_block(n->ctx, &st, &low2, false, true), NODE_BLOCK_IGNORED);
    struct node_header_info hi;
    ck_assert(n->header_info(n->ctx, &hi, &lh2));
    ck_assert(!hi.have_data && !hi.in_active_chain && hi.height == 5);
    block_clear(&low2);
    /* Requested: stored as a side block. */
    ck_assert_int_eq(n->process_block(n->ctx, &st, &low, true, false), NODE_BLOCK_NEW);
    ck_assert_int_eq(n->process_block(n->ctx, &st, &low, false, false), NODE_BLOCK_DUPLICATE);
    struct node_header_info li;
    ck_assert(n->header_info(n->ctx, &li, &lh));
    ck_assert(li.have_data && !li.in_active_chain);
    ck_assert_uint_eq(n->window(n->ctx, w, &lh, 4, 5), 2);
    ck_assert(w[0].in_active_chain && !w[1].in_active_chain && w[1].have_data);
    block_clear(&low);
    fx_teardown(&f);
}
END_TEST

START_TEST(test_mempool_side)
{
    struct fixture f;
    fx_setup(&f, 101);
    const struct node_iface *n = &f.ni;
    /* Spend block 1's coinbase (mature at 101). */
    struct block cb;
    ck_assert(chainstate_read_block(f.t.cs, &cb, chainstate_at_height(f.t.cs, 1)));
    struct outpoint op = { .txid = cb.txs[0].txid, .n = 0 };
    int64_t value = cb.txs[0].vout[0].value;
    block_clear(&cb);
    struct tx tx;
    tc_spend(&tx, &op, value, value - 10000, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    struct val_state st;
    ck_assert(!n->have_tx(n->ctx, &tx.wtxid, true));
    ck_assert(n->accept_tx(n->ctx, &st, &tx));
    ck_assert(n->have_tx(n->ctx, &tx.txid, false));
    ck_assert(n->have_tx(n->ctx, &tx.wtxid, true));
    /* Again: already known. */
    ck_assert(!n->accept_tx(n->ctx, &st, &tx));
    uint8_t *raw = NULL;
    size_t len = 0;
    int64_t fee = 0, vsize = 0;
    ck_assert(n->get_tx_raw(n->ctx, &raw, &len, &fee, &vsize, &tx.wtxid, true, true));
    ck_assert_int_eq(fee, 10000);
    ck_assert_uint_eq(len, tx_size(&tx, true));
    mem_free(raw);
    ck_assert(n->get_tx_raw(n->ctx, &raw, &len, NULL, NULL, &tx.txid, false, false));
    ck_assert_uint_eq(len, tx_size(&tx, false));
    mem_free(raw);
    struct hash256 unknown;
    memset(&unknown, 7, sizeof(unknown));
    ck_assert(!n->get_tx_raw(n->ctx, &raw, &len, NULL, NULL, &unknown, true, true));
    struct node_fee_info fi;
    n->fee_info(n->ctx, &fi);
    ck_assert_int_eq(fi.min_relay_feerate, 1000);
    ck_assert_int_ge(fi.min_fee, fi.min_relay_feerate);
    tx_clear(&tx);
    fx_teardown(&f);
}
END_TEST

START_TEST(test_list_mempool)
{
    struct fixture f;
    fx_setup(&f, 102);
    const struct node_iface *n = &f.ni;
    struct node_mempool_tx *list = NULL;
    size_t count = 99;
    ck_assert_uint_eq(n->list_mempool(n->ctx, &list, &count, 10), 0);
    ck_assert_ptr_null(list);
    ck_assert_uint_eq(count, 0);
    /* Two spends of the coinbases of blocks 1 and 2: fees 10,000 and 50,000 (same size). */
    struct tx tx[2];
    const int64_t fees[2] = { 10000, 50000 };
    for (int i = 0; i < 2; i++) {
        struct block cb;
        ck_assert(chainstate_read_block(f.t.cs, &cb, chainstate_at_height(f.t.cs, i + 1)));
        struct outpoint op = { .txid = cb.txs[0].txid, .n = 0 };
        int64_t value = cb.txs[0].vout[0].value;
        block_clear(&cb);
        tc_spend(&tx[i], &op, value, value - fees[i], TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
        struct val_state st;
        ck_assert(n->accept_tx(n->ctx, &st, &tx[i]));
    }
    ck_assert_uint_eq(n->list_mempool(n->ctx, &list, &count, 10), 2);
    ck_assert_uint_eq(count, 2);
    bool seen[2] = { false, false };
    for (size_t k = 0; k < count; k++)
        for (int i = 0; i < 2; i++)
            if (hash256_eq(&list[k].txid, &tx[i].txid)) {
                ck_assert(hash256_eq(&list[k].wtxid, &tx[i].wtxid));
                ck_assert_int_eq(list[k].fee, fees[i]);
                ck_assert_int_gt(list[k].vsize, 0);
                seen[i] = true;
            }
    ck_assert(seen[0] && seen[1]);
    mem_free(list);
    /* Truncated: the best fee rate is kept; the total still says 2. */
    ck_assert_uint_eq(n->list_mempool(n->ctx, &list, &count, 1), 2);
    ck_assert_uint_eq(count, 1);
    ck_assert(hash256_eq(&list[0].txid, &tx[1].txid));
    mem_free(list);
    tx_clear(&tx[0]);
    tx_clear(&tx[1]);
    fx_teardown(&f);
}
END_TEST

START_TEST(test_min_chain_work)
{
    struct arith256 w, zero;
    arith256_set_u64(&zero, 0);
    net_sync_min_chain_work(&w, "regtest");
    ck_assert(arith256_is_zero(&w));
    net_sync_min_chain_work(&w, "main");
    ck_assert(arith256_is_zero(&w));
    net_sync_min_chain_work(&w, NULL);
    ck_assert(arith256_is_zero(&w));
    net_sync_min_chain_work(&w, "bitcoin");
    char hex[65];
    arith256_to_hex(hex, &w);
    ck_assert_str_eq(hex, "000000000000000000000000000000000000000088e186b70e0862c193ec44d6");
}
END_TEST

static Suite *chain_iface_suite(void)
{
    Suite *s = suite_create("chain_iface");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_tip_and_headers);
    tcase_add_test(tc, test_accept_headers_and_blocks);
    tcase_add_test(tc, test_window_and_unrequested);
    tcase_add_test(tc, test_mempool_side);
    tcase_add_test(tc, test_list_mempool);
    tcase_add_test(tc, test_min_chain_work);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(chain_iface_suite)
