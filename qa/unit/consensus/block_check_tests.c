#include "consensus/block_check.h"

#include <stdio.h>
#include <string.h>

#include "consensus/merkle.h"
#include "consensus/pow.h"
#include "consensus/script.h"
#include "qa/unit/unit.h"

/* Builds valid regtest blocks at height 1 on top of the genesis block, so each
 * test can break exactly one rule. */

static const struct chain_params *regtest(void)
{
    return chain_params_get("regtest");
}

static struct block_prev_context genesis_context(const struct chain_params *p)
{
    struct block_prev_context prev = {
        .height = 0,
        .bits = p->genesis.bits,
        .time = p->genesis.time,
        .median_time_past = p->genesis.time,
        .period_first_time = 0,
    };
    return prev;
}

static void add_coinbase(struct block *b, int32_t height, int64_t value)
{
    struct wbuf sig;
    wbuf_init(&sig);
    script_push_int(&sig, height);
    wbuf_u8(&sig, OP_0); /* scriptSig length must be 2..100 */
    struct tx cb;
    tx_init(&cb);
    struct outpoint op;
    memset(&op, 0, sizeof(op));
    op.n = 0xffffffffu;
    tx_add_input(&cb, &op, sig.data, sig.len, SEQUENCE_FINAL);
    static const uint8_t spk[] = { OP_TRUE };
    tx_add_output(&cb, value, spk, sizeof(spk));
    tx_update_hashes(&cb);
    block_add_tx(b, &cb);
    tx_clear(&cb);
    wbuf_clear(&sig);
}

/* A spend of a made-up outpoint (context-free checks do not look it up). */
static struct tx *add_spend(struct block *b, uint8_t tag, bool witness)
{
    struct tx t;
    tx_init(&t);
    struct outpoint op;
    memset(&op, 0, sizeof(op));
    op.txid.b[0] = tag;
    op.txid.b[1] = 0x77;
    struct txin *in = tx_add_input(&t, &op, NULL, 0, SEQUENCE_FINAL);
    if (witness) {
        uint8_t item[20];
        memset(item, tag, sizeof(item));
        txin_witness_push(in, item, sizeof(item));
    }
    static const uint8_t spk[] = { OP_TRUE, OP_TRUE, OP_TRUE, OP_TRUE, OP_TRUE, OP_TRUE };
    tx_add_output(&t, 1000, spk, sizeof(spk));
    tx_update_hashes(&t);
    struct tx *copy = block_add_tx(b, &t);
    tx_clear(&t);
    return copy;
}

static void start_block(struct block *b, const struct chain_params *p)
{
    block_init(b);
    ck_assert(hash256_from_hex(&b->header.prev_hash, p->genesis.hash_hex));
    b->header.version = 4;
    b->header.time = p->genesis.time + 120;
    b->header.bits = p->genesis.bits;
}

/* Sets the Merkle root (optionally adding a witness commitment first) and mines. */
static void finish_block(struct block *b, const struct chain_params *p, bool commit)
{
    if (commit)
        merkle_witness_commitment_add(b);
    merkle_block_root(&b->header.merkle_root, NULL, b);
    struct hash256 h;
    for (b->header.nonce = 0;; b->header.nonce++) {
        block_header_hash(&h, &b->header);
        if (pow_check(&h, b->header.bits, p))
            break;
    }
}

static void make_valid(struct block *b, const struct chain_params *p)
{
    start_block(b, p);
    add_coinbase(b, 1, chain_params_block_subsidy(p, 1));
    add_spend(b, 1, true);
    add_spend(b, 2, false);
    finish_block(b, p, true);
}

/* Runs every check in Core's order; returns the reject string ("" if valid). */
static const char *check_all(struct val_state *st, const struct block *b, const struct chain_params *p,
                             const struct block_prev_context *prev, int64_t now)
{
    val_state_init(st);
    if (block_check(st, b, p, true, true) && block_check_header_contextual(st, &b->header, prev, p, now) &&
        block_check_contextual(st, b, prev, p))
        return "";
    ck_assert(!val_is_valid(st));
    return st->reject;
}

