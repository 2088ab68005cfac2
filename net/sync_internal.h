#ifndef HASHMINT_NET_SYNC_INTERNAL_H
#define HASHMINT_NET_SYNC_INTERNAL_H
/* Shared by the parts of net/sync (sync.c: life cycle, peers, tick;
 * sync_headers.c; sync_blocks.c; sync_serve.c). Not for other modules. */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/arith256.h"
#include "consensus/block.h"
#include "consensus/validation.h"
#include "net/blockencodings.h"
#include "net/messages.h"
#include "net/node_iface.h"
#include "net/peer.h"
#include "net/sync.h"
#include "src/util/hash256.h"
#include "src/util/wbuf.h"

/* inv types (Core's GetDataMsg), as unsigned constants for bit masking. */
#define INV_BLOCK 2u
#define INV_FILTERED_BLOCK 3u
#define INV_CMPCT_BLOCK 4u
#define INV_WITNESS_FLAG (1u << 30)
#define INV_WITNESS_BLOCK (INV_BLOCK | INV_WITNESS_FLAG)

/* Stall timeout grows on each stall disconnect (Core's BLOCK_STALLING_TIMEOUT_MAX) and decays on progress. */
#define STALL_TIMEOUT_MAX_US (64 * 1000000LL)
/* Seconds between IBD progress lines. */
#define PROGRESS_INTERVAL_US (5 * 1000000LL)
/* A best header younger than this lets every peer start headers sync (Core: 24 h). */
#define RECENT_HEADER_SECONDS (24 * 3600)
/* Headers sync with one peer may take this long before it is given up (Core's HEADERS_DOWNLOAD_TIMEOUT_BASE). */
#define HEADERS_SYNC_TIMEOUT_US (15 * 60 * 1000000LL)

struct sync_peer {
    int64_t id;
    bool have_best; /* the best header we know the peer has */
    struct hash256 best_hash;
    int32_t best_height;
    struct arith256 best_work;
    bool have_common; /* the last block we both have (our block data, its header chain) */
    struct hash256 common_hash;
    int32_t common_height;
    bool have_sent; /* the best header we sent it (announcements, getheaders answers) */
    struct hash256 sent_hash;
    struct hash256 last_inv; /* last tip announced by inv (no repeats) */
    bool sync_started;
    int64_t sync_start_us;
    int unconnecting;
    size_t in_flight;
    int64_t stalling_since_us;
    /* Presync: a low-work chain held in memory (see net/sync.h). */
    struct block_header *pre;
    size_t npre, cappre;
    struct arith256 pre_work;
    struct hash256 pre_last;
    struct hash256 pre_parent; /* the known header the buffered chain builds on */
    /* getdata items not served yet (Core's vRecvGetData), served in order from gd_off. */
    struct net_inv *gd;
    size_t ngd, capgd, gd_off;
};

struct in_flight {
    struct hash256 hash;
    struct sync_peer *peer;
    int64_t since_us;
};

struct block_source {
    struct hash256 hash;
    int64_t peer;
    bool may_punish; /* false: rebuilt from a compact block (Core's mapBlockSource second) */
};

/* A block being rebuilt from a peer's cmpctblock, waiting for its blocktxn. */
struct cmpct_pending {
    struct hash256 hash;
    int64_t peer;
    struct cmpct_partial pb;
};

struct invalid_news {
    struct hash256 hash;
    struct val_state st;
};

struct net_sync {
    struct connman *cm;
    const struct node_iface *node;
    struct arith256 min_work;
    net_sync_punish_fn punish;
    void *punish_ctx;

    struct in_flight *fl;
    size_t nfl, capfl;
    struct node_block_status *win; /* NET_SYNC_BLOCK_WINDOW + 1 entries: scratch of sync_request_blocks */
    int nsync_started;
    int64_t stall_timeout_us;

