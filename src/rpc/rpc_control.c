/* Control RPCs: help, stop, uptime, getrpcinfo, logging, setmocktime (Core's
 * rpc/server.cpp and rpc/node.cpp). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "consensus/params.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/util/alloc.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

#define EXAMPLE_CLI(m, a) "> hashmint-cli " m a "\n"
#define EXAMPLE_CURL(m, p)                                                                                          \
    "> curl --user myusername --data-binary '{\"jsonrpc\": \"2.0\", \"id\": \"curltest\", \"method\": \"" m        \
    "\", \"params\": [" p "]}' -H 'content-type: application/json' http://127.0.0.1:8732/\n"

/* Too many arguments: Core throws the help text as a plain error. */
static bool too_many(struct rpc_error *err, const json_t *params, size_t max, const char *help)
{
    if (json_array_size(params) <= max)
        return false;
    rpc_fail(err, RPC_MISC_ERROR, "%s", help);
    return true;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER:
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "bool";
    default: return "null";
    }
}

/* Core's "Wrong type passed" error for argument i (0-based). */
static json_t *wrong_type(struct rpc_error *err, size_t i, const char *name, const json_t *v, const char *want)
{
    return rpc_fail(err, RPC_TYPE_ERROR,
                    "Wrong type passed:\n{\n    \"Position %zu (%s)\": \"JSON value of type %s is not of expected "
                    "type %s\"\n}",
                    i + 1, name, type_name(v), want);
}

/* ---- help ------------------------------------------------------------- */

static const char help_help[] =
    "help ( \"command\" )\n"
    "\n"
    "List all commands, or get help for a specified command.\n"
    "\n"
    "Arguments:\n"
    "1. command    (string, optional, default=all commands) The command to get help on\n"
    "\n"
    "Result:\n"
    "\"str\"    (string) The help text\n";

struct help_list {
    struct wbuf out;
    const char *category;
};

static void help_line(const struct rpc_command *cmd, void *arg)
{
    struct help_list *h = arg;
    const char *cat = cmd->category ? cmd->category : "";
    if (!strcmp(cat, "hidden"))
        return;
    if (!h->category || strcmp(h->category, cat) != 0) {
        if (h->category)
            wbuf_put(&h->out, "\n", 1);
        h->category = cat;
        char title[64];
        snprintf(title, sizeof(title), "== %s ==\n", cat);
        if (title[3] >= 'a' && title[3] <= 'z')
            title[3] = (char)(title[3] - 'a' + 'A');
        wbuf_put(&h->out, title, strlen(title));
    }
    const char *help = cmd->help ? cmd->help : cmd->name;
    size_t n = strcspn(help, "\n");
    wbuf_put(&h->out, help, n);
    wbuf_put(&h->out, "\n", 1);
}

static json_t *rpc_help(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (too_many(err, params, 1, help_help))
        return NULL;
    const json_t *p0 = json_array_get(params, 0);
    if (p0 && !json_is_null(p0) && !json_is_string(p0))
        return wrong_type(err, 0, "command", p0, "string");
    if (!ctx->table)
        return rpc_fail(err, RPC_INTERNAL_ERROR, "no method table");
    if (p0 && json_is_string(p0)) {
        const char *name = rpc_json_cstr(p0); /* NULL: an embedded NUL, no such command */
        /* Core special-cases "dump_all_command_conversions" (a test aid); not here. */
        const struct rpc_command *cmd = name ? rpc_table_find(ctx->table, name) : NULL;
        if (!cmd) {
            char msg[300], shown[256];
            snprintf(msg, sizeof(msg), "help: unknown command: %s\n", rpc_json_str_show(shown, sizeof(shown), p0));
            return json_string(msg);
        }
        return json_string(cmd->help ? cmd->help : cmd->name);
    }
    struct help_list h = { .category = NULL };
    wbuf_init(&h.out);
    rpc_table_each(ctx->table, help_line, &h);
    /* Core drops the final newline of the listing. */
    if (h.out.len > 0)
        h.out.len--;
    json_t *r = json_stringn((const char *)h.out.data, h.out.len);
    wbuf_clear(&h.out);
    return r;
}

/* ---- stop ------------------------------------------------------------- */

static const char help_stop[] =
    "stop\n"
    "\n"
    "Request a graceful shutdown of hashmint.\n"
    "\n"
    "Result:\n"
    "\"str\"    (string) A string with the content 'hashmint stopping'\n";

