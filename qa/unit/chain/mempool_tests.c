#include "src/chain/mempool.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "consensus/amount.h"
#include "consensus/script.h"
#include "qa/unit/chain/fake_chain.h"
#include "qa/unit/unit.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"

static struct fake_chain fc;
static struct mempool_options opt;
static struct mempool *mp;

static void setup(void)
{
    fake_chain_init(&fc, &opt);
    mp = mempool_new(&opt);
}

static void teardown(void)
{
    mempool_free(mp);
    mp = NULL;
    fake_chain_clear(&fc);
}

/* Accepts tx; returns "ok" or the reject reason (static buffer). */
static const char *try_accept(struct mempool *pool, const struct tx *tx, const struct mempool_accept_args *args)
{
    static struct val_state st;
    if (mempool_accept(pool, &st, NULL, tx, args))
        return "ok";
    ck_assert_int_eq(st.mode, VAL_INVALID);
    return st.reject;
}

static const char *accept_free(struct tx *tx)
{
    const char *r = try_accept(mp, tx, NULL);
    tx_clear(tx);
    return r;
}

START_TEST(accepts_and_indexes)
{
    struct outpoint c = fake_chain_add_coin(&fc, 1, 0, 100000, 10, false);
    struct tx tx;
    fake_tx1(&tx, &c, 99000);
    struct mempool_accept_result res;
    struct val_state st;
    ck_assert(mempool_accept(mp, &st, &res, &tx, NULL));
    ck_assert_int_eq(res.fee, 1000);
    ck_assert_int_eq(res.vsize, 96);
    ck_assert_uint_eq(res.replaced_count, 0);
    mempool_accept_result_clear(&res);
    ck_assert(mempool_has(mp, &tx.txid));
    ck_assert(mempool_has_wtxid(mp, &tx.wtxid));
    ck_assert_uint_eq(mempool_size(mp), 1);
    struct mempool_entry_info info;
    ck_assert(mempool_entry_get(mp, &info, &tx.txid));
    ck_assert_int_eq(info.fee, 1000);
    ck_assert_int_eq(info.height, 200);
    ck_assert_int_eq(info.time, fc.now);
    ck_assert(info.bip125_replaceable);
    ck_assert_uint_eq(info.entry_sequence, 1);
    ck_assert_uint_eq(mempool_sequence(mp), 2);
    ck_assert_uint_eq(fc.event_count, 1);
    ck_assert(fc.events[0].added);
    ck_assert_uint_eq(fc.events[0].seq, 1);
    struct hash256 spender;
    ck_assert(mempool_is_spent(mp, &spender, &c));
    ck_assert(hash256_eq(&spender, &tx.txid));
    struct outpoint o0 = { tx.txid, 0 };
    struct txout out;
    ck_assert(mempool_get_output(mp, &out, &o0));
    ck_assert_int_eq(out.value, 99000);
    txout_clear(&out);
    struct mempool_stats stats;
    mempool_get_stats(mp, &stats);
    ck_assert_uint_eq(stats.size, 1);
    ck_assert_uint_eq(stats.bytes, 96);
    ck_assert_int_eq(stats.total_fee, 1000);
    ck_assert_int_eq(stats.min_fee, 1000);
    ck_assert(stats.usage > 0);
    ck_assert_str_eq(try_accept(mp, &tx, NULL), "txn-already-in-mempool");
    struct tx copy;
    ck_assert(mempool_tx_get(mp, &copy, &tx.txid));
    ck_assert(hash256_eq(&copy.wtxid, &tx.wtxid));
    tx_clear(&copy);
    tx_clear(&tx);

    /* testmempoolaccept changes nothing. */
    struct outpoint c2 = fake_chain_add_coin(&fc, 2, 0, 100000, 10, false);
    fake_tx1(&tx, &c2, 99000);
    struct mempool_accept_args args = { .test_accept = true };
    ck_assert_str_eq(try_accept(mp, &tx, &args), "ok");
    ck_assert(!mempool_has(mp, &tx.txid));
    ck_assert_uint_eq(mempool_sequence(mp), 2);
    tx_clear(&tx);
}
END_TEST

