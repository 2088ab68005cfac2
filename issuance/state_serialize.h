#ifndef HASHMINT_ISSUANCE_STATE_SERIALIZE_H
#define HASHMINT_ISSUANCE_STATE_SERIALIZE_H
/* Byte formats of the issuance state and of a block's issuance undo record,
 * for the chain database (doc/issuance.md, "Issuance state": the formats
 * and every range the parsers enforce). Integers little-endian; counts are
 * canonical CompactSize. Parsers are bounded, reject trailing data and leave
 * their output zeroed on failure. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "issuance/issuance_state.h"
#include "issuance/state_apply.h"
#include "src/util/rbuf.h"
#include "src/util/wbuf.h"

/** Version byte leading a serialised state and a serialised undo record. */
#define ISSUANCE_STATE_VERSION 1

/** Appends one asset's state (fixed fields, then the window marks). */
void issuance_asset_state_serialize(struct wbuf *w, const struct issuance_asset_state *a);
/**
 * Reads one asset's state from r. Rejects (returns false, *a zeroed, r
 * unspecified) supply above 2^53, price 0, negative heights, more than
 * ISSUANCE_WINDOW_MAX marks, marks not strictly ascending by height,
 * a mark whose last price is 0 or above its high, and a window that does not
 * end at the current price (no marks: base = price; else the newest mark is
 * at price_height with last = price).
 */
__attribute__((warn_unused_result)) bool issuance_asset_state_parse(struct issuance_asset_state *a, struct rbuf *r);

/** Appends the whole state: version, CompactSize asset count, each asset. */
void issuance_state_serialize(struct wbuf *w, const struct issuance_state *s);
/** Decodes exactly len bytes written by issuance_state_serialize (count <= ISSUANCE_MAX_ASSETS). */
__attribute__((warn_unused_result)) bool issuance_state_decode(struct issuance_state *s, const uint8_t *p, size_t len);

/** Appends an undo record: version, CompactSize count, each (CompactSize asset index, asset state). */
void issuance_undo_serialize(struct wbuf *w, const struct issuance_undo *u);
/**
 * Decodes exactly len bytes written by issuance_undo_serialize: count <=
 * ISSUANCE_MAX_ASSETS, asset indices strictly ascending and below
 * ISSUANCE_MAX_ASSETS.
 */
__attribute__((warn_unused_result)) bool issuance_undo_decode(struct issuance_undo *u, const uint8_t *p, size_t len);

#endif
