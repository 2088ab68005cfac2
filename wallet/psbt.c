/* BIP 174 (v0), BIP 370 (v2) and BIP 371 PSBT parsing, serialisation and merging. */
#include "wallet/psbt.h"

#include <stdio.h>
#include <string.h>

#include "consensus/amount.h"
#include "src/crypto/keys.h"
#include "src/util/alloc.h"
#include "src/util/base64.h"
#include "src/util/rbuf.h"
#include "wallet/psbt_v2.h"

static const uint8_t PSBT_MAGIC[5] = { 'p', 's', 'b', 't', 0xff };

static void map_clear(struct psbt_map *m)
{
    for (size_t i = 0; i < m->count; i++) {
        bytes_clear(&m->pairs[i].key);
        bytes_clear(&m->pairs[i].value);
    }
    mem_free(m->pairs);
    m->pairs = NULL;
    m->count = 0;
}

static void map_copy(struct psbt_map *dst, const struct psbt_map *src)
{
    dst->pairs = NULL;
    dst->count = 0;
    for (size_t i = 0; i < src->count; i++)
        psbt_map_set(dst, src->pairs[i].key.data, src->pairs[i].key.len, src->pairs[i].value.data,
                     src->pairs[i].value.len);
}

void psbt_init(struct psbt *p)
{
    memset(p, 0, sizeof(*p));
    tx_init(&p->tx);
}

void psbt_clear(struct psbt *p)
{
    if (p->inputs)
        for (size_t i = 0; i < p->tx.vin_count; i++)
            map_clear(&p->inputs[i]);
    if (p->outputs)
        for (size_t i = 0; i < p->tx.vout_count; i++)
            map_clear(&p->outputs[i]);
    mem_free(p->inputs);
    mem_free(p->outputs);
    map_clear(&p->global);
    tx_clear(&p->tx);
    psbt_init(p);
}

static bool tx_is_unsigned(const struct tx *tx)
{
    for (size_t i = 0; i < tx->vin_count; i++)
        if (tx->vin[i].script_sig.len != 0 || tx->vin[i].witness.count != 0)
            return false;
    return true;
}

bool psbt_from_tx(struct psbt *p, const struct tx *tx)
{
    psbt_init(p);
    if (!tx_is_unsigned(tx))
        return false;
    tx_clear(&p->tx);
    tx_copy(&p->tx, tx);
    p->inputs = mem_calloc(tx->vin_count ? tx->vin_count : 1, sizeof(*p->inputs));
    p->outputs = mem_calloc(tx->vout_count ? tx->vout_count : 1, sizeof(*p->outputs));
    return true;
}

void psbt_copy(struct psbt *dst, const struct psbt *src)
{
    psbt_init(dst);
    tx_clear(&dst->tx);
    tx_copy(&dst->tx, &src->tx);
    dst->version = src->version;
    map_copy(&dst->global, &src->global);
    dst->inputs = mem_calloc(src->tx.vin_count ? src->tx.vin_count : 1, sizeof(*dst->inputs));
    dst->outputs = mem_calloc(src->tx.vout_count ? src->tx.vout_count : 1, sizeof(*dst->outputs));
    for (size_t i = 0; i < src->tx.vin_count; i++)
        map_copy(&dst->inputs[i], &src->inputs[i]);
    for (size_t i = 0; i < src->tx.vout_count; i++)
        map_copy(&dst->outputs[i], &src->outputs[i]);
}

const struct bytes *psbt_map_get(const struct psbt_map *m, const uint8_t *key, size_t key_len)
{
    for (size_t i = 0; i < m->count; i++)
        if (m->pairs[i].key.len == key_len && memcmp(m->pairs[i].key.data, key, key_len) == 0)
            return &m->pairs[i].value;
    return NULL;
}

const struct bytes *psbt_map_get_type(const struct psbt_map *m, uint8_t type)
{
    return psbt_map_get(m, &type, 1);
}