/* Drops input 0's witness items. */
static void witness_clear_items(struct tx *tx)
{
    struct witness *w = &tx->vin[0].witness;
    for (size_t i = 0; i < w->count; i++)
        bytes_clear(&w->items[i]);
    mem_free(w->items);
    w->items = NULL;
    w->count = 0;
}

/* A coin paying P2WSH(witness_script). */
static struct outpoint add_script_coin(uint8_t id, const uint8_t *ws, size_t ws_len)
{
    struct outpoint op = fake_chain_add_coin(&fc, id, 0, 100000, 10, false);
    struct fake_coin *c = &fc.coins[fc.coin_count - 1];
    c->out.script_pubkey.data[0] = 0x00;
    sha256(c->out.script_pubkey.data + 2, ws, ws_len);
    return op;
}

static void spend_script(struct tx *tx, const struct outpoint *op, const uint8_t *ws, size_t ws_len)
{
    fake_tx1(tx, op, 99000);
    witness_clear_items(tx);
    txin_witness_push(&tx->vin[0], ws, ws_len);
    tx_update_hashes(tx);
}

START_TEST(reject_reasons)
{
    struct tx tx;
    struct outpoint c = fake_chain_add_coin(&fc, 1, 0, 100000, 10, false);

    /* coinbase */
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffffu;
    tx_init(&tx);
    uint8_t cbsig[2] = { 0x51, 0x51 };
    tx_add_input(&tx, &null_op, cbsig, 2, SEQUENCE_FINAL);
    tx_add_output(&tx, 1000, FAKE_SPK, sizeof(FAKE_SPK));
    tx_update_hashes(&tx);
    ck_assert_str_eq(accept_free(&tx), "coinbase");

    /* version (policy) */
    fake_tx1(&tx, &c, 99000);
    tx.version = 4;
    tx_update_hashes(&tx);
    ck_assert_str_eq(accept_free(&tx), "version");

    /* tx-size-small: 61 stripped bytes */
    fake_tx1(&tx, &c, 0);
    uint8_t op_return = OP_RETURN;
    bytes_clear(&tx.vout[0].script_pubkey);
    bytes_set(&tx.vout[0].script_pubkey, &op_return, 1);
    tx_update_hashes(&tx);
    ck_assert_uint_eq(tx_size(&tx, false), 61);
    ck_assert_str_eq(accept_free(&tx), "tx-size-small");

    /* non-final: lock time at a future height */
    fake_tx1(&tx, &c, 99000);
    tx.locktime = 300;
    tx_update_hashes(&tx);
    ck_assert_str_eq(accept_free(&tx), "non-final");

    /* missing inputs */
    struct outpoint missing;
    memset(&missing, 0x99, sizeof(missing));
    fake_tx1(&tx, &missing, 1000);
    struct val_state st;
    ck_assert(!mempool_accept(mp, &st, NULL, &tx, NULL));
    ck_assert_int_eq(st.result, VAL_TX_MISSING_INPUTS);
    ck_assert_str_eq(st.reject, "bad-txns-inputs-missingorspent");
    /* ... unless the transaction itself is already confirmed */
    fake_chain_add_tx(&fc, &tx, 150);
    ck_assert_str_eq(accept_free(&tx), "txn-already-known");

    /* immature coinbase: 201 - 150 < 100 */
    struct outpoint cb = fake_chain_add_coin(&fc, 2, 0, 100000, 150, true);
    fake_tx1(&tx, &cb, 99000);
    ck_assert_str_eq(accept_free(&tx), "bad-txns-premature-spend-of-coinbase");

    /* BIP 68: ten blocks after a coin confirmed at the tip */
    struct outpoint young = fake_chain_add_coin(&fc, 3, 0, 100000, 200, false);
    fake_tx1(&tx, &young, 99000);
    tx.vin[0].sequence = 10;
    tx_update_hashes(&tx);
    ck_assert_str_eq(accept_free(&tx), "non-BIP68-final");

    /* fees */
    fake_tx1(&tx, &c, 100000 - 95);
    ck_assert_str_eq(accept_free(&tx), "min relay fee not met");
    fake_tx1(&tx, &c, 100001);
    ck_assert_str_eq(accept_free(&tx), "bad-txns-in-belowout");
    fake_tx1(&tx, &c, 99000);
    struct mempool_accept_args args = { .max_fee = 999 };
    ck_assert_str_eq(try_accept(mp, &tx, &args), "max-fee-exceeded");
    tx_clear(&tx);

    /* dust */
    int64_t vals[2] = { 98000, 329 };
    fake_tx(&tx, &c, 1, vals, 2);
    ck_assert_str_eq(accept_free(&tx), "dust");

    /* non-standard witness: an 81-byte P2WSH stack item */
    fake_tx1(&tx, &c, 99000);
    witness_clear_items(&tx);
    uint8_t item[81] = { 0 };
    uint8_t op_true = OP_TRUE;
    txin_witness_push(&tx.vin[0], item, sizeof(item));
    txin_witness_push(&tx.vin[0], &op_true, 1);
    tx_update_hashes(&tx);
    ck_assert_str_eq(accept_free(&tx), "bad-witness-nonstandard");

    /* non-standard input: a bare OP_TRUE coin */
    struct outpoint bare = fake_chain_add_coin(&fc, 4, 0, 100000, 10, false);
    uint8_t *spk = fc.coins[fc.coin_count - 1].out.script_pubkey.data;
    bytes_clear(&fc.coins[fc.coin_count - 1].out.script_pubkey);
    (void)spk;
    bytes_set(&fc.coins[fc.coin_count - 1].out.script_pubkey, &op_true, 1);
    fake_tx1(&tx, &bare, 99000);
    witness_clear_items(&tx);
    tx_update_hashes(&tx);
    ck_assert_str_eq(accept_free(&tx), "bad-txns-nonstandard-inputs");

    /* scripts: a consensus failure and a policy-only failure */
    uint8_t ws_false = OP_0;
    struct outpoint f = add_script_coin(5, &ws_false, 1);
    spend_script(&tx, &f, &ws_false, 1);
    ck_assert(!mempool_accept(mp, &st, NULL, &tx, NULL));
    ck_assert_int_eq(st.result, VAL_TX_CONSENSUS);
    ck_assert(strncmp(st.reject, "mandatory-script-verify-flag-failed (Script evaluated", 52) == 0);
    ck_assert_str_eq(st.debug, "mandatory-script-verify-flag-failed (Script evaluated without error but finished "
                               "with a false/empty top stack element)");
    tx_clear(&tx);
    uint8_t ws_nop[2] = { OP_NOP4, OP_TRUE };
    struct outpoint n = add_script_coin(6, ws_nop, 2);
    spend_script(&tx, &n, ws_nop, 2);
    ck_assert(!mempool_accept(mp, &st, NULL, &tx, NULL));
    ck_assert_int_eq(st.result, VAL_TX_NOT_STANDARD);
    ck_assert_str_eq(st.reject, "non-mandatory-script-verify-flag (NOPx reserved for soft-fork upgrades)");
    tx_clear(&tx);

    /* sigops: 201 bare 1-of-3 multisig outputs count 20 legacy sigops each */
    struct outpoint big = fake_chain_add_coin(&fc, 7, 0, 10 * COIN, 10, false);
    fake_tx1(&tx, &big, 1000);
    uint8_t ms[105];
    ms[0] = OP_1;
    for (int k = 0; k < 3; k++) {
        ms[1 + 34 * k] = 33;
        ms[2 + 34 * k] = 0x02;
        memset(ms + 3 + 34 * k, 0x11 + k, 32);
    }
    ms[103] = OP_3;
    ms[104] = OP_CHECKMULTISIG;
    for (int k = 0; k < 201; k++)
        tx_add_output(&tx, 1000, ms, sizeof(ms));
    tx_update_hashes(&tx);
    ck_assert_str_eq(accept_free(&tx), "bad-txns-too-many-sigops");
    ck_assert_uint_eq(mempool_size(mp), 0);
}
END_TEST

