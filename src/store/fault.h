#ifndef HASHMINT_STORE_FAULT_H
#define HASHMINT_STORE_FAULT_H
/* Test-only write-failure injection (doc/chainstate.md, "Fault injection
 * (tests only)").
 *
 * A store object that writes (the block files, each LevelDB database) keeps
 * one struct store_fault per kind of write, set from an environment variable
 * when the object is opened. The value is "N" or "N:applied" (N a decimal,
 * at least 1): the N-th write of that kind made by the object, and every
 * later one, fails as a broken disk would ("sticky"). With ":applied" the
 * N-th write takes effect before it reports its failure (a write whose data
 * reached the disk but whose sync failed); later ones fail without effect.
 * Unset (the normal case), it costs one comparison per write.
 *
 * The counter is atomic: writers on several threads are fine. */
#include <stdbool.h>
#include <stdint.h>

/** What store_fault_next decides for one write. */
enum store_fault_action {
    STORE_FAULT_PASS = 0, /* write normally */
    STORE_FAULT_FAIL,     /* fail without writing (or with a torn write, for files) */
    STORE_FAULT_APPLY,    /* write, then report a failure (":applied", first failing write only) */
};

struct store_fault {
    uint64_t after;   /* 0: disabled; else writes from this one on fail */
    uint64_t count;   /* writes so far */
    bool applied;     /* the first failing write takes effect */
    char what[48];    /* the variable's name, for the log */
};

/**
 * Parses value ("N" or "N:applied"; NULL or "" disables) into f, named what
 * (copied, truncated) for the log. Returns true, or false for a malformed
 * value (f is then disabled).
 */
bool store_fault_parse(struct store_fault *f, const char *what, const char *value);
/**
 * Sets f from the environment variable env_name (see store_fault_parse); a
 * malformed value is logged as a warning and ignored, a valid one logged.
 */
void store_fault_init(struct store_fault *f, const char *env_name);
/** Returns true if f can ever fire. */
bool store_fault_enabled(const struct store_fault *f);
/**
 * Counts one write of f's kind and returns what to do with it. A failing
 * write is logged ("Injected fault (<what>): operation #n fails"); the caller sets
 * errno (EIO) or its error message.
 */
enum store_fault_action store_fault_next(struct store_fault *f);

#endif
