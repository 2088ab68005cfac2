#ifndef HASHMINT_WALLET_WALLET_INTERNAL_H
#define HASHMINT_WALLET_WALLET_INTERNAL_H
/* Shared by the wallet's source files (wallet.c: storage, keys, chain
 * events; wallet_spend.c: coin selection, signing, sending; wallets.c: the
 * set of loaded wallets). Not for other layers. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "wallet/crypter.h"
#include "wallet/descriptor.h"
#include "wallet/wallet.h"

/* The schema version this build writes; a file with a higher one is refused. */
#define WALLET_DB_VERSION 1
/* SQLite application_id of a hashmint wallet ("HMWT"). */
#define WALLET_APP_ID 0x484d5754

/* Sets *e (when e is not NULL) to code and the formatted message; returns
 * false, so a failing path reads `return wallet_fail(e, ...)`. */
bool wallet_fail(struct wallet_error *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An index from a 64-bit key to array positions (open addressing). */
struct widx {
    uint64_t *keys;
    uint32_t *vals; /* position + 1; 0 = empty */
    size_t cap, n;
};

struct wdesc {
    int64_t id;
    struct descriptor *pub;  /* parsed public form (derives addresses while locked) */
    struct descriptor *priv; /* parsed private form: unencrypted or unlocked; NULL otherwise */
    char *pub_str;
    uint8_t *secret;         /* stored private form: plaintext or sealed */
    size_t secret_len;
    char type[16];           /* output type of an active descriptor, "" otherwise */
    bool internal, active, range;
    int64_t next_index, range_end, timestamp;
};

struct spkent {
    uint8_t *script;
    size_t len;
    size_t desc;   /* index into descs */
    uint32_t index;
};

struct wtx {
    struct tx tx;
    int32_t height; /* -1: not in a block */
    struct hash256 block_hash;
    int64_t block_time;
    int64_t time_received;
    int64_t order;
    bool abandoned;
    int32_t conflict_height; /* >= 0: conflicted by a block at that height */
    struct hash256 conflict_block;
    bool in_mempool;
};

struct wallet {
    struct wallet_context *ctx;
    char *name;
    char *path;
    sqlite3 *db;
    const struct chain_params *params;
    const struct wallet_chain *chain;
    int sub_id;
    int refs;
    pthread_mutex_t mu;

    struct wdesc *descs;
    size_t ndescs;
    struct spkent *spks;
    size_t nspks;
    struct widx spk_idx;
    struct wtx **txs;
    size_t ntxs;
    struct widx tx_idx;
    /* outpoint -> positions in txs of the transactions spending it (one entry
     * per input; coinbase inputs left out): spent checks and conflicts look
     * up their spenders instead of walking every transaction */
    struct widx spend_idx;
    int64_t next_order;

    struct hash256 best_hash;
    int32_t best_height;
    int64_t birth_time;
    bool no_private_keys;

    struct outpoint *locked;
    size_t nlocked;

    /* the labels table in memory, sorted by address (wallet_labels.c): read
     * once at the first lookup, dropped by every write to the table, so
     * listunspent and the history do not query SQLite per output */
    struct wlabel *labels;
    size_t nlabels;
    bool labels_loaded;

    bool encrypted;
    struct crypter_master master;
    bool unlocked;
    uint8_t mkey[CRYPTER_KEY_LEN];
    int64_t relock_at; /* unix seconds; 0: no timer */

    uint64_t rng;
    bool failed; /* a database write failed: the wallet refuses further changes */
};

/* wallet.c */
struct wtx *wallet_find_tx(struct wallet *w, const struct hash256 *txid);
const struct spkent *wallet_find_spk(struct wallet *w, const uint8_t *script, size_t len);
bool wallet_is_spent(struct wallet *w, const struct outpoint *op);
bool wallet_is_locked_coin(struct wallet *w, const struct outpoint *op);
int wallet_tx_depth(const struct wallet *w, const struct wtx *t);
bool wallet_tx_trusted(struct wallet *w, const struct wtx *t);
bool wallet_db_begin(struct wallet *w, struct wallet_error *e);
bool wallet_db_commit(struct wallet *w, struct wallet_error *e);
void wallet_db_rollback(struct wallet *w);
bool wallet_db_put_tx(struct wallet *w, const struct wtx *t);
struct wtx *wallet_add_tx_mem(struct wallet *w, const struct tx *tx);
bool wallet_top_up(struct wallet *w, struct wallet_error *e, size_t d);
bool wallet_check_unlocked(struct wallet *w, struct wallet_error *e);
void wallet_maybe_relock(struct wallet *w);
int64_t wallet_now(void);
/* Opens an existing file (create=false) or a new one. */
struct wallet *wallet_open(struct wallet_context *c, struct wallet_error *e, const char *name, const char *path,
                           bool create, const struct wallet_create_flags *f);
void wallet_close(struct wallet *w);
/* Subscribes to the chain and catches up (chain lock held inside). */
bool wallet_attach(struct wallet *w, struct wallet_error *e);

bool make_desc_public(struct wallet *w, struct wallet_error *e, struct wdesc *out, const char *str);
void free_desc_public(struct wdesc *d);
size_t add_desc_public(struct wallet *w, struct wdesc *d);
bool derive_public(struct wallet *w, struct wallet_error *e, size_t di, int64_t from, int64_t to);
bool wallet_db_insert_desc(struct wallet *w, struct wdesc *d);
bool wallet_db_put_desc_pub(struct wallet *w, struct wdesc *d);
bool wallet_db_put_meta(struct wallet *w, const char *key, const void *p, size_t len);
bool wallet_parse_secret(struct wallet *w, struct wdesc *d, const uint8_t *plain, size_t len);
void wallet_secret_ad(uint8_t ad[32], const struct wdesc *d);

/* wallet_spend.c: the fee rate of a send (base units per kvB): so->fee_rate,
 * else -paytxfee (unless so->conf_target), else the node's estimate for the
 * target, else -fallbackfee; at least the relay/mempool minimum; 0 with e set
 * when there is none (Core's GetMinimumFeeRate). */
int64_t wallet_fee_rate(struct wallet *w, struct wallet_error *e, const struct wallet_send_options *so);
/* wallet_labels.c: the label of address ("" if none), from the in-memory copy
 * of the labels table (loaded on first use). The pointer is valid until the
 * next label change. Wallet lock held. */
const char *wallet_label_lookup(struct wallet *w, const char *address);
/* Drops the in-memory labels: call after any write to the labels table
 * (committed or rolled back). Wallet lock held. */
void wallet_labels_invalidate(struct wallet *w);

/* wallet_json.c: listtransactions' entries of t (Core's ListTransactions; change only if include_change) into arr;
 * the label of an address ("" if none; a thread-local buffer). Wallet lock held. */
void wallet_json_tx_entries(struct wallet *w, json_t *arr, const struct wtx *t, bool include_change);
const char *wallet_json_label_of(struct wallet *w, const char *address);
/* wallet.c: runs the -walletnotify hook for t (its block, or unconfirmed). Wallet lock held. */
void wallet_notify_tx(struct wallet *w, const struct wtx *t);

/* token_spend.c: the issuance rules (issuance_tx_check against the tip's
 * state at the next height, as the mempool runs them) on tx, whose inputs are
 * the wallet's or in the UTXO set. -26 with the rule's reason. Chain and
 * wallet locks held. */
bool wallet_token_check_rules(struct wallet *w, struct wallet_error *e, const struct tx *tx);

/* wallets.c */
const struct chain_params *wallet_context_params(const struct wallet_context *c);
const struct wallet_chain *wallet_context_chain(const struct wallet_context *c);
const struct wallet_options *wallet_context_options(const struct wallet_context *c);

#endif