static json_t *rpc_stop(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    /* Core accepts a hidden "wait" argument (milliseconds, for tests). */
    if (too_many(err, params, 1, help_stop))
        return NULL;
    const json_t *wait = json_array_get(params, 0);
    if (wait && !json_is_null(wait)) {
        if (!json_is_number(wait))
            return wrong_type(err, 0, "wait", wait, "number");
        int64_t ms;
        if (!rpc_json_int(err, &ms, wait, RPC_INT32))
            return NULL;
        if (ms > 0 && ms <= 60000) {
            struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
            nanosleep(&ts, NULL);
        }
    }
    if (ctx->request_shutdown)
        ctx->request_shutdown(ctx->node);
    return json_string("hashmint stopping");
}

/* ---- uptime ----------------------------------------------------------- */

static const char help_uptime[] =
    "uptime\n"
    "\n"
    "Returns the total uptime of the server.\n"
    "\n"
    "Result:\n"
    "n    (numeric) The number of seconds that the server has been running\n"
    "\n"
    "Examples:\n" EXAMPLE_CLI("uptime", "") EXAMPLE_CURL("uptime", "");

static json_t *rpc_uptime(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (too_many(err, params, 0, help_uptime))
        return NULL;
    int64_t up = (int64_t)time(NULL) - ctx->start_time;
    return json_integer(up < 0 ? 0 : up);
}

/* ---- getrpcinfo ------------------------------------------------------- */

static const char help_getrpcinfo[] =
    "getrpcinfo\n"
    "\n"
    "Returns details of the RPC server.\n"
    "\n"
    "Result:\n"
    "{                       (json object)\n"
    "  \"active_commands\" : [ (json array) All active commands\n"
    "    {                   (json object) Information about an active command\n"
    "      \"method\" : \"str\", (string) The name of the RPC command\n"
    "      \"duration\" : n    (numeric) The running time in microseconds\n"
    "    },\n"
    "    ...\n"
    "  ],\n"
    "  \"logpath\" : \"str\"     (string) The complete file path to the debug log\n"
    "}\n"
    "\n"
    "Examples:\n" EXAMPLE_CLI("getrpcinfo", "") EXAMPLE_CURL("getrpcinfo", "");

static json_t *rpc_getrpcinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (too_many(err, params, 0, help_getrpcinfo))
        return NULL;
    json_t *r = json_object();
    json_object_set_new(r, "active_commands", ctx->table ? rpc_table_active_commands(ctx->table) : json_array());
    json_object_set_new(r, "logpath", json_string(ctx->log_path ? ctx->log_path : ""));
    return r;
}

/* ---- logging ---------------------------------------------------------- */

/* Category names in Core's (alphabetical) order with their bits. */
static const struct {
    const char *name;
    uint32_t bit;
} log_cats[] = {
    { "bench", LOG_BENCH }, { "db", LOG_DB },       { "http", LOG_HTTP },         { "issuance", LOG_ISSUANCE },
    { "mempool", LOG_MEMPOOL }, { "miner", LOG_MINER }, { "net", LOG_NET },       { "reindex", LOG_REINDEX },
    { "rpc", LOG_RPC },     { "validation", LOG_VALIDATION }, { "wallet", LOG_WALLET }, { "zmq", LOG_ZMQ },
};

static const char help_logging[] =
    "logging ( [\"include_category\",...] [\"exclude_category\",...] )\n"
    "Gets and sets the logging configuration.\n"
    "When called without an argument, returns the list of categories with status that are currently being debug "
    "logged or not.\n"
    "When called with arguments, adds or removes categories from debug logging and return the lists above.\n"
    "The arguments are evaluated in order \"include\", \"exclude\".\n"
    "If an item is both included and excluded, it will thus end up being excluded.\n"
    "The valid logging categories are: bench, db, http, issuance, mempool, miner, net, reindex, rpc, validation, "
    "wallet, zmq\n"
    "In addition, the following are available as category names with special meanings:\n"
    "  - \"all\",  \"1\" : represent all logging categories.\n"
    "\n"
    "Arguments:\n"
    "1. include                    (json array, optional) The categories to add to debug logging\n"
    "     [\n"
    "       \"include_category\",    (string) the valid logging category\n"
    "       ...\n"
    "     ]\n"
    "2. exclude                    (json array, optional) The categories to remove from debug logging\n"
    "     [\n"
    "       \"exclude_category\",    (string) the valid logging category\n"
    "       ...\n"
    "     ]\n"
    "\n"
    "Result:\n"
    "{                   (json object) keys are the logging categories, and values indicates its status\n"
    "  \"category\" : true|false,    (boolean) if being debug logged or not. false:inactive, true:active\n"
    "  ...\n"
    "}\n"
    "\n"
    "Examples:\n" EXAMPLE_CLI("logging", " \"[\\\"all\\\"]\" \"[\\\"http\\\"]\"")
        EXAMPLE_CURL("logging", "[\"all\"], [\"http\"]");

