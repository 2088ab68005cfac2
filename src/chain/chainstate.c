/* The chainstate's life cycle (open, load, flush, close), its lock, fatal
 * errors and the read accessors the RPCs, the mempool and the miner use. */
#include "src/chain/chainstate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "consensus/interpreter.h"
#include "issuance/asset.h"
#include "src/chain/chainstate_internal.h"
#include "src/store/disk.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

#define MIB (1024u * 1024u)
#define IBD_MAX_TIP_AGE (24 * 60 * 60)

void chainstate_options_init(struct chainstate_options *o)
{
    memset(o, 0, sizeof(*o));
    o->dbcache_bytes = (size_t)450 * MIB;
    o->write_interval = 3600;
    o->check_blocks = 6;
    o->check_level = 3;
    o->db_batch_size = COINS_DB_DEFAULT_BATCH_BYTES;
}

int64_t cs_now(void) { return (int64_t)time(NULL); }

int64_t cs_adjusted_time(const struct chainstate *cs)
{
    return cs->opt.adjusted_time ? cs->opt.adjusted_time() : cs_now();
}

bool cs_fatal(struct chainstate *cs, const char *fmt, ...)
{
    if (cs->fatal)
        return false;
    cs->fatal = true;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "*** %s", msg);
    if (cs->opt.fatal)
        cs->opt.fatal(cs->opt.fatal_ctx, msg);
    return false;
}

void chainstate_lock(struct chainstate *cs) { pthread_mutex_lock(&cs->lock); }

void chainstate_unlock(struct chainstate *cs) { pthread_mutex_unlock(&cs->lock); }

const struct chain_params *chainstate_params(const struct chainstate *cs) { return cs->params; }

void chainstate_set_own_block(struct chainstate *cs, bool own)
{
    cs->own_block = own;
}

bool chainstate_failed(struct chainstate *cs)
{
    chainstate_lock(cs);
    bool f = cs->fatal;
    chainstate_unlock(cs);
    return f;
}

bool chainstate_reindex_pending(struct chainstate *cs)
{
    chainstate_lock(cs);
    bool r = cs->reindex_pending;
    chainstate_unlock(cs);
    return r;
}

/* ---- open ---- */

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = mem_alloc(n);
    snprintf(s, n, "%s/%s", a, b);
    return s;
}

static int load_record(void *ctx, const struct block_index_record *rec)
{
    struct chainstate *cs = ctx;
    struct block_index *e = block_map_insert_loaded(cs->map, &rec->hash);
    e->header = rec->header;
    e->height = rec->height;
    e->status = rec->status;
    e->tx_count = rec->tx_count;
    e->file = (rec->status & (BLOCK_HAVE_DATA | BLOCK_HAVE_UNDO)) ? rec->file : -1;
    e->data_pos = rec->data_pos;
    e->undo_pos = rec->undo_pos;
    e->dirty = false;
    return 0;
}

struct after_load {
    struct chainstate *cs;
};

static bool after_load_one(struct block_index *bi, void *arg)
{
    struct chainstate *cs = arg;
    /* Core's SEQ_ID_INIT_FROM_DISK; the active chain gets 0 below. */
    bi->sequence_id = 1;
    if ((bi->status & BLOCK_HAVE_DATA) && bi->chain_tx == 0 && bi->prev && bi->tx_count > 0) {
        if (cs->nunlinked == cs->capunlinked) {
            cs->capunlinked = cs->capunlinked ? cs->capunlinked * 2 : 16;
            cs->unlinked = mem_realloc(cs->unlinked, cs->capunlinked * sizeof(*cs->unlinked));
        }
        cs->unlinked[cs->nunlinked].parent = bi->prev;
        cs->unlinked[cs->nunlinked].child = bi;
        cs->nunlinked++;
    }
    if ((bi->status & BLOCK_FAILED_MASK) &&
        (!cs->best_invalid || arith256_cmp(&bi->chain_work, &cs->best_invalid->chain_work) > 0))
        cs->best_invalid = bi;
    if (!(bi->status & BLOCK_FAILED_MASK) && block_index_is_valid(bi, BLOCK_VALID_TREE) &&
        (!cs->best_header || arith256_cmp(&bi->chain_work, &cs->best_header->chain_work) > 0))
        cs->best_header = bi;
    return true;
}

