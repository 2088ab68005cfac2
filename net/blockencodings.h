#ifndef HASHMINT_NET_BLOCKENCODINGS_H
#define HASHMINT_NET_BLOCKENCODINGS_H
/* Compact block relay encodings (BIP 152, version 2: short ids of wtxids):
 * the `cmpctblock`, `getblocktxn` and `blocktxn` payloads, short transaction
 * ids, and the reconstruction of a block from a compact block plus the
 * transactions we already have (Bitcoin Core's blockencodings).
 *
 * Parsers follow net/messages.h: every claimed count is capped by
 * CMPCT_MAX_TXS and by the bytes that remain before anything is allocated,
 * differential indexes that overflow 16 bits are rejected (Core's "indexes
 * overflowed 16 bits"), trailing bytes are rejected, and outputs are empty on
 * failure. Pure: no I/O, no logging. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "consensus/tx.h"
#include "src/util/hash256.h"
#include "src/util/wbuf.h"

/** The compact block version we speak (BIP 152: 2 = short ids of wtxids, segwit). */
#define CMPCT_VERSION 2
/** Bytes of a short transaction id on the wire. */
#define CMPCT_SHORTID_SIZE 6
/** Most transactions a block can hold (Core: MAX_BLOCK_WEIGHT / MIN_SERIALIZABLE_TRANSACTION_WEIGHT). */
#define CMPCT_MAX_TXS 100000
/** Differential indexes are 16-bit on the wire side (BIP 152): no block of more transactions is encodable. */
#define CMPCT_MAX_INDEX 0xffffu

/** A transaction sent along with a compact block. */
struct cmpct_prefilled {
    uint32_t index; /* absolute position in the block (the wire carries differences) */
    struct tx tx;
};

/** A `cmpctblock` payload (Core's CBlockHeaderAndShortTxIDs). */
struct cmpct_block {
    struct block_header header;
    uint64_t nonce;
    uint64_t *short_ids; /* owned; nshort entries, each < 2^48 */
    size_t nshort;
    struct cmpct_prefilled *prefilled; /* owned; ascending index */
    size_t nprefilled;
};

/** `getblocktxn` (Core's BlockTransactionsRequest). */
struct cmpct_getblocktxn {
    struct hash256 block_hash;
    uint32_t *indexes; /* owned; absolute, strictly ascending */
    size_t count;
};

/** `blocktxn` (Core's BlockTransactions). */
struct cmpct_blocktxn {
    struct hash256 block_hash;
    struct tx *txs; /* owned */
    size_t count;
};

/** Out: the SipHash-2-4 key of a compact block: the first two little-endian
 *  64-bit words of SHA256(80-byte header || nonce as 8 LE bytes) (BIP 152). */
void cmpct_short_id_key(uint64_t *k0, uint64_t *k1, const struct block_header *h, uint64_t nonce);
/** Returns the 48-bit short id of wtxid under (k0, k1): SipHash-2-4 of the 32 bytes, low 6 bytes kept. */
uint64_t cmpct_short_id(uint64_t k0, uint64_t k1, const struct hash256 *wtxid);

/** Out: *cb (uninitialised) = an empty compact block. */
void cmpct_block_init(struct cmpct_block *cb);
/** Frees what cb owns and leaves it empty. */
void cmpct_block_clear(struct cmpct_block *cb);
/**
 * Out: *cb (uninitialised) = the compact form of b under nonce: the coinbase
 * prefilled (BIP 152 requires it; Core prefills nothing else), every other
 * transaction as the short id of its wtxid. Precondition: b's tx hashes set,
 * 1 <= tx_count <= CMPCT_MAX_INDEX + 1.
 */
void cmpct_block_from_block(struct cmpct_block *cb, const struct block *b, uint64_t nonce);
/** Appends the `cmpctblock` payload (prefilled transactions with witness). */
void cmpct_block_serialize(struct wbuf *w, const struct cmpct_block *cb);
/**
 * Parses a `cmpctblock` payload. Out: *cb (cmpct_block_clear it). Returns
 * false (cb empty) if truncated, a count exceeds its cap, an index overflows
 * 16 bits, a transaction is malformed, or bytes trail.
 */
__attribute__((warn_unused_result)) bool cmpct_block_parse(struct cmpct_block *cb, const uint8_t *p, size_t len);

