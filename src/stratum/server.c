/* The Stratum v1 server: listener, connections, limits and the methods
 * (server.h). Everything here runs on the server's loop thread except
 * stratum_server_info, which reads under the server's mutex. */
#include "src/stratum/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "consensus/params.h"
#include "src/crypto/sha256.h"
#include "src/miner/submit.h"
#include "src/stratum/allow.h"
#include "src/stratum/jobs.h"
#include "src/stratum/protocol.h"
#include "src/stratum/share.h"
#include "src/stratum/sharelog.h"
#include "src/stratum/vardiff.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/log.h"

#define MAX_LISTENERS 8
#define MAX_JOBS 16          /* jobs kept for late shares (stale answers) */
#define MAX_BAD_MESSAGES 10  /* malformed lines before a disconnect */
#define WORKER_NAME_MAX 128
#define MAX_RIGS 8           /* worker names one connection may authorize (one payout address) */
#define MAX_FUTURE_SECONDS 7200 /* a header may be 2 hours ahead (consensus) */
#define RECENT_BLOCKS 16
#define VARDIFF_TICK_SECONDS 1 /* how often connections without shares are looked at */

struct conn {
    struct stratum_server *s;
    struct bufferevent *bev;
    uint64_t id;
    char peer[64];
    uint8_t extranonce1[STRATUM_EXTRANONCE1_LEN];
    bool subscribed, authorized, has_payee;
    char worker[WORKER_NAME_MAX + 1]; /* the first name authorized */
    char rigs[MAX_RIGS][WORKER_NAME_MAX + 1];
    int rig_count;
    char address[ADDRESS_MAX_STRING];
    struct stratum_payee payee;
    uint32_t version_mask;
    double diff, old_diff;
    uint64_t old_diff_until_job; /* shares of jobs up to this id may meet old_diff */
    uint64_t last_job_sent;
    struct hash256 last_prev; /* prev of the last job sent (if last_job_sent) */
    /* vardiff */
    double vd_start;
    uint32_t vd_shares;
    /* rate limit: token bucket */
    double tokens, tokens_at;
    int bad_messages;
    /* figures (guarded by s->mu) */
    uint64_t accepted, rejected, blocks;
    double accepted_diff, connected_at, last_share_at;
    struct conn *prev, *next;
};

struct stratum_server {
    struct stratum_options o;
    struct stratum_allow allow;
    struct event_base *base;
    struct evconnlistener *listeners[MAX_LISTENERS];
    size_t listener_count;
    uint16_t port;
    struct event *wake_ev;
    struct event *vardiff_ev; /* lowers the difficulty of connections that send no shares */
    pthread_t thread;
    bool thread_started;
    struct stratum_jobs *jobs;
    uint64_t next_conn_id;
    uint32_t en1_counter;
    struct stratum_job *job_list[MAX_JOBS]; /* oldest first */
    size_t job_count;
    struct stratum_job *current;
    FILE *share_log;
    struct stratum_pplns pplns;
    pthread_mutex_t pplns_mu;
    pthread_mutex_t mu; /* guards conns' list and figures, and the counters below */
    struct conn *conns;
    size_t conn_count;
    uint64_t accepted, rejected[STRATUM_SHARE_RESULT_COUNT], blocks_found, blocks_rejected, disconnects;
    char recent_blocks[RECENT_BLOCKS][65];
    int64_t cur_value;  /* the current job's coinbase value, network difficulty and height */
    double cur_netdiff;
    int32_t cur_height;
    double last_notify_ms; /* from the last tip event to its clean_jobs notify written to every worker (-1: none) */
    size_t recent_count;
};

