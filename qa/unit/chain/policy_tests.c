#include "src/chain/policy.h"

#include <stdio.h>
#include <string.h>

#include "consensus/params.h"
#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static const char *P2PKH = "76a91489abcdefabbaabbaabbaabbaabbaabbaabbaabba88ac";
static const char *P2SH = "a91489abcdefabbaabbaabbaabbaabbaabbaabbaabba87";
static const char *P2WPKH = "001489abcdefabbaabbaabbaabbaabbaabbaabbaabba";
static const char *P2WSH = "0020" "89abcdefabbaabbaabbaabbaabbaabbaabbaabbaabbaabbaabbaabbaabbaabba";
static const char *P2TR = "5120" "89abcdefabbaabbaabbaabbaabbaabbaabbaabbaabbaabbaabbaabbaabbaabba";
static const char *PUBKEY =
    "21" "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" "ac";
static const char *KEY1 = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

static struct bytes hexb(const char *s)
{
    struct bytes b = { NULL, 0 };
    size_t len;
    uint8_t *p = hex_decode_alloc(s, &len);
    ck_assert_ptr_nonnull(p);
    bytes_set(&b, p, len);
    mem_free(p);
    return b;
}

static enum policy_txout_type solve_hex(const char *s, int *m, int *n)
{
    struct bytes b = hexb(s);
    enum policy_txout_type t = policy_solve(b.data, b.len, m, n);
    bytes_clear(&b);
    return t;
}

/* "OP_m <KEY1 x n> OP_n OP_CHECKMULTISIG" as hex. */
static char *multisig_hex(int m, int n)
{
    size_t cap = 8 + (size_t)n * 70;
    char *s = mem_alloc(cap);
    size_t off = (size_t)snprintf(s, cap, "%02x", 0x50 + m);
    for (int i = 0; i < n; i++)
        off += (size_t)snprintf(s + off, cap - off, "21%s", KEY1);
    snprintf(s + off, cap - off, "%02xae", 0x50 + n);
    return s;
}

START_TEST(solver_templates)
{
    int m, n;
    ck_assert_int_eq(solve_hex(P2PKH, NULL, NULL), POLICY_TXOUT_PUBKEYHASH);
    ck_assert_int_eq(solve_hex(P2SH, NULL, NULL), POLICY_TXOUT_SCRIPTHASH);
    ck_assert_int_eq(solve_hex(P2WPKH, NULL, NULL), POLICY_TXOUT_WITNESS_V0_KEYHASH);
    ck_assert_int_eq(solve_hex(P2WSH, NULL, NULL), POLICY_TXOUT_WITNESS_V0_SCRIPTHASH);
    ck_assert_int_eq(solve_hex(P2TR, NULL, NULL), POLICY_TXOUT_WITNESS_V1_TAPROOT);
    ck_assert_int_eq(solve_hex(PUBKEY, NULL, NULL), POLICY_TXOUT_PUBKEY);
    ck_assert_int_eq(solve_hex("51024e73", NULL, NULL), POLICY_TXOUT_ANCHOR);
    ck_assert_int_eq(solve_hex("5202abcd", NULL, NULL), POLICY_TXOUT_WITNESS_UNKNOWN);
    /* v0 with a 21-byte program is not a template. */
    ck_assert_int_eq(solve_hex("0015" "89abcdefabbaabbaabbaabbaabbaabbaabbaabbaab", NULL, NULL),
                     POLICY_TXOUT_NONSTANDARD);
    ck_assert_int_eq(solve_hex("6a", NULL, NULL), POLICY_TXOUT_NULL_DATA);
    ck_assert_int_eq(solve_hex("6a0401020304", NULL, NULL), POLICY_TXOUT_NULL_DATA);
    ck_assert_int_eq(solve_hex("6a61", NULL, NULL), POLICY_TXOUT_NONSTANDARD); /* OP_RETURN OP_NOP */
    ck_assert_int_eq(solve_hex("", NULL, NULL), POLICY_TXOUT_NONSTANDARD);
    ck_assert_int_eq(solve_hex("51", NULL, NULL), POLICY_TXOUT_NONSTANDARD);
    char *ms = multisig_hex(1, 2);
    ck_assert_int_eq(solve_hex(ms, &m, &n), POLICY_TXOUT_MULTISIG);
    ck_assert_int_eq(m, 1);
    ck_assert_int_eq(n, 2);
    mem_free(ms);
    /* m > n and a count that does not match the keys. */
    ms = multisig_hex(3, 2);
    ck_assert_int_eq(solve_hex(ms, NULL, NULL), POLICY_TXOUT_NONSTANDARD);
    mem_free(ms);
    ck_assert_int_eq(solve_hex("5121" "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" "53ae", NULL,
                               NULL),
                     POLICY_TXOUT_NONSTANDARD);
    /* A key with an invalid header byte. */
    ck_assert_int_eq(solve_hex("5121" "0579be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" "51ae", NULL,
                               NULL),
                     POLICY_TXOUT_NONSTANDARD);
    ck_assert_str_eq(policy_txout_type_name(POLICY_TXOUT_WITNESS_V0_KEYHASH), "witness_v0_keyhash");
    ck_assert_str_eq(policy_txout_type_name(POLICY_TXOUT_NULL_DATA), "nulldata");
}
END_TEST

