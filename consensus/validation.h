#ifndef HASHMINT_CONSENSUS_VALIDATION_H
#define HASHMINT_CONSENSUS_VALIDATION_H
/* The outcome of a consensus or policy check: a mode, a machine-readable
 * result (which decides what happens to a peer) and Bitcoin Core's reject
 * string ("bad-txns-inputs-duplicate"). */
#include <stdbool.h>

enum val_mode { VAL_VALID = 0, VAL_INVALID, VAL_ERROR };

enum val_result {
    VAL_RESULT_UNSET = 0,
    /* transactions */
    VAL_TX_CONSENSUS,        /* invalid by consensus rules */
    VAL_TX_RECENT_CONSENSUS_CHANGE,
    VAL_TX_INPUTS_NOT_STANDARD,
    VAL_TX_NOT_STANDARD,
    VAL_TX_MISSING_INPUTS,
    VAL_TX_PREMATURE_SPEND,
    VAL_TX_WITNESS_MUTATED,
    VAL_TX_WITNESS_STRIPPED,
    VAL_TX_CONFLICT,
    VAL_TX_MEMPOOL_POLICY,
    VAL_TX_NO_MEMPOOL,
    /* blocks */
    VAL_BLOCK_CONSENSUS,
    VAL_BLOCK_CACHED_INVALID,
    VAL_BLOCK_INVALID_HEADER,  /* bad proof of work or header rules */
    VAL_BLOCK_MUTATED,         /* the data may have been changed in transit */
    VAL_BLOCK_MISSING_PREV,
    VAL_BLOCK_INVALID_PREV,
    VAL_BLOCK_TIME_FUTURE,     /* too far in the future: may become valid */
    VAL_BLOCK_HEADER_LOW_WORK,
};

struct val_state {
    enum val_mode mode;
    enum val_result result;
    char reject[256]; /* Bitcoin Core's reject reason (script failures carry the script error text) */
    char debug[160]; /* optional detail for logs */
};

/** Resets st to valid. */
void val_state_init(struct val_state *st);
/** Marks st invalid with a result and reject reason. Returns false, so a
 *  check can `return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-vin-empty");`. */
bool val_invalid(struct val_state *st, enum val_result result, const char *reject);
/** Like val_invalid, with a printf-style detail message. */
bool val_invalid_debug(struct val_state *st, enum val_result result, const char *reject, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** Marks st as an internal error (not the data's fault). Returns false. */
bool val_error(struct val_state *st, const char *reason);
static inline bool val_is_valid(const struct val_state *st) { return st->mode == VAL_VALID; }

#endif
