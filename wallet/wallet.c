/* The wallet object: its SQLite storage, descriptors and keypool, and the
 * transactions it learns from the chain's events (doc/wallet.md). */
#include "wallet/wallet.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "src/crypto/keys.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"
#include "wallet/bip32.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_owner.h"

int64_t wallet_now(void)
{
    return (int64_t)time(NULL);
}

bool wallet_fail(struct wallet_error *e, int code, const char *fmt, ...)
{
    if (e) {
        e->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof(e->message), fmt, ap);
        va_end(ap);
    }
    return false;
}

/* ---- index ----------------------------------------------------------- */

static uint64_t key_of(const uint8_t *p, size_t len)
{
    uint8_t h[32];
    sha256(h, p, len);
    uint64_t k;
    memcpy(&k, h, 8);
    return k | 1; /* never 0 */
}

static void widx_put(struct widx *x, uint64_t key, size_t pos);
static void widx_grow(struct widx *x)
{
    struct widx old = *x;
    x->cap = old.cap ? old.cap * 2 : 64;
    x->keys = mem_calloc(x->cap, sizeof(uint64_t));
    x->vals = mem_calloc(x->cap, sizeof(uint32_t));
    x->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.vals[i])
            widx_put(x, old.keys[i], old.vals[i] - 1);
    mem_free(old.keys);
    mem_free(old.vals);
}

static void widx_put(struct widx *x, uint64_t key, size_t pos)
{
    if ((x->n + 1) * 2 > x->cap)
        widx_grow(x);
    size_t i = (size_t)(key % x->cap);
    while (x->vals[i])
        i = (i + 1) % x->cap;
    x->keys[i] = key;
    x->vals[i] = (uint32_t)(pos + 1);
    x->n++;
}

/* Calls match(pos) for every position stored under key until it returns true. */
static size_t widx_find(const struct widx *x, uint64_t key, bool (*match)(void *, size_t), void *arg)
{
    if (!x->cap)
        return SIZE_MAX;
    for (size_t i = (size_t)(key % x->cap); x->vals[i]; i = (i + 1) % x->cap)
        if (x->keys[i] == key && match(arg, x->vals[i] - 1))
            return x->vals[i] - 1;
    return SIZE_MAX;
}

static void widx_free(struct widx *x)
{
    mem_free(x->keys);
    mem_free(x->vals);
    memset(x, 0, sizeof(*x));
}

struct spk_q {
    struct wallet *w;
    const uint8_t *p;
    size_t len;
};
static bool spk_match(void *arg, size_t pos)
{
    struct spk_q *q = arg;
    return q->w->spks[pos].len == q->len && !memcmp(q->w->spks[pos].script, q->p, q->len);
}

const struct spkent *wallet_find_spk(struct wallet *w, const uint8_t *script, size_t len)
{
    struct spk_q q = { w, script, len };
    size_t pos = widx_find(&w->spk_idx, key_of(script, len), spk_match, &q);
    return pos == SIZE_MAX ? NULL : &w->spks[pos];
}

struct tx_q {
    struct wallet *w;
    const struct hash256 *id;
};
static bool tx_match(void *arg, size_t pos)
{
    struct tx_q *q = arg;
    return hash256_eq(&q->w->txs[pos]->tx.txid, q->id);
}

struct wtx *wallet_find_tx(struct wallet *w, const struct hash256 *txid)
{
    struct tx_q q = { w, txid };
    uint64_t k;
    memcpy(&k, txid->b, 8);
    size_t pos = widx_find(&w->tx_idx, k | 1, tx_match, &q);
    return pos == SIZE_MAX ? NULL : w->txs[pos];
}

/* ---- states ---------------------------------------------------------- */

int wallet_tx_depth(const struct wallet *w, const struct wtx *t)
{
    if (t->height >= 0)
        return w->best_height - t->height + 1;
    if (t->conflict_height >= 0)
        return -(w->best_height - t->conflict_height + 1);
    return 0;
}

static bool tx_active(const struct wallet *w, const struct wtx *t)
{
    int d = wallet_tx_depth(w, t);
    return d > 0 || (d == 0 && !t->abandoned);
}

static uint64_t outpoint_key(const struct outpoint *op)
{
    uint64_t k;
    memcpy(&k, op->txid.b, 8);
    return (k ^ ((uint64_t)op->n * 0x9e3779b97f4a7c15ull)) | 1;
}

static bool tx_spends(const struct wtx *t, const struct outpoint *op)
{
    for (size_t j = 0; j < t->tx.vin_count; j++)
        if (t->tx.vin[j].prevout.n == op->n && hash256_eq(&t->tx.vin[j].prevout.txid, &op->txid))
            return true;
    return false;
}

/* The spenders of one outpoint, collected from spend_idx (each once). */
struct spenders {
    struct wallet *w;
    const struct outpoint *op;
    bool active_only; /* stop at the first active spender (wallet_is_spent) */
    struct wtx **v;
    size_t n, cap;
};

static bool spender_match(void *arg, size_t pos)
{
    struct spenders *s = arg;
    struct wtx *t = s->w->txs[pos];
    if (!tx_spends(t, s->op))
        return false;
    if (s->active_only)
        return tx_active(s->w, t);
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == t)
            return false;
    if (s->n == s->cap)
        s->v = mem_realloc(s->v, (s->cap = s->cap ? 2 * s->cap : 4) * sizeof(*s->v));
    s->v[s->n++] = t;
    return false; /* keep going: every spender is wanted */
}

/* Out: s->v[0..s->n) the wallet transactions spending op (s->v reused across calls; mem_free it). */
static void find_spenders(struct wallet *w, struct spenders *s, const struct outpoint *op)
{
    s->w = w;
    s->op = op;
    s->active_only = false;
    s->n = 0;
    widx_find(&w->spend_idx, outpoint_key(op), spender_match, s);
}

bool wallet_is_spent(struct wallet *w, const struct outpoint *op)
{
    /* A coin is spent by any wallet transaction that is not conflicted or abandoned. */
    struct spenders s = { w, op, true, NULL, 0, 0 };
    return widx_find(&w->spend_idx, outpoint_key(op), spender_match, &s) != SIZE_MAX;
}

bool wallet_is_locked_coin(struct wallet *w, const struct outpoint *op)
{
    for (size_t i = 0; i < w->nlocked; i++)
        if (w->locked[i].n == op->n && hash256_eq(&w->locked[i].txid, &op->txid))
            return true;
    return false;
}

