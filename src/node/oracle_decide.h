#ifndef HASHMINT_NODE_ORACLE_DECIDE_H
#define HASHMINT_NODE_ORACLE_DECIDE_H
/* hashmint-oracle's decision, a pure function of the sources' prices, the
 * on-chain price and the policy (doc/oracle.md). Prices are token base
 * units per HMC, as setoracleprice takes them. */
#include <stddef.h>
#include <stdint.h>

struct oracle_policy {
    uint32_t deviation_bp; /* publish when the median moved at least this (basis points) */
    uint32_t maxjump_bp;   /* refuse a larger move from a lone source */
    uint32_t heartbeat;    /* publish when the chain price is this many blocks old */
};

struct oracle_chain {
    uint64_t price;       /* on-chain price (0: none) */
    int32_t price_height; /* height of the block that set it */
    int32_t tip_height;
};

enum oracle_verdict {
    ORACLE_NO_SOURCES,         /* no source answered */
    ORACLE_HOLD,               /* within the deviation and the heartbeat */
    ORACLE_PUBLISH_DEVIATION,  /* moved at least -deviation */
    ORACLE_PUBLISH_HEARTBEAT,  /* the heartbeat ran out */
    ORACLE_REFUSE_JUMP,        /* moved more than -maxjump, fewer than two sources agree */
};

/** Median of prices[0..n) (the mean of the middle two, rounded down, for
 * even n); 0 when n is 0. prices is not modified. */
uint64_t oracle_median(const uint64_t *prices, size_t n);

/** |a - b| in basis points of b, saturated at UINT32_MAX; b == 0 gives
 * UINT32_MAX unless a == 0. */
uint32_t oracle_move_bp(uint64_t a, uint64_t b);

/**
 * The round's verdict. *median gets the median of the answered prices.
 * Two sources "agree" on a jump when both lie within -deviation of the
 * median.
 */
enum oracle_verdict oracle_decide(const struct oracle_policy *p, const struct oracle_chain *c, const uint64_t *prices,
                                  size_t n, uint64_t *median);

/** A short name for logs. */
const char *oracle_verdict_name(enum oracle_verdict v);

#endif
