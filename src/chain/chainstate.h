#ifndef HASHMINT_CHAIN_CHAINSTATE_H
#define HASHMINT_CHAIN_CHAINSTATE_H
/* The validating core of hashmintd (Bitcoin Core's ChainstateManager,
 * Chainstate and BlockManager in one): the block tree, the active chain,
 * the UTXO cache over LevelDB, block and undo files, connect/disconnect,
 * best-chain activation with reorganisations of any depth, invalidation,
 * crash-safe flushing and replay, reindex and block-file import.
 *
 * Locking. One recursive "chain lock" protects the chainstate and (by
 * convention) the mempool: chainstate_lock()/chainstate_unlock(). Every
 * function below takes it internally, so a single call is always safe from
 * any thread; hold it yourself around several calls that must see one
 * consistent state (e.g. tip + coin lookups in an RPC, or the whole of a
 * mempool acceptance). Events (src/chain/events.h) are emitted with the lock
 * held, on the thread that changed the chain.
 *
 * Lifetimes. struct block_index pointers returned here stay valid until
 * chainstate_close (entries are never freed while open). Their immutable
 * fields (hash, height, prev, header, chain_work) can be read freely; read
 * status/file fields with the lock held.
 *
 * Errors. Invalid data (blocks, headers) is reported through struct
 * val_state with Core's reject strings. A failed write, a database error or
 * low disk space calls the fatal-error callback once (the node shuts down
 * with that message) and the failing call returns an error; after that the
 * chainstate refuses to change further (it never continues diverged). */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "consensus/params.h"
#include "consensus/tx.h"
#include "consensus/tx_verify.h"
#include "consensus/validation.h"
#include "src/chain/block_index.h"
#include "src/chain/coins_view.h"
#include "src/chain/events.h"
#include "src/chain/undo.h"

struct chainstate;

/** Called once on a fatal storage error; message is a complete sentence for the log and the user. */
typedef void (*chainstate_fatal_fn)(void *ctx, const char *message);

struct chainstate_options {
    const struct chain_params *params; /* required */
    const char *datadir;   /* the chain's directory: blocks/, chainstate/, indexes/ are created under it */
    size_t dbcache_bytes;  /* -dbcache in bytes: coins cache budget (default 450 MiB) */
    int par;               /* -par: script threads incl. the caller; 0 = auto (cores), <0 = leave that many
                            * cores free, 1 = no worker threads (default 0; capped at 15) */
    bool reindex;          /* -reindex: wipe the block index and chainstate, re-read blk*.dat */
    bool reindex_chainstate; /* -reindex-chainstate: wipe the chainstate, reconnect from stored blocks */
    bool txindex;          /* -txindex: maintain indexes/txindex */
    struct events *events; /* borrowed, may be NULL: where to announce chain changes */
    chainstate_fatal_fn fatal; /* may be NULL (then only logged) */
    void *fatal_ctx;
    int64_t write_interval;  /* seconds between periodic index+coins writes (default 3600; 0 = default) */
    int check_blocks;        /* -checkblocks: blocks verify_chain checks at start-up (default 6; 0 = none) */
    int check_level;         /* -checklevel (default 3) */
    size_t db_batch_size;    /* -dbbatchsize bytes (default 16 MiB) */
    unsigned db_crash_ratio; /* -dbcrashratio (tests; default 0 = never); the store also reads
                              * HASHMINT_DB_CRASH_RATIO from the environment */
    bool defer_index_writes; /* benchmarks only: write block index entries at flushes only (the behaviour
                              * before blocks became durable at acceptance; a crash then loses them) */
    /** Network-adjusted time in unix seconds; NULL = time(NULL). For "time-too-new" and IBD. */
    int64_t (*adjusted_time)(void);
    /** -minimumchainwork (Core's MinimumChainWork; default 0): an unrequested block (force false
     *  in chainstate_process_new_block) on a chain with less work is not stored. */
    struct arith256 min_chain_work;
};

/** Fills *o with the defaults above (params and datadir NULL). */
void chainstate_options_init(struct chainstate_options *o);

