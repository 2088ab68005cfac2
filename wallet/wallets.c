/* The set of loaded wallets of a node: -walletdir, createwallet,
 * loadwallet, unloadwallet, listwallets, listwalletdir, and the choice of
 * wallet for an RPC call (Core's rules). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "consensus/params.h"
#include "src/util/alloc.h"
#include "wallet/wallet_internal.h"

struct wallet_context {
    const struct wallet_chain *chain;
    const struct chain_params *params;
    char *dir;
    struct wallet_options opt;
    pthread_mutex_t mu;
    struct wallet **list;
    size_t n;
};

void wallet_options_init(struct wallet_options *o, const struct chain_params *params)
{
    memset(o, 0, sizeof(*o));
    o->keypool = 1000;
    /* Core's fallback fee is off on main; its test chains' configurations turn it on */
    o->fallback_fee = params && !strcmp(params->name, "main") ? 0 : 20000;
    o->max_tx_fee = 10000000; /* 0.10 coins */
    o->min_relay_fee = 1000;
    o->tx_confirm_target = 6;
    o->walletrbf = true;
}

struct wallet_context *wallet_context_new(const struct wallet_chain *chain, const struct chain_params *params,
                                          const char *walletdir, const struct wallet_options *opt)
{
    struct wallet_context *c = mem_calloc(1, sizeof(*c));
    c->chain = chain;
    c->params = params;
    c->dir = mem_strdup(walletdir);
    c->opt = *opt;
    pthread_mutex_init(&c->mu, NULL);
    crypter_init();
    return c;
}

void wallet_context_free(struct wallet_context *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        wallet_release(c->list[i]);
    mem_free(c->list);
    pthread_mutex_destroy(&c->mu);
    mem_free(c->dir);
    mem_free(c);
}

const struct wallet_options *wallet_context_options(const struct wallet_context *c)
{
    return &c->opt;
}
const struct chain_params *wallet_context_params(const struct wallet_context *c)
{
    return c->params;
}
const struct wallet_chain *wallet_context_chain(const struct wallet_context *c)
{
    return c->chain;
}

/* Names are one path component: no '/', no "." or "..", no NUL (RELIABILITY #35). */
static bool name_ok(const char *name)
{
    if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..") || strlen(name) > 200)
        return false;
    return true;
}

static void paths(const struct wallet_context *c, const char *name, char *dir, size_t dcap, char *file, size_t fcap)
{
    if (name[0]) {
        snprintf(dir, dcap, "%s/%s", c->dir, name);
        snprintf(file, fcap, "%s/%s/wallet.dat", c->dir, name);
    } else {
        snprintf(dir, dcap, "%s", c->dir);
        snprintf(file, fcap, "%s/wallet.dat", c->dir);
    }
}

static struct wallet *find_loaded(struct wallet_context *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(wallet_name(c->list[i]), name))
            return c->list[i];
    return NULL;
}

static bool add_loaded(struct wallet_context *c, struct wallet_error *e, struct wallet *w)
{
    if (!wallet_attach(w, e)) {
        wallet_close(w);
        return false;
    }
    c->list = mem_realloc(c->list, (c->n + 1) * sizeof(*c->list));
    c->list[c->n++] = w;
    return true;
}

bool wallet_context_create(struct wallet_context *c, struct wallet_error *e, const char *name,
                           const struct wallet_create_flags *f)
{
    if (!name_ok(name))
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid wallet name '%s': it must be a single path component", name);
    char dir[4200], file[4300];
    paths(c, name, dir, sizeof(dir), file, sizeof(file));
    pthread_mutex_lock(&c->mu);
    bool ok = false;
    struct stat st;
    if (find_loaded(c, name)) {
        wallet_fail(e, WALLET_E_ALREADY_LOADED, "Wallet \"%s\" is already loaded.", name);
    } else if (stat(file, &st) == 0) {
        wallet_fail(e, WALLET_E_WALLET, "Wallet file verification failed. Failed to create database path '%s'. Database already exists.", dir);
    } else if (mkdir(c->dir, 0700) != 0 && errno != EEXIST) {
        wallet_fail(e, WALLET_E_WALLET, "Error creating wallet directory %s: %s", c->dir, strerror(errno));
    } else if (name[0] && mkdir(dir, 0700) != 0 && errno != EEXIST) {
        wallet_fail(e, WALLET_E_WALLET, "Error creating %s: %s", dir, strerror(errno));
    } else {
        struct wallet *w = wallet_open(c, e, name, file, true, f);
        if (w)
            ok = add_loaded(c, e, w);
        if (!ok) {
            unlink(file);
            char j[4400];
            snprintf(j, sizeof(j), "%s-journal", file);
            unlink(j);
            if (name[0])
                rmdir(dir);
        }
    }
    pthread_mutex_unlock(&c->mu);
    return ok;
}

