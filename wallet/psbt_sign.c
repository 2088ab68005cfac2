/* PSBT signer, finalizer and extractor (see psbt_sign.h). */
#include "wallet/psbt_sign.h"

#include <stdio.h>
#include <string.h>

#include "consensus/script.h"
#include "consensus/sighash.h"
#include "consensus/token_prefix.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/rbuf.h"
#include "wallet/psbt_v2.h"
#include "wallet/tx_sign.h"

/* Fills spent[]/have[] from the PSBT's UTXO fields (txout_clear each after). */
static void load_utxos(const struct psbt *p, struct txout *spent, bool *have)
{
    for (size_t i = 0; i < p->tx.vin_count; i++)
        have[i] = psbt_input_utxo(p, i, &spent[i]);
}

/* TAP_LEAF_SCRIPT: control block -> script || leaf version (0xc0). */
static void add_leaf_script(struct psbt_map *m, const uint8_t *script, size_t len, const uint8_t *control,
                            size_t control_len)
{
    struct wbuf key, val;
    wbuf_init(&key);
    wbuf_init(&val);
    wbuf_u8(&key, PSBT_IN_TAP_LEAF_SCRIPT);
    wbuf_put(&key, control, control_len);
    wbuf_put(&val, script, len);
    wbuf_u8(&val, 0xc0);
    if (!psbt_map_get(m, key.data, key.len))
        psbt_map_set(m, key.data, key.len, val.data, val.len);
    wbuf_clear(&key);
    wbuf_clear(&val);
}

/* Sets the final fields of input i from a complete txin and drops its partial data. */
static void set_final(struct psbt *p, size_t i, const struct txin *in)
{
    struct psbt_map *m = &p->inputs[i];
    static const uint8_t partial[] = { PSBT_IN_PARTIAL_SIG,        PSBT_IN_SIGHASH,         PSBT_IN_REDEEM_SCRIPT,
                                       PSBT_IN_WITNESS_SCRIPT,     PSBT_IN_BIP32_DERIVATION, PSBT_IN_TAP_KEY_SIG,
                                       PSBT_IN_TAP_SCRIPT_SIG,     PSBT_IN_TAP_LEAF_SCRIPT,  PSBT_IN_TAP_BIP32_DERIVATION,
                                       PSBT_IN_TAP_INTERNAL_KEY,   PSBT_IN_TAP_MERKLE_ROOT };
    for (size_t k = 0; k < sizeof(partial); k++)
        psbt_map_remove_type(m, partial[k]);
    uint8_t t = PSBT_IN_SCRIPTSIG;
    if (in->script_sig.len)
        psbt_map_set(m, &t, 1, in->script_sig.data, in->script_sig.len);
    if (in->witness.count) {
        struct wbuf w;
        wbuf_init(&w);
        wbuf_compact(&w, in->witness.count);
        for (size_t k = 0; k < in->witness.count; k++)
            wbuf_var_bytes(&w, in->witness.items[k].data, in->witness.items[k].len);
        t = PSBT_IN_SCRIPTWITNESS;
        psbt_map_set(m, &t, 1, w.data, w.len);
        wbuf_clear(&w);
    }
}

/* Loads the final fields of input i into in (which must be empty). */
static void load_final(const struct psbt *p, size_t i, struct txin *in)
{
    const struct bytes *ss = psbt_map_get_type(&p->inputs[i], PSBT_IN_SCRIPTSIG);
    if (ss)
        bytes_set(&in->script_sig, ss->data, ss->len);
    const struct bytes *wv = psbt_map_get_type(&p->inputs[i], PSBT_IN_SCRIPTWITNESS);
    if (wv) {
        struct rbuf r = rbuf_make(wv->data, wv->len);
        uint64_t n, l;
        if (rbuf_compact(&r, &n, RBUF_MAX_COMPACT_SIZE))
            for (uint64_t k = 0; k < n; k++) {
                const uint8_t *d;
                if (!rbuf_compact(&r, &l, RBUF_MAX_COMPACT_SIZE))
                    break;
                if (l == 0) {
                    txin_witness_push(in, NULL, 0);
                    continue;
                }
                if (!(d = rbuf_take(&r, (size_t)l)))
                    break;
                txin_witness_push(in, d, (size_t)l);
            }
    }
}

