#include "consensus/params.h"

#include <string.h>

#include "consensus/amount.h"
#include "consensus/interpreter.h"
#include "consensus/merkle.h"
#include "consensus/params_keys.h"
#include "consensus/token_prefix.h"
#include "src/crypto/sha256.h"

/* Every value below is also in doc/chain-params.md; change both together. */

/* ---- proof-of-work limits (little-endian limbs) ----------------------------- */

/* 00000fffff...ff: compact 0x1e0fffff */
#define POW_LIMIT_HASHMINT { { 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x00000fffu } }
/* 7fffff...ff: compact 0x207fffff */
#define POW_LIMIT_REGTEST { { 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x7fffffffu } }
/* 00000000ffff...ff: compact 0x1d00ffff (Bitcoin's powLimit) */
#define POW_LIMIT_BITCOIN { { 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x00000000u } }

#define BIP32_XPUB 0x0488B21Eu
#define BIP32_XPRV 0x0488ADE4u
#define BIP32_TPUB 0x043587CFu
#define BIP32_TPRV 0x04358394u

/* ---- genesis coinbase scripts ------------------------------------------------ */

/* hashmint: OP_0 (height 0, as BIP 34 would write it), then one push of a message. */
#define HM_MSG(chain) "hashmint " chain " 2026-11-21: tokens minted only against mined collateral"
static const uint8_t MAIN_SCRIPT_SIG[] = "\x00\x45" HM_MSG("main");
static const uint8_t TEST_SCRIPT_SIG[] = "\x00\x45" HM_MSG("test");
static const uint8_t REGTEST_SCRIPT_SIG[] = "\x00\x48" HM_MSG("regtest");
_Static_assert(sizeof(MAIN_SCRIPT_SIG) - 1 == 2 + 0x45, "main genesis message length");
_Static_assert(sizeof(TEST_SCRIPT_SIG) - 1 == 2 + 0x45, "test genesis message length");
_Static_assert(sizeof(REGTEST_SCRIPT_SIG) - 1 == 2 + 0x48, "regtest genesis message length");

/* Bitcoin: CScript() << 486604799 << CScriptNum(4) << "The Times 03/Jan/2009 ..." */
static const uint8_t BITCOIN_SCRIPT_SIG[] =
    "\x04\xff\xff\x00\x1d\x01\x04\x45"
    "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks";
_Static_assert(sizeof(BITCOIN_SCRIPT_SIG) - 1 == 77, "bitcoin genesis script length");
/* Satoshi's pay-to-pubkey output: <65-byte key> OP_CHECKSIG */
static const uint8_t BITCOIN_GENESIS_SCRIPT[67] = {
    0x41, 0x04, 0x67, 0x8a, 0xfd, 0xb0, 0xfe, 0x55, 0x48, 0x27, 0x19, 0x67, 0xf1, 0xa6, 0x71, 0x30, 0xb7,
    0x10, 0x5c, 0xd6, 0xa8, 0x28, 0xe0, 0x39, 0x09, 0xa6, 0x79, 0x62, 0xe0, 0xea, 0x1f, 0x61, 0xde, 0xb6,
    0x49, 0xf6, 0xbc, 0x3f, 0x4c, 0xef, 0x38, 0xc4, 0xf3, 0x55, 0x04, 0xe5, 0x1e, 0xc1, 0x12, 0xde, 0x5c,
    0x38, 0x4d, 0xf7, 0xba, 0x0b, 0x8d, 0x57, 0x8a, 0x4c, 0x70, 0x2b, 0x6b, 0xf1, 0x1d, 0x5f, 0xac,
};

/* ---- assets ------------------------------------------------------------------ */

/* HUSD, one US dollar, 8 decimals. The ceiling (50,000,000 HUSD) keeps the
 * total debt below 2^53 base units, the largest amount one TOKEN output
 * may carry, so supply sums never need more than 53 bits. */
