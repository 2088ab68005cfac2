/* Tests of src/chain/chainstate*.c: regtest chains in a temporary data
 * directory (connect, spend genesis and coinbase outputs, invalid blocks,
 * reorganisations, invalidate/reconsider/precious, restart, replay of an
 * interrupted flush, reindex) and the import of Bitcoin blocks 1-255. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qa/unit/chain/chain_test_util.h"
#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "consensus/amount.h"
#include "consensus/interpreter.h"
#include "src/chain/chainstate.h"
#include "src/store/kvdb.h"
#include "src/util/alloc.h"

static struct hash256 genesis_txid(const struct chain_params *p)
{
    struct block g;
    chain_params_genesis_build(&g, p);
    struct hash256 h = g.txs[0].txid;
    block_clear(&g);
    return h;
}

static struct hash256 coinbase_txid(struct test_chain *t, int32_t height)
{
    struct block b;
    ck_assert(chainstate_read_block(t->cs, &b, chainstate_at_height(t->cs, height)));
    struct hash256 h = b.txs[0].txid;
    block_clear(&b);
    return h;
}

static void stats(struct test_chain *t, struct chainstate_utxo_stats *s)
{
    ck_assert(chainstate_utxo_stats(t->cs, s));
}

static void assert_same_stats(const struct chainstate_utxo_stats *a, const struct chainstate_utxo_stats *b)
{
    ck_assert_int_eq(a->height, b->height);
    ck_assert(hash256_eq(&a->best_block, &b->best_block));
    ck_assert_uint_eq(a->txouts, b->txouts);
    ck_assert_uint_eq(a->transactions, b->transactions);
    ck_assert_int_eq(a->total_amount, b->total_amount);
    ck_assert(hash256_eq(&a->hash_serialized, &b->hash_serialized));
}

static char last_reject[80];

/* Processes a block expected to be stored but to fail on connection (reason NULL: any). */
static void expect_connect_failure(struct test_chain *t, const struct block *b, const char *reason)
{
    struct block_index *old_tip = chainstate_tip(t->cs);
    struct val_state st;
    bool nb;
    bool ok = chainstate_process_new_block(t->cs, &st, &nb, b, true);
    ck_assert_msg(ok, "rejected before storage: %s", st.reject);
    ck_assert_msg(!val_is_valid(&st), "block was accepted");
    memcpy(last_reject, st.reject, sizeof(last_reject));
    ck_assert_msg(!reason || strcmp(st.reject, reason) == 0, "reject %s, expected %s", st.reject, reason);
    ck_assert_ptr_eq(chainstate_tip(t->cs), old_tip);
    struct hash256 h;
    block_hash(&h, b);
    struct block_index *bi = chainstate_lookup(t->cs, &h);
    ck_assert_ptr_nonnull(bi);
    ck_assert(bi->status & BLOCK_FAILED_VALID);
    /* Sending it again: known invalid. */
    ck_assert(!chainstate_process_new_block(t->cs, &st, &nb, b, true));
    ck_assert_str_eq(st.reject, "duplicate");
}

START_TEST(test_genesis_coins)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    ck_assert_int_eq(chainstate_height(t.cs), 0);
    /* All three genesis outputs (10 HMC, ISSUER, ORACLE) are in the UTXO set at height 0. */
    struct block g;
    chain_params_genesis_build(&g, t.p);
    ck_assert_uint_eq(g.txs[0].vout_count, 3);
    for (uint32_t n = 0; n < 3; n++) {
        struct outpoint op = { genesis_txid(t.p), n };
        struct coin c;
        coin_init(&c);
        ck_assert_msg(chainstate_get_coin(t.cs, &c, &op), "genesis output %u", n);
        ck_assert_int_eq(c.out.value, n == 0 ? 10 * COIN : 0);
        ck_assert_uint_eq(c.out.script_pubkey.len, g.txs[0].vout[n].script_pubkey.len);
        ck_assert(memcmp(c.out.script_pubkey.data, g.txs[0].vout[n].script_pubkey.data, c.out.script_pubkey.len) == 0);
        ck_assert_uint_eq(c.height, 0);
        ck_assert(c.coinbase);
        coin_clear(&c);
    }
    block_clear(&g);
    tc_teardown(&t);

    tc_setup(&t, "bitcoin");
    ck_assert_int_eq(chainstate_height(t.cs), 0);
    struct outpoint bop = { genesis_txid(t.p), 0 };
    ck_assert(!chainstate_have_coin(t.cs, &bop));
    tc_teardown(&t);
}
END_TEST

