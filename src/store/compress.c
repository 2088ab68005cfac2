#include "src/store/compress.h"

#include <string.h>

#include "consensus/amount.h"
#include "consensus/script.h"
#include "src/crypto/keys.h"

size_t varint_encode(uint8_t out[10], uint64_t v)
{
    /* Build the groups least significant first, then emit them reversed. Each
     * group after the lowest is stored minus one, which removes redundant
     * encodings (there is no "80 00" meaning 0). */
    uint8_t tmp[10];
    size_t len = 0;
    for (;;) {
        tmp[len] = (uint8_t)((v & 0x7f) | (len ? 0x80 : 0x00));
        if (v <= 0x7f)
            break;
        v = (v >> 7) - 1;
        len++;
    }
    for (size_t i = 0; i <= len; i++)
        out[i] = tmp[len - i];
    return len + 1;
}

size_t varint_len(uint64_t v)
{
    uint8_t tmp[10];
    return varint_encode(tmp, v);
}

void varint_write(struct wbuf *w, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = varint_encode(tmp, v);
    wbuf_put(w, tmp, n);
}

bool varint_read(struct rbuf *r, uint64_t *out)
{
    uint64_t n = 0;
    size_t used = 0;
    *out = 0;
    for (;;) {
        if (used >= r->len)
            return false;
        uint8_t b = r->p[used++];
        if (n > (UINT64_MAX >> 7))
            return false; /* the shift would drop bits */
        n = (n << 7) | (b & 0x7f);
        if (b & 0x80) {
            if (n == UINT64_MAX)
                return false; /* the +1 would wrap */
            n++;
        } else {
            break;
        }
    }
    r->p += used;
    r->len -= used;
    *out = n;
    return true;
}

