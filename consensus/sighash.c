#include "consensus/sighash.h"

#include <string.h>

#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "src/crypto/keys.h"
#include "src/crypto/sha256.h"
#include "src/util/bytes.h"

/* BIP 68 / BIP 112 sequence fields. */
#define SEQUENCE_LOCKTIME_DISABLE_FLAG (UINT32_C(1) << 31)
#define SEQUENCE_LOCKTIME_TYPE_FLAG (UINT32_C(1) << 22)
#define SEQUENCE_LOCKTIME_MASK UINT32_C(0x0000ffff)

/* Little helpers that serialise straight into a hash, so no preimage is
 * ever materialised (a legacy preimage can be as large as the transaction). */
static void put_u8(struct sha256_ctx *h, uint8_t v)
{
    sha256_write(h, &v, 1);
}

static void put_u32(struct sha256_ctx *h, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    sha256_write(h, b, 4);
}

static void put_u64(struct sha256_ctx *h, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    sha256_write(h, b, 8);
}

static void put_compact(struct sha256_ctx *h, uint64_t v)
{
    uint8_t b[9];
    size_t n;
    if (v < 0xfd) {
        b[0] = (uint8_t)v;
        n = 1;
    } else if (v <= 0xffff) {
        b[0] = 0xfd;
        b[1] = (uint8_t)v;
        b[2] = (uint8_t)(v >> 8);
        n = 3;
    } else if (v <= 0xffffffffu) {
        b[0] = 0xfe;
        for (int i = 0; i < 4; i++)
            b[1 + i] = (uint8_t)(v >> (8 * i));
        n = 5;
    } else {
        b[0] = 0xff;
        for (int i = 0; i < 8; i++)
            b[1 + i] = (uint8_t)(v >> (8 * i));
        n = 9;
    }
    sha256_write(h, b, n);
}

static void put_var_bytes(struct sha256_ctx *h, const uint8_t *p, size_t n)
{
    put_compact(h, n);
    sha256_write(h, p, n);
}

static void put_outpoint(struct sha256_ctx *h, const struct outpoint *op)
{
    sha256_write(h, op->txid.b, 32);
    put_u32(h, op->n);
}

static void put_txout(struct sha256_ctx *h, const struct txout *out)
{
    put_u64(h, (uint64_t)out->value);
    put_var_bytes(h, out->script_pubkey.data, out->script_pubkey.len);
}

/* True if out might be spent through verify_taproot: its locking script
 * (after any extension prefix) is OP_1 <32 bytes>, so the scriptPubKey
 * ends in those 34 bytes. A superset of the taproot outputs, never less. */
static bool may_be_taproot(const struct txout *out)
{
    size_t n = out->script_pubkey.len;
    const uint8_t *p = out->script_pubkey.data;
    return n >= 34 && p[n - 34] == 0x51 && p[n - 33] == 0x20;
}

void tx_precomputed_init(struct tx_precomputed *pre, const struct tx *tx, const struct txout *spent, size_t spent_count)
{
    memset(pre, 0, sizeof(*pre));
    struct sha256_ctx h;

    sha256_init(&h);
    for (size_t i = 0; i < tx->vin_count; i++)
        put_outpoint(&h, &tx->vin[i].prevout);
    sha256_finalize(&h, pre->sha_prevouts);

    sha256_init(&h);
    for (size_t i = 0; i < tx->vin_count; i++)
        put_u32(&h, tx->vin[i].sequence);
    sha256_finalize(&h, pre->sha_sequences);

    sha256_init(&h);
    for (size_t i = 0; i < tx->vout_count; i++)
        put_txout(&h, &tx->vout[i]);
    sha256_finalize(&h, pre->sha_outputs);

    /* BIP 143's digests are the same data hashed twice. */
    sha256(pre->hash_prevouts, pre->sha_prevouts, 32);
    sha256(pre->hash_sequence, pre->sha_sequences, 32);
    sha256(pre->hash_outputs, pre->sha_outputs, 32);

    if (spent && spent_count == tx->vin_count) {
        pre->spent = spent;
        pre->spent_count = spent_count;
        pre->spent_ready = true;
        /* Core's PrecomputedTransactionData hashes the spent amounts and
         * scripts only when an input spends a taproot output: nothing
         * else reads them, and they are two more passes over the inputs. */
        bool taproot = false;
        for (size_t i = 0; i < spent_count && !taproot; i++)
            taproot = may_be_taproot(&spent[i]);
        if (!taproot)
            return;
        sha256_init(&h);
        for (size_t i = 0; i < spent_count; i++)
            put_u64(&h, (uint64_t)spent[i].value);
        sha256_finalize(&h, pre->sha_amounts);
        sha256_init(&h);
        for (size_t i = 0; i < spent_count; i++)
            put_var_bytes(&h, spent[i].script_pubkey.data, spent[i].script_pubkey.len);
        sha256_finalize(&h, pre->sha_scriptpubkeys);
        pre->taproot_ready = true;
    }
}

