/* The wallet's read-side and key-management calls, with results in Bitcoin
 * Core's JSON shapes (getwalletinfo, getnewaddress, getaddressinfo,
 * listdescriptors, importdescriptors, getbalances, listunspent,
 * listtransactions, gettransaction, lockunspent, listlockunspent). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "wallet/bip32.h"
#include "wallet/token_coins.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_owner.h"

static json_t *amount(int64_t v)
{
    /* Core prints amounts with 8 decimals; jansson's real keeps them exact enough
     * for display, and the RPC writer prints reals as given. */
    return json_real((double)v / 1e8);
}

static json_t *hash_json(const struct hash256 *h)
{
    char hex[65];
    hash256_to_hex(hex, h);
    return json_string(hex);
}

/* The address of an output: of its locking script, after any extension
 * prefix (a token or vault output is sent to an ordinary address). */
static void address_of(struct wallet *w, char out[ADDRESS_MAX_STRING], const uint8_t *s, size_t len)
{
    struct token_prefix tp;
    size_t plen;
    if (wallet_spk_prefixed(w, s, len) && token_prefix_parse(&tp, &plen, s, len) == TOKEN_PREFIX_OK) {
        s += plen;
        len -= plen;
    }
    if (!address_from_script(out, &w->params->address, s, len))
        out[0] = '\0';
}

json_t *wallet_info_json(struct wallet *w)
{
    pthread_mutex_lock(&w->mu);
    wallet_maybe_relock(w);
    json_t *o = json_object();
    json_object_set_new(o, "walletname", json_string(w->name));
    json_object_set_new(o, "walletversion", json_integer(169900));
    json_object_set_new(o, "format", json_string("sqlite"));
    json_object_set_new(o, "txcount", json_integer((json_int_t)w->ntxs));
    int64_t pool = 0, pool_int = 0;
    for (size_t i = 0; i < w->ndescs; i++) {
        const struct wdesc *d = &w->descs[i];
        if (!d->active || !d->range)
            continue;
        int64_t left = d->range_end - d->next_index;
        if (d->internal)
            pool_int += left;
        else
            pool += left;
    }
    json_object_set_new(o, "keypoolsize", json_integer(pool));
    json_object_set_new(o, "keypoolsize_hd_internal", json_integer(pool_int));
    if (w->encrypted)
        json_object_set_new(o, "unlocked_until", json_integer(w->unlocked ? w->relock_at : 0));
    json_object_set_new(o, "paytxfee", amount(wallet_context_options(w->ctx)->pay_tx_fee));
    json_object_set_new(o, "private_keys_enabled", json_boolean(!w->no_private_keys));
    json_object_set_new(o, "avoid_reuse", json_false());
    json_object_set_new(o, "scanning", json_false());
    json_object_set_new(o, "descriptors", json_true());
    json_object_set_new(o, "external_signer", json_false());
    json_object_set_new(o, "blank", json_boolean(w->ndescs == 0));
    json_object_set_new(o, "birthtime", json_integer(w->birth_time));
    json_t *lb = json_object();
    json_object_set_new(lb, "hash", hash_json(&w->best_hash));
    json_object_set_new(lb, "height", json_integer(w->best_height));
    json_object_set_new(o, "lastprocessedblock", lb);
    pthread_mutex_unlock(&w->mu);
    return o;
}

static bool find_active(struct wallet *w, size_t *out, const char *type, bool internal)
{
    for (size_t i = 0; i < w->ndescs; i++)
        if (w->descs[i].active && w->descs[i].internal == internal && !strcmp(w->descs[i].type, type)) {
            *out = i;
            return true;
        }
    return false;
}

