#ifndef HASHMINT_STORE_FLATFILE_H
#define HASHMINT_STORE_FLATFILE_H
/* Block and undo files laid out as Bitcoin Core lays them out:
 *   <blocks_dir>/blkNNNNN.dat   records  magic(4) | length(4, LE) | block
 *   <blocks_dir>/revNNNNN.dat   records  magic(4) | length(4, LE) | undo |
 *                                        sha256d(check_hash || undo)(32)
 * The undo of a block lives in the rev file with the number of the block's
 * blk file. A position (struct flat_pos) points at the first PAYLOAD byte,
 * after the 8-byte record header, as Core's FlatFilePos does.
 *
 * Writes append at the end recorded in the per-file info, not at the
 * physical end of the file: after a crash, bytes beyond the recorded size
 * (never referenced by the durable block index) are simply overwritten.
 * Nothing is pre-allocated, so a file's physical size is its data size.
 *
 * Durability: writes are buffered by the OS until flatfile_flush(), which
 * fsyncs the files written since the last flush. The chain must flush here
 * BEFORE writing the block index and the coins (RELIABILITY.md section 4).
 *
 * Thread safety: every function takes the store's internal mutex, so reads
 * (RPC threads) may run while the chain writes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "src/store/error.h"
#include "src/util/hash256.h"

/** Largest blk file (Core's MAX_BLOCKFILE_SIZE): a block that would cross it
 *  starts the next file. */
#define FLATFILE_MAX_BLOCKFILE_SIZE (128u * 1024u * 1024u)
/** Largest record payload a reader accepts (blocks are at most 4 MB of
 *  weight; this leaves room while stopping absurd length fields). */
#define FLATFILE_MAX_RECORD_SIZE (32u * 1024u * 1024u)
/** Bytes of a record header: magic plus the length. */
#define FLATFILE_HEADER_SIZE 8u
/** Bytes of the checksum after each undo record. */
#define FLATFILE_UNDO_CHECKSUM_SIZE 32u

/** A record position. file -1 means "none" (Core's null position). */
struct flat_pos {
    int file;     /* the NNNNN of blkNNNNN.dat / revNNNNN.dat */
    uint32_t pos; /* byte offset of the payload (after magic and length) */
};

/** What the block index keeps per blk file (Core's CBlockFileInfo). */
struct flat_file_info {
    uint32_t blocks;       /* number of blocks stored in the file */
    uint32_t size;         /* bytes used in blkNNNNN.dat */
    uint32_t undo_size;    /* bytes used in revNNNNN.dat */
    uint32_t height_first; /* lowest height of a block in the file */
    uint32_t height_last;  /* highest height */
    uint64_t time_first;   /* earliest block time */
    uint64_t time_last;    /* latest block time */
};

struct flatfile;

/**
 * Opens the block-file store in blocks_dir (created if missing). magic: the
 * chain's 4 message-start bytes, written before and checked on every record.
 * The store starts with no file info (file 0 empty); at start-up the chain
 * loads what the block index recorded with flatfile_set_info(). Returns the
 * store (flatfile_close it) or NULL with err filled.
 */
struct flatfile *flatfile_open(const char *blocks_dir, const uint8_t magic[4], struct store_error *err);
/** Closes open files (without fsync: call flatfile_flush first) and frees the
 *  store. NULL is a no-op. */
void flatfile_close(struct flatfile *ff);
/** Sets the blk file size limit (default FLATFILE_MAX_BLOCKFILE_SIZE); for
 *  tests of the rollover. Precondition: at least FLATFILE_HEADER_SIZE + 1. */
void flatfile_set_max_file_size(struct flatfile *ff, uint32_t max_size);

/**
 * Restores the info of one file (from the block index) at start-up; the
 * file new blocks go to becomes `file` if that is higher than the current
 * one. Call once per file 0..last_file, then flatfile_set_last_file().
 * Returns 0, or -1 if file is negative or absurdly large (over 99999).
 */
int flatfile_set_info(struct flatfile *ff, int file, const struct flat_file_info *info, struct store_error *err);
/** Sets the file new blocks go to (Core's "last block file"); missing infos
 *  in between are treated as empty. Returns 0 or -1 for a negative number. */
int flatfile_set_last_file(struct flatfile *ff, int last_file, struct store_error *err);
/** Returns the file new blocks go to. */
int flatfile_last_file(const struct flatfile *ff);
/** Copies the info of file into out. Returns false (out zeroed) for a file
 *  the store knows nothing of. */
bool flatfile_get_info(const struct flatfile *ff, struct flat_file_info *out, int file);

/**
 * Returns the files whose info changed since the last call (heap array of
 * *count file numbers in ascending order, mem_free it; NULL when none) and
 * forgets them. The chain writes these infos in the block index batch
 * (block_index_db_write_batch_sync). If that write fails, call
 * flatfile_mark_dirty() for them again.
 */
