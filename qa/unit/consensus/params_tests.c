#include "consensus/params.h"

#include <secp256k1.h>
#include <stdio.h>
#include <string.h>

#include "consensus/amount.h"
#include "consensus/block_check.h"
#include "consensus/interpreter.h"
#include "consensus/pow.h"
#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "qa/unit/unit.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha256.h"

static const char *const NAMES[] = { "main", "test", "regtest", "bitcoin" };

static const struct chain_params *get(const char *name)
{
    const struct chain_params *p = chain_params_get(name);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->name, name);
    return p;
}

START_TEST(lookup)
{
    for (size_t i = 0; i < 4; i++)
        (void)get(NAMES[i]);
    ck_assert_ptr_null(chain_params_get("signet"));
    ck_assert_ptr_null(chain_params_get(""));
    ck_assert_ptr_null(chain_params_get(NULL));
}
END_TEST

/* Recorded genesis hashes (doc/chain-params.md). */
static const char *const GENESIS_HASH[] = {
    "00000ef0db2a5fdf8f2dd429c495a2734020b7cea9317ad30f6347cfd02133ba",
    "000002c4d1456fdcad7477f97166478c4dfd3934a1d8d9d8474ebfe0a95b5b14",
    "07d465f1d98737ccdb7d712a208fd856f043c2e3a13463ccd67d6b40bc99eb3e",
    "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
};
static const char *const GENESIS_MERKLE[] = {
    "b4feb50ac78e07d1eaace00d6d0803a92a9fc8e88f8544bf857fb33089175a28",
    "73bf8d00a39b868260445469c385fee5bb89135a40db7a698b8ebf57aa140508",
    "0fc7d726b7da8c5e1984c93a787749c9643f6235599857528214ce3f0e634a3d",
    "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
};

START_TEST(genesis_blocks)
{
    for (size_t i = 0; i < 4; i++) {
        const struct chain_params *p = get(NAMES[i]);
        struct block b;
        chain_params_genesis_build(&b, p);
        struct hash256 h;
        char hex[65];
        block_hash(&h, &b);
        hash256_to_hex(hex, &h);
        ck_assert_str_eq(hex, GENESIS_HASH[i]);
        ck_assert_str_eq(hex, p->genesis.hash_hex);
        hash256_to_hex(hex, &b.header.merkle_root);
        ck_assert_str_eq(hex, GENESIS_MERKLE[i]);
        ck_assert_str_eq(hex, p->genesis.merkle_root_hex);
        ck_assert(hash256_is_zero(&b.header.prev_hash));
        ck_assert_uint_eq(b.header.bits, p->pow_limit_bits);
        ck_assert(pow_check(&h, b.header.bits, p));
        struct val_state st;
        val_state_init(&st);
        ck_assert_msg(block_check(&st, &b, p, true, true), "%s: %s", p->name, st.reject);
        /* the genesis reward is exactly the height-0 subsidy */
        int64_t out;
        ck_assert(tx_value_out(&b.txs[0], &out));
        ck_assert_int_eq(out, chain_params_block_subsidy(p, 0));
        /* round trip through the wire format */
        struct wbuf w;
        wbuf_init(&w);
        block_serialize(&w, &b, true);
        struct block b2;
        ck_assert(block_decode(&b2, w.data, w.len, true));
        ck_assert(hash256_eq(&b2.txs[0].txid, &b.txs[0].txid));
        block_clear(&b2);
        wbuf_clear(&w);
        block_clear(&b);
    }
}
END_TEST

START_TEST(bitcoin_genesis_is_bitcoins)
{
    const struct chain_params *p = get("bitcoin");
    struct block b;
    chain_params_genesis_build(&b, p);
    ck_assert_uint_eq(b.header.time, 1231006505);
    ck_assert_uint_eq(b.header.nonce, 2083236893);
    ck_assert_uint_eq(b.tx_count, 1);
    ck_assert_uint_eq(b.txs[0].vout_count, 1);
    ck_assert_uint_eq(block_size(&b, true), 285);
    ck_assert(!p->genesis_outputs_spendable);
    block_clear(&b);
}
END_TEST

