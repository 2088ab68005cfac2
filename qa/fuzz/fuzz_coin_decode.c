/* Fuzz target: the storage layer's decoders of on-disk bytes.
 *
 * The input is decoded as a coin (Core's compact Coin encoding), as block
 * undo data, as a hashmint rev record (block undo data followed by the
 * block's issuance undo record), as a block index record and as a block
 * file info. Nothing may
 * crash or leak; whatever decodes must re-encode to bytes that decode to the
 * same value and re-encode identically (the encodings may normalise, e.g. an
 * oversized script becomes OP_RETURN, so the input itself need not come back). */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "src/store/block_index_db.h"
#include "src/store/coin.h"
#include "src/store/compress.h"
#include "issuance/state_serialize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_coin(const uint8_t *data, size_t size)
{
    struct coin c, c2;
    if (!coin_decode(&c, data, size))
        return;
    struct wbuf w, w2;
    wbuf_init(&w);
    coin_serialize(&w, &c);
    bool ok = coin_decode(&c2, w.data, w.len);
    assert(ok);
    assert(c2.height == c.height && c2.coinbase == c.coinbase && c2.out.value == c.out.value);
    assert(c2.out.script_pubkey.len == c.out.script_pubkey.len);
    assert(memcmp(c2.out.script_pubkey.data, c.out.script_pubkey.data, c.out.script_pubkey.len) == 0);
    wbuf_init(&w2);
    coin_serialize(&w2, &c2);
    assert(w2.len == w.len && memcmp(w2.data, w.data, w.len) == 0);
    wbuf_clear(&w);
    wbuf_clear(&w2);
    coin_clear(&c);
    coin_clear(&c2);
}

static void check_undo(const uint8_t *data, size_t size)
{
    struct block_undo u, u2;
    if (!block_undo_decode(&u, data, size))
        return;
    struct wbuf w, w2;
    wbuf_init(&w);
    block_undo_serialize(&w, &u);
    bool ok = block_undo_decode(&u2, w.data, w.len);
    assert(ok && u2.count == u.count);
    wbuf_init(&w2);
    block_undo_serialize(&w2, &u2);
    assert(w2.len == w.len && memcmp(w2.data, w.data, w.len) == 0);
    wbuf_clear(&w);
    wbuf_clear(&w2);
    block_undo_clear(&u);
    block_undo_clear(&u2);
}

static void check_undo_record(const uint8_t *data, size_t size)
{
    struct block_undo u, u2;
    struct issuance_undo iu, iu2;
    if (!block_undo_record_decode(&u, &iu, data, size))
        return;
    struct wbuf w, w2;
    wbuf_init(&w);
    block_undo_serialize(&w, &u);
    issuance_undo_serialize(&w, &iu);
    bool ok = block_undo_record_decode(&u2, &iu2, w.data, w.len);
    assert(ok && u2.count == u.count && iu2.count == iu.count);
    wbuf_init(&w2);
    block_undo_serialize(&w2, &u2);
    issuance_undo_serialize(&w2, &iu2);
    assert(w2.len == w.len && memcmp(w2.data, w.data, w.len) == 0);
    /* Without the issuance record expected, only a bare CBlockUndo decodes. */
    struct block_undo u3;
    assert(!block_undo_record_decode(&u3, NULL, w.data, w.len)); /* the issuance record is never empty */
    block_undo_clear(&u3);
    wbuf_clear(&w);
    wbuf_clear(&w2);
    block_undo_clear(&u);
    block_undo_clear(&u2);
}

static void check_index(const uint8_t *data, size_t size)
{
    struct block_index_record r, r2;
    if (block_index_record_decode(&r, data, size)) {
        struct wbuf w;
        wbuf_init(&w);
        block_index_record_serialize(&w, &r);
        bool ok = block_index_record_decode(&r2, w.data, w.len);
        assert(ok && hash256_eq(&r.hash, &r2.hash) && r.status == r2.status && r.height == r2.height);
        wbuf_clear(&w);
    }
    struct flat_file_info fi, fi2;
    if (flat_file_info_decode(&fi, data, size)) {
        struct wbuf w;
        wbuf_init(&w);
        flat_file_info_serialize(&w, &fi);
        bool ok = flat_file_info_decode(&fi2, w.data, w.len);
        assert(ok && fi.size == fi2.size && fi.time_last == fi2.time_last);
        wbuf_clear(&w);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 100000)
        return 0;
    check_coin(data, size);
    check_undo(data, size);
    check_undo_record(data, size);
    check_index(data, size);
    /* VARINT: whatever reads must re-encode to exactly the bytes consumed. */
    struct rbuf r = rbuf_make(data, size);
    uint64_t v;
    if (varint_read(&r, &v)) {
        uint8_t buf[10];
        size_t n = varint_encode(buf, v);
        assert(n == size - r.len && memcmp(buf, data, n) == 0);
    }
    return 0;
}
