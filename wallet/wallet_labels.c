/* Labels and received amounts (Core's setlabel, listlabels,
 * getreceivedbyaddress, listreceivedbyaddress), listsinceblock and
 * signmessage. The labels table is the wallet's address book: getnewaddress
 * files every receive address there (label "" by default), setlabel any
 * address, ours ("receive") or not ("send"). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/address.h"
#include "src/crypto/keys.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "wallet/key_io.h"
#include "wallet/tx_sign.h"
#include "wallet/wallet_internal.h"

static json_t *amount(int64_t v)
{
    return json_real((double)v / 1e8);
}

/* One row of the labels table, kept in memory. */
struct wlabel {
    char *address;
    char *label;
};

static int cmp_wlabel(const void *a, const void *b)
{
    return strcmp(((const struct wlabel *)a)->address, ((const struct wlabel *)b)->address);
}

void wallet_labels_invalidate(struct wallet *w)
{
    for (size_t i = 0; i < w->nlabels; i++) {
        mem_free(w->labels[i].address);
        mem_free(w->labels[i].label);
    }
    mem_free(w->labels);
    w->labels = NULL;
    w->nlabels = 0;
    w->labels_loaded = false;
}

/* Reads the whole table once (one query) and sorts it for binary search. */
static void labels_load(struct wallet *w)
{
    size_t cap = 16;
    w->labels = mem_calloc(cap, sizeof(*w->labels));
    w->nlabels = 0;
    w->labels_loaded = true;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(w->db, "SELECT address, label FROM labels", -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(st, 0);
        const char *l = (const char *)sqlite3_column_text(st, 1);
        if (!a)
            continue;
        if (w->nlabels == cap)
            w->labels = mem_realloc(w->labels, (cap *= 2) * sizeof(*w->labels));
        w->labels[w->nlabels].address = mem_strdup(a);
        w->labels[w->nlabels].label = mem_strdup(l ? l : "");
        w->nlabels++;
    }
    sqlite3_finalize(st);
    qsort(w->labels, w->nlabels, sizeof(*w->labels), cmp_wlabel);
}

const char *wallet_label_lookup(struct wallet *w, const char *address)
{
    if (!w->labels_loaded)
        labels_load(w);
    struct wlabel key = { (char *)address, NULL };
    const struct wlabel *hit = w->nlabels ? bsearch(&key, w->labels, w->nlabels, sizeof(key), cmp_wlabel) : NULL;
    return hit ? hit->label : "";
}

/* Out: the script of address (of the wallet's chain). Returns false with Core's -5. */
static bool script_of(struct wallet *w, struct wallet_error *e, uint8_t spk[ADDRESS_MAX_SCRIPT], size_t *len,
                      const char *address)
{
    if (!address || !address_to_script(spk, len, &w->params->address, address))
        return wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Invalid hashmint address");
    return true;
}

bool wallet_set_label(struct wallet *w, struct wallet_error *e, const char *address, const char *label)
{
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t len;
    if (!script_of(w, e, spk, &len, address))
        return false;
    if (!strcmp(label, "*"))
        return wallet_fail(e, WALLET_E_INVALID_LABEL, "Invalid label name");
    pthread_mutex_lock(&w->mu);
    bool ok = wallet_db_begin(w, e);
    if (ok) {
        sqlite3_stmt *st;
        ok = sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO labels(address, label) VALUES (?, ?)", -1, &st, NULL) ==
             SQLITE_OK;
        if (ok) {
            sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
            ok = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_finalize(st);
        }
        if (ok)
            ok = wallet_db_commit(w, e);
        else {
            wallet_db_rollback(w);
            wallet_fail(e, WALLET_E_DATABASE, "Error: cannot write the label");
        }
        wallet_labels_invalidate(w);
    }
    pthread_mutex_unlock(&w->mu);
    return ok;
}

/* One address-book entry. */
struct book_entry {
    char address[ADDRESS_MAX_STRING];
    char *label;
    bool mine;
};

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct book_entry *)a)->address, ((const struct book_entry *)b)->address);
}

/* Out: *out (free with book_free), sorted by address. Wallet lock held. */
static size_t book_read(struct wallet *w, struct book_entry **out)
{
    size_t n = 0, cap = 16;
    *out = mem_calloc(cap, sizeof(**out));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(w->db, "SELECT address, label FROM labels", -1, &st, NULL) != SQLITE_OK)
        return 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(st, 0);
        const char *l = (const char *)sqlite3_column_text(st, 1);
        uint8_t spk[ADDRESS_MAX_SCRIPT];
        size_t len;
        if (!a || strlen(a) >= ADDRESS_MAX_STRING || !address_to_script(spk, &len, &w->params->address, a))
            continue;
        if (n == cap)
            *out = mem_realloc(*out, (cap *= 2) * sizeof(**out));
        snprintf((*out)[n].address, ADDRESS_MAX_STRING, "%s", a);
        (*out)[n].label = mem_strdup(l ? l : "");
        (*out)[n].mine = wallet_find_spk(w, spk, len) != NULL;
        n++;
    }
    sqlite3_finalize(st);
    qsort(*out, n, sizeof(**out), cmp_entry);
    return n;
}

