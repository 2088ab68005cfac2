#ifndef HASHMINT_CHAIN_MEMPOOL_H
#define HASHMINT_CHAIN_MEMPOOL_H
/* The transaction memory pool (Bitcoin Core's CTxMemPool plus
 * MemPoolAccept): unconfirmed transactions that passed consensus and relay
 * policy, indexed by txid, wtxid and the outpoints they spend, with cached
 * ancestor/descendant statistics; acceptance with Core's reject reasons,
 * full replace-by-fee, chain limits, a size cap with eviction by descendant
 * fee rate and a rolling minimum fee, expiry, reorganisation handling and
 * persistence to mempool.dat.
 *
 * Reaching the chain. The mempool never includes the chainstate: it asks
 * through struct mempool_chain (function pointers), so unit tests plug in a
 * fake. src/chain/mempool_chainstate.c fills one from a struct chainstate
 * (mempool_chain_from_chainstate) and subscribes the mempool to the chain's
 * events list (mempool_subscribe_events).
 *
 * Locking. The mempool is protected by the CHAIN LOCK (chain.lock/unlock,
 * which must be recursive): every public function takes it, so single calls
 * are safe from any thread, and the event handlers below can run inside the
 * chain's own locked sections. Hold chainstate_lock() yourself around several
 * calls that must see one state (e.g. getrawmempool verbose).
 *
 * Reorganisations (the chain calls these through the events list, chain lock
 * held): mempool_on_block_connected removes the block's transactions and
 * their conflicts; mempool_on_block_disconnected stashes the block's
 * non-coinbase transactions; mempool_on_updated_tip re-adds the stash (oldest
 * block first, limits bypassed), then removes entries no longer valid at the
 * new tip (non-final, sequence locks, immature coinbase spends; reason
 * "reorg"), then trims to the size limit.
 *
 * Sequence numbers (ZMQ "sequence" topic, getrawmempool mempool_sequence):
 * start at 1; every addition and every removal takes the current value and
 * increments it (Core's GetAndIncrementSequence). Additions and removals
 * other than MEMPOOL_REMOVAL_BLOCK are announced through struct
 * mempool_notify with the value taken. A replacement announces the
 * removals (REPLACED) before the addition, as Core.
 *
 * Not (yet) in hashmint's mempool, on purpose: package relay/acceptance,
 * TRUC (v3) topology rules (version 3 is merely standard), the CPFP
 * carve-out, cluster-diagram RBF checks, ephemeral dust, the 20 MB cap on
 * the reorg stash. Ancestor/descendant statistics are recomputed by walking
 * the (limit-bounded) graph rather than updated incrementally. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "consensus/params.h"
#include "consensus/tx.h"
#include "consensus/tx_verify.h"
#include "consensus/validation.h"
#include "src/chain/events.h"
#include "src/chain/policy.h"

/** Core's defaults: -maxmempool 300 (MB), -mempoolexpiry 336 (hours). */
#define MEMPOOL_DEFAULT_MAX_SIZE_MB 300
#define MEMPOOL_DEFAULT_EXPIRY_HOURS 336
/** Chain limits (-limitancestorcount etc.): 25 transactions, 101 kvB. */
#define MEMPOOL_DEFAULT_ANCESTOR_LIMIT 25
#define MEMPOOL_DEFAULT_ANCESTOR_SIZE_LIMIT_KVB 101
#define MEMPOOL_DEFAULT_DESCENDANT_LIMIT 25
#define MEMPOOL_DEFAULT_DESCENDANT_SIZE_LIMIT_KVB 101
/** Most transactions one replacement may evict (Core's MAX_REPLACEMENT_CANDIDATES). */
#define MEMPOOL_MAX_REPLACEMENT_CANDIDATES 100
/** Half-life of the rolling minimum fee in seconds (Core's ROLLING_FEE_HALFLIFE, 12 h). */
#define MEMPOOL_ROLLING_FEE_HALFLIFE (60 * 60 * 12)
/** The mempool.dat format version written (Core's MEMPOOL_DUMP_VERSION_NO_XOR_KEY). */
#define MEMPOOL_DUMP_VERSION 1

/** What the chain tells the mempool about its tip. */
struct mempool_chain_tip {
    struct hash256 hash;  /* the active tip's block hash */
    int32_t height;       /* its height; a new transaction would be mined at height + 1 */
    int64_t mtp;          /* its median time past (BIP 113 lock-time cutoff) */
    uint32_t next_bits;   /* nBits a block on the tip must carry (for the miner) */
    uint32_t next_flags;  /* consensus script flags of a block on the tip */
};

