#ifndef HASHMINT_CONSENSUS_BLOCK_H
#define HASHMINT_CONSENSUS_BLOCK_H
/* Blocks: the 80-byte header and the block (header + transactions) in
 * Bitcoin's wire format, with and without witness data. A struct block owns
 * its transactions: block_init()/block_clear(). Parsers take untrusted bytes
 * and cap the claimed transaction count by the bytes that remain. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "src/util/hash256.h"
#include "src/util/rbuf.h"
#include "src/util/wbuf.h"

#define BLOCK_HEADER_SIZE 80
/** Smallest serialised transaction: version, two empty counts, lock time. */
#define BLOCK_MIN_TX_SIZE 10

struct block_header {
    int32_t version;
    struct hash256 prev_hash;   /* internal byte order */
    struct hash256 merkle_root; /* internal byte order */
    uint32_t time;
    uint32_t bits;
    uint32_t nonce;
};

struct block {
    struct block_header header;
    struct tx *txs; /* owned array of tx_count transactions */
    size_t tx_count;
};

/** Writes the 80-byte header serialisation to out. */
void block_header_serialize_raw(uint8_t out[BLOCK_HEADER_SIZE], const struct block_header *h);
/** Appends the 80-byte header serialisation. */
void block_header_serialize(struct wbuf *w, const struct block_header *h);
/** Reads an 80-byte header. Returns false (*out zeroed, cursor unchanged) if fewer bytes remain. */
__attribute__((warn_unused_result)) bool block_header_parse(struct block_header *out, struct rbuf *r);
/** Out: hash = double SHA-256 of the 80-byte header (the block hash, internal order). */
void block_header_hash(struct hash256 *hash, const struct block_header *h);

/** Starts an empty block (zero header, no transactions). */
void block_init(struct block *b);
/** Frees every transaction and leaves b empty. */
void block_clear(struct block *b);
/** Appends a deep copy of tx (which may be one of b's own); returns the block's copy for editing
 *  (call tx_update_hashes after edits). Earlier pointers into b->txs become invalid. */
struct tx *block_add_tx(struct block *b, const struct tx *tx);

/**
 * Reads a block (header, CompactSize count, transactions) from the cursor.
 * allow_witness: accept BIP 144 transactions. The count is capped by the
 * bytes left / BLOCK_MIN_TX_SIZE before anything is allocated.
 * Returns false with *out empty (no block_clear needed) and the cursor
 * unchanged on failure.
 */
__attribute__((warn_unused_result)) bool block_parse(struct block *out, struct rbuf *r, bool allow_witness);
/** Like block_parse over exactly len bytes: trailing data is an error. */
__attribute__((warn_unused_result)) bool block_decode(struct block *out, const uint8_t *p, size_t len, bool allow_witness);
/** Appends the block's serialisation (witnesses only if with_witness and present). */
void block_serialize(struct wbuf *w, const struct block *b, bool with_witness);
/** Serialised size in bytes, with or without witness data. */
size_t block_size(const struct block *b, bool with_witness);
/** BIP 141 block weight: stripped size * 3 + total size. */
size_t block_weight(const struct block *b);
/** Out: hash = the block's hash (its header's). */
void block_hash(struct hash256 *hash, const struct block *b);

#endif
