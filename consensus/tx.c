#include "consensus/tx.h"

#include <string.h>

#include "consensus/amount.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"

/* Smallest possible encodings, used to cap claimed counts by the bytes left:
 * an input is 32+4 prevout, 1 script length, 4 sequence; an output 8+1. */
#define MIN_TXIN_SIZE 41
#define MIN_TXOUT_SIZE 9

void tx_init(struct tx *tx)
{
    memset(tx, 0, sizeof(*tx));
    tx->version = 2;
}

static void witness_clear(struct witness *w)
{
    for (size_t i = 0; i < w->count; i++)
        bytes_clear(&w->items[i]);
    mem_free(w->items);
    w->items = NULL;
    w->count = 0;
}

void txout_clear(struct txout *out)
{
    bytes_clear(&out->script_pubkey);
    out->value = 0;
}

void tx_clear(struct tx *tx)
{
    for (size_t i = 0; i < tx->vin_count; i++) {
        bytes_clear(&tx->vin[i].script_sig);
        witness_clear(&tx->vin[i].witness);
    }
    for (size_t i = 0; i < tx->vout_count; i++)
        txout_clear(&tx->vout[i]);
    mem_free(tx->vin);
    mem_free(tx->vout);
    tx_init(tx);
}

void tx_copy(struct tx *dst, const struct tx *src)
{
    *dst = *src;
    dst->vin = mem_calloc(src->vin_count, sizeof(struct txin));
    dst->vout = mem_calloc(src->vout_count, sizeof(struct txout));
    for (size_t i = 0; i < src->vin_count; i++) {
        const struct txin *s = &src->vin[i];
        struct txin *d = &dst->vin[i];
        *d = *s;
        bytes_set(&d->script_sig, s->script_sig.data, s->script_sig.len);
        d->witness.items = mem_calloc(s->witness.count, sizeof(struct bytes));
        for (size_t j = 0; j < s->witness.count; j++)
            bytes_set(&d->witness.items[j], s->witness.items[j].data, s->witness.items[j].len);
    }
    for (size_t i = 0; i < src->vout_count; i++) {
        dst->vout[i].value = src->vout[i].value;
        bytes_set(&dst->vout[i].script_pubkey, src->vout[i].script_pubkey.data, src->vout[i].script_pubkey.len);
    }
}

struct txin *tx_add_input(struct tx *tx, const struct outpoint *prevout, const uint8_t *script_sig, size_t len, uint32_t sequence)
{
    tx->vin = mem_realloc(tx->vin, (tx->vin_count + 1) * sizeof(struct txin));
    struct txin *in = &tx->vin[tx->vin_count++];
    memset(in, 0, sizeof(*in));
    in->prevout = *prevout;
    bytes_set(&in->script_sig, script_sig, len);
    in->sequence = sequence;
    return in;
}

struct txout *tx_add_output(struct tx *tx, int64_t value, const uint8_t *script_pubkey, size_t len)
{
    tx->vout = mem_realloc(tx->vout, (tx->vout_count + 1) * sizeof(struct txout));
    struct txout *out = &tx->vout[tx->vout_count++];
    out->value = value;
    bytes_set(&out->script_pubkey, script_pubkey, len);
    return out;
}

void txin_witness_push(struct txin *in, const uint8_t *p, size_t len)
{
    struct witness *w = &in->witness;
    w->items = mem_realloc(w->items, (w->count + 1) * sizeof(struct bytes));
    bytes_set(&w->items[w->count++], p, len);
}

bool tx_has_witness(const struct tx *tx)
{
    for (size_t i = 0; i < tx->vin_count; i++)
        if (tx->vin[i].witness.count)
            return true;
    return false;
}

bool outpoint_is_null(const struct outpoint *op)
{
    return op->n == 0xffffffffu && hash256_is_zero(&op->txid);
}

bool tx_is_coinbase(const struct tx *tx)
{
    return tx->vin_count == 1 && outpoint_is_null(&tx->vin[0].prevout);
}

/* ---- parsing ----------------------------------------------------------- */

static bool read_var_bytes(struct rbuf *r, struct bytes *out)
{
    uint64_t n;
    if (!rbuf_compact(r, &n, RBUF_MAX_COMPACT_SIZE))
        return false;
    const uint8_t *p = rbuf_take(r, (size_t)n);
    if (!p)
        return false;
    bytes_set(out, p, (size_t)n);
    return true;
}

