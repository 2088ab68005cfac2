/* Network addresses: conversions, text forms, groups and subnets. */
#include "net/netaddr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t IPV4_MAPPED[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

size_t net_addr_network_size(uint8_t network)
{
    switch (network) {
    case NET_ADDR_IPV4: return 4;
    case NET_ADDR_IPV6: return 16;
    case NET_ADDR_TORV3: return 32;
    case NET_ADDR_I2P: return 32;
    case NET_ADDR_CJDNS: return 16;
    default: return 0;
    }
}

void net_addr_set_ipv4(struct net_addr *a, const uint8_t ip[4], uint16_t port)
{
    memset(a, 0, sizeof(*a));
    a->network = NET_ADDR_IPV4;
    a->len = 4;
    memcpy(a->bytes, ip, 4);
    a->port = port;
}

void net_addr_from_v1(struct net_addr *a, const uint8_t ip[16], uint16_t port)
{
    if (memcmp(ip, IPV4_MAPPED, 12) == 0) {
        net_addr_set_ipv4(a, ip + 12, port);
        return;
    }
    memset(a, 0, sizeof(*a));
    /* fc00::/8 is CJDNS in Core only when it came as BIP 155; v1 keeps it IPv6. */
    a->network = NET_ADDR_IPV6;
    a->len = 16;
    memcpy(a->bytes, ip, 16);
    a->port = port;
}

bool net_addr_to_v1(uint8_t out[16], const struct net_addr *a)
{
    memset(out, 0, 16);
    if (a->network == NET_ADDR_IPV4) {
        memcpy(out, IPV4_MAPPED, 12);
        memcpy(out + 12, a->bytes, 4);
        return true;
    }
    if (a->network == NET_ADDR_IPV6 || a->network == NET_ADDR_CJDNS) {
        memcpy(out, a->bytes, 16);
        return true;
    }
    return false;
}