static int corrupt(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen,
             "Error loading block database: %s. Corrupted block database detected. "
             "Please restart with -reindex or -reindex-chainstate to recover.",
             what);
    return -1;
}

static int load_index(struct chainstate *cs, char *err, size_t errlen)
{
    struct store_error e;
    store_error_clear(&e);
    if (block_index_db_load_all(cs->index_db, load_record, cs, &e) < 0)
        return corrupt(err, errlen, e.msg);
    if (!block_map_link_all(cs->map, &cs->genesis_hash))
        return corrupt(err, errlen, "the block tree is inconsistent (missing parents or wrong heights)");
    int last = 0;
    if (block_index_db_read_last_file(cs->index_db, &last, &e) < 0)
        return corrupt(err, errlen, e.msg);
    for (int f = 0; f <= last; f++) {
        struct flat_file_info info;
        int r = block_index_db_read_file_info(cs->index_db, &info, f, &e);
        if (r < 0)
            return corrupt(err, errlen, e.msg);
        if (r == 1 && flatfile_set_info(cs->ff, f, &info, &e) < 0)
            return corrupt(err, errlen, e.msg);
    }
    if (flatfile_set_last_file(cs->ff, last, &e) < 0)
        return corrupt(err, errlen, e.msg);
    /* Files are clean as loaded. */
    size_t n;
    mem_free(flatfile_take_dirty(cs->ff, &n));
    block_map_each(cs->map, after_load_one, cs);
    return 0;
}

bool cs_insert_genesis(struct chainstate *cs)
{
    struct block g;
    chain_params_genesis_build(&g, cs->params);
    struct val_state st;
    val_state_init(&st);
    struct block_index *bi;
    bool nb;
    bool ok = cs_accept_block(cs, &st, &bi, &nb, &g, NULL, 0, NULL);
    cs->checked_block = NULL;
    block_clear(&g);
    return ok;
}

static int open_dbs(struct chainstate *cs, bool wipe_index, bool wipe_coins, char *err, size_t errlen)
{
    struct store_error e;
    store_error_clear(&e);
    size_t coins_db_cache = cs->opt.dbcache_bytes / 8;
    if (coins_db_cache > 64 * MIB)
        coins_db_cache = 64 * MIB;
    if (coins_db_cache < 2 * MIB)
        coins_db_cache = 2 * MIB;
    char *p = path_join(cs->blocks_dir, "index");
    cs->index_db = block_index_db_open(p, 8 * MIB, wipe_index, &e);
    mem_free(p);
    if (!cs->index_db) {
        snprintf(err, errlen, "Error opening block database: %s%s", e.msg,
                 e.kind == STORE_ERR_CORRUPT ? ". Please restart with -reindex to recover." : "");
        return -1;
    }
    p = path_join(cs->datadir, "chainstate");
    cs->coins_db = coins_db_open(p, coins_db_cache, wipe_coins, &e);
    mem_free(p);
    if (!cs->coins_db) {
        snprintf(err, errlen, "Error opening coins database: %s%s", e.msg,
                 e.kind == STORE_ERR_CORRUPT ? ". Please restart with -reindex-chainstate to recover." : "");
        return -1;
    }
    if (cs->opt.db_crash_ratio)
        coins_db_set_crash_ratio(cs->coins_db, cs->opt.db_crash_ratio);
    size_t budget = cs->opt.dbcache_bytes > coins_db_cache + 8 * MIB ? cs->opt.dbcache_bytes - coins_db_cache - 8 * MIB : 0;
    cs->coins_budget = budget < 4 * MIB ? 4 * MIB : budget;
    if (cs->opt.txindex) {
        p = path_join(cs->datadir, "indexes/txindex");
        cs->txindex = txindex_db_open(p, 4 * MIB, wipe_index, &e);
        mem_free(p);
        if (!cs->txindex) {
            snprintf(err, errlen, "Error opening transaction index: %s", e.msg);
            return -1;
        }
    }
    return 0;
}

