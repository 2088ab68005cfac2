#ifndef HASHMINT_CONSENSUS_TX_H
#define HASHMINT_CONSENSUS_TX_H
/* Transactions: Bitcoin's wire format with and without witness (BIP 144),
 * txid and wtxid, sizes and weight. A struct tx owns all its memory:
 * tx_init()/tx_clear(). Parsers take untrusted bytes and cap every claimed
 * count by the bytes that remain, so no allocation follows a lie. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/bytes.h"
#include "src/util/hash256.h"
#include "src/util/rbuf.h"
#include "src/util/wbuf.h"

#define WITNESS_SCALE_FACTOR 4
#define SEQUENCE_FINAL 0xffffffffu

struct outpoint {
    struct hash256 txid;
    uint32_t n;
};

struct witness {
    struct bytes *items; /* owned array of `count` items */
    size_t count;
};

struct txin {
    struct outpoint prevout;
    struct bytes script_sig;
    uint32_t sequence;
    struct witness witness;
};

struct txout {
    int64_t value;
    struct bytes script_pubkey;
};

struct tx {
    int32_t version;
    struct txin *vin;
    size_t vin_count;
    struct txout *vout;
    size_t vout_count;
    uint32_t locktime;
    /* Filled by tx_parse/tx_decode and tx_update_hashes. */
    struct hash256 txid;
    struct hash256 wtxid;
};

/** Starts an empty transaction (version 2, no inputs or outputs). */
void tx_init(struct tx *tx);
/** Frees everything tx owns and leaves it empty. */
void tx_clear(struct tx *tx);
/** Deep copy: dst (uninitialised) becomes a copy of src. */
void tx_copy(struct tx *dst, const struct tx *src);
/** Appends an input/output (copies the scripts); returns it for editing. */
struct txin *tx_add_input(struct tx *tx, const struct outpoint *prevout, const uint8_t *script_sig, size_t len, uint32_t sequence);
struct txout *tx_add_output(struct tx *tx, int64_t value, const uint8_t *script_pubkey, size_t len);
/** Appends a witness item to an input (copies it). */
void txin_witness_push(struct txin *in, const uint8_t *p, size_t len);

/** Returns true if any input carries a witness item. */
bool tx_has_witness(const struct tx *tx);
/** Returns true for a coinbase: exactly one input whose prevout is null. */
bool tx_is_coinbase(const struct tx *tx);
/** Returns true if the outpoint is null (zero hash, index 0xffffffff). */
bool outpoint_is_null(const struct outpoint *op);

/**
 * Reads one transaction from the cursor (which advances past it).
 * allow_witness: accept the BIP 144 extended format. Rejects unknown flags,
 * a superfluous (all-empty) witness, truncated data. Computes txid and wtxid.
 * Returns false with *out left empty (tx_clear not needed) on failure.
 */
__attribute__((warn_unused_result)) bool tx_parse(struct tx *out, struct rbuf *r, bool allow_witness);
/** Like tx_parse over exactly len bytes: trailing data is an error. */
__attribute__((warn_unused_result)) bool tx_decode(struct tx *out, const uint8_t *p, size_t len, bool allow_witness);
/** Appends the serialisation (witness included only if with_witness and present). */
void tx_serialize(struct wbuf *w, const struct tx *tx, bool with_witness);
/** Recomputes tx->txid and tx->wtxid after the transaction was edited. */
void tx_update_hashes(struct tx *tx);
/** Serialised size in bytes, with or without witness data. */
size_t tx_size(const struct tx *tx, bool with_witness);
/** BIP 141 weight: base size * 3 + total size. */
size_t tx_weight(const struct tx *tx);
/** BIP 141 virtual size: weight / 4 rounded up. */
size_t tx_vsize(const struct tx *tx);
/** Sum of output values; false if any value or the sum leaves money range. */
bool tx_value_out(const struct tx *tx, int64_t *out);

/** Parses/serialises one output on its own (8-byte value, then script). */
__attribute__((warn_unused_result)) bool txout_parse(struct txout *out, struct rbuf *r);
void txout_serialize(struct wbuf *w, const struct txout *out);
void txout_clear(struct txout *out);

#endif