START_TEST(test_spend_genesis_and_coinbase)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    /* Genesis outputs are exempt from coinbase maturity: spendable in block 1. */
    struct outpoint gop = { genesis_txid(t.p), 0 };
    struct tx spend;
    tc_spend(&spend, &gop, 10 * COIN, 9 * COIN, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tc_mine(&t, &spend, 1, 1 * COIN);
    ck_assert_int_eq(chainstate_height(t.cs), 1);
    ck_assert(!chainstate_have_coin(t.cs, &gop));
    struct outpoint nop = { spend.txid, 0 };
    ck_assert(chainstate_have_coin(t.cs, &nop));
    tx_clear(&spend);

    /* Other coinbases are not exempt: block 1's coinbase is spendable from
     * height 101, block 2's from 102. */
    struct outpoint cop = { coinbase_txid(&t, 1), 0 };
    int64_t v = chain_params_block_subsidy(t.p, 1);
    ck_assert_int_eq(v, 10 * COIN);
    int64_t v1 = v + 1 * COIN; /* block 1 collected the genesis spend's fee */
    struct block b;
    tc_spend(&spend, &cop, v1, v1 - 1000, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tc_make_block(&b, t.p, chainstate_tip(t.cs), &spend, 1, 1000, 0, 6);
    expect_connect_failure(&t, &b, "bad-txns-premature-spend-of-coinbase"); /* at height 2 */
    block_clear(&b);
    tx_clear(&spend);
    tc_mine_n(&t, 99); /* tip 100 */
    struct outpoint cop2 = { coinbase_txid(&t, 2), 0 };
    tc_spend(&spend, &cop2, v, v - 1000, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tc_make_block(&b, t.p, chainstate_tip(t.cs), &spend, 1, 1000, 0, 8);
    expect_connect_failure(&t, &b, "bad-txns-premature-spend-of-coinbase"); /* 99 confirmations */
    block_clear(&b);
    tx_clear(&spend);
    tc_spend(&spend, &cop, v1, v1 - 1000, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tc_mine(&t, &spend, 1, 1000);
    ck_assert_int_eq(chainstate_height(t.cs), 101);
    ck_assert(!chainstate_have_coin(t.cs, &cop));
    ck_assert(chainstate_have_coin(t.cs, &cop2));
    tx_clear(&spend);
    tc_teardown(&t);
}
END_TEST

START_TEST(test_bad_blocks)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    tc_mine_n(&t, 99);
    struct block b;
    /* The coinbase claims one unit more than subsidy + fees. */
    tc_make_block(&b, t.p, chainstate_tip(t.cs), NULL, 0, 0, 1, 99);
    expect_connect_failure(&t, &b, "bad-cb-amount");
    block_clear(&b);

    /* Two transactions of one block spend the same genesis output. */
    struct outpoint gop = { genesis_txid(t.p), 0 };
    struct tx two[2];
    tc_spend(&two[0], &gop, 10 * COIN, 9 * COIN, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tc_spend(&two[1], &gop, 10 * COIN, 8 * COIN, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tc_make_block(&b, t.p, chainstate_tip(t.cs), two, 2, 3 * COIN, 0, 100);
    expect_connect_failure(&t, &b, "bad-txns-inputs-missingorspent");
    block_clear(&b);

    /* A bad signature fails the script check on the worker pool. */
    two[0].vin[0].witness.items[0].data[10] ^= 1;
    tx_update_hashes(&two[0]);
    tc_make_block(&b, t.p, chainstate_tip(t.cs), two, 1, 1 * COIN, 0, 101);
    /* (Core's full text is longer than val_state's 80-byte reject field.) */
    expect_connect_failure(&t, &b, NULL);
    ck_assert_msg(strncmp(last_reject, "mandatory-script-verify-flag-failed (Script evaluated without error", 66) == 0,
                  "%s", last_reject);
    block_clear(&b);
    tx_clear(&two[0]);
    tx_clear(&two[1]);

    /* An output prefix that does not parse (hashmint's asset check). */
    uint8_t bad_prefix[] = { 0xef, 0x00, 0x51 };
    struct tx tok;
    tc_spend(&tok, &gop, 10 * COIN, 9 * COIN, bad_prefix, sizeof(bad_prefix));
    tc_make_block(&b, t.p, chainstate_tip(t.cs), &tok, 1, 1 * COIN, 0, 102);
    expect_connect_failure(&t, &b, "bad-txns-token-prefix");
    block_clear(&b);
    tx_clear(&tok);

    /* Too many signature operations: 20,001 OP_CHECKSIGs cost 80,004. */
    tc_make_block(&b, t.p, chainstate_tip(t.cs), NULL, 0, 0, 0, 103);
    uint8_t *many = mem_alloc(20001);
    memset(many, 0xac, 20001);
    tx_add_output(&b.txs[0], 0, many, 20001);
    mem_free(many);
    tx_update_hashes(&b.txs[0]);
    tc_solve(&b, t.p);
    struct val_state st;
    bool nb;
    ck_assert(!chainstate_process_new_block(t.cs, &st, &nb, &b, true));
    ck_assert_str_eq(st.reject, "bad-blk-sigops");
    block_clear(&b);

    /* The valid chain still extends. */
    tc_mine(&t, NULL, 0, 0);
    ck_assert_int_eq(chainstate_height(t.cs), 100);
    tc_teardown(&t);
}
END_TEST

/* Regtest with BIP 34 pushed out of reach, so a coinbase need not carry its height
 * and BIP 30 is enforced (Core's rule below the BIP 34 height). */
static struct chain_params no_bip34_params;

static void setup_no_bip34(struct test_chain *t)
{
    tc_setup(t, "regtest");
    tc_close(t);
    no_bip34_params = *t->p;
    no_bip34_params.deployments.bip34 = 1000000;
    t->p = &no_bip34_params;
    t->opt.params = t->p;
    char err[512];
    ck_assert_msg(tc_reopen(t, err, sizeof(err)) == 0, "%s", err);
}

/* A block on the tip whose coinbase is a copy of `cb` (same txid). */
static void block_with_coinbase(struct block *b, struct test_chain *t, const struct tx *cb)
{
    tc_make_block(b, t->p, chainstate_tip(t->cs), NULL, 0, 0, 0, 0);
    tx_clear(&b->txs[0]);
    tx_copy(&b->txs[0], cb);
    tc_solve(b, t->p);
}

/* RELIABILITY.md #14: a coinbase identical to an earlier one whose outputs are
 * unspent -> bad-txns-BIP30, UTXO set unchanged; once those outputs are spent
 * the same coinbase is allowed again (BIP 30 forbids overwriting unspent
 * outputs only); with BIP 34 active the copy fails on its height instead. */
START_TEST(test_bip30_duplicate_coinbase)
{
    struct test_chain t;
    setup_no_bip34(&t);
    tc_mine_n(&t, 2);
    struct block b1;
    ck_assert(chainstate_read_block(t.cs, &b1, chainstate_at_height(t.cs, 1)));
    struct tx cb1;
    tx_copy(&cb1, &b1.txs[0]);
    block_clear(&b1);
    struct outpoint cop = { cb1.txid, 0 };
    ck_assert(chainstate_have_coin(t.cs, &cop));

    struct chainstate_utxo_stats before, after;
    stats(&t, &before);
    struct block dup;
    block_with_coinbase(&dup, &t, &cb1);
    ck_assert(!hash256_eq(&dup.header.prev_hash, &cb1.txid)); /* a new block, an old coinbase */
    expect_connect_failure(&t, &dup, "bad-txns-BIP30");
    block_clear(&dup);
    stats(&t, &after);
    assert_same_stats(&before, &after);
    ck_assert(chainstate_have_coin(t.cs, &cop));

    /* Spend block 1's coinbase (mature at height 101); then the copy is legal. */
    tc_mine_n(&t, 98);
    int64_t v = cb1.vout[0].value;
    struct tx spend;
    tc_spend(&spend, &cop, v, v - 1000, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tc_mine(&t, &spend, 1, 1000);
    tx_clear(&spend);
    ck_assert(!chainstate_have_coin(t.cs, &cop));
    int32_t h = chainstate_height(t.cs);
    block_with_coinbase(&dup, &t, &cb1);
    struct val_state st;
    bool nb;
    ck_assert_msg(chainstate_process_new_block(t.cs, &st, &nb, &dup, true) && val_is_valid(&st), "%s %s",
                  st.reject, st.debug);
    block_clear(&dup);
    ck_assert_int_eq(chainstate_height(t.cs), h + 1);
    ck_assert(chainstate_have_coin(t.cs, &cop)); /* the output exists again */
    tc_teardown(&t);

    /* Real regtest (BIP 34 from height 1): the copy has the wrong height in its coinbase. */
    tc_setup(&t, "regtest");
    tc_mine_n(&t, 2);
    tx_clear(&cb1);
    ck_assert(chainstate_read_block(t.cs, &b1, chainstate_at_height(t.cs, 1)));
    tx_copy(&cb1, &b1.txs[0]);
    block_clear(&b1);
    block_with_coinbase(&dup, &t, &cb1);
    ck_assert(!chainstate_process_new_block(t.cs, &st, &nb, &dup, true));
    ck_assert_str_eq(st.reject, "bad-cb-height");
    block_clear(&dup);
    ck_assert_int_eq(chainstate_height(t.cs), 2);
    tx_clear(&cb1);
    tc_teardown(&t);
}
END_TEST

/* RELIABILITY.md #19 (CVE-2024-52911): a valid-PoW block whose parallel script
 * checks fail early -- the first input of many, while the workers still run the
 * others -- is rejected cleanly: the reason names the failing input, the UTXO
 * set is unchanged, the block is marked invalid, and the valid variant of the
 * block connects afterwards. Under ASan (--enable-debug) a worker touching the
 * freed per-block scratch after the rejection would be reported. */
START_TEST(test_parallel_script_check_fails_early)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    tc_close(&t);
    t.opt.par = 8; /* 7 worker threads and the caller */
    char err[512];
    ck_assert_msg(tc_reopen(&t, err, sizeof(err)) == 0, "%s", err);
    enum { NSPEND = 120 };
    tc_mine_n(&t, NSPEND + 100);
    struct tx *spends = mem_calloc(NSPEND, sizeof(*spends));
    int64_t fees = 0;
    for (int i = 0; i < NSPEND; i++) {
        struct outpoint op = { coinbase_txid(&t, i + 1), 0 };
        int64_t v = chain_params_block_subsidy(t.p, i + 1);
        tc_spend(&spends[i], &op, v, v - 1000, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
        fees += 1000;
    }
    struct chainstate_utxo_stats before, after;
    stats(&t, &before);
    for (int bad_at = 0; bad_at < 2; bad_at++) {
        /* bad_at 0: the first input's signature is corrupt; 1: the first and the last. */
        struct tx first, last;
        tx_copy(&first, &spends[0]);
        tx_copy(&last, &spends[NSPEND - 1]);
        spends[0].vin[0].witness.items[0].data[10] ^= 1;
        tx_update_hashes(&spends[0]);
        if (bad_at == 1) {
            spends[NSPEND - 1].vin[0].witness.items[0].data[10] ^= 1;
            tx_update_hashes(&spends[NSPEND - 1]);
        }
        struct block b;
        tc_make_block(&b, t.p, chainstate_tip(t.cs), spends, NSPEND, fees, 0, 500 + (uint32_t)bad_at);
        expect_connect_failure(&t, &b, NULL);
        ck_assert_msg(strncmp(last_reject, "mandatory-script-verify-flag-failed", 35) == 0, "%s", last_reject);
        block_clear(&b);
        stats(&t, &after);
        assert_same_stats(&before, &after);
        tx_clear(&spends[0]);
        tx_clear(&spends[NSPEND - 1]);
        spends[0] = first;
        spends[NSPEND - 1] = last;
    }
    /* The same transactions, correctly signed, connect. */
    struct block_index *bi = tc_mine(&t, spends, NSPEND, fees);
    ck_assert_int_eq(bi->height, NSPEND + 101);
    for (int i = 0; i < NSPEND; i++) {
        struct outpoint op = { spends[i].txid, 0 };
        ck_assert(chainstate_have_coin(t.cs, &op));
        tx_clear(&spends[i]);
    }
    mem_free(spends);
    tc_teardown(&t);
}
END_TEST

struct counts {
    int connected, disconnected, tips;
    const struct block_index *last_fork;
};

static void on_connected(void *ctx, const struct block *b, const struct block_index *bi)
{
    (void)b;
    (void)bi;
    ((struct counts *)ctx)->connected++;
}

static void on_disconnected(void *ctx, const struct block *b, const struct block_index *bi)
{
    (void)b;
    (void)bi;
    ((struct counts *)ctx)->disconnected++;
}

static void on_tip(void *ctx, const struct block_index *tip, const struct block_index *fork, bool ibd)
{
    (void)tip;
    (void)ibd;
    ((struct counts *)ctx)->tips++;
    ((struct counts *)ctx)->last_fork = fork;
}

/* Mines a branch of n blocks on prev with a distinguishing extra nonce; returns its tip. */
static struct block_index *branch(struct test_chain *t, struct block_index *prev, int n, uint32_t tag)
{
    for (int i = 0; i < n; i++) {
        struct block b;
        tc_make_block(&b, t->p, prev, NULL, 0, 0, 0, tag * 1000 + (uint32_t)i);
        struct val_state st;
        bool nb;
        ck_assert(chainstate_process_new_block(t->cs, &st, &nb, &b, true));
        ck_assert(val_is_valid(&st));
        struct hash256 h;
        block_hash(&h, &b);
        block_clear(&b);
        prev = chainstate_lookup(t->cs, &h);
        ck_assert_ptr_nonnull(prev);
    }
    return prev;
}

START_TEST(test_reorg_invalidate_reconsider)
{
    struct test_chain t;
    t.events = NULL;
    tc_setup(&t, "regtest");
    struct events *ev = events_new();
    struct counts c = { 0 };
    struct events_subscriber sub = { &c, on_connected, on_disconnected, on_tip, NULL, NULL, NULL, NULL, NULL };
    int id = events_subscribe(ev, &sub);
    tc_close(&t);
    t.opt.events = ev;
    char err[512];
    ck_assert_int_eq(tc_reopen(&t, err, sizeof(err)), 0);

    struct block_index *g = chainstate_tip(t.cs);
    struct block_index *a3 = branch(&t, g, 3, 1);
    ck_assert_ptr_eq(chainstate_tip(t.cs), a3);
    ck_assert_int_eq(c.connected, 3);
    /* An equal-work branch does not take over; a longer one does. */
    struct block_index *b3 = branch(&t, g, 3, 2);
    ck_assert_ptr_eq(chainstate_tip(t.cs), a3);
    struct block_index *b4 = branch(&t, b3, 1, 3);
    ck_assert_ptr_eq(chainstate_tip(t.cs), b4);
    ck_assert_int_eq(c.disconnected, 3);
    ck_assert_int_eq(c.connected, 7);
    ck_assert_ptr_eq(c.last_fork, g);

    struct block_index **tips;
    size_t ntips;
    chainstate_chain_tips(t.cs, &tips, &ntips);
    ck_assert_uint_eq(ntips, 2);
    mem_free(tips);

    /* Invalidate b2: back to the a branch, b2..b4 marked. */
    struct block_index *b2 = block_index_get_ancestor(b4, 2);
    struct val_state st;
    ck_assert(chainstate_invalidate_block(t.cs, &st, b2));
    ck_assert_ptr_eq(chainstate_tip(t.cs), a3);
    ck_assert(b2->status & BLOCK_FAILED_VALID);
    ck_assert(b4->status & BLOCK_FAILED_CHILD);
    ck_assert(!(block_index_get_ancestor(b4, 1)->status & BLOCK_FAILED_MASK));
    /* A new block on the invalid branch is refused. */
    struct block nb4;
    tc_make_block(&nb4, t.p, b4, NULL, 0, 0, 0, 4000);
    bool isnew;
    ck_assert(!chainstate_process_new_block(t.cs, &st, &isnew, &nb4, true));
    ck_assert_str_eq(st.reject, "bad-prevblk");
    block_clear(&nb4);

    ck_assert(chainstate_reconsider_block(t.cs, &st, b2));
    ck_assert_ptr_eq(chainstate_tip(t.cs), b4);
    ck_assert(!(b4->status & BLOCK_FAILED_MASK));

    /* Deep reorg: a branch from genesis with more work replaces all of b. */
    struct block_index *c6 = branch(&t, g, 6, 5);
    ck_assert_ptr_eq(chainstate_tip(t.cs), c6);

    /* Restart: same tip. */
    struct chainstate_utxo_stats s1, s2;
    struct hash256 c6hash = c6->hash;
    stats(&t, &s1);
    tc_close(&t);
    ck_assert_int_eq(tc_reopen(&t, err, sizeof(err)), 0);
    ck_assert_int_eq(chainstate_height(t.cs), 6);
    stats(&t, &s2);
    assert_same_stats(&s1, &s2);
    ck_assert(hash256_eq(&s2.best_block, &c6hash));
    tc_teardown(&t);
    events_unsubscribe(ev, id);
    events_free(ev);
}
END_TEST

START_TEST(test_precious)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    struct block_index *g = chainstate_tip(t.cs);
    struct block_index *x = branch(&t, g, 1, 10);
    struct block_index *y = branch(&t, g, 1, 11);
    ck_assert_ptr_eq(chainstate_tip(t.cs), x);
    struct val_state st;
    ck_assert(chainstate_precious_block(t.cs, &st, y));
    ck_assert_ptr_eq(chainstate_tip(t.cs), y);
    ck_assert(chainstate_precious_block(t.cs, &st, x));
    ck_assert_ptr_eq(chainstate_tip(t.cs), x);
    tc_teardown(&t);
}
END_TEST

START_TEST(test_test_block_validity_and_scripts)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    tc_mine_n(&t, 99);
    struct outpoint gop = { genesis_txid(t.p), 0 };
    struct tx spend;
    tc_spend(&spend, &gop, 10 * COIN, 9 * COIN, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    struct block b;
    tc_make_block(&b, t.p, chainstate_tip(t.cs), &spend, 1, 1 * COIN, 0, 55);
    struct val_state st;
    ck_assert_msg(chainstate_test_block_validity(t.cs, &st, &b, true, true), "%s", st.reject);
    ck_assert_int_eq(chainstate_height(t.cs), 99);
    ck_assert(chainstate_have_coin(t.cs, &gop));
    block_clear(&b);
    tc_make_block(&b, t.p, chainstate_tip(t.cs), &spend, 1, 1 * COIN, 5, 56);
    ck_assert(!chainstate_test_block_validity(t.cs, &st, &b, true, true));
    ck_assert_str_eq(st.reject, "bad-cb-amount");
    block_clear(&b);

    /* The mempool's script check, and its cache. */
    struct txout out = { 10 * COIN, { (uint8_t *)TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK) } };
    struct spent_coin sc = { &out, 0, true };
    uint32_t flags = chainstate_next_block_script_flags(t.cs);
    ck_assert(chainstate_check_tx_scripts(t.cs, &st, &spend, &sc, flags, true));
    ck_assert(chainstate_check_tx_scripts(t.cs, &st, &spend, &sc, flags, true));
    struct txout wrong = { 9 * COIN, { (uint8_t *)TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK) } };
    sc.out = &wrong;
    /* BIP 143 commits to the amount: with the wrong one the signature fails
     * (other flags, so the cached success does not apply). */
    ck_assert(!chainstate_check_tx_scripts(t.cs, &st, &spend, &sc, flags & ~SCRIPT_VERIFY_DERSIG, false));
    ck_assert_msg(strncmp(st.reject, "mandatory-script-verify-flag-failed (", 37) == 0, "%s", st.reject);
    /* The cached (wtxid, flags) pair is not re-verified. */
    ck_assert(chainstate_check_tx_scripts(t.cs, &st, &spend, &sc, flags, false));
    tx_clear(&spend);
    tc_teardown(&t);
}
END_TEST

START_TEST(test_replay_after_interrupted_flush)
{
    char dir[64];
    tmpdir_make(dir);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        struct test_chain t;
        tc_init_at(&t, dir);
        t.opt.dbcache_bytes = 16u << 20;
        char err[256];
        if (tc_reopen(&t, err, sizeof(err)) != 0)
            _exit(3);
        tc_mine_n(&t, 5);
        tc_close(&t); /* flushes: coins at height 5 */
        /* Reopen so that the next flush dies after its first partial batch
         * (one coin per batch): HEAD_BLOCKS = [8, 5] stays behind. */
        t.opt.db_crash_ratio = 1;
        t.opt.db_batch_size = 1;
        if (tc_reopen(&t, err, sizeof(err)) != 0)
            _exit(4);
        tc_mine_n(&t, 3);
        _exit(chainstate_flush(t.cs, CHAINSTATE_FLUSH_ALWAYS) ? 6 : 7);
    }
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) != 6 && WEXITSTATUS(status) != 3 &&
              WEXITSTATUS(status) != 4);

    /* A second crash, this time inside the replay's own flush (kill -9
     * during recovery): the markers survive and the next start replays again. */
    pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        struct test_chain t;
        tc_init_at(&t, dir);
        t.opt.db_crash_ratio = 1;
        t.opt.db_batch_size = 1;
        char err[256];
        _exit(tc_reopen(&t, err, sizeof(err)) == 0 ? 8 : 9);
    }
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) != 8);

    /* The chainstate is half-written: refuse nothing, replay to height 8. */
    struct test_chain t;
    tc_init_at(&t, dir);
    t.opt.check_level = 4;
    t.opt.check_blocks = 0;
    char err[512];
    ck_assert_msg(tc_reopen(&t, err, sizeof(err)) == 0, "%s", err);
    struct chainstate_utxo_stats s;
    stats(&t, &s);

    /* The same 8 blocks mined without a crash give the same UTXO set. */
    struct test_chain ref;
    tc_setup(&ref, "regtest");
    tc_mine_n(&ref, 8);
    struct chainstate_utxo_stats rs;
    stats(&ref, &rs);
    tc_teardown(&ref);
    ck_assert_int_eq(s.height, 8);
    assert_same_stats(&s, &rs);
    struct val_state st;
    ck_assert(chainstate_verify_chain(t.cs, &st, 4, 0));
    tc_teardown(&t);
}
END_TEST