bool wallet_context_load(struct wallet_context *c, struct wallet_error *e, const char *name)
{
    if (!name_ok(name))
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Invalid wallet name '%s': it must be a single path component", name);
    char dir[4200], file[4300];
    paths(c, name, dir, sizeof(dir), file, sizeof(file));
    pthread_mutex_lock(&c->mu);
    bool ok = false;
    struct stat st;
    if (find_loaded(c, name)) {
        wallet_fail(e, WALLET_E_ALREADY_LOADED, "Wallet \"%s\" is already loaded.", name);
    } else if (stat(file, &st) != 0) {
        wallet_fail(e, WALLET_E_NOT_FOUND, "Wallet file verification failed. Failed to load database path '%s'. Path does not exist.", dir);
    } else {
        struct wallet *w = wallet_open(c, e, name, file, false, NULL);
        ok = w && add_loaded(c, e, w);
    }
    pthread_mutex_unlock(&c->mu);
    return ok;
}

bool wallet_context_unload(struct wallet_context *c, struct wallet_error *e, const char *name)
{
    pthread_mutex_lock(&c->mu);
    bool ok = false;
    for (size_t i = 0; i < c->n; i++) {
        if (!strcmp(wallet_name(c->list[i]), name)) {
            struct wallet *w = c->list[i];
            c->list[i] = c->list[--c->n];
            /* stop hearing the chain now; the memory goes with the last reference */
            if (w->chain && w->sub_id > 0) {
                w->chain->unsubscribe(w->chain->ctx, w->sub_id);
                w->sub_id = 0;
            }
            wallet_release(w);
            ok = true;
            break;
        }
    }
    if (!ok)
        wallet_fail(e, WALLET_E_NOT_FOUND, "Requested wallet does not exist or is not loaded");
    pthread_mutex_unlock(&c->mu);
    return ok;
}

struct wallet *wallet_context_pick(struct wallet_context *c, struct wallet_error *e, const char *uri_name)
{
    pthread_mutex_lock(&c->mu);
    struct wallet *w = NULL;
    if (uri_name) {
        w = find_loaded(c, uri_name);
        if (!w)
            wallet_fail(e, WALLET_E_NOT_FOUND, "Requested wallet does not exist or is not loaded");
    } else if (c->n == 1) {
        w = c->list[0];
    } else if (c->n == 0) {
        wallet_fail(e, WALLET_E_NOT_FOUND, "No wallet is loaded. Load a wallet using loadwallet or create a new one with "
                                    "createwallet. (Note: A default wallet is no longer automatically created)");
    } else {
        wallet_fail(e, WALLET_E_NOT_SPECIFIED,
             "Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).");
    }
    if (w) {
        pthread_mutex_lock(&w->mu);
        w->refs++;
        pthread_mutex_unlock(&w->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return w;
}

void wallet_release(struct wallet *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    int left = --w->refs;
    pthread_mutex_unlock(&w->mu);
    if (left == 0)
        wallet_close(w);
}

json_t *wallet_context_list(struct wallet_context *c)
{
    pthread_mutex_lock(&c->mu);
    json_t *a = json_array();
    for (size_t i = 0; i < c->n; i++)
        json_array_append_new(a, json_string(wallet_name(c->list[i])));
    pthread_mutex_unlock(&c->mu);
    return a;
}

static bool is_wallet_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char magic[16];
    bool ok = fread(magic, 1, 16, f) == 16 && !memcmp(magic, "SQLite format 3", 16);
    fclose(f);
    return ok;
}

json_t *wallet_context_listdir(struct wallet_context *c)
{
    json_t *arr = json_array();
    char file[4300];
    snprintf(file, sizeof(file), "%s/wallet.dat", c->dir);
    if (is_wallet_file(file))
        json_array_append_new(arr, json_pack("{s:s}", "name", ""));
    DIR *d = opendir(c->dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            snprintf(file, sizeof(file), "%s/%s/wallet.dat", c->dir, de->d_name);
            if (is_wallet_file(file))
                json_array_append_new(arr, json_pack("{s:s}", "name", de->d_name));
        }
        closedir(d);
    }
    json_t *o = json_object();
    json_object_set_new(o, "wallets", arr);
    return o;
}
