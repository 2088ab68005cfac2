#include "src/util/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* The logger is the one process-wide sink, so its state is file-static. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t enabled_categories;
static FILE *log_file;
static bool log_console = true;

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
    pthread_mutex_unlock(&log_lock);
}

void log_printf(uint32_t category, enum log_level level, const char *fmt, ...)
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
        msg[n - 1] = '\0';

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

    pthread_mutex_lock(&log_lock);
    const char *lv = level == LOG_LEVEL_INFO ? "" : level_names[level];
    if (log_console)
        fprintf(stderr, "%s.%06ldZ %s%s%s\n", stamp, (long)tv.tv_usec, lv, *lv ? ": " : "", msg);
    if (log_file)
        fprintf(log_file, "%s.%06ldZ %s%s%s\n", stamp, (long)tv.tv_usec, lv, *lv ? ": " : "", msg);
    pthread_mutex_unlock(&log_lock);
}