static void clear_txin_sigs(struct txin *in)
{
    bytes_clear(&in->script_sig);
    for (size_t k = 0; k < in->witness.count; k++)
        bytes_clear(&in->witness.items[k]);
    mem_free(in->witness.items);
    in->witness.items = NULL;
    in->witness.count = 0;
}

static void add_partial(void *arg, const uint8_t *pub, size_t pub_len, const uint8_t *sig, size_t sig_len)
{
    struct psbt_map *m = arg;
    uint8_t key[66];
    key[0] = PSBT_IN_PARTIAL_SIG;
    memcpy(key + 1, pub, pub_len);
    if (!psbt_map_get(m, key, pub_len + 1))
        psbt_map_set(m, key, pub_len + 1, sig, sig_len);
}

/* The locking script of a spent output without its extension prefix. */
static void lock_of(const struct txout *o, bool tokens, const uint8_t **lock, size_t *lock_len)
{
    const uint8_t *spk = bytes_or_empty(o->script_pubkey.data);
    size_t len = o->script_pubkey.len, plen = 0;
    struct token_prefix tp;
    if (tokens && token_prefix_parse(&tp, &plen, spk, len) != TOKEN_PREFIX_OK)
        plen = 0;
    *lock = spk + plen;
    *lock_len = len - plen;
}

/* Puts the PSBT's partial signatures of input i into in, where the signer reads
 * signatures already made (witness for segwit spends, scriptSig otherwise). */
static void load_partials(const struct psbt *p, size_t i, struct txin *in, const struct txout *utxo, bool tokens)
{
    const struct psbt_map *m = &p->inputs[i];
    const uint8_t *lock;
    size_t lock_len;
    lock_of(utxo, tokens, &lock, &lock_len);
    int version;
    const uint8_t *prog;
    size_t prog_len;
    bool witness = script_is_witness_program(lock, lock_len, &version, &prog, &prog_len) ||
                   psbt_map_get_type(m, PSBT_IN_WITNESS_SCRIPT) != NULL;
    struct wbuf w;
    wbuf_init(&w);
    for (size_t k = 0; k < m->count; k++) {
        if (m->pairs[k].key.data[0] != PSBT_IN_PARTIAL_SIG)
            continue;
        if (witness)
            txin_witness_push(in, m->pairs[k].value.data, m->pairs[k].value.len);
        else
            script_push_data(&w, m->pairs[k].value.data, m->pairs[k].value.len);
    }
    if (w.len)
        bytes_set(&in->script_sig, w.data, w.len);
    wbuf_clear(&w);
}

/* BIP 371: the input's leaves (TAP_LEAF_SCRIPT: control block -> script
 * and leaf version) and tapscript signatures (TAP_SCRIPT_SIG: x-only key
 * and leaf hash -> signature) go to the signer, which builds a script-path
 * witness from them (the finalizer has nothing else). */
static void load_tap_fields(const struct psbt_map *m, struct tx_signer *s)
{
    for (size_t k = 0; k < m->count; k++) {
        const struct psbt_pair *pr = &m->pairs[k];
        if (pr->key.data[0] == PSBT_IN_TAP_LEAF_SCRIPT && pr->value.len >= 1)
            (void)tx_signer_add_leaf_control(s, pr->value.data, pr->value.len - 1,
                                             pr->value.data[pr->value.len - 1], pr->key.data + 1, pr->key.len - 1);
        else if (pr->key.data[0] == PSBT_IN_TAP_SCRIPT_SIG && pr->key.len == 65)
            tx_signer_add_tap_sig(s, pr->key.data + 1, pr->key.data + 33, pr->value.data, pr->value.len);
    }
}

