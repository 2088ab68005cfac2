/* Input signing (see tx_sign.h). The solver mirrors Core's SignStep: find
 * the template of the script being satisfied, produce its stack, recurse
 * into P2SH redeem scripts and witness scripts. */
#include "wallet/tx_sign.h"

#include <string.h>

#include "consensus/interpreter.h"
#include "consensus/script.h"
#include "consensus/sighash.h"
#include "consensus/token_prefix.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha256.h"
#include "wallet/key_io.h"
#include "wallet/script_type.h"
#include "src/util/alloc.h"

struct tx_signer_key {
    uint8_t sec[32];
    uint8_t pub[65];
    size_t pub_len;
    uint8_t hash160[20];
};

void tx_signer_init(struct tx_signer *s, bool tokens)
{
    memset(s, 0, sizeof(*s));
    s->tokens = tokens;
    s->flags = TX_SIGN_STANDARD_FLAGS | (tokens ? SCRIPT_VERIFY_TOKENS : 0);
}

void tx_signer_clear(struct tx_signer *s)
{
    if (s->keys)
        mem_wipe(s->keys, s->key_count * sizeof(*s->keys));
    mem_free(s->keys);
    for (size_t i = 0; i < s->script_count; i++)
        bytes_clear(&s->scripts[i]);
    mem_free(s->scripts);
    mem_free(s->origins);
    for (size_t i = 0; i < s->tap_count; i++) {
        for (size_t j = 0; j < s->taps[i].leaf_count; j++) {
            bytes_clear(&s->taps[i].leaves[j].script);
            bytes_clear(&s->taps[i].leaves[j].control);
        }
        mem_free(s->taps[i].leaves);
    }
    mem_free(s->taps);
    mem_free(s->tap_sigs);
    memset(s, 0, sizeof(*s));
}

bool tx_signer_add_key(struct tx_signer *s, const uint8_t seckey[32], bool compressed)
{
    struct tx_signer_key k;
    if (!keys_pubkey_create(k.pub, &k.pub_len, seckey, compressed))
        return false;
    memcpy(k.sec, seckey, 32);
    ripemd160_hash160(k.hash160, k.pub, k.pub_len);
    s->keys = mem_realloc(s->keys, (s->key_count + 1) * sizeof(*s->keys));
    s->keys[s->key_count++] = k;
    /* Core's key store implicitly knows each compressed key's P2WPKH
     * program, which is the redeem script of a P2SH-P2WPKH output. */
    if (compressed) {
        struct wbuf w;
        wbuf_init(&w);
        rpc_script_p2wpkh(&w, k.hash160);
        tx_signer_add_script(s, w.data, w.len);
        wbuf_clear(&w);
    }
    mem_wipe(&k, sizeof(k));
    return true;
}

void tx_signer_add_origin(struct tx_signer *s, const struct tx_signer_origin *o)
{
    for (size_t i = 0; i < s->origin_count; i++)
        if (s->origins[i].xonly == o->xonly && s->origins[i].pub_len == o->pub_len &&
            memcmp(s->origins[i].pub, o->pub, o->pub_len) == 0)
            return;
    s->origins = mem_realloc(s->origins, (s->origin_count + 1) * sizeof(*s->origins));
    s->origins[s->origin_count++] = *o;
}

struct tx_signer_tap *tx_signer_add_tap(struct tx_signer *s, const uint8_t internal[32], const uint8_t root[32])
{
    uint8_t out[32];
    int parity;
    if (!keys_taproot_output_create(out, &parity, internal, root))
        return NULL;
    for (size_t i = 0; i < s->tap_count; i++)
        if (!memcmp(s->taps[i].output, out, 32))
            return &s->taps[i];
    s->taps = mem_realloc(s->taps, (s->tap_count + 1) * sizeof(*s->taps));
    struct tx_signer_tap *t = &s->taps[s->tap_count++];
    memset(t, 0, sizeof(*t));
    memcpy(t->internal, internal, 32);
    memcpy(t->output, out, 32);
    memcpy(t->root, root, 32);
    t->parity = parity;
    return t;
}

void tx_signer_tap_add_leaf(struct tx_signer_tap *t, const uint8_t *script, size_t len, const uint8_t *path,
                            size_t path_len)
{
    for (size_t i = 0; i < t->leaf_count; i++)
        if (t->leaves[i].script.len == len && !memcmp(t->leaves[i].script.data, script, len))
            return; /* a tree may repeat a leaf; one control block is enough */
    t->leaves = mem_realloc(t->leaves, (t->leaf_count + 1) * sizeof(*t->leaves));
    struct tx_signer_leaf *l = &t->leaves[t->leaf_count++];
    memset(l, 0, sizeof(*l));
    bytes_set(&l->script, script, len);
    struct wbuf w;
    wbuf_init(&w);
    wbuf_u8(&w, (uint8_t)(0xc0 | t->parity));
    wbuf_put(&w, t->internal, 32);
    wbuf_put(&w, path, path_len);
    bytes_set(&l->control, w.data, w.len);
    wbuf_clear(&w);
}