static int par_threads(int par)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    long n = par <= 0 ? cores + par : par;
    if (n < 1)
        n = 1;
    if (n > 16)
        n = 16;
    return (int)n - 1; /* the calling thread checks too */
}

int chainstate_open(struct chainstate **out, const struct chainstate_options *opt, char *err, size_t errlen)
{
    *out = NULL;
    if (!opt->params || !opt->datadir) {
        snprintf(err, errlen, "chainstate_open: params and datadir are required");
        return -1;
    }
    struct chainstate *cs = mem_calloc(1, sizeof(*cs));
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&cs->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    cs->opt = *opt;
    if (!cs->opt.write_interval)
        cs->opt.write_interval = 3600;
    if (!cs->opt.dbcache_bytes)
        cs->opt.dbcache_bytes = (size_t)450 * MIB;
    cs->params = opt->params;
    cs->datadir = mem_strdup(opt->datadir);
    cs->opt.datadir = cs->datadir;
    cs->blocks_dir = path_join(cs->datadir, "blocks");
    cs->map = block_map_new();
    active_chain_init(&cs->chain);
    cs->next_sequence_id = 2;
    cs->reverse_sequence_id = -1;
    cs->last_write = cs_now();
    if (!hash256_from_hex(&cs->genesis_hash, cs->params->genesis.hash_hex)) {
        snprintf(err, errlen, "the chain parameters' genesis hash does not parse");
        goto fail;
    }
    cs->script_cache = script_cache_new(1u << 18);
    cs->checkq = check_queue_new(par_threads(opt->par));
    cs->iss_on = cs->params->tokens_enabled && cs->params->asset_count > 0;
    if (cs->params->asset_count > ISSUANCE_MAX_ASSETS) {
        snprintf(err, errlen, "the chain parameters define more assets than the issuance layer supports");
        goto fail;
    }
    if (cs->params->asset_count) {
        cs->asset_count = cs->params->asset_count;
        cs->asset_ids = mem_alloc(cs->asset_count * 32);
        for (size_t i = 0; i < cs->asset_count; i++)
            memcpy(cs->asset_ids[i], cs->params->assets[i].asset_id, 32);
    }

    struct store_error e;
    store_error_clear(&e);
    if (store_mkdirs(cs->blocks_dir, &e) < 0) {
        snprintf(err, errlen, "Cannot create %s: %s", cs->blocks_dir, e.msg);
        goto fail;
    }
    cs->ff = flatfile_open(cs->blocks_dir, cs->params->magic, &e);
    if (!cs->ff) {
        snprintf(err, errlen, "Cannot open block files: %s", e.msg);
        goto fail;
    }
    bool reindex = opt->reindex;
    if (open_dbs(cs, reindex, reindex || opt->reindex_chainstate, err, errlen) < 0)
        goto fail;
    if (cs->iss_on) {
        /* The reserve tree reads its nodes from the coins database through
         * the overlay (the database may be reopened below: the store reads
         * cs->coins_db at each call). */
        cs_iss_db_store(cs, &cs->rdb);
        cs->rover = reserve_memstore_new(&cs->rdb);
        reserve_memstore_store(&cs->rstore, cs->rover);
        reserve_tree_init(&cs->rtree, &cs->rstore);
    }
    if (!reindex) {
        bool marker = false;
        if (block_index_db_read_reindexing(cs->index_db, &marker, &e) < 0) {
            corrupt(err, errlen, e.msg);
            goto fail;
        }
        if (marker) {
            /* A reindex was interrupted: start it again from scratch. */
            log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "An earlier -reindex did not finish: reindexing again");
            block_index_db_close(cs->index_db);
            coins_db_close(cs->coins_db);
            txindex_db_close(cs->txindex);
            cs->index_db = NULL;
            cs->coins_db = NULL;
            cs->txindex = NULL;
            reindex = true;
            if (open_dbs(cs, true, true, err, errlen) < 0)
                goto fail;
        }
    }
    if (reindex) {
        if (block_index_db_write_reindexing(cs->index_db, true, &e) < 0) {
            snprintf(err, errlen, "Cannot write the reindex marker: %s", e.msg);
            goto fail;
        }
        cs->reindex_pending = true;
        cs->coins = coins_cache_new_db(cs->coins_db);
        *out = cs;
        return 0;
    }
    if (load_index(cs, err, errlen) < 0)
        goto fail;

    /* The coins: refuse an unknown state, replay an interrupted flush. */
    struct hash256 *heads = NULL;
    int nheads = coins_db_get_head_blocks(cs->coins_db, &heads, &e);
    mem_free(heads);
    if (nheads < 0) {
        snprintf(err, errlen, "Error reading the coins database: %s. Please restart with -reindex-chainstate to recover.",
                 e.msg);
        goto fail;
    }
    if (nheads != 0 && nheads != 2) {
        snprintf(err, errlen, "The coins database is in an unknown inconsistent state (%d head blocks). "
                              "Please restart with -reindex-chainstate to recover.", nheads);
        goto fail;
    }
    if (nheads == 2 && !cs_replay(cs, err, errlen))
        goto fail;
    cs->coins = coins_cache_new_db(cs->coins_db);
    if (coins_cache_read_failed(cs->coins, &e)) {
        snprintf(err, errlen, "Error reading the coins database: %s. Please restart with -reindex-chainstate.", e.msg);
        goto fail;
    }
    if (cs->iss_on) {
        /* The issuance state describes the same block as the coins ('B'):
         * both are written in the flush's final batch. */
        struct hash256 cbest;
        coins_cache_best_block(cs->coins, &cbest);
        char ierr[200];
        int rc = cs_iss_read(cs, &cs->iss, ierr, sizeof(ierr));
        if (rc < 0 || (rc == 0 && !hash256_is_zero(&cbest))) {
            snprintf(err, errlen, "Error loading the issuance state: %s. Please restart with -reindex-chainstate to recover.",
                     rc < 0 ? ierr : "it is missing from the coins database");
            goto fail;
        }
        cs->iss_loaded = rc == 1;
    }
    if (block_map_size(cs->map) == 0 && !cs_insert_genesis(cs)) {
        snprintf(err, errlen, "Cannot store the genesis block");
        goto fail;
    }
    struct hash256 best;
    coins_cache_best_block(cs->coins, &best);
    if (!hash256_is_zero(&best)) {
        struct block_index *tip = block_map_find(cs->map, &best);
        if (!tip) {
            corrupt(err, errlen, "the coins database's best block is not in the block index");
            goto fail;
        }
        active_chain_set_tip(&cs->chain, tip);
        for (struct block_index *w = tip; w; w = w->prev)
            w->sequence_id = 0;
    }
    cs_candidates_rebuild(cs);
    if (!active_chain_tip(&cs->chain) && !cs_activate_genesis(cs)) {
        snprintf(err, errlen, "Cannot connect the genesis block");
        goto fail;
    }
    if (active_chain_tip(&cs->chain)) {
        char hex[65];
        hash256_to_hex(hex, &active_chain_tip(&cs->chain)->hash);
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Loaded best chain: hashBestChain=%s height=%d", hex,
                   active_chain_height(&cs->chain));
    }
    if (cs->opt.check_blocks > 0 && active_chain_height(&cs->chain) > 0) {
        struct val_state st;
        val_state_init(&st);
        if (!chainstate_verify_chain(cs, &st, cs->opt.check_level, cs->opt.check_blocks)) {
            /* Only coins that disagree with good blocks and undo data are
             * rebuilt by -reindex-chainstate; damaged or missing block or
             * undo data needs -reindex. */
            bool coins_only = strcmp(st.reject, "inconsistent-coins") == 0 || strcmp(st.reject, "coins-read-failed") == 0 ||
                              strcmp(st.reject, "inconsistent-issuance") == 0;
            snprintf(err, errlen, "Corrupted block database detected (%s%s%s). Please restart with %s to recover.",
                     st.reject, st.debug[0] ? ": " : "", st.debug,
                     coins_only ? "-reindex or -reindex-chainstate" : "-reindex");
            goto fail;
        }
    }
    if (cs->txindex)
        cs_txindex_catch_up(cs);
    if (cs->fatal) {
        snprintf(err, errlen, "A fatal error occurred while opening the chain state");
        goto fail;
    }
    *out = cs;
    return 0;
