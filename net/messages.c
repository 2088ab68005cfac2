/* P2P message payloads: serialisers and bounded parsers. */
#include "net/messages.h"

#include <string.h>

#include "src/util/alloc.h"
#include "src/util/endian.h"
#include "src/util/rbuf.h"

/* Smallest serialised entry of each list, to cap claimed counts by the bytes left. */
#define INV_ENTRY_SIZE 36
#define HEADERS_ENTRY_MIN 81
#define ADDR_V1_ENTRY_SIZE 30
#define ADDR_V2_ENTRY_MIN (4 + 1 + 1 + 1 + 2)

/* ---- shared pieces ------------------------------------------------------ */

static void put_v1_addr(struct wbuf *w, uint64_t services, const struct net_addr *a)
{
    uint8_t ip[16];
    uint8_t port[2];
    wbuf_u64le(w, services);
    (void)net_addr_to_v1(ip, a); /* zeros for networks v1 cannot carry, as Core */
    wbuf_put(w, ip, 16);
    port[0] = (uint8_t)(a->port >> 8);
    port[1] = (uint8_t)a->port;
    wbuf_put(w, port, 2);
}

static bool get_v1_addr(struct rbuf *r, uint64_t *services, struct net_addr *a)
{
    const uint8_t *ip;
    uint8_t port[2];
    if (!rbuf_u64le(r, services) || !(ip = rbuf_take(r, 16)) || !rbuf_read(r, port, 2))
        return false;
    net_addr_from_v1(a, ip, (uint16_t)(port[0] << 8 | port[1]));
    return true;
}

/* ---- version ------------------------------------------------------------ */

void net_msg_version_serialize(struct wbuf *w, const struct net_msg_version *m)
{
    size_t ua = strnlen(m->user_agent, NET_MAX_SUBVERSION_LENGTH);
    wbuf_u32le(w, (uint32_t)m->version);
    wbuf_u64le(w, m->services);
    wbuf_u64le(w, (uint64_t)m->timestamp);
    put_v1_addr(w, m->recv_services, &m->recv_addr);
    put_v1_addr(w, m->from_services, &m->from_addr);
    wbuf_u64le(w, m->nonce);
    wbuf_var_bytes(w, (const uint8_t *)m->user_agent, ua);
    wbuf_u32le(w, (uint32_t)m->start_height);
    wbuf_u8(w, m->relay ? 1 : 0);
}

bool net_msg_version_parse(struct net_msg_version *out, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    memset(out, 0, sizeof(*out));
    out->relay = true;
    if (!rbuf_i32le(&r, &out->version) || !rbuf_u64le(&r, &out->services) || !rbuf_i64le(&r, &out->timestamp) ||
        !get_v1_addr(&r, &out->recv_services, &out->recv_addr))
        goto fail;
    /* Core reads each later field only if bytes remain. */
    if (r.len == 0)
        return true;
    if (!get_v1_addr(&r, &out->from_services, &out->from_addr) || !rbuf_u64le(&r, &out->nonce))
        goto fail;
    if (r.len == 0)
        return true;
    uint64_t n;
    const uint8_t *ua;
    if (!rbuf_compact(&r, &n, NET_MAX_SUBVERSION_LENGTH) || !(ua = rbuf_take(&r, (size_t)n)))
        goto fail;
    if (memchr(ua, 0, (size_t)n))
        goto fail;
    memcpy(out->user_agent, ua, (size_t)n);
    out->user_agent[n] = 0;
    if (r.len == 0)
        return true;
    if (!rbuf_i32le(&r, &out->start_height))
        goto fail;
    if (r.len == 0)
        return true;
    uint8_t relay;
    if (!rbuf_u8(&r, &relay))
        goto fail;
    out->relay = relay != 0;
    return true; /* later bytes ignored, as Core (room for future fields) */
fail:
    memset(out, 0, sizeof(*out));
    return false;
}

/* ---- small fixed messages ---------------------------------------------- */

bool net_msg_empty_parse(const uint8_t *p, size_t len)
{
    (void)p;
    return len == 0;
}

void net_msg_ping_serialize(struct wbuf *w, uint64_t nonce) { wbuf_u64le(w, nonce); }

bool net_msg_ping_parse(uint64_t *nonce, const uint8_t *p, size_t len)
{
    *nonce = 0;
    if (len != 8)
        return false;
    *nonce = le64_read(p);
    return true;
}

void net_msg_feefilter_serialize(struct wbuf *w, int64_t feerate) { wbuf_u64le(w, (uint64_t)feerate); }

bool net_msg_feefilter_parse(int64_t *feerate, const uint8_t *p, size_t len)
{
    *feerate = 0;
    if (len != 8)
        return false;
    *feerate = (int64_t)le64_read(p);
    return true;
}

void net_msg_sendcmpct_serialize(struct wbuf *w, bool announce, uint64_t version)
{
    wbuf_u8(w, announce ? 1 : 0);
    wbuf_u64le(w, version);
}