bool tx_signer_add_leaf_control(struct tx_signer *s, const uint8_t *script, size_t len, uint8_t leaf_version,
                                const uint8_t *control, size_t control_len)
{
    if (leaf_version != 0xc0 || control_len < 33 || (control_len - 33) % 32 != 0 || (control_len - 33) / 32 > 128 ||
        (control[0] & 0xfe) != 0xc0)
        return false;
    /* fold the path into the root: each level hashes the smaller child first */
    uint8_t h[32];
    sighash_tapleaf_hash(h, 0xc0, script, len);
    for (size_t off = 33; off < control_len; off += 32) {
        const uint8_t *a = h, *b = control + off;
        if (memcmp(a, b, 32) > 0) {
            a = control + off;
            b = h;
        }
        struct sha256_ctx c;
        sha256_tagged_init(&c, "TapBranch");
        sha256_write(&c, a, 32);
        sha256_write(&c, b, 32);
        sha256_finalize(&c, h);
    }
    struct tx_signer_tap *t = tx_signer_add_tap(s, control + 1, h);
    if (!t || t->parity != (control[0] & 1))
        return false;
    tx_signer_tap_add_leaf(t, script, len, control + 33, control_len - 33);
    return true;
}

void tx_signer_add_tap_sig(struct tx_signer *s, const uint8_t xonly[32], const uint8_t leaf_hash[32],
                           const uint8_t *sig, size_t sig_len)
{
    if (sig_len != 64 && sig_len != 65)
        return;
    s->tap_sigs = mem_realloc(s->tap_sigs, (s->tap_sig_count + 1) * sizeof(*s->tap_sigs));
    struct tx_signer_tap_sig *t = &s->tap_sigs[s->tap_sig_count++];
    memcpy(t->xonly, xonly, 32);
    memcpy(t->leaf_hash, leaf_hash, 32);
    memcpy(t->sig, sig, sig_len);
    t->sig_len = sig_len;
}

void tx_signer_add_script(struct tx_signer *s, const uint8_t *p, size_t len)
{
    s->scripts = mem_realloc(s->scripts, (s->script_count + 1) * sizeof(*s->scripts));
    s->scripts[s->script_count].data = NULL;
    s->scripts[s->script_count].len = 0;
    bytes_set(&s->scripts[s->script_count], p, len);
    s->script_count++;
}

bool tx_sign_parse_sighash(int *out, const char *s)
{
    static const struct {
        const char *name;
        int value;
    } table[] = {
        {"DEFAULT", SIGHASH_DEFAULT},
        {"ALL", SIGHASH_ALL},
        {"ALL|ANYONECANPAY", SIGHASH_ALL | SIGHASH_ANYONECANPAY},
        {"NONE", SIGHASH_NONE},
        {"NONE|ANYONECANPAY", SIGHASH_NONE | SIGHASH_ANYONECANPAY},
        {"SINGLE", SIGHASH_SINGLE},
        {"SINGLE|ANYONECANPAY", SIGHASH_SINGLE | SIGHASH_ANYONECANPAY},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (!strcmp(s, table[i].name)) {
            *out = table[i].value;
            return true;
        }
    }
    *out = SIGHASH_ALL;
    return false;
}

static const struct tx_signer_key *key_by_pub(const struct tx_signer *s, const uint8_t *pub, size_t len)
{
    for (size_t i = 0; i < s->key_count; i++)
        if (s->keys[i].pub_len == len && !memcmp(s->keys[i].pub, pub, len))
            return &s->keys[i];
    return NULL;
}

static const struct tx_signer_key *key_by_hash(const struct tx_signer *s, const uint8_t h[20])
{
    for (size_t i = 0; i < s->key_count; i++)
        if (!memcmp(s->keys[i].hash160, h, 20))
            return &s->keys[i];
    return NULL;
}

static const struct bytes *script_by_hash160(const struct tx_signer *s, const uint8_t h[20])
{
    uint8_t x[20];
    for (size_t i = 0; i < s->script_count; i++) {
        ripemd160_hash160(x, s->scripts[i].data, s->scripts[i].len);
        if (!memcmp(x, h, 20))
            return &s->scripts[i];
    }
    return NULL;
}