static void add_ok(struct tx *tx)
{
    ck_assert_str_eq(try_accept(mp, tx, NULL), "ok");
}

START_TEST(replace_by_fee)
{
    struct outpoint c1 = fake_chain_add_coin(&fc, 1, 0, 100000, 10, false);
    struct tx a, b, t;
    fake_tx1(&a, &c1, 99000); /* fee 1000 */
    add_ok(&a);
    /* Not enough extra fee to pay for its own relay (96 sat at 1 sat/vB). */
    fake_tx1(&t, &c1, 99000 - 50);
    struct val_state st;
    ck_assert(!mempool_accept(mp, &st, NULL, &t, NULL));
    ck_assert_str_eq(st.reject, "insufficient fee");
    ck_assert(strstr(st.debug, "not enough additional fees") != NULL);
    tx_clear(&t);

    /* A good replacement evicts the original. */
    fake_tx1(&b, &c1, 98000);
    struct mempool_accept_result res;
    ck_assert(mempool_accept(mp, &st, &res, &b, NULL));
    ck_assert_uint_eq(res.replaced_count, 1);
    ck_assert(hash256_eq(&res.replaced[0], &a.txid));
    mempool_accept_result_clear(&res);
    ck_assert(!mempool_has(mp, &a.txid));
    ck_assert(mempool_has(mp, &b.txid));
    struct fake_event *ev = &fc.events[fc.event_count - 2];
    ck_assert(!ev->added);
    ck_assert_int_eq(ev->reason, MEMPOOL_REMOVAL_REPLACED);
    ck_assert(hash256_eq(&ev->txid, &a.txid));

    /* A lower fee rate than the one it replaces. */
    int64_t two[2] = { 49000, 48000 };
    fake_tx(&t, &c1, 1, two, 2); /* fee 3000 at 139 vB: 21582 sat/kvB > 20833 */
    add_ok(&t);
    ck_assert(!mempool_has(mp, &b.txid));
    /* Higher fee rate but fewer fees in total. */
    tx_clear(&b);
    fake_tx1(&b, &c1, 100000 - 2900);
    ck_assert(!mempool_accept(mp, &st, NULL, &b, NULL));
    ck_assert_str_eq(st.reject, "insufficient fee");
    ck_assert(strstr(st.debug, "less fees than conflicting txs") != NULL);
    tx_clear(&b);
    /* Same fee, bigger: lower fee rate. */
    int64_t three[3] = { 30000, 30000, 37000 };
    fake_tx(&b, &c1, 1, three, 3);
    ck_assert(!mempool_accept(mp, &st, NULL, &b, NULL));
    ck_assert_str_eq(st.reject, "insufficient fee");
    ck_assert(strstr(st.debug, "new feerate") != NULL);
    tx_clear(&b);

    /* Spending an output of the transaction it replaces. */
    struct outpoint t0 = { t.txid, 0 };
    struct outpoint both[2] = { c1, t0 };
    fake_tx(&b, both, 2, (int64_t[]){ 90000 }, 1);
    ck_assert_str_eq(accept_free(&b), "bad-txns-spends-conflicting-tx");

    /* Adding a new unconfirmed input. */
    struct outpoint c2 = fake_chain_add_coin(&fc, 2, 0, 100000, 10, false);
    struct tx p;
    fake_tx1(&p, &c2, 99000);
    add_ok(&p);
    struct outpoint p0 = { p.txid, 0 };
    struct outpoint ins[2] = { c1, p0 };
    fake_tx(&b, ins, 2, (int64_t[]){ 100000 }, 1);
    ck_assert(!mempool_accept(mp, &st, NULL, &b, NULL));
    ck_assert_str_eq(st.reject, "replacement-adds-unconfirmed");
    tx_clear(&b);
    tx_clear(&p);
    tx_clear(&t);
    tx_clear(&a);
}
END_TEST