#define NOW ((int64_t)regtest()->genesis.time + 3600)

START_TEST(valid_block_passes)
{
    const struct chain_params *p = regtest();
    struct block b;
    make_valid(&b, p);
    struct block_prev_context prev = genesis_context(p);
    struct val_state st;
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "");
    block_clear(&b);
}
END_TEST

START_TEST(rejects_context_free)
{
    const struct chain_params *p = regtest();
    struct block_prev_context prev = genesis_context(p);
    struct val_state st;
    struct block b;

    /* high-hash: a nonce whose hash misses the target */
    make_valid(&b, p);
    struct hash256 h;
    do {
        b.header.nonce++;
        block_header_hash(&h, &b.header);
    } while (pow_check(&h, b.header.bits, p));
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "high-hash");
    ck_assert_int_eq(st.result, VAL_BLOCK_INVALID_HEADER);
    /* ...and a target above the profile's limit */
    b.header.bits = 0x2100ffff;
    val_state_init(&st);
    ck_assert(!block_check_header(&st, &b.header, p));
    ck_assert_str_eq(st.reject, "high-hash");
    block_clear(&b);

    /* bad-txnmrklroot */
    make_valid(&b, p);
    b.txs[2].vout[0].value++;
    tx_update_hashes(&b.txs[2]);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-txnmrklroot");
    ck_assert_int_eq(st.result, VAL_BLOCK_MUTATED);
    block_clear(&b);

    /* bad-txns-duplicate: [cb, t1, t2, t2] has the root of [cb, t1, t2] */
    make_valid(&b, p);
    struct hash256 root = b.header.merkle_root;
    block_add_tx(&b, &b.txs[2]);
    merkle_block_root(&h, NULL, &b);
    ck_assert(hash256_eq(&h, &root));
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-txns-duplicate");
    ck_assert_int_eq(st.result, VAL_BLOCK_MUTATED);
    block_clear(&b);

    /* bad-blk-length: no transactions at all, and too many bytes */
    start_block(&b, p);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-blk-length");
    block_clear(&b);
    start_block(&b, p);
    add_coinbase(&b, 1, 1);
    struct tx *big = add_spend(&b, 3, false);
    static uint8_t huge[1000001];
    bytes_clear(&big->vout[0].script_pubkey);
    bytes_set(&big->vout[0].script_pubkey, huge, sizeof(huge));
    tx_update_hashes(big);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-blk-length");
    block_clear(&b);

    /* bad-cb-missing, bad-cb-multiple */
    start_block(&b, p);
    add_spend(&b, 1, false);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-cb-missing");
    block_clear(&b);
    start_block(&b, p);
    add_coinbase(&b, 1, 1);
    add_coinbase(&b, 2, 1);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-cb-multiple");
    block_clear(&b);

    /* a transaction's own reject string: duplicate inputs, no outputs */
    make_valid(&b, p);
    struct txin dup = b.txs[2].vin[0];
    tx_add_input(&b.txs[2], &dup.prevout, NULL, 0, SEQUENCE_FINAL);
    tx_update_hashes(&b.txs[2]);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-txns-inputs-duplicate");
    ck_assert_int_eq(st.result, VAL_BLOCK_CONSENSUS);
    block_clear(&b);

    /* bad-blk-sigops: 20,001 OP_CHECKSIGs cost 80,004 */
    start_block(&b, p);
    add_coinbase(&b, 1, 1);
    static uint8_t checksigs[20001];
    memset(checksigs, OP_CHECKSIG, sizeof(checksigs));
    bytes_clear(&b.txs[0].vout[0].script_pubkey);
    bytes_set(&b.txs[0].vout[0].script_pubkey, checksigs, sizeof(checksigs));
    tx_update_hashes(&b.txs[0]);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-blk-sigops");
    /* 20,000 are allowed */
    b.txs[0].vout[0].script_pubkey.len = 20000;
    tx_update_hashes(&b.txs[0]);
    finish_block(&b, p, false);
    val_state_init(&st);
    ck_assert_msg(block_check(&st, &b, p, true, true), "%s", st.reject);
    block_clear(&b);
}
END_TEST