static const struct bytes *script_by_sha256(const struct tx_signer *s, const uint8_t h[32])
{
    uint8_t x[32];
    for (size_t i = 0; i < s->script_count; i++) {
        sha256(x, s->scripts[i].data, s->scripts[i].len);
        if (!memcmp(x, h, 32))
            return &s->scripts[i];
    }
    return NULL;
}

/* A stack being built: items to push (scriptSig) or witness items. */
struct stack {
    struct bytes items[MAX_PUBKEYS_PER_MULTISIG + 3];
    size_t count;
};

static void stack_push(struct stack *st, const uint8_t *p, size_t len)
{
    if (st->count >= sizeof(st->items) / sizeof(st->items[0]))
        return;
    st->items[st->count].data = NULL;
    st->items[st->count].len = 0;
    bytes_set(&st->items[st->count], p, len);
    st->count++;
}

static void stack_clear(struct stack *st)
{
    for (size_t i = 0; i < st->count; i++)
        bytes_clear(&st->items[i]);
    st->count = 0;
}

/* What one signing step needs to hash. */
struct sign_ctx {
    const struct tx_signer *s;
    const struct tx *tx;
    size_t in;
    int64_t amount;
    int hash_type;
    const struct tx_precomputed *pre;
    const uint8_t *prefix; /* the spent output's extension prefix (TOKENS) */
    size_t prefix_len;
};

/* The sighash of code (the scriptCode without prefix) under sigversion. */
static void script_hash(uint8_t out[32], const struct sign_ctx *c, const uint8_t *code, size_t len,
                        enum sig_version sv, int hash_type)
{
    struct wbuf w;
    wbuf_init(&w);
    wbuf_put(&w, c->prefix, c->prefix_len);
    wbuf_put(&w, code, len);
    if (sv == SIGVERSION_BASE)
        sighash_legacy(out, c->tx, c->in, w.data, w.len, c->prefix_len, hash_type);
    else
        sighash_witness_v0(out, c->tx, c->in, w.data, w.len, c->amount, hash_type, c->pre);
    wbuf_clear(&w);
}

/* Signs with k; appends the DER signature plus hash-type byte to st. */
static bool sign_push(struct stack *st, const struct sign_ctx *c, const struct tx_signer_key *k, const uint8_t *code,
                      size_t len, enum sig_version sv)
{
    int ht = c->hash_type == SIGHASH_DEFAULT ? SIGHASH_ALL : c->hash_type;
    uint8_t hash[32], sig[73];
    size_t sig_len;
    script_hash(hash, c, code, len, sv, ht);
    if (!keys_ecdsa_sign(sig, &sig_len, hash, k->sec))
        return false;
    sig[sig_len++] = (uint8_t)ht;
    stack_push(st, sig, sig_len);
    return true;
}

/* An existing signature in `old` that is valid for pub over code, if any. */
static const struct bytes *existing_sig(const struct stack *old, const struct sign_ctx *c, const uint8_t *pub,
                                        size_t pub_len, const uint8_t *code, size_t len, enum sig_version sv)
{
    for (size_t i = 0; i < old->count; i++) {
        const struct bytes *b = &old->items[i];
        if (b->len < 9 || b->len > 73 || b->data[0] != 0x30)
            continue;
        uint8_t hash[32];
        script_hash(hash, c, code, len, sv, b->data[b->len - 1]);
        if (keys_ecdsa_verify(b->data, b->len - 1, hash, pub, pub_len))
            return b;
    }
    return NULL;
}

/* Builds the stack satisfying the non-P2SH, non-witness template `code`.
 * Returns true if fully solved (false leaves a partial stack in *st). */