static json_t *apply_categories(struct rpc_error *err, const json_t *cats, bool enable)
{
    size_t i;
    const json_t *c;
    /* Validate first, so a bad name changes nothing. */
    json_array_foreach(cats, i, c)
    {
        const char *name = rpc_json_cstr(c); /* NULL: not a string, or an embedded NUL */
        bool known = name && (!strcmp(name, "all") || !strcmp(name, "1"));
        for (size_t k = 0; name && !known && k < sizeof(log_cats) / sizeof(log_cats[0]); k++)
            known = !strcmp(name, log_cats[k].name);
        if (!known) {
            char shown[128];
            return rpc_fail(err, RPC_INVALID_PARAMETER, "unknown logging category %s",
                            rpc_json_str_show(shown, sizeof(shown), c));
        }
    }
    json_array_foreach(cats, i, c)
    {
        const char *name = json_string_value(c);
        if (enable)
            (void)log_enable_category(name);
        else
            (void)log_disable_category(name);
    }
    return json_true(); /* any non-NULL marker */
}

static json_t *rpc_logging(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    (void)ctx;
    if (too_many(err, params, 2, help_logging))
        return NULL;
    static const char *const names[2] = { "include", "exclude" };
    for (size_t i = 0; i < 2; i++) {
        const json_t *p = json_array_get(params, i);
        if (p && !json_is_null(p) && !json_is_array(p))
            return wrong_type(err, i, names[i], p, "array");
    }
    for (size_t i = 0; i < 2; i++) {
        const json_t *p = json_array_get(params, i);
        if (p && json_is_array(p)) {
            json_t *ok = apply_categories(err, p, i == 0);
            if (!ok)
                return NULL;
            json_decref(ok);
        }
    }
    json_t *r = json_object();
    for (size_t k = 0; k < sizeof(log_cats) / sizeof(log_cats[0]); k++)
        json_object_set_new(r, log_cats[k].name, json_boolean(log_category_enabled(log_cats[k].bit)));
    return r;
}

/* ---- setmocktime ------------------------------------------------------ */

static const char help_setmocktime[] =
    "setmocktime timestamp\n"
    "\n"
    "Set the local time to given timestamp (-regtest only)\n"
    "In hashmint the mock time drives the Stratum server's clock (vardiff, hash-rate estimates); block\n"
    "timestamps and the rest of the node keep the system clock.\n"
    "\n"
    "Arguments:\n"
    "1. timestamp    (numeric, required) UNIX seconds-since-epoch timestamp\n"
    "                Pass 0 to go back to using the system time.\n"
    "\n"
    "Result:\n"
    "null    (json null)\n";

static json_t *rpc_setmocktime(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (json_array_size(params) != 1)
        return rpc_fail(err, RPC_MISC_ERROR, "%s", help_setmocktime);
    if (strcmp(ctx->params->name, "regtest") != 0 || !ctx->set_mock_time)
        return rpc_fail(err, RPC_MISC_ERROR, "setmocktime is for regression testing (-regtest mode) only");
    int64_t t;
    if (!rpc_arg_int(err, &t, params, 0, 0, RPC_INT64))
        return NULL;
    if (t < 0)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Mocktime cannot be negative: %lld.", (long long)t);
    ctx->set_mock_time(ctx->node, t);
    return json_null();
}

static const struct rpc_command control_commands[] = {
    { "control", "getrpcinfo", rpc_getrpcinfo, { NULL }, help_getrpcinfo },
    { "control", "help", rpc_help, { "command", NULL }, help_help },
    { "control", "logging", rpc_logging, { "include", "exclude", NULL }, help_logging },
    { "hidden", "setmocktime", rpc_setmocktime, { "timestamp", NULL }, help_setmocktime },
    { "control", "stop", rpc_stop, { "wait", NULL }, help_stop },
    { "control", "uptime", rpc_uptime, { NULL }, help_uptime },
};

void rpc_register_control(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(control_commands) / sizeof(control_commands[0]); i++)
        rpc_table_add(t, &control_commands[i]);
}
