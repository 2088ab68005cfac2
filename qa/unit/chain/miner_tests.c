#include "src/chain/miner.h"

#include <string.h>

#include "consensus/merkle.h"
#include "consensus/params.h"
#include "consensus/pow.h"
#include "consensus/token_prefix.h"
#include "qa/unit/chain/fake_chain.h"
#include "qa/unit/unit.h"
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
    fake_chain_clear(&fc);
}

static void add(struct tx *tx)
{
    struct val_state st;
    ck_assert_msg(mempool_accept(mp, &st, NULL, tx, NULL), "rejected: %s %s", st.reject, st.debug);
}

START_TEST(orders_by_ancestor_feerate)
{
    struct outpoint c1 = fake_chain_add_coin(&fc, 1, 0, 100000, 10, false);
    struct outpoint c2 = fake_chain_add_coin(&fc, 2, 0, 100000, 10, false);
    struct outpoint c3 = fake_chain_add_coin(&fc, 3, 0, 100000, 10, false);
    struct tx a, b, c, d;
    fake_tx1(&a, &c1, 100000 - 200); /* ~2 sat/vB parent */
    fake_tx1(&b, &c2, 100000 - 500); /* ~5 sat/vB alone */
    struct outpoint a0 = { a.txid, 0 };
    fake_tx1(&c, &a0, 100000 - 200 - 2000); /* child: the package pays ~11 sat/vB */
    fake_tx1(&d, &c3, 100000 - 300);
    add(&a);
    add(&b);
    add(&c);
    add(&d);

    struct block_template t;
    struct val_state st;
    ck_assert(miner_create_block(mp, &st, &t, FAKE_SPK, sizeof(FAKE_SPK), NULL));
    ck_assert_uint_eq(t.block.tx_count, 5);
    ck_assert(tx_is_coinbase(&t.block.txs[0]));
    ck_assert(hash256_eq(&t.block.txs[1].txid, &a.txid));
    ck_assert(hash256_eq(&t.block.txs[2].txid, &c.txid));
    ck_assert(hash256_eq(&t.block.txs[3].txid, &b.txid));
    ck_assert(hash256_eq(&t.block.txs[4].txid, &d.txid));
    ck_assert_int_eq(t.height, 201);
    ck_assert_int_eq(t.total_fees, 3000);
    ck_assert_int_eq(t.fees[0], -3000);
    ck_assert_int_eq(t.fees[2], 2000);
    ck_assert_int_eq(t.coinbase_value, chain_params_block_subsidy(fc.params, 201) + 3000);
    ck_assert_int_eq(t.block.txs[0].vout[0].value, t.coinbase_value);
    /* BIP 34: push of 201 (0xc9 0x00), then the extra nonce OP_0. */
    const struct bytes *ss = &t.block.txs[0].vin[0].script_sig;
    ck_assert_uint_eq(ss->len, 4);
    ck_assert(memcmp(ss->data, "\x02\xc9\x00\x00", 4) == 0);
    ck_assert_int_ge(merkle_witness_commitment_find(&t.block), 0);
    struct hash256 root;
    merkle_block_root(&root, NULL, &t.block);
    ck_assert(hash256_eq(&root, &t.block.header.merkle_root));
    ck_assert_int_eq(t.block.header.bits, fc.params->pow_limit_bits);
    ck_assert(t.block.header.time > (uint64_t)fc.mtp);
    ck_assert_int_eq(t.block.header.version, MINER_BLOCK_VERSION);
    ck_assert_uint_eq(t.weight, block_weight(&t.block));

    /* Grinding solves the header on regtest in a handful of tries. */
    uint64_t extra = 0, tries = 1000;
    ck_assert(miner_grind(&t.block, &extra, t.height, fc.params, &tries));
    ck_assert(tries < 1000);
    struct hash256 h;
    block_hash(&h, &t.block);
    ck_assert(pow_check(&h, t.block.header.bits, fc.params));
    tries = 0;
    ck_assert(!miner_grind(&t.block, &extra, t.height, fc.params, &tries));

    /* The extra nonce rewrites the coinbase and the Merkle root. */
    struct hash256 before = t.block.header.merkle_root;
    miner_set_extra_nonce(&t.block, t.height, 1);
    ck_assert(memcmp(t.block.txs[0].vin[0].script_sig.data, "\x02\xc9\x00\x01\x01", 5) == 0);
    ck_assert(!hash256_eq(&before, &t.block.header.merkle_root));
    merkle_block_root(&root, NULL, &t.block);
    ck_assert(hash256_eq(&root, &t.block.header.merkle_root));
    block_template_clear(&t);
    tx_clear(&a);
    tx_clear(&b);
    tx_clear(&c);
    tx_clear(&d);
}
END_TEST

