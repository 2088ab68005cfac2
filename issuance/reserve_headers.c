#include "issuance/reserve_headers.h"

#include <string.h>

#include "consensus/block_check.h"
#include "consensus/pow.h"

void reserve_headers_init(struct reserve_headers *h, const struct chain_params *params, const struct hash256 *target)
{
    memset(h, 0, sizeof(*h));
    h->params = params;
    h->target = *target;
    h->target_height = -1;
    h->height = -1;
}

bool reserve_headers_add(struct val_state *st, struct reserve_headers *h, const uint8_t raw[BLOCK_HEADER_SIZE])
{
    const struct chain_params *p = h->params;
    struct block_header hdr;
    struct rbuf r = rbuf_make(raw, BLOCK_HEADER_SIZE);
    if (!block_header_parse(&hdr, &r))
        return val_error(st, "short header"); /* unreachable: 80 bytes given */
    struct hash256 hash;
    block_header_hash(&hash, &hdr);

    if (h->height < 0) {
        struct hash256 genesis;
        if (!hash256_from_hex(&genesis, p->genesis.hash_hex) || !hash256_eq(&hash, &genesis))
            return val_invalid(st, VAL_BLOCK_INVALID_HEADER, RESERVE_REJECT_HEADERS_GENESIS);
    } else {
        if (h->height == INT32_MAX)
            return val_invalid(st, VAL_BLOCK_INVALID_HEADER, RESERVE_REJECT_HEADERS_PREV);
        if (!hash256_eq(&hdr.prev_hash, &h->tip_hash))
            return val_invalid_debug(st, VAL_BLOCK_INVALID_HEADER, RESERVE_REJECT_HEADERS_PREV, "header %ld",
                                     (long)h->height + 1);
        if (!block_check_header(st, &hdr, p))
            return false;
        struct block_prev_context prev;
        prev.height = h->height;
        prev.bits = h->tip_bits;
        prev.time = h->tip_time;
        size_t n = h->height + 1 < 11 ? (size_t)h->height + 1 : 11;
        prev.median_time_past = block_median_time_past(h->times, n);
        prev.period_first_time = h->period_first_time;
        /* No clock offline: the "too far in the future" rule is left out. */
        if (!block_check_header_contextual(st, &hdr, &prev, p, INT64_MAX - CHAIN_MAX_FUTURE_BLOCK_TIME))
            return false;
    }
    h->height++;
    h->tip_hash = hash;
    h->tip_bits = hdr.bits;
    h->tip_time = hdr.time;
    h->times[h->height % 11] = hdr.time;
    if (h->height % p->retarget_interval == 0)
        h->period_first_time = hdr.time;
    if (h->target_height < 0 && hash256_eq(&hash, &h->target))
        h->target_height = h->height;
    return true;
}

bool reserve_headers_finish(struct val_state *st, int32_t *height, int32_t *tip_height, const struct reserve_headers *h)
{
    *height = h->target_height;
    *tip_height = h->height;
    if (h->target_height < 0)
        return val_invalid(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_HEADERS_MISSING);
    return true;
}
