#ifndef HASHMINT_STORE_COIN_H
#define HASHMINT_STORE_COIN_H
/* An unspent output as the chainstate stores it (Core's Coin), its compact
 * disk encoding, and the block undo data (Core's CTxUndo/CBlockUndo) stored in
 * the rev*.dat files. Embedded objects: coin_init()/coin_clear(). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "issuance/state_apply.h"
#include "src/util/rbuf.h"
#include "src/util/wbuf.h"

struct coin {
    struct txout out;   /* value and scriptPubKey (owned) */
    uint32_t height;    /* height of the block that created it */
    bool coinbase;      /* created by a coinbase transaction */
};

/** Starts an empty coin (value 0, empty script, height 0). */
void coin_init(struct coin *c);
/** Frees the script and leaves c empty. */
void coin_clear(struct coin *c);
/** Deep copy: dst (uninitialised or cleared) becomes a copy of src. */
void coin_copy(struct coin *dst, const struct coin *src);

/** Appends Core's Coin serialisation: VARINT(height * 2 + coinbase), then the
 *  compressed txout (src/store/compress.h). Precondition: height < 2^31. */
void coin_serialize(struct wbuf *w, const struct coin *c);
/** Like coin_parse over exactly len bytes: trailing bytes are an error. */
__attribute__((warn_unused_result)) bool coin_decode(struct coin *out, const uint8_t *p, size_t len);

/* Undo data of one transaction: the coins its inputs spent, in input order. */
struct tx_undo {
    struct coin *prevout; /* owned array */
    size_t count;
};

/* Undo data of one block: one tx_undo per transaction except the coinbase. */
struct block_undo {
    struct tx_undo *txs; /* owned array */
    size_t count;
    size_t cap; /* room in txs */
};

/** Starts/frees an empty block undo. */
void block_undo_init(struct block_undo *u);
void block_undo_clear(struct block_undo *u);
/** Makes room for ntx transactions in u, so adding them does not reallocate. */
void block_undo_reserve(struct block_undo *u, size_t ntx);
/** Appends an empty tx_undo with room for `inputs` coins (all coin_init'ed,
 *  count = inputs) and returns it for filling. Earlier pointers into u->txs
 *  become invalid. */
struct tx_undo *block_undo_add_tx(struct block_undo *u, size_t inputs);

/**
 * Appends Core's CBlockUndo serialisation: CompactSize tx count, then per tx a
 * CompactSize coin count and per coin VARINT(height * 2 + coinbase), a VARINT 0
 * when height > 0 (the legacy version field Core still writes), and the
 * compressed txout.
 */
void block_undo_serialize(struct wbuf *w, const struct block_undo *u);
/** Parses exactly len bytes of CBlockUndo into out (caller clears it). Caps
 *  every count by the bytes remaining. Returns false (out empty) on failure. */
__attribute__((warn_unused_result)) bool block_undo_decode(struct block_undo *out, const uint8_t *p, size_t len);

/**
 * Parses a whole rev-file undo record of a block (doc/chainstate.md, "Issuance
 * state"): CBlockUndo, then, when iu is not NULL (hashmint chains), the
 * block's issuance undo record (issuance_undo_decode) up to the end; with
 * iu NULL nothing may follow the CBlockUndo. Out: *out (caller clears it),
 * *iu. Returns false (out empty, *iu empty) on failure.
 */
__attribute__((warn_unused_result)) bool block_undo_record_decode(struct block_undo *out, struct issuance_undo *iu,
                                                                  const uint8_t *p, size_t len);

#endif