/* BIP 54: exactly 64 bytes without witness is invalid on hashmint only. */
START_TEST(rejects_64_byte_tx)
{
    const struct chain_params *p = regtest();
    struct val_state st;
    struct block b;
    start_block(&b, p);
    add_coinbase(&b, 1, 1);
    struct tx *t = add_spend(&b, 5, false);
    /* 4 + 1 + 41 + 1 + (8 + 1 + 4) + 4 = 64 */
    static const uint8_t spk4[] = { OP_TRUE, OP_TRUE, OP_TRUE, OP_TRUE };
    bytes_clear(&t->vout[0].script_pubkey);
    bytes_set(&t->vout[0].script_pubkey, spk4, sizeof(spk4));
    tx_update_hashes(t);
    ck_assert_uint_eq(tx_size(t, false), 64);
    finish_block(&b, p, false);
    val_state_init(&st);
    ck_assert(!block_check(&st, &b, p, true, true));
    ck_assert_str_eq(st.reject, "bad-txns-64byte");
    ck_assert_str_eq(st.reject, BLOCK_REJECT_64BYTE_TX);
    ck_assert_int_eq(st.result, VAL_BLOCK_MUTATED);
    /* the same block minus PoW is fine under Bitcoin's rules */
    val_state_init(&st);
    ck_assert_msg(block_check(&st, &b, chain_params_get("bitcoin"), false, true), "%s", st.reject);
    /* 63 and 65 bytes are fine on hashmint */
    t->vout[0].script_pubkey.len = 3;
    tx_update_hashes(t);
    finish_block(&b, p, false);
    val_state_init(&st);
    ck_assert_msg(block_check(&st, &b, p, true, true), "%s", st.reject);
    block_clear(&b);
}
END_TEST

START_TEST(rejects_contextual_header)
{
    const struct chain_params *p = regtest();
    struct block_prev_context prev = genesis_context(p);
    struct val_state st;
    struct block b;
    make_valid(&b, p);

    /* bad-diffbits */
    struct block_header h = b.header;
    h.bits = 0x207ffffe;
    val_state_init(&st);
    ck_assert(!block_check_header_contextual(&st, &h, &prev, p, NOW));
    ck_assert_str_eq(st.reject, "bad-diffbits");
    ck_assert_int_eq(st.result, VAL_BLOCK_INVALID_HEADER);

    /* time-too-old: not above the previous median time past */
    h = b.header;
    h.time = (uint32_t)prev.median_time_past;
    val_state_init(&st);
    ck_assert(!block_check_header_contextual(&st, &h, &prev, p, NOW));
    ck_assert_str_eq(st.reject, "time-too-old");
    h.time++;
    val_state_init(&st);
    ck_assert(block_check_header_contextual(&st, &h, &prev, p, NOW));

    /* time-too-new: more than two hours ahead of adjusted time */
    h = b.header;
    val_state_init(&st);
    ck_assert(block_check_header_contextual(&st, &h, &prev, p, (int64_t)h.time - 7200));
    ck_assert(!block_check_header_contextual(&st, &h, &prev, p, (int64_t)h.time - 7201));
    ck_assert_str_eq(st.reject, "time-too-new");
    ck_assert_int_eq(st.result, VAL_BLOCK_TIME_FUTURE);

    /* bad-version: BIP 34/66/65 are enforced from height 1 */
    for (int32_t v = 0; v < 4; v++) {
        h = b.header;
        h.version = v;
        val_state_init(&st);
        ck_assert(!block_check_header_contextual(&st, &h, &prev, p, NOW));
        char want[32];
        snprintf(want, sizeof(want), "bad-version(0x%08x)", (unsigned)v);
        ck_assert_str_eq(st.reject, want);
    }
    h.version = 0x20000000; /* BIP 9 style versions are fine */
    val_state_init(&st);
    ck_assert(block_check_header_contextual(&st, &h, &prev, p, NOW));
    block_clear(&b);

    /* Bitcoin: version 1 is fine until BIP 34's height */
    const struct chain_params *btc = chain_params_get("bitcoin");
    struct block_prev_context bp = { .height = 227929, .bits = 0x1a05db8b, .time = 1363000000,
                                      .median_time_past = 1362990000 };
    memset(&h, 0, sizeof(h));
    h.version = 1;
    h.bits = 0x1a05db8b;
    h.time = 1363000100;
    val_state_init(&st);
    ck_assert_msg(block_check_header_contextual(&st, &h, &bp, btc, 1363000000), "%s", st.reject);
    bp.height = 227930;
    val_state_init(&st);
    ck_assert(!block_check_header_contextual(&st, &h, &bp, btc, 1363000000));
    ck_assert_str_eq(st.reject, "bad-version(0x00000001)");
}
END_TEST

