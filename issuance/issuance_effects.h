#ifndef HASHMINT_ISSUANCE_ISSUANCE_EFFECTS_H
#define HASHMINT_ISSUANCE_ISSUANCE_EFFECTS_H
/* What an accepted transaction does to the issuance state: the output of
 * issuance_tx_check (issuance/issuance_check.h), the input of
 * issuance_state_apply_tx (issuance/state_apply.h), and what the reserve
 * tree, the ZMQ "issuance" topic and the RPCs need to know about it.
 * Pointers inside (vault owner scripts) borrow from the transaction and its
 * spent coins. */
#include <stdbool.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "issuance/issuance_state.h"
#include "issuance/tx_tally.h"

/** What a transaction did; several bits may be set (issuance_effects.actions). */
enum issuance_action {
    ISSUANCE_ACT_VAULT_OPEN = 1u << 0,    /* coinbase: created vaults_opened VAULT outputs (debt 0) */
    ISSUANCE_ACT_DEPOSIT = 1u << 1,       /* vault continued with more collateral */
    ISSUANCE_ACT_WITHDRAW = 1u << 2,      /* vault continued with less collateral */
    ISSUANCE_ACT_MINT = 1u << 3,          /* debt rose: minted > 0 */
    ISSUANCE_ACT_REPAY = 1u << 4,         /* debt fell (also a close or liquidation with debt): repaid > 0 */
    ISSUANCE_ACT_CLOSE = 1u << 5,         /* vault spent by its owner, no vault created */
    ISSUANCE_ACT_LIQUIDATE = 1u << 6,     /* vault spent through the liquidation path */
    ISSUANCE_ACT_ORACLE_UPDATE = 1u << 7, /* an ORACLE output spent and recreated */
    ISSUANCE_ACT_ISSUER_UPDATE = 1u << 8, /* an ISSUER output spent and recreated */
    ISSUANCE_ACT_TRANSFER = 1u << 9,      /* TOKEN outputs spent or created */
};

/** One asset's changes. */
struct issuance_asset_effects {
    uint64_t minted; /* supply rises by this */
    uint64_t repaid; /* supply falls by this (the debt burnt) */
    bool oracle_updated;
    struct outpoint oracle; /* the new ORACLE output */
    uint64_t price;         /* its price (> 0) */
    bool issuer_updated;
    struct outpoint issuer; /* the new ISSUER output */
    uint8_t issuer_flags;
};

/** A transaction's issuance effects. All zero for an ordinary transaction. */
struct issuance_effects {
    uint32_t actions;       /* enum issuance_action bits */
    uint32_t vaults_opened; /* coinbase only: number of VAULT outputs */
    bool has_vault_in;
    struct issuance_vault vault_in;
    bool has_vault_out; /* non-coinbase only (a coinbase's vaults: scan its VAULT outputs) */
    struct issuance_vault vault_out;
    uint64_t seized;    /* liquidation: collateral the liquidator may take */
    uint32_t asset_count;
    struct issuance_asset_effects asset[ISSUANCE_MAX_ASSETS];
};

#endif