fail:
    cs->fatal = true; /* close without flushing */
    chainstate_close(cs);
    return -1;
}

void chainstate_close(struct chainstate *cs)
{
    if (!cs)
        return;
    chainstate_lock(cs);
    /* Skipped after a fatal error: never write a state that may have diverged. */
    if (!cs->fatal && cs->coins)
        cs_flush(cs, CHAINSTATE_FLUSH_ALWAYS);
    chainstate_unlock(cs);
    check_queue_free(cs->checkq);
    reserve_memstore_free(cs->rover);
    coins_cache_free(cs->coins);
    coins_db_close(cs->coins_db);
    txindex_db_close(cs->txindex);
    block_index_db_close(cs->index_db);
    flatfile_close(cs->ff);
    script_cache_free(cs->script_cache);
    active_chain_clear(&cs->chain);
    block_map_free(cs->map);
    cs_index_clear(cs);
    mem_free(cs->cand);
    mem_free(cs->unlinked);
    mem_free(cs->asset_ids);
    mem_free(cs->datadir);
    mem_free(cs->blocks_dir);
    pthread_mutex_destroy(&cs->lock);
    mem_free(cs);
}

/* ---- flushing ---- */

bool cs_flush(struct chainstate *cs, enum chainstate_flush_mode mode)
{
    if (cs->fatal)
        return false;
    size_t usage = coins_cache_memory_usage(cs->coins) + (cs->rover ? reserve_memstore_usage(cs->rover) : 0);
    bool full = usage > cs->coins_budget;
    int64_t now = cs_now();
    bool due = now - cs->last_write >= cs->opt.write_interval;
    if (mode == CHAINSTATE_FLUSH_IF_NEEDED && !full)
        return true;
    if (mode == CHAINSTATE_FLUSH_PERIODIC && !full && !due)
        return true;
    struct store_error e;
    store_error_clear(&e);
    /* 1. Room for the coins we are about to write (Core's 48 bytes * 2 * 2 per entry). */
    uint64_t need = (uint64_t)coins_cache_dirty_count(cs->coins) * 48 * 2 * 2;
    if (!store_disk_space_ok(cs->datadir, need, NULL, &e))
        return cs_fatal(cs, "%s", e.kind == STORE_ERR_DISK_FULL ? "Disk space is too low!" : e.msg);
    /* 2. Block and undo files durable first. */
    if (flatfile_flush(cs->ff, &e) < 0)
        return cs_fatal(cs, "Failed to write to block files: %s", e.msg);
    /* 3. Block file infos and changed index entries (with those written
     * unsynced at acceptance since the last flush) in one synced batch. */
    if (!cs_index_write(cs, true))
        return false;
    /* 5. The coins, with the two-head protocol. */
    struct hash256 best;
    coins_cache_best_block(cs->coins, &best);
    if (!hash256_is_zero(&best) && !cs->reindex_pending) {
        /* The issuance state after the coins' best block goes into the
         * same final batch as that block's marker. */
        /* The reserve tree's node changes too; a flush for room (full)
         * also drops the overlay's cached clean nodes. */
        struct cs_iss_entries ie;
        memset(&ie, 0, sizeof(ie));
        bool with_iss = cs->iss_on && cs->iss_loaded;
        if (with_iss)
            cs_iss_entries_build(&ie, &cs->iss, cs->rover, !full);
        int r = (mode == CHAINSTATE_FLUSH_PERIODIC && !full)
                    ? coins_cache_sync_with(cs->coins, NULL, ie.v, ie.n, cs->opt.db_batch_size, &e)
                    : coins_cache_flush_with(cs->coins, NULL, ie.v, ie.n, cs->opt.db_batch_size, &e);
        if (with_iss)
            cs_iss_entries_clear(&ie);
        if (r < 0)
            return cs_fatal(cs, "Failed to write to coin database: %s", e.msg);
        if (cs->txindex && txindex_db_write(cs->txindex, NULL, 0, &best, true, &e) < 0)
            return cs_fatal(cs, "Failed to write to transaction index: %s", e.msg);
    }
    cs->last_write = now;
    return true;
}