static void add_tap_script_sig(void *arg, const uint8_t xonly[32], const uint8_t leaf_hash[32], const uint8_t *sig,
                               size_t sig_len)
{
    struct psbt_map *m = arg;
    uint8_t key[65];
    key[0] = PSBT_IN_TAP_SCRIPT_SIG;
    memcpy(key + 1, xonly, 32);
    memcpy(key + 33, leaf_hash, 32);
    if (!psbt_map_get(m, key, sizeof(key)))
        psbt_map_set(m, key, sizeof(key), sig, sig_len);
}

/* Records a script-path witness's signatures and its leaf (TAP_SCRIPT_SIG,
 * TAP_LEAF_SCRIPT), so another signer or the finalizer can continue. */
static void note_tap_script(struct psbt_map *m, const struct txin *in)
{
    if (!tx_sign_tap_witness_sigs(in, add_tap_script_sig, m))
        return;
    const struct bytes *script = &in->witness.items[in->witness.count - 2];
    const struct bytes *control = &in->witness.items[in->witness.count - 1];
    add_leaf_script(m, script->data, script->len, control->data, control->len);
}

/* Completes a single-key input (P2PKH, P2WPKH, P2SH-P2WPKH, P2TR key path)
 * from its partial data alone. Returns true if in is now complete. */
static bool finalize_single(const struct psbt *p, size_t i, struct txin *in, const struct txout *utxo, bool tokens)
{
    const struct psbt_map *m = &p->inputs[i];
    const uint8_t *lock;
    size_t lock_len;
    lock_of(utxo, tokens, &lock, &lock_len);
    int version;
    const uint8_t *prog;
    size_t prog_len;
    const struct bytes *redeem = psbt_map_get_type(m, PSBT_IN_REDEEM_SCRIPT);
    const uint8_t *hash = NULL;
    bool segwit = false, p2sh = false;
    if (script_is_witness_program(lock, lock_len, &version, &prog, &prog_len)) {
        if (version == 1 && prog_len == 32) {
            const struct bytes *ks = psbt_map_get_type(m, PSBT_IN_TAP_KEY_SIG);
            if (!ks)
                return false;
            clear_txin_sigs(in);
            txin_witness_push(in, ks->data, ks->len);
            return true;
        }
        if (version != 0 || prog_len != 20)
            return false;
        hash = prog;
        segwit = true;
    } else if (script_is_p2sh(lock, lock_len) && redeem &&
               script_is_witness_program(redeem->data, redeem->len, &version, &prog, &prog_len) && version == 0 &&
               prog_len == 20) {
        hash = prog;
        segwit = p2sh = true;
    } else if (lock_len == 25 && lock[0] == OP_DUP && lock[1] == OP_HASH160 && lock[2] == 20) {
        hash = lock + 3;
    } else {
        return false;
    }
    for (size_t k = 0; k < m->count; k++) {
        const struct psbt_pair *pr = &m->pairs[k];
        if (pr->key.data[0] != PSBT_IN_PARTIAL_SIG)
            continue;
        uint8_t h[20];
        ripemd160_hash160(h, pr->key.data + 1, pr->key.len - 1);
        if (memcmp(h, hash, 20) != 0)
            continue;
        clear_txin_sigs(in);
        if (segwit) {
            txin_witness_push(in, pr->value.data, pr->value.len);
            txin_witness_push(in, pr->key.data + 1, pr->key.len - 1);
            if (p2sh) {
                struct wbuf w;
                wbuf_init(&w);
                script_push_data(&w, redeem->data, redeem->len);
                bytes_set(&in->script_sig, w.data, w.len);
                wbuf_clear(&w);
            }
        } else {
            struct wbuf w;
            wbuf_init(&w);
            script_push_data(&w, pr->value.data, pr->value.len);
            script_push_data(&w, pr->key.data + 1, pr->key.len - 1);
            bytes_set(&in->script_sig, w.data, w.len);
            wbuf_clear(&w);
        }
        return true;
    }
    return false;
}