void stratum_options_init(struct stratum_options *o)
{
    memset(o, 0, sizeof(*o));
    o->pplns_n = STRATUM_DEFAULT_PPLNS_N;
    o->min_output = STRATUM_DEFAULT_MIN_OUTPUT;
    o->coinbase_max = STRATUM_DEFAULT_COINBASE_MAX;
    o->difficulty = 1.0;
    o->min_difficulty = 1e-12;
    o->max_difficulty = 1e15;
    o->share_rate = STRATUM_DEFAULT_SHARE_RATE;
    o->max_connections = STRATUM_DEFAULT_MAX_CONNECTIONS;
    o->max_line = STRATUM_DEFAULT_MAX_LINE;
    o->msgs_per_sec = STRATUM_DEFAULT_MSGS_PER_SEC;
    o->idle_seconds = STRATUM_DEFAULT_IDLE_SECONDS;
    o->refresh_ms = STRATUM_DEFAULT_REFRESH_MS;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Vardiff and the hash-rate estimates read this clock, so that tests can move it
 * (setmocktime); the message rate limit stays on the monotonic one. */
static double clock_s(const struct stratum_server *s)
{
    if (s->o.clock)
        return s->o.clock(s->o.clock_ctx);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- sending ---- */

static void conn_close(struct conn *c, const char *why);

static void send_msg(struct conn *c, json_t *msg)
{
    size_t len;
    char *line = stratum_encode(msg, &len);
    json_decref(msg);
    if (!line)
        return;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    evbuffer_add(out, line, len);
    mem_free(line);
}

/* A client that does not read its replies is dropped, never buffered for. */
static bool check_unread(struct conn *c)
{
    if (evbuffer_get_length(bufferevent_get_output(c->bev)) > STRATUM_MAX_UNREAD) {
        conn_close(c, "does not read its messages");
        return false;
    }
    return true;
}

static void send_difficulty(struct conn *c)
{
    send_msg(c, stratum_notification("mining.set_difficulty", json_pack("[f]", c->diff)));
}

/* The prevhash field: the hash in header byte order with each 4-byte word reversed. */
static void prevhash_hex(char out[65], const struct hash256 *h)
{
    uint8_t w[32];
    for (int i = 0; i < 32; i++)
        w[i] = h->b[(i & ~3) + 3 - (i & 3)];
    hex_encode(out, w, 32);
}

static void hex32(char out[9], uint32_t v)
{
    snprintf(out, 9, "%08x", v);
}

static void send_job(struct conn *c, struct stratum_job *j, bool clean)
{
    struct stratum_variant *v = stratum_job_variant(j, c->has_payee ? &c->payee : NULL);
    if (!v)
        return; /* its coinbase is being built: sent when it comes */
    char id[17], prev[65], version[9], bits[9], ntime[9];
    snprintf(id, sizeof(id), "%llx", (unsigned long long)j->id);
    prevhash_hex(prev, &j->prev);
    const struct block_header *h = &v->mj.tmpl.block.header;
    hex32(version, (uint32_t)h->version);
    hex32(bits, h->bits);
    hex32(ntime, h->time);
    json_t *branch = json_array();
    for (size_t i = 0; i < j->branch_len; i++)
        json_array_append_new(branch, json_string(j->branch_hex[i]));
    /* clean_jobs false says "your jobs stay valid": only for a job on the prev of
     * the last one this connection got (it may have missed the server's previous
     * job on another prev, e.g. one without its coinbase). */
    bool same_prev = c->last_job_sent != 0 && hash256_eq(&c->last_prev, &j->prev);
    json_t *params = json_pack("[s,s,s,s,o,s,s,s,b]", id, prev, v->coinb1_hex, v->coinb2_hex, branch, version, bits,
                               ntime, clean || !same_prev);
    send_msg(c, stratum_notification("mining.notify", params));
    c->last_job_sent = j->id;
    c->last_prev = j->prev;
}

/* ---- jobs from the builder ---- */

static void install_job(struct stratum_server *s, struct stratum_job *j)
{
    bool clean = !s->current || !hash256_eq(&s->current->prev, &j->prev);
    if (clean)
        for (size_t i = 0; i < s->job_count; i++)
            s->job_list[i]->stale = true;
    if (s->job_count == MAX_JOBS) {
        stratum_job_unref(s->job_list[0]);
        memmove(s->job_list, s->job_list + 1, (MAX_JOBS - 1) * sizeof(*s->job_list));
        s->job_count--;
    }
    s->job_list[s->job_count++] = j;
    s->current = j;
    pthread_mutex_lock(&s->mu);
    s->cur_value = j->base.coinbase_value;
    s->cur_netdiff = j->network_difficulty;
    s->cur_height = j->height;
    pthread_mutex_unlock(&s->mu);
    for (struct conn *c = s->conns, *next; c; c = next) {
        next = c->next;
        if (c->subscribed && c->authorized) {
            send_job(c, j, clean);
            check_unread(c); /* may free c */
        }
    }
    if (clean && j->tip_event_ns > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
        pthread_mutex_lock(&s->mu);
        s->last_notify_ms = (double)(now - j->tip_event_ns) / 1e6;
        pthread_mutex_unlock(&s->mu);
    }
}

static void add_variant(struct stratum_server *s, struct stratum_job *j, struct stratum_variant *v)
{
    j->variants = mem_realloc(j->variants, (j->variant_count + 1) * sizeof(*j->variants));
    j->variants[j->variant_count++] = v;
    if (j != s->current)
        return;
    for (struct conn *c = s->conns, *next; c; c = next) {
        next = c->next;
        if (c->subscribed && c->authorized && c->has_payee && c->last_job_sent != j->id &&
            stratum_payee_eq(&c->payee, &v->payee)) {
            send_job(c, j, true);
            check_unread(c); /* may free c */
        }
    }
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct stratum_server *s = arg;
    struct stratum_jobs_item it;
    while (stratum_jobs_take(s->jobs, &it)) {
        if (!it.variant) {
            install_job(s, it.job);
            continue;
        }
        bool kept = false;
        for (size_t i = 0; i < s->job_count && !kept; i++)
            kept = s->job_list[i] == it.job;
        if (kept) {
            add_variant(s, it.job, it.variant);
        } else {
            stratum_variant_free(it.variant); /* its job was dropped meanwhile */
        }
        stratum_job_unref(it.job);
    }
}

static void wake(void *ctx)
{
    struct stratum_server *s = ctx;
    event_active(s->wake_ev, EV_READ, 0);
}

/* ---- methods ---- */

static json_t *param_str(json_t *params, size_t i)
{
    json_t *v = json_array_get(params, i);
    return json_is_string(v) ? v : NULL;
}

static void do_subscribe(struct conn *c, struct stratum_request *r)
{
    char en1[2 * STRATUM_EXTRANONCE1_LEN + 1], sub[17];
    hex_encode(en1, c->extranonce1, STRATUM_EXTRANONCE1_LEN);
    snprintf(sub, sizeof(sub), "%llx", (unsigned long long)c->id);
    c->subscribed = true;
    json_t *res = json_pack("[[[s,s],[s,s]],s,i]", "mining.set_difficulty", sub, "mining.notify", sub, en1,
                            STRATUM_EXTRANONCE2_LEN);
    send_msg(c, stratum_result(r->id, res));
    send_difficulty(c);
    if (c->authorized && c->s->current)
        send_job(c, c->s->current, true);
}

/* Password options: comma-separated key=value; vault=P (0..100), d=DIFF (a starting difficulty). */
static bool parse_password(const char *pw, uint32_t *vault, double *diff, char *err, size_t errlen)
{
    *vault = 0;
    *diff = 0;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", pw ? pw : "");
    char *save = NULL;
    for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        char *end;
        if (strncmp(tok, "vault=", 6) == 0) {
            long v = strtol(tok + 6, &end, 10);
            if (*end || end == tok + 6 || v < 0 || v > 100) {
                snprintf(err, errlen, "vault= takes a percent from 0 to 100");
                return false;
            }
            *vault = (uint32_t)v;
        } else if (strncmp(tok, "d=", 2) == 0) {
            double d = strtod(tok + 2, &end);
            if (*end || end == tok + 2 || !(d > 0) || !isfinite(d)) {
                snprintf(err, errlen, "d= takes a positive difficulty");
                return false;
            }
            *diff = d;
        } /* anything else ("x", a pool password) is ignored, as pools do */
    }
    return true;
}

static double clamp_diff(const struct stratum_options *o, double d)
{
    return d < o->min_difficulty ? o->min_difficulty : d > o->max_difficulty ? o->max_difficulty : d;
}

static void set_diff(struct conn *c, double d)
{
    d = clamp_diff(&c->s->o, d);
    if (d == c->diff)
        return;
    c->old_diff = c->diff;
    c->old_diff_until_job = c->last_job_sent;
    c->diff = d;
    c->vd_start = clock_s(c->s);
    c->vd_shares = 0;
    if (c->subscribed)
        send_difficulty(c);
}

static void do_authorize(struct conn *c, struct stratum_request *r)
{
    struct stratum_server *s = c->s;
    json_t *user = param_str(r->params, 0), *pass = json_array_get(r->params, 1);
    if (!user) {
        send_msg(c, stratum_error(r->id, STRATUM_ERR_OTHER, "Worker name required"));
        return;
    }
    const char *name = json_string_value(user);
    char addr[ADDRESS_MAX_STRING + 1];
    size_t alen = strcspn(name, ".");
    if (alen >= sizeof(addr) || strlen(name) > WORKER_NAME_MAX) {
        send_msg(c, stratum_error(r->id, STRATUM_ERR_UNAUTHORIZED, "Worker name is not ADDRESS[.rig]"));
        return;
    }
    memcpy(addr, name, alen);
    addr[alen] = '\0';
    struct stratum_payee payee;
    memset(&payee, 0, sizeof(payee));
    char err[128];
    uint32_t vault;
    double d;
    if (!address_to_script(payee.script, &payee.script_len, &s->o.params->address, addr)) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Stratum: %s: authorize refused: '%s' is not an address", c->peer,
                   addr);
        send_msg(c, stratum_error(r->id, STRATUM_ERR_UNAUTHORIZED, "Worker name must be a payout address"));
        return;
    }
    if (!parse_password(json_is_string(pass) ? json_string_value(pass) : "", &vault, &d, err, sizeof(err))) {
        send_msg(c, stratum_error(r->id, STRATUM_ERR_OTHER, err));
        return;
    }
    if (vault > 0 && s->o.params->asset_count == 0) {
        send_msg(c, stratum_error(r->id, STRATUM_ERR_OTHER, "vault= needs a chain with issuance assets"));
        return;
    }
    payee.vault_pct = vault;
    if (c->has_payee && !stratum_payee_eq(&c->payee, &payee)) {
        send_msg(c, stratum_error(r->id, STRATUM_ERR_OTHER, "One payout address (and vault share) per connection"));
        return;
    }
    int rig = 0;
    while (rig < c->rig_count && strcmp(c->rigs[rig], name) != 0)
        rig++;
    if (rig == MAX_RIGS) {
        send_msg(c, stratum_error(r->id, STRATUM_ERR_OTHER, "Too many workers on one connection"));
        return;
    }
    if (rig == c->rig_count)
        snprintf(c->rigs[c->rig_count++], sizeof(c->rigs[0]), "%s", name);
    pthread_mutex_lock(&s->mu);
    if (!c->authorized)
        snprintf(c->worker, sizeof(c->worker), "%s", name);
    memcpy(c->address, addr, alen + 1 <= sizeof(c->address) ? alen + 1 : sizeof(c->address));
    c->address[sizeof(c->address) - 1] = '\0';
    c->payee = payee;
    c->has_payee = c->authorized = true;
    pthread_mutex_unlock(&s->mu);
    stratum_jobs_want_payee(s->jobs, &payee);
    log_printf(LOG_MINER, LOG_LEVEL_INFO, "Stratum: %s authorized as %s (vault %u%%)", c->peer, name, vault);
    send_msg(c, stratum_result(r->id, json_true()));
    if (d > 0)
        set_diff(c, d);
    if (c->subscribed && s->current)
        send_job(c, s->current, true);
}