/* ---- legacy ---------------------------------------------------------- */

/*
 * Steps over one operation exactly as Bitcoin Core's GetScriptOp does,
 * including where the cursor is left when a push is truncated: past the
 * opcode and any length bytes it could read. The legacy serialiser relies
 * on that position, so it is reproduced here rather than borrowed.
 */
static bool core_next_op(const uint8_t **pc, const uint8_t *end, uint8_t *op)
{
    const uint8_t *p = *pc;
    if (p >= end)
        return false;
    uint8_t o = *p++;
    if (o <= OP_PUSHDATA4) {
        size_t n;
        if (o < OP_PUSHDATA1) {
            n = o;
        } else if (o == OP_PUSHDATA1) {
            if (end - p < 1)
                goto truncated;
            n = p[0];
            p += 1;
        } else if (o == OP_PUSHDATA2) {
            if (end - p < 2)
                goto truncated;
            n = (size_t)p[0] | (size_t)p[1] << 8;
            p += 2;
        } else {
            if (end - p < 4)
                goto truncated;
            n = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
            p += 4;
        }
        if ((size_t)(end - p) < n)
            goto truncated;
        p += n;
    }
    *pc = p;
    *op = o;
    return true;
truncated:
    *pc = p;
    *op = OP_INVALIDOPCODE;
    return false;
}

/*
 * Core's CTransactionSignatureSerializer::SerializeScriptCode: the length
 * counts every byte but the OP_CODESEPARATORs, and the bytes written stop
 * where parsing stopped. On a truncated push fewer bytes are written than
 * the length claims; that quirk is consensus and must be kept.
 */
static void put_legacy_script_code(struct sha256_ctx *h, const uint8_t *s, size_t len, size_t prefix_len)
{
    s = bytes_or_empty(s);
    if (prefix_len > len)
        prefix_len = len;
    const uint8_t *begin = s + prefix_len, *end = s + len, *pc = begin;
    uint8_t op;
    size_t separators = 0;
    while (core_next_op(&pc, end, &op))
        if (op == OP_CODESEPARATOR)
            separators++;
    put_compact(h, len - separators);
    sha256_write(h, s, prefix_len);
    const uint8_t *seg = begin;
    pc = begin;
    while (core_next_op(&pc, end, &op)) {
        if (op == OP_CODESEPARATOR) {
            sha256_write(h, seg, (size_t)(pc - seg - 1));
            seg = pc;
        }
    }
    if (seg != end)
        sha256_write(h, seg, (size_t)(pc - seg));
}

static void hash_one(uint8_t out[32])
{
    memset(out, 0, 32);
    out[0] = 1;
}

/* Everything of the legacy serialisation but the trailing nHashType. */
static void legacy_body(struct sha256_ctx *h, const struct tx *tx, size_t in_index, const uint8_t *script_code,
                        size_t script_code_len, size_t prefix_len, bool anyone_can_pay, bool single, bool none)
{
    put_u32(h, (uint32_t)tx->version);
    size_t n_inputs = anyone_can_pay ? 1 : tx->vin_count;
    put_compact(h, n_inputs);
    for (size_t i = 0; i < n_inputs; i++) {
        size_t idx = anyone_can_pay ? in_index : i;
        const struct txin *in = &tx->vin[idx];
        put_outpoint(h, &in->prevout);
        if (idx == in_index)
            put_legacy_script_code(h, script_code, script_code_len, prefix_len);
        else
            put_compact(h, 0); /* other inputs' scriptSigs are blanked */
        /* NONE and SINGLE let the other inputs update their sequence. */
        put_u32(h, idx != in_index && (single || none) ? 0 : in->sequence);
    }
    size_t n_outputs = none ? 0 : single ? in_index + 1 : tx->vout_count;
    put_compact(h, n_outputs);
    for (size_t o = 0; o < n_outputs; o++) {
        if (single && o != in_index) {
            put_u64(h, UINT64_MAX); /* CTxOut(): value -1, empty script */
            put_compact(h, 0);
        } else {
            put_txout(h, &tx->vout[o]);
        }
    }
    put_u32(h, tx->locktime);
}

