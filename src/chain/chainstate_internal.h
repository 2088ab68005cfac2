#ifndef HASHMINT_CHAIN_CHAINSTATE_INTERNAL_H
#define HASHMINT_CHAIN_CHAINSTATE_INTERNAL_H
/* Private to src/chain/chainstate*.c: the chainstate's fields and the
 * functions its files share. Everything here runs with the chain lock held. */
#include <pthread.h>

#include "issuance/issuance_check.h"
#include "issuance/issuance_effects.h"
#include "issuance/issuance_state.h"
#include "issuance/reserve_commitment.h"
#include "issuance/reserve_memstore.h"
#include "issuance/reserve_tree.h"
#include "issuance/state_apply.h"
#include "src/chain/chainstate.h"
#include "src/chain/script_check.h"
#include "src/store/block_index_db.h"
#include "src/store/coins_db.h"
#include "src/store/flatfile.h"
#include "src/store/txindex_db.h"

/* A parent -> child pair whose child has data but the parent does not yet
 * (Core's m_blocks_unlinked). */
struct unlinked {
    struct block_index *parent;
    struct block_index *child;
};

struct chainstate {
    pthread_mutex_t lock; /* recursive: the chain lock */
    bool own_block;       /* the block being processed was assembled here (chainstate_set_own_block) */
    struct chainstate_options opt;
    const struct chain_params *params;
    char *datadir;
    char *blocks_dir;

    struct flatfile *ff;
    struct block_index_db *index_db;
    struct coins_db *coins_db;
    struct txindex_db *txindex;
    struct coins_cache *coins; /* the main cache over coins_db */
    size_t coins_budget;       /* bytes the main cache may use before a flush */

    struct block_map *map;
    struct active_chain chain;
    struct block_index *best_header;
    struct block_index *best_invalid;
    struct hash256 genesis_hash;

    /* Blocks that could become the tip (Core's setBlockIndexCandidates). */
    struct block_index **cand;
    size_t ncand, capcand;
    struct unlinked *unlinked;
    size_t nunlinked, capunlinked;

    int32_t next_sequence_id;
    int32_t reverse_sequence_id; /* preciousblock */
    struct arith256 last_precious_work;

    /* The reason the last block marked BLOCK_FAILED_VALID failed. */
    struct block_index *last_invalid;
    struct val_state last_invalid_state;

    struct script_cache *script_cache;
    struct check_queue *checkq;
    /* The block object cs_accept_block has just run block_check on (PoW
     * and Merkle root included), so connecting it as the hint of the
     * activation that follows need not repeat it (Core's fChecked); NULL
     * otherwise. Set and cleared under the chain lock, by the caller of
     * the accept/activate pair once done. */
    const struct block *checked_block;
    uint8_t (*asset_ids)[32];
    size_t asset_count;

    /* Block index entries and blk file numbers written WITHOUT fsync since
     * the last synced index write (at acceptance, chainstate_persist.c): the
     * next flush writes them again in its synced batch. Entries are listed
     * once (block_index.unsynced). */
    struct block_index **unsynced;
    size_t nunsynced, capunsynced;
    int *unsynced_files;
    size_t nunsynced_files, capunsynced_files;
    /* The issuance layer (doc/issuance.md; doc/chainstate.md "Issuance
     * state"). iss_on: a hashmint chain with assets, whose every block and
     * mempool transaction goes through issuance_tx_check. iss: the state
     * after the main coins cache's best block (the active tip); valid when
     * iss_loaded (false only before genesis is connected or while a reindex
     * is pending). Written with every coins flush, in its final batch. */
    bool iss_on;
    bool iss_loaded;
    struct issuance_state iss;
    /* The reserve Merkle-sum tree after the active tip (doc/issuance.md,
     * "Reserve commitment"; doc/chainstate.md "Issuance state"): its nodes
     * live in the coins database's 'I' keyspace (rdb reads them) under an
     * in-memory overlay (rover) that holds the node changes since the last
     * flush and a cache of nodes read; every flush writes the changes in
     * its final batch with the issuance state and 'B'. */
    struct reserve_store rdb;
    struct reserve_memstore *rover;
    struct reserve_store rstore; /* rover's interface */
    struct reserve_tree rtree;   /* over rstore */