bool wallet_new_address(struct wallet *w, struct wallet_error *e, char out[91], const char *type, bool change,
                        const char *label)
{
    if (!type)
        type = "bech32";
    if (strcmp(type, "legacy") && strcmp(type, "p2sh-segwit") && strcmp(type, "bech32") && strcmp(type, "bech32m"))
        return wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Unknown address type '%s'", type);
    pthread_mutex_lock(&w->mu);
    bool ok = false;
    size_t di;
    if (w->no_private_keys && w->ndescs == 0) {
        wallet_fail(e, WALLET_E_WALLET, "Error: This wallet has no available keys");
    } else if (!find_active(w, &di, type, change)) {
        wallet_fail(e, WALLET_E_WALLET, "Error: No %s addresses available.", type);
    } else if (wallet_db_begin(w, e)) {
        struct wdesc *d = &w->descs[di];
        int64_t idx = d->next_index;
        d->next_index++;
        ok = wallet_top_up(w, e, di);
        d = &w->descs[di];
        struct wbuf spk;
        wbuf_init(&spk);
        char err[256];
        ok = ok && descriptor_expand(d->pub, &spk, NULL, NULL, (uint32_t)idx, err, sizeof(err));
        if (ok) {
            address_of(w, out, spk.data, spk.len);
            ok = wallet_db_put_desc_pub(w, d);
            if (ok && label && !change) {
                sqlite3_stmt *st;
                ok = sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO labels(address, label) VALUES (?, ?)", -1, &st,
                                        NULL) == SQLITE_OK;
                if (ok) {
                    sqlite3_bind_text(st, 1, out, -1, SQLITE_STATIC);
                    sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
                    ok = sqlite3_step(st) == SQLITE_DONE;
                    sqlite3_finalize(st);
                }
            }
        }
        wbuf_clear(&spk);
        if (label && !change)
            wallet_labels_invalidate(w);
        if (ok)
            ok = wallet_db_commit(w, e);
        else {
            wallet_db_rollback(w);
            d->next_index = idx;
            if (!e->code)
                wallet_fail(e, WALLET_E_WALLET, "Error: cannot derive an address");
        }
    }
    pthread_mutex_unlock(&w->mu);
    return ok;
}

/* The label of addr ("" if none), copied so it outlives a label change. Wallet lock held. */
static const char *label_of(struct wallet *w, const char *addr)
{
    static __thread char buf[256];
    snprintf(buf, sizeof(buf), "%s", wallet_label_lookup(w, addr));
    return buf;
}

json_t *wallet_address_info(struct wallet *w, struct wallet_error *e, const char *address)
{
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t len;
    if (!address_to_script(spk, &len, &w->params->address, address))
        return wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Invalid address"), NULL;
    pthread_mutex_lock(&w->mu);
    json_t *o = json_object();
    json_object_set_new(o, "address", json_string(address));
    char *hx = hex_encode_alloc(spk, len);
    json_object_set_new(o, "scriptPubKey", json_string(hx));
    mem_free(hx);
    const struct spkent *s = wallet_find_spk(w, spk, len);
    json_object_set_new(o, "ismine", json_boolean(s != NULL));
    json_object_set_new(o, "solvable", json_boolean(s != NULL));
    if (s) {
        const struct wdesc *d = &w->descs[s->desc];
        struct descriptor_key_info info;
        struct wbuf tmp;
        wbuf_init(&tmp);
        char err[256];
        if (descriptor_expand(d->pub, &tmp, NULL, &info, s->index, err, sizeof(err)) && info.have) {
            char pk[131], fp[9], path[400];
            hex_encode(pk, info.pubkey, info.pubkey_len);
            json_object_set_new(o, "pubkey", json_string(pk));
            if (info.have_origin) {
                hex_encode(fp, info.fp, 4);
                bip32_path_format(path, sizeof(path), info.path, info.path_len, false);
                char full[420];
                snprintf(full, sizeof(full), "m%s", path);
                json_object_set_new(o, "hdkeypath", json_string(full));
                json_object_set_new(o, "hdmasterfingerprint", json_string(fp));
                /* the address's own descriptor with its origin (Core's InferDescriptor) */
                const char *ot = descriptor_output_type(d->pub);
                const char *fmt = !ot ? NULL
                                  : !strcmp(ot, "legacy") ? "pkh([%s%s]%s)"
                                  : !strcmp(ot, "p2sh-segwit") ? "sh(wpkh([%s%s]%s))"
                                  : !strcmp(ot, "bech32") ? "wpkh([%s%s]%s)"
                                                          : "tr([%s%s]%s)";
                if (fmt) {
                    char body[700];
                    snprintf(body, sizeof(body), fmt, fp, path, pk);
                    char *cs = descriptor_add_checksum(body);
                    if (cs)
                        json_object_set_new(o, "desc", json_string(cs));
                    mem_free(cs);
                }
            }
        }
        wbuf_clear(&tmp);
        json_object_set_new(o, "parent_desc", json_string(d->pub_str));
        json_object_set_new(o, "ischange", json_boolean(d->internal));
    } else {
        json_object_set_new(o, "ischange", json_false());
    }
    json_object_set_new(o, "iswatchonly", json_false());
    json_object_set_new(o, "isscript", json_boolean(len == 23 || (len == 34 && spk[0] == 0 && spk[1] == 32)));
    json_object_set_new(o, "iswitness", json_boolean(spk[0] == 0 || (spk[0] >= 0x51 && spk[0] <= 0x60 && len >= 4)));
    if (spk[0] == 0 || (spk[0] >= 0x51 && spk[0] <= 0x60 && len >= 4)) {
        json_object_set_new(o, "witness_version", json_integer(spk[0] == 0 ? 0 : spk[0] - 0x50));
        char *prog = hex_encode_alloc(spk + 2, len - 2);
        json_object_set_new(o, "witness_program", json_string(prog));
        mem_free(prog);
    }
    json_t *labels = json_array();
    const char *lab = label_of(w, address);
    if (s && !w->descs[s->desc].internal)
        json_array_append_new(labels, json_string(lab));
    json_object_set_new(o, "labels", labels);
    pthread_mutex_unlock(&w->mu);
    return o;
}