/* Opens the chainstate of dir in a test_chain (regtest). */
static int open_dir(struct test_chain *t, const char *dir, unsigned crash_ratio)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "%s", dir);
    t->p = chain_params_get("regtest");
    chainstate_options_init(&t->opt);
    t->opt.params = t->p;
    t->opt.datadir = t->dir;
    t->opt.adjusted_time = tc_time;
    t->opt.db_crash_ratio = crash_ratio;
    t->opt.db_batch_size = crash_ratio ? 1 : 0;
    char err[256];
    return tc_reopen(t, err, sizeof(err));
}

START_TEST(test_replay_rolls_back_old_branch)
{
    char dir[64];
    tmpdir_make(dir);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        struct test_chain t;
        if (open_dir(&t, dir, 0) != 0)
            _exit(3);
        tc_mine_n(&t, 5);
        tc_close(&t); /* coins at a5 */
        if (open_dir(&t, dir, 1) != 0)
            _exit(4);
        /* Reorganise to a longer branch from height 3, then die in the flush:
         * HEAD_BLOCKS = [b7, a5]. */
        branch(&t, chainstate_at_height(t.cs, 3), 4, 77);
        if (chainstate_height(t.cs) != 7)
            _exit(5);
        _exit(chainstate_flush(t.cs, CHAINSTATE_FLUSH_ALWAYS) ? 6 : 7);
    }
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) != 3 && WEXITSTATUS(status) != 4 &&
              WEXITSTATUS(status) != 5 && WEXITSTATUS(status) != 6);
    struct test_chain t;
    ck_assert_int_eq(open_dir(&t, dir, 0), 0);
    ck_assert_int_eq(chainstate_height(t.cs), 7);
    struct chainstate_utxo_stats s, rs;
    stats(&t, &s);
    struct test_chain ref;
    tc_setup(&ref, "regtest");
    tc_mine_n(&ref, 3);
    branch(&ref, chainstate_tip(ref.cs), 4, 77);
    stats(&ref, &rs);
    tc_teardown(&ref);
    assert_same_stats(&s, &rs);
    struct val_state st;
    ck_assert(chainstate_verify_chain(t.cs, &st, 4, 0));
    tc_teardown(&t);
}
END_TEST