    pthread_mutex_t mu; /* guards the pending tip only (net_sync_new_tip runs on chain threads) */
    bool tip_pending;
    struct hash256 pending_tip;
    int32_t pending_height;
    bool pending_ibd;

    int64_t last_progress_us;
    int32_t last_progress_height;
    int32_t last_header_log_height;

    net_sync_clock_fn clock; /* NULL: CLOCK_MONOTONIC (tests and fuzzing inject one) */
    void *clock_ctx;

    net_sync_tx_getdata_fn tx_getdata; /* serves the non-block getdata items; NULL: skipped */
    void *tx_getdata_ctx;

    /* Which peer sent which stored block (Core's mapBlockSource), oldest first,
     * so the sender is punished when the block fails later, e.g. while a
     * reorganisation connects it. Entries go once the block is checked. */
    struct block_source *src;
    size_t nsrc;
    /* Blocks the chain found invalid (net_sync_block_invalid, any thread),
     * waiting for the event thread; guarded by mu. */
    struct invalid_news *news;
    size_t nnews;

    /* ---- compact blocks (sync_cmpct.c) ---- */
    /* Peers we asked to announce with cmpctblock (sendcmpct 1), oldest first
     * (Core's lNodesAnnouncingHeaderAndIDs). Event thread. */
    int64_t hb[NET_SYNC_CMPCT_MAX_HB];
    size_t nhb;
    struct cmpct_pending *partial; /* at most NET_SYNC_CMPCT_MAX_PARTIAL; event thread */
    size_t npartial;
    bool blocks_only; /* -blocksonly: no compact block requests or high-bandwidth peers */
    net_sync_extra_txs_fn extra_txs; /* the orphan pool, offered to reconstructions; NULL: none */
    void *extra_txs_ctx;
    uint64_t cmpct_nonce_counter; /* guarded by mu */
    /* The last block pushed to high-bandwidth peers before validation, and
     * to whom (guarded by mu): the tick's announcement skips them. */
    struct hash256 pushed_hash;
    int64_t pushed_to[NET_SYNC_CMPCT_MAX_PUSH];
    size_t npushed;
    uint64_t pushed_seq;  /* bumped per push (guarded by mu)... */
    uint64_t applied_seq; /* ...and the last one the tick recorded in the peers' sent header (event thread) */
};


static inline struct sync_peer *sp_of(struct peer *p)
{
    return p->sync_state;
}

static inline void hex_of(char out[65], const struct hash256 *h)
{
    hash256_to_hex(out, h);
}

/* ---- sync.c ---- */

/** The clock every handler and the tick use (microseconds, monotonic). */
int64_t sync_now(const struct net_sync *s);
/** Core's Misbehaving: the owner's punish function, else log + disconnect (noban stays). */
void sync_punish(struct net_sync *s, struct peer *p, const char *reason);
/** Core's MaybePunishNodeForBlock for a header or block that failed with st; what: "invalid block", ... */
void sync_punish_for_block(struct net_sync *s, struct peer *p, const struct val_state *st, const char *what);
/** Core's MaybePunishNodeForBlock with via_compact_block: consensus, mutation and cached-invalid
 *  failures of a block rebuilt from a compact block are not punished (BIP 152). */
void sync_punish_for_block_via(struct net_sync *s, struct peer *p, const struct val_state *st, const char *what,
                               bool via_compact);
/** Sends w's bytes as `cmd` to p and clears w. */
void sync_send_wbuf(struct net_sync *s, struct peer *p, const char *cmd, struct wbuf *w);
/** Core's UpdateBlockAvailability: h becomes sp's best known header if it has at least as much work. */
void sync_update_best(struct net_sync *s, struct sync_peer *sp, const struct node_header_info *h);
/** Logs IBD/catch-up progress at most every PROGRESS_INTERVAL_US (force: now). */
void sync_progress_log(struct net_sync *s, int64_t now_us, bool force);
/** Returns true while the chain is far behind the best header (IBD or catching up). */
bool sync_catching_up(struct net_sync *s);
/** More than NET_MAX_INV_SZ entries: punishes p ("<command> message size = N") and returns true. */
bool sync_inv_oversized(struct net_sync *s, struct peer *p, const char *command, const uint8_t *payload, size_t len);

