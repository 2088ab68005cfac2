/* hashmint-util verifytx: verifies one input per JSON line read from stdin
 * and answers one JSON line each (doc/hashmint-util.md). Built for
 * throughput: the line buffer, the hex buffer and the spent-output array
 * live across lines, and output is flushed only when the input runs dry, so
 * a batch runs at interpreter speed and an interactive driver still gets
 * each answer before it sends the next line. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "consensus/block_check.h"
#include "consensus/interpreter.h"
#include "consensus/sighash.h"
#include "consensus/tx_check.h"
#include "issuance/asset.h"
#include "src/node/util_common.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* A hashmint chain's extra transaction rules, resolved once per chain. */
struct chain_rules {
    const struct chain_params *params;
    uint8_t (*asset_ids)[32];
    size_t asset_count;
};

struct verifier {
    /* stdin line reader */
    char *buf;
    size_t buf_len, buf_cap, scan;
    bool eof;
    /* reused per line */
    uint8_t *raw;
    size_t raw_cap;
    struct txout *spent;
    size_t spent_cap;
    /* profiles seen so far (there are four), with their asset ids */
    struct chain_rules chains[8];
    size_t chain_count;
    unsigned long ok_count, fail_count;
};

/* Writes s as a JSON string (quotes included). */
static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void answer_ok(struct verifier *v)
{
    fputs("{\"ok\": true}\n", stdout);
    v->ok_count++;
}

static void answer_error(struct verifier *v, const char *error)
{
    fputs("{\"ok\": false, \"error\": ", stdout);
    put_json_string(stdout, error);
    fputs("}\n", stdout);
    v->fail_count++;
}

/* Returns the next line (NUL-terminated, without its newline) or NULL at the
 * end of input. Flushes stdout before waiting for more input. */
