/* The method table: registration, lookup, named parameters, warm-up and
 * the list of running calls (getrpcinfo). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "src/rpc/rest.h"
#include "src/rpc/rpc.h"
#include "src/util/alloc.h"

/* One running call; lives on rpc_table_execute()'s stack. */
struct active_call {
    const char *method;
    int64_t start_us;
    struct active_call *next;
};

struct rpc_table {
    const struct rpc_command **cmds; /* sorted by category, then name */
    size_t count, cap;
    const struct rest_route **routes;
    size_t route_count, route_cap;

    pthread_mutex_t lock; /* guards warmup and active */
    char *warmup;         /* NULL when not warming up */
    struct active_call *active;
};

/* The untruncated text of the last long rpc_fail() on this thread. */
static __thread char *long_text;
static __thread const struct rpc_error *long_owner;

json_t *rpc_fail(struct rpc_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    err->code = code;
    mem_free(long_text);
    long_text = NULL;
    long_owner = NULL;
    if (n >= (int)sizeof(err->message)) {
        long_text = mem_alloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(long_text, (size_t)n + 1, fmt, ap);
        va_end(ap);
        long_owner = err;
    }
    return NULL;
}

const char *rpc_error_text(const struct rpc_error *err)
{
    /* The stash is used only if it still matches err's (truncated) text, so
     * a later plain write to err->message is not shadowed. */
    if (long_text && long_owner == err && !strncmp(long_text, err->message, sizeof(err->message) - 1))
        return long_text;
    return err->message;
}

void rpc_error_thread_clear(void)
{
    mem_free(long_text);
    long_text = NULL;
    long_owner = NULL;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct rpc_table *rpc_table_new(void)
{
    struct rpc_table *t = mem_calloc(1, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

void rpc_table_free(struct rpc_table *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    mem_free(t->cmds);
    mem_free(t->routes);
    mem_free(t->warmup);
    mem_free(t);
}

static int cmd_order(const struct rpc_command *a, const struct rpc_command *b)
{
    int c = strcmp(a->category ? a->category : "", b->category ? b->category : "");
    return c ? c : strcmp(a->name, b->name);
}

void rpc_table_add(struct rpc_table *t, const struct rpc_command *cmd)
{
    /* A second registration of a name replaces the first (Core refuses it;
     * replacing keeps the table consistent either way). */
    for (size_t i = 0; i < t->count; i++) {
        if (!strcmp(t->cmds[i]->name, cmd->name)) {
            memmove(&t->cmds[i], &t->cmds[i + 1], (t->count - i - 1) * sizeof(t->cmds[0]));
            t->count--;
            break;
        }
    }
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->cmds = mem_realloc(t->cmds, t->cap * sizeof(t->cmds[0]));
    }
    size_t pos = t->count;
    while (pos > 0 && cmd_order(t->cmds[pos - 1], cmd) > 0)
        pos--;
    memmove(&t->cmds[pos + 1], &t->cmds[pos], (t->count - pos) * sizeof(t->cmds[0]));
    t->cmds[pos] = cmd;
    t->count++;
}

const struct rpc_command *rpc_table_find(const struct rpc_table *t, const char *name)
{
    for (size_t i = 0; i < t->count; i++) {
        if (!strcmp(t->cmds[i]->name, name))
            return t->cmds[i];
    }
    return NULL;
}

void rpc_table_each(const struct rpc_table *t, void (*fn)(const struct rpc_command *cmd, void *arg), void *arg)
{
    for (size_t i = 0; i < t->count; i++)
        fn(t->cmds[i], arg);
}

void rpc_table_add_rest(struct rpc_table *t, const struct rest_route *route)
{
    if (t->route_count == t->route_cap) {
        t->route_cap = t->route_cap ? t->route_cap * 2 : 16;
        t->routes = mem_realloc(t->routes, t->route_cap * sizeof(t->routes[0]));
    }
    t->routes[t->route_count++] = route;
}

const struct rest_route *rpc_table_find_rest(const struct rpc_table *t, const char *path)
{
    const struct rest_route *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < t->route_count; i++) {
        size_t n = strlen(t->routes[i]->prefix);
        if (n >= best_len && !strncmp(path, t->routes[i]->prefix, n)) {
            best = t->routes[i];
            best_len = n;
        }
    }
    return best;
}

void rpc_table_set_warmup(struct rpc_table *t, const char *status)
{
    char *copy = status ? mem_strdup(status) : NULL;
    pthread_mutex_lock(&t->lock);
    char *old = t->warmup;
    t->warmup = copy;
    pthread_mutex_unlock(&t->lock);
    mem_free(old);
}

bool rpc_table_in_warmup(struct rpc_table *t, char *status, size_t cap)
{
    pthread_mutex_lock(&t->lock);
    bool on = t->warmup != NULL;
    if (on && cap > 0)
        snprintf(status, cap, "%s", t->warmup);
    pthread_mutex_unlock(&t->lock);
    return on;
}

json_t *rpc_table_active_commands(struct rpc_table *t)
{
    json_t *arr = json_array();
    int64_t now = now_us();
    pthread_mutex_lock(&t->lock);
    for (const struct active_call *a = t->active; a; a = a->next) {
        json_t *o = json_object();
        json_object_set_new(o, "method", json_string(a->method));
        json_object_set_new(o, "duration", json_integer(now - a->start_us));
        json_array_append_new(arr, o);
    }
    pthread_mutex_unlock(&t->lock);
    return arr;
}

/* Does the "a|b|c" alias list contain name? */
static bool alias_match(const char *pattern, const char *name)
{
    size_t n = strlen(name);
    const char *p = pattern;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !memcmp(p, name, n))
            return true;
        if (!bar)
            return false;
        p = bar + 1;
    }
}