static bool solve_inner(struct stack *st, const struct sign_ctx *c, const struct stack *old, const uint8_t *code,
                        size_t len, enum sig_version sv)
{
    const struct tx_signer *s = c->s;
    switch (script_type_solve(code, len)) {
    case SCRIPT_TYPE_PUBKEY: {
        const struct tx_signer_key *k = key_by_pub(s, code + 1, code[0]);
        return k && sign_push(st, c, k, code, len, sv);
    }
    case SCRIPT_TYPE_PUBKEYHASH: {
        const struct tx_signer_key *k = key_by_hash(s, code + 3);
        if (!k || !sign_push(st, c, k, code, len, sv))
            return false;
        stack_push(st, k->pub, k->pub_len);
        return true;
    }
    case SCRIPT_TYPE_MULTISIG: {
        /* OP_m <keys> OP_n CHECKMULTISIG: the dummy, then up to m signatures in key order. */
        int m = code[0] - OP_1 + 1;
        int have = 0;
        stack_push(st, NULL, 0);
        const uint8_t *pc = code + 1, *end = code + len;
        enum opcode op;
        const uint8_t *data;
        size_t data_len;
        while (have < m && script_get_op(&pc, end, &op, &data, &data_len)) {
            if (!data || (data_len != 33 && data_len != 65))
                continue;
            const struct bytes *prev = existing_sig(old, c, data, data_len, code, len, sv);
            if (prev) {
                stack_push(st, prev->data, prev->len);
                have++;
                continue;
            }
            const struct tx_signer_key *k = key_by_pub(s, data, data_len);
            if (k && sign_push(st, c, k, code, len, sv))
                have++;
        }
        return have == m;
    }
    default:
        return false;
    }
}

/* Reads the pushes of a scriptSig into st (for carrying partial signatures). */
static void stack_from_script(struct stack *st, const uint8_t *p, size_t len)
{
    const uint8_t *pc = p, *end = p + len;
    enum opcode op;
    const uint8_t *data;
    size_t data_len;
    while (script_get_op(&pc, end, &op, &data, &data_len))
        if (data)
            stack_push(st, data, data_len);
}

static void set_script_sig(struct txin *in, const struct stack *st)
{
    struct wbuf w;
    wbuf_init(&w);
    for (size_t i = 0; i < st->count; i++)
        script_push_data(&w, st->items[i].data, st->items[i].len);
    bytes_clear(&in->script_sig);
    bytes_set(&in->script_sig, w.data, w.len);
    wbuf_clear(&w);
}

static void set_witness(struct txin *in, const struct stack *st)
{
    for (size_t i = 0; i < in->witness.count; i++)
        bytes_clear(&in->witness.items[i]);
    mem_free(in->witness.items);
    in->witness.items = NULL;
    in->witness.count = 0;
    for (size_t i = 0; i < st->count; i++)
        txin_witness_push(in, st->items[i].data, st->items[i].len);
}

/* Solves a witness program (v0 key hash or script hash) into *wit. */
static void solve_witness(struct stack *wit, const struct sign_ctx *c, const struct stack *old, int version,
                          const uint8_t *prog, size_t prog_len)
{
    if (version != 0)
        return;
    if (prog_len == 20) {
        const struct tx_signer_key *k = key_by_hash(c->s, prog);
        if (!k || k->pub_len != 33)
            return; /* segwit needs a compressed key */
        uint8_t code[25] = {OP_DUP, OP_HASH160, 20};
        memcpy(code + 3, prog, 20);
        code[23] = OP_EQUALVERIFY;
        code[24] = OP_CHECKSIG;
        if (sign_push(wit, c, k, code, sizeof(code), SIGVERSION_WITNESS_V0))
            stack_push(wit, k->pub, k->pub_len);
        return;
    }
    if (prog_len == 32) {
        const struct bytes *ws = script_by_sha256(c->s, prog);
        if (!ws)
            return;
        solve_inner(wit, c, old, ws->data, ws->len, SIGVERSION_WITNESS_V0);
        stack_push(wit, ws->data, ws->len);
    }
}

static const struct tx_signer_key *key_by_xonly(const struct tx_signer *s, const uint8_t x[32])
{
    for (size_t i = 0; i < s->key_count; i++)
        if (s->keys[i].pub_len == 33 && !memcmp(s->keys[i].pub + 1, x, 32))
            return &s->keys[i];
    return NULL;
}

/* BIP 341/342 signature hash: key path when leaf_hash is NULL, else the
 * tapscript of that leaf (no OP_CODESEPARATOR executed: the wallet's
 * leaves have none). */
static bool tap_hash(uint8_t out[32], const struct sign_ctx *c, const uint8_t *leaf_hash, uint8_t hash_type)
{
    struct script_exec_data ed;
    memset(&ed, 0, sizeof(ed));
    ed.annex_init = true;
    if (leaf_hash) {
        ed.tapleaf_hash_init = true;
        memcpy(ed.tapleaf_hash, leaf_hash, 32);
        ed.codeseparator_pos_init = true;
        ed.codeseparator_pos = 0xffffffffu;
    }
    return sighash_taproot(out, c->tx, c->in, hash_type, leaf_hash ? SIGVERSION_TAPSCRIPT : SIGVERSION_TAPROOT, &ed,
                           c->pre);
}

/* A Schnorr signature (64 bytes, 65 with a non-default hash type) by k over
 * the key path (tweaked with root; root NULL for a key-only output) or a leaf. */