/**
 * Opens (creating if needed) the chain state under opt->datadir: the block
 * files, the block index database (loaded into memory), the coins database
 * with its cache, the optional txindex. Then: refuses an "unknown inconsistent
 * state" (HEAD_BLOCKS with a count other than 2), replays an interrupted coins
 * flush (rolls the old branch back with undo data, forward to the new head),
 * inserts genesis if the index is empty, sets the active tip to the coins'
 * best block and runs verify_chain(check_level, check_blocks).
 * With opt->reindex the index and chainstate are wiped first (call
 * chainstate_reindex afterwards, typically on a background thread); with
 * opt->reindex_chainstate only the chainstate is (chainstate_catch_up
 * then reconnects the stored blocks).
 * On a new data directory genesis is stored and connected here, so the tip
 * is never NULL after a successful open (except while a reindex is pending).
 * Blocks stored beyond the coins' tip (after -reindex-chainstate, or a crash
 * before the coins were flushed) are NOT connected here: the daemon then calls
 * chainstate_catch_up (it may take long; a background thread is fine).
 * Typical start-up: open; if chainstate_reindex_pending() then
 * chainstate_reindex() else chainstate_catch_up(); then
 * chainstate_import_file() for each -loadblock. Stop such a thread (its stop
 * flag) and join it before chainstate_close.
 * Out: *out. Returns 0, or -1 with a message in err (corruption messages end
 * with "Please restart with -reindex or -reindex-chainstate to recover.").
 */
__attribute__((warn_unused_result)) int chainstate_open(struct chainstate **out, const struct chainstate_options *opt,
                                                        char *err, size_t errlen);

/** Flushes everything (blocks, index, coins) and frees the chainstate. NULL is a no-op. */
void chainstate_close(struct chainstate *cs);

/** Takes the (recursive) chain lock. */
void chainstate_lock(struct chainstate *cs);
/** Releases the chain lock. */
void chainstate_unlock(struct chainstate *cs);

/** Returns the chain parameters (borrowed, constant). */
const struct chain_params *chainstate_params(const struct chainstate *cs);
/** Returns true once a fatal error happened (the node is shutting down). */
bool chainstate_failed(struct chainstate *cs);
/**
 * Marks the blocks processed until the next call as assembled by this node
 * (generate*, generateblock, the native miner): only for those is the
 * new_pow_valid_block event emitted (src/chain/events.h), so compact block
 * relay pushes them before they are connected. Call with the chain lock
 * held, and again with false before releasing it.
 */
void chainstate_set_own_block(struct chainstate *cs, bool own);

/* ---- processing blocks ---- */

/**
 * Validates and stores a block and makes the most-work valid chain active
 * (Core's ProcessNewBlock). force: the block was asked for or comes from a
 * trusted source (submitblock, -loadblock, mining, a block P2P requested):
 * store it whenever it is valid. Without force (a block a peer sent
 * unasked), Core's AcceptBlock rules decide, atomically under the chain
 * lock: it is stored only if its chain has at least as much work as the
 * tip, it is at most 288 blocks (MIN_BLOCKS_TO_KEEP) above the tip and its
 * chain reaches opt.min_chain_work; otherwise it is only checked (context-
 * free block checks, as ProcessNewBlock's CheckBlock) and dropped: true with
 * *new_block false and st valid, or false with st invalid.
 * Out: *new_block (may be NULL): the block was not already stored.
 * Returns true if the block was accepted (stored); st then reports whether it
 * later failed while connecting (st invalid with Core's reason, e.g.
 * "bad-cb-amount", "bad-txns-inputs-missingorspent", "bad-blk-sigops",
 * "block-validation-failed" for script failures). Returns false with st set
 * if it was rejected before storage (bad header, "high-hash", "bad-txnmrklroot",
 * a block already stored is NOT an error: true with *new_block false and st
 * valid; a block already known invalid: false with VAL_BLOCK_CACHED_INVALID
 * "duplicate", as Core; submitblock maps these to "duplicate"/"duplicate-invalid").
 * For a block whose parent is unknown: false, VAL_BLOCK_MISSING_PREV, "prev-blk-not-found".
 */
bool chainstate_process_new_block(struct chainstate *cs, struct val_state *st, bool *new_block,
                                  const struct block *b, bool force);