START_TEST(rejects_time_warp)
{
    /* main at height 720: the first block of the second period */
    const struct chain_params *p = chain_params_get("main");
    int64_t t0 = 1800000000;
    struct block_prev_context prev = {
        .height = 719,
        .bits = 0x1e0fffff,
        .time = t0 + 4 * 86400,
        .median_time_past = t0, /* far back, so time-too-old does not fire first */
        .period_first_time = t0,
    };
    struct block_header h;
    memset(&h, 0, sizeof(h));
    h.version = 0x20000000;
    h.bits = pow_next_work_required(p, prev.height, prev.bits, prev.time, prev.period_first_time);
    ck_assert_uint_eq(h.bits, 0x1e0fffff); /* capped at the limit */
    h.time = (uint32_t)(prev.time - 600);
    struct val_state st;
    val_state_init(&st);
    ck_assert_msg(block_check_header_contextual(&st, &h, &prev, p, prev.time), "%s", st.reject);
    h.time--;
    val_state_init(&st);
    ck_assert(!block_check_header_contextual(&st, &h, &prev, p, prev.time));
    ck_assert_str_eq(st.reject, "time-timewarp-attack");
    ck_assert_int_eq(st.result, VAL_BLOCK_INVALID_HEADER);
    /* one block later the rule does not apply */
    prev.height = 720;
    val_state_init(&st);
    ck_assert_msg(block_check_header_contextual(&st, &h, &prev, p, prev.time), "%s", st.reject);
    /* nor on Bitcoin */
    const struct chain_params *btc = chain_params_get("bitcoin");
    struct block_prev_context bp = { .height = 2015, .bits = 0x1d00ffff, .time = 1233061996,
                                     .median_time_past = 1233000000, .period_first_time = 1231006505 };
    h.bits = 0x1d00ffff;
    h.version = 1;
    h.time = 1233061996 - 7000;
    val_state_init(&st);
    ck_assert_msg(block_check_header_contextual(&st, &h, &bp, btc, 1233061996), "%s", st.reject);
}
END_TEST