json_t *wallet_list_descriptors(struct wallet *w, struct wallet_error *e, bool priv)
{
    pthread_mutex_lock(&w->mu);
    json_t *out = NULL;
    if (priv && w->no_private_keys) {
        wallet_fail(e, WALLET_E_WALLET, "Can't get descriptor string.");
        goto done;
    }
    if (priv && !wallet_check_unlocked(w, e))
        goto done;
    out = json_object();
    json_object_set_new(out, "wallet_name", json_string(w->name));
    json_t *arr = json_array();
    for (size_t i = 0; i < w->ndescs; i++) {
        const struct wdesc *d = &w->descs[i];
        json_t *o = json_object();
        char *s = priv && d->priv ? descriptor_to_string(d->priv, w->params, true) : NULL;
        json_object_set_new(o, "desc", json_string(s ? s : d->pub_str));
        if (s)
            crypter_free_secret(s, strlen(s) + 1);
        json_object_set_new(o, "timestamp", json_integer(d->timestamp));
        json_object_set_new(o, "active", json_boolean(d->active));
        if (d->active)
            json_object_set_new(o, "internal", json_boolean(d->internal));
        if (d->range) {
            json_t *r = json_array();
            json_array_append_new(r, json_integer(0));
            json_array_append_new(r, json_integer(d->range_end - 1));
            json_object_set_new(o, "range", r);
            json_object_set_new(o, "next", json_integer(d->next_index));
            json_object_set_new(o, "next_index", json_integer(d->next_index));
        }
        json_array_append_new(arr, o);
    }
    json_object_set_new(out, "descriptors", arr);
done:
    pthread_mutex_unlock(&w->mu);
    return out;
}

json_t *wallet_balances_json(struct wallet *w, int64_t *trusted_out)
{
    pthread_mutex_lock(&w->mu);
    int64_t trusted = 0, pending = 0, immature = 0;
    for (size_t i = 0; i < w->ntxs; i++) {
        const struct wtx *t = w->txs[i];
        int depth = wallet_tx_depth(w, t);
        if (depth < 0 || (depth == 0 && t->abandoned))
            continue;
        bool is_trusted = wallet_tx_trusted(w, t);
        bool cb = tx_is_coinbase(&t->tx);
        for (size_t n = 0; n < t->tx.vout_count; n++) {
            const struct txout *o = &t->tx.vout[n];
            if (!wallet_find_spk(w, o->script_pubkey.data, o->script_pubkey.len))
                continue;
            struct outpoint op = { t->tx.txid, (uint32_t)n };
            if (wallet_is_spent(w, &op))
                continue;
            if (cb && !chain_params_coin_mature(w->params, true, t->height, w->best_height + 1))
                immature += o->value;
            else if (is_trusted)
                trusted += o->value;
            else if (depth == 0)
                pending += o->value;
        }
    }
    json_t *mine = json_object();
    json_object_set_new(mine, "trusted", amount(trusted));
    json_object_set_new(mine, "untrusted_pending", amount(pending));
    json_object_set_new(mine, "immature", amount(immature));
    json_t *o = json_object();
    json_object_set_new(o, "mine", mine);
    json_t *lb = json_object();
    json_object_set_new(lb, "hash", hash_json(&w->best_hash));
    json_object_set_new(lb, "height", json_integer(w->best_height));
    json_object_set_new(o, "lastprocessedblock", lb);
    if (trusted_out)
        *trusted_out = trusted;
    pthread_mutex_unlock(&w->mu);
    return o;
}

