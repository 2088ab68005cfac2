#include "src/util/log.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* The logger is the one process-wide sink, so its state is file-static. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t enabled_categories;
static FILE *log_file;
static bool log_console = true;

/* ---- rate limiting (all under log_lock) ----
 * One entry per call site that wrote an info-or-above line, found by its
 * (file pointer, line) in an open-addressing table. The number of entries
 * is bounded by the number of log_printf calls in the program. */
struct log_site {
    const char *file; /* NULL: empty slot */
    int line;
    uint64_t used;    /* bytes written to the file in this window */
    uint64_t dropped; /* bytes kept off the file in this window */
    bool suppressed;
};
static struct log_site *sites;
static size_t sites_cap, sites_count;
static size_t sites_suppressed;
static uint64_t rl_bytes = LOG_RATELIMIT_DEFAULT_BYTES;
static int64_t rl_window = LOG_RATELIMIT_WINDOW_S;
static int64_t rl_window_start = -1;
static int64_t (*rl_clock)(void);

static const struct {
    const char *name;
    uint32_t bit;
} categories[] = {
    { "net", LOG_NET }, { "mempool", LOG_MEMPOOL }, { "db", LOG_DB },
    { "rpc", LOG_RPC }, { "zmq", LOG_ZMQ }, { "validation", LOG_VALIDATION },
    { "bench", LOG_BENCH }, { "miner", LOG_MINER }, { "reindex", LOG_REINDEX },
    { "wallet", LOG_WALLET }, { "issuance", LOG_ISSUANCE }, { "http", LOG_HTTP },
};

static bool lookup(const char *name, uint32_t *bit)
{
    if (!strcmp(name, "1") || !strcmp(name, "all")) {
        *bit = LOG_ALL;
        return true;
    }
    for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++) {
        if (!strcmp(name, categories[i].name)) {
            *bit = categories[i].bit;
            return true;
        }
    }
    return false;
}

bool log_enable_category(const char *name)
{
    uint32_t bit;
    if (!lookup(name, &bit))
        return false;
    pthread_mutex_lock(&log_lock);
    enabled_categories |= bit;
    pthread_mutex_unlock(&log_lock);
    return true;
}

bool log_disable_category(const char *name)
{
    uint32_t bit;
    if (!lookup(name, &bit))
        return false;
    pthread_mutex_lock(&log_lock);
    enabled_categories &= ~bit;
    pthread_mutex_unlock(&log_lock);
    return true;
}

bool log_category_enabled(uint32_t category)
{
    if (category == LOG_ALWAYS)
        return true;
    pthread_mutex_lock(&log_lock);
    bool on = (enabled_categories & category) != 0;
    pthread_mutex_unlock(&log_lock);
    return on;
}

const char *log_category_names(void)
{
    return "net, mempool, db, rpc, zmq, validation, bench, miner, reindex, wallet, issuance, http";
}

bool log_open(const char *path, bool console)
{
    FILE *f = NULL;
    if (path) {
        f = fopen(path, "a");
        if (!f)
            return false;
        setvbuf(f, NULL, _IOLBF, 0);
    }
    pthread_mutex_lock(&log_lock);
    if (log_file)
        fclose(log_file);
    log_file = f;
    log_console = console;
    pthread_mutex_unlock(&log_lock);
    return true;
}

void log_close(void)
{
    pthread_mutex_lock(&log_lock);
    if (log_file)
        fclose(log_file);
    log_file = NULL;
    free(sites);
    sites = NULL;
    sites_cap = sites_count = sites_suppressed = 0;
    rl_window_start = -1;
    pthread_mutex_unlock(&log_lock);
}

static int64_t rl_now(void)
{
    if (rl_clock)
        return rl_clock();
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

static size_t site_slot(const char *file, int line, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)file * 0x9e3779b97f4a7c15ull ^ (uint64_t)(unsigned)line * 0xc2b2ae3d27d4eb4full;
    return (size_t)(h >> 17) & (cap - 1);
}

/* Returns the site's entry, adding it (growing the table) if new; NULL only if the table cannot grow. */
static struct log_site *site_get(const char *file, int line)
{
    if (sites_cap == 0 || (sites_count + 1) * 2 > sites_cap) {
        size_t cap = sites_cap ? sites_cap * 2 : 256;
        /* calloc, not mem_alloc: the logger must not abort (and mem_* may log) */
        struct log_site *t = calloc(cap, sizeof(*t));
        if (!t)
            return NULL;
        for (size_t i = 0; i < sites_cap; i++) {
            if (!sites[i].file)
                continue;
            size_t j = site_slot(sites[i].file, sites[i].line, cap);
            while (t[j].file)
                j = (j + 1) & (cap - 1);
            t[j] = sites[i];
        }
        free(sites);
        sites = t;
        sites_cap = cap;
    }
    size_t j = site_slot(file, line, sites_cap);
    while (sites[j].file && !(sites[j].file == file && sites[j].line == line))
        j = (j + 1) & (sites_cap - 1);
    if (!sites[j].file) {
        sites[j].file = file;
        sites[j].line = line;
        sites_count++;
    }
    return &sites[j];
}