bool chainstate_flush(struct chainstate *cs, enum chainstate_flush_mode mode)
{
    chainstate_lock(cs);
    bool ok = cs_flush(cs, mode);
    chainstate_unlock(cs);
    return ok;
}

/* ---- reading ---- */

struct block_index *chainstate_tip(struct chainstate *cs)
{
    chainstate_lock(cs);
    struct block_index *t = active_chain_tip(&cs->chain);
    chainstate_unlock(cs);
    return t;
}

int32_t chainstate_height(struct chainstate *cs)
{
    chainstate_lock(cs);
    int32_t h = active_chain_height(&cs->chain);
    chainstate_unlock(cs);
    return h;
}

struct block_index *chainstate_best_header(struct chainstate *cs)
{
    chainstate_lock(cs);
    struct block_index *b = cs->best_header;
    struct block_index *tip = active_chain_tip(&cs->chain);
    if (!b || (tip && arith256_cmp(&tip->chain_work, &b->chain_work) > 0))
        b = tip;
    chainstate_unlock(cs);
    return b;
}

struct block_index *chainstate_lookup(struct chainstate *cs, const struct hash256 *hash)
{
    chainstate_lock(cs);
    struct block_index *b = block_map_find(cs->map, hash);
    chainstate_unlock(cs);
    return b;
}