json_t *wallet_list_unspent(struct wallet *w, struct wallet_error *e, int minconf, int maxconf,
                            const json_t *addresses, bool include_unsafe)
{
    (void)e;
    pthread_mutex_lock(&w->mu);
    json_t *arr = json_array();
    for (size_t i = 0; i < w->ntxs; i++) {
        const struct wtx *t = w->txs[i];
        int depth = wallet_tx_depth(w, t);
        if (depth < minconf || depth > maxconf || depth < 0 || (depth == 0 && t->abandoned))
            continue;
        bool safe = wallet_tx_trusted(w, t);
        if (!safe && !include_unsafe)
            continue;
        if (tx_is_coinbase(&t->tx) && !chain_params_coin_mature(w->params, true, t->height, w->best_height + 1))
            continue;
        for (size_t n = 0; n < t->tx.vout_count; n++) {
            const struct txout *o = &t->tx.vout[n];
            const struct spkent *s = wallet_find_spk(w, o->script_pubkey.data, o->script_pubkey.len);
            if (!s)
                continue;
            struct outpoint op = { t->tx.txid, (uint32_t)n };
            if (wallet_is_spent(w, &op))
                continue;
            char addr[ADDRESS_MAX_STRING];
            address_of(w, addr, o->script_pubkey.data, o->script_pubkey.len);
            if (addresses && json_array_size(addresses)) {
                bool keep = false;
                size_t k;
                json_t *a;
                json_array_foreach(addresses, k, a) if (json_is_string(a) && !strcmp(json_string_value(a), addr)) keep = true;
                if (!keep)
                    continue;
            }
            json_t *u = json_object();
            json_object_set_new(u, "txid", hash_json(&t->tx.txid));
            json_object_set_new(u, "vout", json_integer((json_int_t)n));
            json_object_set_new(u, "address", json_string(addr));
            if (!w->descs[s->desc].internal)
                json_object_set_new(u, "label", json_string(label_of(w, addr)));
            char *hx = hex_encode_alloc(o->script_pubkey.data, o->script_pubkey.len);
            json_object_set_new(u, "scriptPubKey", json_string(hx));
            mem_free(hx);
            json_object_set_new(u, "amount", amount(o->value));
            json_object_set_new(u, "confirmations", json_integer(depth));
            json_object_set_new(u, "spendable", json_boolean(w->descs[s->desc].secret != NULL));
            json_object_set_new(u, "solvable", json_true());
            json_object_set_new(u, "desc", json_string(w->descs[s->desc].pub_str));
            json_object_set_new(u, "parent_descs", json_pack("[s]", w->descs[s->desc].pub_str));
            json_object_set_new(u, "safe", json_boolean(safe));
            json_object_set_new(u, "locked", json_boolean(wallet_is_locked_coin(w, &op)));
            json_array_append_new(arr, u);
        }
    }
    pthread_mutex_unlock(&w->mu);
    return arr;
}

/* Net effect of t on the wallet: credit (our outputs), debit (our inputs),
 * in HMC, counting the HMC that our token and vault outputs carry too (a
 * vault's collateral in and out nets to zero). from_me: an input is ours. */
static void credit_debit(struct wallet *w, const struct wtx *t, int64_t *credit, int64_t *debit, bool *from_me)
{
    *credit = *debit = 0;
    *from_me = false;
    for (size_t n = 0; n < t->tx.vout_count; n++)
        if (wallet_find_owner(w, NULL, NULL, t->tx.vout[n].script_pubkey.data, t->tx.vout[n].script_pubkey.len))
            *credit += t->tx.vout[n].value;
    for (size_t i = 0; i < t->tx.vin_count && !tx_is_coinbase(&t->tx); i++) {
        const struct wtx *p = wallet_find_tx(w, &t->tx.vin[i].prevout.txid);
        if (p && t->tx.vin[i].prevout.n < p->tx.vout_count) {
            const struct txout *o = &p->tx.vout[t->tx.vin[i].prevout.n];
            if (wallet_find_owner(w, NULL, NULL, o->script_pubkey.data, o->script_pubkey.len)) {
                *debit += o->value;
                *from_me = true;
            }
        }
    }
}