bool psbt_sign(struct psbt *p, struct tx_signer *s, int hash_type, bool finalize, bool *complete,
               bool hash_type_given, char *error, size_t error_cap)
{
    size_t n = p->tx.vin_count;
    *complete = true;
    for (size_t i = 0; i < n; i++) {
        const struct bytes *sh = psbt_map_get_type(&p->inputs[i], PSBT_IN_SIGHASH);
        if (sh && sh->len == 4 && hash_type_given) {
            int v = (int)((uint32_t)sh->data[0] | (uint32_t)sh->data[1] << 8 | (uint32_t)sh->data[2] << 16 |
                          (uint32_t)sh->data[3] << 24);
            int want = hash_type == SIGHASH_DEFAULT ? SIGHASH_ALL : hash_type;
            if (v != want && !(v == SIGHASH_DEFAULT && hash_type == SIGHASH_DEFAULT)) {
                snprintf(error, error_cap, "Specified sighash value does not match value stored in PSBT");
                return false;
            }
        }
        const struct bytes *rs = psbt_map_get_type(&p->inputs[i], PSBT_IN_REDEEM_SCRIPT);
        if (rs)
            tx_signer_add_script(s, rs->data, rs->len);
        const struct bytes *ws = psbt_map_get_type(&p->inputs[i], PSBT_IN_WITNESS_SCRIPT);
        if (ws)
            tx_signer_add_script(s, ws->data, ws->len);
        load_tap_fields(&p->inputs[i], s);
    }
    struct txout *spent = mem_calloc(n ? n : 1, sizeof(*spent));
    bool *have = mem_calloc(n ? n : 1, sizeof(bool));
    load_utxos(p, spent, have);
    struct tx t;
    tx_copy(&t, &p->tx);
    for (size_t i = 0; i < n; i++)
        if (psbt_input_is_final(p, i))
            load_final(p, i, &t.vin[i]);
    for (size_t i = 0; i < n; i++) {
        if (psbt_input_is_final(p, i))
            continue;
        if (!have[i]) {
            *complete = false;
            continue;
        }
        int ht = hash_type;
        const struct bytes *sh = psbt_map_get_type(&p->inputs[i], PSBT_IN_SIGHASH);
        if (sh && sh->len == 4)
            ht = (int)((uint32_t)sh->data[0] | (uint32_t)sh->data[1] << 8);
        load_partials(p, i, &t.vin[i], &spent[i], s->tokens);
        const char *why = tx_sign_input(s, &t, i, spent, have, true, ht);
        if (why && finalize && finalize_single(p, i, &t.vin[i], &spent[i], s->tokens))
            why = NULL;
        /* record what the input now holds */
        tx_sign_input_sigs(&t, i, spent, have, s->tokens, add_partial, &p->inputs[i]);
        const uint8_t *lock;
        size_t lock_len;
        lock_of(&spent[i], s->tokens, &lock, &lock_len);
        int version;
        const uint8_t *prog;
        size_t prog_len;
        bool taproot = script_is_witness_program(lock, lock_len, &version, &prog, &prog_len) && version == 1 &&
                       prog_len == 32;
        if (!why && taproot && t.vin[i].witness.count == 1 && !psbt_map_get_type(&p->inputs[i], PSBT_IN_TAP_KEY_SIG)) {
            uint8_t k = PSBT_IN_TAP_KEY_SIG;
            psbt_map_set(&p->inputs[i], &k, 1, t.vin[i].witness.items[0].data, t.vin[i].witness.items[0].len);
        }
        if (taproot)
            note_tap_script(&p->inputs[i], &t.vin[i]);
        psbt_v2_note_signatures(p, i); /* before finalizing drops the signatures */
        if (why)
            *complete = false;
        else if (finalize)
            set_final(p, i, &t.vin[i]);
        clear_txin_sigs(&t.vin[i]);
    }
    if (finalize)
        for (size_t i = 0; i < n; i++)
            if (!psbt_input_is_final(p, i))
                *complete = false;
    for (size_t i = 0; i < n; i++)
        if (have[i])
            txout_clear(&spent[i]);
    mem_free(spent);
    mem_free(have);
    tx_clear(&t);
    return true;
}