START_TEST(network_constants)
{
    static const struct {
        const char *name;
        uint8_t magic[4];
        uint16_t port, rpc;
        const char *hrp;
        uint8_t p2pkh, p2sh, wif;
        uint32_t xpub, xprv;
    } want[] = {
        { "main", { 0xe8, 0xf3, 0xe1, 0xe3 }, 8733, 8732, "hm", 40, 63, 168, 0x0488B21E, 0x0488ADE4 },
        { "test", { 0x0b, 0x11, 0x09, 0x1c }, 18733, 18732, "thm", 111, 196, 239, 0x043587CF, 0x04358394 },
        { "regtest", { 0xfa, 0xb5, 0xbf, 0xda }, 18744, 18743, "hmrt", 111, 196, 239, 0x043587CF, 0x04358394 },
        { "bitcoin", { 0xf9, 0xbe, 0xb4, 0xd9 }, 8333, 8332, "bc", 0, 5, 128, 0x0488B21E, 0x0488ADE4 },
    };
    for (size_t i = 0; i < 4; i++) {
        const struct chain_params *p = get(want[i].name);
        ck_assert(memcmp(p->magic, want[i].magic, 4) == 0);
        ck_assert_uint_eq(p->default_port, want[i].port);
        ck_assert_uint_eq(p->rpc_port, want[i].rpc);
        ck_assert_str_eq(p->address.hrp, want[i].hrp);
        ck_assert_uint_eq(p->address.p2pkh, want[i].p2pkh);
        ck_assert_uint_eq(p->address.p2sh, want[i].p2sh);
        ck_assert_uint_eq(p->wif_prefix, want[i].wif);
        ck_assert_uint_eq(p->bip32_pubkey_version, want[i].xpub);
        ck_assert_uint_eq(p->bip32_privkey_version, want[i].xprv);
    }
}
END_TEST

START_TEST(consensus_constants)
{
    for (size_t i = 0; i < 4; i++) {
        const struct chain_params *p = get(NAMES[i]);
        bool hm = i < 3;
        ck_assert(p->is_hashmint == hm);
        /* the expanded limit encodes to the compact one */
        ck_assert_uint_eq(arith256_get_compact(&p->pow_limit, false), p->pow_limit_bits);
        ck_assert_int_eq(p->target_spacing, hm ? 120 : 600);
        ck_assert_int_eq(p->retarget_interval, hm ? 720 : 2016);
        ck_assert_int_eq(chain_params_target_timespan(p), hm ? 86400 : 1209600);
        ck_assert_int_eq(p->subsidy_halving_interval, hm ? 1050000 : 210000);
        ck_assert_int_eq(p->coinbase_maturity, 100);
        ck_assert_uint_eq(p->max_block_weight, 4000000);
        ck_assert_uint_eq(p->max_block_sigops_cost, 80000);
        ck_assert(p->enforce_timewarp == hm);
        ck_assert(p->reject_64byte_tx == hm);
        ck_assert(p->genesis_outputs_spendable == hm);
        ck_assert(p->genesis_outputs_mature == hm);
        ck_assert(p->tokens_enabled == hm);
        ck_assert_uint_eq(p->asset_count, hm ? 1 : 0);
        if (hm) {
            const struct chain_deployments *d = &p->deployments;
            ck_assert(d->bip34 == 1 && d->bip66 == 1 && d->bip65 == 1 && d->csv == 1 && d->segwit == 1 &&
                      d->taproot == 1);
        }
    }
    ck_assert_uint_eq(get("main")->pow_limit_bits, 0x1e0fffff);
    ck_assert_uint_eq(get("test")->pow_limit_bits, 0x1e0fffff);
    ck_assert_uint_eq(get("regtest")->pow_limit_bits, 0x207fffff);
    ck_assert_uint_eq(get("bitcoin")->pow_limit_bits, 0x1d00ffff);
    ck_assert(get("regtest")->pow_no_retarget);
    ck_assert(!get("main")->pow_no_retarget && !get("test")->pow_no_retarget && !get("bitcoin")->pow_no_retarget);
    const struct chain_deployments *d = &get("bitcoin")->deployments;
    ck_assert_int_eq(d->bip34, 227931);
    ck_assert_int_eq(d->bip66, 363725);
    ck_assert_int_eq(d->bip65, 388381);
    ck_assert_int_eq(d->csv, 419328);
    ck_assert_int_eq(d->segwit, 481824);
    ck_assert_int_eq(d->taproot, 709632);
}
END_TEST