/* ---- sync_headers.c ---- */

/** Sends getheaders from our best header's parent on. */
void sync_send_getheaders_best(struct net_sync *s, struct peer *p, const struct hash256 *stop);
/** Starts headers sync with p (once per peer). */
void sync_start_headers_sync(struct net_sync *s, struct peer *p, int64_t now_us);
/** Drops sp's presync buffer. */
void sync_presync_drop(struct sync_peer *sp);

/* ---- sync_blocks.c ---- */

/**
 * Core's FindNextBlocksToDownload + getdata: fills p's free request slots
 * from its better chain. Out: *staller, the peer holding the first block of
 * a full window (NULL if none).
 */
void sync_request_blocks(struct net_sync *s, struct peer *p, int64_t now_us, struct sync_peer **staller);
/** The download part of the tick over peers[0..n) (handshake done, not disconnecting). */
void sync_blocks_tick(struct net_sync *s, struct peer **peers, size_t n, int64_t now);
/** Drops sp's requests (they are requested elsewhere later). */
void sync_blocks_peer_gone(struct net_sync *s, struct sync_peer *sp);
/** Punishes the senders of blocks the chain found invalid since the last call (event thread). */
void sync_handle_invalid_news(struct net_sync *s);
/** The in-flight request of block h, or NULL. */
struct in_flight *sync_fl_find(struct net_sync *s, const struct hash256 *h);
/** Records that h was requested from sp. */
void sync_fl_add(struct net_sync *s, struct sync_peer *sp, const struct hash256 *h, int64_t now_us);
/**
 * Hands a received block to the chain and reacts (Core's ProcessBlock plus the
 * `block` handler's bookkeeping). via_compact: rebuilt from p's compact block
 * (Core's mapBlockSource "may not punish"; a mutated one is fetched whole).
 */
void sync_process_block(struct net_sync *s, struct peer *p, const struct block *b, bool via_compact);

/* ---- sync_cmpct.c ---- */

/** Drops the reconstruction of block h, if any. */
void sync_cmpct_drop_partial(struct net_sync *s, const struct hash256 *h);
/** Asks p for the whole block h (getdata witness block), marking it in flight from p. */
void sync_cmpct_request_full(struct net_sync *s, struct peer *p, const struct hash256 *h);
/** Core's MaybeSetPeerAsAnnouncingHeaderAndIDs: p delivered a new block first. */
void sync_cmpct_select_hb(struct net_sync *s, struct peer *p);
/** p is going: drops its reconstructions and its high-bandwidth slot. */
void sync_cmpct_peer_gone(struct net_sync *s, struct peer *p);
/** Frees the compact block state. */
void sync_cmpct_free(struct net_sync *s);
/**
 * The tick's announcement of `tip` to p by cmpctblock, when p asked for
 * high-bandwidth mode and tip is one block past what p has. Returns true if
 * p is done with (sent now, or pushed before validation).
 */
bool sync_cmpct_announce(struct net_sync *s, struct peer *p, const struct hash256 *tip, int32_t height);
/**
 * Core's NewPoWValidBlock sets pindexBestHeaderSent: the peers a block was
 * pushed to have it, so later announcements build on it (a tick that sees
 * only a later tip would otherwise announce both). Event thread, each tick.
 */
void sync_cmpct_note_pushed(struct net_sync *s, struct peer **peers, size_t n);
/** Serves a getdata MSG_CMPCT_BLOCK item: compact within NET_SYNC_CMPCT_MAX_DEPTH of the tip, else the full block. */
bool sync_cmpct_serve(struct net_sync *s, struct peer *p, const struct hash256 *h);

#endif
