#ifndef HASHMINT_QA_UNIT_ISSUANCE_TEST_UTIL_H
#define HASHMINT_QA_UNIT_ISSUANCE_TEST_UTIL_H
/* Shared fixtures of the issuance unit tests: a chain with two assets (HUSD
 * with the regtest parameters, and a second asset), its state, and a
 * transaction builder that keeps the spent coins beside the transaction. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/amount.h"
#include "consensus/params.h"
#include "consensus/tx.h"
#include "consensus/tx_verify.h"
#include "issuance/issuance_check.h"
#include "issuance/issuance_state.h"

#define TU_HUSD COIN                        /* 1 HUSD in base units (8 decimals) */
#define TU_PRICE (UINT64_C(100) * TU_HUSD)  /* 100 HUSD per HMC */
#define TU_HEIGHT 1000                      /* the block being connected, by default */
#define TU_SUPPLY (UINT64_C(1000000) * TU_HUSD)
#define TU_MAX_IN 16

/** The owner's locking script of the fixture's vaults (P2WPKH shape). */
extern const uint8_t TU_OWNER[22];

struct tu_chain {
    struct chain_asset assets[2]; /* 0: HUSD (regtest), 1: "HTWO" (same rules, other id) */
    struct issuance_state state;  /* price TU_PRICE set at TU_HEIGHT, supply TU_SUPPLY */
};

/** A scriptPubKey (prefix + locking script). */
struct tu_spk {
    uint8_t b[128];
    size_t len;
};

/** A transaction under construction with its spent coins. */
struct tu_tx {
    struct tx tx;
    struct txout spent[TU_MAX_IN];
    struct spent_coin coins[TU_MAX_IN];
};

/** Builds the fixture chain: genesis state of both assets, then price/supply as above. */
void tu_chain_init(struct tu_chain *c);

struct tu_spk tu_plain(void);
struct tu_spk tu_token(const struct tu_chain *c, int asset, uint64_t amount);
struct tu_spk tu_vault(const struct tu_chain *c, int asset, uint64_t debt);
struct tu_spk tu_vault_lock(const struct tu_chain *c, int asset, uint64_t debt, const uint8_t *lock, size_t len);
struct tu_spk tu_issuer(const struct tu_chain *c, int asset, uint8_t flags);
struct tu_spk tu_oracle(const struct tu_chain *c, int asset, uint64_t price);

/** An ordinary transaction with no inputs or outputs yet. */
void tu_tx_init(struct tu_tx *t);
/** A coinbase (one null input). */
void tu_tx_init_coinbase(struct tu_tx *t);
void tu_tx_clear(struct tu_tx *t);
/** Adds an input spending a fresh outpoint whose coin is (value, spk) at height 1,
 *  with a one-byte scriptSig (so it never takes the liquidation path). */
struct txin *tu_in(struct tu_tx *t, int64_t value, struct tu_spk spk);
/** Adds an input with an empty scriptSig and witness (liquidation path if spk is a vault). */
struct txin *tu_in_bare(struct tu_tx *t, int64_t value, struct tu_spk spk);
struct txout *tu_out(struct tu_tx *t, int64_t value, struct tu_spk spk);

/** Runs issuance_tx_check at height against c->state. */
bool tu_check(struct val_state *st, struct issuance_effects *fx, const struct tu_chain *c, struct tu_tx *t,
              int32_t height);
/** Asserts the outcome: reject == NULL means valid; else that reason, VAL_TX_CONSENSUS. */
void tu_expect(const struct tu_chain *c, struct tu_tx *t, int32_t height, const char *reject);

/** Serialises a state; the caller mem_frees *p. */
void tu_state_bytes(uint8_t **p, size_t *len, const struct issuance_state *s);
/** Asserts two states serialise to the same bytes. */
void tu_state_eq(const struct issuance_state *a, const struct issuance_state *b);

#endif