bool net_msg_sendcmpct_parse(bool *announce, uint64_t *version, const uint8_t *p, size_t len)
{
    *announce = false;
    *version = 0;
    if (len != 9)
        return false;
    *announce = p[0] != 0;
    *version = le64_read(p + 1);
    return true;
}

/* ---- getheaders / getblocks -------------------------------------------- */

void net_msg_getheaders_serialize(struct wbuf *w, uint32_t version, const struct hash256 *locator, size_t count,
                                  const struct hash256 *hash_stop)
{
    wbuf_u32le(w, version);
    wbuf_compact(w, count);
    for (size_t i = 0; i < count; i++)
        wbuf_put(w, locator[i].b, 32);
    wbuf_put(w, hash_stop->b, 32);
}

bool net_msg_getheaders_parse(struct net_msg_getheaders *out, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    uint64_t n;
    memset(out, 0, sizeof(*out));
    if (!rbuf_u32le(&r, &out->version) || !rbuf_compact(&r, &n, NET_MAX_LOCATOR_SZ))
        goto fail;
    if (n * 32 + 32 > r.len) /* nothing missing; trailing bytes are ignored (Core) */
        goto fail;
    out->locator = mem_alloc((size_t)n * sizeof(struct hash256) + 1);
    out->count = (size_t)n;
    for (size_t i = 0; i < out->count; i++)
        if (!rbuf_read(&r, out->locator[i].b, 32))
            goto fail;
    if (!rbuf_read(&r, out->hash_stop.b, 32))
        goto fail;
    return true;
fail:
    net_msg_getheaders_clear(out);
    return false;
}

void net_msg_getheaders_clear(struct net_msg_getheaders *m)
{
    mem_free(m->locator);
    memset(m, 0, sizeof(*m));
}

/* ---- headers ------------------------------------------------------------ */

void net_msg_headers_serialize(struct wbuf *w, const struct block_header *headers, size_t count)
{
    wbuf_compact(w, count);
    for (size_t i = 0; i < count; i++) {
        block_header_serialize(w, &headers[i]);
        wbuf_u8(w, 0);
    }
}

bool net_msg_headers_count(uint64_t *count, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    return rbuf_compact(&r, count, UINT64_MAX);
}

bool net_msg_headers_parse(struct net_msg_headers *out, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    uint64_t n;
    memset(out, 0, sizeof(*out));
    if (!rbuf_compact(&r, &n, NET_MAX_HEADERS_RESULTS) || n > r.len / HEADERS_ENTRY_MIN)
        goto fail;
    out->headers = mem_alloc((size_t)n * sizeof(struct block_header) + 1);
    out->count = (size_t)n;
    for (size_t i = 0; i < out->count; i++) {
        uint64_t txs;
        if (!block_header_parse(&out->headers[i], &r) || !rbuf_compact(&r, &txs, UINT64_MAX))
            goto fail;
    }
    return true; /* trailing bytes ignored (Core) */
fail:
    net_msg_headers_clear(out);
    return false;
}

void net_msg_headers_clear(struct net_msg_headers *m)
{
    mem_free(m->headers);
    memset(m, 0, sizeof(*m));
}

/* ---- inv / getdata / notfound ------------------------------------------ */

void net_msg_inv_serialize(struct wbuf *w, const struct net_inv *items, size_t count)
{
    wbuf_compact(w, count);
    wbuf_reserve(w, count * INV_ENTRY_SIZE);
    for (size_t i = 0; i < count; i++) {
        wbuf_u32le(w, items[i].type);
        wbuf_put(w, items[i].hash.b, 32);
    }
}

bool net_msg_inv_parse(struct net_msg_inv *out, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    uint64_t n;
    memset(out, 0, sizeof(*out));
    /* The count is capped before anything is allocated; bytes after the
     * entries are ignored, as Core (it reads the vector and drops the rest). */
    if (!rbuf_compact(&r, &n, NET_MAX_INV_SZ) || n > r.len / INV_ENTRY_SIZE)
        goto fail;
    out->items = mem_alloc((size_t)n * sizeof(struct net_inv) + 1);
    out->count = (size_t)n;
    for (size_t i = 0; i < out->count; i++)
        if (!rbuf_u32le(&r, &out->items[i].type) || !rbuf_read(&r, out->items[i].hash.b, 32))
            goto fail;
    return true;
fail:
    net_msg_inv_clear(out);
    return false;
}

bool net_msg_inv_count(uint64_t *count, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    return rbuf_compact(&r, count, UINT64_MAX);
}

void net_msg_inv_clear(struct net_msg_inv *m)
{
    mem_free(m->items);
    memset(m, 0, sizeof(*m));
}

/* ---- block / tx --------------------------------------------------------- */

void net_msg_block_serialize(struct wbuf *w, const struct block *b) { block_serialize(w, b, true); }