START_TEST(block_subsidy)
{
    /* hashmint (chain.md): 10 HMC, halving every 1,050,000 blocks, on all three chains */
    for (size_t i = 0; i < 3; i++) {
        const struct chain_params *hm = get(NAMES[i]);
        ck_assert_int_eq(hm->initial_subsidy, 10 * COIN);
        ck_assert_int_eq(hm->subsidy_halving_interval, 1050000);
        ck_assert_int_eq(chain_params_block_subsidy(hm, 0), 10 * COIN);
        ck_assert_int_eq(chain_params_block_subsidy(hm, 1), 10 * COIN);
        ck_assert_int_eq(chain_params_block_subsidy(hm, 1049999), 10 * COIN);
        ck_assert_int_eq(chain_params_block_subsidy(hm, 1050000), 5 * COIN);
        ck_assert_int_eq(chain_params_block_subsidy(hm, 2099999), 5 * COIN);
        ck_assert_int_eq(chain_params_block_subsidy(hm, 2100000), 250000000);
        ck_assert_int_eq(chain_params_block_subsidy(hm, 3150000), 125000000);
        /* 10^9 >> 29 = 1 base unit in the 30th era, nothing from the 31st on */
        ck_assert_int_eq(chain_params_block_subsidy(hm, 29 * 1050000), 1);
        ck_assert_int_eq(chain_params_block_subsidy(hm, 30 * 1050000 - 1), 1);
        ck_assert_int_eq(chain_params_block_subsidy(hm, 30 * 1050000), 0);
        ck_assert_int_eq(chain_params_block_subsidy(hm, 63 * 1050000), 0);
        ck_assert_int_eq(chain_params_block_subsidy(hm, INT32_MAX), 0);
        ck_assert_int_eq(chain_params_block_subsidy(hm, -1), 0);
    }
    /* bitcoin keeps 50 BTC / 210,000 */
    const struct chain_params *hm = get("main"), *btc = get("bitcoin");
    ck_assert_int_eq(chain_params_block_subsidy(btc, 0), 50 * COIN);
    ck_assert_int_eq(chain_params_block_subsidy(btc, 209999), 50 * COIN);
    ck_assert_int_eq(chain_params_block_subsidy(btc, 210000), 25 * COIN);
    ck_assert_int_eq(chain_params_block_subsidy(btc, 210000 * 33), 0);
    ck_assert_int_eq(chain_params_block_subsidy(btc, 210000 * 64), 0);

    /* Total emission, genesis included (hashmint's genesis output is
     * spendable), summed block by block until the subsidy reaches 0.
     * Bitcoin's is 20,999,999.9769 coins; hashmint's, with the same kind of
     * rounding (a right shift of 10^9 base units per era), is
     * 20,999,999.8635 HMC: 21,000,000 HMC less 0.1365 HMC. */
    int64_t hm_total = 0, btc_total = 0;
    int32_t h = 0;
    for (int64_t v; (v = chain_params_block_subsidy(hm, h)) > 0; h++)
        hm_total += v;
    ck_assert_int_eq(h, 30 * 1050000);
    for (h = 0; h < 33 * 210000; h++)
        btc_total += chain_params_block_subsidy(btc, h);
    ck_assert_int_eq(btc_total, INT64_C(2099999997690000));
    ck_assert_int_eq(hm_total, INT64_C(2099999986350000));
    ck_assert_int_eq(MAX_MONEY - hm_total, INT64_C(13650000));
    ck_assert(hm_total <= MAX_MONEY);
}
END_TEST