START_TEST(standard_scripts)
{
    struct policy_options o;
    policy_options_init(&o, NULL);
    char *ms3 = multisig_hex(2, 3), *ms4 = multisig_hex(1, 4);
    struct bytes a = hexb(ms3), b = hexb(ms4);
    enum policy_txout_type t;
    ck_assert(policy_script_is_standard(a.data, a.len, &o, &t));
    ck_assert_int_eq(t, POLICY_TXOUT_MULTISIG);
    ck_assert(!policy_script_is_standard(b.data, b.len, &o, &t));
    bytes_clear(&a);
    bytes_clear(&b);
    mem_free(ms3);
    mem_free(ms4);
    /* OP_RETURN with 80 bytes of data is 83 bytes: the limit. */
    uint8_t data[84];
    data[0] = OP_RETURN;
    data[1] = OP_PUSHDATA1;
    data[2] = 80;
    memset(data + 3, 0xab, 81);
    ck_assert(policy_script_is_standard(data, 83, &o, &t));
    data[2] = 81;
    ck_assert(!policy_script_is_standard(data, 84, &o, &t));
    o.datacarrier = false;
    ck_assert(!policy_script_is_standard(data, 83, &o, &t));
    struct bytes u = hexb("5202abcd");
    o.datacarrier = true;
    ck_assert(policy_script_is_standard(u.data, u.len, &o, &t)); /* unknown witness versions are standard outputs */
    bytes_clear(&u);
}
END_TEST

static int64_t dust_of(const char *spk_hex, const struct policy_options *o)
{
    struct txout out = { 0, hexb(spk_hex) };
    int64_t d = policy_dust_threshold(&out, o);
    txout_clear(&out);
    return d;
}

START_TEST(dust_thresholds)
{
    struct policy_options o;
    policy_options_init(&o, NULL);
    /* Core's well-known values at 3000 sat/kvB. */
    ck_assert_int_eq(dust_of(P2PKH, &o), 546);
    ck_assert_int_eq(dust_of(P2WPKH, &o), 294);
    ck_assert_int_eq(dust_of(P2WSH, &o), 330);
    ck_assert_int_eq(dust_of(P2TR, &o), 330);
    ck_assert_int_eq(dust_of(P2SH, &o), 540);
    ck_assert_int_eq(dust_of("6a0401020304", &o), 0);
    struct txout out = { 545, hexb(P2PKH) };
    ck_assert(policy_is_dust(&out, &o));
    out.value = 546;
    ck_assert(!policy_is_dust(&out, &o));
    txout_clear(&out);
    o.dust_relay_feerate = 0;
    ck_assert_int_eq(dust_of(P2PKH, &o), 0);
}
END_TEST