/**
 * A block a peer sent unasked (Core's ProcessNewBlock with force_processing
 * false and min_pow_checked): chainstate_process_new_block without force,
 * and, under the same chain lock, when the AcceptBlock rules leave the block
 * unstored, its header is still validated and stored if min_pow_checked (the
 * caller found that the header's chain clears its anti-DoS work threshold,
 * Core's GetAntiDoSWorkThreshold), as Core's AcceptBlockHeader does before
 * those rules. All of the unrequested-block policy is here, decided at once.
 * Out: *new_block (may be NULL). Returns as chainstate_process_new_block;
 * false with st set (the header's reason: "bad-diffbits", "time-too-new",
 * ...) if the header of a block that was not stored is invalid.
 */
bool chainstate_process_unrequested_block(struct chainstate *cs, struct val_state *st, bool *new_block,
                                          const struct block *b, bool min_pow_checked);

/**
 * Validates headers and adds them to the tree (Core's ProcessNewBlockHeaders).
 * Out: *last (may be NULL): the index of the last header accepted.
 * Returns false with st set at the first bad header.
 */
bool chainstate_process_headers(struct chainstate *cs, struct val_state *st, struct block_index **last,
                                const struct block_header *headers, size_t count);

/**
 * Checks a block as if it were connected on top of the current tip without
 * changing anything (Core's TestBlockValidity: getblocktemplate proposals,
 * generateblock, the miner). Precondition: b's prev_hash is the tip.
 * check_pow / check_merkle as block_check. Returns false with st set.
 */
bool chainstate_test_block_validity(struct chainstate *cs, struct val_state *st, const struct block *b,
                                    bool check_pow, bool check_merkle);

/**
 * Connects the most-work valid chain (Core's ActivateBestChain), one block at
 * a time with events after each step; invalid blocks found on the way are
 * marked BLOCK_FAILED_VALID (descendants BLOCK_FAILED_CHILD) and the next
 * best chain is tried. Returns false only on a fatal (storage) error.
 */
bool chainstate_activate_best_chain(struct chainstate *cs, struct val_state *st);

/**
 * Start-up catch-up (doc/chainstate.md): connects the blocks stored beyond
 * the chain state's tip, from the coins' best block to the best valid stored
 * block (most work, data present along its branch, not failed), one block at
 * a time, taking the chain lock per block. After a crash these are the
 * blocks accepted since the last flush (their index entries are written at
 * acceptance); after -reindex-chainstate, the whole chain. Logs "Catching
 * up: N blocks to connect ...", "Catching up: connected N of M blocks
 * (height H)" every 10 s and at the end. Checks *stop (may be NULL) between
 * blocks and returns early when it is set: the blocks connected so far stay
 * in the coins cache (flushed at close as usual) and a later start resumes,
 * after a crash too. A block whose stored data cannot be read (possible only
 * after a power loss: see doc/chainstate.md) is forgotten rather than fatal:
 * its data flag is cleared and it must be received again. Environment
 * variable HASHMINT_TEST_CATCHUP_PAUSE=N (tests; needs stop): wait after N
 * blocks until *stop is set. Returns the number of blocks connected (or
 * disconnected), or -1 after a fatal error.
 */
long chainstate_catch_up(struct chainstate *cs, const atomic_bool *stop);

/**
 * Marks a block and its descendants invalid and disconnects them if active
 * (invalidateblock). Returns false with st set on error (e.g. genesis).
 */
bool chainstate_invalidate_block(struct chainstate *cs, struct val_state *st, struct block_index *bi);
/** Clears the failure flags of bi, its ancestors and descendants (reconsiderblock), then activates. */
bool chainstate_reconsider_block(struct chainstate *cs, struct val_state *st, struct block_index *bi);
/** Treats bi as if it arrived before any other block of equal work (preciousblock), then activates. */
bool chainstate_precious_block(struct chainstate *cs, struct val_state *st, struct block_index *bi);

/**
 * Imports a blk-format file (4-byte chain magic, 4-byte LE length, block,
 * repeated; other bytes are skipped until the next magic), as -loadblock.
 * Blocks whose parent is not yet known are held back and processed when it
 * arrives. Logs height, progress and blocks/s every few seconds.
 * stop (may be NULL): polled; import stops early when it becomes true.
 * Returns the number of blocks accepted, or -1 if the file cannot be read or
 * a fatal error happened.
 */
