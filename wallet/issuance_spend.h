#ifndef HASHMINT_WALLET_ISSUANCE_SPEND_H
#define HASHMINT_WALLET_ISSUANCE_SPEND_H
/* What the vault and issuer commands share (wallet/vault_spend.c,
 * wallet/issuer_spend.c; their interface is wallet/wallet_issuance.h): the
 * tip's issuance state under the chain and wallet locks, the protocol
 * output (ISSUER or ORACLE) a transaction spends and recreates, and the one
 * way every such transaction is finished: funded from the wallet's coins,
 * judged by issuance_tx_check, signed, then broadcast or handed back as a
 * PSBT. Not for other layers. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/token_prefix.h"
#include "consensus/tx.h"
#include "issuance/issuance_state.h"
#include "src/util/wbuf.h"
#include "wallet/wallet.h"
#include "wallet/wallet_issuance.h"

/** One command in progress. Embedded: ispend_begin / ispend_end. */
struct ispend {
    struct wallet *w;
    const struct chain_params *params;
    struct issuance_state *state; /* after the tip (heap: it is large) */
    int32_t tip;                  /* tip height: the transaction is judged at tip + 1 */
    struct tx tx;                 /* what the command builds; funded by ispend_finish */
    int vault_out;                /* index of the recreated vault output in tx, -1: none */
    /* The protocol output spent and recreated after funding (its value balances). */
    bool has_proto;
    struct outpoint proto_op;
    struct txout proto_in;        /* the spent output (owned) */
    const uint8_t *proto_ws;      /* its witness script when it is the chain's initial one (borrowed), else NULL */
    size_t proto_ws_len;
    struct wbuf proto_spk;        /* the recreated output's scriptPubKey */
};

/**
 * Takes the chain lock, then the wallet lock, and reads the tip's issuance
 * state. Returns false with e set (no chain, no issuance layer, a wallet
 * without private keys); nothing is held then. ispend_end releases.
 */
__attribute__((warn_unused_result)) bool ispend_begin(struct ispend *s, struct wallet *w, struct wallet_error *e);
/** Frees s and releases the locks ispend_begin took. */
void ispend_end(struct ispend *s);

/**
 * Loads the asset's current ISSUER or ORACLE output (kind) from the tip's
 * UTXO set as the protocol input. Out: *prefix (its parsed prefix), for the
 * caller to change and write into s->proto_spk with ispend_set_proto_out.
 */
__attribute__((warn_unused_result)) bool ispend_load_proto(struct ispend *s, struct wallet_error *e,
                                                           struct token_prefix *prefix, enum token_kind kind,
                                                           size_t asset);
/** Sets the recreated protocol output's prefix (the spent output's locking script follows it). */
void ispend_set_proto_out(struct ispend *s, const struct token_prefix *prefix);

/**
 * Finishes s->tx (inputs the wallet owns, outputs): funds the fee (and any
 * shortfall) from the wallet's coins, appends the protocol input and
 * output, judges the transaction with issuance_tx_check against the tip's
 * state at tip + 1 (a refusal is WALLET_E_WALLET naming the rule), signs
 * what the wallet can, and then broadcasts it (complete) or returns the
 * PSBT. Out: *r.
 */
__attribute__((warn_unused_result)) bool ispend_finish(struct ispend *s, struct wallet_error *e,
                                                       struct wallet_issuance_result *r,
                                                       const struct wallet_send_options *o);

/** "txid:vout" of op (display order). */
void ispend_outpoint_text(char out[80], const struct outpoint *op);

#endif