struct block_index *chainstate_at_height(struct chainstate *cs, int32_t height)
{
    chainstate_lock(cs);
    struct block_index *b = active_chain_at(&cs->chain, height);
    chainstate_unlock(cs);
    return b;
}

bool chainstate_in_active_chain(struct chainstate *cs, const struct block_index *bi)
{
    chainstate_lock(cs);
    bool r = active_chain_contains(&cs->chain, bi);
    chainstate_unlock(cs);
    return r;
}

struct block_index *chainstate_next(struct chainstate *cs, const struct block_index *bi)
{
    chainstate_lock(cs);
    struct block_index *b = active_chain_next(&cs->chain, bi);
    chainstate_unlock(cs);
    return b;
}

struct block_index *chainstate_find_fork(struct chainstate *cs, const struct block_index *bi)
{
    chainstate_lock(cs);
    struct block_index *b = active_chain_find_fork(&cs->chain, bi);
    chainstate_unlock(cs);
    return b;
}

bool chainstate_read_block_raw(struct chainstate *cs, uint8_t **data, size_t *len, const struct block_index *bi)
{
    *data = NULL;
    *len = 0;
    chainstate_lock(cs);
    bool have = bi->status & BLOCK_HAVE_DATA;
    struct flat_pos pos = { bi->file, bi->data_pos };
    chainstate_unlock(cs);
    if (!have)
        return false;
    struct store_error e;
    store_error_clear(&e);
    if (flatfile_read_block(cs->ff, data, len, &pos, &e) < 0) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "ReadBlockFromDisk: %s", e.msg);
        return false;
    }
    return true;
}