long chainstate_import_file(struct chainstate *cs, const char *path, const atomic_bool *stop);
/**
 * -reindex: rebuilds the block index from blocks/blk*.dat in place (blocks
 * are not copied), then activates the best chain. Call after chainstate_open
 * with opt.reindex set. Returns the number of blocks indexed, -1 on error.
 */
long chainstate_reindex(struct chainstate *cs, const atomic_bool *stop);
/**
 * Returns true if the daemon must call chainstate_reindex: opt.reindex was
 * given, or an earlier reindex was interrupted (its marker is still in the
 * block index database). Until it has run, the tip is NULL (height -1) and
 * nothing is written to the block files.
 */
bool chainstate_reindex_pending(struct chainstate *cs);

/** Flush modes (Core's FlushStateMode). */
enum chainstate_flush_mode {
    CHAINSTATE_FLUSH_IF_NEEDED, /* only if the coins cache is over budget */
    CHAINSTATE_FLUSH_PERIODIC,  /* if over budget or write_interval passed */
    CHAINSTATE_FLUSH_ALWAYS,    /* now (shutdown, gettxoutsetinfo, tests) */
};
/**
 * Writes state to disk in RELIABILITY.md's order: free-space check, block and
 * undo files fsynced, block index batch (synced), coins two-head flush.
 * Returns false on a fatal error (already reported through the callback).
 */
bool chainstate_flush(struct chainstate *cs, enum chainstate_flush_mode mode);

/* ---- reading the chain ---- */

/** Returns the active tip (NULL only before genesis is inserted). */
struct block_index *chainstate_tip(struct chainstate *cs);
/** Returns the active chain's height (-1 if empty). */
int32_t chainstate_height(struct chainstate *cs);
/** Returns the most-work header that is not known invalid (getblockchaininfo "headers"). */
struct block_index *chainstate_best_header(struct chainstate *cs);
/** Returns the block index entry for hash, or NULL. */
struct block_index *chainstate_lookup(struct chainstate *cs, const struct hash256 *hash);
/** Returns the active chain's block at height, or NULL out of range. */
struct block_index *chainstate_at_height(struct chainstate *cs, int32_t height);
/** Returns true if bi is on the active chain. */
bool chainstate_in_active_chain(struct chainstate *cs, const struct block_index *bi);
/** Returns bi's successor on the active chain, or NULL. */
struct block_index *chainstate_next(struct chainstate *cs, const struct block_index *bi);
/** Returns the last block of the active chain that is an ancestor of bi (or bi). */
struct block_index *chainstate_find_fork(struct chainstate *cs, const struct block_index *bi);

/**
 * Reads a stored block. Out: *out (initialised here; block_clear it).
 * Returns false if the block has no data (pruned/header only: "Block not
 * available") or cannot be read/parsed/hash-checked ("Block not found on disk").
 */
__attribute__((warn_unused_result)) bool chainstate_read_block(struct chainstate *cs, struct block *out,
                                                               const struct block_index *bi);
/** Reads a stored block's serialisation. Out: *data (mem_free it), *len. Returns false as above. */
__attribute__((warn_unused_result)) bool chainstate_read_block_raw(struct chainstate *cs, uint8_t **data, size_t *len,
                                                                   const struct block_index *bi);
/** Reads a block's undo data (checksum verified). Out: *out (block_undo_init'ed here; block_undo_clear it). Returns false if missing/corrupt. */
__attribute__((warn_unused_result)) bool chainstate_read_undo(struct chainstate *cs, struct block_undo *out,
                                                              const struct block_index *bi);

/**
 * Looks up an unspent coin through the cache (gettxout, mempool). Out: *out
 * (a deep copy; coin_clear it), untouched when not found.
 * Returns true if the coin exists and is unspent.
 */
bool chainstate_get_coin(struct chainstate *cs, struct coin *out, const struct outpoint *op);
/** Returns true if the coin exists and is unspent (no copy). */
bool chainstate_have_coin(struct chainstate *cs, const struct outpoint *op);

/**
 * Every chain tip (blocks with no known child; getchaintips): Out: *tips,
 * an array of borrowed entries (mem_free the array), *count. The active tip
 * is among them.
 */
void chainstate_chain_tips(struct chainstate *cs, struct block_index ***tips, size_t *count);