void sighash_legacy(uint8_t out[32], const struct tx *tx, size_t in_index, const uint8_t *script_code,
                    size_t script_code_len, size_t prefix_len, int32_t hash_type)
{
    const bool anyone_can_pay = (hash_type & SIGHASH_ANYONECANPAY) != 0;
    const bool single = (hash_type & 0x1f) == SIGHASH_SINGLE;
    const bool none = (hash_type & 0x1f) == SIGHASH_NONE;
    if (in_index >= tx->vin_count || (single && in_index >= tx->vout_count)) {
        hash_one(out);
        return;
    }
    struct sha256_ctx h;
    sha256_init(&h);
    legacy_body(&h, tx, in_index, script_code, script_code_len, prefix_len, anyone_can_pay, single, none);
    put_u32(&h, (uint32_t)hash_type);
    sha256d_finalize(&h, out);
}

void sighash_legacy_cached(struct sighash_legacy_cache *cache, uint8_t out[32], const struct tx *tx, size_t in_index,
                           const uint8_t *script_code, size_t script_code_len, size_t prefix_len, int32_t hash_type)
{
    const bool anyone_can_pay = (hash_type & SIGHASH_ANYONECANPAY) != 0;
    const bool single = (hash_type & 0x1f) == SIGHASH_SINGLE;
    const bool none = (hash_type & 0x1f) == SIGHASH_NONE;
    if (in_index >= tx->vin_count || (single && in_index >= tx->vout_count)) {
        hash_one(out);
        return;
    }
    /* The body depends on these three flags only; other hash type bits are in nHashType alone. */
    const int kind = (anyone_can_pay ? 3 : 0) + (single ? 2 : none ? 1 : 0);
    uint8_t key[32];
    struct sha256_ctx k;
    sha256_init(&k);
    put_u64(&k, prefix_len);
    sha256_write(&k, bytes_or_empty(script_code), script_code_len);
    sha256_finalize(&k, key);
    if (!cache->valid[kind] || memcmp(cache->code_key[kind], key, 32) != 0) {
        sha256_init(&cache->mid[kind]);
        legacy_body(&cache->mid[kind], tx, in_index, script_code, script_code_len, prefix_len, anyone_can_pay, single,
                    none);
        memcpy(cache->code_key[kind], key, 32);
        cache->valid[kind] = true;
        cache->serialized++;
        cache->serialized_bytes += cache->mid[kind].bytes;
    }
    struct sha256_ctx h = cache->mid[kind];
    put_u32(&h, (uint32_t)hash_type);
    sha256d_finalize(&h, out);
}

/* ---- BIP 143 --------------------------------------------------------- */

void sighash_witness_v0(uint8_t out[32], const struct tx *tx, size_t in_index, const uint8_t *script_code,
                        size_t script_code_len, int64_t amount, int32_t hash_type, const struct tx_precomputed *pre)
{
    static const uint8_t zero[32];
    const bool anyone_can_pay = (hash_type & SIGHASH_ANYONECANPAY) != 0;
    const int base = hash_type & 0x1f;
    const uint8_t *prevouts = anyone_can_pay ? zero : pre->hash_prevouts;
    const uint8_t *sequences =
        (!anyone_can_pay && base != SIGHASH_SINGLE && base != SIGHASH_NONE) ? pre->hash_sequence : zero;
    uint8_t single_output[32];
    const uint8_t *outputs = zero;
    if (base != SIGHASH_SINGLE && base != SIGHASH_NONE) {
        outputs = pre->hash_outputs;
    } else if (base == SIGHASH_SINGLE && in_index < tx->vout_count) {
        struct sha256_ctx o;
        sha256_init(&o);
        put_txout(&o, &tx->vout[in_index]);
        sha256d_finalize(&o, single_output);
        outputs = single_output;
    }

    const struct txin *in = &tx->vin[in_index];
    struct sha256_ctx h;
    sha256_init(&h);
    put_u32(&h, (uint32_t)tx->version);
    sha256_write(&h, prevouts, 32);
    sha256_write(&h, sequences, 32);
    put_outpoint(&h, &in->prevout);
    put_var_bytes(&h, script_code, script_code_len);
    put_u64(&h, (uint64_t)amount);
    put_u32(&h, in->sequence);
    sha256_write(&h, outputs, 32);
    put_u32(&h, tx->locktime);
    put_u32(&h, (uint32_t)hash_type);
    sha256d_finalize(&h, out);
}

