#ifndef HASHMINT_ISSUANCE_TX_TALLY_H
#define HASHMINT_ISSUANCE_TX_TALLY_H
/* Classifies a transaction's spent coins and outputs for the issuance rules:
 * per asset, the TOKEN amounts in and out and the ISSUER/ORACLE outputs
 * spent and created; the vaults spent and created. No rule is applied here
 * beyond "every prefix parses and names a known asset" (the rules are in
 * vault_rules.c, liquidation.c and oracle.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/params.h"
#include "consensus/tx.h"
#include "consensus/tx_verify.h"
#include "consensus/validation.h"
#include "issuance/issuance_state.h"

/** Reject reason: a spent coin's prefix is malformed or names an unknown asset. */
#define ISSUANCE_REJECT_SPENT_PREFIX "bad-issuance-spent-prefix"
/** Reject reason: a vault's collateral (nValue) is outside 0 .. MAX_MONEY. */
#define ISSUANCE_REJECT_VAULT_VALUE "bad-issuance-vault-value"

/** Reject reason: a prefixed scriptPubKey longer than MAX_SCRIPT_SIZE. Such an
 *  output never enters the UTXO set (Bitcoin's unspendable rule), so the tokens
 *  or debt it carries would count in the supply without existing anywhere. */
#define ISSUANCE_REJECT_SCRIPT_SIZE "bad-issuance-script-size"

/** Index value meaning "none". */
#define ISSUANCE_NONE UINT32_MAX

/**
 * A vault spent or created by a transaction. owner_script borrows the
 * locking script after the prefix from the transaction (outputs) or the
 * spent coin (inputs); it lives as long as they do.
 */
struct issuance_vault {
    struct outpoint outpoint; /* input: the spent outpoint; output: (txid, index) */
    uint32_t index;           /* input or output index in the transaction */
    uint32_t asset;           /* index into the chain's assets */
    int64_t collateral;       /* the output's nValue, 0 .. MAX_MONEY */
    uint64_t debt;            /* 0 .. 2^53 */
    const uint8_t *owner_script;
    size_t owner_script_len;
};

/** What a transaction does to one asset's outputs. */
struct issuance_asset_tally {
    unsigned __int128 tokens_in;  /* sum of TOKEN amounts spent */
    unsigned __int128 tokens_out; /* sum of TOKEN amounts created */
    uint32_t issuer_in, issuer_out;  /* ISSUER outputs spent / created */
    uint32_t oracle_in, oracle_out;  /* ORACLE outputs spent / created */
    uint8_t issuer_in_flags;         /* flags of the (first) ISSUER spent */
    uint32_t issuer_out_index;       /* first ISSUER created (ISSUANCE_NONE) */
    uint8_t issuer_out_flags;
    uint32_t oracle_out_index;       /* first ORACLE created (ISSUANCE_NONE) */
    uint64_t oracle_out_price;
};

/** A whole transaction, classified. */
struct issuance_tally {
    bool coinbase;
    uint32_t vault_in_count;
    uint32_t vault_out_count;
    struct issuance_vault vault_in;  /* the first vault spent (if vault_in_count) */
    struct issuance_vault vault_out; /* the first vault created (if vault_out_count) */
    uint32_t vault_out_debt_index;   /* first VAULT output with debt > 0 (ISSUANCE_NONE) */
    bool liquidation;                /* vault_in takes the liquidation path (issuance/liquidation.h) */
    bool any;                        /* the transaction spends or creates any prefixed output */
    uint32_t asset_count;
    struct issuance_asset_tally asset[ISSUANCE_MAX_ASSETS];
};

/**
 * Classifies tx. coins: tx->vin_count entries (ignored, may be NULL, for a
 * coinbase). assets: the chain's count assets (count <= ISSUANCE_MAX_ASSETS).
 * Out: *t. Returns false with st set (VAL_TX_CONSENSUS) when an output's
 * prefix is malformed (bad-txns-token-prefix) or names an unknown asset
 * (bad-txns-token-unknown-asset), the same reasons and order as
 * asset_tx_check_outputs; when a spent coin's prefix is malformed or names
 * an unknown asset (ISSUANCE_REJECT_SPENT_PREFIX; impossible on a valid
 * chain, checked so the rules are total); or when a vault's value is out of
 * money range (ISSUANCE_REJECT_VAULT_VALUE). Outputs are looked at before
 * inputs.
 */
__attribute__((warn_unused_result)) bool issuance_tally_build(struct val_state *st, struct issuance_tally *t,
                                                              const struct tx *tx, const struct spent_coin *coins,
                                                              const struct chain_asset *assets, size_t count);

#endif
