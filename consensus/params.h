#ifndef HASHMINT_CONSENSUS_PARAMS_H
#define HASHMINT_CONSENSUS_PARAMS_H
/* Chain parameters: every constant the consensus engine, the network and the
 * wallet take from the chain in use. Four profiles (doc/chain-params.md):
 * "main", "test", "regtest" (hashmint) and "bitcoin" (Bitcoin mainnet's
 * rules and history, issuance off). The profiles are constant tables;
 * callers hold `const struct chain_params *` and never modify them. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/address.h"
#include "consensus/arith256.h"
#include "consensus/block.h"
#include "src/util/hash256.h"
#include "src/util/wbuf.h"

/** BIP 54 / BIP 94: the most a retarget period's first block may go back in time. */
#define CHAIN_MAX_TIMEWARP 600
/** Core's MAX_FUTURE_BLOCK_TIME: a header may run this far ahead of network-adjusted time. */
#define CHAIN_MAX_FUTURE_BLOCK_TIME (2 * 60 * 60)
/** Version of the canonical asset-definition serialisation (chain_asset_serialize). */
#define CHAIN_ASSET_DEF_VERSION 1

/**
 * An asset of the issuance layer (doc/issuance.md, "Assets"). Ratios and the
 * circuit breaker are whole percentages; amounts are in the token's base
 * units (10^-decimals of a token); prices are token base units per 1 HMC.
 */
struct chain_asset {
    const char *ticker;
    uint8_t decimals;
    uint32_t min_collateral_ratio_pct; /* mint/withdraw need ratio >= this */
    uint32_t liquidation_ratio_pct;    /* liquidation allowed below this */
    uint32_t liquidation_bonus_pct;    /* the liquidator's premium on the debt */
    uint32_t max_price_age;            /* blocks an oracle price stays fresh */
    uint32_t breaker_drop_pct;         /* a drop of this much against the window's high pauses minting */
    uint32_t breaker_window;           /* blocks the high is taken over */
    uint32_t breaker_pause;            /* blocks minting stays paused */
    uint64_t debt_ceiling;             /* total debt stays below this */
    uint64_t min_vault_debt;           /* a vault's debt is 0 or at least this */
    uint64_t initial_price;            /* the genesis ORACLE output's price */
    /* Initial locking scripts (P2WSH) and the m-of-n CHECKMULTISIG witness
     * scripts behind them. */
    const uint8_t *issuer_script;
    size_t issuer_script_len;
    const uint8_t *issuer_witness_script;
    size_t issuer_witness_script_len;
    const uint8_t *oracle_script;
    size_t oracle_script_len;
    const uint8_t *oracle_witness_script;
    size_t oracle_witness_script_len;
    /* Double SHA-256 of chain_asset_serialize's output, in prefix byte order
     * (recorded here; a unit test recomputes it). */
    uint8_t asset_id[32];
};

/** A block whose script flags differ from its height's (Core's script_flag_exceptions). */
struct chain_script_exception {
    const char *block_hash_hex; /* display form */
    uint32_t flags;
};

/** What the genesis block is made of; chain_params_genesis_build assembles it. */
struct chain_genesis {
    int32_t version;
    uint32_t time;
    uint32_t bits;
    uint32_t nonce;
    const uint8_t *script_sig; /* the coinbase input's script */
    size_t script_sig_len;
    /* output 0 pays chain_params_block_subsidy(p, 0), the initial subsidy */
    const uint8_t *reward_script;
    size_t reward_script_len;
    const char *hash_hex;        /* expected block hash, display form */
    const char *merkle_root_hex; /* expected Merkle root, display form */
};

/** Soft-fork activation heights: a rule applies to blocks at height >= its value. */
struct chain_deployments {
    int32_t bip34;  /* height in coinbase, version >= 2 */
    int32_t bip66;  /* strict DER, version >= 3 */
    int32_t bip65;  /* CHECKLOCKTIMEVERIFY, version >= 4 */
    int32_t csv;    /* BIP 68/112/113 */
    int32_t segwit; /* BIP 141/143/147 */
    int32_t taproot; /* BIP 340/341/342 (informational: TAPROOT is verified at every height, as Core does) */
};

struct chain_params {
    const char *name;
    bool is_hashmint; /* main, test, regtest */