#define HUSD_FIELDS                                                                                           \
    .ticker = "HUSD", .decimals = 8, .min_collateral_ratio_pct = 150, .liquidation_ratio_pct = 120,             \
    .liquidation_bonus_pct = 10, .max_price_age = 30, .breaker_drop_pct = 20, .breaker_window = 30,            \
    .breaker_pause = 60, .debt_ceiling = UINT64_C(50000000) * UINT64_C(100000000),                             \
    .min_vault_debt = UINT64_C(10) * UINT64_C(100000000),                                                     \
    .initial_price = UINT64_C(100) * UINT64_C(100000000) /* 100 HUSD per HMC */

#define ASSET_SCRIPTS(PFX)                                                                                    \
    .issuer_script = PFX##_ISSUER_SCRIPT, .issuer_script_len = sizeof(PFX##_ISSUER_SCRIPT),                    \
    .issuer_witness_script = PFX##_ISSUER_WITNESS_SCRIPT,                                                     \
    .issuer_witness_script_len = sizeof(PFX##_ISSUER_WITNESS_SCRIPT), .oracle_script = PFX##_ORACLE_SCRIPT,    \
    .oracle_script_len = sizeof(PFX##_ORACLE_SCRIPT), .oracle_witness_script = PFX##_ORACLE_WITNESS_SCRIPT,    \
    .oracle_witness_script_len = sizeof(PFX##_ORACLE_WITNESS_SCRIPT)

static const struct chain_asset MAIN_ASSETS[] = { {
    HUSD_FIELDS,
    ASSET_SCRIPTS(MAIN),
    .asset_id = { 0xd9, 0x30, 0xdc, 0xe5, 0x36, 0xf0, 0x49, 0x37, 0x9a, 0xad, 0x57, 0xa6, 0x9b, 0x7a, 0x3f, 0xcb,
                  0x90, 0xf0, 0x5c, 0x5d, 0x9f, 0x11, 0x00, 0x28, 0x82, 0x7b, 0x2a, 0x1c, 0xf0, 0xc7, 0x4e, 0xd4 },
} };
static const struct chain_asset TEST_ASSETS[] = { {
    HUSD_FIELDS,
    ASSET_SCRIPTS(TEST),
    .asset_id = { 0xfc, 0x23, 0xf4, 0xaa, 0x23, 0x61, 0x52, 0x41, 0xb8, 0xa0, 0xdb, 0xfa, 0x63, 0x57, 0x61, 0x02,
                  0x53, 0x02, 0xc5, 0xa8, 0x3e, 0x92, 0x83, 0xc0, 0xf3, 0x97, 0x4c, 0xbe, 0xa2, 0xf7, 0x00, 0x93 },
} };
static const struct chain_asset REGTEST_ASSETS[] = { {
    HUSD_FIELDS,
    ASSET_SCRIPTS(REGTEST),
    .asset_id = { 0x32, 0xf0, 0xf5, 0x36, 0x41, 0xfc, 0x75, 0x4c, 0x5e, 0xab, 0x7e, 0x11, 0xf1, 0x17, 0x9d, 0x16,
                  0xbe, 0x1b, 0x0b, 0x2d, 0xb4, 0x2f, 0x84, 0x69, 0xd2, 0x6a, 0x94, 0x67, 0x05, 0x38, 0xd3, 0x25 },
} };

/* ---- Bitcoin's script flag exceptions (Core's script_flag_exceptions) -------- */

static const struct chain_script_exception BITCOIN_EXCEPTIONS[] = {
    /* the one block violating BIP 16 after its activation */
    { "00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22", SCRIPT_VERIFY_NONE },
    /* a block with a spend that violates taproot rules before its activation */
    { "0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad", SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS },
};

/* ---- the profiles ------------------------------------------------------------- */

#define HASHMINT_COMMON                                                                                       \
    .is_hashmint = true, .target_spacing = 120, .retarget_interval = 720, .enforce_timewarp = true,            \
    .initial_subsidy = 10 * COIN, .subsidy_halving_interval = 1050000, .coinbase_maturity = 100,                \
    .max_block_weight = 4000000, .max_block_sigops_cost = 80000, .reject_64byte_tx = true,                    \
    .genesis_outputs_spendable = true, .genesis_outputs_mature = true,                                        \
    .tokens_enabled = true,                                                                                   \
    .deployments = { .bip34 = 1, .bip66 = 1, .bip65 = 1, .csv = 1, .segwit = 1, .taproot = 1 },               \
    .script_exceptions = NULL, .script_exception_count = 0

static const struct chain_params PROFILES[] = {
    {
        .name = "main",
        HASHMINT_COMMON,
        .magic = { 0xe8, 0xf3, 0xe1, 0xe3 },
        .default_port = 8733,
        .rpc_port = 8732,
        .address = { .p2pkh = 40, .p2sh = 63, .hrp = "hm" },
        .wif_prefix = 168,
        .bip32_pubkey_version = BIP32_XPUB,
        .bip32_privkey_version = BIP32_XPRV,
        .pow_limit_bits = 0x1e0fffff,
        .pow_limit = POW_LIMIT_HASHMINT,
        .pow_no_retarget = false,
        .assets = MAIN_ASSETS,
        .asset_count = 1,
        .genesis = {
            .version = 1, .time = 1795219200, .bits = 0x1e0fffff, .nonce = 578084,
            .script_sig = MAIN_SCRIPT_SIG, .script_sig_len = sizeof(MAIN_SCRIPT_SIG) - 1,
            .reward_script = MAIN_GENESIS_SCRIPT, .reward_script_len = sizeof(MAIN_GENESIS_SCRIPT),
            .hash_hex = "00000ef0db2a5fdf8f2dd429c495a2734020b7cea9317ad30f6347cfd02133ba",
            .merkle_root_hex = "b4feb50ac78e07d1eaace00d6d0803a92a9fc8e88f8544bf857fb33089175a28",
        },
    },
    {
        .name = "test",
        HASHMINT_COMMON,
        .magic = { 0x0b, 0x11, 0x09, 0x1c },
        .default_port = 18733,
        .rpc_port = 18732,
        .address = { .p2pkh = 111, .p2sh = 196, .hrp = "thm" },
        .wif_prefix = 239,
        .bip32_pubkey_version = BIP32_TPUB,
        .bip32_privkey_version = BIP32_TPRV,
        .pow_limit_bits = 0x1e0fffff,
        .pow_limit = POW_LIMIT_HASHMINT,
        .pow_no_retarget = false,
        .assets = TEST_ASSETS,
        .asset_count = 1,
        .genesis = {
            .version = 1, .time = 1795219200, .bits = 0x1e0fffff, .nonce = 3632001,
            .script_sig = TEST_SCRIPT_SIG, .script_sig_len = sizeof(TEST_SCRIPT_SIG) - 1,
            .reward_script = TEST_GENESIS_SCRIPT, .reward_script_len = sizeof(TEST_GENESIS_SCRIPT),
            .hash_hex = "000002c4d1456fdcad7477f97166478c4dfd3934a1d8d9d8474ebfe0a95b5b14",
            .merkle_root_hex = "73bf8d00a39b868260445469c385fee5bb89135a40db7a698b8ebf57aa140508",
        },
    },
    {
        .name = "regtest",
        HASHMINT_COMMON,
        .magic = { 0xfa, 0xb5, 0xbf, 0xda },
        .default_port = 18744,
        .rpc_port = 18743,
        .address = { .p2pkh = 111, .p2sh = 196, .hrp = "hmrt" },
        .wif_prefix = 239,
        .bip32_pubkey_version = BIP32_TPUB,
        .bip32_privkey_version = BIP32_TPRV,
        .pow_limit_bits = 0x207fffff,
        .pow_limit = POW_LIMIT_REGTEST,
        .pow_no_retarget = true,
        .assets = REGTEST_ASSETS,
        .asset_count = 1,
        .genesis = {
            .version = 1, .time = 1795219200, .bits = 0x207fffff, .nonce = 0,
            .script_sig = REGTEST_SCRIPT_SIG, .script_sig_len = sizeof(REGTEST_SCRIPT_SIG) - 1,
            .reward_script = REGTEST_GENESIS_SCRIPT,
            .reward_script_len = sizeof(REGTEST_GENESIS_SCRIPT),
            .hash_hex = "07d465f1d98737ccdb7d712a208fd856f043c2e3a13463ccd67d6b40bc99eb3e",
            .merkle_root_hex = "0fc7d726b7da8c5e1984c93a787749c9643f6235599857528214ce3f0e634a3d",
        },
    },
    {
        .name = "bitcoin",
        .is_hashmint = false,
        .magic = { 0xf9, 0xbe, 0xb4, 0xd9 },
        .default_port = 8333,
        .rpc_port = 8332,
        .address = { .p2pkh = 0, .p2sh = 5, .hrp = "bc" },
        .wif_prefix = 128,
        .bip32_pubkey_version = BIP32_XPUB,
        .bip32_privkey_version = BIP32_XPRV,
        .pow_limit_bits = 0x1d00ffff,
        .pow_limit = POW_LIMIT_BITCOIN,
        .target_spacing = 600,
        .retarget_interval = 2016,
        .pow_no_retarget = false,
        .enforce_timewarp = false,
        .initial_subsidy = 50 * COIN,
        .subsidy_halving_interval = 210000,
        .coinbase_maturity = 100,
        .max_block_weight = 4000000,
        .max_block_sigops_cost = 80000,
        .reject_64byte_tx = false,
        .genesis_outputs_spendable = false,
        .genesis_outputs_mature = false,
        .tokens_enabled = false,
        .deployments = { .bip34 = 227931, .bip66 = 363725, .bip65 = 388381, .csv = 419328, .segwit = 481824,
                         .taproot = 709632 },
        .script_exceptions = BITCOIN_EXCEPTIONS,
        .script_exception_count = sizeof(BITCOIN_EXCEPTIONS) / sizeof(BITCOIN_EXCEPTIONS[0]),
        .assets = NULL,
        .asset_count = 0,
        .genesis = {
            .version = 1, .time = 1231006505, .bits = 0x1d00ffff, .nonce = 2083236893,
            .script_sig = BITCOIN_SCRIPT_SIG, .script_sig_len = sizeof(BITCOIN_SCRIPT_SIG) - 1,
            .reward_script = BITCOIN_GENESIS_SCRIPT,
            .reward_script_len = sizeof(BITCOIN_GENESIS_SCRIPT),
            .hash_hex = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
            .merkle_root_hex = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
        },
    },
};

const struct chain_params *chain_params_get(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof(PROFILES) / sizeof(PROFILES[0]); i++)
        if (strcmp(PROFILES[i].name, name) == 0)
            return &PROFILES[i];
    return NULL;
}

int64_t chain_params_target_timespan(const struct chain_params *p)
{
    return p->target_spacing * p->retarget_interval;
}

int64_t chain_params_block_subsidy(const struct chain_params *p, int32_t height)
{
    if (height < 0)
        return 0;
    int32_t halvings = height / p->subsidy_halving_interval;
    if (halvings >= 64) /* a shift of 64 or more is undefined in C */
        return 0;
    return p->initial_subsidy >> halvings;
}

bool chain_params_coin_mature(const struct chain_params *p, bool is_coinbase, int32_t coin_height,
                              int32_t spend_height)
{
    if (!is_coinbase)
        return true;
    /* Only the genesis coinbase has height 0; its outputs are protocol objects (ISSUER, ORACLE). */
    if (coin_height == 0 && p->genesis_outputs_mature)
        return spend_height >= 1;
    return (int64_t)spend_height - coin_height >= p->coinbase_maturity;
}

uint32_t chain_params_script_flags(const struct chain_params *p, int32_t height, const struct hash256 *block_hash)
{
    uint32_t flags = SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT;
    if (block_hash && p->script_exception_count) {
        char hex[65];
        hash256_to_hex(hex, block_hash);
        for (size_t i = 0; i < p->script_exception_count; i++)
            if (strcmp(hex, p->script_exceptions[i].block_hash_hex) == 0)
                flags = p->script_exceptions[i].flags;
    }
    if (height >= p->deployments.bip66)
        flags |= SCRIPT_VERIFY_DERSIG;
    if (height >= p->deployments.bip65)
        flags |= SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY;
    if (height >= p->deployments.csv)
        flags |= SCRIPT_VERIFY_CHECKSEQUENCEVERIFY;
    if (height >= p->deployments.segwit)
        flags |= SCRIPT_VERIFY_NULLDUMMY;
    if (p->tokens_enabled)
        flags |= SCRIPT_VERIFY_TOKENS;
    return flags;
}

/* Appends an output whose script is an extension prefix followed by `script`. */
static void add_prefixed_output(struct tx *tx, const struct token_prefix *prefix, const uint8_t *script, size_t len)
{
    struct wbuf w;
    wbuf_init(&w);
    token_prefix_serialize(&w, prefix);
    wbuf_put(&w, script, len);
    tx_add_output(tx, 0, w.data, w.len);
    wbuf_clear(&w);
}

void chain_params_genesis_build(struct block *out, const struct chain_params *p)
{
    const struct chain_genesis *g = &p->genesis;
    struct tx cb;
    tx_init(&cb);
    cb.version = 1;
    struct outpoint null_prevout;
    memset(&null_prevout, 0, sizeof(null_prevout));
    null_prevout.n = 0xffffffffu;
    tx_add_input(&cb, &null_prevout, g->script_sig, g->script_sig_len, SEQUENCE_FINAL);
    tx_add_output(&cb, chain_params_block_subsidy(p, 0), g->reward_script, g->reward_script_len);
    /* issuance.md "Genesis": per asset one ISSUER (not paused) and one ORACLE output */
    for (size_t i = 0; i < p->asset_count; i++) {
        const struct chain_asset *a = &p->assets[i];
        struct token_prefix prefix;
        memset(&prefix, 0, sizeof(prefix));
        memcpy(prefix.asset_id, a->asset_id, 32);
        prefix.kind = TOKEN_KIND_ISSUER;
        prefix.flags = 0;
        add_prefixed_output(&cb, &prefix, a->issuer_script, a->issuer_script_len);
        prefix.kind = TOKEN_KIND_ORACLE;
        prefix.price = a->initial_price;
        add_prefixed_output(&cb, &prefix, a->oracle_script, a->oracle_script_len);
    }
    tx_update_hashes(&cb);

    block_init(out);
    out->header.version = g->version;
    out->header.time = g->time;
    out->header.bits = g->bits;
    out->header.nonce = g->nonce;
    block_add_tx(out, &cb);
    tx_clear(&cb);
    merkle_block_root(&out->header.merkle_root, NULL, out);
}

void chain_asset_serialize(struct wbuf *w, const struct chain_asset *a)
{
    wbuf_u8(w, CHAIN_ASSET_DEF_VERSION);
    wbuf_var_bytes(w, (const uint8_t *)a->ticker, strlen(a->ticker));
    wbuf_u8(w, a->decimals);
    wbuf_u32le(w, a->min_collateral_ratio_pct);
    wbuf_u32le(w, a->liquidation_ratio_pct);
    wbuf_u32le(w, a->liquidation_bonus_pct);
    wbuf_u32le(w, a->max_price_age);
    wbuf_u32le(w, a->breaker_drop_pct);
    wbuf_u32le(w, a->breaker_window);
    wbuf_u32le(w, a->breaker_pause);
    wbuf_u64le(w, a->debt_ceiling);
    wbuf_u64le(w, a->min_vault_debt);
    wbuf_u64le(w, a->initial_price);
    wbuf_var_bytes(w, a->issuer_script, a->issuer_script_len);
    wbuf_var_bytes(w, a->oracle_script, a->oracle_script_len);
}

void chain_asset_id_compute(uint8_t id[32], const struct chain_asset *a)
{
    struct wbuf w;
    wbuf_init(&w);
    chain_asset_serialize(&w, a);
    sha256d(id, w.data, w.len);
    wbuf_clear(&w);
}

const struct chain_asset *chain_params_asset_find(const struct chain_params *p, const uint8_t asset_id[32])
{
    for (size_t i = 0; i < p->asset_count; i++)
        if (memcmp(p->assets[i].asset_id, asset_id, 32) == 0)
            return &p->assets[i];
    return NULL;
}