static int64_t tx_fee(struct wallet *w, const struct wtx *t, bool *known)
{
    int64_t in = 0, out = 0;
    *known = !tx_is_coinbase(&t->tx);
    for (size_t i = 0; i < t->tx.vin_count && *known; i++) {
        const struct wtx *p = wallet_find_tx(w, &t->tx.vin[i].prevout.txid);
        if (!p || t->tx.vin[i].prevout.n >= p->tx.vout_count)
            *known = false;
        else
            in += p->tx.vout[t->tx.vin[i].prevout.n].value;
    }
    for (size_t n = 0; n < t->tx.vout_count; n++)
        out += t->tx.vout[n].value;
    return *known ? in - out : 0;
}

static void common_fields(struct wallet *w, json_t *o, const struct wtx *t)
{
    int depth = wallet_tx_depth(w, t);
    json_object_set_new(o, "confirmations", json_integer(depth));
    if (tx_is_coinbase(&t->tx))
        json_object_set_new(o, "generated", json_true());
    if (depth == 0)
        json_object_set_new(o, "trusted", json_boolean(wallet_tx_trusted(w, t)));
    if (t->height >= 0) {
        json_object_set_new(o, "blockhash", hash_json(&t->block_hash));
        json_object_set_new(o, "blockheight", json_integer(t->height));
        json_object_set_new(o, "blocktime", json_integer(t->block_time));
    }
    json_object_set_new(o, "txid", hash_json(&t->tx.txid));
    json_object_set_new(o, "wtxid", hash_json(&t->tx.wtxid));
    json_t *conf = json_array();
    if (t->conflict_height >= 0)
        json_array_append_new(conf, json_string("(conflicted by a block)"));
    json_object_set_new(o, "walletconflicts", conf);
    bool rbf = false;
    for (size_t i = 0; i < t->tx.vin_count; i++)
        rbf |= t->tx.vin[i].sequence < 0xfffffffe;
    json_object_set_new(o, "bip125-replaceable", json_string(depth != 0 ? "no" : rbf ? "yes" : "unknown"));
    json_object_set_new(o, "time", json_integer(t->time_received));
    json_object_set_new(o, "timereceived", json_integer(t->time_received));
    if (t->abandoned)
        json_object_set_new(o, "abandoned", json_true());
}

/* Core's ListTransactions entries of one transaction into arr. include_change:
 * also list the outputs to the wallet's change addresses (HMC or token change),
 * as "send" and "receive", as Core's CachedTxGetAmounts(include_change). */
static void tx_entries(struct wallet *w, json_t *arr, const struct wtx *t, bool with_common, bool include_change)
{
    int64_t credit, debit;
    bool from_me;
    credit_debit(w, t, &credit, &debit, &from_me);
    bool fee_known;
    int64_t fee = tx_fee(w, t, &fee_known);
    int depth = wallet_tx_depth(w, t);
    if (from_me) {
        for (size_t n = 0; n < t->tx.vout_count; n++) {
            const struct txout *o = &t->tx.vout[n];
            bool prefixed;
            const struct spkent *s = wallet_find_owner(w, NULL, &prefixed, o->script_pubkey.data, o->script_pubkey.len);
            bool change = s && w->descs[s->desc].internal;
            if ((change && !include_change) || (s && prefixed && !change))
                continue; /* change (HMC or token); tokens or a vault the wallet keeps are only "receive" */
            json_t *e = json_object();
            char addr[ADDRESS_MAX_STRING];
            address_of(w, addr, o->script_pubkey.data, o->script_pubkey.len);
            if (addr[0])
                json_object_set_new(e, "address", json_string(addr));
            json_object_set_new(e, "category", json_string("send"));
            json_object_set_new(e, "amount", amount(-o->value));
            json_object_set_new(e, "vout", json_integer((json_int_t)n));
            json_object_set_new(e, "fee", amount(fee_known ? -fee : 0));
            json_t *tok = wallet_token_entry_json(w, o, true);
            if (tok)
                json_object_set_new(e, "tokens", tok);
            json_object_set_new(e, "abandoned", json_boolean(t->abandoned));
            if (with_common)
                common_fields(w, e, t);
            json_array_append_new(arr, e);
        }
    }
    for (size_t n = 0; n < t->tx.vout_count; n++) {
        const struct txout *o = &t->tx.vout[n];
        const struct spkent *s = wallet_find_owner(w, NULL, NULL, o->script_pubkey.data, o->script_pubkey.len);
        if (!s || (from_me && w->descs[s->desc].internal && !include_change))
            continue;
        json_t *e = json_object();
        char addr[ADDRESS_MAX_STRING];
        address_of(w, addr, o->script_pubkey.data, o->script_pubkey.len);
        json_object_set_new(e, "address", json_string(addr));
        const char *cat = "receive";
        if (tx_is_coinbase(&t->tx))
            cat = depth < 1 ? "orphan"
                  : !chain_params_coin_mature(w->params, true, t->height, w->best_height + 1) ? "immature"
                                                                                              : "generate";
        json_object_set_new(e, "category", json_string(cat));
        json_object_set_new(e, "amount", amount(o->value));
        json_object_set_new(e, "label", json_string(label_of(w, addr)));
        json_object_set_new(e, "vout", json_integer((json_int_t)n));
        json_t *tok = wallet_token_entry_json(w, o, false);
        if (tok)
            json_object_set_new(e, "tokens", tok);
        if (with_common)
            common_fields(w, e, t);
        json_array_append_new(arr, e);
    }
}

