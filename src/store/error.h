#ifndef HASHMINT_STORE_ERROR_H
#define HASHMINT_STORE_ERROR_H
/* Errors of the storage layer.
 *
 * Conventions for all of src/store/: a function that can fail returns 0 on
 * success and -1 on failure (lookups return 1 found / 0 not found / -1 error)
 * and, if the caller passed a non-NULL `struct store_error *`, fills it with
 * a kind and a one-line message for the log. Nothing here aborts on bad data
 * from a file or database.
 *
 * The fatal-error rule: a failed WRITE (or fsync) to the block files, the
 * block index or the chainstate leaves the on-disk state behind the
 * in-memory one, so the caller (the chain) must stop the node cleanly with
 * the message (Core's AbortNode) and never continue. A STORE_ERR_CORRUPT on
 * any read means the databases cannot be trusted: report
 * "Corrupted block database detected" and suggest -reindex. */
#include <stdarg.h>
#include <stdbool.h>

enum store_error_kind {
    STORE_ERR_NONE = 0,
    STORE_ERR_IO,        /* an operating-system or LevelDB I/O failure */
    STORE_ERR_CORRUPT,   /* checksums, magic, lengths or encodings do not match */
    STORE_ERR_DISK_FULL, /* too little free space to continue safely */
    STORE_ERR_INVALID,   /* the caller asked for something impossible (bad position, bad argument) */
};

struct store_error {
    enum store_error_kind kind;
    char msg[256];
};

/** Sets e (if not NULL) to kind and a printf-formatted message. Always returns -1,
 *  so failures can be written `return store_error_set(err, ...);`. */
int store_error_set(struct store_error *e, enum store_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Resets e (if not NULL) to STORE_ERR_NONE with an empty message. */
void store_error_clear(struct store_error *e);
/** Returns true if e is not NULL and records a corruption. */
bool store_error_is_corrupt(const struct store_error *e);

#endif