START_TEST(fee_arithmetic)
{
    ck_assert_int_eq(policy_fee_for_size(1000, 250), 250);
    ck_assert_int_eq(policy_fee_for_size(1000, 0), 0);
    ck_assert_int_eq(policy_fee_for_size(1, 10), 1); /* rounds up to at least 1 */
    ck_assert_int_eq(policy_fee_for_size(3000, 182), 546);
    ck_assert_int_eq(policy_fee_for_size(1500, 101), 152); /* 151.5 rounds up */
    ck_assert_int_eq(policy_virtual_size(401, 0, 20), 101);
    ck_assert_int_eq(policy_virtual_size(400, 100, 20), 500); /* sigops dominate: 2000 / 4 */
    const struct chain_params *rt = chain_params_get("regtest"), *btc = chain_params_get("bitcoin");
    ck_assert(policy_standard_script_flags(rt) & SCRIPT_VERIFY_TOKENS);
    ck_assert(!(policy_standard_script_flags(btc) & SCRIPT_VERIFY_TOKENS));
    ck_assert_uint_eq(policy_mandatory_script_flags(btc), POLICY_MANDATORY_SCRIPT_VERIFY_FLAGS);
    ck_assert(policy_standard_script_flags(btc) & SCRIPT_VERIFY_CLEANSTACK);
}
END_TEST

/* A one-input, one-output P2WPKH-paying transaction to edit. */
static void base_tx(struct tx *tx)
{
    tx_init(tx);
    struct outpoint op;
    memset(&op, 0x11, sizeof(op));
    op.n = 0;
    tx_add_input(tx, &op, NULL, 0, 0xfffffffd);
    struct bytes spk = hexb(P2WPKH);
    tx_add_output(tx, 10000, spk.data, spk.len);
    bytes_clear(&spk);
}

static const char *reject_of(struct tx *tx, const struct policy_options *o)
{
    static struct val_state st;
    val_state_init(&st);
    tx_update_hashes(tx);
    if (policy_check_standard_tx(&st, tx, o))
        return "ok";
    ck_assert_int_eq(st.result, VAL_TX_NOT_STANDARD);
    return st.reject;
}

static void add_output_hex(struct tx *tx, int64_t value, const char *hex)
{
    struct bytes b = hexb(hex);
    tx_add_output(tx, value, b.data, b.len);
    bytes_clear(&b);
}

START_TEST(standard_tx_reasons)
{
    struct policy_options o;
    policy_options_init(&o, NULL);
    struct tx tx;

    base_tx(&tx);
    ck_assert_str_eq(reject_of(&tx, &o), "ok");
    tx.version = 0;
    ck_assert_str_eq(reject_of(&tx, &o), "version");
    tx.version = 4;
    ck_assert_str_eq(reject_of(&tx, &o), "version");
    tx.version = -1;
    ck_assert_str_eq(reject_of(&tx, &o), "version");
    tx.version = 3;
    ck_assert_str_eq(reject_of(&tx, &o), "ok");
    tx_clear(&tx);

    base_tx(&tx);
    uint8_t *big = mem_calloc(100001, 1);
    bytes_set(&tx.vin[0].script_sig, big, 100001);
    ck_assert_str_eq(reject_of(&tx, &o), "tx-size");
    bytes_clear(&tx.vin[0].script_sig);
    /* 1651 bytes of push-only script: PUSHDATA2 of 1648 bytes. */
    big[0] = OP_PUSHDATA2;
    big[1] = 1648 & 0xff;
    big[2] = 1648 >> 8;
    bytes_set(&tx.vin[0].script_sig, big, 1651);
    ck_assert_str_eq(reject_of(&tx, &o), "scriptsig-size");
    bytes_clear(&tx.vin[0].script_sig);
    big[1] = 1647 & 0xff;
    big[2] = 1647 >> 8;
    bytes_set(&tx.vin[0].script_sig, big, 1650);
    ck_assert_str_eq(reject_of(&tx, &o), "ok");
    bytes_clear(&tx.vin[0].script_sig);
    mem_free(big);
    uint8_t nonpush[2] = { OP_1, OP_NOP };
    bytes_set(&tx.vin[0].script_sig, nonpush, 2);
    ck_assert_str_eq(reject_of(&tx, &o), "scriptsig-not-pushonly");
    tx_clear(&tx);

    base_tx(&tx);
    add_output_hex(&tx, 1000, "51");
    ck_assert_str_eq(reject_of(&tx, &o), "scriptpubkey");
    tx_clear(&tx);

    base_tx(&tx);
    char *ms = multisig_hex(1, 2);
    add_output_hex(&tx, 10000, ms);
    mem_free(ms);
    ck_assert_str_eq(reject_of(&tx, &o), "ok");
    o.permit_bare_multisig = false;
    ck_assert_str_eq(reject_of(&tx, &o), "bare-multisig");
    o.permit_bare_multisig = true;
    tx_clear(&tx);

    base_tx(&tx);
    tx.vout[0].value = 293;
    ck_assert_str_eq(reject_of(&tx, &o), "dust");
    tx.vout[0].value = 294;
    ck_assert_str_eq(reject_of(&tx, &o), "ok");
    add_output_hex(&tx, 0, "6a0100");
    ck_assert_str_eq(reject_of(&tx, &o), "ok");
    add_output_hex(&tx, 0, "6a0101");
    ck_assert_str_eq(reject_of(&tx, &o), "multi-op-return");
    tx_clear(&tx);
}
END_TEST

