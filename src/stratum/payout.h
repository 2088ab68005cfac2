#ifndef HASHMINT_STRATUM_PAYOUT_H
#define HASHMINT_STRATUM_PAYOUT_H
/* Who a Stratum job's coinbase pays.
 *
 * solo: the block pays the worker whose share found it: each payee (a
 * payout script and the vault percent it asked for) gets its own coinbase.
 *
 * pplns (pay per last N shares): the node keeps the accepted shares in
 * order. A job's coinbase pays the window of the most recent shares whose
 * difficulties add up to N times the network difficulty (newest first; a
 * share is in if the sum of the newer ones is below the limit), each payee
 * in proportion to the difficulty it contributed:
 *  1. credit(payee) = sum of its shares' difficulties in the window;
 *  2. payees by credit, largest first (ties: by script bytes), are taken
 *     while their outputs fit the cap on the payout outputs' bytes
 *     (-stratumcoinbasemax); the others stay in the window for later blocks;
 *  3. value_i = floor(value * credit_i / sum of the taken credits); while
 *     the smallest is under the minimum output, it is dropped and the rest
 *     recomputed; the remainder of the rounding goes to the largest;
 *  4. a payee with vault=P gets floor(value_i * P / 100) in a VAULT output
 *     locked to its script (the issuance layer's coinbase vault,
 *     miner_vault_script) and the rest to its script; an output worth 0 is
 *     left out.
 * The share log (stratum_log) records every share and, for every block,
 * the window it paid, so anyone can redo the split. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/address.h"
#include "consensus/tx.h"

/** A payee: a payout script and the percent of its payouts locked in a vault. */
struct stratum_payee {
    uint8_t script[ADDRESS_MAX_SCRIPT];
    size_t script_len;
    uint32_t vault_pct; /* 0..100 */
};

/** Returns true if a and b are the same payee. */
bool stratum_payee_eq(const struct stratum_payee *a, const struct stratum_payee *b);

/** One coinbase output. */
struct stratum_output {
    int64_t value;
    uint8_t *script; /* owned */
    size_t script_len;
};

/** A payout: the outputs in coinbase order. */
struct stratum_payout {
    struct stratum_output *outputs;
    size_t count;
    uint64_t first_seq, last_seq; /* the window's shares (pplns; 0, 0 for solo or an empty window) */
    size_t payees_in_window;      /* payees with a share in the window */
    size_t payees_paid;
};
void stratum_payout_clear(struct stratum_payout *p);
/** Returns the serialised size of outputs (value, script length, script), the part -stratumcoinbasemax caps. */
size_t stratum_payout_bytes(const struct stratum_payout *p);
/** Appends the outputs to a coinbase. */
void stratum_payout_apply(const struct stratum_payout *p, struct tx *coinbase);

/** What shapes a payout. */
struct stratum_payout_rules {
    const uint8_t *asset_id; /* the chain's first asset (32 bytes), NULL when it has none (no vaults) */
    int64_t min_output;      /* pplns: the least a payee is paid */
    size_t max_bytes;        /* cap of stratum_payout_bytes (0: none) */
};

/**
 * Out: *out (initialised here), the outputs of a coinbase worth value
 * paying one payee (solo, or a one-payee window): step 4 above.
 */
void stratum_payout_single(struct stratum_payout *out, const struct stratum_payout_rules *r,
                           const struct stratum_payee *payee, int64_t value);

/** The most shares the window keeps (memory bound): a window is also cut at the last this many. */
#define STRATUM_PPLNS_MAX_SHARES 1000000

/** One accepted share in the pplns log. */
struct stratum_share_entry {
    uint64_t seq;
    double difficulty;
    struct stratum_payee payee;
};

/** The pplns window's shares, oldest first. Not thread-safe (the caller locks). */
struct stratum_pplns {
    struct stratum_share_entry *v;
    size_t n, cap;
    uint64_t next_seq; /* the sequence number of the next share (from 1) */
};
void stratum_pplns_init(struct stratum_pplns *p);
void stratum_pplns_clear(struct stratum_pplns *p);
/** Appends a share; returns its sequence number. Drops shares older than keep_diff (difficulty sum) behind it. */
uint64_t stratum_pplns_add(struct stratum_pplns *p, const struct stratum_payee *payee, double difficulty,
                           double keep_diff);

/**
 * Out: *out (initialised here), the pplns payout of value over the window
 * of shares worth window_diff (steps 1-4). No share in the window: no
 * outputs (the caller falls back to solo).
 */
void stratum_pplns_split(struct stratum_payout *out, const struct stratum_pplns *p,
                         const struct stratum_payout_rules *r, double window_diff, int64_t value);

#endif
