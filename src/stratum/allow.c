/* -stratumallowip subnets (allow.h). */
#include "src/stratum/allow.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "src/util/alloc.h"

static bool parse_subnet(struct stratum_subnet *out, const char *s)
{
    char buf[96];
    if (strlen(s) >= sizeof(buf))
        return false;
    strcpy(buf, s);
    char *slash = strchr(buf, '/');
    if (slash)
        *slash++ = '\0';
    memset(out, 0, sizeof(*out));
    size_t len;
    if (inet_pton(AF_INET, buf, out->addr) == 1) {
        out->family = AF_INET;
        len = 4;
    } else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
        out->family = AF_INET6;
        len = 16;
    } else {
        return false;
    }
    unsigned bits = (unsigned)len * 8;
    if (slash) {
        char *end;
        long b = strtol(slash, &end, 10);
        if (*slash && !*end) {
            if (b < 0 || b > (long)len * 8)
                return false;
            bits = (unsigned)b;
        } else if (inet_pton(out->family, slash, out->mask) == 1) {
            bits = 0xffffffffu; /* a netmask given as an address */
        } else {
            return false;
        }
    }
    if (bits != 0xffffffffu)
        for (unsigned i = 0; i < len; i++)
            out->mask[i] = bits >= 8 * (i + 1) ? 0xff : bits > 8 * i ? (uint8_t)(0xff << (8 - (bits - 8 * i))) : 0;
    for (unsigned i = 0; i < len; i++)
        out->addr[i] &= out->mask[i];
    return true;
}

bool stratum_allow_init(struct stratum_allow *a, const char *const *subnets, size_t count, char *err, size_t errlen)
{
    memset(a, 0, sizeof(*a));
    a->v = mem_calloc(count ? count : 1, sizeof(*a->v));
    for (size_t i = 0; i < count; i++) {
        if (!parse_subnet(&a->v[i], subnets[i])) {
            snprintf(err, errlen, "Invalid -stratumallowip subnet: '%s'", subnets[i]);
            stratum_allow_clear(a);
            return false;
        }
    }
    a->n = count;
    return true;
}

void stratum_allow_clear(struct stratum_allow *a)
{
    mem_free(a->v);
    memset(a, 0, sizeof(*a));
}

bool stratum_allow_match(const struct stratum_allow *a, const struct sockaddr *sa)
{
    uint8_t addr[16];
    int family = sa->sa_family;
    size_t len;
    if (family == AF_INET) {
        memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        len = 4;
        if (addr[0] == 127)
            return true;
    } else if (family == AF_INET6) {
        memcpy(addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
        len = 16;
        static const uint8_t loop6[16] = { [15] = 1 };
        if (memcmp(addr, loop6, 16) == 0)
            return true;
        static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
        if (memcmp(addr, mapped, 12) == 0) { /* ::ffff:a.b.c.d: judge the IPv4 address */
            memmove(addr, addr + 12, 4);
            family = AF_INET;
            len = 4;
            if (addr[0] == 127)
                return true;
        }
    } else {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        const struct stratum_subnet *s = &a->v[i];
        if (s->family != family)
            continue;
        bool ok = true;
        for (size_t k = 0; k < len && ok; k++)
            ok = (addr[k] & s->mask[k]) == s->addr[k];
        if (ok)
            return true;
    }
    return false;
}