static bool schnorr_sig(uint8_t sig[65], size_t *sig_len, const struct sign_ctx *c, const struct tx_signer_key *k,
                        const uint8_t *leaf_hash, const uint8_t *root)
{
    uint8_t hash[32];
    if (!tap_hash(hash, c, leaf_hash, (uint8_t)c->hash_type))
        return false;
    bool ok = leaf_hash ? keys_schnorr_sign(sig, hash, k->sec, NULL)
                        : keys_schnorr_sign_tweaked(sig, hash, k->sec, root, NULL);
    if (!ok)
        return false;
    *sig_len = 64;
    if (c->hash_type != SIGHASH_DEFAULT)
        sig[(*sig_len)++] = (uint8_t)c->hash_type;
    return true;
}

static bool schnorr_sig_valid(const struct sign_ctx *c, const struct bytes *b, const uint8_t *leaf_hash,
                              const uint8_t x[32])
{
    if (b->len != 64 && b->len != 65)
        return false;
    uint8_t ht = b->len == 65 ? b->data[64] : SIGHASH_DEFAULT;
    uint8_t hash[32];
    return (b->len == 64 || ht != SIGHASH_DEFAULT) && tap_hash(hash, c, leaf_hash, ht) &&
           keys_schnorr_verify(b->data, hash, x);
}

/* The keys and threshold of a wallet leaf: pk(K) is <K> CHECKSIG (k = 1),
 * multi_a is <K1> CHECKSIG <K2> CHECKSIGADD ... <k> NUMEQUAL (BIP 387).
 * Out: *keys (mem_free), *n, *k. Returns false for any other script. */
static bool leaf_template(const uint8_t *p, size_t len, const uint8_t (**keys)[32], size_t *n, int64_t *k)
{
    const uint8_t *pc = p, *end = p + len;
    enum opcode op;
    const uint8_t *data;
    size_t data_len;
    uint8_t(*x)[32] = NULL;
    size_t count = 0;
    *keys = NULL;
    while (pc < end) {
        if (!script_get_op(&pc, end, &op, &data, &data_len))
            goto bad;
        if (data && data_len == 32) {
            enum opcode next;
            const uint8_t *d2;
            size_t l2;
            if (!script_get_op(&pc, end, &next, &d2, &l2) || next != (count == 0 ? OP_CHECKSIG : OP_CHECKSIGADD))
                goto bad;
            x = mem_realloc(x, (count + 1) * 32);
            memcpy(x[count++], data, 32);
            continue;
        }
        if (count == 0)
            goto bad;
        /* the threshold, then NUMEQUAL ending the script */
        int64_t t = 0;
        if (op >= OP_1 && op <= OP_16)
            t = op - OP_1 + 1;
        else if (data && data_len >= 1 && data_len <= 2 && (data[data_len - 1] & 0x80) == 0)
            for (size_t i = data_len; i-- > 0;)
                t = (t << 8) | data[i];
        else
            goto bad;
        if (!script_get_op(&pc, end, &op, &data, &data_len) || op != OP_NUMEQUAL || pc != end || t < 1 ||
            (size_t)t > count)
            goto bad;
        *keys = (const uint8_t(*)[32])x;
        *n = count;
        *k = t;
        return true;
    }
    if (count == 1) { /* pk(): the script ended after <K> CHECKSIG */
        *keys = (const uint8_t(*)[32])x;
        *n = 1;
        *k = 1;
        return true;
    }
bad:
    mem_free(x);
    return false;
}

/* A script-path witness for one leaf. */
struct leaf_wit {
    struct bytes *items; /* signature slots (n), then script and control block */
    size_t count;
    size_t sigs;         /* signatures present */
    bool complete;
};

static void leaf_wit_clear(struct leaf_wit *w)
{
    for (size_t i = 0; i < w->count; i++)
        bytes_clear(&w->items[i]);
    mem_free(w->items);
    memset(w, 0, sizeof(*w));
}

/* Fills the signature slots of a leaf: signatures already in the input's
 * witness for this leaf are kept; held keys sign until k are present.
 * multi_a checks key 1 first, so its signature is on top: slot i of the
 * witness holds the signature of key n-i. */