bool cs_read_block(struct chainstate *cs, struct block *out, const struct block_index *bi)
{
    block_init(out);
    uint8_t *data;
    size_t len;
    if (!chainstate_read_block_raw(cs, &data, &len, bi))
        return false;
    bool ok = block_decode(out, data, len, true);
    mem_free(data);
    if (!ok) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "ReadBlockFromDisk: block at height %d does not parse", bi->height);
        return false;
    }
    struct hash256 h;
    block_hash(&h, out);
    if (!hash256_eq(&h, &bi->hash)) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "ReadBlockFromDisk: wrong block at height %d", bi->height);
        block_clear(out);
        return false;
    }
    return true;
}

bool chainstate_read_block(struct chainstate *cs, struct block *out, const struct block_index *bi)
{
    return cs_read_block(cs, out, bi);
}

bool chainstate_read_undo(struct chainstate *cs, struct block_undo *out, const struct block_index *bi)
{
    block_undo_init(out);
    chainstate_lock(cs);
    bool have = (bi->status & BLOCK_HAVE_UNDO) && bi->prev;
    struct flat_pos pos = { bi->file, bi->undo_pos };
    struct hash256 parent;
    memset(&parent, 0, sizeof(parent));
    if (bi->prev)
        parent = bi->prev->hash;
    chainstate_unlock(cs);
    if (!have)
        return false;
    struct store_error e;
    store_error_clear(&e);
    struct issuance_undo *iu = cs->iss_on ? mem_alloc(sizeof(*iu)) : NULL;
    bool ok = undo_read(cs->ff, out, iu, &pos, &parent, &e) == 0;
    mem_free(iu);
    return ok;
}

bool chainstate_get_coin(struct chainstate *cs, struct coin *out, const struct outpoint *op)
{
    chainstate_lock(cs);
    const struct coin *c;
    bool found = coins_cache_get(cs->coins, op, &c) == 1;
    if (found)
        coin_copy(out, c);
    chainstate_unlock(cs);
    return found;
}

bool chainstate_have_coin(struct chainstate *cs, const struct outpoint *op)
{
    chainstate_lock(cs);
    bool r = coins_cache_have(cs->coins, op);
    chainstate_unlock(cs);
    return r;
}

struct tips_collect {
    struct block_index **all;
    struct block_index **prevs;
    size_t n, np, cap;
};

static bool tips_one(struct block_index *bi, void *arg)
{
    struct tips_collect *t = arg;
    t->all[t->n++] = bi;
    if (bi->prev)
        t->prevs[t->np++] = bi->prev;
    return true;
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
    return (x > y) - (x < y);
}

void chainstate_chain_tips(struct chainstate *cs, struct block_index ***tips, size_t *count)
{
    chainstate_lock(cs);
    size_t n = block_map_size(cs->map);
    struct tips_collect t = { mem_alloc((n + 1) * sizeof(void *)), mem_alloc((n + 1) * sizeof(void *)), 0, 0, n };
    block_map_each(cs->map, tips_one, &t);
    qsort(t.prevs, t.np, sizeof(void *), cmp_ptr);
    struct block_index **out = mem_alloc((n + 1) * sizeof(*out));
    size_t k = 0;
    struct block_index *tip = active_chain_tip(&cs->chain);
    bool have_tip = false;
    for (size_t i = 0; i < t.n; i++) {
        if (bsearch(&t.all[i], t.prevs, t.np, sizeof(void *), cmp_ptr))
            continue;
        if (t.all[i] == tip)
            have_tip = true;
        out[k++] = t.all[i];
    }
    if (tip && !have_tip)
        out[k++] = tip;
    mem_free(t.all);
    mem_free(t.prevs);
    chainstate_unlock(cs);
    *tips = out;
    *count = k;
}

bool chainstate_is_initial_download(struct chainstate *cs)
{
    chainstate_lock(cs);
    bool r = true;
    if (cs->ibd_done) {
        r = false;
    } else {
        struct block_index *tip = active_chain_tip(&cs->chain);
        if (tip && !cs->reindex_pending && (int64_t)tip->header.time >= cs_adjusted_time(cs) - IBD_MAX_TIP_AGE) {
            cs->ibd_done = true;
            log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Leaving InitialBlockDownload (latching to false)");
            r = false;
        }
    }
    chainstate_unlock(cs);
    return r;
}

