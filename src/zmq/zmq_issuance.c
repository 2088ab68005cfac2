/* The bodies of the ZMQ "issuance" topic (src/zmq/zmq_issuance.h). */
#include "src/zmq/zmq_issuance.h"

#include <stdio.h>
#include <string.h>

#include "consensus/token_prefix.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static json_t *hash_json(const uint8_t *b)
{
    char hex[65];
    hex_encode_reversed(hex, b, 32);
    return json_string(hex);
}

static json_t *outpoint_json(const struct outpoint *op)
{
    char hex[65], text[80];
    hex_encode_reversed(hex, op->txid.b, 32);
    snprintf(text, sizeof(text), "%s:%u", hex, (unsigned)op->n);
    return json_string(text);
}

struct ctx {
    const struct chain_params *p;
    const struct tx *tx;
    const struct hash256 *block;
    int32_t height;
    bool connected;
    json_t *arr;
};

/* A new event object with the common fields and the asset's, appended to c->arr; returns it (borrowed). */
static json_t *event(struct ctx *c, const char *name, uint32_t asset)
{
    json_t *o = json_object();
    json_object_set_new(o, "event", json_string(name));
    json_object_set_new(o, "connected", json_boolean(c->connected));
    json_object_set_new(o, "txid", hash_json(c->tx->txid.b));
    json_object_set_new(o, "blockhash", hash_json(c->block->b));
    json_object_set_new(o, "height", json_integer(c->height));
    if (asset < c->p->asset_count) {
        json_object_set_new(o, "asset", json_string(c->p->assets[asset].ticker));
        json_object_set_new(o, "asset_id", hash_json(c->p->assets[asset].asset_id));
    }
    json_array_append_new(c->arr, o);
    return o;
}

static void set_vault(json_t *o, const char *prefix, const struct issuance_vault *v)
{
    char k[40];
    snprintf(k, sizeof(k), "%s", prefix);
    json_object_set_new(o, k, outpoint_json(&v->outpoint));
    snprintf(k, sizeof(k), "%s_collateral", prefix);
    json_object_set_new(o, k, json_integer(v->collateral));
    snprintf(k, sizeof(k), "%s_debt", prefix);
    json_object_set_new(o, k, json_integer((json_int_t)v->debt));
}

static uint32_t vault_asset(const struct issuance_effects *fx)
{
    return fx->has_vault_in ? fx->vault_in.asset : fx->has_vault_out ? fx->vault_out.asset : UINT32_MAX;
}

static void vault_open_events(struct ctx *c)
{
    const struct tx *tx = c->tx;
    for (size_t i = 0; i < tx->vout_count; i++) {
        const struct bytes *spk = &tx->vout[i].script_pubkey;
        struct token_prefix pfx;
        size_t plen;
        if (spk->len == 0 || token_prefix_parse(&pfx, &plen, spk->data, spk->len) != TOKEN_PREFIX_OK ||
            pfx.kind != TOKEN_KIND_VAULT)
            continue;
        uint32_t a = UINT32_MAX;
        for (size_t j = 0; j < c->p->asset_count; j++)
            if (!memcmp(c->p->assets[j].asset_id, pfx.asset_id, 32))
                a = (uint32_t)j;
        if (a == UINT32_MAX)
            continue;
        json_t *o = event(c, "vault_open", a);
        struct outpoint op = { tx->txid, (uint32_t)i };
        json_object_set_new(o, "vault", outpoint_json(&op));
        json_object_set_new(o, "collateral", json_integer(tx->vout[i].value));
        json_object_set_new(o, "debt", json_integer((json_int_t)pfx.amount));
        char *hex = hex_encode_alloc(spk->data + plen, spk->len - plen);
        json_object_set_new(o, "owner_script", json_string(hex));
        mem_free(hex);
    }
}

json_t *zmq_issuance_events(const struct chain_params *p, const struct tx *tx, const struct issuance_effects *fx,
                            const struct hash256 *block_hash, int32_t height, bool connected)
{
    struct ctx c = { p, tx, block_hash, height, connected, json_array() };
    uint32_t acts = fx->actions;
    if (acts & ISSUANCE_ACT_VAULT_OPEN)
        vault_open_events(&c);
    if (acts & (ISSUANCE_ACT_DEPOSIT | ISSUANCE_ACT_WITHDRAW) && fx->has_vault_in && fx->has_vault_out) {
        json_t *o = event(&c, (acts & ISSUANCE_ACT_DEPOSIT) ? "deposit" : "withdraw", vault_asset(fx));
        set_vault(o, "vault_in", &fx->vault_in);
        set_vault(o, "vault_out", &fx->vault_out);
    }
    for (uint32_t a = 0; a < fx->asset_count && a < ISSUANCE_MAX_ASSETS; a++) {
        const struct issuance_asset_effects *ae = &fx->asset[a];
        if ((acts & ISSUANCE_ACT_MINT) && ae->minted) {
            json_t *o = event(&c, "mint", a);
            json_object_set_new(o, "amount", json_integer((json_int_t)ae->minted));
            if (fx->has_vault_in)
                set_vault(o, "vault_in", &fx->vault_in);
            if (fx->has_vault_out)
                set_vault(o, "vault_out", &fx->vault_out);
        }
        if ((acts & ISSUANCE_ACT_REPAY) && ae->repaid && !(acts & ISSUANCE_ACT_LIQUIDATE)) {
            json_t *o = event(&c, "repay", a);
            json_object_set_new(o, "amount", json_integer((json_int_t)ae->repaid));
            if (fx->has_vault_in)
                set_vault(o, "vault_in", &fx->vault_in);
            if (fx->has_vault_out)
                set_vault(o, "vault_out", &fx->vault_out);
        }
    }
    if ((acts & ISSUANCE_ACT_LIQUIDATE) && fx->has_vault_in) {
        json_t *o = event(&c, "liquidation", fx->vault_in.asset);
        set_vault(o, "vault_in", &fx->vault_in);
        json_object_set_new(o, "seized", json_integer((json_int_t)fx->seized));
    }
    if ((acts & ISSUANCE_ACT_CLOSE) && fx->has_vault_in) {
        json_t *o = event(&c, "vault_close", fx->vault_in.asset);
        set_vault(o, "vault_in", &fx->vault_in);
    }
    for (uint32_t a = 0; a < fx->asset_count && a < ISSUANCE_MAX_ASSETS; a++) {
        const struct issuance_asset_effects *ae = &fx->asset[a];
        if ((acts & ISSUANCE_ACT_ORACLE_UPDATE) && ae->oracle_updated) {
            json_t *o = event(&c, "oracle_update", a);
            json_object_set_new(o, "oracle", outpoint_json(&ae->oracle));
            json_object_set_new(o, "price", json_integer((json_int_t)ae->price));
        }
        if ((acts & ISSUANCE_ACT_ISSUER_UPDATE) && ae->issuer_updated) {
            json_t *o = event(&c, "issuer_update", a);
            json_object_set_new(o, "issuer", outpoint_json(&ae->issuer));
            json_object_set_new(o, "flags", json_integer(ae->issuer_flags));
            json_object_set_new(o, "paused", json_boolean((ae->issuer_flags & TOKEN_ISSUER_FLAG_PAUSED) != 0));
        }
    }
    if (!connected) {
        size_t n = json_array_size(c.arr);
        json_t *rev = json_array();
        for (size_t i = n; i-- > 0;)
            json_array_append(rev, json_array_get(c.arr, i));
        json_decref(c.arr);
        c.arr = rev;
    }
    return c.arr;
}
