#ifndef HASHMINT_STORE_COMPRESS_H
#define HASHMINT_STORE_COMPRESS_H
/* Bitcoin Core's compact encodings for the on-disk coin and index formats
 * (serialize.h VARINT, compressor.h CompressAmount/ScriptCompression). They
 * are disk formats, not consensus: they only have to round-trip and match
 * Core's bytes so the databases read the same way.
 *
 * VARINT is Core's MSB-first base-128 encoding in which each continuation
 * group is stored minus one, so every value has exactly one encoding:
 *   0 -> 00, 127 -> 7f, 128 -> 80 00, 255 -> 80 7f, 16511 -> ff 7f.
 * Parsers read an rbuf, reject overflow past 64 bits and leave outputs
 * zeroed (cursor unchanged) on failure. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "src/util/rbuf.h"
#include "src/util/wbuf.h"

/** Largest script the generic compressed form will accept when parsing
 *  (Core's MAX_SCRIPT_SIZE): bigger claims are replaced by an empty
 *  unspendable script like Core does, without allocating. */
#define COMPRESS_MAX_SCRIPT_SIZE 10000u
/** Number of special script forms (Core's nSpecialScripts). */
#define COMPRESS_SPECIAL_SCRIPTS 6u

/** Appends v as a Core VARINT (1..10 bytes). */
void varint_write(struct wbuf *w, uint64_t v);
/** Writes v as a Core VARINT into out (at least 10 bytes); returns its length. */
size_t varint_encode(uint8_t out[10], uint64_t v);
/** Returns the encoded length of v (1..10). */
size_t varint_len(uint64_t v);
/** Reads a Core VARINT. Returns false (out 0, cursor unchanged) on truncation or
 *  a value over 64 bits. */
__attribute__((warn_unused_result)) bool varint_read(struct rbuf *r, uint64_t *out);
/** Reads a VARINT that must fit 32 bits (heights, file numbers, positions). */
__attribute__((warn_unused_result)) bool varint_read_u32(struct rbuf *r, uint32_t *out);

/** Core's CompressAmount: folds trailing decimal zeros (exact for any value). */
uint64_t compress_amount(uint64_t n);
/** Core's DecompressAmount, the inverse of compress_amount for its outputs.
 *  Arbitrary input wraps modulo 2^64 like Core's; callers check money_range. */
uint64_t decompress_amount(uint64_t x);

/**
 * Appends script in Core's ScriptCompression form: P2PKH (0x00 + 20 bytes),
 * P2SH (0x01 + 20), P2PK with a compressed key (0x02/0x03 + 32), P2PK with a
 * valid uncompressed key (0x04/0x05 + x, whose parity picks the tag), else
 * VARINT(len + 6) and the raw bytes. Any output prefix (doc/issuance.md) makes
 * a script non-special, so it is stored raw.
 */
void compress_script_write(struct wbuf *w, const uint8_t *script, size_t len);
/**
 * Reads a compressed script into out (owned; bytes_clear it). A generic
 * script longer than COMPRESS_MAX_SCRIPT_SIZE is skipped and replaced by the
 * one-byte script OP_RETURN, as Core does. An uncompressed-key form whose x
 * is not on the curve is an error. Returns false (out empty) on truncation.
 */
__attribute__((warn_unused_result)) bool compress_script_read(struct rbuf *r, struct bytes *out);

/** Appends a txout as Core's TxOutCompression: VARINT(compress_amount) then
 *  the compressed script. */
void compress_txout_write(struct wbuf *w, const struct txout *out);
/** Reads a compressed txout into out (owned; txout_clear it). Rejects amounts
 *  outside money range. Returns false (out empty) on failure. */
__attribute__((warn_unused_result)) bool compress_txout_read(struct rbuf *r, struct txout *out);

#endif