/**
 * The chain as the mempool and the miner see it. Every callback receives ctx.
 * lock/unlock: the recursive chain lock (may be NULL: no locking, for tests).
 */
struct mempool_chain {
    void *ctx;
    void (*lock)(void *ctx);
    void (*unlock)(void *ctx);
    /** Out: *out, the active tip. Required. */
    void (*tip)(void *ctx, struct mempool_chain_tip *out);
    /**
     * Looks up an unspent output in the chain's UTXO set (not the mempool).
     * Out: *out (a deep copy the caller txout_clear()s), *height (of its
     * block), *coinbase; untouched when not found. Returns true if found.
     * Required.
     */
    bool (*get_coin)(void *ctx, struct txout *out, int32_t *height, bool *coinbase, const struct outpoint *op);
    /** Median time past of the active chain's block at height (BIP 68 time locks). Required. */
    int64_t (*mtp_at)(void *ctx, int32_t height);
    /**
     * Verifies every input script of tx with flags (Core's CheckInputScripts);
     * coins: tx->vin_count entries. cache_store: remember success (script
     * cache). Returns false with st->debug holding the script error text
     * (script_error_string). NULL: the mempool verifies directly, no cache.
     */
    bool (*check_scripts)(void *ctx, struct val_state *st, const struct tx *tx, const struct spent_coin *coins,
                          uint32_t flags, bool cache_store);
    /**
     * The issuance layer's transaction rules on hashmint chains
     * (doc/issuance.md), judged at the tip's height + 1 against the tip's
     * issuance state: returns false with st set to reject tx. Transactions
     * that spend or create token-prefixed outputs are judged again at every
     * new tip and removed (MEMPOOL_REMOVAL_REORG, with their descendants)
     * when they no longer pass. NULL: none.
     */
    bool (*check_tx_issuance)(void *ctx, struct val_state *st, const struct tx *tx, const struct spent_coin *coins);
    /**
     * Block assembly on hashmint chains: judges txs[0..count), in this
     * order, as the transactions of the next block, each against the
     * issuance state after the kept ones before it (the pool judges each
     * against the tip's state only, so two mints may each fit the ceiling
     * but not together). Out: keep[i]; a transaction spending an output of
     * a dropped one is dropped too. NULL: every transaction is kept.
     */
    void (*issuance_filter)(void *ctx, bool *keep, const struct tx *const *txs, size_t count);
    /**
     * Block assembly on hashmint chains: appends to coinbase (its vault
     * outputs included) the HMRS commitment of the reserve tree after a
     * block of coinbase and txs[0..count) on the tip (doc/issuance.md, "The
     * commitment output"). Leaves coinbase alone when a transaction's
     * inputs cannot be found (the block is invalid anyway). NULL: none.
     */
    void (*reserve_commitment)(void *ctx, struct tx *coinbase, const struct tx *const *txs, size_t count);
    /**
     * Checks a block as if connected on the tip (Core's TestBlockValidity,
     * without proof of work). Used by the miner. NULL: not checked.
     */
    bool (*test_block)(void *ctx, struct val_state *st, const struct block *b);
};

/** Where additions and removals are announced (usually the chain's events list). Callbacks may be NULL. */
struct mempool_notify {
    void *ctx;
    void (*tx_added)(void *ctx, const struct tx *tx, uint64_t mempool_sequence);
    /** Not called for MEMPOOL_REMOVAL_BLOCK (as Core). */
    void (*tx_removed)(void *ctx, const struct tx *tx, enum mempool_removal_reason reason, uint64_t mempool_sequence);
};

/** Mempool configuration; mempool_options_init gives Core's defaults. */
struct mempool_options {
    const struct chain_params *params; /* required */
    struct mempool_chain chain;        /* required (copied) */
    struct mempool_notify notify;      /* optional (copied) */
    struct policy_options policy;      /* standardness knobs */
    bool require_standard;             /* !-acceptnonstdtxn: apply the policy_* checks */
    bool full_rbf;                     /* -mempoolfullrbf (Core 28+ default true); false: only BIP 125 signalling */
    uint64_t max_size_bytes;           /* -maxmempool MB * 1,000,000 */
    int64_t expiry_seconds;            /* -mempoolexpiry hours * 3600 */
    int64_t min_relay_feerate;         /* -minrelaytxfee, sat/kvB */
    int64_t incremental_relay_feerate; /* -incrementalrelayfee, sat/kvB */
    int64_t bytes_per_sigop;           /* -bytespersigop */
    uint32_t ancestor_limit;           /* -limitancestorcount */
    uint64_t ancestor_size_limit;      /* -limitancestorsize kvB * 1000 (virtual bytes) */
    uint32_t descendant_limit;         /* -limitdescendantcount */
    uint64_t descendant_size_limit;    /* -limitdescendantsize kvB * 1000 */
    /** Current unix time; NULL = time(NULL). Tests set a fake clock. */
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
};

