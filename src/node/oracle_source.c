/* hashmint-oracle's price sources (doc/oracle.md). Every input is
 * untrusted: bounded reads, strict number syntax, garbage skipped. */
#include "src/node/oracle_source.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/node/oracle_http.h"
#include "src/util/alloc.h"

#define PRICE_DECIMALS 8
#define PRICE_MAX_WHOLE 10000000000ULL /* 1e10 HUSD/HMC: far beyond any sane price, no overflow */

bool oracle_parse_price(uint64_t *out, const char *s, size_t len)
{
    uint64_t whole = 0, frac = 0;
    size_t i = 0, nwhole = 0, nfrac = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, nwhole++) {
        whole = whole * 10 + (uint64_t)(s[i] - '0');
        if (whole > PRICE_MAX_WHOLE)
            return false;
    }
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, nfrac++) {
            if (nfrac == PRICE_DECIMALS)
                return false;
            frac = frac * 10 + (uint64_t)(s[i] - '0');
        }
        if (nfrac == 0)
            return false;
    }
    if (i != len || nwhole == 0)
        return false;
    for (; nfrac < PRICE_DECIMALS; nfrac++)
        frac *= 10;
    *out = whole * 100000000ULL + frac;
    return *out > 0;
}

static bool parse_line(uint64_t *price, int64_t *ts, const char *l, size_t n)
{
    size_t i = 0;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    size_t t0 = i;
    int64_t t = 0;
    for (; i < n && l[i] >= '0' && l[i] <= '9'; i++) {
        if (t > (INT64_MAX - 9) / 10)
            return false;
        t = t * 10 + (l[i] - '0');
    }
    if (i == t0 || i == n || (l[i] != ' ' && l[i] != '\t'))
        return false;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    size_t p0 = i;
    while (i < n && l[i] != ' ' && l[i] != '\t' && l[i] != '\r')
        i++;
    size_t p1 = i;
    while (i < n && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r'))
        i++;
    if (i != n || !oracle_parse_price(price, l + p0, p1 - p0))
        return false;
    *ts = t;
    return true;
}

bool oracle_parse_file_text(uint64_t *price, size_t *garbage, const char *text, size_t len, int64_t now,
                            int64_t max_age, char *why, size_t whylen)
{
    bool found = false;
    int64_t best_ts = 0;
    *garbage = 0;
    for (size_t a = 0; a < len;) {
        const char *nl = memchr(text + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - text) : len;
        size_t n = b - a;
        const char *l = text + a;
        size_t k = 0;
        while (k < n && (l[k] == ' ' || l[k] == '\t' || l[k] == '\r'))
            k++;
        if (k < n && l[k] != '#') {
            uint64_t p;
            int64_t ts;
            if (!parse_line(&p, &ts, l, n))
                (*garbage)++;
            else {
                /* The latest line counts: the last one in the file. */
                *price = p;
                best_ts = ts;
                found = true;
            }
        }
        a = b + 1;
    }
    if (!found) {
        snprintf(why, whylen, "no valid \"timestamp price\" line (%zu garbage)", *garbage);
        return false;
    }
    if (max_age > 0 && best_ts < now - max_age) {
        snprintf(why, whylen, "latest line is stale (timestamp %" PRId64 ", %" PRId64 " s old)", best_ts,
                 now - best_ts);
        return false;
    }
    return true;
}

bool oracle_read_file_source(uint64_t *price, const char *path, int64_t now, int64_t max_age, char *why,
                             size_t whylen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        snprintf(why, whylen, "cannot open: %s", strerror(errno));
        return false;
    }
    /* A regular file: its tail; a pipe: whatever is waiting now (bounded). */
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > ORACLE_SOURCE_MAX_BYTES)
        (void)lseek(fd, st.st_size - ORACLE_SOURCE_MAX_BYTES, SEEK_SET);
    char *buf = mem_alloc(ORACLE_SOURCE_MAX_BYTES);
    size_t len = 0;
    while (len < ORACLE_SOURCE_MAX_BYTES) {
        ssize_t r = read(fd, buf + len, ORACLE_SOURCE_MAX_BYTES - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    size_t garbage;
    bool ok = oracle_parse_file_text(price, &garbage, buf, len, now, max_age, why, whylen);
    if (ok && garbage)
        fprintf(stderr, "oracle: %s: skipped %zu garbage line(s)\n", path, garbage);
    mem_free(buf);
    return ok;
}

/* Follows a dotted path ("data.usd") through nested objects. */
static json_t *json_path(json_t *v, const char *path)
{
    char *copy = mem_strdup(path), *save = NULL;
    for (char *k = strtok_r(copy, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
        v = json_is_object(v) ? json_object_get(v, k) : NULL;
    mem_free(copy);
    return v;
}

bool oracle_read_http_source(uint64_t *price, const char *url, int timeout_s, char *why, size_t whylen)
{
    const char *hash = strchr(url, '#');
    if (!hash || !hash[1]) {
        snprintf(why, whylen, "no #field in the URL");
        return false;
    }
    char *base = mem_alloc((size_t)(hash - url) + 1);
    memcpy(base, url, (size_t)(hash - url));
    base[hash - url] = '\0';
    struct oracle_http_reply r;
    bool ok = oracle_http_request(&r, base, NULL, NULL, timeout_s);
    mem_free(base);
    if (!ok || r.status != 200) {
        if (ok)
            snprintf(why, whylen, "HTTP status %d", r.status);
        else
            snprintf(why, whylen, "%s", r.error);
        oracle_http_reply_free(&r);
        return false;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(r.body, r.len, JSON_DECODE_ANY, &jerr);
    oracle_http_reply_free(&r);
    if (!doc) {
        snprintf(why, whylen, "not JSON: %s", jerr.text);
        return false;
    }
    json_t *v = json_path(doc, hash + 1);
    char num[64];
    ok = false;
    if (json_is_string(v))
        ok = oracle_parse_price(price, json_string_value(v), json_string_length(v));
    else if (json_is_integer(v) && json_integer_value(v) > 0) {
        int n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        ok = oracle_parse_price(price, num, (size_t)n);
    } else if (json_is_real(v) && json_real_value(v) > 0) {
        /* %.8f then strip: the same 8 decimals a string would carry. */
        int n = snprintf(num, sizeof(num), "%.8f", json_real_value(v));
        ok = n > 0 && (size_t)n < sizeof(num) && oracle_parse_price(price, num, (size_t)n);
    }
    if (!ok)
        snprintf(why, whylen, "field \"%s\" missing or not a positive price", hash + 1);
    json_decref(doc);
    return ok;
}