json_t *wallet_list_transactions(struct wallet *w, int count, int skip)
{
    pthread_mutex_lock(&w->mu);
    json_t *all = json_array();
    for (size_t i = 0; i < w->ntxs; i++)
        tx_entries(w, all, w->txs[i], true, false);
    /* the last `count` entries before the last `skip`, oldest first (Core) */
    size_t n = json_array_size(all);
    size_t end = (size_t)skip >= n ? 0 : n - (size_t)skip;
    size_t start = end > (size_t)count ? end - (size_t)count : 0;
    json_t *out = json_array();
    for (size_t i = start; i < end; i++)
        json_array_append(out, json_array_get(all, i));
    json_decref(all);
    pthread_mutex_unlock(&w->mu);
    return out;
}

json_t *wallet_get_transaction(struct wallet *w, struct wallet_error *e, const struct hash256 *txid, bool verbose)
{
    (void)verbose;
    pthread_mutex_lock(&w->mu);
    const struct wtx *t = wallet_find_tx(w, txid);
    json_t *o = NULL;
    if (!t) {
        wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Invalid or non-wallet transaction id");
        goto done;
    }
    int64_t credit, debit;
    bool from_me, fee_known;
    credit_debit(w, t, &credit, &debit, &from_me);
    int64_t fee = tx_fee(w, t, &fee_known);
    o = json_object();
    json_object_set_new(o, "amount", amount(credit - debit + (from_me && fee_known ? fee : 0)));
    if (from_me && fee_known)
        json_object_set_new(o, "fee", amount(-fee));
    json_t *tok = wallet_token_tx_json(w, &t->tx);
    if (tok)
        json_object_set_new(o, "tokens", tok);
    common_fields(w, o, t);
    json_t *details = json_array();
    tx_entries(w, details, t, false, false);
    json_object_set_new(o, "details", details);
    struct wbuf raw;
    wbuf_init(&raw);
    tx_serialize(&raw, &t->tx, true);
    char *hx = hex_encode_alloc(raw.data, raw.len);
    json_object_set_new(o, "hex", json_string(hx));
    mem_free(hx);
    wbuf_clear(&raw);
done:
    pthread_mutex_unlock(&w->mu);
    return o;
}

