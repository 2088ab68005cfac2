/* Fuzz target: the PSBT parser (wallet/psbt.c).
 *
 * Properties checked on every input:
 *  - nothing crashes, leaks or reads out of bounds (ASan/UBSan);
 *  - a PSBT that parses serialises to bytes that parse again to the same
 *    serialisation (the parser keeps every pair, the serializer writes a
 *    canonical form);
 *  - merging a parsed PSBT with itself changes nothing;
 *  - converting it to the other version (0 <-> 2, BIP 370) when that is
 *    defined gives bytes that parse, describe the same transaction, and
 *    convert back to it. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "wallet/psbt.h"
#include "wallet/psbt_v2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_conversion(const struct psbt *p)
{
    char err[256];
    struct psbt c;
    psbt_copy(&c, p);
    if (psbt_convert(&c, p->version == 2 ? 0 : 2, err, sizeof(err))) {
        struct wbuf w;
        wbuf_init(&w);
        psbt_serialize(&w, &c);
        struct psbt d;
        bool ok = psbt_parse(&d, w.data, w.len, err, sizeof(err));
        assert(ok);
        assert(d.version == c.version);
        assert(memcmp(d.tx.txid.b, p->tx.txid.b, 32) == 0);
        ok = psbt_convert(&d, p->version, err, sizeof(err));
        assert(ok);
        assert(memcmp(d.tx.txid.b, p->tx.txid.b, 32) == 0);
        psbt_clear(&d);
        wbuf_clear(&w);
    }
    psbt_clear(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct psbt p;
    char err[256];
    if (!psbt_parse(&p, data, size, err, sizeof(err))) {
        assert(err[0] != '\0');
        return 0;
    }
    struct wbuf a, b;
    wbuf_init(&a);
    wbuf_init(&b);
    psbt_serialize(&a, &p);
    struct psbt q;
    bool ok = psbt_parse(&q, a.data, a.len, err, sizeof(err));
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
    check_conversion(&p);
    psbt_clear(&p);
    return 0;
}
