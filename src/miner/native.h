#ifndef HASHMINT_MINER_NATIVE_H
#define HASHMINT_MINER_NATIVE_H
/* The native SHA-256d miner (-gen, setgenerate).
 *
 * A manager thread keeps one current job (work.h): it assembles a block on
 * the tip from the mempool, paying the -miningaddress script (and the
 * -vaultaddress share, through the assembly options), and publishes it.
 * Worker threads each own a slice of the nonce space and walk the job's
 * units (extranonce, BIP 320 version) through it, keeping the header time
 * at the clock, with the chosen scan kernel (kernel.h); every candidate is
 * checked with the plain sha256d against the full target before it is
 * submitted through miner_submit_block (submit.h), the path submitblock
 * takes, so a found block is connected and relayed like any other.
 *
 * Fresh work: the chain's tip event marks the job stale at once (a
 * generation counter the workers read between chunks of about a
 * millisecond of hashing) and wakes the manager, which builds the next job;
 * every MINER_FEE_REFRESH_SECONDS it also rebuilds when the mempool changed
 * and switches if the fees grew. Each job gets a fresh extranonce prefix,
 * so no two jobs (nor a restart with another thread count) share work.
 *
 * On main and test, no job is published while the node is in initial block
 * download or has no peers (Core's old miner waited the same way).
 *
 * Locking: the miner's mutex is never held while taking the chain lock (the
 * tip callback runs with the chain lock held and takes the miner's mutex). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/crypto/sha256_scan.h"

struct chainstate;
struct mempool;
struct events;
struct chain_params;
struct miner_options;

/** How often (seconds) the manager looks for better fees in the mempool. */
#define MINER_FEE_REFRESH_SECONDS 5
/** The most worker threads setgenerate / -genproclimit may ask for. */
#define MINER_MAX_THREADS 256

/** What the miner is built on; the pointers are borrowed and must outlive it. */
struct native_miner_options {
    const struct chain_params *params;
    struct chainstate *chain;
    struct mempool *mempool;
    struct events *events;
    /** The coinbase payout script (-miningaddress), copied; may be empty (then the miner cannot start). */
    const uint8_t *script;
    size_t script_len;
    /** Block assembly options (-blockmaxweight, -vaultaddress ...); NULL: defaults. Borrowed. */
    const struct miner_options *assembly;
    /** Threads when the caller does not say (-genproclimit; resolved, >= 1). */
    int default_threads;
    /** Regtest tests (-minerextrabits): require this many more leading zero bits of a block hash. */
    unsigned extra_zero_bits;
    /** The kernel (-minerkernel); AUTO measures. */
    enum sha256_scan_kernel kernel;
    /** The clock for header times, unix seconds (NULL: time(NULL)); tests set the chain's fake clock. */
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
    /** Returns how many peers the node has (NULL: never wait for peers). */
    size_t (*peer_count)(void *ctx);
    void *peer_ctx;
};

/** The miner. Opaque; thread-safe. */
struct native_miner;

/**
 * Creates a stopped miner and subscribes it to the chain's events. Returns
 * NULL with err set if the kernel is unavailable on this CPU.
 */
struct native_miner *native_miner_new(const struct native_miner_options *o, char *err, size_t errlen);
/** Stops the threads, unsubscribes and frees (NULL is a no-op). Not from a chain event callback. */
void native_miner_free(struct native_miner *m);

/** Why native_miner_start refused. */
enum native_miner_start_result {
    NATIVE_MINER_STARTED,
    NATIVE_MINER_NO_ADDRESS,   /* no -miningaddress */
    NATIVE_MINER_IN_IBD,       /* main/test chain in initial block download */
    NATIVE_MINER_NO_THREADS,   /* the system refused to create the threads */
};

/**
 * Starts mining with `threads` workers (1..MINER_MAX_THREADS; the caller
 * resolves "all cores"), restarting them if already running with another
 * count. check_ibd: refuse on main/test while in initial block download
 * (setgenerate); -gen at start-up passes false and the manager waits.
 */
enum native_miner_start_result native_miner_start(struct native_miner *m, int threads, bool check_ibd);
/** Stops mining and joins the threads (no-op when stopped). Not from a chain event callback. */
void native_miner_stop(struct native_miner *m);
/** Returns true while mining threads run. */
bool native_miner_running(struct native_miner *m);
/** Returns the thread count used when none is given (native_miner_options.default_threads). */
int native_miner_default_threads(struct native_miner *m);
/** Returns the number of CPUs online (at least 1): what "all cores" means. */
int native_miner_cpu_count(void);

/** One worker's figures. */
struct native_miner_thread_stats {
    uint64_t hashes;       /* nonces scanned since the thread started */
    double hashes_per_sec; /* over the last few seconds */
};

/** A snapshot for getmininginfo; free with native_miner_stats_clear. */
struct native_miner_stats {
    bool running;
    int threads;                 /* workers running (0 when stopped) */
    const char *kernel;          /* the kernel's name (static) */
    double hashes_per_sec;       /* sum over the workers */
    uint64_t hashes;             /* total since the miner was created */
    uint64_t blocks_found;       /* accepted on the active chain when submitted */
    uint64_t blocks_rejected;    /* submitted and not accepted (stale or invalid) */
    uint64_t candidates_false;   /* kernel candidates the full check refused (expected: most of them) */
    uint64_t jobs;               /* jobs published */
    uint64_t stale_abandoned;    /* jobs abandoned by workers on a new tip */
    double last_abandon_ms;      /* from the last tip event to a worker leaving the stale job (-1: none yet) */
    int32_t job_height;          /* height of the block being mined (-1: none) */
    const char *waiting;         /* why no job is published, or NULL (static) */
    struct native_miner_thread_stats *per_thread; /* `threads` entries, owned */
};

/** Out: a snapshot of the miner's figures. */
void native_miner_stats_get(struct native_miner *m, struct native_miner_stats *out);
/** Frees what a snapshot owns. */
void native_miner_stats_clear(struct native_miner_stats *s);

#endif