START_TEST(rejects_contextual_block)
{
    const struct chain_params *p = regtest();
    struct block_prev_context prev = genesis_context(p);
    struct val_state st;
    struct block b;

    /* bad-txns-nonfinal: BIP 113 compares time locks with the previous MTP */
    make_valid(&b, p);
    b.txs[2].locktime = (uint32_t)prev.median_time_past; /* not below the cutoff */
    b.txs[2].vin[0].sequence = 0;
    tx_update_hashes(&b.txs[2]);
    finish_block(&b, p, false);
    ck_assert((int64_t)b.header.time > prev.median_time_past); /* the block's own time would allow it */
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-txns-nonfinal");
    b.txs[2].locktime--;
    tx_update_hashes(&b.txs[2]);
    b.txs[0].vout_count--; /* drop the old commitment and make a new one */
    txout_clear(&b.txs[0].vout[b.txs[0].vout_count]);
    finish_block(&b, p, true);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "");
    /* a height lock: locktime 1 is not final at height 1 */
    b.txs[2].locktime = 1;
    tx_update_hashes(&b.txs[2]);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-txns-nonfinal");
    block_clear(&b);

    /* bad-cb-height */
    start_block(&b, p);
    add_coinbase(&b, 2, 1);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-cb-height");
    block_clear(&b);

    /* bad-witness-nonce-size */
    make_valid(&b, p);
    struct witness *w = &b.txs[0].vin[0].witness;
    w->items[0].len = 31;
    tx_update_hashes(&b.txs[0]);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-witness-nonce-size");
    ck_assert_int_eq(st.result, VAL_BLOCK_MUTATED);
    block_clear(&b);

    /* bad-witness-merkle-match: a witness changed after the commitment */
    make_valid(&b, p);
    b.txs[1].vin[0].witness.items[0].data[0] ^= 1;
    tx_update_hashes(&b.txs[1]);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-witness-merkle-match");
    ck_assert_int_eq(st.result, VAL_BLOCK_MUTATED);
    block_clear(&b);

    /* unexpected-witness: witness data without a commitment */
    start_block(&b, p);
    add_coinbase(&b, 1, 1);
    add_spend(&b, 1, true);
    finish_block(&b, p, false);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "unexpected-witness");
    ck_assert_int_eq(st.result, VAL_BLOCK_MUTATED);
    block_clear(&b);
    /* ...and before segwit a commitment does not license witnesses */
    const struct chain_params *btc = chain_params_get("bitcoin");
    struct block_prev_context bp = { .height = 300000, .bits = 0x1d00ffff, .time = 1500000000,
                                     .median_time_past = 1499990000 };
    start_block(&b, btc);
    add_coinbase(&b, 300001, 1);
    add_spend(&b, 1, true);
    merkle_witness_commitment_add(&b);
    merkle_block_root(&b.header.merkle_root, NULL, &b);
    val_state_init(&st);
    ck_assert(!block_check_contextual(&st, &b, &bp, btc));
    ck_assert_str_eq(st.reject, "unexpected-witness");
    bp.height = 481823; /* segwit active at 481824 */
    block_clear(&b);
    start_block(&b, btc);
    add_coinbase(&b, 481824, 1);
    add_spend(&b, 1, true);
    merkle_witness_commitment_add(&b);
    merkle_block_root(&b.header.merkle_root, NULL, &b);
    val_state_init(&st);
    ck_assert_msg(block_check_contextual(&st, &b, &bp, btc), "%s", st.reject);
    block_clear(&b);

    /* bad-blk-weight: a witness too heavy for the block */
    start_block(&b, p);
    add_coinbase(&b, 1, 1);
    struct tx *t = add_spend(&b, 1, true);
    static uint8_t heavy[4000000];
    txin_witness_push(&t->vin[0], heavy, sizeof(heavy));
    tx_update_hashes(t);
    finish_block(&b, p, true);
    ck_assert_str_eq(check_all(&st, &b, p, &prev, NOW), "bad-blk-weight");
    block_clear(&b);
}
END_TEST

static Suite *block_check_suite(void)
{
    Suite *s = suite_create("block_check");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, valid_block_passes);
    tcase_add_test(tc, rejects_context_free);
    tcase_add_test(tc, rejects_64_byte_tx);
    tcase_add_test(tc, rejects_contextual_header);
    tcase_add_test(tc, rejects_time_warp);
    tcase_add_test(tc, rejects_contextual_block);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(block_check_suite)