START_TEST(coinbase_maturity)
{
    for (size_t i = 0; i < 4; i++) {
        const struct chain_params *p = get(NAMES[i]);
        bool hm = i < 3;
        ck_assert(p->genesis_outputs_mature == hm);
        /* ordinary outputs: no maturity */
        ck_assert(chain_params_coin_mature(p, false, 5, 5));
        ck_assert(chain_params_coin_mature(p, false, 0, 1));
        /* a coinbase output needs 100 confirmations: created at 1, spendable at 101 */
        ck_assert(!chain_params_coin_mature(p, true, 1, 2));
        ck_assert(!chain_params_coin_mature(p, true, 1, 100));
        ck_assert(chain_params_coin_mature(p, true, 1, 101));
        ck_assert(!chain_params_coin_mature(p, true, 500, 599));
        ck_assert(chain_params_coin_mature(p, true, 500, 600));
        /* the genesis outputs: from height 1 on hashmint chains, from 100 under the bitcoin rules */
        ck_assert(!chain_params_coin_mature(p, true, 0, 0));
        ck_assert(chain_params_coin_mature(p, true, 0, 1) == hm);
        ck_assert(chain_params_coin_mature(p, true, 0, 99) == hm);
        ck_assert(chain_params_coin_mature(p, true, 0, 100));
    }
}
END_TEST

