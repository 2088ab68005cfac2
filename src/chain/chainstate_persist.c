/* Durability of accepted blocks (doc/chainstate.md, "Durability of accepted
 * blocks"): the block index is written as blocks are accepted, and the
 * blocks stored beyond the chain state's tip are connected at start-up.
 *
 * Write order. A block's bytes are in its blk file (pwrite: in the
 * operating system's hands) before cs_accept_block calls cs_index_write,
 * which puts the new and changed index entries, the changed file infos and
 * the last file number in ONE small LevelDB batch without fsync. LevelDB
 * appends the batch to its log with write(2) before returning, so a crash
 * of the process (kill -9, abort) loses neither; the coins keep their
 * flush policy, so after a crash the coins are behind the index and
 * chainstate_catch_up reconnects the difference. Power loss is covered by
 * the flush as before: it fsyncs the block files, then writes the index in
 * a synced batch that repeats every entry written unsynced since the last
 * flush (LevelDB does not promise that a synced write also makes earlier
 * unsynced ones durable when its log file was switched in between), then
 * the coins. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/chain/chainstate_internal.h"
#include "src/chain/undo.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* Seconds between two "Catching up" progress lines. */
#define CATCH_UP_LOG_INTERVAL 10.0
/* Test hook: pause the catch-up after this many blocks until shutdown is
 * requested, so a test can kill the process at a known point of it. */
#define CATCH_UP_PAUSE_ENV "HASHMINT_TEST_CATCHUP_PAUSE"

/* ---- writing the index ---- */

static void unsynced_add(struct chainstate *cs, struct block_index *bi)
{
    if (bi->unsynced)
        return;
    if (cs->nunsynced == cs->capunsynced) {
        cs->capunsynced = cs->capunsynced ? cs->capunsynced * 2 : 64;
        cs->unsynced = mem_realloc(cs->unsynced, cs->capunsynced * sizeof(*cs->unsynced));
    }
    cs->unsynced[cs->nunsynced++] = bi;
    bi->unsynced = true;
}

/* Adds file to the sorted, duplicate-free list *v (*n entries, *cap room). */
static void file_list_add(int **v, size_t *n, size_t *cap, int file)
{
    size_t i = 0;
    while (i < *n && (*v)[i] < file)
        i++;
    if (i < *n && (*v)[i] == file)
        return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *v = mem_realloc(*v, *cap * sizeof(**v));
    }
    memmove(*v + i + 1, *v + i, (*n - i) * sizeof(**v));
    (*v)[i] = file;
    (*n)++;
}

static void record_of(struct block_index_record *r, const struct block_index *bi)
{
    memset(r, 0, sizeof(*r));
    r->hash = bi->hash;
    r->header = bi->header;
    r->height = bi->height;
    r->status = bi->status;
    r->tx_count = bi->tx_count;
    r->file = bi->file < 0 ? 0 : bi->file;
    r->data_pos = bi->data_pos;
    r->undo_pos = bi->undo_pos;
}

bool cs_index_write(struct chainstate *cs, bool sync)
{
    if (cs->fatal)
        return false;
    size_t ndirty;
    struct block_index *const *dirty = block_map_dirty(cs->map, &ndirty);
    size_t ntaken = 0;
    int *taken = flatfile_take_dirty(cs->ff, &ntaken);
    /* The files to write: the changed ones, and for a synced write also
     * those written unsynced before. */
    int *files = NULL;
    size_t nfiles = 0, capfiles = 0;
    for (size_t i = 0; i < ntaken; i++)
        file_list_add(&files, &nfiles, &capfiles, taken[i]);
    if (sync)
        for (size_t i = 0; i < cs->nunsynced_files; i++)
            file_list_add(&files, &nfiles, &capfiles, cs->unsynced_files[i]);
    size_t nrecs = ndirty + (sync ? cs->nunsynced : 0);
    if (nfiles == 0 && nrecs == 0) {
        mem_free(taken);
        return true;
    }
    struct block_index_file_entry *fe = mem_alloc((nfiles ? nfiles : 1) * sizeof(*fe));
    for (size_t i = 0; i < nfiles; i++) {
        fe[i].file = files[i];
        flatfile_get_info(cs->ff, &fe[i].info, files[i]);
    }
    struct block_index_record *recs = mem_alloc((nrecs ? nrecs : 1) * sizeof(*recs));
    size_t n = 0;
    for (size_t i = 0; i < ndirty; i++)
        record_of(&recs[n++], dirty[i]);
    if (sync)
        for (size_t i = 0; i < cs->nunsynced; i++)
            if (!cs->unsynced[i]->dirty) /* a dirty one is already in */
                record_of(&recs[n++], cs->unsynced[i]);
    struct store_error e;
    store_error_clear(&e);
    int rc = block_index_db_write_batch(cs->index_db, fe, nfiles, flatfile_last_file(cs->ff), recs, n, sync, &e);
    mem_free(fe);
    mem_free(recs);
    if (rc < 0) {
        for (size_t i = 0; i < ntaken; i++)
            flatfile_mark_dirty(cs->ff, taken[i]);
        mem_free(taken);
        mem_free(files);
        return cs_fatal(cs, "Failed to write to block index database: %s", e.msg);
    }
    if (sync) {
        for (size_t i = 0; i < cs->nunsynced; i++)
            cs->unsynced[i]->unsynced = false;
        cs->nunsynced = 0;
        cs->nunsynced_files = 0;
    } else {
        for (size_t i = 0; i < ndirty; i++)
            unsynced_add(cs, dirty[i]);
        for (size_t i = 0; i < ntaken; i++)
            file_list_add(&cs->unsynced_files, &cs->nunsynced_files, &cs->capunsynced_files, taken[i]);
    }
    block_map_clear_dirty(cs->map);
    mem_free(taken);
    mem_free(files);
    return true;
}

