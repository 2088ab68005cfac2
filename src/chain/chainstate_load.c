/* Recovery and bulk work: replay of an interrupted coins flush, -loadblock,
 * -reindex, verifychain, UTXO statistics and the transaction index. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "src/chain/chainstate_internal.h"
#include "src/chain/undo.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* ---- replay (Core's ReplayBlocks) ---- */

bool cs_replay(struct chainstate *cs, char *err, size_t errlen)
{
    struct store_error e;
    store_error_clear(&e);
    struct hash256 *heads = NULL;
    if (coins_db_get_head_blocks(cs->coins_db, &heads, &e) != 2) {
        mem_free(heads);
        snprintf(err, errlen, "ReplayBlocks(): cannot read the head blocks: %s", e.msg);
        return false;
    }
    struct block_index *newi = block_map_find(cs->map, &heads[0]);
    struct block_index *oldi = hash256_is_zero(&heads[1]) ? NULL : block_map_find(cs->map, &heads[1]);
    bool old_missing = !hash256_is_zero(&heads[1]) && !oldi;
    mem_free(heads);
    if (!newi || old_missing) {
        snprintf(err, errlen, "ReplayBlocks(): reorganization to an unknown block requested. "
                              "Please restart with -reindex-chainstate to recover.");
        return false;
    }
    struct block_index *fork = oldi ? block_index_last_common_ancestor(newi, oldi) : NULL;
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Replaying blocks: from height %d to %d (fork at %d)",
               oldi ? oldi->height : -1, newi->height, fork ? fork->height : -1);
    struct coins_cache *view = coins_cache_new_db(cs->coins_db);
    bool ok = true;
    /* The issuance state still describes the old head: it is written in the
     * flush's final batch, which the interrupted flush never reached. It is
     * rolled back and forward with the coins (undo records back, blocks
     * and their spent coins forward). */
    struct cs_block_iss *bx = NULL;
    struct reserve_memstore *rm = NULL; /* the tree's changes of the replay, over the database's tree */
    struct reserve_store rs;
    struct reserve_tree rt;
    if (cs->iss_on) {
        rm = reserve_memstore_new(&cs->rdb);
        reserve_memstore_store(&rs, rm);
        reserve_tree_init(&rt, &rs);
        bx = mem_alloc(sizeof(*bx));
        cs_iss_begin(bx, NULL, &rt, false, 0);
        char ierr[200];
        int rc = cs_iss_read(cs, &bx->state, ierr, sizeof(ierr));
        if (rc < 0 || (rc == 0 && oldi)) {
            snprintf(err, errlen, "ReplayBlocks(): %s. Please restart with -reindex-chainstate to recover.",
                     rc < 0 ? ierr : "the issuance state of the old head is missing");
            ok = false;
        }
    }
    /* Roll the old branch back, tolerating coins already gone or present. */
    for (struct block_index *w = oldi; ok && w != fork; w = w->prev) {
        if (!w->prev)
            break; /* never disconnect genesis */
        struct block b;
        if (!cs_read_block(cs, &b, w)) {
            snprintf(err, errlen, "ReplayBlocks(): cannot read block %d. Please restart with -reindex to recover.",
                     w->height);
            ok = false;
            break;
        }
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Rolling back height %d", w->height);
        struct store_error rerr;
        if (bx)
            reserve_batch_clear(&bx->rbatch);
        enum undo_result ur = cs_disconnect_block(cs, view, w, &b, bx, &rerr);
        if (ur != UNDO_FAILED && bx && !cs_iss_tree_commit(bx, &rs))
            ur = UNDO_FAILED;
        if (ur == UNDO_FAILED) {
            if (rerr.kind != STORE_ERR_NONE)
                snprintf(err, errlen, "ReplayBlocks(): cannot read the undo data of block %d (%s). "
                                      "Please restart with -reindex to recover.", w->height, rerr.msg);
            else
                snprintf(err, errlen, "ReplayBlocks(): cannot roll back block %d. "
                                      "Please restart with -reindex-chainstate to recover.", w->height);
            ok = false;
        }
        block_clear(&b);
    }
    /* Then forward to the new head, re-applying each block idempotently. */
    for (int32_t h = fork ? fork->height + 1 : 0; ok && h <= newi->height; h++) {
        struct block_index *bi = block_index_get_ancestor(newi, h);
        if (bx)
            reserve_batch_clear(&bx->rbatch);
        if (!cs_rollforward_block(cs, view, bi, bx) || (bx && !cs_iss_tree_commit(bx, &rs))) {
            snprintf(err, errlen, "ReplayBlocks(): cannot roll forward block %d. "
                                  "Please restart with -reindex to recover.", h);
            ok = false;
        }
    }
    if (ok && coins_cache_read_failed(view, &e)) {
        snprintf(err, errlen, "ReplayBlocks(): coins database read error: %s", e.msg);
        ok = false;
    }
    if (ok) {
        coins_cache_set_best_block(view, &newi->hash);
        struct cs_iss_entries ie;
        memset(&ie, 0, sizeof(ie));
        if (bx)
            cs_iss_entries_build(&ie, &bx->state, rm, false);
        if (coins_cache_flush_with(view, NULL, ie.v, ie.n, cs->opt.db_batch_size, &e) < 0) {
            snprintf(err, errlen, "ReplayBlocks(): failed to write the coins database: %s", e.msg);
            ok = false;
        }
        if (bx)
            cs_iss_entries_clear(&ie);
    }
    if (bx) {
        cs_iss_end(bx);
        mem_free(bx);
    }
    reserve_memstore_free(rm);
    coins_cache_free(view);
    if (ok)
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Replay finished at height %d", newi->height);
    return ok;
}