/** Fills *o with Core's defaults for chain p (chain and notify zeroed). */
void mempool_options_init(struct mempool_options *o, const struct chain_params *p);

struct mempool;

/** Returns a new empty mempool (options copied). mempool_free it. */
struct mempool *mempool_new(const struct mempool_options *o);
/** Frees the mempool and its transactions (NULL is a no-op). No notifications are sent. */
void mempool_free(struct mempool *mp);
/** Returns the options in force (borrowed). */
const struct mempool_options *mempool_options(const struct mempool *mp);

/* ---- acceptance ---- */

/** How mempool_accept treats a transaction. */
struct mempool_accept_args {
    bool test_accept;    /* testmempoolaccept: run every check, change nothing */
    bool bypass_limits;  /* re-adding after a reorg / loading: skip fee floors and chain/size limits */
    int64_t accept_time; /* entry time (mempool.dat); 0 = now */
    int64_t max_fee;     /* > 0: reject with "max-fee-exceeded" if the fee is larger (sendrawtransaction maxfeerate) */
};

/** What mempool_accept found (filled as far as the checks got). */
struct mempool_accept_result {
    struct hash256 txid;
    struct hash256 wtxid;
    int64_t fee;           /* base fee (0 until inputs were looked up) */
    int64_t modified_fee;  /* fee plus prioritisetransaction delta */
    int64_t vsize;         /* sigop-adjusted virtual size */
    int64_t weight;
    struct hash256 *replaced; /* owned: txids of evicted transactions (mempool_accept_result_clear) */
    size_t replaced_count;
};

/** Frees what a result owns and zeroes it. */
void mempool_accept_result_clear(struct mempool_accept_result *r);

/**
 * Validates tx against the chain and the mempool and adds it (Core's
 * AcceptToMemoryPool). tx is copied. args may be NULL (defaults).
 * Out: *res (may be NULL; mempool_accept_result_clear it).
 * Returns true if accepted (or, with test_accept, would be). Otherwise false
 * with st set (st->result decides what the RPC/peer layer does):
 *  - VAL_TX_CONSENSUS: invalid by consensus: tx_check's and CheckTxInputs'
 *    reasons ("bad-txns-in-belowout", "bad-txns-vin-empty", ...), "coinbase",
 *    "mandatory-script-verify-flag-failed (<script error>)";
 *  - VAL_TX_NOT_STANDARD: policy: "version", "tx-size", "tx-size-small",
 *    "scriptsig-size", "scriptsig-not-pushonly", "scriptpubkey",
 *    "bare-multisig", "dust", "multi-op-return", "bad-txns-too-many-sigops",
 *    "non-mandatory-script-verify-flag (<script error>)";
 *  - VAL_TX_INPUTS_NOT_STANDARD: "bad-txns-nonstandard-inputs";
 *  - VAL_TX_WITNESS_MUTATED: "bad-witness-nonstandard";
 *  - VAL_TX_MISSING_INPUTS: "bad-txns-inputs-missingorspent" (Core's state
 *    string; testmempoolaccept shows "missing-inputs" for this result and
 *    sendrawtransaction "Missing inputs", as Core's RPC layer does);
 *  - VAL_TX_PREMATURE_SPEND: "non-final", "non-BIP68-final",
 *    "bad-txns-premature-spend-of-coinbase";
 *  - VAL_TX_CONFLICT: "txn-already-in-mempool", "txn-already-known",
 *    "txn-same-nonwitness-data-in-mempool", "txn-mempool-conflict";
 *  - VAL_TX_MEMPOOL_POLICY: "min relay fee not met", "mempool min fee not met",
 *    "insufficient fee", "too-long-mempool-chain",
 *    "replacement-adds-unconfirmed", "too many potential replacements",
 *    "bad-txns-spends-conflicting-tx", "mempool full", "max-fee-exceeded".
 * st->debug carries Core's detail text where Core has one ("0 < 96",
 * "too many unconfirmed ancestors [limit: 25]", "rejecting replacement ...").
 * Script failures: st->reject is limited to 79 characters by struct
 * val_state, so a long script error is cut there; st->debug holds the whole
 * "mandatory-script-verify-flag-failed (...)" string (use it for RPC text).
 * The issuance hook (chain.check_tx_issuance) may add its own reasons.
 */