/** Returns true during initial block download (latches to false once left). */
bool chainstate_is_initial_download(struct chainstate *cs);
/** Estimated fraction (0..1) of the chain's transactions verified at bi (Core's GuessVerificationProgress). */
double chainstate_verification_progress(struct chainstate *cs, const struct block_index *bi);
/** Bytes used by blocks/ (blk and rev files), for getblockchaininfo "size_on_disk". */
uint64_t chainstate_size_on_disk(struct chainstate *cs);
/** Returns the coins cache's heap usage in bytes and entry count (getmempoolinfo/gettxoutsetinfo helpers). */
size_t chainstate_coins_cache_usage(struct chainstate *cs, size_t *entries);

/**
 * Re-verifies the last `depth` blocks of the active chain at `level` (Core's
 * CVerifyDB; verifychain). level 0: read blocks; 1: block_check; 2: undo
 * data readable; 3: disconnect them on a scratch cache and check the result
 * is consistent; 4: reconnect them (full scripts). depth 0 = whole chain.
 * Returns true if all passed; false with st describing the first problem.
 */
bool chainstate_verify_chain(struct chainstate *cs, struct val_state *st, int level, int depth);

/** gettxoutsetinfo's numbers (hash_type "hash_serialized_3"-like, see chainstate.c). */
struct chainstate_utxo_stats {
    int32_t height;
    struct hash256 best_block;
    uint64_t transactions;     /* distinct txids with unspent outputs */
    uint64_t txouts;           /* unspent outputs */
    uint64_t bogosize;         /* Core's bogosize: 50 + script length per output */
    int64_t total_amount;      /* base units */
    struct hash256 hash_serialized; /* SHA256d over (outpoint, height*2+coinbase, txout) in key order */
    uint64_t disk_size;        /* approximate chainstate/ size in bytes */
};
/**
 * Flushes the coins then scans the coins database (Core's gettxoutsetinfo).
 * Out: *out. Returns false on a read error.
 */
bool chainstate_utxo_stats(struct chainstate *cs, struct chainstate_utxo_stats *out);

/**
 * Finds a confirmed transaction through -txindex. Out: *tx (tx_clear it) and
 * *block_hash (may be NULL). Returns false if not indexed / not found /
 * txindex disabled (chainstate_has_txindex tells which).
 */
bool chainstate_txindex_find(struct chainstate *cs, struct tx *tx, struct hash256 *block_hash,
                             const struct hash256 *txid);
/** Returns true if -txindex is on. */
bool chainstate_has_txindex(const struct chainstate *cs);

/* ---- for the mempool and the miner ---- */

/** Script verification flags for a block on top of the current tip (mempool consensus check, miner). */
uint32_t chainstate_next_block_script_flags(struct chainstate *cs);
/** Median time past of the active chain's block at height (clamped into range). */
int64_t chainstate_mtp_at_height(struct chainstate *cs, int32_t height);

/**
 * The issuance layer's output rule (doc/issuance.md): on a hashmint chain,
 * every token-prefixed output of tx must parse and name one of the chain's
 * assets. Used by block connection and by the mempool, so a transaction a
 * block would reject never waits in the pool. Returns true if tx passes (or
 * the chain has no tokens); else false with st's reject reason.
 */
bool chainstate_check_tx_outputs(struct chainstate *cs, struct val_state *st, const struct tx *tx);

/**
 * Verifies every input script of tx against the coins it spends with `flags`
 * (Core's CheckInputScripts), consulting and (if cache_store) filling the
 * script cache keyed by salted SHA-256(wtxid || flags): a transaction the
 * mempool verified with the next block's consensus flags and cache_store is
 * not re-verified when a block includes it. coins: tx->vin_count entries in
 * input order (their `out` must stay valid during the call).
 * Returns true if all pass; false with st = VAL_TX_CONSENSUS,
 * "mandatory-script-verify-flag-failed (<script error text>)" and the
 * failing input in st->debug. (The mempool, which checks with policy flags
 * first, decides itself whether a failure is "non-mandatory-script-verify-flag".)
 */
bool chainstate_check_tx_scripts(struct chainstate *cs, struct val_state *st, const struct tx *tx,
                                 const struct spent_coin *coins, uint32_t flags, bool cache_store);

#endif