/* ---- importing blk-format files ---- */

/* A block whose parent was not known yet when it was read. */
struct held_block {
    struct hash256 prev;
    uint8_t *data;
    size_t len;
    struct flat_pos pos; /* reindex: where it sits in our files */
};

struct importer {
    struct chainstate *cs;
    bool reindex;
    struct held_block *held;
    size_t nheld, capheld;
    long accepted;
    double start, last_log; /* monotonic seconds */
    long last_log_count;
};

static void hold(struct importer *im, const struct hash256 *prev, uint8_t *data, size_t len, const struct flat_pos *pos)
{
    if (im->nheld == im->capheld) {
        im->capheld = im->capheld ? im->capheld * 2 : 16;
        im->held = mem_realloc(im->held, im->capheld * sizeof(*im->held));
    }
    struct held_block *h = &im->held[im->nheld++];
    h->prev = *prev;
    h->data = data;
    h->len = len;
    if (pos)
        h->pos = *pos;
    else
        h->pos.file = -1;
}

/* Accepts one block (taking ownership of data); then any held descendants. */
static bool import_one(struct importer *im, uint8_t *data, size_t len, const struct flat_pos *pos)
{
    struct chainstate *cs = im->cs;
    struct block b;
    if (!block_decode(&b, data, len, true)) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "LoadExternalBlockFile: skipping a record that is not a block");
        mem_free(data);
        return true;
    }
    struct hash256 hash;
    block_hash(&hash, &b);
    chainstate_lock(cs);
    struct block_index *known = block_map_find(cs->map, &hash);
    bool is_genesis = hash256_eq(&hash, &cs->genesis_hash);
    if (known && (known->status & BLOCK_HAVE_DATA)) {
        chainstate_unlock(cs);
        block_clear(&b);
        mem_free(data);
        return true;
    }
    if (!is_genesis && !block_map_find(cs->map, &b.header.prev_hash)) {
        chainstate_unlock(cs);
        hold(im, &b.header.prev_hash, data, len, pos);
        block_clear(&b);
        return true;
    }
    struct val_state st;
    val_state_init(&st);
    struct block_index *bi;
    bool nb = false;
    bool ok = cs_accept_block(cs, &st, &bi, &nb, &b, data, len, im->reindex ? pos : NULL);
    if (!ok && !cs->fatal) {
        char hex[65];
        hash256_to_hex(hex, &hash);
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "LoadExternalBlockFile: block %s rejected: %s", hex, st.reject);
    }
    if (ok && nb)
        im->accepted++;
    if (ok && !im->reindex)
        cs_activate_best_chain(cs, &b, bi);
    cs->checked_block = NULL;
    bool fatal = cs->fatal;
    chainstate_unlock(cs);
    block_clear(&b);
    mem_free(data);
    if (fatal)
        return false;
    /* Children that were waiting for this block. */
    for (size_t i = 0; i < im->nheld;) {
        if (hash256_eq(&im->held[i].prev, &hash)) {
            struct held_block h = im->held[i];
            im->held[i] = im->held[--im->nheld];
            if (!import_one(im, h.data, h.len, h.pos.file >= 0 ? &h.pos : NULL))
                return false;
            i = 0; /* the array changed */
        } else {
            i++;
        }
    }
    return true;
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Logs a progress line every 5 s (rate over the last interval) and at the
 * end (force: rate over the whole run). */
