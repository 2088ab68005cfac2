#include "consensus/arith256.h"

#include <string.h>

#define LIMBS 8

void arith256_set_u64(struct arith256 *a, uint64_t v)
{
    memset(a, 0, sizeof(*a));
    a->w[0] = (uint32_t)v;
    a->w[1] = (uint32_t)(v >> 32);
}

bool arith256_is_zero(const struct arith256 *a)
{
    for (int i = 0; i < LIMBS; i++)
        if (a->w[i])
            return false;
    return true;
}

int arith256_cmp(const struct arith256 *a, const struct arith256 *b)
{
    for (int i = LIMBS - 1; i >= 0; i--) {
        if (a->w[i] < b->w[i])
            return -1;
        if (a->w[i] > b->w[i])
            return 1;
    }
    return 0;
}

unsigned arith256_bits(const struct arith256 *a)
{
    for (int i = LIMBS - 1; i >= 0; i--) {
        if (a->w[i]) {
            unsigned n = 32;
            while (!(a->w[i] & (1u << (n - 1))))
                n--;
            return (unsigned)i * 32 + n;
        }
    }
    return 0;
}

uint64_t arith256_low64(const struct arith256 *a)
{
    return (uint64_t)a->w[0] | ((uint64_t)a->w[1] << 32);
}

void arith256_shl(struct arith256 *r, const struct arith256 *a, unsigned shift)
{
    struct arith256 t;
    memset(&t, 0, sizeof(t));
    unsigned k = shift / 32, s = shift % 32;
    for (unsigned i = 0; i < LIMBS; i++) {
        if (i + k + 1 < LIMBS && s != 0)
            t.w[i + k + 1] |= a->w[i] >> (32 - s);
        if (i + k < LIMBS)
            t.w[i + k] |= a->w[i] << s;
    }
    *r = t;
}

void arith256_shr(struct arith256 *r, const struct arith256 *a, unsigned shift)
{
    struct arith256 t;
    memset(&t, 0, sizeof(t));
    unsigned k = shift / 32, s = shift % 32;
    for (unsigned i = 0; i < LIMBS; i++) {
        if (i >= k + 1 && s != 0)
            t.w[i - k - 1] |= a->w[i] << (32 - s);
        if (i >= k)
            t.w[i - k] |= a->w[i] >> s;
    }
    *r = t;
}

void arith256_add(struct arith256 *r, const struct arith256 *a, const struct arith256 *b)
{
    uint64_t carry = 0;
    for (int i = 0; i < LIMBS; i++) {
        uint64_t n = carry + a->w[i] + b->w[i];
        r->w[i] = (uint32_t)n;
        carry = n >> 32;
    }
}

/* Out: r = ~a (bitwise complement). r may alias a. */
static void arith256_not(struct arith256 *r, const struct arith256 *a)
{
    for (int i = 0; i < LIMBS; i++)
        r->w[i] = ~a->w[i];
}

void arith256_sub(struct arith256 *r, const struct arith256 *a, const struct arith256 *b)
{
    /* a - b = a + ~b + 1 (mod 2^256), as Core computes it */
    struct arith256 nb, one;
    arith256_not(&nb, b);
    arith256_set_u64(&one, 1);
    arith256_add(&nb, &nb, &one);
    arith256_add(r, a, &nb);
}

void arith256_mul_u32(struct arith256 *r, const struct arith256 *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < LIMBS; i++) {
        uint64_t n = carry + (uint64_t)m * a->w[i];
        r->w[i] = (uint32_t)n;
        carry = n >> 32;
    }
}

void arith256_mul_u64(struct arith256 *r, const struct arith256 *a, uint64_t m)
{
    /* a * m = a * lo + (a * hi) << 32, each product truncated mod 2^256 */
    struct arith256 lo, hi;
    arith256_mul_u32(&lo, a, (uint32_t)m);
    arith256_mul_u32(&hi, a, (uint32_t)(m >> 32));
    arith256_shl(&hi, &hi, 32);
    arith256_add(r, &lo, &hi);
}