START_TEST(rbf_limits_and_opt_in)
{
    /* 101 direct conflicts are too many. */
    struct outpoint coins[101];
    for (int i = 0; i < 101; i++) {
        coins[i] = fake_chain_add_coin(&fc, (uint8_t)(10 + i), 0, 100000, 10, false);
        struct tx t;
        fake_tx1(&t, &coins[i], 99000);
        add_ok(&t);
        tx_clear(&t);
    }
    struct tx r;
    fake_tx(&r, coins, 101, (int64_t[]){ 101 * 100000 - 101 * 5000 }, 1);
    struct val_state st;
    ck_assert(!mempool_accept(mp, &st, NULL, &r, NULL));
    ck_assert_str_eq(st.reject, "too many potential replacements");
    tx_clear(&r);
    /* 100 is fine. */
    fake_tx(&r, coins, 100, (int64_t[]){ 100 * 100000 - 100 * 5000 }, 1);
    struct mempool_accept_result res;
    ck_assert(mempool_accept(mp, &st, &res, &r, NULL));
    ck_assert_uint_eq(res.replaced_count, 100);
    mempool_accept_result_clear(&res);
    ck_assert_uint_eq(mempool_size(mp), 2);
    tx_clear(&r);

    /* Without full RBF, only signalling transactions are replaceable. */
    struct mempool_options o2 = opt;
    o2.full_rbf = false;
    struct mempool *mp2 = mempool_new(&o2);
    struct outpoint c = fake_chain_add_coin(&fc, 200, 0, 100000, 10, false);
    struct tx a, b;
    fake_tx1(&a, &c, 99000);
    a.vin[0].sequence = 0xfffffffe;
    tx_update_hashes(&a);
    ck_assert_str_eq(try_accept(mp2, &a, NULL), "ok");
    fake_tx1(&b, &c, 90000);
    ck_assert_str_eq(try_accept(mp2, &b, NULL), "txn-mempool-conflict");
    tx_clear(&a);
    tx_clear(&b);
    mempool_free(mp2);
}
END_TEST

