/* gettokenbalance and listtokenunspent (wallet/wallet_token.h). */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "consensus/token_prefix.h"
#include "issuance/issuance_state.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "wallet/token_coins.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_owner.h"
#include "wallet/wallet_token.h"

json_t *wallet_token_balance_json(struct wallet *w, int asset, int minconf)
{
    pthread_mutex_lock(&w->mu);
    uint64_t sum[ISSUANCE_MAX_ASSETS] = { 0 };
    struct wallet_token_coin *c;
    size_t n = wallet_token_coins(w, &c, minconf < 0 ? 0 : minconf, INT32_MAX);
    for (size_t i = 0; i < n; i++)
        if (c[i].safe && c[i].asset < ISSUANCE_MAX_ASSETS)
            sum[c[i].asset] += c[i].amount; /* unspent TOKEN amounts add up to at most the supply,
                                               which the debt ceiling (<= 2^53) bounds */
    mem_free(c);
    json_t *out;
    if (asset >= 0) {
        out = json_integer((json_int_t)sum[asset]);
    } else {
        out = json_object();
        for (size_t a = 0; a < w->params->asset_count && a < ISSUANCE_MAX_ASSETS; a++)
            json_object_set_new(out, w->params->assets[a].ticker, json_integer((json_int_t)sum[a]));
    }
    pthread_mutex_unlock(&w->mu);
    return out;
}

/* The label of addr ("" if none), from the wallet's in-memory labels. Wallet lock held. */
static void label_of(struct wallet *w, char *out, size_t cap, const char *addr)
{
    snprintf(out, cap, "%s", wallet_label_lookup(w, addr));
}

static bool address_wanted(const json_t *addresses, const char *addr)
{
    if (!addresses || json_array_size(addresses) == 0)
        return true;
    size_t k;
    const json_t *a;
    json_array_foreach(addresses, k, a) if (json_is_string(a) && !strcmp(json_string_value(a), addr)) return true;
    return false;
}

json_t *wallet_list_token_unspent(struct wallet *w, int minconf, int maxconf, const json_t *addresses, int asset,
                                  bool include_unsafe)
{
    pthread_mutex_lock(&w->mu);
    json_t *arr = json_array();
    struct wallet_token_coin *c;
    size_t n = wallet_token_coins(w, &c, minconf, maxconf);
    for (size_t i = 0; i < n; i++) {
        if ((asset >= 0 && c[i].asset != (uint32_t)asset) || (!c[i].safe && !include_unsafe))
            continue;
        char addr[ADDRESS_MAX_STRING];
        if (!address_from_script(addr, &w->params->address, c[i].owner->script, c[i].owner->len))
            addr[0] = '\0';
        if (!address_wanted(addresses, addr))
            continue;
        const struct chain_asset *a = &w->params->assets[c[i].asset];
        json_t *u = json_object();
        char hex[65];
        hash256_to_hex(hex, &c[i].op.txid);
        json_object_set_new(u, "txid", json_string(hex));
        json_object_set_new(u, "vout", json_integer(c[i].op.n));
        json_object_set_new(u, "address", json_string(addr));
        if (!w->descs[c[i].owner->desc].internal) {
            char label[256];
            label_of(w, label, sizeof(label), addr);
            json_object_set_new(u, "label", json_string(label));
        }
        json_object_set_new(u, "asset", json_string(a->ticker));
        hex_encode_reversed(hex, a->asset_id, 32);
        json_object_set_new(u, "asset_id", json_string(hex));
        json_object_set_new(u, "amount", json_integer((json_int_t)c[i].amount));
        json_object_set_new(u, "value", json_real((double)c[i].out->value / 1e8));
        char *spk = hex_encode_alloc(c[i].out->script_pubkey.data, c[i].out->script_pubkey.len);
        json_object_set_new(u, "scriptPubKey", json_string(spk));
        mem_free(spk);
        json_object_set_new(u, "confirmations", json_integer(c[i].depth));
        json_object_set_new(u, "spendable", json_boolean(c[i].spendable));
        json_object_set_new(u, "solvable", json_true());
        json_object_set_new(u, "desc", json_string(w->descs[c[i].owner->desc].pub_str));
        json_object_set_new(u, "safe", json_boolean(c[i].safe));
        json_object_set_new(u, "locked", json_boolean(c[i].locked));
        json_array_append_new(arr, u);
    }
    mem_free(c);
    pthread_mutex_unlock(&w->mu);
    return arr;
}

/* {"asset", "asset_id", "amount"} */
static json_t *token_obj(const struct chain_asset *a, int64_t amount)
{
    char id[65];
    hex_encode_reversed(id, a->asset_id, 32);
    return json_pack("{s:s,s:s,s:I}", "asset", a->ticker, "asset_id", id, "amount", (json_int_t)amount);
}

json_t *wallet_token_entry_json(const struct wallet *w, const struct txout *o, bool negative)
{
    struct token_prefix tp;
    size_t plen;
    if (!w->params->tokens_enabled ||
        token_prefix_parse(&tp, &plen, o->script_pubkey.data, o->script_pubkey.len) != TOKEN_PREFIX_OK ||
        tp.kind != TOKEN_KIND_TOKEN)
        return NULL;
    int a = issuance_asset_index(w->params->assets, w->params->asset_count, tp.asset_id);
    if (a < 0)
        return NULL;
    json_t *arr = json_array();
    json_array_append_new(arr, token_obj(&w->params->assets[a], negative ? -(int64_t)tp.amount : (int64_t)tp.amount));
    return arr;
}

/* Adds output o's tokens to net[] when the wallet owns o (sign: +1 / -1). */
static void tally(struct wallet *w, int64_t *net, bool *moved, const struct txout *o, int sign)
{
    struct token_prefix tp;
    bool prefixed;
    if (!wallet_find_owner(w, &tp, &prefixed, o->script_pubkey.data, o->script_pubkey.len) || !prefixed ||
        tp.kind != TOKEN_KIND_TOKEN)
        return;
    int a = issuance_asset_index(w->params->assets, w->params->asset_count, tp.asset_id);
    if (a < 0 || a >= ISSUANCE_MAX_ASSETS)
        return;
    net[a] += sign * (int64_t)tp.amount;
    moved[a] = true;
}

json_t *wallet_token_tx_json(struct wallet *w, const struct tx *tx)
{
    int64_t net[ISSUANCE_MAX_ASSETS] = { 0 };
    bool moved[ISSUANCE_MAX_ASSETS] = { false };
    for (size_t i = 0; i < tx->vout_count; i++)
        tally(w, net, moved, &tx->vout[i], 1);
    for (size_t i = 0; i < tx->vin_count && !tx_is_coinbase(tx); i++) {
        const struct wtx *p = wallet_find_tx(w, &tx->vin[i].prevout.txid);
        if (p && tx->vin[i].prevout.n < p->tx.vout_count)
            tally(w, net, moved, &p->tx.vout[tx->vin[i].prevout.n], -1);
    }
    json_t *arr = NULL;
    for (size_t a = 0; a < w->params->asset_count && a < ISSUANCE_MAX_ASSETS; a++) {
        if (!moved[a])
            continue;
        if (!arr)
            arr = json_array();
        json_array_append_new(arr, token_obj(&w->params->assets[a], net[a]));
    }
    return arr;
}
