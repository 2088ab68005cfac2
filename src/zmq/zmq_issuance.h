#ifndef HASHMINT_ZMQ_ZMQ_ISSUANCE_H
#define HASHMINT_ZMQ_ZMQ_ISSUANCE_H
/* The bodies of the ZMQ "issuance" topic (doc/zmq.md, "The issuance
 * topic"): one JSON object per issuance event of a connected or
 * disconnected transaction, built from the chain's issuance_tx event
 * (src/chain/events.h). Pure: no sockets, no chain access. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/params.h"
#include "consensus/tx.h"
#include "issuance/issuance_effects.h"
#include "src/util/hash256.h"

/**
 * Returns a new JSON array of the event objects of one transaction, in the
 * order they are published: for a connect vault_open (one per VAULT output
 * of a coinbase), deposit, withdraw, mint, repay, liquidation, vault_close,
 * oracle_update, issuer_update; for a disconnect the same objects, with
 * "connected": false, in the reverse order. A token transfer alone gives
 * none. Every object has "event", "connected", "txid", "blockhash",
 * "height" and the event's fields (doc/zmq.md). p: the chain's parameters
 * (asset tickers and ids); fx->asset[i] is p->assets[i].
 */
json_t *zmq_issuance_events(const struct chain_params *p, const struct tx *tx, const struct issuance_effects *fx,
                            const struct hash256 *block_hash, int32_t height, bool connected);

#endif