    /* network */
    uint8_t magic[4];
    uint16_t default_port;
    uint16_t rpc_port;
    struct address_params address; /* Base58 P2PKH/P2SH version bytes, bech32 hrp */
    uint8_t wif_prefix;
    uint32_t bip32_pubkey_version; /* xpub / tpub */
    uint32_t bip32_privkey_version; /* xprv / tprv */

    /* proof of work */
    uint32_t pow_limit_bits;
    struct arith256 pow_limit;
    int64_t target_spacing;    /* seconds */
    int32_t retarget_interval; /* blocks */
    bool pow_no_retarget;      /* regtest: difficulty never changes */
    bool enforce_timewarp;     /* BIP 54: "time-timewarp-attack" */

    /* money and blocks */
    int64_t initial_subsidy; /* base units a block creates before the first halving */
    int32_t subsidy_halving_interval;
    int32_t coinbase_maturity;
    uint32_t max_block_weight;
    uint32_t max_block_sigops_cost;
    bool reject_64byte_tx;          /* BIP 54: no transaction of exactly 64 stripped bytes */
    bool genesis_outputs_spendable; /* Bitcoin's genesis coinbase never entered the UTXO set */
    bool genesis_outputs_mature;    /* genesis outputs skip coinbase maturity: spendable from height 1 */
    bool tokens_enabled;            /* SCRIPT_VERIFY_TOKENS and the issuance layer */

    struct chain_deployments deployments;
    const struct chain_script_exception *script_exceptions;
    size_t script_exception_count;

    const struct chain_asset *assets;
    size_t asset_count;

    struct chain_genesis genesis;
};

/** Returns the profile named "main", "test", "regtest" or "bitcoin", or NULL. */
const struct chain_params *chain_params_get(const char *name);

/** Returns the retarget timespan in seconds: spacing * interval. */
int64_t chain_params_target_timespan(const struct chain_params *p);

/** Returns the new coins a block at `height` may create: initial_subsidy halved every halving interval. */
int64_t chain_params_block_subsidy(const struct chain_params *p, int32_t height);

/**
 * Returns true if an output created at coin_height (by a coinbase if
 * is_coinbase) may be spent in a block at spend_height: a coinbase output
 * needs coinbase_maturity blocks, except a genesis output (coin_height 0) on
 * a profile with genesis_outputs_mature, which is spendable from height 1.
 */
bool chain_params_coin_mature(const struct chain_params *p, bool is_coinbase, int32_t coin_height,
                              int32_t spend_height);

/**
 * Returns the script verification flags for a block (Core's
 * GetBlockScriptFlags): P2SH, WITNESS and TAPROOT at every height except the
 * profile's exception blocks, plus DERSIG, CHECKLOCKTIMEVERIFY,
 * CHECKSEQUENCEVERIFY and NULLDUMMY from their soft-fork heights, plus
 * TOKENS on hashmint chains. block_hash may be NULL (no exception applies).
 */
uint32_t chain_params_script_flags(const struct chain_params *p, int32_t height, const struct hash256 *block_hash);

/**
 * Builds the profile's genesis block. Out: *out (initialised here; the caller
 * block_clear()s it). Its hash and Merkle root equal genesis.hash_hex and
 * genesis.merkle_root_hex.
 */
void chain_params_genesis_build(struct block *out, const struct chain_params *p);

/**
 * Appends the canonical serialisation of an asset definition, version
 * CHAIN_ASSET_DEF_VERSION (doc/chain-params.md, "Asset definitions"):
 *   u8 version | CompactSize-prefixed ticker | u8 decimals |
 *   u32le min_collateral_ratio_pct | u32le liquidation_ratio_pct |
 *   u32le liquidation_bonus_pct | u32le max_price_age |
 *   u32le breaker_drop_pct | u32le breaker_window | u32le breaker_pause |
 *   u64le debt_ceiling | u64le min_vault_debt | u64le initial_price |
 *   CompactSize-prefixed issuer_script | CompactSize-prefixed oracle_script
 */
void chain_asset_serialize(struct wbuf *w, const struct chain_asset *a);
/** Out: id = double SHA-256 of chain_asset_serialize's output (the asset_id). */
void chain_asset_id_compute(uint8_t id[32], const struct chain_asset *a);
/** Returns the profile's asset with that asset_id, or NULL. */
const struct chain_asset *chain_params_asset_find(const struct chain_params *p, const uint8_t asset_id[32]);

#endif