static void progress(struct importer *im, const char *what, double fraction, bool force)
{
    double now = mono_now();
    if (!force && now - im->last_log < 5.0)
        return;
    double secs = force ? now - im->start : now - im->last_log;
    long n = force ? im->accepted : im->accepted - im->last_log_count;
    double rate = secs > 0 ? (double)n / secs : 0.0;
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "%s: height=%d progress=%.1f%% blocks=%ld (%.1f blocks/s)", what,
               chainstate_height(im->cs), fraction * 100.0, im->accepted, rate);
    im->last_log = now;
    im->last_log_count = im->accepted;
}

/* Reads every record of one file; returns false on a fatal error or a read error. */
static bool import_file(struct importer *im, const char *path, int file, const atomic_bool *stop, const char *what)
{
    struct chainstate *cs = im->cs;
    struct store_error e;
    store_error_clear(&e);
    struct flatfile_reader *rd = flatfile_reader_open(path, cs->params->magic, &e);
    if (!rd) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "%s: cannot open %s: %s", what, path, e.msg);
        return false;
    }
    struct stat sb;
    double size = stat(path, &sb) == 0 && sb.st_size > 0 ? (double)sb.st_size : 1.0;
    bool ok = true;
    while (!(stop && atomic_load(stop))) {
        uint8_t *data;
        size_t len;
        uint64_t off;
        int r = flatfile_reader_next(rd, &data, &len, &off, &e);
        if (r == 0)
            break;
        if (r < 0) {
            log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "%s: read error in %s: %s", what, path, e.msg);
            ok = false;
            break;
        }
        struct flat_pos pos = { file, (uint32_t)off };
        if (!import_one(im, data, len, file >= 0 ? &pos : NULL)) {
            ok = false;
            break;
        }
        progress(im, what, (double)flatfile_reader_tell(rd) / size, false);
    }
    flatfile_reader_close(rd);
    return ok;
}

static void importer_clear(struct importer *im)
{
    if (im->nheld)
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "%zu blocks had no known parent and were not imported", im->nheld);
    for (size_t i = 0; i < im->nheld; i++)
        mem_free(im->held[i].data);
    mem_free(im->held);
}

long chainstate_import_file(struct chainstate *cs, const char *path, const atomic_bool *stop)
{
    struct importer im;
    memset(&im, 0, sizeof(im));
    im.cs = cs;
    im.start = im.last_log = mono_now();
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Importing blocks file %s...", path);
    bool ok = import_file(&im, path, -1, stop, "Importing blocks");
    progress(&im, "Imported blocks", 1.0, true);
    importer_clear(&im);
    chainstate_lock(cs);
    if (ok && !cs->fatal)
        ok = cs_flush(cs, CHAINSTATE_FLUSH_PERIODIC);
    if (cs->fatal)
        ok = false;
    chainstate_unlock(cs);
    return ok ? im.accepted : -1;
}