static void do_configure(struct conn *c, struct stratum_request *r)
{
    json_t *exts = json_array_get(r->params, 0), *opts = json_array_get(r->params, 1);
    json_t *res = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(exts, i, e) {
        const char *name = json_string_value(e);
        if (!name)
            continue;
        if (strcmp(name, "version-rolling") == 0) {
            uint32_t want = MINER_VERSION_ROLL_MASK;
            const char *m = json_string_value(json_object_get(opts, "version-rolling.mask"));
            if (m) {
                uint8_t b[4];
                size_t n;
                if (strlen(m) <= 8 && hex_decode(b, 4, &n, m) && n >= 1) {
                    want = 0;
                    for (size_t k = 0; k < n; k++)
                        want = want << 8 | b[k];
                } else {
                    want = 0;
                }
            }
            c->version_mask = want & MINER_VERSION_ROLL_MASK;
            char hex[9];
            hex32(hex, c->version_mask);
            json_object_set_new(res, "version-rolling", json_boolean(c->version_mask != 0));
            json_object_set_new(res, "version-rolling.mask", json_string(hex));
        } else {
            json_object_set_new(res, name, json_false());
        }
    }
    send_msg(c, stratum_result(r->id, res));
}

static void do_suggest_difficulty(struct conn *c, struct stratum_request *r)
{
    json_t *d = json_array_get(r->params, 0);
    if (!json_is_number(d) || !(json_number_value(d) > 0)) {
        send_msg(c, stratum_error(r->id, STRATUM_ERR_OTHER, "Difficulty must be a positive number"));
        return;
    }
    send_msg(c, stratum_result(r->id, json_true()));
    set_diff(c, json_number_value(d));
}

