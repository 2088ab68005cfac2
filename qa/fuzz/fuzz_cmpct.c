/* Fuzz target: the BIP 152 parsers and block reconstruction (net/blockencodings.c).
 *
 * The input goes to the cmpctblock, getblocktxn and blocktxn parsers. What
 * parses must re-serialise to the same bytes (every field is canonical on
 * the way in, and trailing bytes are rejected). A parsed compact block is
 * then rebuilt: its own prefilled transactions and the input's blocktxn
 * transactions (parsed from the tail after a split byte) are offered as the
 * "mempool", the rest filled in; nothing may crash, leak or read out of
 * bounds, and a completed block must have the compact block's header. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "net/blockencodings.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_bytes(const struct wbuf *w, const uint8_t *p, size_t len)
{
    assert(w->len == len);
    assert(len == 0 || memcmp(w->data, p, len) == 0);
}

static void rebuild(const struct cmpct_block *cb, const struct cmpct_blocktxn *extra)
{
    struct cmpct_partial pb;
    enum cmpct_status rs = cmpct_partial_init(&pb, cb);
    if (rs == CMPCT_OK) {
        for (size_t i = 0; i < cb->nprefilled; i++)
            (void)cmpct_partial_offer(&pb, &cb->prefilled[i].tx, true);
        for (size_t i = 0; extra && i < extra->count; i++)
            (void)cmpct_partial_offer(&pb, &extra->txs[i], i % 2 == 0);
        size_t missing = cmpct_partial_missing_count(&pb);
        uint32_t idx[8];
        size_t k = cmpct_partial_missing(&pb, idx, 8);
        assert(k == (missing < 8 ? missing : 8));
        for (size_t i = 1; i < k; i++)
            assert(idx[i] > idx[i - 1] && idx[i] < pb.tx_count);
        /* Fill with copies of the extra transactions (count may be wrong on purpose). */
        size_t n = extra ? extra->count : 0;
        struct tx *fill = mem_calloc(n ? n : 1, sizeof(struct tx));
        for (size_t i = 0; i < n; i++)
            tx_copy(&fill[i], &extra->txs[i]);
        struct block b;
        rs = cmpct_partial_fill(&pb, &b, fill, n);
        if (rs == CMPCT_OK) {
            assert(b.tx_count == cb->nshort + cb->nprefilled);
            assert(memcmp(&b.header, &cb->header, sizeof(b.header)) == 0);
            block_clear(&b);
        } else {
            assert(n != missing || rs == CMPCT_FAILED);
        }
        for (size_t i = 0; i < n; i++)
            tx_clear(&fill[i]);
        mem_free(fill);
    }
    cmpct_partial_clear(&pb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wbuf w;
    wbuf_init(&w);
    struct cmpct_getblocktxn g;
    if (cmpct_getblocktxn_parse(&g, data, size)) {
        cmpct_getblocktxn_serialize(&w, &g.block_hash, g.indexes, g.count);
        same_bytes(&w, data, size);
        wbuf_clear(&w);
        cmpct_getblocktxn_clear(&g);
    }
    struct cmpct_blocktxn bt;
    if (cmpct_blocktxn_parse(&bt, data, size)) {
        const struct tx **txs = mem_alloc((bt.count ? bt.count : 1) * sizeof(*txs));
        for (size_t i = 0; i < bt.count; i++)
            txs[i] = &bt.txs[i];
        cmpct_blocktxn_serialize(&w, &bt.block_hash, txs, bt.count);
        mem_free(txs);
        same_bytes(&w, data, size);
        wbuf_clear(&w);
        cmpct_blocktxn_clear(&bt);
    }
    /* Whole input as a cmpctblock; and split: head a cmpctblock, tail a blocktxn. */
    struct cmpct_block cb;
    if (cmpct_block_parse(&cb, data, size)) {
        cmpct_block_serialize(&w, &cb);
        same_bytes(&w, data, size);
        wbuf_clear(&w);
        rebuild(&cb, NULL);
        cmpct_block_clear(&cb);
    }
    if (size >= 2) {
        size_t cut = (size_t)data[0] * 8 % (size - 1) + 1;
        struct cmpct_blocktxn tail;
        if (cmpct_block_parse(&cb, data + 1, cut - 1 < size - 1 ? cut - 1 : size - 1)) {
            bool have_tail = cmpct_blocktxn_parse(&tail, data + cut, size - cut);
            rebuild(&cb, have_tail ? &tail : NULL);
            if (have_tail)
                cmpct_blocktxn_clear(&tail);
            cmpct_block_clear(&cb);
        }
    }
    return 0;
}