bool arith256_div(struct arith256 *r, const struct arith256 *a, const struct arith256 *b)
{
    struct arith256 num = *a, div = *b, q;
    memset(&q, 0, sizeof(q));
    unsigned num_bits = arith256_bits(&num), div_bits = arith256_bits(&div);
    if (div_bits == 0) {
        memset(r, 0, sizeof(*r));
        return false;
    }
    if (div_bits <= num_bits) {
        /* Schoolbook binary long division: align, then subtract and shift back. */
        int shift = (int)(num_bits - div_bits);
        arith256_shl(&div, &div, (unsigned)shift);
        while (shift >= 0) {
            if (arith256_cmp(&num, &div) >= 0) {
                arith256_sub(&num, &num, &div);
                q.w[shift / 32] |= 1u << (shift & 31);
            }
            arith256_shr(&div, &div, 1);
            shift--;
        }
    }
    *r = q;
    return true;
}

bool arith256_div_u64(struct arith256 *r, const struct arith256 *a, uint64_t d)
{
    struct arith256 b;
    arith256_set_u64(&b, d);
    return arith256_div(r, a, &b);
}

void arith256_set_compact(struct arith256 *r, uint32_t compact, bool *negative, bool *overflow)
{
    unsigned size = compact >> 24;
    uint32_t word = compact & 0x007fffffu;
    if (size <= 3) {
        word >>= 8 * (3 - size);
        arith256_set_u64(r, word);
    } else {
        arith256_set_u64(r, word);
        arith256_shl(r, r, 8 * (size - 3));
    }
    if (negative)
        *negative = word != 0 && (compact & 0x00800000u) != 0;
    if (overflow)
        *overflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
}

uint32_t arith256_get_compact(const struct arith256 *a, bool negative)
{
    unsigned size = (arith256_bits(a) + 7) / 8;
    uint32_t compact;
    if (size <= 3) {
        compact = (uint32_t)(arith256_low64(a) << 8 * (3 - size));
    } else {
        struct arith256 t;
        arith256_shr(&t, a, 8 * (size - 3));
        compact = (uint32_t)arith256_low64(&t);
    }
    /* 0x00800000 is the sign bit: keep the mantissa below it by growing the size. */
    if (compact & 0x00800000u) {
        compact >>= 8;
        size++;
    }
    compact |= (uint32_t)size << 24;
    if (negative && (compact & 0x007fffffu))
        compact |= 0x00800000u;
    return compact;
}

void arith256_from_hash(struct arith256 *r, const struct hash256 *h)
{
    for (int i = 0; i < LIMBS; i++)
        r->w[i] = (uint32_t)h->b[4 * i] | (uint32_t)h->b[4 * i + 1] << 8 | (uint32_t)h->b[4 * i + 2] << 16 |
                  (uint32_t)h->b[4 * i + 3] << 24;
}

void arith256_to_hash(struct hash256 *h, const struct arith256 *a)
{
    for (int i = 0; i < LIMBS; i++) {
        h->b[4 * i] = (uint8_t)a->w[i];
        h->b[4 * i + 1] = (uint8_t)(a->w[i] >> 8);
        h->b[4 * i + 2] = (uint8_t)(a->w[i] >> 16);
        h->b[4 * i + 3] = (uint8_t)(a->w[i] >> 24);
    }
}

void arith256_to_hex(char out[65], const struct arith256 *a)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 64; i++) {
        unsigned nibble = (a->w[(63 - i) / 8] >> (4 * ((63 - i) % 8))) & 0xf;
        out[i] = digits[nibble];
    }
    out[64] = '\0';
}

void arith256_work_from_compact(struct arith256 *r, uint32_t bits)
{
    struct arith256 target, denom, one;
    bool negative, overflow;
    arith256_set_compact(&target, bits, &negative, &overflow);
    if (negative || overflow || arith256_is_zero(&target)) {
        arith256_set_u64(r, 0);
        return;
    }
    /* 2^256 does not fit, so compute (2^256 - target - 1) / (target + 1) + 1. */
    arith256_set_u64(&one, 1);
    arith256_add(&denom, &target, &one);
    arith256_not(&target, &target);
    if (!arith256_div(r, &target, &denom)) {
        /* target + 1 wrapped to zero: target was 2^256 - 1, one hash in 2^256 suffices */
        arith256_set_u64(r, 1);
        return;
    }
    arith256_add(r, r, &one);
}