static bool read_inputs(struct tx *tx, struct rbuf *r)
{
    uint64_t n;
    if (!rbuf_compact(r, &n, RBUF_MAX_COMPACT_SIZE) || n > r->len / MIN_TXIN_SIZE)
        return false;
    tx->vin = mem_calloc((size_t)n, sizeof(struct txin));
    tx->vin_count = (size_t)n;
    for (size_t i = 0; i < n; i++) {
        struct txin *in = &tx->vin[i];
        if (!rbuf_read(r, in->prevout.txid.b, 32) || !rbuf_u32le(r, &in->prevout.n) ||
            !read_var_bytes(r, &in->script_sig) || !rbuf_u32le(r, &in->sequence))
            return false;
    }
    return true;
}

static bool read_outputs(struct tx *tx, struct rbuf *r)
{
    uint64_t n;
    if (!rbuf_compact(r, &n, RBUF_MAX_COMPACT_SIZE) || n > r->len / MIN_TXOUT_SIZE)
        return false;
    tx->vout = mem_calloc((size_t)n, sizeof(struct txout));
    tx->vout_count = (size_t)n;
    for (size_t i = 0; i < n; i++)
        if (!txout_parse(&tx->vout[i], r))
            return false;
    return true;
}

static bool read_witness(struct witness *w, struct rbuf *r)
{
    uint64_t n;
    /* each item takes at least its one-byte length */
    if (!rbuf_compact(r, &n, RBUF_MAX_COMPACT_SIZE) || n > r->len)
        return false;
    w->items = mem_calloc((size_t)n, sizeof(struct bytes));
    w->count = (size_t)n;
    for (size_t i = 0; i < n; i++)
        if (!read_var_bytes(r, &w->items[i]))
            return false;
    return true;
}

bool txout_parse(struct txout *out, struct rbuf *r)
{
    memset(out, 0, sizeof(*out));
    if (!rbuf_i64le(r, &out->value) || !read_var_bytes(r, &out->script_pubkey)) {
        txout_clear(out);
        return false;
    }
    return true;
}

/* Mirrors Bitcoin Core's UnserializeTransaction: an empty input list in the
 * extended format is the marker; flag bit 0 announces witnesses. Out:
 * io_begin and io_end, where the inputs and outputs lie in the input when the
 * transaction has witnesses (NULL otherwise). */
static bool parse_body(struct tx *tx, struct rbuf *r, bool allow_witness, const uint8_t **io_begin,
                       const uint8_t **io_end)
{
    uint8_t flags = 0;
    *io_begin = *io_end = NULL;
    if (!rbuf_i32le(r, &tx->version) || !read_inputs(tx, r))
        return false;
    if (tx->vin_count == 0 && allow_witness) {
        if (!rbuf_u8(r, &flags))
            return false;
        if (flags != 0) {
            mem_free(tx->vin);
            tx->vin = NULL;
            *io_begin = r->p;
            if (!read_inputs(tx, r) || !read_outputs(tx, r))
                return false;
            *io_end = r->p;
        }
    } else if (!read_outputs(tx, r)) {
        return false;
    }
    if ((flags & 1) && allow_witness) {
        flags ^= 1;
        for (size_t i = 0; i < tx->vin_count; i++)
            if (!read_witness(&tx->vin[i].witness, r))
                return false;
        if (!tx_has_witness(tx))
            return false; /* superfluous witness record */
    }
    if (flags)
        return false; /* unknown optional data */
    return rbuf_u32le(r, &tx->locktime);
}

/* txid and wtxid straight from the bytes just parsed, which are the
 * transaction's own serialisation (CompactSizes are canonical, the marker
 * and flag are 0 and 1, a witness record is never empty), so no copy is
 * serialised again: wtxid over all of them; txid over version, inputs,
 * outputs and locktime, leaving out marker, flag and witnesses. */
static void hashes_from_raw(struct tx *tx, const uint8_t *begin, const uint8_t *end, const uint8_t *io_begin,
                            const uint8_t *io_end)
{
    size_t len = (size_t)(end - begin);
    if (!io_begin || !tx_has_witness(tx)) {
        sha256d(tx->txid.b, begin, len);
        tx->wtxid = tx->txid;
        return;
    }
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_write(&ctx, begin, 4);
    sha256_write(&ctx, io_begin, (size_t)(io_end - io_begin));
    sha256_write(&ctx, end - 4, 4);
    sha256d_finalize(&ctx, tx->txid.b);
    sha256d(tx->wtxid.b, begin, len);
}

