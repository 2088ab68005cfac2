/* Rolling Bloom filter, after Bitcoin Core's CRollingBloomFilter: every
 * position holds a 2-bit generation number (1..3, 0 = empty) split across two
 * 64-bit words; starting a new generation wipes the positions of the one
 * three generations back. The k probe positions come from two SipHash values
 * (double hashing) instead of k separate hashes. */
#include "net/rollbloom.h"

#include <math.h>

#include "src/crypto/siphash.h"
#include "src/util/alloc.h"

struct rollbloom {
    uint64_t *data;
    uint32_t words; /* even */
    uint32_t hash_funcs;
    uint32_t per_generation;
    uint32_t this_generation;
    uint32_t generation; /* 1..3 */
    uint64_t k0, k1;
};

struct rollbloom *rollbloom_new(uint32_t n, double fp, uint64_t k0, uint64_t k1)
{
    if (n < 1)
        n = 1;
    if (!(fp > 0 && fp < 1))
        fp = 0.000001;
    struct rollbloom *f = mem_calloc(1, sizeof(*f));
    double log_fp = log(fp);
    long hf = lround(log_fp / log(0.5));
    f->hash_funcs = (uint32_t)(hf < 1 ? 1 : hf > 50 ? 50 : hf);
    f->per_generation = (n + 1) / 2;
    double max_elems = (double)f->per_generation * 3;
    double bits = ceil(-1.0 * f->hash_funcs * max_elems / log(1.0 - exp(log_fp / f->hash_funcs)));
    uint64_t words = (((uint64_t)bits + 63) / 64) << 1;
    if (words < 2)
        words = 2;
    f->words = (uint32_t)words;
    f->data = mem_calloc(f->words, sizeof(uint64_t));
    f->generation = 1;
    f->k0 = k0;
    f->k1 = k1;
    return f;
}

void rollbloom_free(struct rollbloom *f)
{
    if (!f)
        return;
    mem_free(f->data);
    mem_free(f);
}

static void probe_base(const struct rollbloom *f, const uint8_t *key, size_t len, uint64_t *a, uint64_t *b)
{
    *a = siphash(f->k0, f->k1, key, len);
    *b = siphash(f->k1, f->k0 ^ 0x9e3779b97f4a7c15ull, key, len) | 1;
}

/* Probe i: a 64-bit word pair index (even) and a bit within the word. */
static void probe(const struct rollbloom *f, uint64_t a, uint64_t b, uint32_t i, uint32_t *pos, unsigned *bit)
{
    uint64_t h = a + (uint64_t)i * b;
    *bit = (unsigned)(h & 63);
    uint32_t p = (uint32_t)(((h >> 32) * (uint64_t)f->words) >> 32);
    *pos = p & ~1u;
}

void rollbloom_insert(struct rollbloom *f, const uint8_t *key, size_t len)
{
    if (f->this_generation == f->per_generation) {
        f->this_generation = 0;
        f->generation++;
        if (f->generation == 4)
            f->generation = 1;
        uint64_t m1 = 0 - (uint64_t)(f->generation & 1);
        uint64_t m2 = 0 - (uint64_t)(f->generation >> 1);
        for (uint32_t p = 0; p < f->words; p += 2) {
            uint64_t p1 = f->data[p], p2 = f->data[p + 1];
            uint64_t mask = (p1 ^ m1) | (p2 ^ m2);
            f->data[p] = p1 & mask;
            f->data[p + 1] = p2 & mask;
        }
    }
    f->this_generation++;
    uint64_t a, b;
    probe_base(f, key, len, &a, &b);
    for (uint32_t i = 0; i < f->hash_funcs; i++) {
        uint32_t pos;
        unsigned bit;
        probe(f, a, b, i, &pos, &bit);
        uint64_t one = (uint64_t)1 << bit;
        f->data[pos] = (f->data[pos] & ~one) | ((uint64_t)(f->generation & 1) << bit);
        f->data[pos + 1] = (f->data[pos + 1] & ~one) | ((uint64_t)(f->generation >> 1) << bit);
    }
}

bool rollbloom_contains(const struct rollbloom *f, const uint8_t *key, size_t len)
{
    uint64_t a, b;
    probe_base(f, key, len, &a, &b);
    for (uint32_t i = 0; i < f->hash_funcs; i++) {
        uint32_t pos;
        unsigned bit;
        probe(f, a, b, i, &pos, &bit);
        if ((((f->data[pos] | f->data[pos + 1]) >> bit) & 1) == 0)
            return false;
    }
    return true;
}

void rollbloom_reset(struct rollbloom *f)
{
    f->this_generation = 0;
    f->generation = 1;
    for (uint32_t i = 0; i < f->words; i++)
        f->data[i] = 0;
}

size_t rollbloom_memory(const struct rollbloom *f)
{
    return sizeof(*f) + (size_t)f->words * sizeof(uint64_t);
}