/* A TOKEN prefix (asset id 0x32.., amount 5) in front of a locking script. */
static char *token_spk(const char *locking_hex)
{
    size_t cap = 2 * TOKEN_PREFIX_MAX_LEN + strlen(locking_hex) + 1;
    char *s = mem_alloc(cap);
    snprintf(s, cap, "ef01%s05%s",
             "32f0f53641fc754c5eab7e11f1179d16be1b0b2db42f8469d26a94670538d325", locking_hex);
    return s;
}

START_TEST(token_outputs)
{
    struct policy_options o;
    policy_options_init(&o, chain_params_get("regtest"));
    ck_assert(o.tokens);
    struct tx tx;
    base_tx(&tx);
    char *t = token_spk(P2WPKH);
    add_output_hex(&tx, 0, t); /* zero HMC: token outputs are exempt from dust */
    ck_assert_str_eq(reject_of(&tx, &o), "ok");
    struct txout out = { 0, hexb(t) };
    ck_assert_int_eq(policy_dust_threshold(&out, &o), 0);
    size_t len;
    bool prefixed;
    const uint8_t *lock = policy_locking_script(out.script_pubkey.data, out.script_pubkey.len, &o, &len, &prefixed);
    ck_assert(prefixed);
    ck_assert_int_eq(policy_solve(lock, len, NULL, NULL), POLICY_TXOUT_WITNESS_V0_KEYHASH);
    txout_clear(&out);
    mem_free(t);
    tx_clear(&tx);

    /* A prefix in front of a non-standard locking script. */
    base_tx(&tx);
    t = token_spk("51");
    add_output_hex(&tx, 0, t);
    mem_free(t);
    ck_assert_str_eq(reject_of(&tx, &o), "scriptpubkey");
    tx_clear(&tx);

    /* A malformed prefix (unknown kind 0x09). */
    base_tx(&tx);
    add_output_hex(&tx, 1000, "ef09" "32f0f53641fc754c5eab7e11f1179d16be1b0b2db42f8469d26a94670538d325" "05" "0014"
                              "89abcdefabbaabbaabbaabbaabbaabbaabbaabba");
    ck_assert_str_eq(reject_of(&tx, &o), "scriptpubkey");
    tx_clear(&tx);

    /* Without TOKENS (the bitcoin profile) a prefixed script is just non-standard. */
    struct policy_options btc;
    policy_options_init(&btc, chain_params_get("bitcoin"));
    ck_assert(!btc.tokens);
    base_tx(&tx);
    t = token_spk(P2WPKH);
    add_output_hex(&tx, 100000, t);
    mem_free(t);
    ck_assert_str_eq(reject_of(&tx, &btc), "scriptpubkey");
    tx_clear(&tx);
}
END_TEST