void psbt_finalize(struct psbt *p, bool tokens, bool *complete)
{
    struct tx_signer s;
    tx_signer_init(&s, tokens);
    char err[128];
    if (!psbt_sign(p, &s, SIGHASH_DEFAULT, true, complete, false, err, sizeof(err)))
        *complete = false;
    tx_signer_clear(&s);
}

bool psbt_extract(const struct psbt *p, struct tx *out)
{
    tx_init(out);
    for (size_t i = 0; i < p->tx.vin_count; i++)
        if (!psbt_input_is_final(p, i))
            return false;
    tx_clear(out);
    tx_copy(out, &p->tx);
    for (size_t i = 0; i < out->vin_count; i++)
        load_final(p, i, &out->vin[i]);
    tx_update_hashes(out);
    return true;
}

/* The redeem script of a P2SH output and the witness script of a P2WSH (or
 * P2SH-P2WSH) output, when s knows them (Core's UpdatePSBTOutput). */
static void update_output_scripts(struct psbt *p, size_t i, const struct tx_signer *s)
{
    struct psbt_map *m = &p->outputs[i];
    const uint8_t *lock;
    size_t lock_len;
    lock_of(&p->tx.vout[i], s->tokens, &lock, &lock_len);
    for (int pass = 0; pass < 2; pass++) {
        const struct bytes *rs = psbt_map_get_type(m, PSBT_OUT_REDEEM_SCRIPT);
        const uint8_t *prog = pass == 1 && rs ? rs->data : lock;
        size_t prog_len = pass == 1 && rs ? rs->len : lock_len;
        for (size_t k = 0; k < s->script_count; k++) {
            const struct bytes *sc = &s->scripts[k];
            uint8_t h32[32], h20[20], type = 0xff;
            if (pass == 0 && script_is_p2sh(prog, prog_len)) {
                ripemd160_hash160(h20, bytes_or_empty(sc->data), sc->len);
                if (!memcmp(prog + 2, h20, 20))
                    type = PSBT_OUT_REDEEM_SCRIPT;
            } else if (pass == 1 && prog_len == 34 && prog[0] == 0 && prog[1] == 32) {
                sha256(h32, bytes_or_empty(sc->data), sc->len);
                if (!memcmp(prog + 2, h32, 32))
                    type = PSBT_OUT_WITNESS_SCRIPT;
            }
            if (type != 0xff && !psbt_map_get_type(m, type))
                psbt_map_set(m, &type, 1, sc->data, sc->len);
        }
    }
}

/* BIP 371 for an input spending a tree the signer knows: TAP_INTERNAL_KEY,
 * TAP_MERKLE_ROOT and a TAP_LEAF_SCRIPT per leaf. */
static void add_tap_tree(struct psbt_map *m, const struct tx_signer *s, const uint8_t *lock, size_t lock_len)
{
    if (lock_len != 34 || lock[0] != OP_1 || lock[1] != 32)
        return;
    const struct tx_signer_tap *tap = tx_signer_find_tap(s, lock + 2);
    if (!tap)
        return;
    uint8_t t = PSBT_IN_TAP_INTERNAL_KEY;
    if (!psbt_map_get_type(m, t))
        psbt_map_set(m, &t, 1, tap->internal, 32);
    t = PSBT_IN_TAP_MERKLE_ROOT;
    if (!psbt_map_get_type(m, t))
        psbt_map_set(m, &t, 1, tap->root, 32);
    for (size_t l = 0; l < tap->leaf_count; l++)
        add_leaf_script(m, tap->leaves[l].script.data, tap->leaves[l].script.len, tap->leaves[l].control.data,
                        tap->leaves[l].control.len);
}