bool wallet_lock_unspent(struct wallet *w, struct wallet_error *e, bool unlock, const json_t *outputs, bool persistent)
{
    pthread_mutex_lock(&w->mu);
    bool ok = wallet_db_begin(w, e);
    if (!ok)
        goto done;
    if (unlock && !outputs) {
        w->nlocked = 0;
        ok = sqlite3_exec(w->db, "DELETE FROM locked", NULL, NULL, NULL) == SQLITE_OK;
        goto commit;
    }
    size_t i;
    json_t *o;
    struct outpoint *ops = mem_calloc(json_array_size(outputs) + 1, sizeof(*ops));
    size_t nops = 0;
    json_array_foreach(outputs, i, o)
    {
        json_t *tid = json_object_get(o, "txid"), *vout = json_object_get(o, "vout");
        if (!json_is_object(o) || !json_is_string(tid) || !json_is_integer(vout)) {
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid parameter, expected object with txid and vout");
            break;
        }
        const char *s = json_string_value(tid);
        if (strlen(s) != 64 || !hex_is_valid(s)) {
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "txid must be of length 64 (not %zu, for '%s')", strlen(s), s);
            break;
        }
        if (json_integer_value(vout) < 0) {
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid parameter, vout cannot be negative");
            break;
        }
        struct outpoint op;
        uint8_t b[32];
        size_t bl;
        if (!hex_decode(b, 32, &bl, s)) {
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "txid must be hexadecimal string (not '%s')", s);
            break;
        }
        for (int k = 0; k < 32; k++)
            op.txid.b[k] = b[31 - k];
        op.n = (uint32_t)json_integer_value(vout);
        const struct wtx *t = wallet_find_tx(w, &op.txid);
        if (!t) {
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid parameter, unknown transaction");
            break;
        }
        if (op.n >= t->tx.vout_count) {
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid parameter, vout index out of bounds");
            break;
        }
        if (!unlock && wallet_is_spent(w, &op)) {
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid parameter, expected unspent output");
            break;
        }
        bool is_locked = wallet_is_locked_coin(w, &op);
        if (unlock && !is_locked) {
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid parameter, expected locked output");
            break;
        }
        if (!unlock && is_locked) {
            ok = wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid parameter, output already locked");
            break;
        }
        ops[nops++] = op;
    }
    for (size_t k = 0; ok && k < nops; k++) {
        sqlite3_stmt *st;
        if (unlock) {
            for (size_t j = 0; j < w->nlocked; j++)
                if (w->locked[j].n == ops[k].n && hash256_eq(&w->locked[j].txid, &ops[k].txid)) {
                    w->locked[j] = w->locked[--w->nlocked];
                    break;
                }
            if (sqlite3_prepare_v2(w->db, "DELETE FROM locked WHERE txid=? AND n=?", -1, &st, NULL) == SQLITE_OK) {
                sqlite3_bind_blob(st, 1, ops[k].txid.b, 32, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, ops[k].n);
                sqlite3_step(st);
                sqlite3_finalize(st);
            }
        } else {
            w->locked = mem_realloc(w->locked, (w->nlocked + 1) * sizeof(*w->locked));
            w->locked[w->nlocked++] = ops[k];
            if (persistent &&
                sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO locked(txid, n) VALUES (?,?)", -1, &st, NULL) ==
                    SQLITE_OK) {
                sqlite3_bind_blob(st, 1, ops[k].txid.b, 32, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, ops[k].n);
                ok = sqlite3_step(st) == SQLITE_DONE;
                sqlite3_finalize(st);
            }
        }
    }
    mem_free(ops);
commit:
    if (ok)
        ok = wallet_db_commit(w, e);
    else
        wallet_db_rollback(w);
done:
    pthread_mutex_unlock(&w->mu);
    return ok;
}

json_t *wallet_list_locked(struct wallet *w)
{
    pthread_mutex_lock(&w->mu);
    json_t *arr = json_array();
    for (size_t i = 0; i < w->nlocked; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "txid", hash_json(&w->locked[i].txid));
        json_object_set_new(o, "vout", json_integer(w->locked[i].n));
        json_array_append_new(arr, o);
    }
    pthread_mutex_unlock(&w->mu);
    return arr;
}

bool wallet_abandon(struct wallet *w, struct wallet_error *e, const struct hash256 *txid)
{
    pthread_mutex_lock(&w->mu);
    struct wtx *t = wallet_find_tx(w, txid);
    bool ok = false;
    if (!t)
        wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Invalid or non-wallet transaction id");
    else if (wallet_tx_depth(w, t) != 0 || t->in_mempool)
        wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Transaction not eligible for abandonment");
    else if (wallet_db_begin(w, e)) {
        t->abandoned = true;
        ok = wallet_db_put_tx(w, t) ? wallet_db_commit(w, e) : (wallet_db_rollback(w), false);
    }
    pthread_mutex_unlock(&w->mu);
    return ok;
}