void psbt_map_set(struct psbt_map *m, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len)
{
    for (size_t i = 0; i < m->count; i++)
        if (m->pairs[i].key.len == key_len && memcmp(m->pairs[i].key.data, key, key_len) == 0) {
            bytes_clear(&m->pairs[i].value);
            bytes_set(&m->pairs[i].value, value, value_len);
            return;
        }
    m->pairs = mem_realloc(m->pairs, (m->count + 1) * sizeof(*m->pairs));
    struct psbt_pair *pr = &m->pairs[m->count++];
    memset(pr, 0, sizeof(*pr));
    bytes_set(&pr->key, key, key_len);
    bytes_set(&pr->value, value, value_len);
}

void psbt_map_remove_type(struct psbt_map *m, uint8_t type)
{
    size_t j = 0;
    for (size_t i = 0; i < m->count; i++) {
        if (m->pairs[i].key.len > 0 && m->pairs[i].key.data[0] == type) {
            bytes_clear(&m->pairs[i].key);
            bytes_clear(&m->pairs[i].value);
        } else {
            m->pairs[j++] = m->pairs[i];
        }
    }
    m->count = j;
}

/* ---- parsing ---------------------------------------------------------- */

#define FAIL(...)                                   \
    do {                                            \
        snprintf(error, error_cap, __VA_ARGS__);    \
        return false;                               \
    } while (0)

/* Reads one pair's key; *key_len 0 means the separator. */
static bool read_key(struct rbuf *r, const uint8_t **key, size_t *key_len)
{
    uint64_t n;
    if (!rbuf_compact(r, &n, RBUF_MAX_COMPACT_SIZE))
        return false;
    *key_len = (size_t)n;
    if (n == 0) {
        *key = NULL;
        return true;
    }
    return (*key = rbuf_take(r, (size_t)n)) != NULL;
}

static bool read_value(struct rbuf *r, const uint8_t **val, size_t *val_len)
{
    uint64_t n;
    if (!rbuf_compact(r, &n, RBUF_MAX_COMPACT_SIZE))
        return false;
    *val_len = (size_t)n;
    if (n == 0) {
        *val = bytes_empty;
        return true;
    }
    return (*val = rbuf_take(r, (size_t)n)) != NULL;
}

static bool valid_pubkey(const uint8_t *p, size_t len)
{
    return (len == 33 || len == 65) && keys_pubkey_valid(p, len);
}

/* A BIP 32 origin value: 4-byte fingerprint then 4-byte steps. */
static bool valid_keypath(size_t len)
{
    return len >= 4 && len % 4 == 0;
}

/* A BIP32_DERIVATION entry, the same for inputs and outputs: key = type | pubkey, value = fingerprint | path. */
static bool check_bip32_derivation(const uint8_t *k, size_t kl, size_t vl, char *error, size_t error_cap)
{
    if (kl != 34 && kl != 66)
        FAIL("Size of key was not the expected size for the type BIP32 keypath");
    if (!valid_pubkey(k + 1, kl - 1))
        FAIL("Invalid pubkey");
    if (!valid_keypath(vl))
        FAIL("Invalid length for HD key path");
    return true;
}

static bool valid_witness_stack(const uint8_t *v, size_t len)
{
    struct rbuf r = rbuf_make(v, len);
    uint64_t n;
    if (!rbuf_compact(&r, &n, RBUF_MAX_COMPACT_SIZE))
        return false;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t m;
        if (!rbuf_compact(&r, &m, RBUF_MAX_COMPACT_SIZE) || !rbuf_skip(&r, (size_t)m))
            return false;
    }
    return r.len == 0;
}

static bool valid_txout(const uint8_t *v, size_t len)
{
    struct rbuf r = rbuf_make(v, len);
    struct txout o;
    memset(&o, 0, sizeof(o));
    bool ok = txout_parse(&o, &r) && r.len == 0 && money_range(o.value);
    txout_clear(&o);
    return ok;
}

