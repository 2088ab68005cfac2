#ifndef HASHMINT_ISSUANCE_ASSET_H
#define HASHMINT_ISSUANCE_ASSET_H
/* Asset-level checks of the output extension prefix (doc/issuance.md,
 * "Token data on outputs" and "Assets"). consensus/token_prefix.h knows the
 * byte format; this file knows which assets a chain has.
 *
 * The chain's asset list is an explicit input (an array of 32-byte asset
 * ids, internal byte order), so this layer does not depend on how the chain
 * parameters store their asset definitions. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "consensus/validation.h"

/** Reject reason: an output starts with 0xEF but its prefix does not parse. */
#define ASSET_REJECT_PREFIX "bad-txns-token-prefix"
/** Reject reason: a prefix names an asset the chain does not define. */
#define ASSET_REJECT_UNKNOWN "bad-txns-token-unknown-asset"

/**
 * Returns true if id (32 bytes) is one of the count ids in ids.
 * ids may be NULL when count is 0.
 */
bool asset_id_known(const uint8_t (*ids)[32], size_t count, const uint8_t id[32]);

/**
 * Checks every output of tx (coinbase included): a scriptPubKey that starts
 * with 0xEF must carry a well-formed prefix (else ASSET_REJECT_PREFIX) that
 * names one of the chain's assets (else ASSET_REJECT_UNKNOWN). Outputs
 * without a prefix are not looked at. The first bad output decides; its
 * index is in st->debug.
 * In: ids, count: the chain's asset ids (internal byte order); ids may be
 * NULL when count is 0 (a chain without assets rejects every prefix).
 * Returns true if all outputs pass; otherwise false with st set
 * (VAL_TX_CONSENSUS).
 */
__attribute__((warn_unused_result)) bool asset_tx_check_outputs(struct val_state *st, const struct tx *tx,
                                                                const uint8_t (*ids)[32], size_t count);

#endif
