/* Fuzz target: the fee_estimates.dat parser (src/chain/fee_estimator_file.c).
 *
 * The input is tried as a file as given, then with the magic and the
 * trailing checksum fixed up, so the parser's checks past the checksum are
 * reached. Invariants: a refused file leaves the estimator empty; an
 * accepted one re-encodes to the same bytes, and estimates from it never
 * crash and are never negative. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "src/chain/fee_estimator.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_file(const uint8_t *p, size_t len)
{
    struct fee_estimator *fe = fee_estimator_new();
    char err[256];
    if (!fee_estimator_decode(fe, p, len, err, sizeof(err))) {
        assert(err[0] != '\0');
        assert(fee_estimator_best_height(fe) == 0);
        fee_estimator_free(fe);
        return;
    }
    uint8_t *back;
    size_t blen;
    fee_estimator_encode(fe, &back, &blen);
    assert(blen == len && memcmp(back, p, len) == 0);
    mem_free(back);
    for (int t = 1; t <= 1008; t *= 3) {
        int got;
        assert(fee_estimator_estimate_smart(fe, &got, t, t & 1) >= 0);
        assert(fee_estimator_estimate_raw(fe, NULL, t, 0.85, FEE_HORIZON_LONG) >= 0);
    }
    fee_estimator_free(fe);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FEE_ESTIMATES_MAX_BYTES)
        return 0;
    try_file(data, size);
    if (size >= 8 + 32) {
        uint8_t *c = mem_dup(data, size);
        memcpy(c, "HMFEEEST", 8);
        sha256(c + size - 32, c, size - 32);
        try_file(c, size);
        mem_free(c);
    }
    return 0;
}
