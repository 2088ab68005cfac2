/* hashmint-oracle's publish decision (doc/oracle.md): median, deviation,
 * heartbeat, maxjump. No I/O, so the unit tests cover it fully. */
#include "src/node/oracle_decide.h"

#include <stdlib.h>
#include <string.h>

#include "src/util/alloc.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

uint64_t oracle_median(const uint64_t *prices, size_t n)
{
    if (n == 0)
        return 0;
    uint64_t *s = mem_alloc(n * sizeof(*s));
    memcpy(s, prices, n * sizeof(*s));
    qsort(s, n, sizeof(*s), cmp_u64);
    uint64_t m = n % 2 ? s[n / 2] : s[n / 2 - 1] / 2 + s[n / 2] / 2 + (s[n / 2 - 1] % 2 + s[n / 2] % 2) / 2;
    mem_free(s);
    return m;
}

uint32_t oracle_move_bp(uint64_t a, uint64_t b)
{
    if (b == 0)
        return a == 0 ? 0 : UINT32_MAX;
    uint64_t d = a > b ? a - b : b - a;
    /* d * 10000 / b without overflow: d < 2^64, so split by b. */
    unsigned __int128 bp = (unsigned __int128)d * 10000 / b;
    return bp > UINT32_MAX ? UINT32_MAX : (uint32_t)bp;
}

enum oracle_verdict oracle_decide(const struct oracle_policy *p, const struct oracle_chain *c, const uint64_t *prices,
                                  size_t n, uint64_t *median)
{
    *median = oracle_median(prices, n);
    if (n == 0 || *median == 0)
        return ORACLE_NO_SOURCES;
    uint32_t move = oracle_move_bp(*median, c->price);
    if (c->price != 0 && move > p->maxjump_bp) {
        size_t agree = 0;
        for (size_t i = 0; i < n; i++)
            if (oracle_move_bp(prices[i], *median) <= p->deviation_bp)
                agree++;
        if (agree < 2)
            return ORACLE_REFUSE_JUMP;
    }
    if (c->price == 0 || move >= p->deviation_bp)
        return ORACLE_PUBLISH_DEVIATION;
    if ((int64_t)c->tip_height - c->price_height >= (int64_t)p->heartbeat)
        return ORACLE_PUBLISH_HEARTBEAT;
    return ORACLE_HOLD;
}

const char *oracle_verdict_name(enum oracle_verdict v)
{
    switch (v) {
    case ORACLE_NO_SOURCES:
        return "no-sources";
    case ORACLE_HOLD:
        return "hold";
    case ORACLE_PUBLISH_DEVIATION:
        return "publish-deviation";
    case ORACLE_PUBLISH_HEARTBEAT:
        return "publish-heartbeat";
    case ORACLE_REFUSE_JUMP:
        return "refuse-jump";
    }
    return "?";
}