static struct stratum_job *find_job(struct stratum_server *s, const char *id_hex, bool *known)
{
    char *end;
    unsigned long long id = strtoull(id_hex, &end, 16);
    *known = false;
    if (*end || end == id_hex)
        return NULL;
    for (size_t i = 0; i < s->job_count; i++)
        if (s->job_list[i]->id == id)
            return s->job_list[i];
    *known = id > 0 && s->current && id < s->current->id; /* an old job already forgotten */
    return NULL;
}

static void reject(struct conn *c, struct stratum_request *r, enum stratum_share_result res, const char *detail)
{
    struct stratum_server *s = c->s;
    pthread_mutex_lock(&s->mu);
    s->rejected[res]++;
    c->rejected++;
    pthread_mutex_unlock(&s->mu);
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Stratum: share from %s (%s) rejected: %s%s%s", c->worker[0] ? c->worker : "?",
               c->peer, stratum_share_result_name(res), detail ? ": " : "", detail ? detail : "");
    send_msg(c, stratum_error(r->id, stratum_share_result_code(res), stratum_share_result_message(res)));
}

static void submit_block(struct conn *c, struct stratum_job *j, struct stratum_variant *v,
                         const struct stratum_share *sh)
{
    struct stratum_server *s = c->s;
    struct block b;
    miner_job_block(&v->mj, &b, sh->extranonce, sh->version, sh->ntime, sh->nonce);
    struct val_state st;
    enum miner_submit_result r = miner_submit_block(s->o.chain, &st, &b);
    char hex[65];
    hash256_to_hex(hex, &sh->hash);
    bool ok = r == MINER_SUBMIT_ACCEPTED;
    pthread_mutex_lock(&s->mu);
    if (ok) {
        s->blocks_found++;
        c->blocks++;
        if (s->recent_count == RECENT_BLOCKS) {
            memmove(s->recent_blocks, s->recent_blocks + 1, (RECENT_BLOCKS - 1) * sizeof(s->recent_blocks[0]));
            s->recent_count--;
        }
        memcpy(s->recent_blocks[s->recent_count++], hex, 65);
    } else {
        s->blocks_rejected++;
    }
    pthread_mutex_unlock(&s->mu);
    log_printf(LOG_ALWAYS, ok ? LOG_LEVEL_INFO : LOG_LEVEL_WARNING, "Stratum: block %s at height %d from %s: %s", hex,
               (int)j->height, c->worker,
               ok                                 ? "accepted"
               : r == MINER_SUBMIT_DUPLICATE      ? "duplicate"
               : r == MINER_SUBMIT_INCONCLUSIVE   ? "not on the active chain"
               : st.reject[0]                     ? st.reject
                                                  : "rejected");
    if (ok)
        stratum_sharelog_block(s->share_log, j, v, &sh->hash);
    block_clear(&b);
}

static void vardiff(struct conn *c)
{
    struct stratum_options *o = &c->s->o;
    if (o->share_rate <= 0)
        return;
    double now = clock_s(c->s), next;
    if (stratum_vardiff_next(&next, c->diff, c->vd_shares, now - c->vd_start, o->share_rate, o->min_difficulty,
                             o->max_difficulty))
        set_diff(c, next);
}