START_TEST(chain_limits)
{
    struct outpoint prev = fake_chain_add_coin(&fc, 1, 0, 1000000, 10, false);
    struct hash256 first;
    int64_t value = 1000000;
    for (int i = 0; i < 26; i++) {
        struct tx t;
        value -= 1000;
        fake_tx1(&t, &prev, value);
        if (i == 0)
            first = t.txid;
        const char *r = try_accept(mp, &t, NULL);
        if (i < 25) {
            ck_assert_str_eq(r, "ok");
        } else {
            struct val_state st;
            ck_assert(!mempool_accept(mp, &st, NULL, &t, NULL));
            ck_assert_str_eq(st.reject, "too-long-mempool-chain");
            ck_assert_str_eq(st.debug, "too many unconfirmed ancestors [limit: 25]");
        }
        if (i == 24) {
            struct mempool_entry_info info;
            ck_assert(mempool_entry_get(mp, &info, &t.txid));
            ck_assert_uint_eq(info.ancestor_count, 25);
            ck_assert_int_eq(info.ancestor_size, 25 * 96);
            ck_assert_int_eq(info.ancestor_fees, 25 * 1000);
            ck_assert_uint_eq(info.descendant_count, 1);
        }
        prev.txid = t.txid;
        prev.n = 0;
        tx_clear(&t);
    }
    struct mempool_entry_info info;
    ck_assert(mempool_entry_get(mp, &info, &first));
    ck_assert_uint_eq(info.descendant_count, 25);
    ck_assert_int_eq(info.descendant_fees, 25 * 1000);
    struct hash256 *ids;
    size_t n;
    ck_assert(mempool_related(mp, &ids, &n, &first, MEMPOOL_DESCENDANTS));
    ck_assert_uint_eq(n, 24);
    mem_free(ids);
    ck_assert(mempool_related(mp, &ids, &n, &first, MEMPOOL_CHILDREN));
    ck_assert_uint_eq(n, 1);
    mem_free(ids);
    /* Prioritising the root raises every descendant's ancestor fees. */
    mempool_prioritise(mp, &first, 5000);
    ck_assert(mempool_entry_get(mp, &info, &first));
    ck_assert_int_eq(info.modified_fee, 6000);
    ck_assert_int_eq(info.descendant_fees, 25 * 1000 + 5000);
    ck_assert_int_eq(mempool_fee_delta(mp, &first), 5000);
}
END_TEST