void psbt_update_scripts(struct psbt *p, const struct tx_signer *s)
{
    for (size_t i = 0; i < p->tx.vin_count; i++) {
        struct txout u;
        if (!psbt_input_utxo(p, i, &u))
            continue;
        const uint8_t *lock;
        size_t lock_len;
        lock_of(&u, s->tokens, &lock, &lock_len);
        for (int pass = 0; pass < 2; pass++) {
            /* pass 0: the redeem script of a P2SH output; pass 1: the witness
             * script of a P2WSH output or of a P2SH-P2WSH redeem script */
            const uint8_t *prog = lock;
            size_t prog_len = lock_len;
            const struct bytes *rs = psbt_map_get_type(&p->inputs[i], PSBT_IN_REDEEM_SCRIPT);
            if (pass == 1 && rs) {
                prog = rs->data;
                prog_len = rs->len;
            }
            for (size_t k = 0; k < s->script_count; k++) {
                const struct bytes *sc = &s->scripts[k];
                uint8_t h32[32], h20[20];
                uint8_t type = 0xff;
                if (pass == 0 && script_is_p2sh(prog, prog_len)) {
                    ripemd160_hash160(h20, bytes_or_empty(sc->data), sc->len);
                    if (!memcmp(prog + 2, h20, 20))
                        type = PSBT_IN_REDEEM_SCRIPT;
                } else if (pass == 1 && prog_len == 34 && prog[0] == 0 && prog[1] == 32) {
                    sha256(h32, bytes_or_empty(sc->data), sc->len);
                    if (!memcmp(prog + 2, h32, 32))
                        type = PSBT_IN_WITNESS_SCRIPT;
                }
                if (type != 0xff && !psbt_map_get_type(&p->inputs[i], type) && !psbt_input_is_final(p, i))
                    psbt_map_set(&p->inputs[i], &type, 1, sc->data, sc->len);
            }
        }
        if (!psbt_input_is_final(p, i))
            add_tap_tree(&p->inputs[i], s, lock, lock_len);
        txout_clear(&u);
    }
    for (size_t i = 0; i < p->tx.vout_count; i++)
        update_output_scripts(p, i, s);
}

/* ---- BIP 32 origins (updater) ---------------------------------------------- */