    bool reindex_pending;
    bool ibd_done;
    bool fatal;
    int64_t last_write;  /* unix seconds of the last index+coins write */
    int64_t last_log;    /* for progress lines */
    int32_t last_log_height;
};

/** Current unix time. */
int64_t cs_now(void);
/** Network-adjusted time (opt.adjusted_time or cs_now). */
int64_t cs_adjusted_time(const struct chainstate *cs);
/** Records a fatal error once: logs it, calls the callback. Returns false. */
bool cs_fatal(struct chainstate *cs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Adds bi to the candidate set if it qualifies (data, chain_tx, not failed, work >= tip). */
void cs_candidate_add(struct chainstate *cs, struct block_index *bi);
/** Removes bi from the candidate set. */
void cs_candidate_remove(struct chainstate *cs, struct block_index *bi);
/** Drops candidates that compare worse than the tip. */
void cs_candidates_prune(struct chainstate *cs);
/** Rebuilds the candidate set from the whole map. */
void cs_candidates_rebuild(struct chainstate *cs);
/** Returns true if a is a better chain tip than b (more work, then earlier sequence id). */
bool cs_better(const struct block_index *a, const struct block_index *b);

/** Marks bi BLOCK_FAILED_VALID and every descendant BLOCK_FAILED_CHILD; updates best_invalid. */
void cs_mark_invalid(struct chainstate *cs, struct block_index *bi, const struct val_state *st);

/**
 * Accepts a header (Core's AcceptBlockHeader). Out: *out. Returns false with st set.
 */
bool cs_accept_header(struct chainstate *cs, struct val_state *st, struct block_index **out,
                      const struct block_header *h);
/**
 * Checks and stores a block (Core's AcceptBlock). known_pos: the block already
 * sits at this position in our own blk files (-reindex), else NULL (write it).
 * raw/raw_len: the block's serialisation if the caller has it (else it is built).
 * Out: *out, *new_block. Returns false with st set (or on a fatal error).
 */
bool cs_accept_block(struct chainstate *cs, struct val_state *st, struct block_index **out, bool *new_block,
                     const struct block *b, const uint8_t *raw, size_t raw_len, const struct flat_pos *known_pos);

/* ---- the issuance layer of one block (src/chain/chainstate_issuance.c) ---- */

/**
 * The issuance side of connecting, disconnecting or replaying one block:
 * the running state, the block's undo record and (want_fx) each
 * transaction's effects for the chain events. Embedded: cs_iss_begin /
 * cs_iss_end. A caller works on its own copy of the state and commits it
 * (cs->iss = bx.state) only when the whole block succeeded.
 */
struct cs_block_iss {
    struct issuance_state state;  /* connect: in the parent's state, out the block's;
                                   * disconnect: in the block's, out the parent's */
    struct issuance_undo undo;    /* connect: collected; disconnect: read from the undo record */
    bool want_fx;
    struct issuance_effects *fx;  /* want_fx: one per transaction of the block (owned) */
    size_t nfx;
    uint8_t **owned;              /* copies of the owner scripts fx points to */
    size_t nowned;
    /* The reserve tree: tree is the tree before the block (connect) or
     * after it (disconnect), read only; the block's node changes come back
     * in rbatch (for the caller to write into tree's store once the whole
     * block succeeded) and the resulting root, count and sums in rstate. */
    const struct reserve_tree *tree;
    struct reserve_batch rbatch;
    struct reserve_state rstate;     /* every vault after the block (connect) / before it (disconnect) */
    struct reserve_state rcommitted; /* connect: what the block's HMRS commits to (rstate without the
                                      * vaults its coinbase opens) */
};

/** Starts bx from state s (copied) and tree (borrowed, may be NULL); want_fx: keep effects for ntx transactions. */
void cs_iss_begin(struct cs_block_iss *bx, const struct issuance_state *s, const struct reserve_tree *tree,
                  bool want_fx, size_t ntx);
/** Frees what bx owns. */
void cs_iss_end(struct cs_block_iss *bx);
/**
 * Builds the state at height 0 from the genesis block into bx->state.
 * Returns false with st (VAL_ERROR) if the chain's genesis is broken.
 */
bool cs_iss_genesis(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, const struct block *b);
/**
 * Transaction i of a block at height: issuance_tx_check against bx->state
 * (coins NULL for the coinbase), then issuance_state_apply_tx. Returns
 * false with st: the transaction's reject reason (VAL_INVALID), or
 * VAL_ERROR when the state cannot take the effects (a corrupt state).
 */
bool cs_iss_tx(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, size_t i, const struct tx *tx,
               const struct spent_coin *coins, int32_t height);
/**
 * Runs a stored block's transactions through cs_iss_tx from bx->state,
 * taking the spent coins from its undo data u (replay and the effects of a
 * disconnected block). Returns false with st if a transaction fails: the
 * state does not belong to the block's parent.
 */
bool cs_iss_replay_block(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, const struct block *b,
                         const struct block_undo *u, int32_t height);
/** The reserve tree's changes of one block, collected transaction by transaction. */
struct cs_rchanges {
    struct reserve_change *v;
    size_t n, cap;
};
/**
 * Adds one transaction's changes: each input spending a VAULT output
 * deletes its leaf (or, if an earlier transaction of the block created it,
 * cancels that insert), each VAULT output that enters the UTXO set inserts
 * its leaf. spent: the coins its inputs spend (NULL for a coinbase).
 */
void cs_rchanges_tx(struct cs_rchanges *c, const struct tx *tx, const struct tx_undo *spent);
void cs_rchanges_clear(struct cs_rchanges *c);
/**
 * The block-level part of the issuance layer, after the block's
 * transactions: the reserve tree's changes (a vault created: insert; spent:
 * delete; both in the block: nothing) from b and its spent coins u (NULL
 * for genesis). Not inverse: first the non-coinbase transactions' changes
 * (bx->rcommitted: the tree the block commits to) and, from height 1, the
 * coinbase's HMRS commitment against it (bad-reserve-commitment); then the
 * vaults the coinbase opens (bx->rstate: every vault after the block).
 * Inverse (disconnect): all of them undone at once (bx->rstate). The node
 * changes are appended to bx->rbatch, in order. Returns false with st: the
 * commitment's reason (VAL_INVALID), or VAL_ERROR when the tree cannot take
 * the changes (a corrupt tree or store).
 */
bool cs_iss_block_end(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, const struct block *b,
                      const struct block_undo *u, int32_t height, bool inverse);
/**
 * Writes bx->rbatch into store (after the whole block succeeded). Returns
 * false on a store failure (fatal for the caller).
 */
bool cs_iss_tree_commit(struct cs_block_iss *bx, const struct reserve_store *store);
/**
 * The whole issuance pass of one block given its spent coins (undo data
 * u): cs_iss_replay_block, then (block_level) cs_iss_block_end. What
 * ConnectBlock runs, without the coins and scripts (the benchmark times it
 * against a whole connect).
 */
bool cs_iss_block(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, const struct block *b,
                  const struct block_undo *u, int32_t height, bool block_level);
/**
 * Reads the issuance state stored with the coins into *out. Returns 1
 * read, 0 none stored, -1 with err (a read error or an entry that does not
 * decode or does not belong to the chain's assets).
 */
int cs_iss_read(struct chainstate *cs, struct issuance_state *out, char *err, size_t errlen);
/** Returns true if a and b are the same state (compared by their serialisation: unused window slots and padding do not count). */
bool cs_iss_equal(const struct issuance_state *a, const struct issuance_state *b);
/** The issuance entries of one coins flush ('I' keys), built by cs_iss_entries. */
struct cs_iss_entries {
    struct coins_issuance_change *v; /* owned array; keys and values point into the fields below */
    size_t n;
    struct wbuf state;               /* the serialised state */
    uint8_t (*keys)[1 + RESERVE_NODE_KEY_SIZE];
    struct reserve_batch nodes;      /* the tree's node changes */
};
/**
 * Builds the entries a flush writes in its final batch: 'I' 'S' = state s;
 * and, if m is not NULL, every pending node change of the reserve overlay
 * m as 'I' 'T' + node key (a put or a delete), handed over by
 * reserve_memstore_flush(m, keep_clean). Free with cs_iss_entries_clear.
 */
void cs_iss_entries_build(struct cs_iss_entries *e, const struct issuance_state *s, struct reserve_memstore *m,
                          bool keep_clean);
void cs_iss_entries_clear(struct cs_iss_entries *e);
/** Out: *s = the reserve store that reads tree nodes from the coins database ('I' 'T' + key). */
void cs_iss_db_store(struct chainstate *cs, struct reserve_store *s);

/**
 * Connects b (index bi, whose parent is view's best block) on view (Core's
 * ConnectBlock). just_check: validate only (no undo written, no index
 * changes). bx: the issuance state at the parent, advanced to the block's
 * (required when cs->iss_on; NULL otherwise). Returns false with st set
 * (VAL_ERROR for a read/write failure).
 */
bool cs_connect_block(struct chainstate *cs, struct val_state *st, struct coins_cache *view, struct block_index *bi,
                      const struct block *b, bool just_check, struct cs_block_iss *bx);
/** Disconnects the block bi from view with its undo data. Returns UNDO_OK/UNCLEAN/FAILED. Out:
 *  *read_err (may be NULL): set when the undo data could not be read (missing, unreadable or
 *  corrupt: only -reindex brings it back), else cleared (a FAILED then means coins and undo
 *  data disagree). bx (required when cs->iss_on, else NULL): the state after the block, turned
 *  into the state before it with the block's issuance undo record; with bx->want_fx the
 *  transactions' effects are recomputed (and must lead to the state after the block). */
enum undo_result cs_disconnect_block(struct chainstate *cs, struct coins_cache *view, struct block_index *bi,
                                     const struct block *b, struct cs_block_iss *bx, struct store_error *read_err);
/** Re-applies a block's effects idempotently (Core's RollforwardBlock); bx (required when
 *  cs->iss_on) advances the issuance state over it (spent coins from its undo data).
 *  Returns false on a read error or an issuance state that does not fit the block. */
bool cs_rollforward_block(struct chainstate *cs, struct coins_cache *view, struct block_index *bi,
                          struct cs_block_iss *bx);

/**
 * Writes the changed block index entries (block_map_dirty), the changed blk
 * file infos and the last file number in one LevelDB batch
 * (chainstate_persist.c). sync false: at acceptance, not fsynced (survives
 * a process crash); the entries are remembered as unsynced. sync true: the
 * flush's batch, fsynced, which also rewrites everything written unsynced
 * since the last synced write. Precondition: the block data the entries
 * refer to is already written (and, for sync, flatfile_flush()ed).
 * Returns false on a write error (fatal, reported).
 */
bool cs_index_write(struct chainstate *cs, bool sync);
/** Frees the unsynced lists (chainstate_close). */
void cs_index_clear(struct chainstate *cs);

/** Returns the best candidate whose whole branch has data and is not failed, dropping unusable
 *  candidates (Core's FindMostWorkChain); NULL if none. */
struct block_index *cs_find_most_work_chain(struct chainstate *cs);
/** Connects bi (a child of the tip; b: its block or NULL to read it). Out: *invalid when it failed
 *  validation (it is then marked). Returns false only on a fatal error. */
bool cs_connect_tip(struct chainstate *cs, struct block_index *bi, const struct block *b, bool *invalid);
/** Disconnects the tip. Returns false on a fatal error. */
bool cs_disconnect_tip(struct chainstate *cs);
/** ActivateBestChain with the chain lock held; hint/hint_index: a block the caller holds (may be NULL). */
bool cs_activate_best_chain(struct chainstate *cs, const struct block *hint, const struct block_index *hint_index);
/** Stores the profile's genesis block (not connected). Returns false on a fatal error. */
bool cs_insert_genesis(struct chainstate *cs);
/** Connects the stored genesis block when the chain is empty (open). Returns false on a fatal error. */
bool cs_activate_genesis(struct chainstate *cs);
/** The flush itself (chainstate_flush without taking the lock). */
bool cs_flush(struct chainstate *cs, enum chainstate_flush_mode mode);
/** Rolls an interrupted coins flush forward (Core's ReplayBlocks). Returns false with err. */
bool cs_replay(struct chainstate *cs, char *err, size_t errlen);
/** Brings the txindex up to the tip (after open or reindex). */
void cs_txindex_catch_up(struct chainstate *cs);
/** Adds a connected block's transactions to the txindex. Returns false on a write error (fatal). */
bool cs_txindex_add_block(struct chainstate *cs, const struct block *b, const struct block_index *bi);
/** Reads a block by index without the lock (positions copied under it). */
bool cs_read_block(struct chainstate *cs, struct block *out, const struct block_index *bi);

#endif