START_TEST(respects_weight_limit)
{
    struct tx txs[4];
    for (int i = 0; i < 4; i++) {
        struct outpoint c = fake_chain_add_coin(&fc, (uint8_t)(1 + i), 0, 100000, 10, false);
        fake_tx1(&txs[i], &c, 100000 - 1000 * (i + 1));
        add(&txs[i]);
    }
    struct miner_options o;
    miner_options_init(&o);
    /* Room for two 96-vbyte transactions after the coinbase reserve. */
    o.max_block_weight = MINER_COINBASE_RESERVED_WEIGHT + 2 * 4 * 96 + 1;
    struct block_template t;
    struct val_state st;
    ck_assert(miner_create_block(mp, &st, &t, FAKE_SPK, sizeof(FAKE_SPK), &o));
    ck_assert_uint_eq(t.block.tx_count, 3);
    ck_assert(hash256_eq(&t.block.txs[1].txid, &txs[3].txid));
    ck_assert(hash256_eq(&t.block.txs[2].txid, &txs[2].txid));
    ck_assert_int_eq(t.total_fees, 7000);
    block_template_clear(&t);

    /* Without the mempool: a coinbase-only block. */
    o.use_mempool = false;
    ck_assert(miner_create_block(mp, &st, &t, FAKE_SPK, sizeof(FAKE_SPK), &o));
    ck_assert_uint_eq(t.block.tx_count, 1);
    ck_assert_int_eq(t.coinbase_value, chain_params_block_subsidy(fc.params, 201));
    block_template_clear(&t);

    /* generateblock: exactly the given transactions; fees are not claimed. */
    ck_assert(miner_create_block_with_txs(mp, &st, &t, FAKE_SPK, sizeof(FAKE_SPK), txs, 2, NULL));
    ck_assert_uint_eq(t.block.tx_count, 3);
    ck_assert(hash256_eq(&t.block.txs[1].txid, &txs[0].txid));
    ck_assert(hash256_eq(&t.block.txs[2].txid, &txs[1].txid));
    ck_assert_int_eq(t.coinbase_value, chain_params_block_subsidy(fc.params, 201));
    block_template_clear(&t);
    for (int i = 0; i < 4; i++)
        tx_clear(&txs[i]);
}
END_TEST

static bool reject_all(void *ctx, struct val_state *st, const struct block *b)
{
    (void)ctx;
    (void)b;
    return val_invalid(st, VAL_BLOCK_CONSENSUS, "bad-test");
}

static void add_reserve(void *ctx, struct tx *cb, int32_t height, const struct tx *const *txs, size_t count)
{
    (void)txs;
    (void)count;
    (*(int *)ctx)++;
    uint8_t data[3] = { 0x6a, 0x01, (uint8_t)height };
    tx_add_output(cb, 0, data, sizeof(data));
}

START_TEST(hooks)
{
    struct miner_options o;
    miner_options_init(&o);
    int called = 0;
    o.reserve_commitment = add_reserve;
    o.reserve_ctx = &called;
    struct block_template t;
    struct val_state st;
    ck_assert(miner_create_block(mp, &st, &t, FAKE_SPK, sizeof(FAKE_SPK), &o));
    ck_assert_int_eq(called, 1);
    /* payout, reserve hook output, witness commitment last */
    ck_assert_uint_eq(t.block.txs[0].vout_count, 3);
    ck_assert_int_eq(merkle_witness_commitment_find(&t.block), 2);
    block_template_clear(&t);
    mempool_free(mp);
    opt.chain.test_block = reject_all;
    mp = mempool_new(&opt);
    ck_assert(!miner_create_block(mp, &st, &t, FAKE_SPK, sizeof(FAKE_SPK), NULL));
    ck_assert_str_eq(st.reject, "bad-test");
    ck_assert_uint_eq(t.block.tx_count, 0);
}
END_TEST

START_TEST(vault_split)
{
    int64_t payout, vault;
    miner_vault_split(&payout, &vault, 1000000000, 100);
    ck_assert_int_eq(vault, 1000000000);
    ck_assert_int_eq(payout, 0);
    miner_vault_split(&payout, &vault, 1000000001, 40);
    ck_assert_int_eq(vault, 400000000); /* rounded down */
    ck_assert_int_eq(payout, 600000001);
    miner_vault_split(&payout, &vault, 99, 1);
    ck_assert_int_eq(vault, 0);
    ck_assert_int_eq(payout, 99);
    miner_vault_split(&payout, &vault, 500, 250); /* capped at 100 */
    ck_assert_int_eq(vault, 500);
    ck_assert_int_eq(payout, 0);
    /* The largest coinbase value cannot overflow. */
    miner_vault_split(&payout, &vault, INT64_C(2100000000000000), 99);
    ck_assert_int_eq(vault + payout, INT64_C(2100000000000000));
}
END_TEST