static bool contains(const uint8_t *hay, size_t hay_len, const uint8_t *needle, size_t n)
{
    for (size_t i = 0; n && i + n <= hay_len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

/* fingerprint | path, each step 4 bytes little-endian (BIP 174's value). */
static void put_origin(struct wbuf *w, const struct tx_signer_origin *o)
{
    wbuf_put(w, o->fp, 4);
    for (size_t i = 0; i < o->path_len; i++)
        wbuf_u32le(w, o->path[i]);
}

/* Adds the origins of the keys the scripts of one map use. t_deriv, t_tap,
 * t_internal: the map's BIP32_DERIVATION, TAP_BIP32_DERIVATION and
 * TAP_INTERNAL_KEY types. */
static void add_origins(struct psbt_map *m, const struct tx_signer *s, const uint8_t *lock, size_t lock_len,
                        uint8_t t_redeem, uint8_t t_witness, uint8_t t_deriv, uint8_t t_tap, uint8_t t_internal)
{
    for (size_t k = 0; k < s->origin_count; k++) {
        const struct tx_signer_origin *o = &s->origins[k];
        /* looked up each time: adding a pair may move the map's storage */
        const struct bytes *rs = psbt_map_get_type(m, t_redeem), *ws = psbt_map_get_type(m, t_witness);
        struct wbuf key, val;
        wbuf_init(&key);
        wbuf_init(&val);
        const struct tx_signer_tap *tap =
            lock_len == 34 && lock[0] == OP_1 && lock[1] == 32 ? tx_signer_find_tap(s, lock + 2) : NULL;
        if (o->xonly && tap && memcmp(tap->internal, o->pub, 32) != 0) {
            /* a leaf key: the hashes of the leaves it appears in */
            struct wbuf hashes;
            wbuf_init(&hashes);
            size_t nh = 0;
            for (size_t l = 0; l < tap->leaf_count; l++)
                if (contains(tap->leaves[l].script.data, tap->leaves[l].script.len, o->pub, 32)) {
                    uint8_t lh[32];
                    sighash_tapleaf_hash(lh, 0xc0, tap->leaves[l].script.data, tap->leaves[l].script.len);
                    wbuf_put(&hashes, lh, 32);
                    nh++;
                }
            if (nh) {
                wbuf_u8(&key, t_tap);
                wbuf_put(&key, o->pub, 32);
                wbuf_compact(&val, nh);
                wbuf_put(&val, hashes.data, hashes.len);
                put_origin(&val, o);
            }
            wbuf_clear(&hashes);
        } else if (o->xonly) {
            uint8_t out[32];
            if (lock_len == 34 && lock[0] == OP_1 && lock[1] == 32 &&
                ((tap && !memcmp(tap->internal, o->pub, 32)) ||
                 (keys_taproot_output_create(out, NULL, o->pub, NULL) && memcmp(out, lock + 2, 32) == 0))) {
                wbuf_u8(&key, t_tap);
                wbuf_put(&key, o->pub, 32);
                wbuf_compact(&val, 0); /* key path: no leaf hashes */
                put_origin(&val, o);
                if (!psbt_map_get_type(m, t_internal))
                    psbt_map_set(m, &t_internal, 1, o->pub, 32);
            }
        } else {
            uint8_t h20[20];
            ripemd160_hash160(h20, o->pub, o->pub_len);
            bool used = false;
            const uint8_t *scripts[3] = { lock, rs ? rs->data : NULL, ws ? ws->data : NULL };
            size_t lens[3] = { lock_len, rs ? rs->len : 0, ws ? ws->len : 0 };
            for (int j = 0; j < 3 && !used; j++)
                used = contains(scripts[j], lens[j], o->pub, o->pub_len) || contains(scripts[j], lens[j], h20, 20);
            if (used) {
                wbuf_u8(&key, t_deriv);
                wbuf_put(&key, o->pub, o->pub_len);
                put_origin(&val, o);
            }
        }
        if (key.len && !psbt_map_get(m, key.data, key.len))
            psbt_map_set(m, key.data, key.len, val.data, val.len);
        wbuf_clear(&key);
        wbuf_clear(&val);
    }
}

void psbt_update_origins(struct psbt *p, const struct tx_signer *s)
{
    if (!s->origin_count)
        return;
    for (size_t i = 0; i < p->tx.vin_count; i++) {
        struct txout u;
        if (psbt_input_is_final(p, i) || !psbt_input_utxo(p, i, &u))
            continue;
        const uint8_t *lock;
        size_t lock_len;
        lock_of(&u, s->tokens, &lock, &lock_len);
        add_origins(&p->inputs[i], s, lock, lock_len, PSBT_IN_REDEEM_SCRIPT, PSBT_IN_WITNESS_SCRIPT,
                    PSBT_IN_BIP32_DERIVATION, PSBT_IN_TAP_BIP32_DERIVATION, PSBT_IN_TAP_INTERNAL_KEY);
        txout_clear(&u);
    }
    for (size_t i = 0; i < p->tx.vout_count; i++) {
        const uint8_t *lock;
        size_t lock_len;
        lock_of(&p->tx.vout[i], s->tokens, &lock, &lock_len);
        add_origins(&p->outputs[i], s, lock, lock_len, PSBT_OUT_REDEEM_SCRIPT, PSBT_OUT_WITNESS_SCRIPT,
                    PSBT_OUT_BIP32_DERIVATION, PSBT_OUT_TAP_BIP32_DERIVATION, PSBT_OUT_TAP_INTERNAL_KEY);
    }
}
