/* Nonce scanning: the job precomputation, the portable kernel and the
 * kernel registry (sha256_scan.h). */
#include "src/crypto/sha256_scan.h"

#include <string.h>

#include "src/crypto/sha256_scan_internal.h"
#include "src/util/endian.h"

const uint32_t sha256_scan_kw_header[16] = {
    0, 0, 0, 0,
    0x3956c25b + 0x80000000u, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174 + 640u,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))
#define CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
#define MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

/* One round on st with kw = K + W. */
static void one_round(uint32_t st[8], uint32_t kw)
{
    uint32_t t1 = st[7] + BSIG1(st[4]) + CH(st[4], st[5], st[6]) + kw;
    uint32_t t2 = BSIG0(st[0]) + MAJ(st[0], st[1], st[2]);
    memmove(st + 1, st, 7 * sizeof(uint32_t));
    st[4] += t1;
    st[0] = t1 + t2;
}

uint32_t sha256_scan_top_word(const uint8_t v[32])
{
    return le32_read(v + 28);
}

void sha256_scan_job_init(struct sha256_scan_job *job, const uint8_t header[80], uint32_t target_top)
{
    memset(job, 0, sizeof(*job));
    memcpy(job->mid, sha256_iv, sizeof(job->mid));
    sha256_portable_transform(job->mid, header, 1);
    for (int i = 0; i < 3; i++)
        job->w[i] = be32_read(header + 64 + 4 * i);
    /* Rounds 0..2 read words 0..2 only. */
    memcpy(job->after2, job->mid, sizeof(job->after2));
    one_round(job->after2, sha256_k[0] + job->w[0]);
    one_round(job->after2, sha256_k[1] + job->w[1]);
    memcpy(job->after3, job->after2, sizeof(job->after3));
    one_round(job->after3, sha256_k[2] + job->w[2]);
    /* Round 3 without W3: both new a and e are these plus W3. */
    const uint32_t *s = job->after3;
    uint32_t r3 = s[7] + BSIG1(s[4]) + CH(s[4], s[5], s[6]) + sha256_k[3];
    job->r3_e = s[3] + r3;
    job->r3_a = r3 + BSIG0(s[0]) + MAJ(s[0], s[1], s[2]);
    /* Padding words: W4 = 0x80000000, W5..W14 = 0, W15 = 640 (bits). */
    const uint32_t w4 = 0x80000000u, w15 = 640;
    job->w16 = SSIG1(0u) + 0u + SSIG0(job->w[1]) + job->w[0];
    job->w17 = SSIG1(w15) + 0u + SSIG0(job->w[2]) + job->w[1];
    job->kw16 = job->w16 + sha256_k[16];
    job->kw17 = job->w17 + sha256_k[17];
    job->c18 = SSIG1(job->w16) + job->w[2];
    job->c19 = SSIG1(job->w17) + SSIG0(w4);
    job->c31 = SSIG0(job->w16) + w15;
    job->c32 = SSIG0(job->w17) + job->w16;
    /* Second hash, round 0 from the IV. */
    const uint32_t *iv = sha256_iv;
    uint32_t r0 = iv[7] + BSIG1(iv[4]) + CH(iv[4], iv[5], iv[6]) + sha256_k[0];
    job->h2_r0_e = iv[3] + r0;
    job->h2_r0_a = r0 + BSIG0(iv[0]) + MAJ(iv[0], iv[1], iv[2]);
    job->target_top = target_top;
}

/* ---- the portable kernel: the lane template on plain words ---- */

#define V uint32_t
#define LANES 1
#define VINLINE static inline __attribute__((always_inline))
#define SCAN_ATTR
#define SCAN_NAME sha256_scan_portable
#define v_set1(x) ((uint32_t)(x))
#define v_add(a, b) ((uint32_t)((a) + (b)))
#define V_ROR(x, n) ROTR((uint32_t)(x), n)
#define V_SHR(x, n) ((uint32_t)(x) >> (n))
#define v_xor3(a, b, c) ((a) ^ (b) ^ (c))
#define v_ch(e, f, g) CH(e, f, g)
#define v_maj(a, b, c) MAJ(a, b, c)
#define v_bswap(x) __builtin_bswap32(x)
#define v_lane_index() 0u
#define v_mask_le(h, t) ((unsigned)((h) <= (t)))
#include "src/crypto/sha256_scan_lanes.h"

/* ---- the registry ---- */

static const char *const NAMES[SHA256_SCAN_KERNEL_COUNT] = { "auto", "portable", "avx2", "avx512", "shani" };

bool sha256_scan_kernel_available(enum sha256_scan_kernel k)
{
    switch (k) {
    case SHA256_SCAN_AUTO:
    case SHA256_SCAN_PORTABLE:
        return true;
    case SHA256_SCAN_AVX2:
        return sha256_avx2_supported();
    case SHA256_SCAN_AVX512:
        return sha256_avx512_supported();
    case SHA256_SCAN_SHANI:
        return sha256_shani_supported();
    }
    return false;
}

/* What AUTO means, from bench_hashmint -filter=miner on an Intel Xeon
 * (Emerald Rapids, ~2.9 GHz): avx512 ~29 M nonces/s per core, shani ~14 M
 * (SHA256RNDS2 issues once per ~1.5 cycles and the schedule instructions
 * share its port), avx2 ~10 M, portable ~2.4 M. CPUs whose SHA unit is
 * faster than their 512-bit ALUs exist (AMD EPYC, Zen 4: shani ~34.7 M,
 * avx512 ~26.5 M; the miner's -minerkernel=auto times the candidates at
 * start, see src/miner/kernel.c); this fixed order is the fallback. */
enum sha256_scan_kernel sha256_scan_kernel_best(void)
{
    if (sha256_avx512_supported())
        return SHA256_SCAN_AVX512;
    if (sha256_shani_supported())
        return SHA256_SCAN_SHANI;
    if (sha256_avx2_supported())
        return SHA256_SCAN_AVX2;
    return SHA256_SCAN_PORTABLE;
}

sha256_scan_fn sha256_scan_shani_fn(void)
{
    return sha256_avx512vl_supported() ? sha256_scan_shani_avx512 : sha256_scan_shani;
}

sha256_scan_fn sha256_scan_kernel_fn(enum sha256_scan_kernel k)
{
    if (!sha256_scan_kernel_available(k))
        return NULL;
    if (k == SHA256_SCAN_AUTO)
        k = sha256_scan_kernel_best();
    switch (k) {
    case SHA256_SCAN_AVX2:
        return sha256_scan_avx2;
    case SHA256_SCAN_AVX512:
        return sha256_scan_avx512;
    case SHA256_SCAN_SHANI:
        return sha256_scan_shani_fn();
    default:
        return sha256_scan_portable;
    }
}

const char *sha256_scan_kernel_name(enum sha256_scan_kernel k)
{
    return (unsigned)k < SHA256_SCAN_KERNEL_COUNT ? NAMES[k] : "unknown";
}

bool sha256_scan_kernel_parse(enum sha256_scan_kernel *out, const char *name)
{
    for (int k = 0; k < SHA256_SCAN_KERNEL_COUNT; k++) {
        if (!strcmp(name, NAMES[k])) {
            *out = (enum sha256_scan_kernel)k;
            return true;
        }
    }
    return false;
}