START_TEST(vault_coinbase)
{
    uint8_t asset[32];
    memset(asset, 0xa5, sizeof(asset));
    struct wbuf vs;
    wbuf_init(&vs);
    miner_vault_script(&vs, asset, FAKE_SPK, sizeof(FAKE_SPK));
    struct token_prefix prefix;
    size_t plen;
    ck_assert_int_eq(token_prefix_parse(&prefix, &plen, vs.data, vs.len), TOKEN_PREFIX_OK);
    ck_assert_int_eq(prefix.kind, TOKEN_KIND_VAULT);
    ck_assert_uint_eq(prefix.amount, 0);
    ck_assert_mem_eq(prefix.asset_id, asset, 32);
    ck_assert_uint_eq(vs.len - plen, sizeof(FAKE_SPK));
    ck_assert_mem_eq(vs.data + plen, FAKE_SPK, sizeof(FAKE_SPK));

    struct miner_options o;
    miner_options_init(&o);
    o.vault_script = vs.data;
    o.vault_script_len = vs.len;
    o.vault_share_pct = 30;
    struct block_template t;
    struct val_state st;
    ck_assert(miner_create_block(mp, &st, &t, FAKE_SPK, sizeof(FAKE_SPK), &o));
    const struct tx *cb = &t.block.txs[0];
    /* payout, vault, witness commitment */
    ck_assert_uint_eq(cb->vout_count, 3);
    ck_assert_int_eq(cb->vout[0].value + cb->vout[1].value, t.coinbase_value);
    ck_assert_int_eq(cb->vout[1].value, t.coinbase_value * 30 / 100);
    ck_assert_mem_eq(cb->vout[1].script_pubkey.data, vs.data, vs.len);
    ck_assert_mem_eq(cb->vout[0].script_pubkey.data, FAKE_SPK, sizeof(FAKE_SPK));
    block_template_clear(&t);

    o.vault_share_pct = 100; /* no empty payout output */
    ck_assert(miner_create_block(mp, &st, &t, FAKE_SPK, sizeof(FAKE_SPK), &o));
    cb = &t.block.txs[0];
    ck_assert_uint_eq(cb->vout_count, 2);
    ck_assert_int_eq(cb->vout[0].value, t.coinbase_value);
    ck_assert_uint_eq(cb->vout[0].script_pubkey.len, vs.len);
    ck_assert_mem_eq(cb->vout[0].script_pubkey.data, vs.data, vs.len);
    block_template_clear(&t);
    wbuf_clear(&vs);
}
END_TEST

/* A pool's payouts: two outputs, 3:1, instead of spk. */
static void two_payees(void *ctx, struct tx *cb, int64_t value)
{
    (*(int *)ctx)++;
    static const uint8_t a[3] = { 0x51, 0x51, 0x87 }, b[3] = { 0x52, 0x52, 0x87 };
    tx_add_output(cb, value - value / 4, a, sizeof(a));
    tx_add_output(cb, value / 4, b, sizeof(b));
}

START_TEST(payouts_and_repay)
{
    struct miner_options o;
    miner_options_init(&o);
    int payouts = 0, reserve = 0;
    o.payouts = two_payees;
    o.payouts_ctx = &payouts;
    o.reserve_commitment = add_reserve;
    o.reserve_ctx = &reserve;
    struct block_template t;
    struct val_state st;
    ck_assert(miner_create_block(mp, &st, &t, FAKE_SPK, sizeof(FAKE_SPK), &o));
    ck_assert_int_eq(payouts, 1);
    const struct tx *cb = &t.block.txs[0];
    /* the two payouts, the reserve hook's output, the witness commitment */
    ck_assert_uint_eq(cb->vout_count, 4);
    ck_assert_int_eq(cb->vout[0].value + cb->vout[1].value, t.coinbase_value);
    ck_assert_uint_eq(cb->vout[0].script_pubkey.data[0], 0x51);
    ck_assert_int_eq(merkle_witness_commitment_find(&t.block), 3);

    /* Repaid to spk: same scriptSig, value and transactions, new commitments and root. */
    struct bytes sig = { bytes_empty, 0 };
    bytes_set(&sig, cb->vin[0].script_sig.data, cb->vin[0].script_sig.len);
    struct miner_options plain;
    miner_options_init(&plain);
    plain.reserve_commitment = add_reserve;
    plain.reserve_ctx = &reserve;
    miner_template_repay(&t, mp, FAKE_SPK, sizeof(FAKE_SPK), &plain);
    cb = &t.block.txs[0];
    ck_assert_int_eq(reserve, 2);
    ck_assert_uint_eq(cb->vout_count, 3);
    ck_assert_int_eq(cb->vout[0].value, t.coinbase_value);
    ck_assert_mem_eq(cb->vout[0].script_pubkey.data, FAKE_SPK, sizeof(FAKE_SPK));
    ck_assert_int_eq(merkle_witness_commitment_find(&t.block), 2);
    ck_assert_uint_eq(cb->vin[0].script_sig.len, sig.len);
    ck_assert_mem_eq(cb->vin[0].script_sig.data, sig.data, sig.len);
    struct hash256 root;
    merkle_block_root(&root, NULL, &t.block);
    ck_assert(hash256_eq(&root, &t.block.header.merkle_root));
    ck_assert_uint_eq(t.weight, block_weight(&t.block));
    bytes_clear(&sig);
    block_template_clear(&t);
}
END_TEST

static Suite *miner_suite(void)
{
    Suite *s = suite_create("miner");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, orders_by_ancestor_feerate);
    tcase_add_test(tc, respects_weight_limit);
    tcase_add_test(tc, hooks);
    tcase_add_test(tc, vault_split);
    tcase_add_test(tc, vault_coinbase);
    tcase_add_test(tc, payouts_and_repay);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(miner_suite)
