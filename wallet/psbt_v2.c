/* BIP 370 (PSBT version 2): the transaction fields, the locktime rule and
 * conversion between versions 0 and 2. */
#include "wallet/psbt_v2.h"

#include <stdio.h>
#include <string.h>

#include "consensus/amount.h"
#include "src/util/alloc.h"
#include "src/util/rbuf.h"
#include "wallet/psbt.h"

#define FAIL(...)                                \
    do {                                         \
        snprintf(error, error_cap, __VA_ARGS__); \
        return false;                            \
    } while (0)

/* Smallest serialized input map of version 2: PREVIOUS_TXID (1+1+1+32),
 * OUTPUT_INDEX (1+1+1+4) and the separator; output: AMOUNT (1+1+1+8),
 * SCRIPT (1+1+1+0) and the separator. They bound the counts a PSBT claims
 * by the bytes it has before anything is allocated. */
#define MIN_INPUT_MAP 43u
#define MIN_OUTPUT_MAP 15u

static uint32_t le32(const uint8_t *v)
{
    return (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;
}

static void put_le32(uint8_t *v, uint32_t x)
{
    for (int i = 0; i < 4; i++)
        v[i] = (uint8_t)(x >> (8 * i));
}

bool psbt_v2_is_global_type(uint8_t type)
{
    return type >= PSBT_GLOBAL_TX_VERSION && type <= PSBT_GLOBAL_TX_MODIFIABLE;
}

/* A value that is exactly one CompactSize. */
static bool read_count(const uint8_t *v, size_t vl, uint64_t *n)
{
    struct rbuf r = rbuf_make(v, vl);
    return rbuf_compact(&r, n, UINT64_MAX) && r.len == 0;
}

bool psbt_v2_check_global(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, char *error, size_t error_cap)
{
    static const char *const names[] = { "tx version", "fallback locktime", "input count", "output count",
                                         "tx modifiable" };
    uint64_t n;
    if (kl != 1)
        FAIL("Global %s key is more than one byte type", names[k[0] - PSBT_GLOBAL_TX_VERSION]);
    switch (k[0]) {
    case PSBT_GLOBAL_TX_VERSION:
        if (vl != 4)
            FAIL("Size of value was not the stated size");
        if ((int32_t)le32(v) < 2)
            FAIL("PSBTv2 transaction version must be at least 2");
        return true;
    case PSBT_GLOBAL_FALLBACK_LOCKTIME:
        if (vl != 4)
            FAIL("Size of value was not the stated size");
        return true;
    case PSBT_GLOBAL_INPUT_COUNT:
    case PSBT_GLOBAL_OUTPUT_COUNT:
        if (!read_count(v, vl, &n))
            FAIL("Size of value was not the stated size");
        return true;
    default: /* PSBT_GLOBAL_TX_MODIFIABLE */
        if (vl != 1)
            FAIL("Size of value was not the stated size");
        return true;
    }
}

bool psbt_v2_check_input(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, char *error, size_t error_cap)
{
    static const char *const names[] = { "previous txid", "output index", "sequence", "required time locktime",
                                         "required height locktime" };
    if (kl != 1)
        FAIL("Input %s key is more than one byte type", names[k[0] - PSBT_IN_PREVIOUS_TXID]);
    if (vl != (k[0] == PSBT_IN_PREVIOUS_TXID ? 32u : 4u))
        FAIL("Size of value was not the stated size");
    if (k[0] == PSBT_IN_REQUIRED_TIME_LOCKTIME && le32(v) < PSBT_LOCKTIME_THRESHOLD)
        FAIL("Required time locktime is below the threshold");
    if (k[0] == PSBT_IN_REQUIRED_HEIGHT_LOCKTIME && (le32(v) == 0 || le32(v) >= PSBT_LOCKTIME_THRESHOLD))
        FAIL("Required height locktime is not a height");
    return true;
}

bool psbt_v2_check_output(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, char *error, size_t error_cap)
{
    if (kl != 1)
        FAIL("Output %s key is more than one byte type", k[0] == PSBT_OUT_AMOUNT ? "amount" : "script");
    if (k[0] == PSBT_OUT_AMOUNT) {
        if (vl != 8)
            FAIL("Size of value was not the stated size");
        struct rbuf r = rbuf_make(v, vl);
        int64_t amount;
        if (!rbuf_i64le(&r, &amount) || !money_range(amount))
            FAIL("Output amount is out of range");
    }
    return true;
}

/* ---- parsing -------------------------------------------------------------- */

bool psbt_v2_start(struct psbt *p, size_t remaining, char *error, size_t error_cap)
{
    const struct bytes *ver = psbt_map_get_type(&p->global, PSBT_GLOBAL_TX_VERSION);
    const struct bytes *nin = psbt_map_get_type(&p->global, PSBT_GLOBAL_INPUT_COUNT);
    const struct bytes *nout = psbt_map_get_type(&p->global, PSBT_GLOBAL_OUTPUT_COUNT);
    if (!ver)
        FAIL("PSBT_GLOBAL_TX_VERSION is required in PSBTv2");
    if (!nin)
        FAIL("PSBT_GLOBAL_INPUT_COUNT is required in PSBTv2");
    if (!nout)
        FAIL("PSBT_GLOBAL_OUTPUT_COUNT is required in PSBTv2");
    uint64_t n_in, n_out;
    if (!read_count(nin->data, nin->len, &n_in) || !read_count(nout->data, nout->len, &n_out))
        FAIL("Size of value was not the stated size");
    if (n_in > remaining / MIN_INPUT_MAP || n_out > (remaining - n_in * MIN_INPUT_MAP) / MIN_OUTPUT_MAP)
        FAIL("PSBTv2 input and output counts exceed the data");
    tx_clear(&p->tx);
    p->tx.version = (int32_t)le32(ver->data);
    p->tx.vin = mem_calloc(n_in ? (size_t)n_in : 1, sizeof(*p->tx.vin));
    p->tx.vout = mem_calloc(n_out ? (size_t)n_out : 1, sizeof(*p->tx.vout));
    p->tx.vin_count = (size_t)n_in;
    p->tx.vout_count = (size_t)n_out;
    for (size_t i = 0; i < p->tx.vin_count; i++) {
        bytes_set(&p->tx.vin[i].script_sig, NULL, 0);
        p->tx.vin[i].sequence = SEQUENCE_FINAL;
    }
    for (size_t i = 0; i < p->tx.vout_count; i++)
        bytes_set(&p->tx.vout[i].script_pubkey, NULL, 0);
    psbt_map_remove_type(&p->global, PSBT_GLOBAL_TX_VERSION);
    psbt_map_remove_type(&p->global, PSBT_GLOBAL_INPUT_COUNT);
    psbt_map_remove_type(&p->global, PSBT_GLOBAL_OUTPUT_COUNT);
    return true;
}

bool psbt_v2_take_input(struct psbt *p, size_t i, char *error, size_t error_cap)
{
    struct psbt_map *m = &p->inputs[i];
    struct txin *in = &p->tx.vin[i];
    const struct bytes *txid = psbt_map_get_type(m, PSBT_IN_PREVIOUS_TXID);
    const struct bytes *index = psbt_map_get_type(m, PSBT_IN_OUTPUT_INDEX);
    const struct bytes *seq = psbt_map_get_type(m, PSBT_IN_SEQUENCE);
    if (!txid)
        FAIL("Input %zu has no PSBT_IN_PREVIOUS_TXID, required in PSBTv2", i);
    if (!index)
        FAIL("Input %zu has no PSBT_IN_OUTPUT_INDEX, required in PSBTv2", i);
    memcpy(in->prevout.txid.b, txid->data, 32);
    in->prevout.n = le32(index->data);
    in->sequence = seq ? le32(seq->data) : SEQUENCE_FINAL;
    psbt_map_remove_type(m, PSBT_IN_PREVIOUS_TXID);
    psbt_map_remove_type(m, PSBT_IN_OUTPUT_INDEX);
    psbt_map_remove_type(m, PSBT_IN_SEQUENCE);
    return true;
}

bool psbt_v2_take_output(struct psbt *p, size_t i, char *error, size_t error_cap)
{
    struct psbt_map *m = &p->outputs[i];
    struct txout *out = &p->tx.vout[i];
    const struct bytes *amount = psbt_map_get_type(m, PSBT_OUT_AMOUNT);
    const struct bytes *script = psbt_map_get_type(m, PSBT_OUT_SCRIPT);
    if (!amount)
        FAIL("Output %zu has no PSBT_OUT_AMOUNT, required in PSBTv2", i);
    if (!script)
        FAIL("Output %zu has no PSBT_OUT_SCRIPT, required in PSBTv2", i);
    struct rbuf r = rbuf_make(amount->data, amount->len);
    if (!rbuf_i64le(&r, &out->value))
        FAIL("Size of value was not the stated size");
    bytes_clear(&out->script_pubkey);
    bytes_set(&out->script_pubkey, script->data, script->len);
    psbt_map_remove_type(m, PSBT_OUT_AMOUNT);
    psbt_map_remove_type(m, PSBT_OUT_SCRIPT);
    return true;
}

/*
 * BIP 370's locktime: the fallback (0 if absent) when no input requires
 * one; else the largest required height if every input with a requirement
 * accepts a height, else the largest required time if every one accepts a
 * time. False if the requirements mix heights and times irreconcilably.
 */
static bool psbt_v2_locktime(const struct psbt *p, uint32_t *out)
{
    bool any = false, all_height = true, all_time = true;
    uint32_t max_height = 0, max_time = 0;
    for (size_t i = 0; i < p->tx.vin_count; i++) {
        const struct bytes *t = psbt_map_get_type(&p->inputs[i], PSBT_IN_REQUIRED_TIME_LOCKTIME);
        const struct bytes *h = psbt_map_get_type(&p->inputs[i], PSBT_IN_REQUIRED_HEIGHT_LOCKTIME);
        if (!t && !h)
            continue;
        any = true;
        if (t && le32(t->data) > max_time)
            max_time = le32(t->data);
        if (h && le32(h->data) > max_height)
            max_height = le32(h->data);
        all_time = all_time && t;
        all_height = all_height && h;
    }
    if (!any) {
        const struct bytes *fb = psbt_map_get_type(&p->global, PSBT_GLOBAL_FALLBACK_LOCKTIME);
        *out = fb ? le32(fb->data) : 0;
        return true;
    }
    if (all_height) {
        *out = max_height;
        return true;
    }
    if (all_time) {
        *out = max_time;
        return true;
    }
    return false;
}

bool psbt_v2_finish(struct psbt *p, char *error, size_t error_cap)
{
    if (!psbt_v2_locktime(p, &p->tx.locktime))
        FAIL("PSBTv2 inputs require both a height and a time locktime");
    tx_update_hashes(&p->tx);
    return true;
}

/* ---- serialisation ---------------------------------------------------------- */

static void put_pair(struct wbuf *w, uint8_t type, const uint8_t *v, size_t vl)
{
    wbuf_u8(w, 1);
    wbuf_u8(w, type);
    wbuf_var_bytes(w, v, vl);
}

static void put_count(struct wbuf *w, uint8_t type, uint64_t n)
{
    struct wbuf c;
    wbuf_init(&c);
    wbuf_compact(&c, n);
    put_pair(w, type, c.data, c.len);
    wbuf_clear(&c);
}

void psbt_v2_put_global(struct wbuf *w, const struct psbt *p)
{
    uint8_t v[4];
    put_le32(v, (uint32_t)p->tx.version);
    put_pair(w, PSBT_GLOBAL_TX_VERSION, v, 4);
    put_count(w, PSBT_GLOBAL_INPUT_COUNT, p->tx.vin_count);
    put_count(w, PSBT_GLOBAL_OUTPUT_COUNT, p->tx.vout_count);
}

void psbt_v2_put_input(struct wbuf *w, const struct psbt *p, size_t i)
{
    const struct txin *in = &p->tx.vin[i];
    uint8_t v[4];
    put_pair(w, PSBT_IN_PREVIOUS_TXID, in->prevout.txid.b, 32);
    put_le32(v, in->prevout.n);
    put_pair(w, PSBT_IN_OUTPUT_INDEX, v, 4);
    if (in->sequence != SEQUENCE_FINAL) { /* absent means final */
        put_le32(v, in->sequence);
        put_pair(w, PSBT_IN_SEQUENCE, v, 4);
    }
}

void psbt_v2_put_output(struct wbuf *w, const struct psbt *p, size_t i)
{
    const struct txout *out = &p->tx.vout[i];
    uint8_t v[8];
    for (int b = 0; b < 8; b++)
        v[b] = (uint8_t)((uint64_t)out->value >> (8 * b));
    put_pair(w, PSBT_OUT_AMOUNT, v, 8);
    put_pair(w, PSBT_OUT_SCRIPT, out->script_pubkey.data, out->script_pubkey.len);
}

/* ---- signer ------------------------------------------------------------------ */

void psbt_v2_note_signatures(struct psbt *p, size_t i)
{
    uint8_t type = PSBT_GLOBAL_TX_MODIFIABLE;
    const struct bytes *mod = psbt_map_get_type(&p->global, type);
    if (p->version != 2 || !mod || mod->len != 1)
        return;
    uint8_t flags = mod->data[0];
    const struct psbt_map *m = &p->inputs[i];
    for (size_t k = 0; k < m->count; k++) {
        const struct psbt_pair *pr = &m->pairs[k];
        uint8_t t = pr->key.data[0];
        uint8_t ht;
        if (t == PSBT_IN_PARTIAL_SIG && pr->value.len > 0)
            ht = pr->value.data[pr->value.len - 1];
        else if ((t == PSBT_IN_TAP_KEY_SIG || t == PSBT_IN_TAP_SCRIPT_SIG) && pr->value.len == 65)
            ht = pr->value.data[64];
        else if (t == PSBT_IN_TAP_KEY_SIG || t == PSBT_IN_TAP_SCRIPT_SIG)
            ht = 0x01; /* 64 bytes: SIGHASH_DEFAULT, which signs as ALL */
        else
            continue;
        if (!(ht & 0x80))
            flags &= (uint8_t)~0x01u;
        if ((ht & 0x1f) != 0x02)
            flags &= (uint8_t)~0x02u;
        if ((ht & 0x1f) == 0x03)
            flags |= 0x04;
    }
    psbt_map_set(&p->global, &type, 1, &flags, 1);
}

/* ---- conversion ------------------------------------------------------------ */

bool psbt_convert(struct psbt *p, uint32_t version, char *error, size_t error_cap)
{
    if (version != 0 && version != 2)
        FAIL("Unsupported version number");
    if (version == p->version)
        return true;
    uint8_t type = PSBT_GLOBAL_VERSION, v[4];
    if (version == 2) {
        if (p->tx.version < 2)
            FAIL("PSBTv2 requires a transaction version of at least 2");
        for (size_t i = 0; i < p->tx.vout_count; i++)
            if (!money_range(p->tx.vout[i].value))
                FAIL("Output amount is out of range");
        if (p->tx.locktime != 0) {
            uint8_t fb = PSBT_GLOBAL_FALLBACK_LOCKTIME;
            put_le32(v, p->tx.locktime);
            psbt_map_set(&p->global, &fb, 1, v, 4);
        }
        put_le32(v, 2);
        psbt_map_set(&p->global, &type, 1, v, 4);
    } else {
        psbt_map_remove_type(&p->global, PSBT_GLOBAL_FALLBACK_LOCKTIME);
        psbt_map_remove_type(&p->global, PSBT_GLOBAL_TX_MODIFIABLE);
        psbt_map_remove_type(&p->global, PSBT_GLOBAL_VERSION);
        for (size_t i = 0; i < p->tx.vin_count; i++) {
            psbt_map_remove_type(&p->inputs[i], PSBT_IN_REQUIRED_TIME_LOCKTIME);
            psbt_map_remove_type(&p->inputs[i], PSBT_IN_REQUIRED_HEIGHT_LOCKTIME);
        }
    }
    p->version = version;
    return true;
}