void cs_index_clear(struct chainstate *cs)
{
    mem_free(cs->unsynced);
    mem_free(cs->unsynced_files);
    cs->unsynced = NULL;
    cs->unsynced_files = NULL;
    cs->nunsynced = cs->capunsynced = cs->nunsynced_files = cs->capunsynced_files = 0;
}

/* ---- catching up at start-up ---- */

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool stopping(const atomic_bool *stop) { return stop && atomic_load(stop); }

struct forget_ctx {
    struct chainstate *cs;
    struct block_index *root;
    long count;
};

/* Drops what the entry says about stored data: the block must be received again. */
static void forget_one(struct chainstate *cs, struct block_index *bi)
{
    bi->status &= ~(uint32_t)BLOCK_HAVE_MASK;
    bi->file = -1;
    bi->data_pos = bi->undo_pos = 0;
    bi->tx_count = 0;
    bi->chain_tx = 0;
    block_map_set_dirty(cs->map, bi);
    cs_candidate_remove(cs, bi);
    for (size_t i = 0; i < cs->nunlinked;) {
        if (cs->unlinked[i].child == bi || cs->unlinked[i].parent == bi)
            cs->unlinked[i] = cs->unlinked[--cs->nunlinked];
        else
            i++;
    }
}

static bool forget_descendant(struct block_index *bi, void *arg)
{
    struct forget_ctx *f = arg;
    if (bi->height > f->root->height && (bi->status & BLOCK_HAVE_DATA) &&
        block_index_get_ancestor(bi, f->root->height) == f->root) {
        forget_one(f->cs, bi);
        f->count++;
    }
    return true;
}

/* The index says bi's data is stored but it cannot be read: possible after a
 * power loss, when the unsynced index write reached the disk and the block
 * file did not. bi is beyond the coins' tip, so nothing depends on it yet:
 * forget its data and that of its descendants (written after it, so most
 * likely lost as well, and unusable until bi comes back): they must be
 * received again, like any block we lack. Their headers stay known. */
static void forget_block_data(struct chainstate *cs, struct block_index *bi)
{
    struct forget_ctx f = { cs, bi, 0 };
    forget_one(cs, bi);
    block_map_each(cs->map, forget_descendant, &f);
    char hex[65];
    hash256_to_hex(hex, &bi->hash);
    log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING,
               "Catching up: block %s (height %d) is in the block index but its data cannot be read "
               "(lost in a power failure?): forgetting it and %ld stored descendants; they must be received again",
               hex, bi->height, f.count);
}

/* Undo data recorded for a block we are about to connect again may, like its
 * block data, not have reached the disk before a power loss: check it, and
 * if it is unreadable let the connection write it again. */
static void check_undo(struct chainstate *cs, struct block_index *bi)
{
    /* -reindex-chainstate reconnects every block, including those whose undo
     * data earlier flushes made durable: missing undo data there is damage,
     * which only -reindex repairs (doc/chainstate.md), so it is left alone. */
    if (!(bi->status & BLOCK_HAVE_UNDO) || !bi->prev || cs->opt.reindex_chainstate)
        return;
    struct block_undo u;
    struct store_error e;
    store_error_clear(&e);
    struct flat_pos pos = { bi->file, bi->undo_pos };
    struct issuance_undo *iu = cs->iss_on ? mem_alloc(sizeof(*iu)) : NULL;
    int rc = undo_read(cs->ff, &u, iu, &pos, &bi->prev->hash, &e);
    mem_free(iu);
    if (rc == 0) {
        block_undo_clear(&u);
        return;
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Catching up: undo data of height %d is unreadable (%s): writing it again",
               bi->height, e.msg);
    bi->status &= ~(uint32_t)BLOCK_HAVE_UNDO;
    bi->undo_pos = 0;
    block_map_set_dirty(cs->map, bi);
}