/* A connection whose difficulty is too high sends no share, so the submit
 * path never retargets it: once STRATUM_VARDIFF_MAX_SECONDS have passed since
 * its last retarget, the timer does (a quarter of the difficulty each time). */
static void on_vardiff_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct stratum_server *s = arg;
    double now = clock_s(s);
    for (struct conn *c = s->conns, *next; c; c = next) {
        next = c->next;
        if (c->subscribed && c->authorized && now - c->vd_start >= STRATUM_VARDIFF_MAX_SECONDS) {
            vardiff(c);
            check_unread(c); /* may free c */
        }
    }
}

static void do_submit(struct conn *c, struct stratum_request *r)
{
    struct stratum_server *s = c->s;
    if (!c->subscribed) {
        send_msg(c, stratum_error(r->id, STRATUM_ERR_NOT_SUBSCRIBED, "Not subscribed"));
        return;
    }
    json_t *worker = param_str(r->params, 0), *job_id = param_str(r->params, 1);
    int rig = 0;
    while (worker && rig < c->rig_count && strcmp(c->rigs[rig], json_string_value(worker)) != 0)
        rig++;
    if (!c->authorized || !worker || rig == c->rig_count) {
        send_msg(c, stratum_error(r->id, STRATUM_ERR_UNAUTHORIZED, "Unauthorized worker"));
        return;
    }
    if (!job_id || json_array_size(r->params) < 5 || !param_str(r->params, 2) || !param_str(r->params, 3) ||
        !param_str(r->params, 4)) {
        send_msg(c, stratum_error(r->id, STRATUM_ERR_OTHER, "Invalid parameters"));
        return;
    }
    bool known;
    struct stratum_job *j = find_job(s, json_string_value(job_id), &known);
    if (!j || j->stale) {
        reject(c, r, j || known ? STRATUM_SHARE_STALE : STRATUM_SHARE_UNKNOWN_JOB, json_string_value(job_id));
        return;
    }
    struct stratum_variant *v = stratum_job_variant(j, &c->payee);
    if (!v || j->id > c->last_job_sent) {
        reject(c, r, STRATUM_SHARE_UNKNOWN_JOB, "a job this connection was not sent");
        return;
    }
    struct stratum_submit sub = {
        .extranonce2 = json_string_value(param_str(r->params, 2)),
        .ntime = json_string_value(param_str(r->params, 3)),
        .nonce = json_string_value(param_str(r->params, 4)),
        .version_bits = json_array_size(r->params) > 5 ? json_string_value(json_array_get(r->params, 5)) : NULL,
    };
    if (json_array_size(r->params) > 5 && !sub.version_bits) {
        reject(c, r, STRATUM_SHARE_BAD_VERSION, NULL);
        return;
    }
    double diff = c->diff;
    if (j->id <= c->old_diff_until_job && c->old_diff > 0 && c->old_diff < diff)
        diff = c->old_diff; /* sent before the last set_difficulty */
    struct stratum_share_ctx ctx = {
        .extranonce1 = c->extranonce1,
        .extranonce1_len = STRATUM_EXTRANONCE1_LEN,
        .extranonce2_len = STRATUM_EXTRANONCE2_LEN,
        .version_mask = c->version_mask,
        .now = (int64_t)time(NULL),
        .max_future = MAX_FUTURE_SECONDS,
    };
    stratum_difficulty_target(ctx.share_target, diff);
    struct stratum_share sh;
    enum stratum_share_result res = stratum_share_check(&sh, &ctx, &v->mj, &sub);
    if (res != STRATUM_SHARE_VALID && res != STRATUM_SHARE_BLOCK) {
        reject(c, r, res, NULL);
        return;
    }
    if (!stratum_dupset_insert(&j->dups, &sh.hash)) {
        reject(c, r, STRATUM_SHARE_DUPLICATE, NULL);
        return;
    }
    if (res == STRATUM_SHARE_BLOCK)
        submit_block(c, j, v, &sh);
    pthread_mutex_lock(&s->pplns_mu);
    uint64_t seq = stratum_pplns_add(&s->pplns, &c->payee, diff, 4 * s->o.pplns_n * j->network_difficulty + diff);
    pthread_mutex_unlock(&s->pplns_mu);
    stratum_sharelog_share(s->share_log, seq, c->rigs[rig], &c->payee, diff, j, &sh.hash, res == STRATUM_SHARE_BLOCK);
    pthread_mutex_lock(&s->mu);
    s->accepted++;
    c->accepted++;
    c->accepted_diff += diff;
    c->last_share_at = clock_s(s);
    pthread_mutex_unlock(&s->mu);
    send_msg(c, stratum_result(r->id, json_true()));
    if (s->o.pplns)
        stratum_jobs_window_changed(s->jobs);
    c->vd_shares++;
    vardiff(c);
}

/* ---- connections ---- */

