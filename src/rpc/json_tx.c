#include "src/rpc/json_tx.h"

#include <inttypes.h>
#include <stdio.h>

#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "src/rpc/json_write.h"
#include "wallet/script_type.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* Hands a heap string to jansson and frees ours. */
static json_t *json_string_take(char *s)
{
    json_t *v = json_string(s);
    mem_free(s);
    return v;
}

static json_t *json_hex(const uint8_t *p, size_t len)
{
    return json_string_take(hex_encode_alloc(p, len));
}

static json_t *json_hash(const struct hash256 *h)
{
    char hex[65];
    hash256_to_hex(hex, h);
    return json_string(hex);
}

static json_t *json_u64(uint64_t v)
{
    if (v <= INT64_MAX)
        return json_integer((json_int_t)v);
    char buf[24];
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return json_string(buf);
}

json_t *rpc_token_to_json(const struct token_prefix *p)
{
    json_t *o = json_object();
    char id[65];
    hex_encode_reversed(id, p->asset_id, 32);
    json_object_set_new(o, "kind", json_string(token_kind_name(p->kind)));
    json_object_set_new(o, "asset_id", json_string(id));
    switch (p->kind) {
    case TOKEN_KIND_TOKEN:
        json_object_set_new(o, "amount", json_u64(p->amount));
        break;
    case TOKEN_KIND_VAULT:
        json_object_set_new(o, "debt", json_u64(p->amount));
        break;
    case TOKEN_KIND_ISSUER:
        json_object_set_new(o, "flags", json_integer(p->flags));
        break;
    case TOKEN_KIND_ORACLE:
        json_object_set_new(o, "price", json_u64(p->price));
        break;
    }
    return o;
}

json_t *rpc_script_pubkey_to_json(json_t **token, const uint8_t *spk, size_t len, const struct rpc_tx_style *style)
{
    if (token)
        *token = NULL;
    const uint8_t *lock = spk;
    size_t lock_len = len;
    struct token_prefix prefix;
    size_t prefix_len;
    if (style->tokens && token_prefix_parse(&prefix, &prefix_len, spk, len) == TOKEN_PREFIX_OK) {
        lock = spk + prefix_len;
        lock_len = len - prefix_len;
        if (token)
            *token = rpc_token_to_json(&prefix);
    }
    json_t *o = json_object();
    json_object_set_new(o, "asm", json_string_take(script_to_asm(lock, lock_len, false)));
    json_object_set_new(o, "hex", json_hex(spk, len));
    if (style->address) {
        char *addr = style->address(style->address_ctx, lock, lock_len);
        if (addr)
            json_object_set_new(o, "address", json_string_take(addr));
    }
    json_object_set_new(o, "type", json_string(script_type_name(script_type_solve(lock, lock_len))));
    return o;
}

static json_t *input_to_json(const struct txin *in, bool coinbase)
{
    json_t *o = json_object();
    if (coinbase) {
        json_object_set_new(o, "coinbase", json_hex(in->script_sig.data, in->script_sig.len));
    } else {
        json_object_set_new(o, "txid", json_hash(&in->prevout.txid));
        json_object_set_new(o, "vout", json_integer(in->prevout.n));
        json_t *sig = json_object();
        json_object_set_new(sig, "asm", json_string_take(script_to_asm(in->script_sig.data, in->script_sig.len, true)));
        json_object_set_new(sig, "hex", json_hex(in->script_sig.data, in->script_sig.len));
        json_object_set_new(o, "scriptSig", sig);
    }
    if (in->witness.count > 0) {
        json_t *wit = json_array();
        for (size_t i = 0; i < in->witness.count; i++)
            json_array_append_new(wit, json_hex(in->witness.items[i].data, in->witness.items[i].len));
        json_object_set_new(o, "txinwitness", wit);
    }
    json_object_set_new(o, "sequence", json_integer(in->sequence));
    return o;
}

json_t *rpc_tx_to_json(const struct tx *tx, const struct rpc_tx_style *style, bool include_hex)
{
    json_t *o = json_object();
    json_object_set_new(o, "txid", json_hash(&tx->txid));
    json_object_set_new(o, "hash", json_hash(&tx->wtxid));
    json_object_set_new(o, "version", json_integer((uint32_t)tx->version));
    json_object_set_new(o, "size", json_integer((json_int_t)tx_size(tx, true)));
    json_object_set_new(o, "vsize", json_integer((json_int_t)tx_vsize(tx)));
    json_object_set_new(o, "weight", json_integer((json_int_t)tx_weight(tx)));
    json_object_set_new(o, "locktime", json_integer(tx->locktime));

    bool coinbase = tx_is_coinbase(tx);
    json_t *vin = json_array();
    for (size_t i = 0; i < tx->vin_count; i++)
        json_array_append_new(vin, input_to_json(&tx->vin[i], coinbase));
    json_object_set_new(o, "vin", vin);

    json_t *vout = json_array();
    for (size_t i = 0; i < tx->vout_count; i++) {
        const struct txout *out = &tx->vout[i];
        json_t *e = json_object();
        json_object_set_new(e, "value", rpc_json_amount(out->value));
        json_object_set_new(e, "n", json_integer((json_int_t)i));
        json_t *token;
        json_object_set_new(e, "scriptPubKey",
                            rpc_script_pubkey_to_json(&token, out->script_pubkey.data, out->script_pubkey.len, style));
        if (token)
            json_object_set_new(e, "token", token);
        json_array_append_new(vout, e);
    }
    json_object_set_new(o, "vout", vout);

    if (include_hex) {
        struct wbuf w;
        wbuf_init(&w);
        tx_serialize(&w, tx, true);
        json_object_set_new(o, "hex", json_hex(w.data, w.len));
        wbuf_clear(&w);
    }
    return o;
}