bool net_msg_block_parse(struct block *b, bool *noncanonical, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    if (noncanonical)
        *noncanonical = false;
    if (!block_parse(b, &r, true)) {
        if (noncanonical)
            *noncanonical = r.noncanonical;
        return false;
    }
    if (r.len) {
        block_clear(b);
        return false;
    }
    return true;
}

void net_msg_tx_serialize(struct wbuf *w, const struct tx *tx) { tx_serialize(w, tx, true); }

bool net_msg_tx_parse(struct tx *tx, const uint8_t *p, size_t len) { return tx_decode(tx, p, len, true); }

/* ---- addr / addrv2 ------------------------------------------------------ */

void net_msg_addr_serialize(struct wbuf *w, const struct net_addr_entry *items, size_t count)
{
    size_t n = 0;
    uint8_t ip[16];
    for (size_t i = 0; i < count; i++)
        n += net_addr_to_v1(ip, &items[i].addr);
    wbuf_compact(w, n);
    for (size_t i = 0; i < count; i++) {
        if (!net_addr_to_v1(ip, &items[i].addr))
            continue;
        wbuf_u32le(w, items[i].time);
        put_v1_addr(w, items[i].services, &items[i].addr);
    }
}

bool net_msg_addr_parse(struct net_msg_addr *out, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    uint64_t n;
    memset(out, 0, sizeof(*out));
    if (!rbuf_compact(&r, &n, NET_MAX_ADDR_TO_SEND) || n > r.len / ADDR_V1_ENTRY_SIZE)
        goto fail; /* trailing bytes after the entries are ignored (Core) */
    out->items = mem_calloc((size_t)n + 1, sizeof(struct net_addr_entry));
    out->count = (size_t)n;
    for (size_t i = 0; i < out->count; i++)
        if (!rbuf_u32le(&r, &out->items[i].time) || !get_v1_addr(&r, &out->items[i].services, &out->items[i].addr))
            goto fail;
    return true;
fail:
    net_msg_addr_clear(out);
    return false;
}

void net_msg_addrv2_serialize(struct wbuf *w, const struct net_addr_entry *items, size_t count)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        n += net_addr_network_size(items[i].addr.network) == items[i].addr.len && items[i].addr.len;
    wbuf_compact(w, n);
    for (size_t i = 0; i < count; i++) {
        const struct net_addr *a = &items[i].addr;
        if (!a->len || net_addr_network_size(a->network) != a->len)
            continue;
        wbuf_u32le(w, items[i].time);
        wbuf_compact(w, items[i].services);
        wbuf_u8(w, a->network);
        wbuf_var_bytes(w, a->bytes, a->len);
        uint8_t port[2] = { (uint8_t)(a->port >> 8), (uint8_t)a->port };
        wbuf_put(w, port, 2);
    }
}

bool net_msg_addrv2_parse(struct net_msg_addr *out, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    uint64_t n;
    memset(out, 0, sizeof(*out));
    if (!rbuf_compact(&r, &n, NET_MAX_ADDR_TO_SEND) || n > r.len / ADDR_V2_ENTRY_MIN)
        goto fail;
    out->items = mem_calloc((size_t)n + 1, sizeof(struct net_addr_entry));
    out->count = (size_t)n;
    for (size_t i = 0; i < out->count; i++) {
        struct net_addr_entry *e = &out->items[i];
        uint8_t netid, port[2];
        uint64_t alen;
        const uint8_t *ab;
        if (!rbuf_u32le(&r, &e->time) || !rbuf_compact(&r, &e->services, UINT64_MAX) || !rbuf_u8(&r, &netid) ||
            !rbuf_compact(&r, &alen, NET_ADDR_MAX_V2_SIZE) || !(ab = rbuf_take(&r, (size_t)alen)) ||
            !rbuf_read(&r, port, 2))
            goto fail;
        size_t want = net_addr_network_size(netid);
        if (want && alen != want)
            goto fail; /* known network, wrong size: Core throws */
        memset(&e->addr, 0, sizeof(e->addr));
        e->addr.port = (uint16_t)(port[0] << 8 | port[1]);
        if (want) {
            e->addr.network = netid;
            e->addr.len = (uint8_t)alen;
            memcpy(e->addr.bytes, ab, (size_t)alen);
            /* An IPv4-mapped IPv6 address in addrv2 is not a valid IPv6 address (BIP 155). */
            static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
            if (netid == NET_ADDR_IPV6 && memcmp(ab, mapped, 12) == 0)
                e->addr.network = NET_ADDR_UNKNOWN;
        } /* unknown network: kept as NET_ADDR_UNKNOWN */
    }
    return true; /* trailing bytes ignored (Core) */
fail:
    net_msg_addr_clear(out);
    return false;
}

void net_msg_addr_clear(struct net_msg_addr *m)
{
    mem_free(m->items);
    memset(m, 0, sizeof(*m));
}