static void solve_leaf(struct leaf_wit *w, const struct sign_ctx *c, const struct stack *old,
                       const struct tx_signer_leaf *leaf)
{
    memset(w, 0, sizeof(*w));
    const uint8_t(*keys)[32];
    size_t n;
    int64_t k;
    if (!leaf_template(leaf->script.data, leaf->script.len, &keys, &n, &k))
        return;
    uint8_t lh[32];
    sighash_tapleaf_hash(lh, 0xc0, leaf->script.data, leaf->script.len);
    bool same = old->count == n + 2 && old->items[n].len == leaf->script.len &&
                !memcmp(old->items[n].data, leaf->script.data, leaf->script.len);
    w->count = n + 2;
    w->items = mem_calloc(w->count, sizeof(*w->items));
    for (size_t i = 0; i < n && (int64_t)w->sigs < k; i++) {
        struct bytes *slot = &w->items[n - 1 - i];
        if (same && schnorr_sig_valid(c, &old->items[n - 1 - i], lh, keys[i])) {
            bytes_set(slot, old->items[n - 1 - i].data, old->items[n - 1 - i].len);
            w->sigs++;
            continue;
        }
        bool found = false;
        for (size_t j = 0; j < c->s->tap_sig_count && !found; j++) {
            const struct tx_signer_tap_sig *ts = &c->s->tap_sigs[j];
            struct bytes b = {.data = (uint8_t *)ts->sig, .len = ts->sig_len};
            if (!memcmp(ts->xonly, keys[i], 32) && !memcmp(ts->leaf_hash, lh, 32) &&
                schnorr_sig_valid(c, &b, lh, keys[i])) {
                bytes_set(slot, ts->sig, ts->sig_len);
                found = true;
            }
        }
        if (found) {
            w->sigs++;
            continue;
        }
        const struct tx_signer_key *key = key_by_xonly(c->s, keys[i]);
        uint8_t sig[65];
        size_t sig_len;
        if (key && schnorr_sig(sig, &sig_len, c, key, lh, NULL)) {
            bytes_set(slot, sig, sig_len);
            w->sigs++;
        }
    }
    bytes_set(&w->items[n], leaf->script.data, leaf->script.len);
    bytes_set(&w->items[n + 1], leaf->control.data, leaf->control.len);
    w->complete = (int64_t)w->sigs == k;
    mem_free((void *)keys);
}

static void set_witness_items(struct txin *in, const struct bytes *items, size_t count)
{
    for (size_t i = 0; i < in->witness.count; i++)
        bytes_clear(&in->witness.items[i]);
    mem_free(in->witness.items);
    in->witness.items = NULL;
    in->witness.count = 0;
    for (size_t i = 0; i < count; i++)
        txin_witness_push(in, items[i].data, items[i].len);
    bytes_clear(&in->script_sig);
}

static bool sign_key_path(struct txin *in, const struct sign_ctx *c, const struct tx_signer_key *k,
                          const uint8_t *root)
{
    uint8_t sig[65];
    size_t sig_len;
    if (!schnorr_sig(sig, &sig_len, c, k, NULL, root))
        return false;
    struct bytes b = {.data = sig, .len = sig_len};
    set_witness_items(in, &b, 1);
    return true;
}

/* Key path when the internal key's secret is held (Core prefers it: the
 * smallest witness); else the leaf that completes, or failing that the leaf
 * with the most signatures (a partial spend other signers finish). */
static bool sign_taproot(struct txin *in, const struct sign_ctx *c, const struct stack *old, const uint8_t *xonly)
{
    for (size_t i = 0; i < c->s->key_count; i++) {
        const struct tx_signer_key *k = &c->s->keys[i];
        uint8_t internal[32], out[32];
        if (keys_xonly_create(internal, k->sec) && keys_taproot_output_create(out, NULL, internal, NULL) &&
            memcmp(out, xonly, 32) == 0)
            return sign_key_path(in, c, k, NULL);
    }
    for (size_t t = 0; t < c->s->tap_count; t++) {
        const struct tx_signer_tap *tap = &c->s->taps[t];
        if (memcmp(tap->output, xonly, 32) != 0)
            continue;
        const struct tx_signer_key *k = key_by_xonly(c->s, tap->internal);
        if (k)
            return sign_key_path(in, c, k, tap->root);
        struct leaf_wit best = {.items = NULL};
        for (size_t l = 0; l < tap->leaf_count && !best.complete; l++) {
            struct leaf_wit w;
            solve_leaf(&w, c, old, &tap->leaves[l]);
            if (w.complete || w.sigs > best.sigs) {
                leaf_wit_clear(&best);
                best = w;
            } else {
                leaf_wit_clear(&w);
            }
        }
        bool done = best.complete;
        if (best.sigs)
            set_witness_items(in, best.items, best.count);
        leaf_wit_clear(&best);
        return done;
    }
    return false;
}

