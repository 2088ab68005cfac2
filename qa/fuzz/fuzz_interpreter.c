/* Fuzz target: script_verify on an arbitrary scriptSig, scriptPubKey,
 * witness and flag set, with a checker whose answers come from the input. */
#include <stdint.h>
#include <string.h>

#include "consensus/interpreter.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_checker {
    uint8_t seed;
    unsigned calls;
};

static bool answer(struct fuzz_checker *c, size_t a, size_t b)
{
    c->calls++;
    return ((c->seed >> (c->calls % 8)) ^ a ^ b) & 1;
}

static bool fz_ecdsa(void *ctx, const uint8_t *sig, size_t sig_len, const uint8_t *pubkey, size_t pubkey_len,
                     const uint8_t *script_code, size_t script_code_len, enum sig_version sigversion)
{
    /* Touch every byte handed over, so the sanitizers check the views. */
    size_t acc = 0;
    for (size_t i = 0; i < sig_len; i++)
        acc += sig[i];
    for (size_t i = 0; i < pubkey_len; i++)
        acc += pubkey[i];
    for (size_t i = 0; i < script_code_len; i++)
        acc += script_code[i];
    return answer(ctx, acc, (size_t)sigversion);
}

static bool fz_schnorr(void *ctx, const uint8_t *sig, size_t sig_len, const uint8_t pubkey[32],
                       enum sig_version sigversion, const struct script_exec_data *execdata, enum script_error *err)
{
    size_t acc = execdata->annex_init ? 1 : 0;
    for (size_t i = 0; i < sig_len; i++)
        acc += sig[i];
    for (size_t i = 0; i < 32; i++)
        acc += pubkey[i];
    if (sig_len != 64 && sig_len != 65) {
        *err = SCRIPT_ERR_SCHNORR_SIG_SIZE;
        return false;
    }
    if (!answer(ctx, acc, (size_t)sigversion)) {
        *err = SCRIPT_ERR_SCHNORR_SIG;
        return false;
    }
    return true;
}

static bool fz_lock(void *ctx, int64_t v)
{
    return answer(ctx, (size_t)v, 3);
}

/* Takes a 2-byte length then that many bytes (clipped to what remains). */
static const uint8_t *take(const uint8_t **p, size_t *left, size_t *len)
{
    size_t n = 0;
    if (*left >= 2) {
        n = (size_t)(*p)[0] | (size_t)(*p)[1] << 8;
        *p += 2;
        *left -= 2;
    } else {
        *p += *left;
        *left = 0;
    }
    if (n > *left)
        n = *left;
    const uint8_t *r = *p;
    *p += n;
    *left -= n;
    *len = n;
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    uint32_t flags = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
    struct fuzz_checker fc = { data[4], 0 };
    const uint8_t *p = data + 5;
    size_t left = size - 5;
    size_t sig_len, spk_len;
    const uint8_t *sig = take(&p, &left, &sig_len);
    const uint8_t *spk = take(&p, &left, &spk_len);
    /* The rest is the witness: items until the input runs out (at most 64). */
    struct bytes items[64];
    struct witness w = { items, 0 };
    while (left > 0 && w.count < 64) {
        size_t n;
        const uint8_t *it = take(&p, &left, &n);
        /* Copies, so out-of-bounds reads of an item are caught. */
        items[w.count].data = n ? mem_dup(it, n) : NULL;
        items[w.count].len = n;
        w.count++;
    }
    uint8_t *sig_copy = sig_len ? mem_dup(sig, sig_len) : NULL;
    uint8_t *spk_copy = spk_len ? mem_dup(spk, spk_len) : NULL;
    struct sig_checker checker = { &fc, fz_ecdsa, fz_schnorr, fz_lock, fz_lock };
    enum script_error err;
    bool ok = script_verify(sig_copy, sig_len, spk_copy, spk_len, &w, flags, &checker, &err);
    if (ok && err != SCRIPT_ERR_OK)
        __builtin_trap();
    if (!ok && err == SCRIPT_ERR_OK)
        __builtin_trap();
    (void)script_verify(sig_copy, sig_len, spk_copy, spk_len, NULL, flags, &SIG_CHECKER_NONE, NULL);
    for (size_t i = 0; i < w.count; i++)
        mem_free(items[i].data);
    mem_free(sig_copy);
    mem_free(spk_copy);
    return 0;
}