/* Every input spends one of our outputs. */
static bool all_from_me(struct wallet *w, const struct tx *tx)
{
    if (tx_is_coinbase(tx) || tx->vin_count == 0)
        return false;
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct wtx *p = wallet_find_tx(w, &tx->vin[i].prevout.txid);
        if (!p || tx->vin[i].prevout.n >= p->tx.vout_count)
            return false;
        const struct txout *o = &p->tx.vout[tx->vin[i].prevout.n];
        if (!wallet_find_owner(w, NULL, NULL, o->script_pubkey.data, o->script_pubkey.len))
            return false;
    }
    return true;
}

bool wallet_tx_trusted(struct wallet *w, const struct wtx *t)
{
    int d = wallet_tx_depth(w, t);
    if (d >= 1)
        return true;
    if (d < 0 || t->abandoned || !t->in_mempool)
        return false;
    if (!all_from_me(w, &t->tx))
        return false;
    for (size_t i = 0; i < t->tx.vin_count; i++) {
        const struct wtx *p = wallet_find_tx(w, &t->tx.vin[i].prevout.txid);
        if (!p || (p != t && !wallet_tx_trusted(w, p)))
            return false;
    }
    return true;
}

/* ---- database -------------------------------------------------------- */

static bool exec(struct wallet *w, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(w->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return rc == SQLITE_OK;
}

bool wallet_db_begin(struct wallet *w, struct wallet_error *e)
{
    if (w->failed)
        return wallet_fail(e, WALLET_E_WALLET, "Error: wallet database write failed earlier; restart the node");
    if (!exec(w, "BEGIN IMMEDIATE"))
        return wallet_fail(e, WALLET_E_DATABASE, "Error: cannot start a wallet database transaction: %s",
                    sqlite3_errmsg(w->db));
    return true;
}

bool wallet_db_commit(struct wallet *w, struct wallet_error *e)
{
    if (!exec(w, "COMMIT")) {
        exec(w, "ROLLBACK");
        w->failed = true;
        return wallet_fail(e, WALLET_E_DATABASE, "Error: wallet database write failed: %s", sqlite3_errmsg(w->db));
    }
    return true;
}

void wallet_db_rollback(struct wallet *w)
{
    exec(w, "ROLLBACK");
}

static bool meta_put(struct wallet *w, const char *key, const void *p, size_t len)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, p, (int)len, SQLITE_STATIC);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
}

static bool meta_put_int(struct wallet *w, const char *key, int64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)((uint64_t)v >> (8 * i));
    return meta_put(w, key, b, 8);
}