START_TEST(test_inconsistent_and_corrupt)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    tc_mine_n(&t, 10);
    tc_close(&t);
    /* HEAD_BLOCKS with one hash: unknown inconsistent state. */
    char path[256];
    struct store_error e;
    struct kvdb *db = kvdb_open(tmpdir_join(path, t.dir, "chainstate"), 1 << 20, false, &e);
    ck_assert_ptr_nonnull(db);
    uint8_t key = 'H', val[33] = { 1 };
    ck_assert_int_eq(kvdb_put(db, &key, 1, val, sizeof(val), true, &e), 0);
    kvdb_close(db);
    char err[512];
    ck_assert_int_eq(tc_reopen(&t, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "unknown inconsistent state") != NULL, "%s", err);
    ck_assert_msg(strstr(err, "-reindex-chainstate") != NULL, "%s", err);
    /* -reindex-chainstate cures it. */
    t.opt.reindex_chainstate = true;
    ck_assert_msg(tc_reopen(&t, err, sizeof(err)) == 0, "%s", err);
    struct val_state st;
    ck_assert(chainstate_activate_best_chain(t.cs, &st));
    ck_assert_int_eq(chainstate_height(t.cs), 10);
    tc_close(&t);
    t.opt.reindex_chainstate = false;

    /* Damaged block file: detected at start-up (verify_chain). */
    ck_assert_int_eq(truncate(tmpdir_join(path, t.dir, "blocks/blk00000.dat"), 1000), 0);
    ck_assert_int_eq(tc_reopen(&t, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "-reindex") != NULL, "%s", err);
    tmpdir_remove(t.dir);
}
END_TEST