static void book_free(struct book_entry *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mem_free(b[i].label);
    mem_free(b);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *wallet_list_labels(struct wallet *w, const char *purpose)
{
    pthread_mutex_lock(&w->mu);
    struct book_entry *b;
    size_t n = book_read(w, &b);
    const char **names = mem_calloc(n ? n : 1, sizeof(*names));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool want = !purpose || (!strcmp(purpose, "receive") && b[i].mine) || (!strcmp(purpose, "send") && !b[i].mine);
        if (want)
            names[k++] = b[i].label;
    }
    qsort(names, k, sizeof(*names), cmp_str);
    json_t *arr = json_array();
    for (size_t i = 0; i < k; i++)
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
            json_array_append_new(arr, json_string(names[i]));
    mem_free(names);
    book_free(b, n);
    pthread_mutex_unlock(&w->mu);
    return arr;
}

/* Core's tally rule: a transaction counts if it is confirmed deeply enough
 * and is not an immature coinbase (unless asked). Wallet lock held. */
static bool tx_counts(struct wallet *w, const struct wtx *t, int minconf, bool include_immature, int *depth)
{
    *depth = wallet_tx_depth(w, t);
    if (tx_is_coinbase(&t->tx) && !include_immature &&
        (*depth < 1 || !chain_params_coin_mature(w->params, true, t->height, w->best_height + 1)))
        return false;
    return *depth >= minconf;
}

bool wallet_received_by_address(struct wallet *w, struct wallet_error *e, int64_t *out, const char *address,
                                int minconf, bool include_immature)
{
    *out = 0;
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t len;
    if (!script_of(w, e, spk, &len, address))
        return false;
    pthread_mutex_lock(&w->mu);
    bool ok = wallet_find_spk(w, spk, len) != NULL;
    if (!ok)
        wallet_fail(e, WALLET_E_WALLET, "Address not found in wallet");
    for (size_t i = 0; ok && i < w->ntxs; i++) {
        const struct wtx *t = w->txs[i];
        int depth;
        if (!tx_counts(w, t, minconf, include_immature, &depth))
            continue;
        for (size_t n = 0; n < t->tx.vout_count; n++)
            if (t->tx.vout[n].script_pubkey.len == len && !memcmp(t->tx.vout[n].script_pubkey.data, spk, len))
                *out += t->tx.vout[n].value;
    }
    pthread_mutex_unlock(&w->mu);
    return ok;
}

json_t *wallet_list_received(struct wallet *w, struct wallet_error *e, int minconf, bool include_empty,
                             const char *filter, bool include_immature)
{
    uint8_t fspk[ADDRESS_MAX_SCRIPT];
    size_t flen = 0;
    if (filter && !address_to_script(fspk, &flen, &w->params->address, filter))
        return wallet_fail(e, WALLET_E_WALLET, "address_filter parameter was invalid"), NULL;
    pthread_mutex_lock(&w->mu);
    struct book_entry *b;
    size_t n = book_read(w, &b);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!b[i].mine || (filter && strcmp(filter, b[i].address) != 0))
            continue;
        uint8_t spk[ADDRESS_MAX_SCRIPT];
        size_t len;
        if (!address_to_script(spk, &len, &w->params->address, b[i].address))
            continue;
        int64_t sum = 0;
        int conf = -1;
        json_t *txids = json_array();
        for (size_t k = 0; k < w->ntxs; k++) {
            const struct wtx *t = w->txs[k];
            int depth;
            if (!tx_counts(w, t, minconf, include_immature, &depth))
                continue;
            bool hit = false;
            for (size_t o = 0; o < t->tx.vout_count; o++)
                if (t->tx.vout[o].script_pubkey.len == len && !memcmp(t->tx.vout[o].script_pubkey.data, spk, len)) {
                    sum += t->tx.vout[o].value;
                    hit = true;
                }
            if (hit) {
                if (conf < 0 || depth < conf)
                    conf = depth;
                char hex[65];
                hash256_to_hex(hex, &t->tx.txid);
                json_array_append_new(txids, json_string(hex));
            }
        }
        if (conf < 0 && !include_empty) {
            json_decref(txids);
            continue;
        }
        json_t *o = json_object();
        json_object_set_new(o, "address", json_string(b[i].address));
        json_object_set_new(o, "amount", amount(sum));
        json_object_set_new(o, "confirmations", json_integer(conf < 0 ? 0 : conf));
        json_object_set_new(o, "label", json_string(b[i].label));
        json_object_set_new(o, "txids", txids);
        json_array_append_new(arr, o);
    }
    book_free(b, n);
    pthread_mutex_unlock(&w->mu);
    return arr;
}

/* Keeps the entries of src whose address carries label (NULL: all) into dst. Wallet lock held. */
static void append_filtered(struct wallet *w, json_t *dst, json_t *src, const char *label)
{
    size_t i;
    json_t *v;
    json_array_foreach(src, i, v)
    {
        const char *a = json_string_value(json_object_get(v, "address"));
        if (label && (!a || strcmp(wallet_json_label_of(w, a), label) != 0))
            continue;
        json_array_append(dst, v);
    }
}