static void conn_free(struct conn *c)
{
    struct stratum_server *s = c->s;
    pthread_mutex_lock(&s->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    s->conn_count--;
    pthread_mutex_unlock(&s->mu);
    if (c->has_payee) {
        bool shared = false;
        for (struct conn *o = s->conns; o && !shared; o = o->next)
            shared = o->has_payee && stratum_payee_eq(&o->payee, &c->payee);
        if (!shared)
            stratum_jobs_drop_payee(s->jobs, &c->payee);
    }
    bufferevent_free(c->bev);
    mem_free(c);
}

static void conn_close(struct conn *c, const char *why)
{
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Stratum: disconnecting %s%s%s: %s", c->peer, c->worker[0] ? " " : "",
               c->worker, why);
    pthread_mutex_lock(&c->s->mu);
    c->s->disconnects++;
    pthread_mutex_unlock(&c->s->mu);
    conn_free(c);
}

/* Token bucket: msgs_per_sec sustained, twice that in a burst. */
static bool rate_ok(struct conn *c)
{
    double now = now_s(), rate = c->s->o.msgs_per_sec;
    if (rate <= 0)
        return true;
    c->tokens += (now - c->tokens_at) * rate;
    c->tokens_at = now;
    if (c->tokens > 2 * rate)
        c->tokens = 2 * rate;
    if (c->tokens < 1)
        return false;
    c->tokens -= 1;
    return true;
}

/* Handles one line; returns false if the connection was closed. */
static bool handle_line(struct conn *c, const char *line, size_t len)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
        len--;
    if (len == 0)
        return true;
    if (!rate_ok(c)) {
        conn_close(c, "too many messages");
        return false;
    }
    struct stratum_request r;
    char err[64];
    if (!stratum_request_parse(&r, line, len, err, sizeof(err))) {
        /* An object that is no valid request still gets its id back: miners match replies by id. */
        json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
        send_msg(c, stratum_error(json_is_object(root) ? json_object_get(root, "id") : NULL, STRATUM_ERR_OTHER, err));
        json_decref(root);
        if (++c->bad_messages > MAX_BAD_MESSAGES) {
            conn_close(c, "too many malformed messages");
            return false;
        }
        return check_unread(c);
    }
    switch (r.method) {
    case STRATUM_M_SUBSCRIBE:
        do_subscribe(c, &r);
        break;
    case STRATUM_M_AUTHORIZE:
        do_authorize(c, &r);
        break;
    case STRATUM_M_CONFIGURE:
        do_configure(c, &r);
        break;
    case STRATUM_M_SUBMIT:
        do_submit(c, &r);
        break;
    case STRATUM_M_SUGGEST_DIFFICULTY:
        do_suggest_difficulty(c, &r);
        break;
    case STRATUM_M_EXTRANONCE_SUBSCRIBE:
        send_msg(c, stratum_result(r.id, json_true())); /* extranonce1 never changes */
        break;
    case STRATUM_M_UNKNOWN:
        send_msg(c, stratum_error(r.id, STRATUM_ERR_OTHER, "Method not found"));
        if (++c->bad_messages > MAX_BAD_MESSAGES) {
            stratum_request_clear(&r);
            conn_close(c, "too many unknown methods");
            return false;
        }
        break;
    }
    stratum_request_clear(&r);
    return check_unread(c);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    size_t max = c->s->o.max_line;
    for (;;) {
        size_t eol_len;
        struct evbuffer_ptr p = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
        if (p.pos < 0) {
            if (evbuffer_get_length(in) > max) {
                conn_close(c, "line too long");
                return;
            }
            return;
        }
        size_t len = (size_t)p.pos;
        if (len > max) {
            conn_close(c, "line too long");
            return;
        }
        char *line = mem_alloc(len + 1);
        evbuffer_remove(in, line, len);
        evbuffer_drain(in, eol_len);
        line[len] = '\0';
        bool alive = handle_line(c, line, len);
        mem_free(line);
        if (!alive)
            return;
    }
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    struct conn *c = arg;
    if (what & BEV_EVENT_TIMEOUT)
        conn_close(c, "idle");
    else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        log_printf(LOG_MINER, LOG_LEVEL_DEBUG, "Stratum: %s closed the connection", c->peer);
        conn_free(c);
    }
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int socklen, void *arg)
{
    (void)l;
    (void)socklen;
    struct stratum_server *s = arg;
    char peer[64] = "?";
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, peer, sizeof(peer));
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, peer, sizeof(peer));
    if (!stratum_allow_match(&s->allow, sa)) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Stratum: connection from %s refused (not in -stratumallowip)", peer);
        evutil_closesocket(fd);
        return;
    }
    if (s->conn_count >= s->o.max_connections) {
        log_printf(LOG_MINER, LOG_LEVEL_INFO, "Stratum: connection from %s refused: %zu connections", peer,
                   s->conn_count);
        evutil_closesocket(fd);
        return;
    }
    struct bufferevent *bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (!bev) {
        evutil_closesocket(fd);
        return;
    }
    struct conn *c = mem_calloc(1, sizeof(*c));
    c->s = s;
    c->bev = bev;
    c->id = ++s->next_conn_id;
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    /* extranonce1: a counter from a random start, so restarts do not reuse one. */
    uint32_t en1 = s->en1_counter++;
    for (int i = 0; i < STRATUM_EXTRANONCE1_LEN; i++)
        c->extranonce1[i] = (uint8_t)(en1 >> (8 * (STRATUM_EXTRANONCE1_LEN - 1 - i)));
    c->diff = clamp_diff(&s->o, s->o.difficulty);
    c->connected_at = c->vd_start = clock_s(s);
    c->tokens_at = now_s();
    c->tokens = 2 * s->o.msgs_per_sec;
    pthread_mutex_lock(&s->mu);
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    s->conn_count++;
    pthread_mutex_unlock(&s->mu);
    bufferevent_setcb(bev, on_read, NULL, on_event, c);
    struct timeval idle = { s->o.idle_seconds, 0 };
    bufferevent_set_timeouts(bev, s->o.idle_seconds > 0 ? &idle : NULL, NULL);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void reenable_listener(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    evconnlistener_enable(arg);
}