long chainstate_reindex(struct chainstate *cs, const atomic_bool *stop)
{
    struct importer im;
    memset(&im, 0, sizeof(im));
    im.cs = cs;
    im.reindex = true;
    im.start = im.last_log = mono_now();
    bool ok = true;
    for (int file = 0; ok && !(stop && atomic_load(stop)); file++) {
        char path[4096];
        struct stat sb;
        if (!flatfile_path(path, sizeof(path), cs->blocks_dir, "blk", file) || stat(path, &sb) != 0)
            break;
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Reindexing block file blk%05d.dat...", file);
        ok = import_file(&im, path, file, stop, "Reindexing");
    }
    progress(&im, "Reindexed blocks", 1.0, true);
    importer_clear(&im);
    if (!ok || (stop && atomic_load(stop)))
        return ok ? im.accepted : -1;
    chainstate_lock(cs);
    struct store_error e;
    store_error_clear(&e);
    if (!block_map_find(cs->map, &cs->genesis_hash) && !cs_insert_genesis(cs))
        ok = false;
    /* Index entries must be durable before the marker goes. */
    if (ok && cs_flush(cs, CHAINSTATE_FLUSH_ALWAYS)) {
        if (block_index_db_write_reindexing(cs->index_db, false, &e) < 0)
            ok = cs_fatal(cs, "Failed to write to block index database: %s", e.msg);
    } else {
        ok = false;
    }
    if (ok) {
        cs->reindex_pending = false;
        cs_candidates_rebuild(cs);
        ok = cs_activate_genesis(cs) && cs_activate_best_chain(cs, NULL, NULL);
        if (ok && cs->txindex)
            cs_txindex_catch_up(cs);
    }
    chainstate_unlock(cs);
    return ok ? im.accepted : -1;
}

/* ---- verifychain (Core's CVerifyDB) ---- */

/* Removes "<dir>/" from msg, so a file name fits the short detail of a val_state. */
static void without_dir(char *msg, const char *dir)
{
    size_t n = strlen(dir);
    char *p;
    while (n > 0 && (p = strstr(msg, dir)) != NULL && p[n] == '/')
        memmove(p, p + n + 1, strlen(p + n + 1) + 1);
}