json_t *wallet_import_descriptor(struct wallet *w, const json_t *req)
{
    struct wallet_error e = { 0, "" };
    json_t *res = json_object();
    const char *ds = json_string_value(json_object_get(req, "desc"));
    bool ok = false;
    pthread_mutex_lock(&w->mu);
    if (!ds) {
        wallet_fail(&e, WALLET_E_TYPE, "Descriptor not found.");
        goto out;
    }
    char err[256];
    struct descriptor *d;
    if (!descriptor_parse(&d, ds, w->params, true, err, sizeof(err))) {
        wallet_fail(&e, WALLET_E_INVALID_ADDRESS, "%s", err);
        goto out;
    }
    bool range = descriptor_is_range(d), has_priv = descriptor_has_private(d);
    const char *ot = descriptor_output_type(d);
    descriptor_free(d);
    json_t *jr = json_object_get(req, "range");
    int64_t rstart = 0, rend = 1000;
    if (jr && !range) {
        wallet_fail(&e, WALLET_E_INVALID_PARAMETER, "Range should not be specified for an un-ranged descriptor");
        goto out;
    }
    if (json_is_integer(jr)) {
        rend = json_integer_value(jr) + 1;
    } else if (json_is_array(jr) && json_array_size(jr) == 2) {
        rstart = json_integer_value(json_array_get(jr, 0));
        rend = json_integer_value(json_array_get(jr, 1)) + 1;
    }
    if (rstart < 0 || rend <= rstart || rend > 0x7fffffff || rend - rstart > 1000000) {
        wallet_fail(&e, WALLET_E_INVALID_PARAMETER, "Range specified as [begin,end] must not have begin after end");
        goto out;
    }
    bool active = json_is_true(json_object_get(req, "active"));
    bool internal = json_is_true(json_object_get(req, "internal"));
    if (active && !range) {
        wallet_fail(&e, WALLET_E_INVALID_PARAMETER, "Active descriptors must be ranged");
        goto out;
    }
    if (has_priv && w->no_private_keys) {
        wallet_fail(&e, WALLET_E_MISC, "Cannot import private keys to a wallet with private keys disabled");
        goto out;
    }
    if (!has_priv && !w->no_private_keys && w->ndescs > 0) {
        /* Core refuses watch-only descriptors in a wallet with private keys */
        wallet_fail(&e, WALLET_E_WALLET, "Cannot import descriptor without private keys to a wallet with private keys enabled");
        goto out;
    }
    if (has_priv && !wallet_check_unlocked(w, &e))
        goto out;
    struct wdesc nd;
    if (!make_desc_public(w, &e, &nd, ds))
        goto out;
    nd.active = active;
    nd.internal = internal;
    if (active && ot)
        snprintf(nd.type, sizeof(nd.type), "%s", ot);
    nd.next_index = rstart;
    nd.range_end = range ? rstart : 0;
    json_t *ts = json_object_get(req, "timestamp");
    nd.timestamp = json_is_integer(ts) ? json_integer_value(ts) : wallet_now();
    if (!wallet_db_begin(w, &e)) {
        free_desc_public(&nd);
        goto out;
    }
    /* an active descriptor of the same type and side stops being active */
    for (size_t i = 0; active && i < w->ndescs; i++) {
        struct wdesc *o = &w->descs[i];
        if (o->active && o->internal == internal && !strcmp(o->type, nd.type)) {
            o->active = false;
            o->type[0] = '\0';
            wallet_db_put_desc_pub(w, o);
        }
    }
    size_t di = add_desc_public(w, &nd);
    struct wdesc *dd = &w->descs[di];
    if (range) {
        int64_t want = rend > rstart + wallet_context_options(w->ctx)->keypool ? rend : rstart + wallet_context_options(w->ctx)->keypool;
        ok = derive_public(w, &e, di, rstart, want);
        dd = &w->descs[di];
        dd->range_end = want;
    } else {
        ok = derive_public(w, &e, di, 0, 1);
        dd = &w->descs[di];
    }
    ok = ok && wallet_db_insert_desc(w, dd);
    ok = ok ? wallet_db_commit(w, &e) : (wallet_db_rollback(w), false);
out:
    pthread_mutex_unlock(&w->mu);
    if (ok && w->chain) {
        /* rescan from the timestamp: "now" skips it (Core) */
        json_t *ts0 = json_object_get(req, "timestamp");
        if (json_is_integer(ts0) && json_integer_value(ts0) == 0) {
            struct wallet_error e2;
            json_t *r = wallet_rescan(w, &e2, 0, -1);
            json_decref(r);
        }
    }
    json_object_set_new(res, "success", json_boolean(ok));
    if (!ok) {
        json_t *je = json_object();
        json_object_set_new(je, "code", json_integer(e.code ? e.code : WALLET_E_WALLET));
        json_object_set_new(je, "message", json_string(e.message));
        json_object_set_new(res, "error", je);
    }
    return res;
}

/* For the wallet's other JSON files (wallet_labels.c). */
void wallet_json_tx_entries(struct wallet *w, json_t *arr, const struct wtx *t, bool include_change)
{
    tx_entries(w, arr, t, true, include_change);
}

const char *wallet_json_label_of(struct wallet *w, const char *address)
{
    return label_of(w, address);
}