bool varint_read_u32(struct rbuf *r, uint32_t *out)
{
    struct rbuf save = *r;
    uint64_t v;
    *out = 0;
    if (!varint_read(r, &v))
        return false;
    if (v > UINT32_MAX) {
        *r = save;
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

uint64_t compress_amount(uint64_t n)
{
    if (n == 0)
        return 0;
    unsigned e = 0;
    while ((n % 10) == 0 && e < 9) {
        n /= 10;
        e++;
    }
    if (e < 9) {
        uint64_t d = n % 10; /* 1..9: the trailing zeros were removed */
        n /= 10;
        return 1 + (n * 9 + d - 1) * 10 + e;
    }
    return 1 + (n - 1) * 10 + 9;
}

uint64_t decompress_amount(uint64_t x)
{
    if (x == 0)
        return 0;
    x--;
    unsigned e = (unsigned)(x % 10);
    x /= 10;
    uint64_t n;
    if (e < 9) {
        uint64_t d = (x % 9) + 1;
        x /= 9;
        n = x * 10 + d;
    } else {
        n = x + 1;
    }
    while (e) {
        n *= 10;
        e--;
    }
    return n;
}

/* Returns true if p is a 65-byte uncompressed key on the curve (Core's
 * IsFullyValid); only such keys may be stored by their x coordinate. */
static bool uncompressed_key_valid(const uint8_t *p)
{
    return p[0] == 0x04 && keys_pubkey_valid(p, 65);
}

void compress_script_write(struct wbuf *w, const uint8_t *s, size_t len)
{
    s = bytes_or_empty(s);
    if (len == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == 20 && s[23] == OP_EQUALVERIFY &&
        s[24] == OP_CHECKSIG) {
        wbuf_u8(w, 0x00);
        wbuf_put(w, s + 3, 20);
        return;
    }
    if (len == 23 && s[0] == OP_HASH160 && s[1] == 20 && s[22] == OP_EQUAL) {
        wbuf_u8(w, 0x01);
        wbuf_put(w, s + 2, 20);
        return;
    }
    if (len == 35 && s[0] == 33 && s[34] == OP_CHECKSIG && (s[1] == 0x02 || s[1] == 0x03)) {
        wbuf_put(w, s + 1, 33);
        return;
    }
    if (len == 67 && s[0] == 65 && s[66] == OP_CHECKSIG && uncompressed_key_valid(s + 1)) {
        wbuf_u8(w, (uint8_t)(0x04 | (s[65] & 0x01)));
        wbuf_put(w, s + 2, 32);
        return;
    }
    varint_write(w, (uint64_t)len + COMPRESS_SPECIAL_SCRIPTS);
    wbuf_put(w, s, len);
}

/* Rebuilds the full 65-byte key from tag 4/5 and x. Returns false if x is
 * not on the curve. */
static bool decompress_key(uint8_t out[65], uint8_t tag, const uint8_t x[32])
{
    uint8_t comp[33];
    comp[0] = (uint8_t)(tag - 2);
    memcpy(comp + 1, x, 32);
    return keys_pubkey_decompress(out, comp, 33);
}

bool compress_script_read(struct rbuf *r, struct bytes *out)
{
    struct rbuf save = *r;
    uint64_t code;
    out->data = bytes_empty;
    out->len = 0;
    if (!varint_read(r, &code))
        return false;
    uint8_t buf[67];
    size_t n = 0;
    const uint8_t *p;
    switch (code) {
    case 0x00:
        if (!(p = rbuf_take(r, 20)))
            goto fail;
        buf[0] = OP_DUP;
        buf[1] = OP_HASH160;
        buf[2] = 20;
        memcpy(buf + 3, p, 20);
        buf[23] = OP_EQUALVERIFY;
        buf[24] = OP_CHECKSIG;
        n = 25;
        break;
    case 0x01:
        if (!(p = rbuf_take(r, 20)))
            goto fail;
        buf[0] = OP_HASH160;
        buf[1] = 20;
        memcpy(buf + 2, p, 20);
        buf[22] = OP_EQUAL;
        n = 23;
        break;
    case 0x02:
    case 0x03:
        if (!(p = rbuf_take(r, 32)))
            goto fail;
        buf[0] = 33;
        buf[1] = (uint8_t)code;
        memcpy(buf + 2, p, 32);
        buf[34] = OP_CHECKSIG;
        n = 35;
        break;
    case 0x04:
    case 0x05:
        if (!(p = rbuf_take(r, 32)))
            goto fail;
        buf[0] = 65;
        if (!decompress_key(buf + 1, (uint8_t)code, p))
            goto fail;
        buf[66] = OP_CHECKSIG;
        n = 67;
        break;
    default: {
        uint64_t size = code - COMPRESS_SPECIAL_SCRIPTS;
        if (size > r->len)
            goto fail;
        if (size > COMPRESS_MAX_SCRIPT_SIZE) {
            /* Too big to ever be spent: keep it as a provably unspendable
             * script instead of its bytes, as Core does. */
            if (!rbuf_skip(r, (size_t)size))
                goto fail;
            buf[0] = OP_RETURN;
            n = 1;
            break;
        }
        if (!(p = rbuf_take(r, (size_t)size)))
            goto fail;
        bytes_set(out, p, (size_t)size);
        return true;
    }
    }
    bytes_set(out, buf, n);
    return true;
fail:
    *r = save;
    return false;
}

void compress_txout_write(struct wbuf *w, const struct txout *out)
{
    varint_write(w, compress_amount((uint64_t)out->value));
    compress_script_write(w, out->script_pubkey.data, out->script_pubkey.len);
}

bool compress_txout_read(struct rbuf *r, struct txout *out)
{
    struct rbuf save = *r;
    uint64_t code;
    out->value = 0;
    out->script_pubkey.data = bytes_empty;
    out->script_pubkey.len = 0;
    if (!varint_read(r, &code))
        return false;
    uint64_t value = decompress_amount(code);
    /* A valid coin never holds more than MAX_MONEY; also rejects wrapped values. */
    if (value > (uint64_t)MAX_MONEY || compress_amount(value) != code) {
        *r = save;
        return false;
    }
    if (!compress_script_read(r, &out->script_pubkey)) {
        *r = save;
        return false;
    }
    out->value = (int64_t)value;
    return true;
}