/** Appends a `getblocktxn` payload for indexes[0..count) (absolute, strictly ascending). */
void cmpct_getblocktxn_serialize(struct wbuf *w, const struct hash256 *block_hash, const uint32_t *indexes,
                                 size_t count);
/** Parses a `getblocktxn` payload. Out: *m (cmpct_getblocktxn_clear it). */
__attribute__((warn_unused_result)) bool cmpct_getblocktxn_parse(struct cmpct_getblocktxn *m, const uint8_t *p,
                                                                 size_t len);
/** Frees what m owns and leaves it empty. */
void cmpct_getblocktxn_clear(struct cmpct_getblocktxn *m);

/** Appends a `blocktxn` payload: the hash, then txs[0..count) with witness. */
void cmpct_blocktxn_serialize(struct wbuf *w, const struct hash256 *block_hash, const struct tx *const *txs,
                              size_t count);
/** Parses a `blocktxn` payload (tx hashes set). Out: *m (cmpct_blocktxn_clear it). */
__attribute__((warn_unused_result)) bool cmpct_blocktxn_parse(struct cmpct_blocktxn *m, const uint8_t *p, size_t len);
/** Frees what m owns and leaves it empty. */
void cmpct_blocktxn_clear(struct cmpct_blocktxn *m);

/* ---- reconstruction (Core's PartiallyDownloadedBlock) ---- */

/** How a reconstruction step went (Core's ReadStatus). */
enum cmpct_status {
    CMPCT_OK,
    CMPCT_INVALID, /* the peer sent something no honest peer sends: punish */
    CMPCT_FAILED,  /* could not be done (short id collision, wrong merkle root): fetch the full block */
};

/** A block being rebuilt from a compact block. */
struct cmpct_partial {
    struct block_header header;
    uint64_t k0, k1;
    size_t tx_count;
    struct tx *txs;        /* tx_count slots; valid where state != CMPCT_SLOT_EMPTY/COLLIDED */
    uint8_t *state;        /* per slot: enum below */
    uint64_t *ids;         /* sorted short ids of the unfilled slots, with... */
    uint32_t *id_slot;     /* ...the slot each belongs to */
    size_t nids;
    size_t prefilled, from_pool, from_extra;
    size_t missing; /* slots EMPTY or COLLIDED (kept up to date: offers run over whole mempools) */
};

enum { CMPCT_SLOT_EMPTY = 0, CMPCT_SLOT_PREFILLED, CMPCT_SLOT_FILLED, CMPCT_SLOT_COLLIDED };

/**
 * Starts rebuilding cb (Core's InitData). Out: *pb (uninitialised; always
 * cmpct_partial_clear it). Returns CMPCT_INVALID for a compact block no
 * block can have (no transactions, more than CMPCT_MAX_TXS, a prefilled
 * index past the end), CMPCT_FAILED if two short ids are equal (Core falls
 * back to the full block), else CMPCT_OK.
 */
enum cmpct_status cmpct_partial_init(struct cmpct_partial *pb, const struct cmpct_block *cb);
/**
 * Offers one transaction we have (mempool: from_pool true; else the orphan
 * pool or other extra transactions). A match fills its slot (copied); a
 * second, different transaction with the same short id empties the slot
 * again so it is requested (Core). Returns true if tx filled a slot.
 */
bool cmpct_partial_offer(struct cmpct_partial *pb, const struct tx *tx, bool from_pool);
/** Returns the number of slots still missing. */
size_t cmpct_partial_missing_count(const struct cmpct_partial *pb);
/** Out: out[0..return) = the missing slot indexes, ascending (at most max). */
size_t cmpct_partial_missing(const struct cmpct_partial *pb, uint32_t *out, size_t max);
/**
 * Completes the block (Core's FillBlock): missing[0..n) fill the missing
 * slots in order (moved out of missing: the caller still clears them).
 * Out: *b (uninitialised; block_clear it when CMPCT_OK). Returns
 * CMPCT_INVALID if n is not the number missing, CMPCT_FAILED if the merkle
 * root does not match or the tree is mutated (a short id collision), else OK.
 */
enum cmpct_status cmpct_partial_fill(struct cmpct_partial *pb, struct block *b, struct tx *missing, size_t n);
/** Frees what pb owns. */
void cmpct_partial_clear(struct cmpct_partial *pb);

#endif