START_TEST(eviction_when_full)
{
    /* Measure one entry, then allow three and a half. */
    struct outpoint c0 = fake_chain_add_coin(&fc, 1, 0, 100000, 10, false);
    struct tx t;
    fake_tx1(&t, &c0, 99000);
    add_ok(&t);
    struct mempool_stats stats;
    mempool_get_stats(mp, &stats);
    uint64_t one = stats.usage;
    tx_clear(&t);
    mempool_free(mp);
    opt.max_size_bytes = one * 7 / 2;
    mp = mempool_new(&opt);

    struct tx txs[4];
    for (int i = 0; i < 4; i++) {
        struct outpoint c = fake_chain_add_coin(&fc, (uint8_t)(20 + i), 0, 100000, 10, false);
        fake_tx1(&txs[i], &c, 100000 - 1000 * (i + 1)); /* fees 1000..4000 */
        add_ok(&txs[i]);
    }
    ck_assert_uint_eq(mempool_size(mp), 3);
    ck_assert(!mempool_has(mp, &txs[0].txid));
    struct fake_event *ev = &fc.events[fc.event_count - 1];
    ck_assert(!ev->added);
    ck_assert_int_eq(ev->reason, MEMPOOL_REMOVAL_SIZELIMIT);
    /* The floor is now the evicted rate plus the incremental rate. */
    int64_t floor = 1000 * 1000 / 96 + 1000;
    ck_assert_int_eq(mempool_min_fee(mp), floor);
    struct outpoint c = fake_chain_add_coin(&fc, 30, 0, 100000, 10, false);
    fake_tx1(&t, &c, 100000 - 1000);
    ck_assert_str_eq(accept_free(&t), "mempool min fee not met");
    /* Above the floor but the worst in the pool: evicted at once. */
    fake_tx1(&t, &c, 100000 - 1100);
    ck_assert_str_eq(accept_free(&t), "mempool full");
    ck_assert_uint_eq(mempool_size(mp), 3);
    /* After a block the floor decays (a quarter half-life while the pool is small). */
    struct block b;
    block_init(&b);
    mempool_on_block_connected(mp, &b);
    fc.now += 12 * 3600;
    int64_t later = mempool_min_fee(mp);
    ck_assert(later < floor);
    fc.now += 48 * 3600;
    ck_assert_int_eq(mempool_min_fee(mp), 0);
    block_clear(&b);
    for (int i = 0; i < 4; i++)
        tx_clear(&txs[i]);
}
END_TEST

START_TEST(expiry)
{
    struct outpoint c = fake_chain_add_coin(&fc, 1, 0, 100000, 10, false);
    struct tx a, b;
    fake_tx1(&a, &c, 99000);
    add_ok(&a);
    fc.now += 3600;
    struct outpoint a0 = { a.txid, 0 };
    fake_tx1(&b, &a0, 98000);
    add_ok(&b);
    fc.now += 336 * 3600 - 1800; /* a is past expiry, b is not, but b depends on a */
    ck_assert_uint_eq(mempool_limit_size(mp), 2);
    ck_assert_uint_eq(mempool_size(mp), 0);
    ck_assert_int_eq(fc.events[fc.event_count - 1].reason, MEMPOOL_REMOVAL_EXPIRY);
    tx_clear(&a);
    tx_clear(&b);
}
END_TEST