/* Blocks between the tip and target: those to disconnect plus those to connect. */
static long distance(struct chainstate *cs, struct block_index *target)
{
    struct block_index *tip = active_chain_tip(&cs->chain);
    struct block_index *fork = active_chain_find_fork(&cs->chain, target);
    int32_t fh = fork ? fork->height : -1;
    return (long)(tip ? tip->height - fh : 0) + (long)(target->height - fh);
}

enum step_result { STEP_DONE, STEP_MOVED, STEP_RETRY, STEP_FATAL };

/* Moves the tip one block towards the best candidate. Out: *fork_low (lowered
 * to the lowest block the tip went back to). */
static enum step_result catch_up_step(struct chainstate *cs, struct block_index **fork_low)
{
    if (cs->fatal)
        return STEP_FATAL;
    struct block_index *most = cs_find_most_work_chain(cs);
    struct block_index *tip = active_chain_tip(&cs->chain);
    if (!most || most == tip)
        return STEP_DONE;
    struct block_index *fork = active_chain_find_fork(&cs->chain, most);
    if (!*fork_low || !fork || fork->height < (*fork_low)->height)
        *fork_low = fork;
    if (tip != fork)
        return cs_disconnect_tip(cs) ? STEP_MOVED : STEP_FATAL;
    struct block_index *bi = block_index_get_ancestor(most, tip ? tip->height + 1 : 0);
    struct block b;
    if (!cs_read_block(cs, &b, bi)) {
        forget_block_data(cs, bi);
        return STEP_RETRY;
    }
    check_undo(cs, bi);
    bool invalid;
    bool ok = cs_connect_tip(cs, bi, &b, &invalid);
    block_clear(&b);
    if (!ok)
        return STEP_FATAL;
    if (invalid)
        cs_candidates_rebuild(cs);
    else
        cs_candidates_prune(cs);
    return STEP_MOVED;
}

long chainstate_catch_up(struct chainstate *cs, const atomic_bool *stop)
{
    chainstate_lock(cs);
    struct block_index *target = cs->fatal ? NULL : cs_find_most_work_chain(cs);
    struct block_index *start_tip = active_chain_tip(&cs->chain);
    if (cs->fatal || !target || target == start_tip) {
        bool ok = !cs->fatal;
        chainstate_unlock(cs);
        return ok ? 0 : -1;
    }
    long total = distance(cs, target);
    {
        char hex[65];
        hash256_to_hex(hex, &target->hash);
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO,
                   "Catching up: %ld blocks to connect from the chain state's tip (height %d) to the best stored "
                   "block %s (height %d)",
                   total, active_chain_height(&cs->chain), hex, target->height);
    }
    chainstate_unlock(cs);

    long pause_after = 0;
    const char *env = getenv(CATCH_UP_PAUSE_ENV);
    if (env && stop) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v > 0)
            pause_after = v;
    }
    long done = 0;
    struct block_index *fork_low = NULL;
    double last_log = mono_now();
    enum step_result r = STEP_MOVED;
    while (!stopping(stop)) {
        chainstate_lock(cs);
        r = catch_up_step(cs, &fork_low);
        if (r == STEP_MOVED)
            done++;
        else if (r == STEP_RETRY)
            total = done + (cs_find_most_work_chain(cs) ? distance(cs, cs_find_most_work_chain(cs)) : 0);
        int32_t height = active_chain_height(&cs->chain);
        if (done > total)
            total = done;
        double now = mono_now();
        if (r == STEP_MOVED && now - last_log >= CATCH_UP_LOG_INTERVAL) {
            log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Catching up: connected %ld of %ld blocks (height %d)", done, total,
                       height);
            last_log = now;
        }
        chainstate_unlock(cs);
        if (r == STEP_DONE || r == STEP_FATAL)
            break;
        if (pause_after && done == pause_after) {
            log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Catching up: paused after %ld of %ld blocks (height %d) for a test",
                       done, total, height);
            struct timespec ts = { 0, 10 * 1000 * 1000 };
            while (!stopping(stop))
                nanosleep(&ts, NULL);
        }
    }

    chainstate_lock(cs);
    struct block_index *tip = active_chain_tip(&cs->chain);
    if (tip != start_tip && r != STEP_FATAL)
        events_emit_updated_block_tip(cs->opt.events, tip, fork_low, chainstate_is_initial_download(cs));
    bool ok = r != STEP_FATAL && !cs->fatal;
    if (ok) {
        if (r == STEP_DONE)
            log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Catching up: connected %ld of %ld blocks (height %d): done", done,
                       done, active_chain_height(&cs->chain));
        else
            log_printf(LOG_ALWAYS, LOG_LEVEL_INFO,
                       "Catching up: interrupted by shutdown after %ld of %ld blocks (height %d)", done, total,
                       active_chain_height(&cs->chain));
        ok = cs_flush(cs, CHAINSTATE_FLUSH_PERIODIC);
    }
    chainstate_unlock(cs);
    return ok ? done : -1;
}