/* Out: a heap copy (mem_free) and its length; NULL if absent. */
static uint8_t *meta_get(struct wallet *w, const char *key, size_t *len)
{
    sqlite3_stmt *st;
    uint8_t *out = NULL;
    *len = 0;
    if (sqlite3_prepare_v2(w->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *len = (size_t)sqlite3_column_bytes(st, 0);
        out = mem_alloc(*len + 1);
        if (*len)
            memcpy(out, sqlite3_column_blob(st, 0), *len);
    }
    sqlite3_finalize(st);
    return out;
}

static bool meta_get_int(struct wallet *w, const char *key, int64_t *v)
{
    size_t len;
    uint8_t *b = meta_get(w, key, &len);
    bool ok = b && len == 8;
    *v = 0;
    if (ok)
        for (int i = 7; i >= 0; i--)
            *v = (int64_t)((uint64_t)*v << 8 | b[i]);
    mem_free(b);
    return ok;
}

static bool put_best(struct wallet *w)
{
    return meta_put(w, "bestblock", w->best_hash.b, 32) && meta_put_int(w, "bestheight", w->best_height);
}

bool wallet_db_put_tx(struct wallet *w, const struct wtx *t)
{
    struct wbuf raw;
    wbuf_init(&raw);
    tx_serialize(&raw, &t->tx, true);
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(w->db,
                                 "INSERT OR REPLACE INTO txs(txid, raw, height, block_hash, block_time, time_received, "
                                 "order_pos, abandoned, conflict_height, conflict_block) VALUES (?,?,?,?,?,?,?,?,?,?)",
                                 -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_blob(st, 1, t->tx.txid.b, 32, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, raw.data, (int)raw.len, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, t->height);
        sqlite3_bind_blob(st, 4, t->block_hash.b, 32, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, t->block_time);
        sqlite3_bind_int64(st, 6, t->time_received);
        sqlite3_bind_int64(st, 7, t->order);
        sqlite3_bind_int(st, 8, t->abandoned);
        sqlite3_bind_int(st, 9, t->conflict_height);
        sqlite3_bind_blob(st, 10, t->conflict_block.b, 32, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    wbuf_clear(&raw);
    return ok;
}

static bool db_put_desc(struct wallet *w, struct wdesc *d, bool insert)
{
    sqlite3_stmt *st;
    const char *sql = insert ? "INSERT INTO descriptors(descriptor, secret, type, internal, active, next_index, "
                               "range_end, timestamp, id) VALUES (?,?,?,?,?,?,?,?,NULL)"
                             : "UPDATE descriptors SET descriptor=?, secret=?, type=?, internal=?, active=?, "
                               "next_index=?, range_end=?, timestamp=? WHERE id=?";
    if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, d->pub_str, -1, SQLITE_STATIC);
    if (d->secret)
        sqlite3_bind_blob(st, 2, d->secret, (int)d->secret_len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, d->type, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, d->internal);
    sqlite3_bind_int(st, 5, d->active);
    sqlite3_bind_int64(st, 6, d->next_index);
    sqlite3_bind_int64(st, 7, d->range_end);
    sqlite3_bind_int64(st, 8, d->timestamp);
    if (!insert)
        sqlite3_bind_int64(st, 9, d->id);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (ok && insert)
        d->id = sqlite3_last_insert_rowid(w->db);
    return ok;
}

static const char SCHEMA[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE descriptors(id INTEGER PRIMARY KEY, descriptor TEXT NOT NULL, secret BLOB, type TEXT, "
    "internal INTEGER, active INTEGER, next_index INTEGER, range_end INTEGER, timestamp INTEGER);"
    "CREATE TABLE txs(txid BLOB PRIMARY KEY, raw BLOB NOT NULL, height INTEGER, block_hash BLOB, block_time INTEGER, "
    "time_received INTEGER, order_pos INTEGER, abandoned INTEGER, conflict_height INTEGER, conflict_block BLOB);"
    "CREATE TABLE labels(address TEXT PRIMARY KEY, label TEXT);"
    "CREATE TABLE locked(txid BLOB, n INTEGER, PRIMARY KEY(txid, n));";

/* ---- descriptors and the keypool ------------------------------------- */

/* The associated data binding a sealed secret to its descriptor. */
static void secret_ad(uint8_t ad[32], const struct wdesc *d)
{
    sha256(ad, (const uint8_t *)d->pub_str, strlen(d->pub_str));
}

static bool parse_secret(struct wallet *w, struct wdesc *d, const uint8_t *plain, size_t len)
{
    char err[256];
    char *s = mem_alloc(len + 1);
    memcpy(s, plain, len);
    s[len] = '\0';
    bool ok = descriptor_parse(&d->priv, s, w->params, true, err, sizeof(err));
    crypter_free_secret(s, len + 1);
    return ok;
}

static void add_spk(struct wallet *w, size_t desc, uint32_t index, const uint8_t *p, size_t len)
{
    if (wallet_find_spk(w, p, len))
        return;
    if ((w->nspks & (w->nspks - 1)) == 0 || w->nspks == 0)
        w->spks = mem_realloc(w->spks, (w->nspks ? w->nspks * 2 : 16) * sizeof(*w->spks));
    struct spkent *s = &w->spks[w->nspks];
    s->script = mem_dup(p, len);
    s->len = len;
    s->desc = desc;
    s->index = index;
    widx_put(&w->spk_idx, key_of(p, len), w->nspks);
    w->nspks++;
}

/* Derives descriptor d's scripts up to its range_end into the index. */
static bool derive_range(struct wallet *w, struct wallet_error *e, size_t di, int64_t from, int64_t to)
{
    struct wdesc *d = &w->descs[di];
    char err[256];
    size_t scripts = descriptor_script_count(d->pub); /* combo() watches several per index */
    if (!d->range) {
        bool ok = true;
        for (size_t nth = 0; ok && nth < scripts; nth++) {
            struct wbuf spk;
            wbuf_init(&spk);
            ok = descriptor_expand_nth(d->pub, &spk, NULL, NULL, 0, nth, err, sizeof(err));
            if (ok)
                add_spk(w, di, 0, spk.data, spk.len);
            wbuf_clear(&spk);
        }
        return ok || wallet_fail(e, WALLET_E_WALLET, "%s", err);
    }
    for (int64_t i = from; i < to; i++) {
        for (size_t nth = 0; nth < scripts; nth++) {
            struct wbuf spk;
            wbuf_init(&spk);
            /* hardened ranges need the private form */
            const struct descriptor *src = d->priv ? d->priv : d->pub;
            bool ok = descriptor_expand_nth(src, &spk, NULL, NULL, (uint32_t)i, nth, err, sizeof(err));
            if (ok)
                add_spk(w, di, (uint32_t)i, spk.data, spk.len);
            wbuf_clear(&spk);
            if (!ok)
                return wallet_fail(e, WALLET_E_KEYPOOL_RAN_OUT, "Error: Keypool ran out, please call keypoolrefill first");
        }
    }
    return true;
}

/* Derives descriptor di's scripts until size unused ones lie ahead of it. */
static bool top_up_to(struct wallet *w, struct wallet_error *e, size_t di, int64_t size)
{
    struct wdesc *d = &w->descs[di];
    if (!d->range)
        return true;
    int64_t want = d->next_index + size;
    if (want <= d->range_end)
        return true;
    if (!derive_range(w, e, di, d->range_end, want))
        return false;
    d->range_end = want;
    return true;
}

bool wallet_top_up(struct wallet *w, struct wallet_error *e, size_t di)
{
    return top_up_to(w, e, di, wallet_context_options(w->ctx)->keypool);
}

bool wallet_keypool_refill(struct wallet *w, struct wallet_error *e, int64_t size)
{
    if (size < 0 || size > WALLET_KEYPOOL_MAX)
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid parameter, expected valid size.");
    if (!size)
        size = wallet_context_options(w->ctx)->keypool;
    pthread_mutex_lock(&w->mu);
    bool ok = true;
    if (w->no_private_keys)
        ok = wallet_fail(e, WALLET_E_WALLET, "Error: Private keys are disabled for this wallet");
    ok = ok && wallet_check_unlocked(w, e) && wallet_db_begin(w, e);
    if (ok) {
        /* Every active ranged descriptor in one transaction: all or none. */
        for (size_t di = 0; ok && di < w->ndescs; di++)
            if (w->descs[di].active && w->descs[di].range) {
                int64_t before = w->descs[di].range_end;
                ok = top_up_to(w, e, di, size);
                if (ok && w->descs[di].range_end != before)
                    ok = wallet_db_put_desc_pub(w, &w->descs[di]) ||
                         wallet_fail(e, WALLET_E_DATABASE, "Error: cannot write the wallet's descriptors");
            }
        if (ok)
            ok = wallet_db_commit(w, e);
        else
            wallet_db_rollback(w);
    }
    pthread_mutex_unlock(&w->mu);
    return ok;
}

static size_t add_desc_mem(struct wallet *w, struct wdesc *d)
{
    w->descs = mem_realloc(w->descs, (w->ndescs + 1) * sizeof(*w->descs));
    w->descs[w->ndescs] = *d;
    return w->ndescs++;
}

/* Makes a wdesc from a (private or public) descriptor string. */
static bool make_desc(struct wallet *w, struct wallet_error *e, struct wdesc *out, const char *str)
{
    char err[256];
    memset(out, 0, sizeof(*out));
    struct descriptor *d;
    if (!descriptor_parse(&d, str, w->params, false, err, sizeof(err)))
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "%s", err);
    out->pub_str = descriptor_to_string(d, w->params, false);
    if (!out->pub_str) {
        descriptor_free(d);
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Cannot expand descriptor");
    }
    char err2[256];
    if (!descriptor_parse(&out->pub, out->pub_str, w->params, true, err2, sizeof(err2))) {
        descriptor_free(d);
        mem_free(out->pub_str);
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "%s", err2);
    }
    out->range = descriptor_is_range(d);
    if (descriptor_has_private(d)) {
        char *ps = descriptor_to_string(d, w->params, true);
        size_t len = strlen(ps);
        if (w->encrypted) {
            uint8_t ad[32];
            secret_ad(ad, out);
            out->secret = crypter_seal(&out->secret_len, w->mkey, (const uint8_t *)ps, len, ad, sizeof(ad));
        } else {
            out->secret = mem_dup(ps, len);
            out->secret_len = len;
        }
        out->priv = d;
        crypter_free_secret(ps, len + 1);
    } else {
        descriptor_free(d);
    }
    out->timestamp = wallet_now();
    return true;
}

static void free_desc(struct wdesc *d)
{
    descriptor_free(d->pub);
    descriptor_free(d->priv);
    mem_free(d->pub_str);
    crypter_free_secret(d->secret, d->secret_len);
    memset(d, 0, sizeof(*d));
}

/* The default descriptors of a new wallet (Core's SetupDescriptorScriptPubKeyMans):
 * pkh (BIP 44), sh(wpkh) (BIP 49), wpkh (BIP 84), tr (BIP 86), receive and change. */
static bool setup_default_descriptors(struct wallet *w, struct wallet_error *e)
{
    uint8_t seed[32];
    struct bip32_key master, account;
    if (!keys_random(seed, sizeof(seed)))
        return wallet_fail(e, WALLET_E_WALLET, "Error: no randomness for the wallet seed");
    bool ok = bip32_from_seed(&master, seed, sizeof(seed));
    crypter_wipe(seed, sizeof(seed));
    if (!ok)
        return wallet_fail(e, WALLET_E_WALLET, "Error: bad seed");
    uint8_t fp[4];
    bip32_fingerprint(fp, &master);
    char fph[9];
    hex_encode(fph, fp, 4);
    static const struct {
        const char *fmt, *type;
        uint32_t purpose;
    } kinds[] = {
        { "pkh(%s)", "legacy", 44 }, { "sh(wpkh(%s))", "p2sh-segwit", 49 },
        { "wpkh(%s)", "bech32", 84 }, { "tr(%s)", "bech32m", 86 },
    };
    uint32_t coin = w->params->is_hashmint && !strcmp(w->params->name, "main") ? 0 : 1;
    for (size_t k = 0; k < 4 && ok; k++) {
        uint32_t path[3] = { kinds[k].purpose | BIP32_HARDENED, coin | BIP32_HARDENED, BIP32_HARDENED };
        ok = bip32_derive_path(&account, &master, path, 3);
        char xprv[112];
        bip32_encode(xprv, &account, w->params->bip32_pubkey_version, w->params->bip32_privkey_version);
        for (int internal = 0; internal < 2 && ok; internal++) {
            char keyexpr[200], body[260];
            snprintf(keyexpr, sizeof(keyexpr), "[%s/%uh/%uh/0h]%s/%d/*", fph, kinds[k].purpose, coin, xprv, internal);
            snprintf(body, sizeof(body), kinds[k].fmt, keyexpr);
            struct wdesc d;
            ok = make_desc(w, e, &d, body);
            crypter_wipe(keyexpr, sizeof(keyexpr));
            crypter_wipe(body, sizeof(body));
            if (!ok)
                break;
            snprintf(d.type, sizeof(d.type), "%s", kinds[k].type);
            d.internal = internal;
            d.active = true;
            size_t di = add_desc_mem(w, &d);
            ok = wallet_top_up(w, e, di) && db_put_desc(w, &w->descs[di], true);
        }
        crypter_wipe(xprv, sizeof(xprv));
    }
    bip32_key_wipe(&master);
    bip32_key_wipe(&account);
    return ok || (e && e->code) || wallet_fail(e, WALLET_E_DATABASE, "Error: cannot write the wallet's descriptors");
}

/* ---- encryption state -------------------------------------------------- */

void wallet_maybe_relock(struct wallet *w)
{
    if (w->encrypted && w->unlocked && w->relock_at && wallet_now() >= w->relock_at) {
        for (size_t i = 0; i < w->ndescs; i++) {
            descriptor_free(w->descs[i].priv);
            w->descs[i].priv = NULL;
        }
        crypter_wipe(w->mkey, sizeof(w->mkey));
        w->unlocked = false;
        w->relock_at = 0;
    }
}

bool wallet_check_unlocked(struct wallet *w, struct wallet_error *e)
{
    wallet_maybe_relock(w);
    if (w->encrypted && !w->unlocked)
        return wallet_fail(e, WALLET_E_UNLOCK_NEEDED, "Error: Please enter the wallet passphrase with walletpassphrase first.");
    return true;
}

/* ---- transactions in memory ------------------------------------------ */

struct wtx *wallet_add_tx_mem(struct wallet *w, const struct tx *tx)
{
    struct wtx *t = mem_calloc(1, sizeof(*t));
    tx_copy(&t->tx, tx);
    t->tx.txid = tx->txid;
    t->tx.wtxid = tx->wtxid;
    t->height = -1;
    t->conflict_height = -1;
    t->time_received = wallet_now();
    t->order = w->next_order++;
    if ((w->ntxs & (w->ntxs - 1)) == 0 || w->ntxs == 0)
        w->txs = mem_realloc(w->txs, (w->ntxs ? w->ntxs * 2 : 16) * sizeof(*w->txs));
    w->txs[w->ntxs] = t;
    uint64_t k;
    memcpy(&k, tx->txid.b, 8);
    widx_put(&w->tx_idx, k | 1, w->ntxs);
    if (!tx_is_coinbase(tx))
        for (size_t i = 0; i < tx->vin_count; i++)
            widx_put(&w->spend_idx, outpoint_key(&tx->vin[i].prevout), w->ntxs);
    w->ntxs++;
    return t;
}

/* A transaction concerns the wallet if it pays one of its scripts (behind
 * an extension prefix too: tokens, vaults) or spends one of its coins. */
static bool relevant(struct wallet *w, const struct tx *tx)
{
    for (size_t i = 0; i < tx->vout_count; i++)
        if (wallet_find_owner(w, NULL, NULL, tx->vout[i].script_pubkey.data, tx->vout[i].script_pubkey.len))
            return true;
    if (tx_is_coinbase(tx))
        return false;
    for (size_t i = 0; i < tx->vin_count; i++) {
        const struct wtx *p = wallet_find_tx(w, &tx->vin[i].prevout.txid);
        if (p && tx->vin[i].prevout.n < p->tx.vout_count &&
            wallet_find_owner(w, NULL, NULL, p->tx.vout[tx->vin[i].prevout.n].script_pubkey.data,
                              p->tx.vout[tx->vin[i].prevout.n].script_pubkey.len))
            return true;
    }
    return false;
}

/* Marks the used keys and tops the keypool up (Core's MarkUnusedAddresses). */
static bool mark_used(struct wallet *w, const struct tx *tx)
{
    bool ok = true;
    for (size_t i = 0; i < tx->vout_count; i++) {
        const struct spkent *s =
            wallet_find_owner(w, NULL, NULL, tx->vout[i].script_pubkey.data, tx->vout[i].script_pubkey.len);
        if (!s)
            continue;
        struct wdesc *d = &w->descs[s->desc];
        if (d->range && (int64_t)s->index >= d->next_index) {
            size_t di = s->desc;
            d->next_index = (int64_t)s->index + 1;
            ok = wallet_top_up(w, NULL, di) && db_put_desc(w, &w->descs[di], false) && ok;
        }
    }
    return ok;
}

/* Marks unconfirmed transactions spending what tx spends (and their
 * descendants) as conflicted by the block at height. */
static bool mark_conflicts(struct wallet *w, const struct tx *tx, int32_t height, const struct hash256 *block)
{
    bool ok = true;
    struct spenders s = { 0 }, kids = { 0 };
    for (size_t b = 0; b < tx->vin_count; b++) {
        find_spenders(w, &s, &tx->vin[b].prevout);
        for (size_t i = 0; i < s.n; i++) {
            struct wtx *t = s.v[i];
            if (t->height >= 0 || hash256_eq(&t->tx.txid, &tx->txid) || t->conflict_height >= 0)
                continue;
            t->conflict_height = height;
            t->conflict_block = *block;
            ok = wallet_db_put_tx(w, t) && ok;
            /* descendants: spenders of t's outputs */
            for (uint32_t k = 0; k < t->tx.vout_count; k++) {
                struct outpoint op = { t->tx.txid, k };
                find_spenders(w, &kids, &op);
                for (size_t j = 0; j < kids.n; j++) {
                    struct wtx *c = kids.v[j];
                    if (c->height >= 0 || c->conflict_height >= 0)
                        continue;
                    c->conflict_height = height;
                    c->conflict_block = *block;
                    ok = wallet_db_put_tx(w, c) && ok;
                }
            }
        }
    }
    mem_free(s.v);
    mem_free(kids.v);
    return ok;
}

/* Applies one block's transactions (inside the caller's SQL transaction). */
static bool apply_block(struct wallet *w, const struct block *b, const struct wallet_block_info *info)
{
    bool ok = true;
    for (size_t i = 0; i < b->tx_count; i++) {
        const struct tx *tx = &b->txs[i];
        if (!tx_is_coinbase(tx))
            ok = mark_conflicts(w, tx, info->height, &info->hash) && ok;
        struct wtx *t = wallet_find_tx(w, &tx->txid);
        bool moved = !t || t->height != info->height || !hash256_eq(&t->block_hash, &info->hash);
        if (!t) {
            if (!relevant(w, tx))
                continue;
            t = wallet_add_tx_mem(w, tx);
            t->time_received = info->time;
        }
        t->height = info->height;
        t->block_hash = info->hash;
        t->block_time = info->time;
        t->conflict_height = -1;
        memset(&t->conflict_block, 0, sizeof(t->conflict_block));
        ok = wallet_db_put_tx(w, t) && mark_used(w, tx) && ok;
        if (moved)
            wallet_notify_tx(w, t); /* Core notifies when a transaction is new or its block changed */
    }
    w->best_hash = info->hash;
    w->best_height = info->height;
    return put_best(w) && ok;
}

static void on_block_connected(void *ctx, const struct block *b, const struct wallet_block_info *info)
{
    struct wallet *w = ctx;
    pthread_mutex_lock(&w->mu);
    struct wallet_error e;
    if (wallet_db_begin(w, &e)) {
        if (apply_block(w, b, info))
            wallet_db_commit(w, &e);
        else {
            wallet_db_rollback(w);
            w->failed = true;
        }
    }
    pthread_mutex_unlock(&w->mu);
}

static void on_block_disconnected(void *ctx, const struct block *b, const struct wallet_block_info *info)
{
    struct wallet *w = ctx;
    (void)b;
    pthread_mutex_lock(&w->mu);
    struct wallet_error e;
    if (wallet_db_begin(w, &e)) {
        bool ok = true;
        for (size_t i = 0; i < w->ntxs; i++) {
            struct wtx *t = w->txs[i];
            bool changed = false;
            if (t->height >= 0 && hash256_eq(&t->block_hash, &info->hash)) {
                t->height = -1;
                memset(&t->block_hash, 0, sizeof(t->block_hash));
                t->block_time = 0;
                changed = true;
            }
            if (t->conflict_height >= 0 && hash256_eq(&t->conflict_block, &info->hash)) {
                t->conflict_height = -1;
                memset(&t->conflict_block, 0, sizeof(t->conflict_block));
                changed = true;
            }
            if (changed)
                ok = wallet_db_put_tx(w, t) && ok;
        }
        w->best_hash = info->prev;
        w->best_height = info->height - 1;
        ok = put_best(w) && ok;
        if (ok)
            wallet_db_commit(w, &e);
        else {
            wallet_db_rollback(w);
            w->failed = true;
        }
    }
    pthread_mutex_unlock(&w->mu);
}

static void on_tx_added(void *ctx, const struct tx *tx)
{
    struct wallet *w = ctx;
    pthread_mutex_lock(&w->mu);
    struct wtx *t = wallet_find_tx(w, &tx->txid);
    if (t) {
        t->in_mempool = true;
    } else if (relevant(w, tx)) {
        struct wallet_error e;
        if (wallet_db_begin(w, &e)) {
            t = wallet_add_tx_mem(w, tx);
            t->in_mempool = true;
            if (wallet_db_put_tx(w, t) && mark_used(w, tx)) {
                if (wallet_db_commit(w, &e))
                    wallet_notify_tx(w, t);
            } else {
                wallet_db_rollback(w);
                w->failed = true;
            }
        }
    }
    pthread_mutex_unlock(&w->mu);
}

static void on_tx_removed(void *ctx, const struct tx *tx, enum wallet_tx_removal why)
{
    struct wallet *w = ctx;
    (void)why;
    pthread_mutex_lock(&w->mu);
    struct wtx *t = wallet_find_tx(w, &tx->txid);
    if (t)
        t->in_mempool = false;
    pthread_mutex_unlock(&w->mu);
}

/* Scans blocks [from, to] of the active chain (chain lock held). */
static bool scan_blocks(struct wallet *w, struct wallet_error *e, int32_t from, int32_t to)
{
    for (int32_t h = from; h <= to; h++) {
        struct wallet_block_info info;
        struct block b;
        if (!w->chain->block_at(w->chain->ctx, &info, h) || !w->chain->read_block(w->chain->ctx, &b, &info.hash))
            return wallet_fail(e, WALLET_E_MISC, "Failed to read block at height %d", h);
        bool ok = wallet_db_begin(w, e);
        if (ok) {
            /* a rescan never moves the wallet's best block backwards */
            struct hash256 best = w->best_hash;
            int32_t best_h = w->best_height;
            ok = apply_block(w, &b, &info);
            if (best_h > info.height) {
                w->best_hash = best;
                w->best_height = best_h;
                ok = put_best(w) && ok;
            }
            ok = ok ? wallet_db_commit(w, e) : (wallet_db_rollback(w), wallet_fail(e, WALLET_E_DATABASE, "Error: wallet write failed"));
        }
        block_clear(&b);
        if (!ok)
            return false;
    }
    return true;
}

json_t *wallet_rescan(struct wallet *w, struct wallet_error *e, int32_t start, int32_t stop)
{
    if (!w->chain)
        return wallet_fail(e, WALLET_E_MISC, "No chain"), NULL;
    w->chain->lock(w->chain->ctx);
    pthread_mutex_lock(&w->mu);
    struct wallet_block_info tip;
    json_t *out = NULL;
    if (!w->chain->tip(w->chain->ctx, &tip)) {
        wallet_fail(e, WALLET_E_MISC, "Failed to rescan the blockchain");
    } else if (start < 0 || start > tip.height) {
        wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid start_height");
    } else if (stop != -1 && (stop < start || stop > tip.height)) {
        wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid stop_height");
    } else {
        int32_t end = stop == -1 ? tip.height : stop;
        if (scan_blocks(w, e, start, end)) {
            out = json_object();
            json_object_set_new(out, "start_height", json_integer(start));
            json_object_set_new(out, "stop_height", json_integer(end));
        }
    }
    pthread_mutex_unlock(&w->mu);
    w->chain->unlock(w->chain->ctx);
    return out;
}

bool wallet_attach(struct wallet *w, struct wallet_error *e)
{
    if (!w->chain)
        return true;
    w->chain->lock(w->chain->ctx);
    pthread_mutex_lock(&w->mu);
    bool ok = true;
    struct wallet_block_info tip, info;
    bool have_tip = w->chain->tip(w->chain->ctx, &tip);
    if (have_tip) {
        bool active = false;
        int32_t fork = -1;
        if (hash256_is_zero(&w->best_hash)) {
            /* a new wallet: nothing to scan */
            w->best_hash = tip.hash;
            w->best_height = tip.height;
            ok = wallet_db_begin(w, e) && (put_best(w) ? wallet_db_commit(w, e) : (wallet_db_rollback(w), false));
        } else {
            int32_t from = 0;
            if (w->chain->find_block(w->chain->ctx, &info, &active, &fork, &w->best_hash))
                from = active ? info.height + 1 : fork + 1;
            /* a block of ours that left the chain while we were away */
            if (ok && wallet_db_begin(w, e)) {
                for (size_t i = 0; i < w->ntxs; i++) {
                    struct wtx *t = w->txs[i];
                    if (t->height >= from) {
                        t->height = -1;
                        memset(&t->block_hash, 0, 32);
                        ok = wallet_db_put_tx(w, t) && ok;
                    }
                    if (t->conflict_height >= from) {
                        t->conflict_height = -1;
                        ok = wallet_db_put_tx(w, t) && ok;
                    }
                }
                if (from > 0 && w->chain->block_at(w->chain->ctx, &info, from - 1)) {
                    w->best_hash = info.hash;
                    w->best_height = info.height;
                }
                ok = ok && put_best(w) ? wallet_db_commit(w, e) : (wallet_db_rollback(w), false);
            }
            if (ok && from <= tip.height)
                ok = scan_blocks(w, e, from, tip.height);
        }
    }
    if (ok) {
        struct wallet_chain_listener l = { .ctx = w,
                                           .block_connected = on_block_connected,
                                           .block_disconnected = on_block_disconnected,
                                           .tx_added = on_tx_added,
                                           .tx_removed = on_tx_removed };
        w->sub_id = w->chain->subscribe(w->chain->ctx, &l);
        /* Core's ResubmitWalletTransactions at load: our unconfirmed
         * transactions go back to the mempool (a send killed before it was
         * broadcast is broadcast now, exactly once: same txid). */
        for (size_t i = 0; i < w->ntxs; i++) {
            struct wtx *t = w->txs[i];
            if (t->height < 0 && t->conflict_height < 0 && !t->abandoned && !tx_is_coinbase(&t->tx)) {
                char err[256];
                if (w->chain->in_mempool(w->chain->ctx, &t->tx.txid) ||
                    w->chain->submit_tx(w->chain->ctx, &t->tx, false, 0, err, sizeof(err))) {
                    t->in_mempool = true;
                } else {
                    char hex[65];
                    hash256_to_hex(hex, &t->tx.txid);
                    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Wallet %s: resubmitting %s failed: %s", w->name, hex, err);
                }
            }
        }
    }
    pthread_mutex_unlock(&w->mu);
    w->chain->unlock(w->chain->ctx);
    return ok || (e->code ? false : wallet_fail(e, WALLET_E_DATABASE, "Error: wallet write failed"));
}

/* ---- open / create / close ------------------------------------------- */

static bool load_all(struct wallet *w, struct wallet_error *e)
{
    sqlite3_stmt *st;
    int64_t v;
    if (meta_get_int(w, "birthtime", &v))
        w->birth_time = v;
    if (meta_get_int(w, "flags", &v))
        w->no_private_keys = v & 1;
    size_t len;
    uint8_t *b = meta_get(w, "bestblock", &len);
    if (b && len == 32)
        memcpy(w->best_hash.b, b, 32);
    mem_free(b);
    if (meta_get_int(w, "bestheight", &v))
        w->best_height = (int32_t)v;
    b = meta_get(w, "mkey", &len);
    if (b) {
        if (!crypter_master_parse(&w->master, b, len)) {
            mem_free(b);
            return wallet_fail(e, WALLET_E_WALLET, "Wallet corrupted: bad encryption record");
        }
        w->encrypted = true;
    }
    mem_free(b);
    if (sqlite3_prepare_v2(w->db,
                           "SELECT id, descriptor, secret, type, internal, active, next_index, range_end, timestamp "
                           "FROM descriptors ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return wallet_fail(e, WALLET_E_WALLET, "Wallet corrupted: %s", sqlite3_errmsg(w->db));
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        struct wdesc d;
        memset(&d, 0, sizeof(d));
        d.id = sqlite3_column_int64(st, 0);
        const char *ds = (const char *)sqlite3_column_text(st, 1);
        char err[256];
        if (!ds || !descriptor_parse(&d.pub, ds, w->params, true, err, sizeof(err))) {
            ok = wallet_fail(e, WALLET_E_WALLET, "Wallet corrupted: descriptor %lld does not parse", (long long)d.id);
            break;
        }
        d.pub_str = mem_strdup(ds);
        d.range = descriptor_is_range(d.pub);
        if (sqlite3_column_type(st, 2) == SQLITE_BLOB) {
            d.secret_len = (size_t)sqlite3_column_bytes(st, 2);
            d.secret = mem_dup(sqlite3_column_blob(st, 2), d.secret_len);
            if (!w->encrypted && !parse_secret(w, &d, d.secret, d.secret_len))
                ok = wallet_fail(e, WALLET_E_WALLET, "Wallet corrupted: private descriptor %lld", (long long)d.id);
        }
        const char *ty = (const char *)sqlite3_column_text(st, 3);
        snprintf(d.type, sizeof(d.type), "%s", ty ? ty : "");
        d.internal = sqlite3_column_int(st, 4);
        d.active = sqlite3_column_int(st, 5);
        d.next_index = sqlite3_column_int64(st, 6);
        d.range_end = sqlite3_column_int64(st, 7);
        d.timestamp = sqlite3_column_int64(st, 8);
        if (d.next_index < 0 || d.range_end < d.next_index || d.range_end > BIP32_HARDENED)
            ok = wallet_fail(e, WALLET_E_WALLET, "Wallet corrupted: descriptor %lld range", (long long)d.id);
        size_t di = add_desc_mem(w, &d);
        if (ok)
            ok = derive_range(w, e, di, 0, d.range ? d.range_end : 1);
    }
    sqlite3_finalize(st);
    if (!ok)
        return false;
    if (sqlite3_prepare_v2(w->db,
                           "SELECT raw, height, block_hash, block_time, time_received, order_pos, abandoned, "
                           "conflict_height, conflict_block FROM txs ORDER BY order_pos",
                           -1, &st, NULL) != SQLITE_OK)
        return wallet_fail(e, WALLET_E_WALLET, "Wallet corrupted: %s", sqlite3_errmsg(w->db));
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        struct tx tx;
        tx_init(&tx);
        const uint8_t *raw = sqlite3_column_blob(st, 0);
        size_t rlen = (size_t)sqlite3_column_bytes(st, 0);
        if (!raw || !tx_decode(&tx, raw, rlen, true)) {
            ok = wallet_fail(e, WALLET_E_WALLET, "Wallet corrupted: a transaction does not parse");
            break;
        }
        struct wtx *t = wallet_add_tx_mem(w, &tx);
        tx_clear(&tx);
        t->height = sqlite3_column_int(st, 1);
        if (sqlite3_column_bytes(st, 2) == 32)
            memcpy(t->block_hash.b, sqlite3_column_blob(st, 2), 32);
        t->block_time = sqlite3_column_int64(st, 3);
        t->time_received = sqlite3_column_int64(st, 4);
        t->order = sqlite3_column_int64(st, 5);
        if (t->order >= w->next_order)
            w->next_order = t->order + 1;
        t->abandoned = sqlite3_column_int(st, 6);
        t->conflict_height = sqlite3_column_int(st, 7);
        if (sqlite3_column_bytes(st, 8) == 32)
            memcpy(t->conflict_block.b, sqlite3_column_blob(st, 8), 32);
    }
    sqlite3_finalize(st);
    if (ok && sqlite3_prepare_v2(w->db, "SELECT txid, n FROM locked", -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (sqlite3_column_bytes(st, 0) != 32)
                continue;
            w->locked = mem_realloc(w->locked, (w->nlocked + 1) * sizeof(*w->locked));
            memcpy(w->locked[w->nlocked].txid.b, sqlite3_column_blob(st, 0), 32);
            w->locked[w->nlocked].n = (uint32_t)sqlite3_column_int64(st, 1);
            w->nlocked++;
        }
        sqlite3_finalize(st);
    }
    return ok;
}

struct wallet *wallet_open(struct wallet_context *c, struct wallet_error *e, const char *name, const char *path,
                           bool create, const struct wallet_create_flags *f)
{
    struct wallet *w = mem_calloc(1, sizeof(*w));
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&w->mu, &attr);
    pthread_mutexattr_destroy(&attr);
    w->ctx = c;
    w->name = mem_strdup(name);
    w->path = mem_strdup(path);
    w->refs = 1;
    w->best_height = -1;
    keys_random((uint8_t *)&w->rng, sizeof(w->rng));
    w->params = wallet_context_params(c);
    w->chain = wallet_context_chain(c);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &w->db, flags, NULL) != SQLITE_OK) {
        wallet_fail(e, WALLET_E_WALLET, "Wallet file verification failed. SQLiteDatabase: Unable to open database: %s",
             w->db ? sqlite3_errmsg(w->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(w->db, 0);
    /* One process owns the file (Core's exclusive locking); every commit is durable. */
    if (!exec(w, "PRAGMA locking_mode=EXCLUSIVE") || !exec(w, "PRAGMA synchronous=FULL") ||
        !exec(w, "PRAGMA journal_mode=DELETE")) {
        wallet_fail(e, WALLET_E_WALLET, "SQLiteDatabase: Unable to obtain an exclusive lock on the database, is it being used "
             "by another instance of hashmintd?");
        goto fail;
    }
    sqlite3_stmt *st;
    int64_t app = 0, uver = 0;
    if (sqlite3_prepare_v2(w->db, "PRAGMA application_id", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            app = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    } else {
        wallet_fail(e, WALLET_E_WALLET, "Error loading %s: Wallet corrupted", name);
        goto fail;
    }
    if (sqlite3_prepare_v2(w->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            uver = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    if (create) {
        if (app != 0 || uver != 0) {
            wallet_fail(e, WALLET_E_WALLET, "Wallet file verification failed. Failed to create database path '%s'. Database already exists.", path);
            goto fail;
        }
        char sql[200];
        snprintf(sql, sizeof(sql), "PRAGMA application_id=%d; PRAGMA user_version=%d;", WALLET_APP_ID, WALLET_DB_VERSION);
        if (!exec(w, "BEGIN IMMEDIATE") || !exec(w, SCHEMA) || !exec(w, sql)) {
            wallet_fail(e, WALLET_E_DATABASE, "Error: cannot create the wallet database: %s", sqlite3_errmsg(w->db));
            exec(w, "ROLLBACK");
            goto fail;
        }
        w->birth_time = wallet_now();
        w->no_private_keys = f && f->disable_private_keys;
        bool ok = meta_put_int(w, "version", WALLET_DB_VERSION) && meta_put_int(w, "birthtime", w->birth_time) &&
                  meta_put_int(w, "flags", (f && f->disable_private_keys ? 1 : 0) | (f && f->blank ? 2 : 0));
        if (ok && f && f->passphrase && f->passphrase_len) {
            const struct wallet_options *o = wallet_context_options(c);
            ok = crypter_master_new(w->mkey, &w->master, f->passphrase, f->passphrase_len, o->kdf_ops, o->kdf_mem);
            uint8_t ser[CRYPTER_MASTER_SERIALIZED];
            crypter_master_serialize(ser, &w->master);
            ok = ok && meta_put(w, "mkey", ser, sizeof(ser));
            w->encrypted = w->unlocked = ok;
        }
        if (ok && !(f && (f->disable_private_keys || f->blank)))
            ok = setup_default_descriptors(w, e);
        if (w->encrypted)
            wallet_maybe_relock(w); /* created encrypted: stays locked (relock_at 0 means now below) */
        if (!ok || !exec(w, "COMMIT")) {
            exec(w, "ROLLBACK");
            if (!e->code)
                wallet_fail(e, WALLET_E_DATABASE, "Error: cannot create the wallet database");
            goto fail;
        }
        if (w->encrypted) {
            w->relock_at = 1;
            wallet_maybe_relock(w);
        }
        return w;
    }
    if (app != WALLET_APP_ID) {
        wallet_fail(e, WALLET_E_WALLET, "Error loading %s: Wallet corrupted (not a hashmint wallet)", name);
        goto fail;
    }
    if (uver > WALLET_DB_VERSION) {
        wallet_fail(e, WALLET_E_WALLET, "Error loading %s: Wallet requires newer version of hashmint", name);
        goto fail;
    }
    if (sqlite3_prepare_v2(w->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
        sqlite3_finalize(st);
        wallet_fail(e, WALLET_E_WALLET, "Error loading %s: Wallet corrupted", name);
        goto fail;
    }
    sqlite3_finalize(st);
    int64_t ver;
    if (!meta_get_int(w, "version", &ver) || ver > WALLET_DB_VERSION) {
        wallet_fail(e, WALLET_E_WALLET, ver > WALLET_DB_VERSION ? "Error loading %s: Wallet requires newer version of hashmint"
                                                         : "Error loading %s: Wallet corrupted", name);
        goto fail;
    }
    if (!load_all(w, e))
        goto fail;
    return w;
fail:
    wallet_close(w);
    return NULL;
}

void wallet_close(struct wallet *w)
{
    if (!w)
        return;
    if (w->chain && w->sub_id > 0)
        w->chain->unsubscribe(w->chain->ctx, w->sub_id);
    if (w->db)
        sqlite3_close_v2(w->db);
    for (size_t i = 0; i < w->ndescs; i++)
        free_desc(&w->descs[i]);
    mem_free(w->descs);
    for (size_t i = 0; i < w->nspks; i++)
        mem_free(w->spks[i].script);
    mem_free(w->spks);
    widx_free(&w->spk_idx);
    for (size_t i = 0; i < w->ntxs; i++) {
        tx_clear(&w->txs[i]->tx);
        mem_free(w->txs[i]);
    }
    mem_free(w->txs);
    widx_free(&w->tx_idx);
    widx_free(&w->spend_idx);
    mem_free(w->locked);
    wallet_labels_invalidate(w);
    crypter_wipe(w->mkey, sizeof(w->mkey));
    pthread_mutex_destroy(&w->mu);
    mem_free(w->name);
    mem_free(w->path);
    mem_free(w);
}

const char *wallet_name(const struct wallet *w)
{
    return w->name;
}

/* ---- for wallet_json.c and wallet_spend.c ----------------------------- */

bool make_desc_public(struct wallet *w, struct wallet_error *e, struct wdesc *out, const char *str)
{
    return make_desc(w, e, out, str);
}

void free_desc_public(struct wdesc *d)
{
    free_desc(d);
}

size_t add_desc_public(struct wallet *w, struct wdesc *d)
{
    return add_desc_mem(w, d);
}

bool derive_public(struct wallet *w, struct wallet_error *e, size_t di, int64_t from, int64_t to)
{
    return derive_range(w, e, di, from, to);
}

bool wallet_db_insert_desc(struct wallet *w, struct wdesc *d)
{
    return db_put_desc(w, d, true);
}

bool wallet_db_put_desc_pub(struct wallet *w, struct wdesc *d)
{
    return db_put_desc(w, d, false);
}

bool wallet_db_put_meta(struct wallet *w, const char *key, const void *p, size_t len)
{
    return meta_put(w, key, p, len);
}

bool wallet_parse_secret(struct wallet *w, struct wdesc *d, const uint8_t *plain, size_t len)
{
    return parse_secret(w, d, plain, len);
}

void wallet_secret_ad(uint8_t ad[32], const struct wdesc *d)
{
    secret_ad(ad, d);
}

void wallet_notify_tx(struct wallet *w, const struct wtx *t)
{
    const struct wallet_options *o = wallet_context_options(w->ctx);
    if (o->notify)
        o->notify(o->notify_ctx, w->name, &t->tx.txid, t->height >= 0 ? &t->block_hash : NULL, t->height);
}
