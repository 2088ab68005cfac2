/* The Stratum share log (sharelog.h). */
#include "src/stratum/sharelog.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "src/stratum/jobs.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* Reloads the shares of one line into the window (other lines are skipped). */
static void reload_line(struct stratum_pplns *p, const char *line, size_t len)
{
    json_error_t je;
    json_t *o = json_loadb(line, len, 0, &je);
    if (!o)
        return;
    const char *type = json_string_value(json_object_get(o, "type"));
    json_t *seq = json_object_get(o, "seq"), *diff = json_object_get(o, "difficulty");
    const char *script = json_string_value(json_object_get(o, "script"));
    json_t *vault = json_object_get(o, "vault");
    struct stratum_payee payee;
    memset(&payee, 0, sizeof(payee));
    if (type && strcmp(type, "share") == 0 && json_is_integer(seq) && json_integer_value(seq) > 0 &&
        json_is_number(diff) && json_number_value(diff) > 0 && script && json_is_integer(vault) &&
        json_integer_value(vault) >= 0 && json_integer_value(vault) <= 100 &&
        hex_decode(payee.script, sizeof(payee.script), &payee.script_len, script)) {
        payee.vault_pct = (uint32_t)json_integer_value(vault);
        uint64_t s = (uint64_t)json_integer_value(seq);
        if (s >= p->next_seq) {
            p->next_seq = s;
            stratum_pplns_add(p, &payee, json_number_value(diff), 1e300);
        }
    }
    json_decref(o);
}

FILE *stratum_sharelog_open(const char *path, struct stratum_pplns *pplns, char *err, size_t errlen)
{
    FILE *f = fopen(path, "a+");
    if (!f) {
        snprintf(err, errlen, "Cannot open the Stratum share log %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size > 0) {
        off_t start = st.st_size > (off_t)STRATUM_SHARELOG_TAIL ? st.st_size - (off_t)STRATUM_SHARELOG_TAIL : 0;
        size_t n = (size_t)(st.st_size - start);
        char *buf = mem_alloc(n + 1);
        if (fseeko(f, start, SEEK_SET) == 0 && fread(buf, 1, n, f) == n) {
            buf[n] = '\0';
            char *p = buf;
            if (start > 0) { /* the first line is cut: skip it */
                char *nl = memchr(p, '\n', n);
                p = nl ? nl + 1 : buf + n;
            }
            while (p < buf + n) {
                char *nl = memchr(p, '\n', (size_t)(buf + n - p));
                size_t len = nl ? (size_t)(nl - p) : (size_t)(buf + n - p);
                reload_line(pplns, p, len);
                p += len + 1;
            }
        }
        mem_free(buf);
        fseeko(f, 0, SEEK_END);
    }
    return f;
}

void stratum_sharelog_share(FILE *f, uint64_t seq, const char *worker, const struct stratum_payee *payee, double diff,
                            const struct stratum_job *j, const struct hash256 *hash, bool block)
{
    if (!f)
        return;
    char hex[65];
    hash256_to_hex(hex, hash);
    char *script = hex_encode_alloc(payee->script, payee->script_len);
    json_t *o = json_pack("{s:s,s:I,s:I,s:s,s:s,s:i,s:f,s:s,s:i,s:s,s:b}", "type", "share", "seq", (json_int_t)seq,
                          "time", (json_int_t)time(NULL), "worker", worker, "script", script, "vault",
                          (int)payee->vault_pct, "difficulty", diff, "job", "", "height", (int)j->height, "hash", hex,
                          "block", block);
    char id[17];
    snprintf(id, sizeof(id), "%llx", (unsigned long long)j->id);
    json_object_set_new(o, "job", json_string(id));
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    if (line) {
        fprintf(f, "%s\n", line);
        free(line);
    }
    fflush(f);
    json_decref(o);
    mem_free(script);
}

void stratum_sharelog_block(FILE *f, const struct stratum_job *j, const struct stratum_variant *v,
                            const struct hash256 *hash)
{
    if (!f)
        return;
    char hex[65], id[17];
    hash256_to_hex(hex, hash);
    snprintf(id, sizeof(id), "%llx", (unsigned long long)j->id);
    json_t *outs = json_array();
    for (size_t i = 0; i < v->payout.count; i++) {
        char *script = hex_encode_alloc(v->payout.outputs[i].script, v->payout.outputs[i].script_len);
        json_array_append_new(outs, json_pack("{s:s,s:I}", "script", script, "value",
                                              (json_int_t)v->payout.outputs[i].value));
        mem_free(script);
    }
    json_t *o = json_pack("{s:s,s:s,s:i,s:s,s:f,s:I,s:I,s:o}", "type", "block", "hash", hex, "height", (int)j->height,
                          "job", id, "network_difficulty", j->network_difficulty, "window_first",
                          (json_int_t)v->payout.first_seq, "window_last", (json_int_t)v->payout.last_seq, "outputs",
                          outs);
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    if (line) {
        fprintf(f, "%s\n", line);
        free(line);
    }
    fflush(f);
    json_decref(o);
}