bool mempool_accept(struct mempool *mp, struct val_state *st, struct mempool_accept_result *res, const struct tx *tx,
                    const struct mempool_accept_args *args);

/* ---- chain events (registered by mempool_subscribe_events; chain lock held) ---- */

/** Removes b's transactions (reason BLOCK, not announced) and mempool
 *  transactions spending the same outpoints with their descendants
 *  (CONFLICT); drops them from the reorg stash; resets the rolling fee bump. */
void mempool_on_block_connected(struct mempool *mp, const struct block *b);
/** Stashes b's non-coinbase transactions for re-adding at the next tip update. */
void mempool_on_block_disconnected(struct mempool *mp, const struct block *b);
/** Re-adds stashed transactions, removes entries invalid at the new tip (REORG), trims to size. */
void mempool_on_updated_tip(struct mempool *mp);

/* ---- maintenance ---- */

/**
 * Removes entries older than -mempoolexpiry (and their descendants, reason
 * EXPIRY), then evicts the lowest descendant-fee-rate packages until the
 * pool fits -maxmempool (SIZELIMIT), raising the rolling minimum fee.
 * mempool_accept calls this after each addition. Returns entries removed.
 */
size_t mempool_limit_size(struct mempool *mp);
/** Removes entries whose time is before `cutoff` (with descendants, EXPIRY). Returns how many. */
size_t mempool_expire(struct mempool *mp, int64_t cutoff);
/** Removes every entry (no notifications) and resets the stash; the sequence number is kept. */
void mempool_clear(struct mempool *mp);

/**
 * prioritisetransaction: adds delta base units to txid's modified fee (now,
 * or when it enters later; deltas sum). Ancestor/descendant fee statistics
 * are updated.
 */
void mempool_prioritise(struct mempool *mp, const struct hash256 *txid, int64_t delta);
/** Returns the prioritisation delta recorded for txid (0 if none). */
int64_t mempool_fee_delta(struct mempool *mp, const struct hash256 *txid);
/** One recorded prioritisation (getprioritisedtransactions). */
struct mempool_delta {
    struct hash256 txid;
    int64_t delta;
};
/** Out: *deltas (mem_free it; NULL when none) and *count: every recorded prioritisation. */
void mempool_deltas(struct mempool *mp, struct mempool_delta **deltas, size_t *count);

/* ---- queries (getmempoolinfo, getrawmempool, getmempoolentry ...) ---- */

/** getmempoolinfo's numbers. Fee rates in sat/kvB. */
struct mempool_stats {
    bool loaded;                 /* mempool.dat has been loaded (or loading was not requested) */
    uint64_t size;               /* transactions */
    uint64_t bytes;              /* sum of virtual sizes */
    uint64_t usage;              /* estimated heap bytes */
    int64_t total_fee;           /* sum of base fees */
    uint64_t max_size_bytes;     /* -maxmempool */
    int64_t min_fee;             /* mempoolminfee: max(rolling minimum, -minrelaytxfee) */
    int64_t min_relay_feerate;   /* minrelaytxfee */
    int64_t incremental_relay_feerate;
    uint64_t unbroadcast_count;  /* always 0: the unbroadcast set (Core's re-announcement of local txs) is not kept */
    bool full_rbf;
    uint64_t sequence;           /* the current mempool sequence number */
};
/** Out: *out. */
void mempool_get_stats(struct mempool *mp, struct mempool_stats *out);

/** One entry as getmempoolentry shows it. Fees in base units; sizes virtual bytes. */
struct mempool_entry_info {
    struct hash256 txid;
    struct hash256 wtxid;
    int64_t fee;          /* base */
    int64_t modified_fee; /* with prioritisation */
    int64_t vsize;        /* sigop-adjusted */
    int64_t weight;
    int64_t time;         /* entry time, unix seconds */
    int32_t height;       /* chain height when it entered */
    uint64_t ancestor_count;  /* including itself */
    int64_t ancestor_size;
    int64_t ancestor_fees;    /* modified */
    uint64_t descendant_count;
    int64_t descendant_size;
    int64_t descendant_fees;  /* modified */
    int64_t sigop_cost;
    bool bip125_replaceable;  /* signals, or has a signalling ancestor */
    uint64_t entry_sequence;  /* the sequence number taken when it entered */
};

