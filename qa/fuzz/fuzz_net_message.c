/* Fuzz target: P2P framing and every message parser.
 *
 * The input is read as a stream of v1 frames (regtest magic): each header is
 * decoded and checked as the transport does, and each payload (whatever its
 * checksum) goes to the parser its command names. The whole input is also
 * given to every parser. Whatever parses must re-serialise and parse back to
 * the same thing. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "net/messages.h"
#include "net/protocol.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t MAGIC[4] = { 0xfa, 0xbf, 0xb5, 0xda };

/* The re-serialisation is the payload up to the end of its entries (trailing bytes are ignored, as Core). */
static void same_bytes(const struct wbuf *w, const uint8_t *p, size_t len)
{
    assert(w->len <= len);
    assert(w->len == 0 || memcmp(w->data, p, w->len) == 0);
}

static void parse_all(const char *only, const uint8_t *p, size_t len)
{
    struct wbuf w;
    wbuf_init(&w);
#define WANT(c) (!only || strcmp(only, c) == 0)
    if (WANT(NET_CMD_VERSION)) {
        struct net_msg_version v, back;
        if (net_msg_version_parse(&v, p, len)) {
            net_msg_version_serialize(&w, &v);
            assert(net_msg_version_parse(&back, w.data, w.len));
            assert(back.version == v.version && back.timestamp == v.timestamp && back.nonce == v.nonce &&
                   back.start_height == v.start_height && back.relay == v.relay &&
                   strcmp(back.user_agent, v.user_agent) == 0);
            wbuf_clear(&w);
        }
    }
    if (WANT(NET_CMD_PING) || WANT(NET_CMD_PONG)) {
        uint64_t n;
        if (net_msg_ping_parse(&n, p, len)) {
            net_msg_ping_serialize(&w, n);
            same_bytes(&w, p, len);
            wbuf_clear(&w);
        }
    }
    if (WANT(NET_CMD_FEEFILTER)) {
        int64_t f;
        if (net_msg_feefilter_parse(&f, p, len)) {
            net_msg_feefilter_serialize(&w, f);
            same_bytes(&w, p, len);
            wbuf_clear(&w);
        }
    }
    if (WANT(NET_CMD_SENDCMPCT)) {
        bool a;
        uint64_t v;
        (void)net_msg_sendcmpct_parse(&a, &v, p, len);
    }
    if (WANT(NET_CMD_VERACK) || WANT(NET_CMD_GETADDR) || WANT(NET_CMD_MEMPOOL))
        (void)net_msg_empty_parse(p, len);
    if (WANT(NET_CMD_GETHEADERS) || WANT(NET_CMD_GETBLOCKS)) {
        struct net_msg_getheaders m;
        if (net_msg_getheaders_parse(&m, p, len)) {
            assert(m.count <= NET_MAX_LOCATOR_SZ);
            net_msg_getheaders_serialize(&w, m.version, m.locator, m.count, &m.hash_stop);
            same_bytes(&w, p, len);
            wbuf_clear(&w);
            net_msg_getheaders_clear(&m);
        }
    }
    if (WANT(NET_CMD_HEADERS)) {
        struct net_msg_headers m;
        if (net_msg_headers_parse(&m, p, len)) {
            assert(m.count <= NET_MAX_HEADERS_RESULTS);
            net_msg_headers_serialize(&w, m.headers, m.count);
            struct net_msg_headers back;
            assert(net_msg_headers_parse(&back, w.data, w.len));
            assert(back.count == m.count);
            net_msg_headers_clear(&back);
            wbuf_clear(&w);
            net_msg_headers_clear(&m);
        }
    }
    if (WANT(NET_CMD_INV) || WANT(NET_CMD_GETDATA) || WANT(NET_CMD_NOTFOUND)) {
        struct net_msg_inv m;
        if (net_msg_inv_parse(&m, p, len)) {
            assert(m.count <= NET_MAX_INV_SZ);
            net_msg_inv_serialize(&w, m.items, m.count);
            same_bytes(&w, p, len);
            wbuf_clear(&w);
            net_msg_inv_clear(&m);
        }
    }
    if (WANT(NET_CMD_ADDR)) {
        struct net_msg_addr m;
        if (net_msg_addr_parse(&m, p, len)) {
            assert(m.count <= NET_MAX_ADDR_TO_SEND);
            net_msg_addr_serialize(&w, m.items, m.count);
            struct net_msg_addr back;
            assert(net_msg_addr_parse(&back, w.data, w.len));
            assert(back.count <= m.count);
            net_msg_addr_clear(&back);
            wbuf_clear(&w);
            net_msg_addr_clear(&m);
        }
    }
    if (WANT(NET_CMD_ADDRV2)) {
        struct net_msg_addr m;
        if (net_msg_addrv2_parse(&m, p, len)) {
            assert(m.count <= NET_MAX_ADDR_TO_SEND);
            net_msg_addrv2_serialize(&w, m.items, m.count);
            struct net_msg_addr back;
            assert(net_msg_addrv2_parse(&back, w.data, w.len));
            assert(back.count <= m.count);
            for (size_t i = 0; i < back.count; i++)
                assert(back.items[i].addr.network != NET_ADDR_UNKNOWN);
            net_msg_addr_clear(&back);
            wbuf_clear(&w);
            net_msg_addr_clear(&m);
        }
    }
    if (WANT(NET_CMD_TX)) {
        struct tx tx;
        if (net_msg_tx_parse(&tx, p, len))
            tx_clear(&tx);
    }
    if (WANT(NET_CMD_BLOCK)) {
        struct block b;
        if (net_msg_block_parse(&b, NULL, p, len))
            block_clear(&b);
    }
    wbuf_clear(&w);
#undef WANT
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_all(NULL, data, size);
    /* Framing: walk the stream as the transport does. */
    size_t off = 0;
    while (size - off >= NET_HEADER_SIZE) {
        struct net_msg_header h;
        enum net_header_result r = net_header_parse(&h, data + off, MAGIC);
        off += NET_HEADER_SIZE;
        if (r == NET_HEADER_BAD_MAGIC || r == NET_HEADER_OVERSIZE)
            break; /* the transport disconnects */
        assert(h.length <= NET_MAX_PROTOCOL_MESSAGE_LENGTH);
        size_t len = h.length <= size - off ? h.length : size - off;
        if (r == NET_HEADER_OK) {
            (void)net_checksum_ok(h.checksum, data + off, len);
            uint8_t again[NET_HEADER_SIZE];
            assert(net_header_build(again, MAGIC, h.command, data + off, len));
            assert(memcmp(again + 4, data + off - NET_HEADER_SIZE + 4, NET_COMMAND_SIZE) == 0);
            parse_all(h.command, data + off, len);
        }
        off += len;
    }
    return 0;
}