bool net_addr_same_host(const struct net_addr *a, const struct net_addr *b)
{
    return a->network == b->network && a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

bool net_addr_eq(const struct net_addr *a, const struct net_addr *b)
{
    return net_addr_same_host(a, b) && a->port == b->port;
}

bool net_addr_is_unspecified(const struct net_addr *a)
{
    if (a->network != NET_ADDR_IPV4 && a->network != NET_ADDR_IPV6)
        return a->network == NET_ADDR_UNKNOWN;
    for (size_t i = 0; i < a->len; i++)
        if (a->bytes[i])
            return false;
    return true;
}

bool net_addr_is_local(const struct net_addr *a)
{
    if (a->network == NET_ADDR_IPV4)
        return a->bytes[0] == 127 || a->bytes[0] == 0;
    if (a->network == NET_ADDR_IPV6) {
        static const uint8_t lo[16] = { [15] = 1 };
        return memcmp(a->bytes, lo, 16) == 0;
    }
    return false;
}

bool net_addr_is_routable(const struct net_addr *a)
{
    const uint8_t *b = a->bytes;
    if (net_addr_is_unspecified(a) || net_addr_is_local(a))
        return false;
    if (a->network == NET_ADDR_IPV4) {
        if (b[0] == 10 || (b[0] == 192 && b[1] == 168) || (b[0] == 172 && b[1] >= 16 && b[1] <= 31))
            return false; /* RFC 1918 */
        if (b[0] == 169 && b[1] == 254)
            return false; /* RFC 3927 */
        if (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
            return false; /* RFC 6598 */
        if (b[0] == 198 && (b[1] == 18 || b[1] == 19))
            return false; /* RFC 2544 */
        if ((b[0] == 192 && b[1] == 0 && b[2] == 2) || (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
            (b[0] == 203 && b[1] == 0 && b[2] == 113))
            return false; /* RFC 5737 */
        if (b[0] >= 240)
            return false;
        return true;
    }
    if (a->network == NET_ADDR_IPV6) {
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
            return false; /* RFC 3849 */
        if ((b[0] & 0xfe) == 0xfc)
            return false; /* RFC 4193 */
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
            return false; /* RFC 4862 */
        return true;
    }
    return a->network != NET_ADDR_UNKNOWN;
}

void net_addr_group(uint8_t out[NET_ADDR_GROUP_MAX], size_t *len, const struct net_addr *a)
{
    memset(out, 0, NET_ADDR_GROUP_MAX);
    if (net_addr_is_local(a)) {
        out[0] = 255; /* every local address is one group */
        *len = 1;
        return;
    }
    if (!net_addr_is_routable(a)) {
        out[0] = 0; /* unroutable: one group */
        *len = 1;
        return;
    }
    out[0] = a->network;
    switch (a->network) {
    case NET_ADDR_IPV4:
        memcpy(out + 1, a->bytes, 2); /* /16 */
        *len = 3;
        return;
    case NET_ADDR_IPV6:
        if (a->bytes[0] == 0x20 && a->bytes[1] == 0x01 && a->bytes[2] == 0 && a->bytes[3] == 0) {
            /* Teredo: the embedded IPv4 (inverted) /16 */
            out[0] = NET_ADDR_IPV4;
            out[1] = (uint8_t)~a->bytes[12];
            out[2] = (uint8_t)~a->bytes[13];
            *len = 3;
            return;
        }
        if (a->bytes[0] == 0x20 && a->bytes[1] == 0x02) {
            /* 6to4: the embedded IPv4 /16 */
            out[0] = NET_ADDR_IPV4;
            out[1] = a->bytes[2];
            out[2] = a->bytes[3];
            *len = 3;
            return;
        }
        memcpy(out + 1, a->bytes, 4); /* /32 */
        *len = 5;
        return;
    default:
        out[1] = (uint8_t)(a->bytes[0] & 0xf0); /* first 4 bits */
        *len = 2;
        return;
    }
}

void net_addr_host_string(char out[NET_ADDR_STRLEN], const struct net_addr *a)
{
    if (a->network == NET_ADDR_IPV4) {
        if (!inet_ntop(AF_INET, a->bytes, out, NET_ADDR_STRLEN))
            snprintf(out, NET_ADDR_STRLEN, "?");
        return;
    }
    if (a->network == NET_ADDR_IPV6 || a->network == NET_ADDR_CJDNS) {
        if (!inet_ntop(AF_INET6, a->bytes, out, NET_ADDR_STRLEN))
            snprintf(out, NET_ADDR_STRLEN, "?");
        return;
    }
    /* Tor/I2P/unknown: network id and the first bytes in hex (no base32 here). */
    int n = snprintf(out, NET_ADDR_STRLEN, "net%u:", (unsigned)a->network);
    for (size_t i = 0; i < a->len && n + 2 < NET_ADDR_STRLEN; i++)
        n += snprintf(out + n, (size_t)(NET_ADDR_STRLEN - n), "%02x", a->bytes[i]);
}

void net_addr_to_string(char out[NET_ADDR_STRLEN], const struct net_addr *a)
{
    char host[NET_ADDR_STRLEN];
    net_addr_host_string(host, a);
    if (a->network == NET_ADDR_IPV6 || a->network == NET_ADDR_CJDNS)
        snprintf(out, NET_ADDR_STRLEN, "[%.46s]:%u", host, (unsigned)a->port);
    else
        snprintf(out, NET_ADDR_STRLEN, "%.56s:%u", host, (unsigned)a->port);
}

/* Splits "host", "host:port", "[v6]", "[v6]:port". Out: host (NUL-terminated) and port. */
static bool split_host_port(char *host, size_t hostcap, uint16_t *port, const char *s, uint16_t default_port)
{
    const char *h = s, *hend, *p = NULL;
    if (s[0] == '[') {
        h = s + 1;
        hend = strchr(h, ']');
        if (!hend)
            return false;
        if (hend[1] == ':')
            p = hend + 2;
        else if (hend[1] != 0)
            return false;
    } else {
        const char *c = strchr(s, ':');
        if (c && strchr(c + 1, ':'))
            c = NULL; /* bare IPv6 without brackets: no port */
        hend = c ? c : s + strlen(s);
        if (c)
            p = c + 1;
    }
    size_t n = (size_t)(hend - h);
    if (n == 0 || n >= hostcap)
        return false;
    memcpy(host, h, n);
    host[n] = 0;
    *port = default_port;
    if (p) {
        if (*p == 0 || strlen(p) > 5)
            return false;
        unsigned long v = 0;
        for (const char *q = p; *q; q++) {
            if (*q < '0' || *q > '9')
                return false;
            v = v * 10 + (unsigned long)(*q - '0');
        }
        if (v > 65535)
            return false;
        *port = (uint16_t)v;
    }
    return true;
}

static bool parse_numeric_host(struct net_addr *a, const char *host, uint16_t port)
{
    uint8_t buf[16];
    if (inet_pton(AF_INET, host, buf) == 1) {
        net_addr_set_ipv4(a, buf, port);
        return true;
    }
    if (inet_pton(AF_INET6, host, buf) == 1) {
        net_addr_from_v1(a, buf, port);
        return true;
    }
    return false;
}

bool net_addr_parse(struct net_addr *a, const char *s, uint16_t default_port)
{
    char host[NET_ADDR_STRLEN];
    uint16_t port;
    memset(a, 0, sizeof(*a));
    if (!s || !split_host_port(host, sizeof(host), &port, s, default_port) || !parse_numeric_host(a, host, port)) {
        memset(a, 0, sizeof(*a));
        return false;
    }
    return true;
}

bool net_addr_resolve(struct net_addr *a, const char *s, uint16_t default_port)
{
    char host[256];
    uint16_t port;
    memset(a, 0, sizeof(*a));
    if (!s || !split_host_port(host, sizeof(host), &port, s, default_port))
        return false;
    if (parse_numeric_host(a, host, port))
        return true;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
        return false;
    bool ok = false;
    for (struct addrinfo *ai = res; ai && !ok; ai = ai->ai_next)
        ok = net_addr_from_sockaddr(a, ai->ai_addr);
    freeaddrinfo(res);
    if (!ok) {
        memset(a, 0, sizeof(*a));
        return false;
    }
    a->port = port;
    return true;
}

bool net_addr_from_sockaddr(struct net_addr *a, const struct sockaddr *sa)
{
    memset(a, 0, sizeof(*a));
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        net_addr_set_ipv4(a, (const uint8_t *)&s4->sin_addr, ntohs(s4->sin_port));
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        net_addr_from_v1(a, (const uint8_t *)&s6->sin6_addr, ntohs(s6->sin6_port));
        return true;
    }
    return false;
}

bool net_addr_to_sockaddr(struct sockaddr_storage *ss, unsigned *sslen, const struct net_addr *a)
{
    memset(ss, 0, sizeof(*ss));
    if (a->network == NET_ADDR_IPV4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, a->bytes, 4);
        s4->sin_port = htons(a->port);
        *sslen = sizeof(*s4);
        return true;
    }
    if (a->network == NET_ADDR_IPV6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;
        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_addr, a->bytes, 16);
        s6->sin6_port = htons(a->port);
        *sslen = sizeof(*s6);
        return true;
    }
    return false;
}

