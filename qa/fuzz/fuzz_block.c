/* Fuzz target: block parsing, serialisation round trip, the context-free
 * block checks under the regtest and bitcoin profiles, and the contextual
 * checks against a fixed previous-block context. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "consensus/block.h"
#include "consensus/block_check.h"
#include "consensus/merkle.h"
#include "consensus/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct block b;
    if (!block_decode(&b, data, size, true))
        return 0;
    struct wbuf w;
    wbuf_init(&w);
    block_serialize(&w, &b, true);
    /* A parsed block re-serialises to exactly the bytes it came from. */
    assert(w.len == size && memcmp(w.data, data, size) == 0);
    assert(block_size(&b, true) == size);
    assert(block_weight(&b) >= 4 * block_size(&b, false));
    wbuf_clear(&w);

    static const char *const profiles[] = { "regtest", "bitcoin" };
    for (size_t i = 0; i < 2; i++) {
        const struct chain_params *p = chain_params_get(profiles[i]);
        struct val_state st;
        val_state_init(&st);
        /* Skip proof of work so the fuzzer reaches the later checks. */
        bool ok = block_check(&st, &b, p, false, true);
        assert(ok == val_is_valid(&st));
        if (!ok)
            continue;
        struct block_prev_context prev = {
            .height = (int32_t)(b.header.nonce % 1000000),
            .bits = b.header.bits,
            .time = b.header.time,
            .median_time_past = (int64_t)b.header.time - 1,
            .period_first_time = (int64_t)b.header.time - 86400,
        };
        val_state_init(&st);
        (void)block_check_header_contextual(&st, &b.header, &prev, p, b.header.time);
        val_state_init(&st);
        ok = block_check_contextual(&st, &b, &prev, p);
        assert(ok == val_is_valid(&st));
    }
    bool mutated;
    struct hash256 root;
    merkle_block_root(&root, &mutated, &b);
    (void)merkle_witness_commitment_find(&b);
    block_clear(&b);
    return 0;
}