json_t *wallet_list_since_block(struct wallet *w, struct wallet_error *e, const struct hash256 *since,
                                int target_confirmations, bool include_removed, bool include_change,
                                const char *label)
{
    const struct wallet_chain *c = w->chain;
    int32_t fork = -1, alt_height = -1;
    if (since) {
        struct wallet_block_info info;
        bool active;
        if (!c || !c->find_block(c->ctx, &info, &active, &fork, since))
            return wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Block not found"), NULL;
        alt_height = info.height;
        if (active)
            fork = info.height;
    }
    if (c)
        c->lock(c->ctx); /* chain before wallet (wallet/chain_iface.h) */
    pthread_mutex_lock(&w->mu);
    json_t *out = NULL;
    /* Core: every transaction less deep than the block (all of them without one). */
    int depth = since ? w->best_height + 1 - fork : -1;
    json_t *txs = json_array();
    for (size_t i = 0; i < w->ntxs; i++) {
        int d = wallet_tx_depth(w, w->txs[i]);
        if (depth == -1 || abs(d) < depth) {
            json_t *tmp = json_array();
            wallet_json_tx_entries(w, tmp, w->txs[i], include_change);
            append_filtered(w, txs, tmp, label);
            json_decref(tmp);
        }
    }
    /* The requested block left the active chain: list what the detached blocks held. */
    json_t *removed = json_array();
    struct hash256 cur = since ? *since : (struct hash256){ { 0 } };
    while (include_removed && since && alt_height > fork) {
        struct block b;
        if (!c->read_block(c->ctx, &b, &cur)) {
            wallet_fail(e, WALLET_E_MISC, "Can't read block from disk");
            json_decref(txs);
            json_decref(removed);
            goto done;
        }
        for (size_t i = 0; i < b.tx_count; i++) {
            const struct wtx *t = wallet_find_tx(w, &b.txs[i].txid);
            if (t) {
                json_t *tmp = json_array();
                wallet_json_tx_entries(w, tmp, t, include_change);
                append_filtered(w, removed, tmp, label);
                json_decref(tmp);
            }
        }
        cur = b.header.prev_hash;
        block_clear(&b);
        alt_height--;
    }
    /* lastblock: the block target_confirmations deep, so the next call re-lists what may still reorganise. */
    if (target_confirmations > w->best_height + 1)
        target_confirmations = w->best_height + 1;
    struct wallet_block_info last;
    memset(&last, 0, sizeof(last));
    if (c && !c->block_at(c->ctx, &last, w->best_height + 1 - target_confirmations))
        last.hash = w->best_hash;
    out = json_object();
    json_object_set_new(out, "transactions", txs);
    if (include_removed)
        json_object_set_new(out, "removed", removed);
    else
        json_decref(removed);
    char hex[65];
    hash256_to_hex(hex, &last.hash);
    json_object_set_new(out, "lastblock", json_string(hex));
done:
    pthread_mutex_unlock(&w->mu);
    if (c)
        c->unlock(c->ctx);
    return out;
}

char *wallet_sign_message(struct wallet *w, struct wallet_error *e, const char *address, const char *msg,
                          size_t msg_len)
{
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t len;
    if (!address || !address_to_script(spk, &len, &w->params->address, address))
        return wallet_fail(e, WALLET_E_INVALID_ADDRESS, "Invalid address"), NULL;
    /* Core's legacy message signatures commit to a key hash: P2PKH only. */
    if (!(len == 25 && spk[0] == 0x76 && spk[1] == 0xa9 && spk[2] == 20 && spk[23] == 0x88 && spk[24] == 0xac))
        return wallet_fail(e, WALLET_E_TYPE, "Address does not refer to key"), NULL;
    pthread_mutex_lock(&w->mu);
    char *sig = NULL;
    const struct spkent *s = wallet_find_spk(w, spk, len);
    if (!s || !w->descs[s->desc].secret) {
        wallet_fail(e, WALLET_E_WALLET, "Private key not available");
        goto done;
    }
    if (!wallet_check_unlocked(w, e))
        goto done;
    const struct wdesc *d = &w->descs[s->desc];
    struct tx_signer signer;
    tx_signer_init(&signer, false);
    struct wbuf tmp;
    wbuf_init(&tmp);
    char err[256];
    uint8_t sec[32];
    bool compressed;
    if (d->priv && descriptor_expand(d->priv, &tmp, &signer, NULL, s->index, err, sizeof(err)) &&
        tx_signer_find_key(&signer, sec, &compressed, spk + 3)) {
        sig = rpc_message_sign(rpc_message_magic(w->params), msg, msg_len, sec, compressed);
        mem_wipe(sec, sizeof(sec));
    }
    if (!sig)
        wallet_fail(e, WALLET_E_WALLET, "Private key not available");
    wbuf_clear(&tmp);
    tx_signer_clear(&signer);
done:
    wallet_maybe_relock(w);
    pthread_mutex_unlock(&w->mu);
    return sig;
}