static const char *verify_error(enum script_error e)
{
    if (e == SCRIPT_ERR_INVALID_STACK_OPERATION)
        return "Unable to sign input, invalid stack size (possibly missing key)";
    if (e == SCRIPT_ERR_SIG_NULLFAIL)
        return "CHECK(MULTI)SIG failing with non-zero signature (possibly need more signatures)";
    return script_error_string(e);
}

const char *tx_sign_input(const struct tx_signer *s, struct tx *tx, size_t i, const struct txout *spent,
                          const bool *have, bool amount_known, int hash_type)
{
    bool all = true;
    for (size_t j = 0; j < tx->vin_count; j++)
        all = all && have[j];
    /* taproot hashing needs every spent output; the array is only read */
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, tx, all ? spent : NULL, all ? tx->vin_count : 0);

    const struct txout *prev = &spent[i];
    struct txin *in = &tx->vin[i];
    struct sign_ctx c = {s, tx, i, prev->value, hash_type, &pre, NULL, 0};
    const uint8_t *spk = bytes_or_empty(prev->script_pubkey.data);
    size_t spk_len = prev->script_pubkey.len;
    if (s->tokens) {
        struct token_prefix tp;
        size_t plen;
        if (token_prefix_parse(&tp, &plen, spk, spk_len) == TOKEN_PREFIX_OK) {
            c.prefix = spk;
            c.prefix_len = plen;
        }
    }
    const uint8_t *lock = spk + c.prefix_len;
    size_t lock_len = spk_len - c.prefix_len;

    /* Core signs SIGHASH_SINGLE only when the input has a matching output. */
    bool sign = (hash_type & 0x1f) != SIGHASH_SINGLE || i < tx->vout_count;
    struct stack old = {.count = 0}, sig = {.count = 0}, wit = {.count = 0};
    stack_from_script(&old, bytes_or_empty(in->script_sig.data), in->script_sig.len);
    for (size_t j = 0; j < in->witness.count; j++)
        stack_push(&old, in->witness.items[j].data, in->witness.items[j].len);

    int version;
    const uint8_t *prog;
    size_t prog_len;
    if (!sign) {
        /* leave the input as it is */
    } else if (script_is_witness_program(lock, lock_len, &version, &prog, &prog_len)) {
        if (version == 1 && prog_len == 32) {
            if (all)
                sign_taproot(in, &c, &old, prog);
        } else {
            solve_witness(&wit, &c, &old, version, prog, prog_len);
            if (wit.count) {
                set_witness(in, &wit);
                bytes_clear(&in->script_sig);
            }
        }
    } else if (script_is_p2sh(lock, lock_len)) {
        const struct bytes *redeem = script_by_hash160(s, lock + 2);
        if (redeem) {
            if (script_is_witness_program(redeem->data, redeem->len, &version, &prog, &prog_len)) {
                solve_witness(&wit, &c, &old, version, prog, prog_len);
                if (wit.count)
                    set_witness(in, &wit);
            } else {
                solve_inner(&sig, &c, &old, redeem->data, redeem->len, SIGVERSION_BASE);
            }
            stack_push(&sig, redeem->data, redeem->len);
            set_script_sig(in, &sig);
        }
    } else {
        solve_inner(&sig, &c, &old, lock, lock_len, SIGVERSION_BASE);
        if (sig.count)
            set_script_sig(in, &sig);
    }
    stack_clear(&old);
    stack_clear(&sig);
    stack_clear(&wit);

    if (!amount_known && in->witness.count)
        return "Missing amount";
    struct tx_sig_checker tc;
    struct sig_checker checker;
    tx_sig_checker_init(&tc, &checker, tx, i, prev->value, &pre, s->flags);
    enum script_error e = SCRIPT_ERR_OK;
    if (script_verify(bytes_or_empty(in->script_sig.data), in->script_sig.len, spk, spk_len, &in->witness, s->flags,
                      &checker, &e))
        return NULL;
    return verify_error(e);
}

/* ---- signatures held by an input (PSBT partial signatures) ------------- */