/* accept() failed (out of file descriptors: thousands of connections): stop
 * accepting for a second instead of spinning on a listener that stays readable. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
    struct stratum_server *s = arg;
    int err = EVUTIL_SOCKET_ERROR();
    log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Stratum: cannot accept a connection: %s; pausing for a second",
               evutil_socket_error_to_string(err));
    evconnlistener_disable(l);
    struct timeval one = { 1, 0 };
    event_base_once(s->base, -1, EV_TIMEOUT, reenable_listener, l, &one);
}

static void *loop_main(void *arg)
{
    struct stratum_server *s = arg;
    event_base_dispatch(s->base);
    return NULL;
}

/* ---- start, stop, info ---- */

static bool listen_on(struct stratum_server *s, const char *addr, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t len;
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(s->port);
        len = sizeof(*in4);
    } else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(s->port);
        len = sizeof(*in6);
    } else {
        snprintf(err, errlen, "Invalid -stratumbind address: '%s'", addr);
        return false;
    }
    if (s->listener_count == MAX_LISTENERS) {
        snprintf(err, errlen, "Too many -stratumbind addresses (at most %d)", MAX_LISTENERS);
        return false;
    }
    struct evconnlistener *l = evconnlistener_new_bind(
        s->base, on_accept, s, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 128,
        (struct sockaddr *)&ss, (int)len);
    if (!l) {
        snprintf(err, errlen, "Unable to bind the Stratum port %u on %s: %s", s->port, addr, strerror(errno));
        return false;
    }
    if (s->port == 0) { /* the port the system chose, for the other addresses too */
        struct sockaddr_storage got;
        socklen_t gl = sizeof(got);
        if (getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&got, &gl) == 0)
            s->port = ntohs(got.ss_family == AF_INET ? ((struct sockaddr_in *)&got)->sin_port
                                                     : ((struct sockaddr_in6 *)&got)->sin6_port);
    }
    evconnlistener_set_error_cb(l, on_accept_error);
    s->listeners[s->listener_count++] = l;
    return true;
}

struct stratum_server *stratum_server_start(const struct stratum_options *o, char *err, size_t errlen)
{
    struct stratum_server *s = mem_calloc(1, sizeof(*s));
    s->o = *o;
    s->port = o->port;
    s->last_notify_ms = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->pplns_mu, NULL);
    stratum_pplns_init(&s->pplns);
    uint8_t rnd[32];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sha256(rnd, (const uint8_t *)&ts, sizeof(ts));
    s->en1_counter = (uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 | (uint32_t)rnd[2] << 8 | rnd[3];
    if (!stratum_allow_init(&s->allow, o->allow, o->allow_count, err, errlen))
        goto fail;
    if (o->share_log_path) {
        s->share_log = stratum_sharelog_open(o->share_log_path, &s->pplns, err, errlen);
        if (!s->share_log)
            goto fail;
    }
    s->base = event_base_new();
    if (!s->base) {
        snprintf(err, errlen, "Stratum: cannot create an event loop");
        goto fail;
    }
    s->wake_ev = event_new(s->base, -1, 0, on_wake, s);
    if (o->share_rate > 0) {
        struct timeval tick = { VARDIFF_TICK_SECONDS, 0 };
        s->vardiff_ev = event_new(s->base, -1, EV_PERSIST, on_vardiff_tick, s);
        event_add(s->vardiff_ev, &tick);
    }
    if (o->bind_count == 0) {
        if (!listen_on(s, "127.0.0.1", err, errlen))
            goto fail;
        char ignored[256];
        listen_on(s, "::1", ignored, sizeof(ignored)); /* no IPv6 loopback: fine */
    }
    for (size_t i = 0; i < o->bind_count; i++)
        if (!listen_on(s, o->binds[i], err, errlen))
            goto fail;
    struct stratum_jobs_options jo = {
        .params = o->params,
        .chain = o->chain,
        .mempool = o->mempool,
        .events = o->events,
        .assembly = o->assembly,
        .pplns = o->pplns,
        .pplns_log = &s->pplns,
        .pplns_mu = &s->pplns_mu,
        .pplns_n = o->pplns_n,
        .rules = { o->params->asset_count ? o->params->assets[0].asset_id : NULL, o->min_output, o->coinbase_max },
        .refresh_ms = o->refresh_ms,
        .wake = wake,
        .wake_ctx = s,
    };
    s->jobs = stratum_jobs_start(&jo, err, errlen);
    if (!s->jobs)
        goto fail;
    if (pthread_create(&s->thread, NULL, loop_main, s) != 0) {
        snprintf(err, errlen, "Stratum: cannot start the server thread");
        goto fail;
    }
    s->thread_started = true;
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Stratum: listening on port %u (%s payouts)", s->port,
               o->pplns ? "pplns" : "solo");
    return s;