/* ---- BIP 341 / 342 --------------------------------------------------- */

/* The SigMsg goes to a hash, a byte buffer, or both. */
struct sink {
    struct sha256_ctx *h;
    struct wbuf *w;
};

static void sink_put(struct sink *s, const void *p, size_t n)
{
    if (s->h)
        sha256_write(s->h, p, n);
    if (s->w)
        wbuf_put(s->w, p, n);
}

static void sink_u8(struct sink *s, uint8_t v)
{
    sink_put(s, &v, 1);
}

static void sink_u32(struct sink *s, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    sink_put(s, b, 4);
}

static void sink_u64(struct sink *s, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    sink_put(s, b, 8);
}

static void sink_var_bytes(struct sink *s, const uint8_t *p, size_t n)
{
    uint8_t b[9];
    size_t k;
    if (n < 0xfd) {
        b[0] = (uint8_t)n;
        k = 1;
    } else if (n <= 0xffff) {
        b[0] = 0xfd;
        b[1] = (uint8_t)n;
        b[2] = (uint8_t)(n >> 8);
        k = 3;
    } else {
        /* Scripts never reach 2^32 bytes: the wire format caps them far lower. */
        b[0] = 0xfe;
        for (int i = 0; i < 4; i++)
            b[1 + i] = (uint8_t)((uint64_t)n >> (8 * i));
        k = 5;
    }
    sink_put(s, b, k);
    sink_put(s, p, n);
}

/* Checks everything that can make a taproot hash impossible, before a byte is written. */
static bool taproot_hashable(const struct tx *tx, size_t in_index, uint8_t hash_type, enum sig_version sigversion,
                             const struct script_exec_data *execdata, const struct tx_precomputed *pre)
{
    if (sigversion != SIGVERSION_TAPROOT && sigversion != SIGVERSION_TAPSCRIPT)
        return false;
    if (in_index >= tx->vin_count || !pre->taproot_ready || pre->spent_count != tx->vin_count)
        return false;
    if (!(hash_type <= 0x03 || (hash_type >= 0x81 && hash_type <= 0x83)))
        return false;
    const uint8_t output_type = hash_type == SIGHASH_DEFAULT ? SIGHASH_ALL : (hash_type & SIGHASH_OUTPUT_MASK);
    if (output_type == SIGHASH_SINGLE && in_index >= tx->vout_count)
        return false;
    /* The interpreter must have said whether there is an annex (and, for
     * tapscript, which leaf and code separator); hashing without that would
     * silently sign something else. */
    if (!execdata || !execdata->annex_init)
        return false;
    if (sigversion == SIGVERSION_TAPSCRIPT && (!execdata->tapleaf_hash_init || !execdata->codeseparator_pos_init))
        return false;
    return true;
}