void tx_sign_input_sigs(const struct tx *tx, size_t i, const struct txout *spent, const bool *have, bool tokens,
                        tx_sign_sig_fn fn, void *arg)
{
    bool all = true;
    for (size_t j = 0; j < tx->vin_count; j++)
        all = all && have[j];
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, tx, all ? spent : NULL, all ? tx->vin_count : 0);
    const struct txout *prev = &spent[i];
    const struct txin *in = &tx->vin[i];
    struct sign_ctx c = {NULL, tx, i, prev->value, SIGHASH_ALL, &pre, NULL, 0};
    const uint8_t *spk = bytes_or_empty(prev->script_pubkey.data);
    size_t spk_len = prev->script_pubkey.len;
    if (tokens) {
        struct token_prefix tp;
        size_t plen;
        if (token_prefix_parse(&tp, &plen, spk, spk_len) == TOKEN_PREFIX_OK) {
            c.prefix = spk;
            c.prefix_len = plen;
        }
    }
    const uint8_t *lock = spk + c.prefix_len;
    size_t lock_len = spk_len - c.prefix_len;

    struct stack st = {.count = 0};
    stack_from_script(&st, bytes_or_empty(in->script_sig.data), in->script_sig.len);
    size_t sig_items = st.count;
    for (size_t j = 0; j < in->witness.count; j++)
        stack_push(&st, in->witness.items[j].data, in->witness.items[j].len);

    /* the script the signatures commit to */
    const uint8_t *code = lock;
    size_t code_len = lock_len;
    enum sig_version sv = SIGVERSION_BASE;
    uint8_t pkh[25] = {OP_DUP, OP_HASH160, 20};
    pkh[23] = OP_EQUALVERIFY;
    pkh[24] = OP_CHECKSIG;
    int version;
    const uint8_t *prog;
    size_t prog_len;
    if (script_is_p2sh(lock, lock_len)) {
        if (sig_items == 0)
            goto out;
        code = st.items[sig_items - 1].data;
        code_len = st.items[sig_items - 1].len;
    }
    if (script_is_witness_program(code, code_len, &version, &prog, &prog_len)) {
        if (version != 0)
            goto out;
        sv = SIGVERSION_WITNESS_V0;
        if (prog_len == 20) {
            memcpy(pkh + 3, prog, 20);
            code = pkh;
            code_len = sizeof(pkh);
        } else if (prog_len == 32 && in->witness.count > 0) {
            code = in->witness.items[in->witness.count - 1].data;
            code_len = in->witness.items[in->witness.count - 1].len;
        } else {
            goto out;
        }
    }
    /* candidate keys: those in the script, and those pushed beside the signatures */
    const uint8_t *pc = code, *end = code + code_len;
    enum opcode op;
    const uint8_t *data;
    size_t data_len;
    while (script_get_op(&pc, end, &op, &data, &data_len)) {
        if (!data || (data_len != 33 && data_len != 65))
            continue;
        const struct bytes *sig = existing_sig(&st, &c, data, data_len, code, code_len, sv);
        if (sig)
            fn(arg, data, data_len, sig->data, sig->len);
    }
    for (size_t j = 0; j < st.count; j++) {
        if (st.items[j].len != 33 && st.items[j].len != 65)
            continue;
        const struct bytes *sig = existing_sig(&st, &c, st.items[j].data, st.items[j].len, code, code_len, sv);
        if (sig)
            fn(arg, st.items[j].data, st.items[j].len, sig->data, sig->len);
    }
out:
    stack_clear(&st);
}

bool tx_signer_find_key(const struct tx_signer *s, uint8_t seckey[32], bool *compressed, const uint8_t hash160[20])
{
    for (size_t i = 0; i < s->key_count; i++)
        if (!memcmp(s->keys[i].hash160, hash160, 20)) {
            memcpy(seckey, s->keys[i].sec, 32);
            *compressed = s->keys[i].pub_len == 33;
            return true;
        }
    return false;
}

bool tx_sign_tap_witness_sigs(const struct txin *in, tx_sign_tap_sig_fn fn, void *arg)
{
    size_t c = in->witness.count;
    if (c < 3)
        return false;
    const struct bytes *script = &in->witness.items[c - 2];
    const uint8_t(*keys)[32];
    size_t n;
    int64_t k;
    if (!leaf_template(bytes_or_empty(script->data), script->len, &keys, &n, &k))
        return false;
    if (c != n + 2) {
        mem_free((void *)keys);
        return false;
    }
    uint8_t lh[32];
    sighash_tapleaf_hash(lh, 0xc0, script->data, script->len);
    for (size_t i = 0; i < n; i++) {
        const struct bytes *b = &in->witness.items[n - 1 - i];
        if (b->len == 64 || b->len == 65)
            fn(arg, keys[i], lh, b->data, b->len);
    }
    mem_free((void *)keys);
    return true;
}

const struct tx_signer_tap *tx_signer_find_tap(const struct tx_signer *s, const uint8_t xonly[32])
{
    for (size_t i = 0; i < s->tap_count; i++)
        if (!memcmp(s->taps[i].output, xonly, 32))
            return &s->taps[i];
    return NULL;
}