START_TEST(script_flags)
{
    const uint32_t base = SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT;
    const uint32_t all = base | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY |
                         SCRIPT_VERIFY_CHECKSEQUENCEVERIFY | SCRIPT_VERIFY_NULLDUMMY;
    const struct chain_params *btc = get("bitcoin");
    ck_assert_uint_eq(chain_params_script_flags(btc, 0, NULL), base);
    ck_assert_uint_eq(chain_params_script_flags(btc, 170, NULL), base);
    ck_assert_uint_eq(chain_params_script_flags(btc, 363724, NULL), base);
    ck_assert_uint_eq(chain_params_script_flags(btc, 363725, NULL), base | SCRIPT_VERIFY_DERSIG);
    ck_assert_uint_eq(chain_params_script_flags(btc, 388381, NULL),
                      base | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY);
    ck_assert_uint_eq(chain_params_script_flags(btc, 419328, NULL),
                      base | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY | SCRIPT_VERIFY_CHECKSEQUENCEVERIFY);
    ck_assert_uint_eq(chain_params_script_flags(btc, 481824, NULL), all);
    /* Core's exception blocks */
    struct hash256 h;
    ck_assert(hash256_from_hex(&h, "00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22"));
    ck_assert_uint_eq(chain_params_script_flags(btc, 170060, &h), SCRIPT_VERIFY_NONE);
    ck_assert(hash256_from_hex(&h, "0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad"));
    ck_assert_uint_eq(chain_params_script_flags(btc, 692261, &h), all & ~SCRIPT_VERIFY_TAPROOT);
    /* an ordinary hash changes nothing */
    ck_assert(hash256_from_hex(&h, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"));
    ck_assert_uint_eq(chain_params_script_flags(btc, 0, &h), base);
    /* hashmint: everything from height 1, plus TOKENS */
    for (size_t i = 0; i < 3; i++) {
        const struct chain_params *p = get(NAMES[i]);
        ck_assert_uint_eq(chain_params_script_flags(p, 1, NULL), all | SCRIPT_VERIFY_TOKENS);
        ck_assert_uint_eq(chain_params_script_flags(p, 1000000, &h), all | SCRIPT_VERIFY_TOKENS);
        ck_assert(chain_params_script_flags(p, 0, NULL) & SCRIPT_VERIFY_TOKENS);
    }
}
END_TEST

static void hash160(uint8_t out[20], const uint8_t *p, size_t n)
{
    ripemd160_hash160(out, p, n);
}

/* secret = SHA256(label); returns the compressed public key in out. */
static void derive_pubkey(secp256k1_context *ctx, uint8_t out[33], const char *label)
{
    uint8_t sk[32];
    sha256(sk, (const uint8_t *)label, strlen(label));
    secp256k1_pubkey pk;
    ck_assert(secp256k1_ec_pubkey_create(ctx, &pk, sk));
    size_t len = 33;
    ck_assert(secp256k1_ec_pubkey_serialize(ctx, out, &len, &pk, SECP256K1_EC_COMPRESSED));
    ck_assert_uint_eq(len, 33);
}

/* Checks an m-of-n CHECKMULTISIG witness script built from labelled keys and its P2WSH. */
static void check_multisig(secp256k1_context *ctx, const char *chain, const char *role, int m, int n,
                           const uint8_t *ws, size_t ws_len, const uint8_t *spk, size_t spk_len)
{
    ck_assert_uint_eq(ws_len, 3 + 34 * (size_t)n);
    ck_assert_uint_eq(ws[0], OP_1 + m - 1);
    ck_assert_uint_eq(ws[ws_len - 2], OP_1 + n - 1);
    ck_assert_uint_eq(ws[ws_len - 1], OP_CHECKMULTISIG);
    for (int i = 0; i < n; i++) {
        char label[64];
        snprintf(label, sizeof(label), "hashmint %s %s key %d", chain, role, i + 1);
        uint8_t pk[33];
        derive_pubkey(ctx, pk, label);
        ck_assert_uint_eq(ws[1 + 34 * i], 33);
        ck_assert_msg(memcmp(ws + 2 + 34 * i, pk, 33) == 0, "%s", label);
    }
    uint8_t want[34] = { 0x00, 0x20 };
    sha256(want + 2, ws, ws_len);
    ck_assert_uint_eq(spk_len, 34);
    ck_assert(memcmp(spk, want, 34) == 0);
}

START_TEST(assets_and_genesis_outputs)
{
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    for (size_t i = 0; i < 3; i++) {
        const struct chain_params *p = get(NAMES[i]);
        const struct chain_asset *a = &p->assets[0];
        ck_assert_str_eq(a->ticker, "HUSD");
        ck_assert_uint_eq(a->decimals, 8);
        ck_assert_uint_eq(a->min_collateral_ratio_pct, 150);
        ck_assert_uint_eq(a->liquidation_ratio_pct, 120);
        ck_assert_uint_eq(a->liquidation_bonus_pct, 10);
        ck_assert_uint_eq(a->max_price_age, 30);
        ck_assert_uint_eq(a->breaker_drop_pct, 20);
        ck_assert_uint_eq(a->breaker_window, 30);
        ck_assert_uint_eq(a->breaker_pause, 60);
        ck_assert_uint_eq(a->min_vault_debt, UINT64_C(1000000000));
        ck_assert(a->debt_ceiling <= TOKEN_AMOUNT_MAX);
        ck_assert(a->initial_price > 0);

        /* the recorded asset_id is the hash of the canonical definition */
        uint8_t id[32];
        chain_asset_id_compute(id, a);
        ck_assert(memcmp(id, a->asset_id, 32) == 0);
        ck_assert_ptr_eq(chain_params_asset_find(p, id), a);
        id[0] ^= 1;
        ck_assert_ptr_null(chain_params_asset_find(p, id));

        /* the keys are SHA256 of the documented labels */
        bool reg = strcmp(p->name, "regtest") == 0;
        check_multisig(ctx, p->name, "issuer", 3, reg ? 5 : 7, a->issuer_witness_script, a->issuer_witness_script_len,
                       a->issuer_script, a->issuer_script_len);
        check_multisig(ctx, p->name, "oracle", 2, 3, a->oracle_witness_script, a->oracle_witness_script_len,
                       a->oracle_script, a->oracle_script_len);

        struct block b;
        chain_params_genesis_build(&b, p);
        const struct tx *cb = &b.txs[0];
        ck_assert_uint_eq(cb->vout_count, 3);
        /* output 0: the initial subsidy, 10 HMC, to P2WPKH of the genesis key */
        char label[64];
        snprintf(label, sizeof(label), "hashmint %s genesis key", p->name);
        uint8_t pk[33], want[22] = { 0x00, 0x14 };
        derive_pubkey(ctx, pk, label);
        hash160(want + 2, pk, 33);
        ck_assert_int_eq(cb->vout[0].value, 10 * COIN);
        ck_assert_uint_eq(cb->vout[0].script_pubkey.len, 22);
        ck_assert(memcmp(cb->vout[0].script_pubkey.data, want, 22) == 0);
        /* output 1: ISSUER, not paused; output 2: ORACLE with the initial price */
        struct token_prefix tp;
        size_t plen;
        const struct bytes *s1 = &cb->vout[1].script_pubkey, *s2 = &cb->vout[2].script_pubkey;
        ck_assert_int_eq(token_prefix_parse(&tp, &plen, s1->data, s1->len), TOKEN_PREFIX_OK);
        ck_assert_int_eq(tp.kind, TOKEN_KIND_ISSUER);
        ck_assert_uint_eq(tp.flags, 0);
        ck_assert(memcmp(tp.asset_id, a->asset_id, 32) == 0);
        ck_assert_uint_eq(s1->len - plen, a->issuer_script_len);
        ck_assert(memcmp(s1->data + plen, a->issuer_script, a->issuer_script_len) == 0);
        ck_assert_int_eq(token_prefix_parse(&tp, &plen, s2->data, s2->len), TOKEN_PREFIX_OK);
        ck_assert_int_eq(tp.kind, TOKEN_KIND_ORACLE);
        ck_assert_uint_eq(tp.price, a->initial_price);
        ck_assert(memcmp(tp.asset_id, a->asset_id, 32) == 0);
        ck_assert_uint_eq(s2->len - plen, a->oracle_script_len);
        ck_assert(memcmp(s2->data + plen, a->oracle_script, a->oracle_script_len) == 0);
        block_clear(&b);
    }
    /* different chains, different keys, different asset ids */
    ck_assert(memcmp(get("main")->assets[0].asset_id, get("test")->assets[0].asset_id, 32) != 0);
    ck_assert(memcmp(get("main")->assets[0].asset_id, get("regtest")->assets[0].asset_id, 32) != 0);
    secp256k1_context_destroy(ctx);
}
END_TEST

START_TEST(asset_serialisation_layout)
{
    const struct chain_asset *a = &get("regtest")->assets[0];
    struct wbuf w;
    wbuf_init(&w);
    chain_asset_serialize(&w, a);
    /* version, ticker, decimals, 7 u32, 3 u64, two length-prefixed scripts */
    ck_assert_uint_eq(w.len, 1 + 5 + 1 + 7 * 4 + 3 * 8 + 1 + 34 + 1 + 34);
    ck_assert_uint_eq(w.data[0], CHAIN_ASSET_DEF_VERSION);
    ck_assert(memcmp(w.data + 1, "\x04HUSD\x08", 6) == 0);
    ck_assert(memcmp(w.data + 7, "\x96\x00\x00\x00", 4) == 0); /* 150 */
    uint8_t id[32];
    sha256d(id, w.data, w.len);
    ck_assert(memcmp(id, a->asset_id, 32) == 0);
    /* any field change moves the id */
    struct chain_asset copy = *a;
    copy.liquidation_bonus_pct = 11;
    chain_asset_id_compute(id, &copy);
    ck_assert(memcmp(id, a->asset_id, 32) != 0);
    wbuf_clear(&w);
}
END_TEST

static Suite *params_suite(void)
{
    Suite *s = suite_create("params");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, lookup);
    tcase_add_test(tc, genesis_blocks);
    tcase_add_test(tc, bitcoin_genesis_is_bitcoins);
    tcase_add_test(tc, network_constants);
    tcase_add_test(tc, consensus_constants);
    tcase_add_test(tc, block_subsidy);
    tcase_add_test(tc, coinbase_maturity);
    tcase_add_test(tc, script_flags);
    tcase_add_test(tc, assets_and_genesis_outputs);
    tcase_add_test(tc, asset_serialisation_layout);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(params_suite)
