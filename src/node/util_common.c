#include "src/node/util_common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "src/rpc/json_write.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* Largest input file accepted: a block is at most 4 MB of weight, i.e. 4 MB
 * of bytes, twice that as hex; leave room for whitespace. */
#define MAX_INPUT_FILE (32u << 20)

static char *address_cb(const void *ctx, const uint8_t *script, size_t len)
{
    char out[ADDRESS_MAX_STRING];
    if (!address_from_script(out, ctx, script, len))
        return NULL;
    return mem_strdup(out);
}

bool util_chain_select(struct util_chain *c, const char *name)
{
    memset(c, 0, sizeof(*c));
    c->params = chain_params_get(name);
    if (!c->params) {
        fprintf(stderr, "error: unknown chain '%s' (main, test, regtest, bitcoin)\n", name);
        return false;
    }
    c->addr.p2pkh = c->params->address.p2pkh;
    c->addr.p2sh = c->params->address.p2sh;
    c->addr.hrp = c->params->address.hrp;
    c->style.tokens = c->params->tokens_enabled;
    c->style.address = address_cb;
    c->style.address_ctx = &c->addr;
    return true;
}

bool util_args_one(const char **chain_name, const char **arg, int argc, char **argv, bool allow_chain,
                   const char *usage)
{
    *chain_name = "main";
    *arg = NULL;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
        } else if (!options_done && allow_chain && strncmp(a, "--chain=", 8) == 0) {
            *chain_name = a + 8;
        } else if (!options_done && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "error: unknown option '%s'\nusage: %s\n", a, usage);
            return false;
        } else if (*arg) {
            fprintf(stderr, "error: unexpected argument '%s'\nusage: %s\n", a, usage);
            return false;
        } else {
            *arg = a;
        }
    }
    if (!*arg) {
        fprintf(stderr, "error: missing argument\nusage: %s\n", usage);
        return false;
    }
    return true;
}

/* Reads the whole file; false if it cannot be opened (errno set) or is too large. */
static bool read_file(uint8_t **out, size_t *len, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = mem_alloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_INPUT_FILE) {
                snprintf(err, errlen, "%s: larger than %u bytes", path, MAX_INPUT_FILE);
                fclose(f);
                mem_free(buf);
                return false;
            }
            cap *= 2;
            buf = mem_realloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        snprintf(err, errlen, "%s: read error", path);
        mem_free(buf);
        return false;
    }
    *out = buf;
    *len = n;
    return true;
}

/* If buf holds only hex digits and whitespace (and at least one digit),
 * decodes it in place. Returns false if it is not hex text. */
static bool decode_hex_text(uint8_t *buf, size_t *len)
{
    size_t digits = 0;
    for (size_t i = 0; i < *len; i++) {
        uint8_t c = buf[i];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
            digits++;
        else if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            return false;
    }
    if (digits == 0 || digits % 2)
        return false;
    char *text = mem_alloc(digits + 1);
    size_t k = 0;
    for (size_t i = 0; i < *len; i++)
        if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t')
            text[k++] = (char)buf[i];
    text[k] = '\0';
    size_t n;
    bool ok = hex_decode(buf, *len, &n, text);
    mem_free(text);
    if (ok)
        *len = n;
    return ok;
}

bool util_read_input(uint8_t **out, size_t *len, const char *arg, char *err, size_t errlen)
{
    *out = NULL;
    *len = 0;
    err[0] = '\0';
    uint8_t *buf;
    size_t n;
    if (read_file(&buf, &n, arg, err, errlen)) {
        (void)decode_hex_text(buf, &n); /* raw bytes stay as they are */
        *out = buf;
        *len = n;
        return true;
    }
    if (err[0])
        return false; /* the file exists but could not be read */
    int file_errno = errno;
    buf = hex_decode_alloc(arg, &n);
    if (buf && n > 0) {
        *out = buf;
        *len = n;
        return true;
    }
    mem_free(buf);
    if (file_errno == ENOENT)
        snprintf(err, errlen, "argument is neither a file nor hex");
    else
        snprintf(err, errlen, "%s: %s", arg, strerror(file_errno));
    return false;
}

int util_print_json(json_t *v)
{
    char *s = rpc_json_write(v, 2);
    json_decref(v);
    bool ok = fputs(s, stdout) >= 0 && fputc('\n', stdout) != EOF;
    mem_free(s);
    ok = fflush(stdout) == 0 && ok;
    return ok ? UTIL_EXIT_OK : UTIL_EXIT_FAIL;
}

int util_load_block(struct util_chain *chain, struct block *b, int argc, char **argv, const char *usage)
{
    const char *chain_name, *arg;
    if (!util_args_one(&chain_name, &arg, argc, argv, true, usage) || !util_chain_select(chain, chain_name))
        return UTIL_EXIT_USAGE;
    uint8_t *raw;
    size_t len;
    char err[256];
    if (!util_read_input(&raw, &len, arg, err, sizeof(err))) {
        fprintf(stderr, "error: %s\n", err);
        return UTIL_EXIT_FAIL;
    }
    bool ok = block_decode(b, raw, len, true);
    mem_free(raw);
    if (!ok) {
        fprintf(stderr, "error: Block decode failed\n");
        return UTIL_EXIT_FAIL;
    }
    return UTIL_EXIT_OK;
}