START_TEST(persistence_round_trip)
{
    struct outpoint c1 = fake_chain_add_coin(&fc, 1, 0, 100000, 10, false);
    struct outpoint c2 = fake_chain_add_coin(&fc, 2, 0, 100000, 10, false);
    struct tx a, b, d;
    fake_tx1(&a, &c1, 99000);
    add_ok(&a);
    struct outpoint a0 = { a.txid, 0 };
    fake_tx1(&b, &a0, 98000);
    add_ok(&b);
    fc.now += 10;
    fake_tx1(&d, &c2, 97000);
    add_ok(&d);
    mempool_prioritise(mp, &d.txid, 777);
    struct hash256 ghost;
    memset(&ghost, 0x42, sizeof(ghost));
    mempool_prioritise(mp, &ghost, -5);

    char path[] = "/tmp/hm-mempool-test-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char err[256];
    ck_assert_int_eq(mempool_dump(mp, path, err, sizeof(err)), 0);

    struct mempool *mp2 = mempool_new(&opt);
    size_t ok = 0, failed = 0, expired = 0;
    ck_assert_int_eq(mempool_load(mp2, path, &ok, &failed, &expired, err, sizeof(err)), 0);
    ck_assert_uint_eq(ok, 3);
    ck_assert_uint_eq(failed, 0);
    ck_assert_uint_eq(expired, 0);
    struct mempool_stats stats;
    mempool_get_stats(mp2, &stats);
    ck_assert(stats.loaded);
    ck_assert_uint_eq(stats.size, 3);
    struct mempool_entry_info i1, i2;
    ck_assert(mempool_entry_get(mp, &i1, &d.txid));
    ck_assert(mempool_entry_get(mp2, &i2, &d.txid));
    ck_assert_int_eq(i2.time, i1.time);
    ck_assert_int_eq(i2.modified_fee, i1.modified_fee);
    ck_assert_int_eq(i2.modified_fee, 3000 + 777);
    ck_assert_int_eq(mempool_fee_delta(mp2, &ghost), -5);
    ck_assert(mempool_entry_get(mp2, &i2, &b.txid));
    ck_assert_uint_eq(i2.ancestor_count, 2);
    mempool_free(mp2);

    /* Entries past expiry are counted, not loaded. */
    fc.now += 400 * 3600;
    mp2 = mempool_new(&opt);
    ck_assert_int_eq(mempool_load(mp2, path, &ok, &failed, &expired, err, sizeof(err)), 0);
    ck_assert_uint_eq(ok, 0);
    ck_assert_uint_eq(expired, 3);
    mempool_free(mp2);

    /* A damaged file is reported; a missing one is not an error. */
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputc(9, f), 9); /* version 9 */
    fclose(f);
    mp2 = mempool_new(&opt);
    ck_assert_int_eq(mempool_load(mp2, path, &ok, &failed, &expired, err, sizeof(err)), -1);
    unlink(path);
    ck_assert_int_eq(mempool_load(mp2, path, &ok, &failed, &expired, err, sizeof(err)), 0);
    mempool_get_stats(mp2, &stats);
    ck_assert(stats.loaded);
    mempool_free(mp2);
    tx_clear(&a);
    tx_clear(&b);
    tx_clear(&d);
}
END_TEST

/* hashmint's genesis outputs skip coinbase maturity: the mempool takes a
 * spend of one when the next block is block 1; a coinbase of block 1 is
 * still immature then. */
START_TEST(genesis_outputs_mature)
{
    fc.height = 0;
    struct outpoint g = fake_chain_add_coin(&fc, 1, 0, 100000, 0, true);
    struct tx tx;
    fake_tx1(&tx, &g, 99000);
    ck_assert_str_eq(accept_free(&tx), "ok");
    fc.height = 1;
    struct outpoint cb1 = fake_chain_add_coin(&fc, 2, 0, 100000, 1, true);
    fake_tx1(&tx, &cb1, 99000);
    ck_assert_str_eq(accept_free(&tx), "bad-txns-premature-spend-of-coinbase");
}
END_TEST

static void coinbase_only(struct block *b)
{
    block_init(b);
    struct tx cb;
    tx_init(&cb);
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffffu;
    uint8_t sig[2] = { 0x01, 0x05 };
    tx_add_input(&cb, &null_op, sig, 2, SEQUENCE_FINAL);
    tx_add_output(&cb, chain_params_block_subsidy(fc.params, 1), FAKE_SPK, sizeof(FAKE_SPK));
    tx_update_hashes(&cb);
    block_add_tx(b, &cb);
    tx_clear(&cb);
}