fail:
    stratum_server_stop(s);
    return NULL;
}

void stratum_server_stop(struct stratum_server *s)
{
    if (!s)
        return;
    if (s->thread_started) {
        event_base_loopbreak(s->base);
        pthread_join(s->thread, NULL);
    }
    stratum_jobs_stop(s->jobs); /* no wake can come after this */
    s->jobs = NULL;
    while (s->conns) {
        struct conn *c = s->conns;
        s->conns = c->next;
        bufferevent_free(c->bev);
        mem_free(c);
    }
    for (size_t i = 0; i < s->listener_count; i++)
        evconnlistener_free(s->listeners[i]);
    for (size_t i = 0; i < s->job_count; i++)
        stratum_job_unref(s->job_list[i]);
    if (s->wake_ev)
        event_free(s->wake_ev);
    if (s->vardiff_ev)
        event_free(s->vardiff_ev);
    if (s->base)
        event_base_free(s->base);
    if (s->share_log)
        fclose(s->share_log);
    stratum_allow_clear(&s->allow);
    stratum_pplns_clear(&s->pplns);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->pplns_mu);
    mem_free(s);
}

json_t *stratum_server_info(struct stratum_server *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "port", json_integer(s->port));
    json_object_set_new(o, "payout", json_string(s->o.pplns ? "pplns" : "solo"));
    json_t *workers = json_array();
    double now = clock_s(s);
    pthread_mutex_lock(&s->mu);
    json_object_set_new(o, "connections", json_integer((json_int_t)s->conn_count));
    for (struct conn *c = s->conns; c; c = c->next) {
        if (!c->authorized)
            continue;
        double secs = now - c->connected_at;
        json_array_append_new(
            workers, json_pack("{s:s,s:s,s:i,s:f,s:f,s:I,s:I,s:I}", "worker", c->worker, "address", c->address,
                               "vault", (int)c->payee.vault_pct, "difficulty", c->diff, "hashrate",
                               secs > 0 ? c->accepted_diff * 4294967296.0 / secs : 0.0, "accepted",
                               (json_int_t)c->accepted, "rejected", (json_int_t)c->rejected, "blocks",
                               (json_int_t)c->blocks));
    }
    json_t *rej = json_object();
    for (int i = STRATUM_SHARE_STALE; i < STRATUM_SHARE_RESULT_COUNT; i++)
        json_object_set_new(rej, stratum_share_result_name((enum stratum_share_result)i),
                            json_integer((json_int_t)s->rejected[i]));
    json_object_set_new(o, "shares", json_pack("{s:I,s:o}", "accepted", (json_int_t)s->accepted, "rejected", rej));
    json_object_set_new(o, "blocks_found", json_integer((json_int_t)s->blocks_found));
    json_object_set_new(o, "blocks_rejected", json_integer((json_int_t)s->blocks_rejected));
    json_object_set_new(o, "disconnects", json_integer((json_int_t)s->disconnects));
    json_t *blocks = json_array();
    for (size_t i = 0; i < s->recent_count; i++)
        json_array_append_new(blocks, json_string(s->recent_blocks[i]));
    json_object_set_new(o, "recent_blocks", blocks);
    pthread_mutex_unlock(&s->mu);
    json_object_set_new(o, "workers", workers);
    /* The current payout split: the pplns window now, for a coinbase of the current job's value. */
    pthread_mutex_lock(&s->mu);
    int64_t value = s->cur_value;
    double net = s->cur_netdiff;
    json_object_set_new(o, "height", json_integer(s->cur_height));
    json_object_set_new(o, "last_clean_notify_ms", json_real(s->last_notify_ms));
    pthread_mutex_unlock(&s->mu);
    if (s->o.pplns && value > 0) {
        struct stratum_payout_rules rules = { s->o.params->asset_count ? s->o.params->assets[0].asset_id : NULL,
                                              s->o.min_output, s->o.coinbase_max };
        struct stratum_payout p;
        pthread_mutex_lock(&s->pplns_mu);
        stratum_pplns_split(&p, &s->pplns, &rules, s->o.pplns_n * net, value);
        pthread_mutex_unlock(&s->pplns_mu);
        json_t *split = json_array();
        for (size_t i = 0; i < p.count; i++) {
            char *script = hex_encode_alloc(p.outputs[i].script, p.outputs[i].script_len);
            json_array_append_new(split, json_pack("{s:s,s:I}", "script", script, "value",
                                                   (json_int_t)p.outputs[i].value));
            mem_free(script);
        }
        json_object_set_new(o, "payout_split", split);
        json_object_set_new(o, "window", json_pack("{s:I,s:I,s:I,s:I}", "first_share", (json_int_t)p.first_seq,
                                                   "last_share", (json_int_t)p.last_seq, "payees",
                                                   (json_int_t)p.payees_in_window, "paid", (json_int_t)p.payees_paid));
        stratum_payout_clear(&p);
    }
    return o;
}