/* Core's transformNamedArguments. Returns a new array or NULL with *err. */
static json_t *named_to_positional(const struct rpc_command *cmd, json_t *obj, struct rpc_error *err)
{
    /* jansson objects cannot hold a key twice (the parser keeps the last),
     * so Core's "specified multiple times" cannot arise from parsed JSON. */
    size_t left = json_object_size(obj);
    bool used_args = false;
    json_t *out = json_array();
    int hole = 0, initial_hole = 0;
    const char *initial_param = NULL;
    bool used[128] = { false };
    const char *keys[128];
    size_t nkeys = 0;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        if (nkeys < 128)
            keys[nkeys++] = k;
    }
    for (size_t a = 0; a < RPC_MAX_ARGS && cmd->arg_names[a]; a++) {
        json_t *found = NULL;
        for (size_t i = 0; i < nkeys && !found; i++) {
            if (!used[i] && alias_match(cmd->arg_names[a], keys[i])) {
                found = json_object_get(obj, keys[i]);
                used[i] = true;
                left--;
            }
        }
        if (found) {
            for (; hole > 0; hole--)
                json_array_append_new(out, json_null());
            if (!initial_param)
                initial_param = cmd->arg_names[a];
            json_array_append(out, found);
        } else {
            hole++;
            if (json_array_size(out) == 0)
                initial_hole = hole;
        }
    }
    json_t *positional = NULL;
    for (size_t i = 0; i < nkeys; i++) {
        if (!used[i] && !strcmp(keys[i], "args")) {
            positional = json_object_get(obj, keys[i]);
            used[i] = true;
            left--;
            used_args = true;
        }
    }
    if (used_args && json_is_array(positional)) {
        if (initial_param && initial_hole < (int)json_array_size(positional)) {
            json_decref(out);
            return rpc_fail(err, RPC_INVALID_PARAMETER,
                            "Parameter %s specified twice both as positional and named argument", initial_param);
        }
        json_t *merged = json_deep_copy(positional);
        for (size_t i = json_array_size(merged); i < json_array_size(out); i++)
            json_array_append(merged, json_array_get(out, i));
        json_decref(out);
        out = merged;
    } else if (used_args) {
        /* Core erases a non-array "args" too and ignores it. */
    }
    if (left > 0) {
        for (size_t i = 0; i < nkeys; i++) {
            if (!used[i]) {
                json_decref(out);
                return rpc_fail(err, RPC_INVALID_PARAMETER, "Unknown named parameter %s", keys[i]);
            }
        }
        json_decref(out);
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Too many named parameters");
    }
    return out;
}

json_t *rpc_table_execute(struct rpc_table *t, struct rpc_context *ctx, const char *method, json_t *params,
                          struct rpc_error *err)
{
    pthread_mutex_lock(&t->lock);
    if (t->warmup) {
        rpc_fail(err, RPC_IN_WARMUP, "%s", t->warmup);
        pthread_mutex_unlock(&t->lock);
        return NULL;
    }
    pthread_mutex_unlock(&t->lock);

    const struct rpc_command *cmd = rpc_table_find(t, method);
    if (!cmd || !cmd->handler)
        return rpc_fail(err, RPC_METHOD_NOT_FOUND, "Method not found");

    json_t *args;
    if (!params || json_is_null(params))
        args = json_array();
    else if (json_is_object(params)) {
        args = named_to_positional(cmd, params, err);
        if (!args)
            return NULL;
    } else if (json_is_array(params))
        args = json_incref(params);
    else
        return rpc_fail(err, RPC_INVALID_REQUEST, "Params must be an array or object");

    struct active_call me = { .method = cmd->name, .start_us = now_us() };
    pthread_mutex_lock(&t->lock);
    me.next = t->active;
    t->active = &me;
    pthread_mutex_unlock(&t->lock);

    err->code = 0;
    err->message[0] = '\0';
    json_t *result = cmd->handler(ctx, args, err);
    if (!result && err->code == 0)
        rpc_fail(err, RPC_INTERNAL_ERROR, "Internal error");

    pthread_mutex_lock(&t->lock);
    for (struct active_call **pp = &t->active; *pp; pp = &(*pp)->next) {
        if (*pp == &me) {
            *pp = me.next;
            break;
        }
    }
    pthread_mutex_unlock(&t->lock);
    json_decref(args);
    return result;
}