static void taproot_msg(struct sink *s, const struct tx *tx, size_t in_index, uint8_t hash_type,
                        enum sig_version sigversion, const struct script_exec_data *execdata,
                        const struct tx_precomputed *pre)
{
    const uint8_t ext_flag = sigversion == SIGVERSION_TAPSCRIPT ? 1 : 0;
    const uint8_t output_type = hash_type == SIGHASH_DEFAULT ? SIGHASH_ALL : (hash_type & SIGHASH_OUTPUT_MASK);
    const bool anyone_can_pay = (hash_type & SIGHASH_INPUT_MASK) == SIGHASH_ANYONECANPAY;

    sink_u8(s, hash_type);
    sink_u32(s, (uint32_t)tx->version);
    sink_u32(s, tx->locktime);
    if (!anyone_can_pay) {
        sink_put(s, pre->sha_prevouts, 32);
        sink_put(s, pre->sha_amounts, 32);
        sink_put(s, pre->sha_scriptpubkeys, 32);
        sink_put(s, pre->sha_sequences, 32);
    }
    if (output_type == SIGHASH_ALL)
        sink_put(s, pre->sha_outputs, 32);

    const bool have_annex = execdata->annex_present;
    sink_u8(s, (uint8_t)((ext_flag << 1) | (have_annex ? 1 : 0)));
    if (anyone_can_pay) {
        const struct txin *in = &tx->vin[in_index];
        const struct txout *spent = &pre->spent[in_index];
        sink_put(s, in->prevout.txid.b, 32);
        sink_u32(s, in->prevout.n);
        sink_u64(s, (uint64_t)spent->value);
        sink_var_bytes(s, spent->script_pubkey.data, spent->script_pubkey.len);
        sink_u32(s, in->sequence);
    } else {
        sink_u32(s, (uint32_t)in_index);
    }
    if (have_annex)
        sink_put(s, execdata->annex_hash, 32);

    if (output_type == SIGHASH_SINGLE) {
        uint8_t single_output[32];
        struct sha256_ctx o;
        sha256_init(&o);
        put_txout(&o, &tx->vout[in_index]);
        sha256_finalize(&o, single_output);
        sink_put(s, single_output, 32);
    }

    if (sigversion == SIGVERSION_TAPSCRIPT) {
        sink_put(s, execdata->tapleaf_hash, 32);
        sink_u8(s, 0); /* key_version: 32-byte x-only keys */
        sink_u32(s, execdata->codeseparator_pos);
    }
}

bool sighash_taproot_msg(struct wbuf *msg, const struct tx *tx, size_t in_index, uint8_t hash_type,
                         enum sig_version sigversion, const struct script_exec_data *execdata,
                         const struct tx_precomputed *pre)
{
    if (!taproot_hashable(tx, in_index, hash_type, sigversion, execdata, pre))
        return false;
    struct sink s = { NULL, msg };
    sink_u8(&s, 0); /* epoch */
    taproot_msg(&s, tx, in_index, hash_type, sigversion, execdata, pre);
    return true;
}

bool sighash_taproot(uint8_t out[32], const struct tx *tx, size_t in_index, uint8_t hash_type,
                     enum sig_version sigversion, const struct script_exec_data *execdata,
                     const struct tx_precomputed *pre)
{
    if (!taproot_hashable(tx, in_index, hash_type, sigversion, execdata, pre))
        return false;
    struct sha256_ctx h;
    sha256_tagged_init(&h, "TapSighash");
    struct sink s = { &h, NULL };
    sink_u8(&s, 0); /* epoch */
    taproot_msg(&s, tx, in_index, hash_type, sigversion, execdata, pre);
    sha256_finalize(&h, out);
    return true;
}

void sighash_tapleaf_hash(uint8_t out[32], uint8_t leaf_version, const uint8_t *script, size_t len)
{
    struct sha256_ctx h;
    sha256_tagged_init(&h, "TapLeaf");
    put_u8(&h, leaf_version);
    put_var_bytes(&h, script, len);
    sha256_finalize(&h, out);
}

/* ---- the checker ----------------------------------------------------- */

static bool check_ecdsa(void *ctx, const uint8_t *sig, size_t sig_len, const uint8_t *pubkey, size_t pubkey_len,
                        const uint8_t *script_code, size_t script_code_len, enum sig_version sigversion)
{
    struct tx_sig_checker *tc = ctx;
    /* The hash type is the byte tacked on after the DER signature. */
    if (sig_len == 0 || tc->in_index >= tc->tx->vin_count)
        return false;
    int32_t hash_type = sig[sig_len - 1];
    uint8_t hash[32];
    if (sigversion == SIGVERSION_BASE) {
        size_t prefix_len = 0;
        if (tc->tokens) {
            struct token_prefix prefix;
            if (token_prefix_parse(&prefix, &prefix_len, script_code, script_code_len) != TOKEN_PREFIX_OK)
                prefix_len = 0;
        }
        sighash_legacy_cached(&tc->legacy, hash, tc->tx, tc->in_index, script_code, script_code_len, prefix_len,
                              hash_type);
    } else if (sigversion == SIGVERSION_WITNESS_V0) {
        sighash_witness_v0(hash, tc->tx, tc->in_index, script_code, script_code_len, tc->amount, hash_type, tc->pre);
    } else {
        return false;
    }
    return keys_ecdsa_verify(sig, sig_len - 1, hash, pubkey, pubkey_len);
}