double chainstate_verification_progress(struct chainstate *cs, const struct block_index *bi)
{
    (void)cs;
    /* No chain transaction statistics are shipped with the profiles, so as in
     * Core without chainTxData every verified block counts as fully caught up. */
    return bi && bi->chain_tx > 0 ? 1.0 : 0.0;
}

uint64_t chainstate_size_on_disk(struct chainstate *cs)
{
    chainstate_lock(cs);
    uint64_t total = 0;
    int last = flatfile_last_file(cs->ff);
    for (int f = 0; f <= last; f++) {
        struct flat_file_info info;
        if (flatfile_get_info(cs->ff, &info, f))
            total += (uint64_t)info.size + info.undo_size;
    }
    chainstate_unlock(cs);
    return total;
}

size_t chainstate_coins_cache_usage(struct chainstate *cs, size_t *entries)
{
    chainstate_lock(cs);
    size_t u = coins_cache_memory_usage(cs->coins);
    if (entries)
        *entries = coins_cache_entry_count(cs->coins);
    chainstate_unlock(cs);
    return u;
}

bool chainstate_has_txindex(const struct chainstate *cs) { return cs->txindex != NULL; }

uint32_t chainstate_next_block_script_flags(struct chainstate *cs)
{
    chainstate_lock(cs);
    uint32_t f = chain_params_script_flags(cs->params, active_chain_height(&cs->chain) + 1, NULL);
    chainstate_unlock(cs);
    return f;
}

int64_t chainstate_mtp_at_height(struct chainstate *cs, int32_t height)
{
    chainstate_lock(cs);
    int32_t top = active_chain_height(&cs->chain);
    if (height > top)
        height = top;
    if (height < 0)
        height = 0;
    struct block_index *bi = active_chain_at(&cs->chain, height);
    int64_t t = bi ? block_index_median_time_past(bi) : 0;
    chainstate_unlock(cs);
    return t;
}

bool chainstate_check_tx_outputs(struct chainstate *cs, struct val_state *st, const struct tx *tx)
{
    if (!cs->params->tokens_enabled)
        return true;
    return asset_tx_check_outputs(st, tx, (const uint8_t(*)[32])cs->asset_ids, cs->asset_count);
}

bool chainstate_check_tx_scripts(struct chainstate *cs, struct val_state *st, const struct tx *tx,
                                 const struct spent_coin *coins, uint32_t flags, bool cache_store)
{
    val_state_init(st);
    if (tx_is_coinbase(tx))
        return true;
    uint8_t key[32];
    script_cache_key(cs->script_cache, key, &tx->wtxid, flags);
    if (script_cache_contains(cs->script_cache, key))
        return true;
    struct txout *spent = mem_alloc((tx->vin_count ? tx->vin_count : 1) * sizeof(*spent));
    for (size_t i = 0; i < tx->vin_count; i++)
        spent[i] = *coins[i].out; /* shallow copies: borrowed scripts */
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, tx, spent, tx->vin_count);
    bool ok = true;
    for (size_t i = 0; i < tx->vin_count; i++) {
        struct script_check c = { tx, i, &spent[i], flags, &pre, NULL };
        enum script_error err = SCRIPT_ERR_OK;
        if (!script_check_run(&c, &err)) {
            val_invalid(st, VAL_TX_CONSENSUS, "mandatory-script-verify-flag-failed");
            snprintf(st->reject, sizeof(st->reject), "mandatory-script-verify-flag-failed (%s)",
                     script_error_string(err));
            snprintf(st->debug, sizeof(st->debug), "input %zu: %s", i, script_error_name(err));
            ok = false;
            break;
        }
    }
    mem_free(spent);
    if (ok && cache_store)
        script_cache_add(cs->script_cache, key);
    return ok;
}
