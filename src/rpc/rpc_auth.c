/* RPC credentials: passwords, -rpcauth HMACs, the cookie file, base64. */
#include "src/rpc/rpc_auth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/crypto/hmac.h"
#include "src/util/alloc.h"
#include "src/util/base64.h"
#include "src/util/file.h"
#include "src/util/hex.h"

/* One accepted login. For a password entry salt is NULL and secret is the
 * password; for -rpcauth secret is the 32-byte HMAC. */
struct auth_entry {
    char *user;
    char *salt;
    uint8_t *secret;
    size_t secret_len;
};

struct rpc_auth {
    struct auth_entry *e;
    size_t n;
};

struct rpc_auth *rpc_auth_new(void)
{
    return mem_calloc(1, sizeof(struct rpc_auth));
}

void rpc_auth_free(struct rpc_auth *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        mem_free(a->e[i].user);
        mem_free(a->e[i].salt);
        mem_wipe(a->e[i].secret, a->e[i].secret_len);
        mem_free(a->e[i].secret);
    }
    mem_free(a->e);
    mem_free(a);
}

static void add(struct rpc_auth *a, char *user, char *salt, uint8_t *secret, size_t len)
{
    a->e = mem_realloc(a->e, (a->n + 1) * sizeof(a->e[0]));
    a->e[a->n++] = (struct auth_entry){ user, salt, secret, len };
}

void rpc_auth_add_password(struct rpc_auth *a, const char *user, const char *password)
{
    add(a, mem_strdup(user), NULL, mem_dup(password, strlen(password)), strlen(password));
}

bool rpc_auth_add_rpcauth(struct rpc_auth *a, const char *entry)
{
    const char *colon = strchr(entry, ':');
    if (!colon)
        return false;
    const char *dollar = strchr(colon + 1, '$');
    if (!dollar || strchr(dollar + 1, '$'))
        return false;
    uint8_t mac[32];
    size_t len;
    if (strlen(dollar + 1) != 64 || !hex_decode(mac, sizeof(mac), &len, dollar + 1) || len != 32)
        return false;
    char *user = mem_alloc((size_t)(colon - entry) + 1);
    memcpy(user, entry, (size_t)(colon - entry));
    user[colon - entry] = '\0';
    char *salt = mem_alloc((size_t)(dollar - colon));
    memcpy(salt, colon + 1, (size_t)(dollar - colon - 1));
    salt[dollar - colon - 1] = '\0';
    add(a, user, salt, mem_dup(mac, 32), 32);
    return true;
}

bool rpc_auth_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    /* Core's TimingResistantEqual: time depends on the lengths only. */
    if (blen == 0)
        return alen == 0;
    size_t acc = alen ^ blen;
    for (size_t i = 0; i < alen; i++)
        acc |= (size_t)((unsigned char)a[i] ^ (unsigned char)b[i % blen]);
    return acc == 0;
}

bool rpc_auth_check(const struct rpc_auth *a, const char *userpass)
{
    const char *colon = strchr(userpass, ':');
    if (!colon)
        return false;
    size_t ulen = (size_t)(colon - userpass);
    const char *pass = colon + 1;
    size_t plen = strlen(pass);
    bool ok = false;
    /* Every entry is checked, so the time does not tell which user exists. */
    for (size_t i = 0; i < a->n; i++) {
        const struct auth_entry *e = &a->e[i];
        bool user_ok = rpc_auth_equal(userpass, ulen, e->user, strlen(e->user));
        bool pass_ok;
        if (e->salt) {
            uint8_t mac[32];
            hmac_sha256(mac, (const uint8_t *)e->salt, strlen(e->salt), (const uint8_t *)pass, plen);
            pass_ok = rpc_auth_equal((const char *)mac, 32, (const char *)e->secret, 32);
            mem_wipe(mac, sizeof(mac));
        } else {
            pass_ok = rpc_auth_equal(pass, plen, (const char *)e->secret, e->secret_len);
        }
        ok |= user_ok & pass_ok;
    }
    return ok;
}

bool rpc_auth_check_header(const struct rpc_auth *a, char *user, size_t usercap, const char *header)
{
    if (strncmp(header, "Basic ", 6) != 0)
        return false;
    const char *b64 = header + 6;
    while (*b64 == ' ')
        b64++;
    size_t len;
    unsigned char *dec = base64_decode_alloc(b64, &len);
    if (!dec)
        return false;
    bool ok = strlen((char *)dec) == len && rpc_auth_check(a, (const char *)dec);
    if (ok && user && usercap) {
        size_t ulen = strcspn((const char *)dec, ":");
        if (ulen >= usercap)
            ulen = usercap - 1;
        memcpy(user, dec, ulen);
        user[ulen] = '\0';
    }
    mem_wipe(dec, len);
    mem_free(dec);
    return ok;
}

static bool random_fill(uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom(buf + got, len - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        got += (size_t)n;
    }
    return true;
}

bool rpc_auth_cookie_write(char password[65], const char *path)
{
    uint8_t rnd[32];
    if (!random_fill(rnd, sizeof(rnd)))
        return false;
    hex_encode(password, rnd, sizeof(rnd));
    mem_wipe(rnd, sizeof(rnd));

    char line[sizeof(RPC_COOKIE_USER) + 65];
    int n = snprintf(line, sizeof(line), "%s:%s", RPC_COOKIE_USER, password);
    bool ok = file_write_atomic(path, line, (size_t)n, 0600) == 0;
    mem_wipe(line, sizeof(line));
    return ok;
}

bool rpc_auth_cookie_read(char **userpass, const char *path)
{
    *userpass = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char buf[512];
    bool ok = false;
    if (fgets(buf, sizeof(buf), f)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (strchr(buf, ':')) {
            *userpass = mem_strdup(buf);
            ok = true;
        }
    }
    mem_wipe(buf, sizeof(buf));
    fclose(f);
    return ok;
}

void rpc_auth_cookie_remove(const char *path)
{
    unlink(path);
}