bool chainstate_verify_chain(struct chainstate *cs, struct val_state *st, int level, int depth)
{
    val_state_init(st);
    chainstate_lock(cs);
    struct block_index *tip = active_chain_tip(&cs->chain);
    if (!tip || !tip->prev) {
        chainstate_unlock(cs);
        return true;
    }
    if (level < 0)
        level = 0;
    if (level > 4)
        level = 4;
    if (depth <= 0 || depth > tip->height)
        depth = tip->height;
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Verifying last %d blocks at level %d", depth, level);
    struct coins_cache *view = coins_cache_new_child(cs->coins);
    /* The issuance state goes down and up with the scratch coins. */
    struct cs_block_iss *bx = NULL;
    struct reserve_memstore *rm = NULL; /* scratch tree over the tip's */
    struct reserve_store rs;
    struct reserve_tree rt;
    if (cs->iss_on) {
        rm = reserve_memstore_new(&cs->rstore);
        reserve_memstore_store(&rs, rm);
        reserve_tree_init(&rt, &rs);
        bx = mem_alloc(sizeof(*bx));
        cs_iss_begin(bx, &cs->iss, &rt, false, 0);
    }
    struct block_index *lowest = NULL; /* lowest block disconnected at level 3 */
    bool disconnecting = true;
    bool ok = true;
    for (struct block_index *w = tip; ok && w->prev && w->height > tip->height - depth; w = w->prev) {
        struct block b;
        if (!cs_read_block(cs, &b, w)) {
            val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "block-read-failed", "block at height %d not found on disk",
                              w->height);
            ok = false;
            break;
        }
        if (level >= 1 && !block_check(st, &b, cs->params, true, true)) {
            snprintf(st->debug, sizeof(st->debug), "block at height %d is invalid", w->height);
            ok = false;
        }
        if (ok && level >= 2 && (w->status & BLOCK_HAVE_UNDO)) {
            struct block_undo u;
            struct store_error e;
            store_error_clear(&e);
            struct flat_pos upos = { w->file, w->undo_pos };
            struct issuance_undo *iu = cs->iss_on ? mem_alloc(sizeof(*iu)) : NULL;
            int urc = undo_read(cs->ff, &u, iu, &upos, &w->prev->hash, &e);
            mem_free(iu);
            if (urc < 0) {
                log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Verification: cannot read the undo data at height %d: %s",
                           w->height, e.msg);
                without_dir(e.msg, cs->blocks_dir);
                val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "undo-read-failed", "undo data at height %d: %s", w->height,
                                  e.msg);
                ok = false;
            }
            block_undo_clear(&u);
        }
        /* Disconnect contiguously from the tip while the scratch cache fits the budget. */
        if (disconnecting && coins_cache_memory_usage(view) + coins_cache_memory_usage(cs->coins) > cs->coins_budget)
            disconnecting = false;
        if (ok && level >= 3 && disconnecting) {
            if (bx)
                reserve_batch_clear(&bx->rbatch);
            enum undo_result r = cs_disconnect_block(cs, view, w, &b, bx, NULL);
            if (r == UNDO_OK && bx && !cs_iss_tree_commit(bx, &rs))
                r = UNDO_FAILED;
            struct store_error ce;
            if (r != UNDO_OK && coins_cache_read_failed(view, &ce)) {
                /* LevelDB could not read a coin (a checksum mismatch): not an inconsistency. */
                disconnecting = false;
                log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Verification: cannot read the coins database: %s", ce.msg);
                without_dir(ce.msg, cs->datadir);
                val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "coins-read-failed", "%s", ce.msg);
                ok = false;
            } else if (r != UNDO_OK) {
                disconnecting = false;
                val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "inconsistent-coins",
                                  "coin database inconsistencies found at height %d", w->height);
                ok = false;
            } else {
                lowest = w;
            }
        }
        block_clear(&b);
    }
    if (ok && level >= 4 && lowest) {
        for (int32_t h = lowest->height; ok && h <= tip->height; h++) {
            struct block_index *bi = active_chain_at(&cs->chain, h);
            struct block b;
            if (!cs_read_block(cs, &b, bi)) {
                val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "block-read-failed", "height %d", h);
                ok = false;
                break;
            }
            if (bx) {
                issuance_undo_init(&bx->undo);
                reserve_batch_clear(&bx->rbatch);
            }
            if (!cs_connect_block(cs, st, view, bi, &b, true, bx)) {
                snprintf(st->debug, sizeof(st->debug), "found unconnectable block at height %d", h);
                ok = false;
            } else if (bx && !cs_iss_tree_commit(bx, &rs)) {
                val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "inconsistent-issuance", "reserve tree store failed");
                ok = false;
            }
            block_clear(&b);
        }
        /* Down and up again: the issuance state and the reserve tree must be the tip's. */
        struct reserve_state now, tip_tree;
        struct val_state rst;
        val_state_init(&rst);
        if (ok && bx &&
            (!cs_iss_equal(&bx->state, &cs->iss) || !reserve_tree_state(&rst, &now, &rt) ||
             !reserve_tree_state(&rst, &tip_tree, &cs->rtree) || !hash256_eq(&now.root, &tip_tree.root))) {
            val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "inconsistent-issuance",
                              "the issuance state or reserve tree does not follow from the last %d blocks", depth);
            ok = false;
        }
    }
    if (bx) {
        cs_iss_end(bx);
        mem_free(bx);
    }
    reserve_memstore_free(rm);
    coins_cache_free(view);
    if (ok)
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Verification: No coin database inconsistencies in last %d blocks", depth);
    chainstate_unlock(cs);
    return ok;
}

/* ---- gettxoutsetinfo ---- */

bool chainstate_utxo_stats(struct chainstate *cs, struct chainstate_utxo_stats *out)
{
    memset(out, 0, sizeof(*out));
    chainstate_lock(cs);
    bool ok = cs_flush(cs, CHAINSTATE_FLUSH_ALWAYS);
    struct coins_stats s;
    struct store_error e;
    store_error_clear(&e);
    if (ok && coins_db_stats(cs->coins_db, &s, &e) < 0) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "gettxoutsetinfo: %s", e.msg);
        ok = false;
    }
    if (ok) {
        struct block_index *bi = block_map_find(cs->map, &s.best_block);
        out->height = bi ? bi->height : -1;
        out->best_block = s.best_block;
        out->transactions = s.transactions;
        out->txouts = s.txouts;
        out->bogosize = s.bogosize;
        out->total_amount = s.total_amount;
        out->hash_serialized = s.hash_serialized;
        out->disk_size = s.disk_size;
    }
    chainstate_unlock(cs);
    return ok;
}