START_TEST(test_reindex)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    tc_mine_n(&t, 99);
    struct outpoint gop = { genesis_txid(t.p), 0 };
    struct tx spend;
    tc_spend(&spend, &gop, 10 * COIN, 9 * COIN, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    tc_mine(&t, &spend, 1, 1 * COIN);
    tx_clear(&spend);
    tc_mine_n(&t, 20);
    struct chainstate_utxo_stats s1, s2, s3;
    stats(&t, &s1);
    tc_close(&t);
    char err[512];
    t.opt.reindex = true;
    ck_assert_msg(tc_reopen(&t, err, sizeof(err)) == 0, "%s", err);
    ck_assert(chainstate_reindex_pending(t.cs));
    ck_assert_int_eq(chainstate_height(t.cs), -1);
    ck_assert_int_eq(chainstate_reindex(t.cs, NULL), 121);
    ck_assert(!chainstate_reindex_pending(t.cs));
    ck_assert_int_eq(chainstate_height(t.cs), 120);
    stats(&t, &s2);
    assert_same_stats(&s1, &s2);
    tc_close(&t);
    t.opt.reindex = false;
    t.opt.reindex_chainstate = true;
    ck_assert_msg(tc_reopen(&t, err, sizeof(err)) == 0, "%s", err);
    struct val_state st;
    ck_assert(chainstate_activate_best_chain(t.cs, &st));
    stats(&t, &s3);
    assert_same_stats(&s1, &s3);
    tc_teardown(&t);
}
END_TEST