bool tx_parse(struct tx *out, struct rbuf *r, bool allow_witness)
{
    struct rbuf save = *r;
    const uint8_t *io_begin, *io_end;
    tx_init(out);
    if (!parse_body(out, r, allow_witness, &io_begin, &io_end)) {
        tx_clear(out);
        rbuf_rewind(r, save);
        return false;
    }
    hashes_from_raw(out, save.p, r->p, io_begin, io_end);
    return true;
}

bool tx_decode(struct tx *out, const uint8_t *p, size_t len, bool allow_witness)
{
    struct rbuf r = rbuf_make(p, len);
    if (!tx_parse(out, &r, allow_witness))
        return false;
    if (r.len) {
        tx_clear(out);
        return false;
    }
    return true;
}

/* ---- serialisation ----------------------------------------------------- */

void txout_serialize(struct wbuf *w, const struct txout *out)
{
    wbuf_u64le(w, (uint64_t)out->value);
    wbuf_var_bytes(w, out->script_pubkey.data, out->script_pubkey.len);
}

void tx_serialize(struct wbuf *w, const struct tx *tx, bool with_witness)
{
    bool witness = with_witness && tx_has_witness(tx);
    wbuf_u32le(w, (uint32_t)tx->version);
    if (witness) {
        wbuf_u8(w, 0);
        wbuf_u8(w, 1);
    }
    wbuf_compact(w, tx->vin_count);
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct txin *in = &tx->vin[i];
        wbuf_put(w, in->prevout.txid.b, 32);
        wbuf_u32le(w, in->prevout.n);
        wbuf_var_bytes(w, in->script_sig.data, in->script_sig.len);
        wbuf_u32le(w, in->sequence);
    }
    wbuf_compact(w, tx->vout_count);
    for (size_t i = 0; i < tx->vout_count; i++)
        txout_serialize(w, &tx->vout[i]);
    if (witness) {
        for (size_t i = 0; i < tx->vin_count; i++) {
            const struct witness *wit = &tx->vin[i].witness;
            wbuf_compact(w, wit->count);
            for (size_t j = 0; j < wit->count; j++)
                wbuf_var_bytes(w, wit->items[j].data, wit->items[j].len);
        }
    }
    wbuf_u32le(w, tx->locktime);
}

void tx_update_hashes(struct tx *tx)
{
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, tx, false);
    sha256d(tx->txid.b, w.data, w.len);
    if (tx_has_witness(tx)) {
        w.len = 0;
        tx_serialize(&w, tx, true);
        sha256d(tx->wtxid.b, w.data, w.len);
    } else {
        tx->wtxid = tx->txid;
    }
    wbuf_clear(&w);
}

static size_t var_bytes_size(size_t n)
{
    return compact_size_len(n) + n;
}

size_t tx_size(const struct tx *tx, bool with_witness)
{
    size_t n = 4 + compact_size_len(tx->vin_count) + compact_size_len(tx->vout_count) + 4;
    for (size_t i = 0; i < tx->vin_count; i++)
        n += 36 + var_bytes_size(tx->vin[i].script_sig.len) + 4;
    for (size_t i = 0; i < tx->vout_count; i++)
        n += 8 + var_bytes_size(tx->vout[i].script_pubkey.len);
    if (with_witness && tx_has_witness(tx)) {
        n += 2;
        for (size_t i = 0; i < tx->vin_count; i++) {
            const struct witness *wit = &tx->vin[i].witness;
            n += compact_size_len(wit->count);
            for (size_t j = 0; j < wit->count; j++)
                n += var_bytes_size(wit->items[j].len);
        }
    }
    return n;
}

size_t tx_weight(const struct tx *tx)
{
    return tx_size(tx, false) * (WITNESS_SCALE_FACTOR - 1) + tx_size(tx, true);
}

size_t tx_vsize(const struct tx *tx)
{
    return (tx_weight(tx) + WITNESS_SCALE_FACTOR - 1) / WITNESS_SCALE_FACTOR;
}

bool tx_value_out(const struct tx *tx, int64_t *out)
{
    int64_t total = 0;
    *out = 0;
    for (size_t i = 0; i < tx->vout_count; i++) {
        int64_t v = tx->vout[i].value;
        if (!money_range(v))
            return false;
        total += v; /* both terms <= MAX_MONEY: cannot overflow */
        if (!money_range(total))
            return false;
    }
    *out = total;
    return true;
}
