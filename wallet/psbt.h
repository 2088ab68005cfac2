#ifndef HASHMINT_WALLET_PSBT_H
#define HASHMINT_WALLET_PSBT_H
/* Partially signed transactions, BIP 174 version 0 and BIP 370 version 2
 * (its own fields in wallet/psbt_v2.h) with BIP 371's taproot fields: a
 * bounded parser and serializer, and the combiner.
 *
 * A PSBT is kept as its unsigned transaction plus one key-value map for the
 * globals, one per input and one per output. Every pair is kept as read
 * (key with its type byte, value), in order, so unknown and proprietary
 * pairs survive a round trip; the known types are checked at parse time
 * (key and value sizes, public keys, transactions, BIP 32 paths) as Core's
 * PSBT Unserialize does, with Core's error text.
 *
 * Bounds: the input is capped (PSBT_MAX_SIZE) before it is parsed; every
 * length is checked against the bytes that remain before anything is
 * allocated; a map holds at most PSBT_MAX_PAIRS pairs; a duplicate key,
 * a missing separator and trailing bytes after the last map are errors. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "src/util/bytes.h"
#include "src/util/wbuf.h"

/** Largest serialized PSBT accepted (bytes). */
#define PSBT_MAX_SIZE (16u * 1024u * 1024u)
/** Most key-value pairs in one map. */
#define PSBT_MAX_PAIRS 1000u
/** Highest PSBT version understood (Core's PSBT_HIGHEST_VERSION). */
#define PSBT_HIGHEST_VERSION 2u

/* Global types. */
#define PSBT_GLOBAL_UNSIGNED_TX 0x00
#define PSBT_GLOBAL_XPUB 0x01
#define PSBT_GLOBAL_VERSION 0xfb
#define PSBT_PROPRIETARY 0xfc
/* Input types. */
#define PSBT_IN_NON_WITNESS_UTXO 0x00
#define PSBT_IN_WITNESS_UTXO 0x01
#define PSBT_IN_PARTIAL_SIG 0x02
#define PSBT_IN_SIGHASH 0x03
#define PSBT_IN_REDEEM_SCRIPT 0x04
#define PSBT_IN_WITNESS_SCRIPT 0x05
#define PSBT_IN_BIP32_DERIVATION 0x06
#define PSBT_IN_SCRIPTSIG 0x07
#define PSBT_IN_SCRIPTWITNESS 0x08
#define PSBT_IN_RIPEMD160 0x0a
#define PSBT_IN_SHA256 0x0b
#define PSBT_IN_HASH160 0x0c
#define PSBT_IN_HASH256 0x0d
#define PSBT_IN_TAP_KEY_SIG 0x13
#define PSBT_IN_TAP_SCRIPT_SIG 0x14
#define PSBT_IN_TAP_LEAF_SCRIPT 0x15
#define PSBT_IN_TAP_BIP32_DERIVATION 0x16
#define PSBT_IN_TAP_INTERNAL_KEY 0x17
#define PSBT_IN_TAP_MERKLE_ROOT 0x18
/* Output types. */
#define PSBT_OUT_REDEEM_SCRIPT 0x00
#define PSBT_OUT_WITNESS_SCRIPT 0x01
#define PSBT_OUT_BIP32_DERIVATION 0x02
#define PSBT_OUT_TAP_INTERNAL_KEY 0x05
#define PSBT_OUT_TAP_TREE 0x06
#define PSBT_OUT_TAP_BIP32_DERIVATION 0x07

/** One key-value pair: key[0] is the type. */
struct psbt_pair {
    struct bytes key;
    struct bytes value;
};

/** A map of pairs (owned). */
struct psbt_map {
    struct psbt_pair *pairs;
    size_t count;
};

/** A PSBT. Embedded: psbt_init/psbt_clear. */
struct psbt {
    struct tx tx;             /* the unsigned transaction */
    uint32_t version;         /* PSBT_GLOBAL_VERSION, 0 if absent */
    struct psbt_map global;   /* globals other than the unsigned tx */
    struct psbt_map *inputs;  /* tx.vin_count maps */
    struct psbt_map *outputs; /* tx.vout_count maps */
};

/** Starts an empty PSBT (no transaction). */
void psbt_init(struct psbt *p);
/** Frees everything p owns and leaves it empty. */
void psbt_clear(struct psbt *p);
/** Starts a PSBT around a copy of tx with empty maps. Returns false (p
 *  empty) if an input has a scriptSig or a witness. */
__attribute__((warn_unused_result)) bool psbt_from_tx(struct psbt *p, const struct tx *tx);
/** Deep copy: dst (uninitialised) becomes a copy of src. */
void psbt_copy(struct psbt *dst, const struct psbt *src);

/**
 * Parses the len bytes at data (a binary PSBT). Out: *out (psbt_clear it).
 * Returns false with Core's message in error (room for error_cap) and *out
 * empty if the bytes are not a valid PSBT.
 */
__attribute__((warn_unused_result)) bool psbt_parse(struct psbt *out, const uint8_t *data, size_t len, char *error,
                                                    size_t error_cap);
/** Decodes Base64 and parses (Core's DecodeBase64PSBT). */
__attribute__((warn_unused_result)) bool psbt_decode_base64(struct psbt *out, const char *b64, char *error,
                                                            size_t error_cap);
/** Appends the binary serialisation of p. */
void psbt_serialize(struct wbuf *w, const struct psbt *p);
/** Returns the Base64 of p (heap, mem_free). */
char *psbt_to_base64(const struct psbt *p);

/** Returns the value of the pair with exactly this key in m, or NULL. */
const struct bytes *psbt_map_get(const struct psbt_map *m, const uint8_t *key, size_t key_len);
/** Returns the value of the one-byte key type in m, or NULL. */
const struct bytes *psbt_map_get_type(const struct psbt_map *m, uint8_t type);
/** Sets key to value in m (replacing an existing value). */
void psbt_map_set(struct psbt_map *m, const uint8_t *key, size_t key_len, const uint8_t *value,
                  size_t value_len);
/** Removes every pair of this type from m. */
void psbt_map_remove_type(struct psbt_map *m, uint8_t type);

/**
 * Merges src into dst (Core's PSBT::Merge): pairs dst lacks are added.
 * Returns false (dst unchanged) if the unsigned transactions differ.
 */
__attribute__((warn_unused_result)) bool psbt_merge(struct psbt *dst, const struct psbt *src);

/**
 * The output input i spends, from its witness or non-witness UTXO. Out:
 * *out (txout_clear it). Returns false if the PSBT has neither.
 */
__attribute__((warn_unused_result)) bool psbt_input_utxo(const struct psbt *p, size_t i, struct txout *out);
/** Returns true if input i has a final scriptSig or a final witness. */
bool psbt_input_is_final(const struct psbt *p, size_t i);

#endif