static void subnet_mask(struct net_subnet *sn)
{
    size_t total = (size_t)sn->base.len * 8;
    for (size_t bit = sn->bits; bit < total; bit++)
        sn->base.bytes[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
    sn->base.port = 0;
}

bool net_subnet_parse(struct net_subnet *sn, const char *s)
{
    char host[NET_ADDR_STRLEN];
    memset(sn, 0, sizeof(*sn));
    if (!s)
        return false;
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 0 || n >= sizeof(host))
        return false;
    memcpy(host, s, n);
    host[n] = 0;
    if (!parse_numeric_host(&sn->base, host, 0))
        goto fail;
    sn->bits = (uint8_t)(sn->base.len * 8);
    if (slash) {
        const char *m = slash + 1;
        uint8_t maskb[4];
        if (sn->base.network == NET_ADDR_IPV4 && strchr(m, '.') && inet_pton(AF_INET, m, maskb) == 1) {
            /* dotted netmask: must be contiguous ones */
            uint32_t v = (uint32_t)maskb[0] << 24 | (uint32_t)maskb[1] << 16 | (uint32_t)maskb[2] << 8 | maskb[3];
            unsigned bits = 0;
            while (bits < 32 && (v & (0x80000000u >> bits)))
                bits++;
            if (bits < 32 && (v << bits) != 0)
                goto fail;
            sn->bits = (uint8_t)bits;
        } else {
            if (*m == 0 || strlen(m) > 3)
                goto fail;
            unsigned v = 0;
            for (const char *q = m; *q; q++) {
                if (*q < '0' || *q > '9')
                    goto fail;
                v = v * 10 + (unsigned)(*q - '0');
            }
            if (v > (unsigned)sn->base.len * 8)
                goto fail;
            sn->bits = (uint8_t)v;
        }
    }
    subnet_mask(sn);
    return true;
fail:
    memset(sn, 0, sizeof(*sn));
    return false;
}

bool net_subnet_match(const struct net_subnet *sn, const struct net_addr *a)
{
    if (sn->base.network != a->network || sn->base.len != a->len || sn->base.len == 0)
        return false;
    struct net_subnet t = { *a, sn->bits };
    subnet_mask(&t);
    return memcmp(t.base.bytes, sn->base.bytes, a->len) == 0;
}

void net_subnet_to_string(char out[NET_ADDR_STRLEN + 4], const struct net_subnet *sn)
{
    char host[NET_ADDR_STRLEN];
    net_addr_host_string(host, &sn->base);
    snprintf(out, NET_ADDR_STRLEN + 4, "%.56s/%u", host, (unsigned)sn->bits);
}