START_TEST(test_txindex)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    tc_close(&t);
    t.opt.txindex = true;
    char err[512];
    ck_assert_int_eq(tc_reopen(&t, err, sizeof(err)), 0);
    tc_mine_n(&t, 99);
    struct outpoint gop = { genesis_txid(t.p), 0 };
    struct tx spend, found;
    tc_spend(&spend, &gop, 10 * COIN, 9 * COIN, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    struct block_index *bi = tc_mine(&t, &spend, 1, 1 * COIN);
    struct hash256 bh;
    ck_assert(chainstate_txindex_find(t.cs, &found, &bh, &spend.txid));
    ck_assert(hash256_eq(&found.wtxid, &spend.wtxid));
    ck_assert(hash256_eq(&bh, &bi->hash));
    tx_clear(&found);
    ck_assert(chainstate_txindex_find(t.cs, &found, NULL, &gop.txid)); /* genesis coinbase */
    tx_clear(&found);
    struct hash256 none;
    memset(&none, 7, sizeof(none));
    ck_assert(!chainstate_txindex_find(t.cs, &found, NULL, &none));
    tx_clear(&found);
    tx_clear(&spend);
    tc_teardown(&t);
}
END_TEST

START_TEST(test_bitcoin_import)
{
    struct test_chain t;
    tc_setup(&t, "bitcoin");
    ck_assert_int_eq(chainstate_import_file(t.cs, UNIT_DATA("bitcoin-mainnet/blocks-1-255.dat"), NULL), 255);
    ck_assert_int_eq(chainstate_height(t.cs), 255);
    struct hash256 want;
    ck_assert(hash256_from_hex(&want, "00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c"));
    ck_assert(hash256_eq(&chainstate_tip(t.cs)->hash, &want));
    /* Block 170: the first bitcoin transfer spent block 9's coinbase. */
    struct outpoint cb9, hal, change;
    ck_assert(hash256_from_hex(&cb9.txid, "0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9"));
    cb9.n = 0;
    ck_assert(hash256_from_hex(&hal.txid, "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"));
    hal.n = 0;
    change = hal;
    change.n = 1;
    ck_assert(!chainstate_have_coin(t.cs, &cb9));
    struct coin c;
    coin_init(&c);
    ck_assert(chainstate_get_coin(t.cs, &c, &hal));
    ck_assert_int_eq(c.out.value, 10 * COIN);
    ck_assert_uint_eq(c.height, 170);
    coin_clear(&c);
    (void)change; /* spent again in block 181 */
    struct chainstate_utxo_stats s;
    stats(&t, &s);
    ck_assert_int_eq(s.height, 255);
    ck_assert_int_eq(s.total_amount, 255 * 50 * COIN); /* no fees yet, genesis not in the set */
    struct val_state st;
    ck_assert(chainstate_verify_chain(t.cs, &st, 4, 0));
    tc_close(&t);
    char err[512];
    ck_assert_int_eq(tc_reopen(&t, err, sizeof(err)), 0);
    ck_assert(hash256_eq(&chainstate_tip(t.cs)->hash, &want));
    /* Importing again adds nothing. */
    ck_assert_int_eq(chainstate_import_file(t.cs, UNIT_DATA("bitcoin-mainnet/blocks-1-255.dat"), NULL), 0);
    tc_teardown(&t);
}
END_TEST