/** Returns true if txid is in the mempool. */
bool mempool_has(struct mempool *mp, const struct hash256 *txid);
/** Returns true if a transaction with this wtxid is in the mempool. */
bool mempool_has_wtxid(struct mempool *mp, const struct hash256 *wtxid);
/** Returns the number of transactions. */
size_t mempool_size(struct mempool *mp);
/** Returns the current sequence number. */
uint64_t mempool_sequence(struct mempool *mp);
/** Out: *info for txid. Returns false if absent. */
bool mempool_entry_get(struct mempool *mp, struct mempool_entry_info *info, const struct hash256 *txid);
/** Out: *out, a deep copy of the transaction (tx_clear it). Returns false if absent. */
bool mempool_tx_get(struct mempool *mp, struct tx *out, const struct hash256 *txid);

/**
 * Out: *txids (mem_free the array), *count: every txid, in entry order
 * (oldest first); *sequence (may be NULL) the sequence number at that moment.
 */
void mempool_txids(struct mempool *mp, struct hash256 **txids, size_t *count, uint64_t *sequence);

/** Which related transactions mempool_related returns. */
enum mempool_relation {
    MEMPOOL_PARENTS,     /* "depends": direct in-mempool parents */
    MEMPOOL_CHILDREN,    /* "spentby": direct in-mempool children */
    MEMPOOL_ANCESTORS,   /* all in-mempool ancestors, not itself */
    MEMPOOL_DESCENDANTS, /* all in-mempool descendants, not itself */
};
/**
 * Out: *txids (mem_free), *count: the related txids of txid (any order).
 * Returns false if txid is not in the mempool.
 */
bool mempool_related(struct mempool *mp, struct hash256 **txids, size_t *count, const struct hash256 *txid,
                     enum mempool_relation rel);

/** Calls fn for every entry (entry order, chain lock held; fn must not modify the mempool). */
void mempool_each(struct mempool *mp, void (*fn)(void *arg, const struct mempool_entry_info *info, const struct tx *tx),
                  void *arg);

/**
 * Returns true if a mempool transaction spends op; Out: *spender (may be NULL) its txid.
 * (gettxout with include_mempool treats such coins as spent.)
 */
bool mempool_is_spent(struct mempool *mp, struct hash256 *spender, const struct outpoint *op);
/**
 * Looks up an output created by a mempool transaction. Out: *out (a deep
 * copy; txout_clear it). Returns false if no mempool transaction has it.
 */
bool mempool_get_output(struct mempool *mp, struct txout *out, const struct outpoint *op);

/** Returns the current mempool minimum fee rate (rolling, decayed; sat/kvB; 0 when not full). */
int64_t mempool_min_fee(struct mempool *mp);

/* ---- persistence (mempool.dat) ---- */

/**
 * Writes every entry (tx with witness, time, fee delta) and the
 * prioritisation deltas to `path` as Core's version-1 mempool.dat: u64
 * version, u64 count, count * (tx, i64 time, i64 fee delta), CompactSize
 * count * (txid, i64 delta), CompactSize count of unbroadcast txids (0).
 * Atomic: written to path.new, fsynced, renamed over path, directory
 * fsynced. Returns 0, or -1 with a message in err.
 */
int mempool_dump(struct mempool *mp, const char *path, char *err, size_t errlen);
/**
 * Loads mempool.dat: applies the deltas, then re-validates each transaction
 * through mempool_accept (with its stored time; skipped if expired). A
 * missing file is not an error (nothing loaded). Marks the mempool loaded.
 * Out: *accepted, *failed, *expired (each may be NULL).
 * Returns 0, or -1 with err for an unreadable or malformed file (entries
 * read before the damage stay accepted).
 */
int mempool_load(struct mempool *mp, const char *path, size_t *accepted, size_t *failed, size_t *expired, char *err,
                 size_t errlen);
/** Marks the mempool loaded (when -persistmempool=0 skips mempool_load). */
void mempool_set_loaded(struct mempool *mp);

/* ---- wiring to the chainstate (src/chain/mempool_chainstate.c) ---- */

struct chainstate;
struct events;

/**
 * Out: *out, a struct mempool_chain over the chainstate (lock/unlock,
 * tip, coins, median time past, cached script checks, TestBlockValidity).
 * cs must outlive the mempool.
 */
void mempool_chain_from_chainstate(struct mempool_chain *out, struct chainstate *cs);
/**
 * Out: *out, a struct mempool_notify that emits tx added/removed on ev.
 * ev must outlive the mempool.
 */
void mempool_notify_from_events(struct mempool_notify *out, struct events *ev);
/**
 * Subscribes the mempool's block_connected / block_disconnected /
 * updated_block_tip handlers to ev (subscribe BEFORE other subscribers, so
 * they see the updated mempool). Returns the subscription id
 * (events_unsubscribe it before mempool_free).
 */
int mempool_subscribe_events(struct mempool *mp, struct events *ev);

#endif
