#ifndef HASHMINT_CHAIN_UNDO_H
#define HASHMINT_CHAIN_UNDO_H
/* Block undo data on disk and its use when disconnecting (Bitcoin Core's
 * WriteUndoDataForBlock / UndoReadFromDisk / ApplyTxInUndo). The types
 * (struct block_undo, struct tx_undo) and Core's CBlockUndo serialisation
 * come from src/store/coin.h; the rev*.dat record with its checksum
 * SHA256d(parent block hash || undo) from src/store/flatfile.h. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "issuance/state_apply.h"
#include "src/chain/coins_view.h"
#include "src/store/coin.h"
#include "src/store/error.h"
#include "src/store/flatfile.h"
#include "src/util/hash256.h"
#include "src/util/wbuf.h"

/**
 * Serialises u and appends it to rev<file>.dat with the checksum keyed to
 * parent_hash (the hash of the block's parent). On hashmint chains the
 * block's issuance undo record iu (issuance_undo_serialize) follows the
 * CBlockUndo bytes inside the same checksummed record; iu NULL (the
 * bitcoin profile) writes Core's record alone. Out: *pos.
 * Returns 0, or -1 with err (a write failure: fatal for the caller).
 */
int undo_write(struct flatfile *ff, struct flat_pos *pos, int file, const struct block_undo *u,
               const struct issuance_undo *iu, const struct hash256 *parent_hash, struct store_error *err);
/**
 * An undo record prepared for undo_record_write: the serialised bytes and
 * their checksum, built while a block's script checks still run (nothing is
 * written before they pass).
 */
struct undo_record {
    struct wbuf w;
    uint8_t sum[32];
};
/** Out: *r, u and iu (may be NULL) serialised as undo_write would, with the checksum keyed to parent_hash. */
void undo_record_build(struct undo_record *r, const struct block_undo *u, const struct issuance_undo *iu,
                       const struct hash256 *parent_hash);
/** Appends r to rev<file>.dat. Out: *pos. Returns 0, or -1 with err (as undo_write). */
int undo_record_write(struct flatfile *ff, struct flat_pos *pos, int file, const struct undo_record *r,
                      struct store_error *err);
/** Frees r's bytes. */
void undo_record_clear(struct undo_record *r);
/**
 * Reads the undo record at pos, verifies its checksum against parent_hash
 * and parses it. Out: *out (block_undo_clear it; empty on failure) and,
 * when iu is not NULL, *iu: the issuance undo record that must follow the
 * coins (a record without one, or with iu NULL any trailing byte, is
 * corrupt).
 * Returns 0, or -1 with err (STORE_ERR_CORRUPT for checksum/parse failures).
 */
int undo_read(struct flatfile *ff, struct block_undo *out, struct issuance_undo *iu, const struct flat_pos *pos,
              const struct hash256 *parent_hash, struct store_error *err);

/** How disconnecting a block went (Core's DisconnectResult). */
enum undo_result {
    UNDO_OK = 0,      /* the UTXO set is exactly as before the block */
    UNDO_UNCLEAN = 1, /* coins were missing or already present: fine during replay */
    UNDO_FAILED = 2,  /* the undo data does not fit the block, or a read failed */
};

/**
 * Reverts a block on view (Core's DisconnectBlock): removes every output the
 * block created (checking it matches the stored coin unless replaying) and
 * restores the coins its inputs spent from u, last transaction first.
 * height: the block's height. bip30_exception: the block is one of the two
 * Bitcoin blocks whose coinbase duplicated an earlier one (91722, 91812), so
 * a mismatch of its coinbase outputs is not "unclean". Sets view's best block to the block's parent
 * (parent_hash). u is consumed (its coins are moved out).
 * Returns UNDO_OK, UNDO_UNCLEAN (tolerated in replay), UNDO_FAILED.
 */
enum undo_result undo_disconnect_block(struct coins_cache *view, const struct block *b, int32_t height,
                                       struct block_undo *u, const struct hash256 *parent_hash, bool bip30_exception);

#endif