START_TEST(inputs_and_witness_standard)
{
    struct policy_options o;
    policy_options_init(&o, NULL);
    struct tx tx;
    base_tx(&tx);
    struct txout prev = { 10000, hexb(P2PKH) };
    struct spent_coin coin = { &prev, 1, false };
    ck_assert(policy_inputs_are_standard(&tx, &coin, &o));
    ck_assert(policy_witness_is_standard(&tx, &coin, &o));
    /* A witness on a non-witness spend is witness stuffing. */
    uint8_t item[81];
    memset(item, 1, sizeof(item));
    txin_witness_push(&tx.vin[0], item, 10);
    ck_assert(!policy_witness_is_standard(&tx, &coin, &o));
    txout_clear(&prev);

    /* P2WSH: items of at most 80 bytes. */
    prev = (struct txout){ 10000, hexb(P2WSH) };
    ck_assert(policy_witness_is_standard(&tx, &coin, &o));
    tx_clear(&tx);
    base_tx(&tx);
    txin_witness_push(&tx.vin[0], item, 81);
    txin_witness_push(&tx.vin[0], item, 1);
    ck_assert(!policy_witness_is_standard(&tx, &coin, &o));
    txout_clear(&prev);

    /* Taproot: an annex is non-standard. */
    prev = (struct txout){ 10000, hexb(P2TR) };
    tx_clear(&tx);
    base_tx(&tx);
    txin_witness_push(&tx.vin[0], item, 64);
    ck_assert(policy_witness_is_standard(&tx, &coin, &o));
    uint8_t annex[2] = { 0x50, 0x00 };
    txin_witness_push(&tx.vin[0], annex, 2);
    ck_assert(!policy_witness_is_standard(&tx, &coin, &o));
    txout_clear(&prev);

    /* Unknown witness versions and non-standard scripts are non-standard inputs. */
    prev = (struct txout){ 10000, hexb("5202abcd") };
    ck_assert(!policy_inputs_are_standard(&tx, &coin, &o));
    txout_clear(&prev);
    prev = (struct txout){ 10000, hexb("51") };
    ck_assert(!policy_inputs_are_standard(&tx, &coin, &o));
    txout_clear(&prev);

    /* P2SH: a redeem script with 16 sigops is too many, 15 is fine. */
    prev = (struct txout){ 10000, hexb(P2SH) };
    uint8_t redeem[17];
    memset(redeem, OP_CHECKSIG, 16);
    uint8_t ss[18];
    ss[0] = 16;
    memcpy(ss + 1, redeem, 16);
    bytes_set(&tx.vin[0].script_sig, ss, 17);
    ck_assert(!policy_inputs_are_standard(&tx, &coin, &o));
    bytes_clear(&tx.vin[0].script_sig);
    ss[0] = 15;
    bytes_set(&tx.vin[0].script_sig, ss, 16);
    ck_assert(policy_inputs_are_standard(&tx, &coin, &o));
    txout_clear(&prev);
    tx_clear(&tx);
    ck_assert(policy_signals_rbf(&(struct tx){ .vin = &(struct txin){ .sequence = 0xfffffffd }, .vin_count = 1 }));
    ck_assert(!policy_signals_rbf(&(struct tx){ .vin = &(struct txin){ .sequence = 0xfffffffe }, .vin_count = 1 }));
}
END_TEST

/* A liquidation input (doc/issuance.md): a vault spent with an empty
 * scriptSig and witness is standard whatever the owner's script; the same
 * empty spend of a TOKEN output, or without TOKENS, is not. */
START_TEST(liquidation_inputs)
{
    struct policy_options o;
    policy_options_init(&o, chain_params_get("regtest"));
    struct tx tx;
    base_tx(&tx);
    /* A vault (kind 0x02, debt 5) locked to a P2SH script: an empty scriptSig would be non-standard. */
    char vault[256];
    snprintf(vault, sizeof(vault), "ef02%s05%s", "32f0f53641fc754c5eab7e11f1179d16be1b0b2db42f8469d26a94670538d325",
             P2SH);
    struct txout prev = { 10000, hexb(vault) };
    struct spent_coin coin = { &prev, 1, false };
    ck_assert(policy_inputs_are_standard(&tx, &coin, &o));
    ck_assert(policy_witness_is_standard(&tx, &coin, &o));
    struct policy_options btc;
    policy_options_init(&btc, chain_params_get("bitcoin"));
    ck_assert(!policy_inputs_are_standard(&tx, &coin, &btc));
    txout_clear(&prev);
    char *t = token_spk(P2SH);
    prev = (struct txout){ 10000, hexb(t) };
    mem_free(t);
    ck_assert(!policy_inputs_are_standard(&tx, &coin, &o));
    txout_clear(&prev);
    tx_clear(&tx);
}
END_TEST

static Suite *policy_suite(void)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, solver_templates);
    tcase_add_test(tc, liquidation_inputs);
    tcase_add_test(tc, standard_scripts);
    tcase_add_test(tc, dust_thresholds);
    tcase_add_test(tc, fee_arithmetic);
    tcase_add_test(tc, standard_tx_reasons);
    tcase_add_test(tc, token_outputs);
    tcase_add_test(tc, inputs_and_witness_standard);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(policy_suite)