int *flatfile_take_dirty(struct flatfile *ff, size_t *count);
/** Marks file's info as changed again (after a failed index write). */
void flatfile_mark_dirty(struct flatfile *ff, int file);

/**
 * Appends a block record (data = the serialised block, len bytes) and
 * accounts it to the file's info with its height and time. A block that does
 * not fit in the current file starts the next one (the old one is fsynced and
 * closed first). Out: *pos. Returns 0, or -1 with err filled (write failure:
 * fatal for the caller; len 0 or above FLATFILE_MAX_RECORD_SIZE: invalid).
 */
int flatfile_write_block(struct flatfile *ff, struct flat_pos *pos, const uint8_t *data, size_t len,
                         uint32_t height, uint64_t time, struct store_error *err);
/**
 * Records in the info that a block of len bytes already sits at pos (used
 * when -reindex or -loadblock finds blocks already in our own files): moves
 * the file's size past it and the last file forward if needed.
 */
void flatfile_account_block(struct flatfile *ff, const struct flat_pos *pos, size_t len, uint32_t height, uint64_t time);
/**
 * Reads the block record at pos. Checks the position against the file's
 * recorded size, then the magic and the length field (non-zero, at most
 * FLATFILE_MAX_RECORD_SIZE, inside the file). Out: *data (heap, mem_free it),
 * *len. Returns 0, or -1 with err filled (STORE_ERR_CORRUPT for a bad magic,
 * length or truncation; STORE_ERR_IO for a missing file) and *data NULL.
 */
int flatfile_read_block(struct flatfile *ff, uint8_t **data, size_t *len, const struct flat_pos *pos, struct store_error *err);

/**
 * Appends an undo record for a block stored in blk file `file` to
 * rev<file>.dat, followed by sha256d(check_hash || undo). check_hash is what
 * Core hashes there: the PARENT block's hash (pindex->pprev). Out: *pos.
 * Returns 0 or -1 (fatal for the caller).
 */
int flatfile_write_undo(struct flatfile *ff, struct flat_pos *pos, int file, const uint8_t *undo, size_t len,
                        const struct hash256 *check_hash, struct store_error *err);
/** Out: sum = sha256d(check_hash || undo[0..len)), the checksum following an undo record. */
void flatfile_undo_checksum(uint8_t sum[32], const struct hash256 *check_hash, const uint8_t *undo, size_t len);
/**
 * flatfile_write_undo with its checksum already computed
 * (flatfile_undo_checksum), so a caller can hash the record before it may
 * write it (while a block's scripts are still being checked). Same results.
 */
int flatfile_write_undo_summed(struct flatfile *ff, struct flat_pos *pos, int file, const uint8_t *undo, size_t len,
                               const uint8_t sum[32], struct store_error *err);
/**
 * Reads the undo record at pos and verifies its checksum against check_hash
 * (the same hash given when writing). Out: *undo (heap, mem_free it), *len.
 * Returns 0, or -1 with err filled (STORE_ERR_CORRUPT on a checksum,
 * magic or length mismatch) and *undo NULL.
 */
int flatfile_read_undo(struct flatfile *ff, uint8_t **undo, size_t *len, const struct flat_pos *pos,
                       const struct hash256 *check_hash, struct store_error *err);

/**
 * Flushes and fsyncs every blk/rev file written since the last flush (Core's
 * FlushBlockFile) and the blocks directory entry. Returns 0, or -1 with err
 * filled: fatal for the caller.
 */
int flatfile_flush(struct flatfile *ff, struct store_error *err);

/** Builds the path <dir>/<prefix>NNNNN.dat into out (size outlen); prefix is
 *  "blk" or "rev". Returns false if it does not fit. */
bool flatfile_path(char *out, size_t outlen, const char *dir, const char *prefix, int file);

/* Reading external blk-format files (-loadblock, -reindex): records are found
 * by scanning for the magic, so garbage, zero padding and truncated tails are
 * skipped like Core's LoadExternalBlockFile. */
struct flatfile_reader;

/** Opens path for scanning. Returns NULL with err filled if it cannot be opened. */
struct flatfile_reader *flatfile_reader_open(const char *path, const uint8_t magic[4], struct store_error *err);
/** Closes the reader. NULL is a no-op. */
void flatfile_reader_close(struct flatfile_reader *rd);
/**
 * Finds the next record. Out: *data (heap, mem_free it), *len and *offset
 * (the payload's byte offset in the file, usable as flat_pos.pos). A magic
 * whose length field is below 80 (a block header) or above
 * FLATFILE_MAX_RECORD_SIZE is skipped and the search resumes; a record
 * cut off by the end of the file ends the scan. Returns 1 with a record, 0 at
 * the end, -1 on a read error (err filled).
 */
int flatfile_reader_next(struct flatfile_reader *rd, uint8_t **data, size_t *len, uint64_t *offset, struct store_error *err);
/** Returns the bytes consumed so far (for progress reports). */
uint64_t flatfile_reader_tell(const struct flatfile_reader *rd);

#endif