static void write_line(FILE *f, const char *stamp, long usec, const char *lv, const char *msg)
{
    fprintf(f, "%s.%06ldZ %s%s%s%s\n", stamp, usec, sites_suppressed ? "[*] " : "", lv, *lv ? ": " : "", msg);
}

static const char *base_name(const char *file)
{
    const char *s = strrchr(file, '/');
    return s ? s + 1 : file;
}

/* Starts a new window if the current one is over: suppressed sites log what they dropped. */
static void rl_roll(int64_t now, const char *stamp, long usec)
{
    if (rl_window_start >= 0 && now - rl_window_start < rl_window)
        return;
    rl_window_start = now;
    sites_suppressed = 0;
    for (size_t i = 0; i < sites_cap; i++) {
        struct log_site *e = &sites[i];
        if (!e->file)
            continue;
        if (e->suppressed && log_file) {
            char msg[256];
            snprintf(msg, sizeof(msg),
                     "Restarting logging from %s:%d: %" PRIu64 " bytes were dropped during the last %" PRId64 "s.",
                     base_name(e->file), e->line, e->dropped, rl_window);
            write_line(log_file, stamp, usec, "warning", msg);
        }
        e->used = e->dropped = 0;
        e->suppressed = false;
    }
}

/* Decides whether a line of `len` bytes from file:line goes to the log file; writes the suppression warning. */
static bool rl_admit(const char *file, int line, size_t len, const char *stamp, long usec)
{
    if (rl_bytes == 0)
        return true;
    rl_roll(rl_now(), stamp, usec);
    struct log_site *e = site_get(file, line);
    if (!e)
        return true;
    if (e->suppressed) {
        e->dropped += len;
        return false;
    }
    if (e->used + len <= rl_bytes) {
        e->used += len;
        return true;
    }
    e->suppressed = true;
    e->dropped += len;
    sites_suppressed++;
    if (log_file) {
        char msg[400];
        snprintf(msg, sizeof(msg),
                 "Excessive logging detected from %s:%d: >%" PRIu64 " bytes logged during the last time window of "
                 "%" PRId64 "s. Suppressing logging to disk from this source location until time window resets. "
                 "Console logging unaffected.",
                 base_name(file), line, rl_bytes, rl_window);
        write_line(log_file, stamp, usec, "warning", msg);
    }
    return false;
}

void log_set_ratelimit(uint64_t bytes, int64_t window_seconds)
{
    pthread_mutex_lock(&log_lock);
    rl_bytes = bytes;
    rl_window = window_seconds > 0 ? window_seconds : LOG_RATELIMIT_WINDOW_S;
    for (size_t i = 0; i < sites_cap; i++) {
        sites[i].used = sites[i].dropped = 0;
        sites[i].suppressed = false;
    }
    sites_suppressed = 0;
    rl_window_start = -1;
    pthread_mutex_unlock(&log_lock);
}

void log_set_ratelimit_clock(int64_t (*now_seconds)(void))
{
    pthread_mutex_lock(&log_lock);
    rl_clock = now_seconds;
    rl_window_start = -1;
    pthread_mutex_unlock(&log_lock);
}

#undef log_printf
void log_printf_at(const char *file, int line, uint32_t category, enum log_level level, const char *fmt, ...)
{
    if (!log_category_enabled(category))
        return;
    static const char *const level_names[] = { "debug", "info", "warning", "error" };
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    size_t n = strlen(msg);
    if (n && msg[n - 1] == '\n')
        msg[--n] = '\0';

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

    pthread_mutex_lock(&log_lock);
    const char *lv = level == LOG_LEVEL_INFO ? "" : level_names[level];
    if (log_console)
        write_line(stderr, stamp, (long)tv.tv_usec, lv, msg);
    /* the line's size in the file: stamp (27) and a space, level, message, newline */
    size_t len = 29 + strlen(lv) + (*lv ? 2 : 0) + n;
    if (log_file && (level == LOG_LEVEL_DEBUG || rl_admit(file, line, len, stamp, (long)tv.tv_usec)))
        write_line(log_file, stamp, (long)tv.tv_usec, lv, msg);
    pthread_mutex_unlock(&log_lock);
}