/* force means what it says: a block nobody asked for (force false) is stored
 * only under Core's AcceptBlock rules (at least the tip's work, at most 288
 * blocks ahead, the minimum chain work); otherwise it is checked and dropped. */
START_TEST(test_unrequested_block_rules)
{
    struct test_chain t;
    tc_setup(&t, "regtest");
    tc_mine_n(&t, 3);
    struct block_index *tip = chainstate_tip(t.cs);
    struct val_state st;
    bool nb = true;
    /* One block less work than the tip (a sibling of its parent): not stored. */
    struct block low;
    tc_make_block(&low, t.p, tip->prev->prev, NULL, 0, 0, 0, 501);
    struct hash256 h;
    block_hash(&h, &low);
    ck_assert(chainstate_process_new_block(t.cs, &st, &nb, &low, false));
    ck_assert(val_is_valid(&st) && !nb);
    ck_assert_ptr_null(chainstate_lookup(t.cs, &h));
    /* The same block with force: stored (a side block). */
    ck_assert(chainstate_process_new_block(t.cs, &st, &nb, &low, true) && nb);
    ck_assert(chainstate_lookup(t.cs, &h)->status & BLOCK_HAVE_DATA);
    block_clear(&low);
    /* A bad unwanted block is still checked (ProcessNewBlock's CheckBlock). */
    struct block bad;
    tc_make_block(&bad, t.p, tip->prev->prev, NULL, 0, 0, 0, 502);
    bad.header.merkle_root.b[0] ^= 1;
    ck_assert(!chainstate_process_new_block(t.cs, &st, &nb, &bad, false));
    ck_assert(!val_is_valid(&st));
    block_clear(&bad);
    /* The tip's work (a sibling of the tip): stored, the tip stays. */
    struct block eq;
    tc_make_block(&eq, t.p, tip->prev, NULL, 0, 0, 0, 503);
    block_hash(&h, &eq);
    ck_assert(chainstate_process_new_block(t.cs, &st, &nb, &eq, false) && nb);
    ck_assert(chainstate_lookup(t.cs, &h)->status & BLOCK_HAVE_DATA);
    ck_assert_ptr_eq(chainstate_tip(t.cs), tip);
    block_clear(&eq);
    tc_teardown(&t);

    /* Below the minimum chain work: a block on the tip is not stored unless forced. */
    tc_setup(&t, "regtest");
    tc_close(&t);
    arith256_set_u64(&t.opt.min_chain_work, 1000);
    char err[512];
    ck_assert_msg(tc_reopen(&t, err, sizeof(err)) == 0, "%s", err);
    struct block next;
    tc_make_block(&next, t.p, chainstate_tip(t.cs), NULL, 0, 0, 0, 504);
    block_hash(&h, &next);
    ck_assert(chainstate_process_new_block(t.cs, &st, &nb, &next, false) && !nb);
    ck_assert_int_eq(chainstate_height(t.cs), 0);
    ck_assert(chainstate_process_new_block(t.cs, &st, &nb, &next, true) && nb);
    ck_assert_int_eq(chainstate_height(t.cs), 1);
    block_clear(&next);
    tc_teardown(&t);
}
END_TEST

static Suite *chainstate_suite(void)
{
    Suite *s = suite_create("chainstate");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_genesis_coins);
    tcase_add_test(tc, test_spend_genesis_and_coinbase);
    tcase_add_test(tc, test_bad_blocks);
    tcase_add_test(tc, test_bip30_duplicate_coinbase);
    tcase_add_test(tc, test_parallel_script_check_fails_early);
    tcase_add_test(tc, test_reorg_invalidate_reconsider);
    tcase_add_test(tc, test_precious);
    tcase_add_test(tc, test_test_block_validity_and_scripts);
    tcase_add_test(tc, test_replay_after_interrupted_flush);
    tcase_add_test(tc, test_replay_rolls_back_old_branch);
    tcase_add_test(tc, test_inconsistent_and_corrupt);
    tcase_add_test(tc, test_reindex);
    tcase_add_test(tc, test_txindex);
    tcase_add_test(tc, test_bitcoin_import);
    tcase_add_test(tc, test_unrequested_block_rules);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(chainstate_suite)
