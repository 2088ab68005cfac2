#ifndef HASHMINT_UTIL_LOG_H
#define HASHMINT_UTIL_LOG_H
/* Logging with categories. LOG_ALWAYS lines are always written; category
 * lines only when that category is switched on (-debug=<category>).
 * Thread-safe. consensus/ and issuance/ never log: they return reasons. */
#include <stdbool.h>
#include <stdint.h>

enum log_category {
    LOG_ALWAYS = 0,
    LOG_NET = 1u << 0,
    LOG_MEMPOOL = 1u << 1,
    LOG_DB = 1u << 2,
    LOG_RPC = 1u << 3,
    LOG_ZMQ = 1u << 4,
    LOG_VALIDATION = 1u << 5,
    LOG_BENCH = 1u << 6,
    LOG_MINER = 1u << 7,
    LOG_REINDEX = 1u << 8,
    LOG_WALLET = 1u << 9,
    LOG_ISSUANCE = 1u << 10,
    LOG_HTTP = 1u << 11,
    LOG_ALL = 0xffffffffu,
};

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARNING, LOG_LEVEL_ERROR };

/**
 * Writes one line (a newline is added if missing) if `category` is enabled.
 * Lines of level info and above are rate limited per call site (Bitcoin
 * Core's #32604, RELIABILITY.md #10): each source location may write
 * LOG_RATELIMIT_DEFAULT_BYTES to the log file per LOG_RATELIMIT_WINDOW_S
 * seconds; beyond that its lines go only to the console until the window
 * ends. The first suppressed line is replaced by one "Excessive logging
 * detected from <file>:<line>" warning, the end of the window logs how much
 * was dropped, and while any location is suppressed every line starts with
 * "[*] ". Debug lines (asked for with -debug) are not limited.
 */
#define log_printf(category, level, ...) log_printf_at(__FILE__, __LINE__, category, level, __VA_ARGS__)
/** log_printf with an explicit source location (file must be a string that lives forever). */
void log_printf_at(const char *file, int line, uint32_t category, enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#define LOG_RATELIMIT_WINDOW_S 3600
#define LOG_RATELIMIT_DEFAULT_BYTES (1024u * 1024u)
/** Sets the per-location quota in bytes per window (0: no limit) and the window
 *  in seconds (> 0). Starts a new window. */
void log_set_ratelimit(uint64_t bytes, int64_t window_seconds);
/** Tests: the clock the rate limiter reads (seconds, monotonic); NULL: CLOCK_MONOTONIC. */
void log_set_ratelimit_clock(int64_t (*now_seconds)(void));
/** Switches categories on (names as in -debug=, "1"/"all" for every one).
 *  Returns false for an unknown name. */
bool log_enable_category(const char *name);
/** Switches a category off (-debugexclude=). Returns false if unknown. */
bool log_disable_category(const char *name);
/** Returns true if `category` lines would be written. */
bool log_category_enabled(uint32_t category);
/** Returns a static comma-separated list of the category names. */
const char *log_category_names(void);
/** Sends log lines to `path` (appending) as well as to stderr if `console`.
 *  path NULL: no file. Returns false if the file cannot be opened. */
bool log_open(const char *path, bool console);
/** Closes the log file. */
void log_close(void);

#endif
