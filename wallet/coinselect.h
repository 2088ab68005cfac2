#ifndef HASHMINT_WALLET_COINSELECT_H
#define HASHMINT_WALLET_COINSELECT_H
/* Coin selection as Bitcoin Core does it (wallet/coinselection.cpp):
 *
 *  - branch and bound (BnB, Murch's algorithm): a depth-first search for a
 *    set whose effective value lands in [target, target + cost_of_change],
 *    so that no change output is needed, minimising waste, at most
 *    COINSEL_BNB_TRIES steps;
 *  - knapsack (Core's ApproximateBestSubset, 1000 random passes) aiming at
 *    target + change fee + COINSEL_MIN_CHANGE;
 *  - single random draw (SRD): coins in random order until the change
 *    would be at least COINSEL_MIN_CHANGE.
 *
 * Each candidate gets a waste score (Core's GetSelectionWaste): the sum
 * over inputs of (fee at the current rate - fee at the long-term rate),
 * plus the cost of change when it makes change, else the excess given to
 * the miner. coinsel_select keeps the candidate with the least waste
 * (more inputs on a tie, as Core does).
 *
 * Amounts are base units; "effective value" is value minus the fee to
 * spend the coin at the current fee rate. Pure: randomness comes from the
 * caller's seed. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COINSEL_BNB_TRIES 100000
/** Core's CHANGE_LOWER: SRD and knapsack aim for change of at least this. */
#define COINSEL_MIN_CHANGE 50000

struct coinsel_coin {
    int64_t value;         /* the output's amount */
    int64_t fee;           /* fee to spend it at the current fee rate */
    int64_t long_term_fee; /* fee to spend it at the long-term fee rate */
};

enum coinsel_algo { COINSEL_NONE, COINSEL_BNB, COINSEL_KNAPSACK, COINSEL_SRD };

struct coinsel_result {
    enum coinsel_algo algo;
    size_t *idx; /* indices into the coins array (mem_free via coinsel_result_clear) */
    size_t count;
    int64_t value;     /* sum of values */
    int64_t effective; /* sum of effective values */
    int64_t waste;
    bool change;       /* the selection leaves change worth an output */
};

struct coinsel_target {
    int64_t target;         /* what the selected effective values must cover: outputs + fee of the fixed part */
    int64_t change_fee;     /* fee of adding the change output now */
    int64_t cost_of_change; /* change_fee + fee to spend the change later (long-term rate) */
    int64_t min_change;     /* change below this goes to fees (dust threshold of the change output) */
};

void coinsel_result_clear(struct coinsel_result *r);
/** Returns Core's name of the algorithm ("bnb", "knapsack", "srd"). */
const char *coinsel_algo_name(enum coinsel_algo a);

/** Waste of selecting coins[idx[0..count)] (Core's GetSelectionWaste). */
int64_t coinsel_waste(const struct coinsel_coin *coins, const size_t *idx, size_t count, int64_t change_cost,
                      int64_t target, bool use_effective);

/** BnB. Out: *r. Returns false (r empty) if no changeless solution was found. */
__attribute__((warn_unused_result)) bool coinsel_bnb(struct coinsel_result *r, const struct coinsel_coin *coins,
                                                     size_t n, int64_t target, int64_t cost_of_change);
/** Knapsack. Returns false if the coins cannot cover the target. */
__attribute__((warn_unused_result)) bool coinsel_knapsack(struct coinsel_result *r, const struct coinsel_coin *coins,
                                                          size_t n, const struct coinsel_target *t, uint64_t *rng);
/** Single random draw. Returns false if the coins cannot cover the target. */
__attribute__((warn_unused_result)) bool coinsel_srd(struct coinsel_result *r, const struct coinsel_coin *coins,
                                                     size_t n, const struct coinsel_target *t, uint64_t *rng);
/**
 * Runs the three and keeps the least waste. rng: the state of a
 * xorshift64* generator (non-zero). Returns false if no algorithm finds a
 * selection (insufficient funds).
 */
__attribute__((warn_unused_result)) bool coinsel_select(struct coinsel_result *r, const struct coinsel_coin *coins,
                                                        size_t n, const struct coinsel_target *t, uint64_t *rng);

#endif
