/* Fuzz harness for the relay layer's untrusted inputs: peers.dat and
 * banlist.dat images (addrman/banman deserialisation, with a round-trip
 * check), and arbitrary message sequences from several peers into the
 * transaction relay state machine with a driven clock (bounds checked). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/validation.h"
#include "net/addrman.h"
#include "net/banman.h"
#include "net/node_iface.h"
#include "net/txrelay.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void f_send(void *ctx, int64_t peer, const char *cmd, const uint8_t *p, size_t n)
{
    (void)ctx, (void)peer, (void)cmd, (void)p, (void)n;
}

static void f_drop(void *ctx, int64_t peer, const char *why)
{
    (void)ctx, (void)peer, (void)why;
}

static int g_accept_mode;

static bool f_accept(void *ctx, struct val_state *st, const struct tx *tx)
{
    (void)ctx, (void)tx;
    val_state_init(st);
    switch (g_accept_mode % 3) {
    case 0: return val_invalid(st, VAL_TX_MISSING_INPUTS, "bad-txns-inputs-missingorspent");
    case 1: return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-vout-negative");
    default: return true;
    }
}

static bool f_have(void *ctx, const struct hash256 *id, bool w)
{
    (void)ctx, (void)w;
    return id->b[0] == 0x42;
}

static bool f_get(void *ctx, uint8_t **d, size_t *len, int64_t *fee, int64_t *vs, const struct hash256 *id,
                  bool w, bool ww)
{
    (void)ctx, (void)fee, (void)vs, (void)w, (void)ww;
    if (id->b[0] != 0x42)
        return false;
    *d = mem_alloc(1);
    **d = 0;
    *len = 1;
    return true;
}

static void fuzz_txrelay(const uint8_t *data, size_t size)
{
    static const struct node_iface iface = { .accept_tx = f_accept, .have_tx = f_have, .get_tx_raw = f_get };
    struct txrelay_net net = { NULL, f_send, f_drop, f_drop };
    struct txrelay *tr = txrelay_new(&iface, &net, 1);
    for (int64_t id = 0; id < 4; id++) {
        struct txrelay_peer_opts o = { .inbound = id & 1, .relay_txs = id != 3, .wtxid_relay = id & 2,
                                       .feefilter_ok = true, .perm_mempool = id == 2 };
        txrelay_peer_add(tr, id, &o, 0);
    }
    int64_t now = 0;
    size_t pos = 0;
    while (pos + 3 <= size) {
        uint8_t op = data[pos];
        size_t len = (size_t)data[pos + 1] | ((size_t)data[pos + 2] << 8);
        pos += 3;
        if (len > size - pos)
            len = size - pos;
        const uint8_t *p = data + pos;
        pos += len;
        int64_t peer = op & 3;
        g_accept_mode = op >> 5;
        switch ((op >> 2) & 7) {
        case 0: txrelay_on_inv(tr, peer, p, len, now); break;
        case 1: txrelay_on_getdata(tr, peer, p, len, now); break;
        case 2: txrelay_on_notfound(tr, peer, p, len, now); break;
        case 3: txrelay_on_tx(tr, peer, p, len, now); break;
        case 4: txrelay_on_feefilter(tr, peer, p, len); break;
        case 5: txrelay_on_mempool(tr, peer, now); break;
        case 6:
            if (len >= 32) {
                struct hash256 h;
                memcpy(h.b, p, 32);
                txrelay_tx_added(tr, &h, &h, len, 100);
            }
            break;
        default:
            now += (int64_t)len * 100000;
            txrelay_tick(tr, now);
            break;
        }
        if (txrelay_orphan_count(tr) > TXRELAY_MAX_ORPHANS)
            abort();
        struct txrelay_peer_stats st;
        if (txrelay_peer_stats(tr, peer, &st) && st.tracked > TXRELAY_MAX_PEER_ANNOUNCEMENTS)
            abort();
    }
    txrelay_free(tr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    switch (data[0] % 3) {
    case 0: {
        static const uint8_t key[32];
        struct addrman *am = addrman_new(key, 1);
        if (addrman_deserialize(am, p, n)) {
            size_t before = addrman_size(am);
            struct wbuf w;
            wbuf_init(&w);
            addrman_serialize(am, &w);
            if (!addrman_deserialize(am, w.data, w.len) || addrman_size(am) != before)
                abort();
            wbuf_clear(&w);
        }
        addrman_free(am);
        break;
    }
    case 1: {
        struct banman *bm = banman_new(NULL, 1, 2, 1700000000);
        if (banman_deserialize(bm, p, n, 1700000000)) {
            struct banman_entry *list;
            size_t before = banman_list(bm, &list, 1700000000);
            mem_free(list);
            struct wbuf w;
            wbuf_init(&w);
            banman_serialize(bm, &w);
            if (!banman_deserialize(bm, w.data, w.len, 1700000000) || banman_list(bm, &list, 1700000000) != before)
                abort();
            mem_free(list);
            wbuf_clear(&w);
        }
        banman_free(bm);
        break;
    }
    default:
        fuzz_txrelay(p, n);
        break;
    }
    return 0;
}