static char *next_line(struct verifier *v, size_t *len)
{
    for (;;) {
        char *nl = v->scan < v->buf_len ? memchr(v->buf + v->scan, '\n', v->buf_len - v->scan) : NULL;
        if (nl || (v->eof && v->scan < v->buf_len)) {
            char *line = v->buf + v->scan;
            size_t n = nl ? (size_t)(nl - line) : v->buf_len - v->scan;
            line[n] = '\0'; /* the byte after a final unterminated line is reserved below */
            v->scan += n + (nl ? 1 : 0);
            if (!nl)
                v->scan = v->buf_len;
            if (n > 0 && line[n - 1] == '\r')
                line[--n] = '\0';
            *len = n;
            return line;
        }
        if (v->eof)
            return NULL;
        /* Drop consumed bytes, make room, and read more. */
        if (v->scan > 0) {
            memmove(v->buf, v->buf + v->scan, v->buf_len - v->scan);
            v->buf_len -= v->scan;
            v->scan = 0;
        }
        if (v->buf_cap - v->buf_len < (1 << 16) + 1) {
            v->buf_cap = v->buf_cap ? v->buf_cap * 2 : (1 << 17);
            v->buf = mem_realloc(v->buf, v->buf_cap);
        }
        fflush(stdout);
        ssize_t got = read(STDIN_FILENO, v->buf + v->buf_len, v->buf_cap - v->buf_len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            v->eof = true;
        else
            v->buf_len += (size_t)got;
    }
}

static const struct chain_rules *chain_rules_get(struct verifier *v, const char *name)
{
    const struct chain_params *p = chain_params_get(name);
    if (!p)
        return NULL;
    for (size_t i = 0; i < v->chain_count; i++)
        if (v->chains[i].params == p)
            return &v->chains[i];
    if (v->chain_count == sizeof(v->chains) / sizeof(v->chains[0]))
        return NULL; /* cannot happen: there are four profiles */
    struct chain_rules *c = &v->chains[v->chain_count++];
    c->params = p;
    c->asset_count = p->asset_count;
    c->asset_ids = mem_calloc(p->asset_count ? p->asset_count : 1, 32);
    for (size_t i = 0; i < p->asset_count; i++)
        memcpy(c->asset_ids[i], p->assets[i].asset_id, 32);
    return c;
}

/* Decodes hex into v->raw. Returns false if s is not hex. */
static bool decode_hex(struct verifier *v, size_t *len, const char *s)
{
    size_t need = strlen(s) / 2 + 1;
    if (need > v->raw_cap) {
        v->raw_cap = need * 2;
        v->raw = mem_realloc(v->raw, v->raw_cap);
    }
    return hex_decode(v->raw, v->raw_cap, len, s);
}

/* Core's DecodeHexTx order: extended format first, then legacy. */
static bool decode_tx(struct tx *tx, const uint8_t *p, size_t len)
{
    return tx_decode(tx, p, len, true) || tx_decode(tx, p, len, false);
}

/* Verifies one request. Writes the answer. */
static void verify_object(struct verifier *v, json_t *obj)
{
    char msg[160];
    if (!json_is_object(obj)) {
        answer_error(v, "not a JSON object");
        return;
    }
    json_t *jtx = json_object_get(obj, "tx"), *jprev = json_object_get(obj, "prevouts");
    json_t *jindex = json_object_get(obj, "index"), *jflags = json_object_get(obj, "flags");
    json_t *jchain = json_object_get(obj, "chain");
    if (!json_is_string(jtx)) {
        answer_error(v, "\"tx\" must be a hex string");
        return;
    }
    if (!json_is_array(jprev)) {
        answer_error(v, "\"prevouts\" must be an array of hex strings");
        return;
    }
    if (!json_is_integer(jindex)) {
        answer_error(v, "\"index\" must be an integer");
        return;
    }
    if (jflags && !json_is_string(jflags)) {
        answer_error(v, "\"flags\" must be a string");
        return;
    }
    if (jchain && !json_is_string(jchain)) {
        answer_error(v, "\"chain\" must be a string");
        return;
    }
    uint32_t flags;
    if (!script_flags_parse(&flags, jflags ? json_string_value(jflags) : "")) {
        snprintf(msg, sizeof(msg), "unknown flag in \"%.100s\"", json_string_value(jflags));
        answer_error(v, msg);
        return;
    }
    const struct chain_rules *chain = NULL;
    if (jchain) {
        chain = chain_rules_get(v, json_string_value(jchain));
        if (!chain) {
            snprintf(msg, sizeof(msg), "unknown chain \"%.100s\"", json_string_value(jchain));
            answer_error(v, msg);
            return;
        }
    }

    size_t len;
    struct tx tx;
    if (!decode_hex(v, &len, json_string_value(jtx)) || !decode_tx(&tx, v->raw, len)) {
        answer_error(v, "TX decode failed");
        return;
    }
    size_t n = json_array_size(jprev);
    if (n != tx.vin_count) {
        snprintf(msg, sizeof(msg), "prevouts: %zu given for %zu inputs", n, tx.vin_count);
        answer_error(v, msg);
        tx_clear(&tx);
        return;
    }
    json_int_t index = json_integer_value(jindex);
    if (index < 0 || (size_t)index >= tx.vin_count) {
        snprintf(msg, sizeof(msg), "index %lld out of range (%zu inputs)", (long long)index, tx.vin_count);
        answer_error(v, msg);
        tx_clear(&tx);
        return;
    }
    if (n > v->spent_cap) {
        v->spent_cap = n * 2;
        v->spent = mem_realloc(v->spent, v->spent_cap * sizeof(*v->spent));
    }
    size_t parsed = 0;
    for (; parsed < n; parsed++) {
        json_t *e = json_array_get(jprev, parsed);
        size_t plen;
        struct rbuf r;
        if (!json_is_string(e) || !decode_hex(v, &plen, json_string_value(e)))
            break;
        r = rbuf_make(v->raw, plen);
        if (!txout_parse(&v->spent[parsed], &r))
            break;
        if (r.len != 0) {
            txout_clear(&v->spent[parsed]);
            break;
        }
    }
    if (parsed != n) {
        snprintf(msg, sizeof(msg), "prevouts[%zu] is not a serialized output (8-byte amount, CompactSize script)",
                 parsed);
        answer_error(v, msg);
        goto out;
    }

    struct val_state st;
    val_state_init(&st);
    if (!tx_check(&st, &tx)) {
        answer_error(v, st.reject);
        goto out;
    }
    if (chain && chain->params->reject_64byte_tx && tx_size(&tx, false) == 64) {
        answer_error(v, BLOCK_REJECT_64BYTE_TX);
        goto out;
    }
    if (chain && chain->params->tokens_enabled) {
        if (!asset_tx_check_outputs(&st, &tx, (const uint8_t(*)[32])chain->asset_ids, chain->asset_count)) {
            answer_error(v, st.reject);
            goto out;
        }
        flags |= SCRIPT_VERIFY_TOKENS;
    }

    struct tx_precomputed pre;
    tx_precomputed_init(&pre, &tx, v->spent, n);
    struct tx_sig_checker tc;
    struct sig_checker checker;
    const struct txin *in = &tx.vin[index];
    const struct txout *prev = &v->spent[index];
    tx_sig_checker_init(&tc, &checker, &tx, (size_t)index, prev->value, &pre, flags);
    enum script_error err = SCRIPT_ERR_OK;
    if (script_verify(in->script_sig.data, in->script_sig.len, prev->script_pubkey.data, prev->script_pubkey.len,
                      &in->witness, flags, &checker, &err))
        answer_ok(v);
    else
        answer_error(v, script_error_name(err));

out:
    for (size_t i = 0; i < parsed; i++)
        txout_clear(&v->spent[i]);
    tx_clear(&tx);
}

int util_cmd_verifytx(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "error: verifytx takes no arguments (it reads JSON lines on stdin)\n"
                        "usage: hashmint-util verifytx < requests.jsonl\n");
        return UTIL_EXIT_USAGE;
    }
    struct verifier v;
    memset(&v, 0, sizeof(v));
    char *line;
    size_t len;
    while ((line = next_line(&v, &len)) != NULL) {
        size_t start = 0;
        while (start < len && (line[start] == ' ' || line[start] == '\t'))
            start++;
        if (start == len)
            continue; /* blank lines get no answer */
        json_error_t jerr;
        json_t *obj = json_loadb(line + start, len - start, JSON_REJECT_DUPLICATES, &jerr);
        if (!obj) {
            char msg[200];
            snprintf(msg, sizeof(msg), "invalid JSON: %s", jerr.text);
            answer_error(&v, msg);
            continue;
        }
        verify_object(&v, obj);
        json_decref(obj);
    }
    int rc = fflush(stdout) == 0 ? UTIL_EXIT_OK : UTIL_EXIT_FAIL;
    for (size_t i = 0; i < v.chain_count; i++)
        mem_free(v.chains[i].asset_ids);
    mem_free(v.buf);
    mem_free(v.raw);
    mem_free(v.spent);
    if (rc == UTIL_EXIT_OK && v.fail_count > 0)
        rc = UTIL_EXIT_FAIL;
    return rc;
}
