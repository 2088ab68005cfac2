/* Fuzz target: header parsing and hashing, compact-target arithmetic, the
 * proof-of-work check and the retarget and time-warp rules. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "consensus/arith256.h"
#include "consensus/block.h"
#include "consensus/block_check.h"
#include "consensus/params.h"
#include "consensus/pow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rbuf r = rbuf_make(data, size);
    struct block_header h;
    if (!block_header_parse(&h, &r))
        return 0;
    uint8_t raw[BLOCK_HEADER_SIZE];
    block_header_serialize_raw(raw, &h);
    assert(memcmp(raw, data, BLOCK_HEADER_SIZE) == 0);

    /* compact round trip: decoding what we encoded gives the same number */
    struct arith256 t, t2, work;
    bool neg, over;
    arith256_set_compact(&t, h.bits, &neg, &over);
    if (!over) {
        uint32_t c = arith256_get_compact(&t, false);
        arith256_set_compact(&t2, c, NULL, NULL);
        assert(arith256_cmp(&t, &t2) == 0);
    }
    arith256_work_from_compact(&work, h.bits);

    /* the remaining bytes (if any) pick a profile and previous-block facts */
    uint32_t extra[4] = { 0 };
    for (size_t i = 0; i < 16 && i < r.len; i++)
        extra[i / 4] |= (uint32_t)r.p[i] << (8 * (i % 4));
    static const char *const profiles[] = { "main", "test", "regtest", "bitcoin" };
    const struct chain_params *p = chain_params_get(profiles[extra[0] % 4]);
    struct val_state st;
    val_state_init(&st);
    (void)block_check_header(&st, &h, p);
    struct block_prev_context prev = {
        .height = (int32_t)(extra[1] % 2000000),
        .bits = extra[2] ? extra[2] : p->pow_limit_bits,
        .time = (int64_t)extra[3],
        .median_time_past = (int64_t)extra[3] - 600,
        .period_first_time = (int64_t)extra[3] - (int64_t)(extra[1] % 4000000),
    };
    val_state_init(&st);
    bool ok = block_check_header_contextual(&st, &h, &prev, p, (int64_t)extra[3]);
    assert(ok == val_is_valid(&st));
    uint32_t next = pow_calculate_next_work(p, prev.bits, prev.time, prev.period_first_time);
    struct arith256 nt;
    arith256_set_compact(&nt, next, &neg, &over);
    /* a retarget from a valid target never exceeds the limit */
    arith256_set_compact(&t2, prev.bits, &neg, &over);
    if (!neg && !over && !arith256_is_zero(&t2) && arith256_cmp(&t2, &p->pow_limit) <= 0 && !p->pow_no_retarget)
        assert(arith256_cmp(&nt, &p->pow_limit) <= 0);
    return 0;
}