static bool fail(enum script_error *err, enum script_error e)
{
    if (err)
        *err = e;
    return false;
}

/* Bitcoin Core's CheckSchnorrSignature: 64 bytes means SIGHASH_DEFAULT, 65
 * bytes carry an explicit type which may not be 0x00 (BIP 341). */
static bool check_schnorr(void *ctx, const uint8_t *sig, size_t sig_len, const uint8_t pubkey[32],
                          enum sig_version sigversion, const struct script_exec_data *execdata, enum script_error *err)
{
    const struct tx_sig_checker *tc = ctx;
    if (sig_len != 64 && sig_len != 65)
        return fail(err, SCRIPT_ERR_SCHNORR_SIG_SIZE);
    uint8_t hash_type = SIGHASH_DEFAULT;
    if (sig_len == 65) {
        hash_type = sig[64];
        if (hash_type == SIGHASH_DEFAULT)
            return fail(err, SCRIPT_ERR_SCHNORR_SIG_HASHTYPE);
    }
    uint8_t hash[32];
    if (!sighash_taproot(hash, tc->tx, tc->in_index, hash_type, sigversion, execdata, tc->pre))
        return fail(err, SCRIPT_ERR_SCHNORR_SIG_HASHTYPE);
    if (!keys_schnorr_verify(sig, hash, pubkey))
        return fail(err, SCRIPT_ERR_SCHNORR_SIG);
    return true;
}

/* BIP 65: compare like with like (heights with heights, times with times),
 * and refuse an input whose sequence would disable nLockTime. */
static bool check_locktime(void *ctx, int64_t locktime)
{
    const struct tx_sig_checker *tc = ctx;
    if (tc->in_index >= tc->tx->vin_count)
        return false;
    const int64_t tx_locktime = tc->tx->locktime;
    if (!((tx_locktime < LOCKTIME_THRESHOLD && locktime < LOCKTIME_THRESHOLD) ||
          (tx_locktime >= LOCKTIME_THRESHOLD && locktime >= LOCKTIME_THRESHOLD)))
        return false;
    if (locktime > tx_locktime)
        return false;
    if (tc->tx->vin[tc->in_index].sequence == SEQUENCE_FINAL)
        return false;
    return true;
}

/* BIP 112: relative lock against this input's BIP 68 sequence. */
static bool check_sequence(void *ctx, int64_t sequence)
{
    const struct tx_sig_checker *tc = ctx;
    if (tc->in_index >= tc->tx->vin_count)
        return false;
    const uint32_t tx_sequence = tc->tx->vin[tc->in_index].sequence;
    /* BIP 68 applies from version 2, the version compared as unsigned. */
    if ((uint32_t)tc->tx->version < 2)
        return false;
    /* A disabled relative lock on the input cannot satisfy a CSV. */
    if (tx_sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG)
        return false;
    const uint32_t mask = SEQUENCE_LOCKTIME_TYPE_FLAG | SEQUENCE_LOCKTIME_MASK;
    const int64_t tx_masked = tx_sequence & mask;
    const int64_t masked = sequence & (int64_t)mask;
    if (!((tx_masked < SEQUENCE_LOCKTIME_TYPE_FLAG && masked < SEQUENCE_LOCKTIME_TYPE_FLAG) ||
          (tx_masked >= SEQUENCE_LOCKTIME_TYPE_FLAG && masked >= SEQUENCE_LOCKTIME_TYPE_FLAG)))
        return false;
    return masked <= tx_masked;
}

void tx_sig_checker_init(struct tx_sig_checker *tc, struct sig_checker *checker, const struct tx *tx, size_t in_index,
                         int64_t amount, const struct tx_precomputed *pre, uint32_t flags)
{
    tc->tx = tx;
    tc->in_index = in_index;
    tc->amount = amount;
    tc->pre = pre;
    tc->tokens = (flags & SCRIPT_VERIFY_TOKENS) != 0;
    memset(&tc->legacy, 0, sizeof(tc->legacy));
    checker->ctx = tc;
    checker->check_ecdsa = check_ecdsa;
    checker->check_schnorr = check_schnorr;
    checker->check_locktime = check_locktime;
    checker->check_sequence = check_sequence;
}