/* BIP 371 tap key origin: compact leaf count, 32-byte hashes, keypath. */
static bool valid_tap_origin(const uint8_t *v, size_t len)
{
    struct rbuf r = rbuf_make(v, len);
    uint64_t n;
    if (!rbuf_compact(&r, &n, RBUF_MAX_COMPACT_SIZE) || n > r.len / 32 || !rbuf_skip(&r, (size_t)n * 32))
        return false;
    return valid_keypath(r.len);
}

/* BIP 371 tap tree: (depth, leaf version, script) triples. */
static bool valid_tap_tree(const uint8_t *v, size_t len)
{
    struct rbuf r = rbuf_make(v, len);
    if (len == 0)
        return false;
    while (r.len) {
        uint8_t depth, ver;
        uint64_t n;
        if (!rbuf_u8(&r, &depth) || !rbuf_u8(&r, &ver) || depth > 128 || (ver & 1) ||
            !rbuf_compact(&r, &n, RBUF_MAX_COMPACT_SIZE) || !rbuf_skip(&r, (size_t)n))
            return false;
    }
    return true;
}

static bool check_global(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, uint32_t *version, char *error,
                         size_t error_cap)
{
    switch (k[0]) {
    case PSBT_GLOBAL_XPUB:
        if (kl != 79)
            FAIL("Size of key was not the expected size for the type global xpub");
        if (!valid_keypath(vl))
            FAIL("Invalid length for HD key path");
        return true;
    case PSBT_GLOBAL_VERSION: {
        if (kl != 1)
            FAIL("Global version key is more than one byte type");
        if (vl != 4)
            FAIL("Size of value was not the stated size");
        uint32_t ver = (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;
        if (ver > PSBT_HIGHEST_VERSION || ver == 1)
            FAIL("Unsupported version number");
        *version = ver;
        return true;
    }
    case PSBT_GLOBAL_TX_VERSION: case PSBT_GLOBAL_FALLBACK_LOCKTIME: case PSBT_GLOBAL_INPUT_COUNT:
    case PSBT_GLOBAL_OUTPUT_COUNT: case PSBT_GLOBAL_TX_MODIFIABLE:
        /* Which version the PSBT is may come later in the map: checked after it. */
        return psbt_v2_check_global(k, kl, v, vl, error, error_cap);
    default:
        return true;
    }
}

/* The non-witness UTXO must be the transaction input i spends (known only
 * once a version 2 input map is read whole). */
static bool check_non_witness_utxo(const struct psbt *p, size_t i, char *error, size_t error_cap)
{
    const struct bytes *v = psbt_map_get_type(&p->inputs[i], PSBT_IN_NON_WITNESS_UTXO);
    if (!v)
        return true;
    const struct outpoint *prevout = &p->tx.vin[i].prevout;
    struct tx t;
    if (!tx_decode(&t, v->data, v->len, true))
        FAIL("Size of value was not the stated size");
    bool match = memcmp(t.txid.b, prevout->txid.b, 32) == 0 && prevout->n < t.vout_count;
    tx_clear(&t);
    if (!match)
        FAIL("Non-witness UTXO does not match outpoint hash");
    return true;
}

static bool check_input(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, uint32_t version, char *error,
                        size_t error_cap)
{
    switch (k[0]) {
    case PSBT_IN_NON_WITNESS_UTXO: {
        if (kl != 1)
            FAIL("Non-witness utxo key is more than one byte type");
        struct tx t;
        if (!tx_decode(&t, v, vl, true))
            FAIL("Size of value was not the stated size");
        tx_clear(&t);
        return true;
    }
    case PSBT_IN_WITNESS_UTXO:
        if (kl != 1)
            FAIL("Witness utxo key is more than one byte type");
        if (!valid_txout(v, vl))
            FAIL("Size of value was not the stated size");
        return true;
    case PSBT_IN_PARTIAL_SIG:
        if (kl != 34 && kl != 66)
            FAIL("Size of key was not the expected size for the type partial signature pubkey");
        if (!valid_pubkey(k + 1, kl - 1))
            FAIL("Invalid pubkey");
        if (vl == 0)
            FAIL("Signature is empty");
        return true;
    case PSBT_IN_SIGHASH:
        if (kl != 1)
            FAIL("Sighash type key is more than one byte type");
        if (vl != 4)
            FAIL("Size of value was not the stated size");
        return true;
    case PSBT_IN_REDEEM_SCRIPT:
        if (kl != 1)
            FAIL("Input redeemScript key is more than one byte type");
        return true;
    case PSBT_IN_WITNESS_SCRIPT:
        if (kl != 1)
            FAIL("Input witnessScript key is more than one byte type");
        return true;
    case PSBT_IN_BIP32_DERIVATION:
        return check_bip32_derivation(k, kl, vl, error, error_cap);
    case PSBT_IN_SCRIPTSIG:
        if (kl != 1)
            FAIL("Final scriptSig key is more than one byte type");
        return true;
    case PSBT_IN_SCRIPTWITNESS:
        if (kl != 1)
            FAIL("Final scriptWitness key is more than one byte type");
        if (!valid_witness_stack(v, vl))
            FAIL("Size of value was not the stated size");
        return true;
    case PSBT_IN_RIPEMD160:
    case PSBT_IN_HASH160:
        if (kl != 21)
            FAIL("Size of key was not the expected size for the type %s preimage",
                 k[0] == PSBT_IN_RIPEMD160 ? "ripemd160" : "hash160");
        return true;
    case PSBT_IN_SHA256:
    case PSBT_IN_HASH256:
        if (kl != 33)
            FAIL("Size of key was not the expected size for the type %s preimage",
                 k[0] == PSBT_IN_SHA256 ? "sha256" : "hash256");
        return true;
    case PSBT_IN_TAP_KEY_SIG:
        if (kl != 1)
            FAIL("Input Taproot key signature key is more than one byte type");
        if (vl < 64)
            FAIL("Input Taproot key path signature is shorter than 64 bytes");
        if (vl > 65)
            FAIL("Input Taproot key path signature is longer than 65 bytes");
        return true;
    case PSBT_IN_TAP_SCRIPT_SIG:
        if (kl != 65)
            FAIL("Input Taproot script signature key is not 65 bytes");
        if (vl < 64)
            FAIL("Input Taproot script path signature is shorter than 64 bytes");
        if (vl > 65)
            FAIL("Input Taproot script path signature is longer than 65 bytes");
        return true;
    case PSBT_IN_TAP_LEAF_SCRIPT:
        if (kl < 34)
            FAIL("Taproot control block is too short");
        if ((kl - 2) % 32 != 0 || kl - 2 > 32 * 129)
            FAIL("Input Taproot leaf script has invalid control block size");
        if (vl < 1)
            FAIL("Input Taproot leaf script is empty");
        return true;
    case PSBT_IN_TAP_BIP32_DERIVATION:
        if (kl != 33)
            FAIL("Size of key was not the expected size for the type Taproot BIP32 keypath");
        if (!valid_tap_origin(v, vl))
            FAIL("Invalid length for HD key path");
        return true;
    case PSBT_IN_TAP_INTERNAL_KEY:
        if (kl != 1)
            FAIL("Input Taproot internal key key is more than one byte type");
        if (vl != 32)
            FAIL("Invalid x-only public key size for the type tap internal key");
        return true;
    case PSBT_IN_TAP_MERKLE_ROOT:
        if (kl != 1)
            FAIL("Input Taproot merkle root key is more than one byte type");
        if (vl != 32)
            FAIL("Size of value was not the stated size");
        return true;
    case PSBT_IN_PREVIOUS_TXID: case PSBT_IN_OUTPUT_INDEX: case PSBT_IN_SEQUENCE:
    case PSBT_IN_REQUIRED_TIME_LOCKTIME: case PSBT_IN_REQUIRED_HEIGHT_LOCKTIME:
        if (version < 2)
            FAIL("Input PSBTv2 field (type %u) is not allowed in PSBTv0", k[0]);
        return psbt_v2_check_input(k, kl, v, vl, error, error_cap);
    default:
        return true;
    }
}

static bool check_output(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, uint32_t version, char *error,
                         size_t error_cap)
{
    switch (k[0]) {
    case PSBT_OUT_REDEEM_SCRIPT:
        if (kl != 1)
            FAIL("Output redeemScript key is more than one byte type");
        return true;
    case PSBT_OUT_WITNESS_SCRIPT:
        if (kl != 1)
            FAIL("Output witnessScript key is more than one byte type");
        return true;
    case PSBT_OUT_BIP32_DERIVATION:
        return check_bip32_derivation(k, kl, vl, error, error_cap);
    case PSBT_OUT_TAP_INTERNAL_KEY:
        if (kl != 1)
            FAIL("Output Taproot internal key key is more than one byte type");
        if (vl != 32)
            FAIL("Invalid x-only public key size for the type tap internal key");
        return true;
    case PSBT_OUT_TAP_TREE:
        if (kl != 1)
            FAIL("Output Taproot tree key is more than one byte type");
        if (!valid_tap_tree(v, vl))
            FAIL("Output Taproot tree has an invalid leaf");
        return true;
    case PSBT_OUT_TAP_BIP32_DERIVATION:
        if (kl != 33)
            FAIL("Size of key was not the expected size for the type Taproot BIP32 keypath");
        if (!valid_tap_origin(v, vl))
            FAIL("Invalid length for HD key path");
        return true;
    case PSBT_OUT_AMOUNT: case PSBT_OUT_SCRIPT:
        if (version < 2)
            FAIL("Output PSBTv2 field (type %u) is not allowed in PSBTv0", k[0]);
        return psbt_v2_check_output(k, kl, v, vl, error, error_cap);
    default:
        return true;
    }
}

enum map_kind { MAP_GLOBAL, MAP_INPUT, MAP_OUTPUT };

/* Reads one map up to its separator into m (global: also the unsigned tx). */
static bool read_map(struct psbt *p, struct psbt_map *m, enum map_kind kind, struct rbuf *r, bool *have_tx,
                     char *error, size_t error_cap)
{
    static const char *const where[] = { "the global map", "an input map", "an output map" };
    for (;;) {
        const uint8_t *k, *v;
        size_t kl, vl;
        if (!read_key(r, &k, &kl))
            FAIL("Separator is missing at the end of %s", where[kind]);
        if (kl == 0)
            return true;
        if (!read_value(r, &v, &vl))
            FAIL("Size of value was not the stated size");
        if (kind == MAP_GLOBAL && k[0] == PSBT_GLOBAL_UNSIGNED_TX) {
            if (*have_tx)
                FAIL("Duplicate Key, unsigned tx already provided");
            if (kl != 1)
                FAIL("Global unsigned tx key is more than one byte type");
            if (!tx_decode(&p->tx, v, vl, false))
                FAIL("Size of value was not the stated size");
            *have_tx = true;
            if (!tx_is_unsigned(&p->tx))
                FAIL("Unsigned tx does not have empty scriptSigs and scriptWitnesses.");
            continue;
        }
        if (psbt_map_get(m, k, kl))
            FAIL("Duplicate Key, key %s already provided",
                 kind == MAP_GLOBAL ? "for global value" : kind == MAP_INPUT ? "for input value" : "for output value");
        if (m->count >= PSBT_MAX_PAIRS)
            FAIL("Too many keys in %s", where[kind]);
        bool ok = kind == MAP_GLOBAL  ? check_global(k, kl, v, vl, &p->version, error, error_cap)
                  : kind == MAP_INPUT ? check_input(k, kl, v, vl, p->version, error, error_cap)
                                      : check_output(k, kl, v, vl, p->version, error, error_cap);
        if (!ok)
            return false;
        psbt_map_set(m, k, kl, v, vl);
    }
}

/* After the global map: the version decides where the transaction is. */
static bool check_globals(struct psbt *p, bool have_tx, size_t remaining, char *error, size_t error_cap)
{
    if (p->version == 2) {
        if (have_tx)
            FAIL("PSBT_GLOBAL_UNSIGNED_TX is not allowed in PSBTv2");
        return psbt_v2_start(p, remaining, error, error_cap);
    }
    for (size_t i = 0; i < p->global.count; i++)
        if (psbt_v2_is_global_type(p->global.pairs[i].key.data[0]))
            FAIL("Global PSBTv2 field (type %u) is not allowed in PSBTv0", p->global.pairs[i].key.data[0]);
    if (!have_tx)
        FAIL("No unsigned transaction was provided");
    return true;
}

static bool parse(struct psbt *p, const uint8_t *data, size_t len, char *error, size_t error_cap)
{
    if (len > PSBT_MAX_SIZE)
        FAIL("PSBT is larger than %u bytes", PSBT_MAX_SIZE);
    if (len < sizeof(PSBT_MAGIC) || memcmp(data, PSBT_MAGIC, sizeof(PSBT_MAGIC)) != 0)
        FAIL("Invalid PSBT magic bytes");
    struct rbuf r = rbuf_make(data + sizeof(PSBT_MAGIC), len - sizeof(PSBT_MAGIC));
    bool have_tx = false;
    if (!read_map(p, &p->global, MAP_GLOBAL, &r, &have_tx, error, error_cap))
        return false;
    if (!check_globals(p, have_tx, r.len, error, error_cap))
        return false;
    bool v2 = p->version == 2;
    p->inputs = mem_calloc(p->tx.vin_count ? p->tx.vin_count : 1, sizeof(*p->inputs));
    p->outputs = mem_calloc(p->tx.vout_count ? p->tx.vout_count : 1, sizeof(*p->outputs));
    for (size_t i = 0; i < p->tx.vin_count; i++) {
        if (r.len == 0)
            FAIL("Inputs provided does not match the number of inputs in transaction.");
        if (!read_map(p, &p->inputs[i], MAP_INPUT, &r, &have_tx, error, error_cap) ||
            (v2 && !psbt_v2_take_input(p, i, error, error_cap)) || !check_non_witness_utxo(p, i, error, error_cap))
            return false;
    }
    for (size_t i = 0; i < p->tx.vout_count; i++) {
        if (r.len == 0)
            FAIL("Outputs provided does not match the number of outputs in transaction.");
        if (!read_map(p, &p->outputs[i], MAP_OUTPUT, &r, &have_tx, error, error_cap) ||
            (v2 && !psbt_v2_take_output(p, i, error, error_cap)))
            return false;
    }
    if (r.len != 0)
        FAIL("extra data after PSBT");
    return !v2 || psbt_v2_finish(p, error, error_cap);
}

bool psbt_parse(struct psbt *out, const uint8_t *data, size_t len, char *error, size_t error_cap)
{
    psbt_init(out);
    if (error_cap)
        error[0] = '\0';
    if (!parse(out, data, len, error, error_cap)) {
        psbt_clear(out);
        return false;
    }
    return true;
}

bool psbt_decode_base64(struct psbt *out, const char *b64, char *error, size_t error_cap)
{
    psbt_init(out);
    if (strlen(b64) > (size_t)PSBT_MAX_SIZE / 3 * 4 + 4) {
        snprintf(error, error_cap, "PSBT is larger than %u bytes", PSBT_MAX_SIZE);
        return false;
    }
    size_t len;
    uint8_t *raw = base64_decode_alloc(b64, &len);
    if (!raw) {
        snprintf(error, error_cap, "invalid base64");
        return false;
    }
    bool ok = psbt_parse(out, raw, len, error, error_cap);
    mem_free(raw);
    return ok;
}

/* ---- serialisation ---------------------------------------------------- */

static void put_map(struct wbuf *w, const struct psbt_map *m)
{
    for (size_t i = 0; i < m->count; i++) {
        wbuf_var_bytes(w, m->pairs[i].key.data, m->pairs[i].key.len);
        wbuf_var_bytes(w, m->pairs[i].value.data, m->pairs[i].value.len);
    }
    wbuf_u8(w, 0x00);
}

void psbt_serialize(struct wbuf *w, const struct psbt *p)
{
    wbuf_put(w, PSBT_MAGIC, sizeof(PSBT_MAGIC));
    bool v2 = p->version == 2;
    if (v2) {
        psbt_v2_put_global(w, p);
    } else {
        struct wbuf t;
        wbuf_init(&t);
        tx_serialize(&t, &p->tx, false);
        wbuf_u8(w, 0x01);
        wbuf_u8(w, PSBT_GLOBAL_UNSIGNED_TX);
        wbuf_var_bytes(w, t.data, t.len);
        wbuf_clear(&t);
    }
    put_map(w, &p->global);
    for (size_t i = 0; i < p->tx.vin_count; i++) {
        if (v2)
            psbt_v2_put_input(w, p, i);
        put_map(w, &p->inputs[i]);
    }
    for (size_t i = 0; i < p->tx.vout_count; i++) {
        if (v2)
            psbt_v2_put_output(w, p, i);
        put_map(w, &p->outputs[i]);
    }
}

char *psbt_to_base64(const struct psbt *p)
{
    struct wbuf w;
    wbuf_init(&w);
    psbt_serialize(&w, p);
    char *s = base64_encode(w.data, w.len);
    wbuf_clear(&w);
    return s;
}

/* ---- combining and inspection ----------------------------------------- */

static void map_merge(struct psbt_map *dst, const struct psbt_map *src)
{
    for (size_t i = 0; i < src->count; i++)
        if (!psbt_map_get(dst, src->pairs[i].key.data, src->pairs[i].key.len))
            psbt_map_set(dst, src->pairs[i].key.data, src->pairs[i].key.len, src->pairs[i].value.data,
                         src->pairs[i].value.len);
}

bool psbt_merge(struct psbt *dst, const struct psbt *src)
{
    if (memcmp(dst->tx.txid.b, src->tx.txid.b, 32) != 0)
        return false;
    map_merge(&dst->global, &src->global);
    for (size_t i = 0; i < dst->tx.vin_count; i++) {
        map_merge(&dst->inputs[i], &src->inputs[i]);
        /* A final input needs no partial data (Core's FillSignatureData). */
    }
    for (size_t i = 0; i < dst->tx.vout_count; i++)
        map_merge(&dst->outputs[i], &src->outputs[i]);
    return true;
}

bool psbt_input_utxo(const struct psbt *p, size_t i, struct txout *out)
{
    memset(out, 0, sizeof(*out));
    const struct bytes *v = psbt_map_get_type(&p->inputs[i], PSBT_IN_WITNESS_UTXO);
    if (v) {
        struct rbuf r = rbuf_make(v->data, v->len);
        return txout_parse(out, &r);
    }
    v = psbt_map_get_type(&p->inputs[i], PSBT_IN_NON_WITNESS_UTXO);
    if (v) {
        struct tx t;
        if (!tx_decode(&t, v->data, v->len, true))
            return false;
        uint32_t n = p->tx.vin[i].prevout.n;
        bool ok = n < t.vout_count;
        if (ok) {
            out->value = t.vout[n].value;
            bytes_set(&out->script_pubkey, t.vout[n].script_pubkey.data, t.vout[n].script_pubkey.len);
        }
        tx_clear(&t);
        return ok;
    }
    return false;
}

bool psbt_input_is_final(const struct psbt *p, size_t i)
{
    return psbt_map_get_type(&p->inputs[i], PSBT_IN_SCRIPTSIG) ||
           psbt_map_get_type(&p->inputs[i], PSBT_IN_SCRIPTWITNESS);
}
