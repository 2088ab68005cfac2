/* Fuzz target: the PSBT parser (wallet/psbt.c).
 *
 * Properties checked on every input:
 *  - nothing crashes, leaks or reads out of bounds (ASan/UBSan);
 *  - a PSBT that parses serialises to bytes that parse again to the same
 *    serialisation (the parser keeps every pair, the serializer writes a
 *    canonical form);
 *  - merging a parsed PSBT with itself changes nothing. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "wallet/psbt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct psbt p;
    char err[256];
    if (!psbt_parse(&p, err, sizeof(err), data, size)) {
        assert(err[0] != '\0');
        return 0;
    }
    struct wbuf a, b;
    wbuf_init(&a);
    wbuf_init(&b);
    psbt_serialize(&a, &p);
    struct psbt q;
    bool ok = psbt_parse(&q, err, sizeof(err), a.data, a.len);
    assert(ok);
    psbt_serialize(&b, &q);
    assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    assert(psbt_merge(&q, &p));
    wbuf_clear(&b);
    wbuf_init(&b);
    psbt_serialize(&b, &q);
    assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    wbuf_clear(&a);
    wbuf_clear(&b);
    psbt_clear(&q);
    psbt_clear(&p);
    return 0;
}