START_TEST(blocks_and_reorgs)
{
    struct outpoint c1 = fake_chain_add_coin(&fc, 1, 0, 100000, 10, false);
    struct outpoint c2 = fake_chain_add_coin(&fc, 2, 0, 100000, 10, false);
    struct tx a, b, c, x;
    fake_tx1(&a, &c1, 99000);
    add_ok(&a);
    struct outpoint a0 = { a.txid, 0 };
    fake_tx1(&b, &a0, 98000);
    add_ok(&b);
    fake_tx1(&c, &c2, 99000);
    add_ok(&c);
    fake_tx1(&x, &c2, 99500); /* the block's own spend of c2 */

    struct block blk;
    coinbase_only(&blk);
    block_add_tx(&blk, &a);
    block_add_tx(&blk, &x);
    size_t events_before = fc.event_count;
    uint64_t seq_before = mempool_sequence(mp);
    /* The chain applies the block, then announces it. */
    fake_chain_spend(&fc, &c1);
    fake_chain_spend(&fc, &c2);
    fake_chain_add_tx(&fc, &a, 201);
    fake_chain_add_tx(&fc, &x, 201);
    fc.height = 201;
    mempool_on_block_connected(mp, &blk);
    mempool_on_updated_tip(mp);
    ck_assert(!mempool_has(mp, &a.txid));
    ck_assert(!mempool_has(mp, &c.txid));
    ck_assert(mempool_has(mp, &b.txid));
    /* Only the conflict is announced; both removals take a sequence number. */
    ck_assert_uint_eq(fc.event_count, events_before + 1);
    ck_assert_int_eq(fc.events[events_before].reason, MEMPOOL_REMOVAL_CONFLICT);
    ck_assert(hash256_eq(&fc.events[events_before].txid, &c.txid));
    ck_assert_uint_eq(mempool_sequence(mp), seq_before + 2);
    struct mempool_entry_info info;
    ck_assert(mempool_entry_get(mp, &info, &b.txid));
    ck_assert_uint_eq(info.ancestor_count, 1);

    /* Disconnect it again: a and x come back, b is a's child again. */
    fake_chain_spend(&fc, &a0);
    struct outpoint x0 = { x.txid, 0 };
    fake_chain_spend(&fc, &x0);
    fake_chain_add_coin(&fc, 1, 0, 100000, 10, false);
    fake_chain_add_coin(&fc, 2, 0, 100000, 10, false);
    fc.height = 200;
    mempool_on_block_disconnected(mp, &blk);
    mempool_on_updated_tip(mp);
    ck_assert(mempool_has(mp, &a.txid));
    ck_assert(mempool_has(mp, &x.txid));
    ck_assert(mempool_entry_get(mp, &info, &b.txid));
    ck_assert_uint_eq(info.ancestor_count, 2);
    ck_assert(mempool_entry_get(mp, &info, &a.txid));
    ck_assert_uint_eq(info.descendant_count, 2);
    block_clear(&blk);

    /* A coinbase spend that a shorter chain makes immature is dropped. */
    struct outpoint cb = fake_chain_add_coin(&fc, 3, 0, 100000, 101, true);
    struct tx s;
    fake_tx1(&s, &cb, 99000);
    add_ok(&s);
    fc.height = 199;
    coinbase_only(&blk);
    mempool_on_block_disconnected(mp, &blk);
    mempool_on_updated_tip(mp);
    ck_assert(!mempool_has(mp, &s.txid));
    ck_assert_int_eq(fc.events[fc.event_count - 1].reason, MEMPOOL_REMOVAL_REORG);
    ck_assert(mempool_has(mp, &a.txid));
    block_clear(&blk);

    struct hash256 *ids;
    size_t n;
    uint64_t seq;
    mempool_txids(mp, &ids, &n, &seq);
    ck_assert_uint_eq(n, 3);
    ck_assert(hash256_eq(&ids[0], &b.txid)); /* entry order: b entered first */
    ck_assert_uint_eq(seq, mempool_sequence(mp));
    mem_free(ids);
    mempool_clear(mp);
    ck_assert_uint_eq(mempool_size(mp), 0);
    tx_clear(&a);
    tx_clear(&b);
    tx_clear(&c);
    tx_clear(&x);
    tx_clear(&s);
}
END_TEST

static Suite *mempool_suite(void)
{
    Suite *s = suite_create("mempool");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, accepts_and_indexes);
    tcase_add_test(tc, genesis_outputs_mature);
    tcase_add_test(tc, reject_reasons);
    tcase_add_test(tc, replace_by_fee);
    tcase_add_test(tc, rbf_limits_and_opt_in);
    tcase_add_test(tc, chain_limits);
    tcase_add_test(tc, eviction_when_full);
    tcase_add_test(tc, expiry);
    tcase_add_test(tc, persistence_round_trip);
    tcase_add_test(tc, blocks_and_reorgs);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(mempool_suite)