/* ---- the transaction index ---- */

bool cs_txindex_add_block(struct chainstate *cs, const struct block *b, const struct block_index *bi)
{
    struct txindex_entry *v = mem_alloc((b->tx_count ? b->tx_count : 1) * sizeof(*v));
    uint64_t off = compact_size_len(b->tx_count);
    for (size_t i = 0; i < b->tx_count; i++) {
        v[i].txid = b->txs[i].txid;
        v[i].pos.block.file = bi->file;
        v[i].pos.block.pos = bi->data_pos;
        v[i].pos.tx_offset = (uint32_t)off;
        off += tx_size(&b->txs[i], true);
    }
    struct store_error e;
    store_error_clear(&e);
    int rc = txindex_db_write(cs->txindex, v, b->tx_count, NULL, false, &e);
    mem_free(v);
    if (rc < 0)
        return cs_fatal(cs, "Failed to write to transaction index: %s", e.msg);
    return true;
}

void cs_txindex_catch_up(struct chainstate *cs)
{
    struct hash256 best;
    struct store_error e;
    store_error_clear(&e);
    if (txindex_db_get_best_block(cs->txindex, &best, &e) < 0)
        memset(&best, 0, sizeof(best));
    struct block_index *tip = active_chain_tip(&cs->chain);
    if (!tip)
        return;
    struct block_index *from = hash256_is_zero(&best) ? NULL : block_map_find(cs->map, &best);
    if (from)
        from = active_chain_find_fork(&cs->chain, from);
    if (from == tip)
        return;
    int32_t start = from ? from->height + 1 : 0;
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "txindex: indexing blocks %d to %d", start, tip->height);
    for (int32_t h = start; h <= tip->height; h++) {
        struct block_index *bi = active_chain_at(&cs->chain, h);
        struct block b;
        if (!cs_read_block(cs, &b, bi)) {
            log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "txindex: cannot read block %d", h);
            return;
        }
        bool ok = cs_txindex_add_block(cs, &b, bi);
        block_clear(&b);
        if (!ok)
            return;
    }
    if (txindex_db_write(cs->txindex, NULL, 0, &tip->hash, true, &e) < 0)
        cs_fatal(cs, "Failed to write to transaction index: %s", e.msg);
}

bool chainstate_txindex_find(struct chainstate *cs, struct tx *tx, struct hash256 *block_hash, const struct hash256 *txid)
{
    tx_init(tx);
    if (!cs->txindex)
        return false;
    struct tx_disk_pos pos;
    struct store_error e;
    store_error_clear(&e);
    if (txindex_db_read(cs->txindex, &pos, txid, &e) != 1)
        return false;
    uint8_t *data;
    size_t len;
    if (flatfile_read_block(cs->ff, &data, &len, &pos.block, &e) < 0)
        return false;
    bool ok = false;
    if ((uint64_t)BLOCK_HEADER_SIZE + pos.tx_offset < len) {
        struct rbuf hr = rbuf_make(data, BLOCK_HEADER_SIZE);
        struct block_header h;
        struct rbuf r = rbuf_make(data + BLOCK_HEADER_SIZE + pos.tx_offset, len - BLOCK_HEADER_SIZE - pos.tx_offset);
        struct tx parsed;
        if (block_header_parse(&h, &hr) && tx_parse(&parsed, &r, true)) {
            if (hash256_eq(&parsed.txid, txid)) {
                tx_clear(tx);
                *tx = parsed;
                if (block_hash)
                    block_header_hash(block_hash, &h);
                ok = true;
            } else {
                tx_clear(&parsed);
            }
        }
    }
    mem_free(data);
    return ok;
}
