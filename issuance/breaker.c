/* The price window and the circuit breaker (issuance/breaker.h). */
#include "issuance/breaker.h"

#include <string.h>

#include "issuance/ratio.h"

/* Number of leading marks that are outside the window of a block at height. */
static uint32_t expired(const struct issuance_asset_state *a, int32_t height, uint32_t window)
{
    int64_t oldest_inside = (int64_t)height - (int64_t)window + 1;
    uint32_t n = 0;
    while (n < a->window_count && (int64_t)a->window[n].height < oldest_inside)
        n++;
    return n;
}

uint64_t issuance_window_high(const struct issuance_asset_state *a, int32_t height, uint32_t window)
{
    uint32_t n = expired(a, height, window);
    uint64_t high = n > 0 ? a->window[n - 1].last : a->window_base;
    for (uint32_t i = n; i < a->window_count; i++)
        if (a->window[i].high > high)
            high = a->window[i].high;
    return high;
}

bool issuance_breaker_record(struct issuance_asset_state *a, const struct chain_asset *p,
                             const struct outpoint *oracle, uint64_t price, int32_t height)
{
    if (price == 0)
        return false;
    if (a->window_count > 0 && a->window[a->window_count - 1].height > height)
        return false;
    uint32_t n = expired(a, height, p->breaker_window);
    bool same_block = a->window_count > n && a->window[a->window_count - 1].height == height;
    if (!same_block && a->window_count - n >= ISSUANCE_WINDOW_MAX)
        return false;

    uint64_t high = issuance_window_high(a, height, p->breaker_window);
    if (n > 0) {
        a->window_base = a->window[n - 1].last;
        memmove(a->window, a->window + n, (a->window_count - n) * sizeof(a->window[0]));
        a->window_count -= n;
        memset(a->window + a->window_count, 0, n * sizeof(a->window[0])); /* unused slots stay zero */
    }
    if (issuance_breaker_trips(price, high, p->breaker_drop_pct)) {
        int64_t until = (int64_t)height + p->breaker_pause;
        if (until > INT32_MAX)
            until = INT32_MAX;
        if (until > a->breaker_until)
            a->breaker_until = (int32_t)until;
    }
    if (same_block) {
        struct issuance_price_mark *m = &a->window[a->window_count - 1];
        if (price > m->high)
            m->high = price;
        m->last = price;
    } else {
        struct issuance_price_mark *m = &a->window[a->window_count++];
        m->height = height;
        m->high = price;
        m->last = price;
    }
    a->price = price;
    a->price_height = height;
    a->oracle = *oracle;
    return true;
}
