#include "src/zmq/zmq_notifier.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "consensus/block.h"
#include "consensus/tx.h"
#include "qa/unit/unit.h"
#include "src/chain/block_index.h"
#include "src/chain/events.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* A subscriber on an ipc endpoint, fed by a notifier driven through a real
 * events list: the frames must be Core's. */

struct fixture {
    char addr[128];
    char addr2[128];
    struct events *ev;
    struct zmq_notifier *z;
    void *ctx;
    void *sub;
    void *sub2;
};

static void *open_sub(void *ctx, const char *addr)
{
    void *s = zmq_socket(ctx, ZMQ_SUB);
    ck_assert_ptr_nonnull(s);
    int timeout = 2000, linger = 0;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof(timeout));
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
    ck_assert_int_eq(zmq_connect(s, addr), 0);
    return s;
}

static void setup(struct fixture *f)
{
    static int counter;
    snprintf(f->addr, sizeof(f->addr), "ipc:///tmp/hm-zmq-test-%d-%d", (int)getpid(), counter++);
    snprintf(f->addr2, sizeof(f->addr2), "ipc:///tmp/hm-zmq-test-%d-%d", (int)getpid(), counter++);
    struct zmq_endpoint eps[] = {
        { ZMQ_TOPIC_SEQUENCE, f->addr2, 1000 },
        { ZMQ_TOPIC_HASHBLOCK, f->addr, 1000 },
        { ZMQ_TOPIC_HASHTX, f->addr, 500 },
        { ZMQ_TOPIC_RAWTX, f->addr, 1000 },
    };
    char err[256];
    f->z = zmq_notifier_new(eps, 4, NULL, err, sizeof(err));
    ck_assert_msg(f->z != NULL, "%s", err);
    f->ev = events_new();
    zmq_notifier_subscribe(f->z, f->ev);
    f->ctx = zmq_ctx_new();
    f->sub = open_sub(f->ctx, f->addr);
    f->sub2 = open_sub(f->ctx, f->addr2);
    usleep(300 * 1000); /* ZMQ's slow joiner: let the subscriptions reach the publisher */
}

static void teardown(struct fixture *f)
{
    zmq_close(f->sub);
    zmq_close(f->sub2);
    zmq_ctx_term(f->ctx);
    zmq_notifier_free(f->z);
    events_free(f->ev);
    unlink(f->addr + 6);
    unlink(f->addr2 + 6);
}

/* Receives one 3-part message. Out: topic, body (hex), sequence. */
static void recv_msg(void *s, char *topic, char *body_hex, uint32_t *seq)
{
    uint8_t buf[4096];
    int n = zmq_recv(s, buf, sizeof(buf), 0);
    ck_assert_msg(n >= 0, "receive timed out");
    memcpy(topic, buf, (size_t)n);
    topic[n] = '\0';
    int more;
    size_t ml = sizeof(more);
    zmq_getsockopt(s, ZMQ_RCVMORE, &more, &ml);
    ck_assert(more);
    n = zmq_recv(s, buf, sizeof(buf), 0);
    ck_assert_int_ge(n, 0);
    hex_encode(body_hex, buf, (size_t)n);
    zmq_getsockopt(s, ZMQ_RCVMORE, &more, &ml);
    ck_assert(more);
    n = zmq_recv(s, buf, sizeof(buf), 0);
    ck_assert_int_eq(n, 4);
    *seq = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
    zmq_getsockopt(s, ZMQ_RCVMORE, &more, &ml);
    ck_assert(!more);
}

static bool nothing_pending(void *s)
{
    uint8_t buf[16];
    return zmq_recv(s, buf, sizeof(buf), ZMQ_DONTWAIT) < 0;
}

static void make_tx(struct tx *tx, uint8_t tag)
{
    tx_init(tx);
    struct outpoint op;
    memset(&op, tag, sizeof(op));
    op.n = 0;
    tx_add_input(tx, &op, NULL, 0, 0xffffffff);
    static const uint8_t spk[] = { 0x51 };
    tx_add_output(tx, 1000 + tag, spk, sizeof(spk));
    tx_update_hashes(tx);
}

static void display_hex(char out[65], const struct hash256 *h)
{
    hash256_to_hex(out, h);
}

START_TEST(test_mempool_add_and_remove)
{
    struct fixture f;
    setup(&f);
    struct tx tx;
    make_tx(&tx, 7);
    char txid[65];
    display_hex(txid, &tx.txid);

    events_emit_tx_added_to_mempool(f.ev, &tx, 5);
    char topic[64], body[8300];
    uint32_t seq;
    recv_msg(f.sub, topic, body, &seq);
    ck_assert_str_eq(topic, "hashtx");
    ck_assert_str_eq(body, txid); /* display order, as getrawtransaction shows it */
    ck_assert_uint_eq(seq, 0);
    recv_msg(f.sub, topic, body, &seq);
    ck_assert_str_eq(topic, "rawtx");
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, &tx, true);
    char *raw = hex_encode_alloc(w.data, w.len);
    ck_assert_str_eq(body, raw);
    ck_assert_uint_eq(seq, 0);
    recv_msg(f.sub2, topic, body, &seq);
    ck_assert_str_eq(topic, "sequence");
    char want[128];
    snprintf(want, sizeof(want), "%s41" "0500000000000000", txid); /* 'A', u64 LE 5 */
    ck_assert_str_eq(body, want);
    ck_assert_uint_eq(seq, 0);

    /* removed for a block: nothing; removed as replaced: R with its sequence */
    events_emit_tx_removed_from_mempool(f.ev, &tx, MEMPOOL_REMOVAL_BLOCK, 6);
    events_emit_tx_removed_from_mempool(f.ev, &tx, MEMPOOL_REMOVAL_REPLACED, 7);
    recv_msg(f.sub2, topic, body, &seq);
    snprintf(want, sizeof(want), "%s52" "0700000000000000", txid); /* 'R', 7 */
    ck_assert_str_eq(body, want);
    ck_assert_uint_eq(seq, 1);
    usleep(100 * 1000);
    ck_assert(nothing_pending(f.sub));
    ck_assert(nothing_pending(f.sub2));

    /* a second acceptance: per-topic counters advance by one */
    events_emit_tx_added_to_mempool(f.ev, &tx, 8);
    recv_msg(f.sub, topic, body, &seq);
    ck_assert_str_eq(topic, "hashtx");
    ck_assert_uint_eq(seq, 1);
    recv_msg(f.sub, topic, body, &seq);
    ck_assert_uint_eq(seq, 1);
    recv_msg(f.sub2, topic, body, &seq);
    ck_assert_uint_eq(seq, 2);

    mem_free(raw);
    wbuf_clear(&w);
    tx_clear(&tx);
    teardown(&f);
}
END_TEST

START_TEST(test_blocks)
{
    struct fixture f;
    setup(&f);
    struct block b;
    block_init(&b);
    struct tx t1, t2;
    make_tx(&t1, 1);
    make_tx(&t2, 2);
    block_add_tx(&b, &t1);
    block_add_tx(&b, &t2);
    struct block_index fork, idx;
    memset(&fork, 0, sizeof(fork));
    memset(&idx, 0, sizeof(idx));
    memset(fork.hash.b, 0xaa, 32);
    for (int i = 0; i < 32; i++)
        idx.hash.b[i] = (uint8_t)i; /* asymmetric, so the byte order shows */
    idx.prev = &fork;
    idx.height = 1;
    char h1[65], h2[65], bh[65];
    display_hex(h1, &t1.txid);
    display_hex(h2, &t2.txid);
    display_hex(bh, &idx.hash);
    ck_assert_str_eq(bh, "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");

    events_emit_block_connected(f.ev, &b, &idx);
    events_emit_updated_block_tip(f.ev, &idx, &fork, false);
    char topic[64], body[8300];
    uint32_t seq;
    /* every transaction of the block on hashtx/rawtx, then hashblock */
    recv_msg(f.sub, topic, body, &seq);
    ck_assert_str_eq(topic, "hashtx");
    ck_assert_str_eq(body, h1);
    recv_msg(f.sub, topic, body, &seq);
    ck_assert_str_eq(topic, "rawtx");
    recv_msg(f.sub, topic, body, &seq);
    ck_assert_str_eq(topic, "hashtx");
    ck_assert_str_eq(body, h2);
    ck_assert_uint_eq(seq, 1);
    recv_msg(f.sub, topic, body, &seq);
    ck_assert_str_eq(topic, "rawtx");
    recv_msg(f.sub, topic, body, &seq);
    ck_assert_str_eq(topic, "hashblock");
    ck_assert_str_eq(body, bh);
    ck_assert_uint_eq(seq, 0);
    recv_msg(f.sub2, topic, body, &seq);
    ck_assert_str_eq(topic, "sequence");
    char want[80];
    snprintf(want, sizeof(want), "%s43", bh); /* 'C', no mempool sequence */
    ck_assert_str_eq(body, want);

    /* disconnection: transactions again, D, and no hashblock for a tip that only went back */
    events_emit_block_disconnected(f.ev, &b, &idx);
    events_emit_updated_block_tip(f.ev, &fork, &fork, false);
    for (int i = 0; i < 4; i++) {
        recv_msg(f.sub, topic, body, &seq);
        ck_assert(!strcmp(topic, "hashtx") || !strcmp(topic, "rawtx"));
    }
    recv_msg(f.sub2, topic, body, &seq);
    snprintf(want, sizeof(want), "%s44", bh); /* 'D' */
    ck_assert_str_eq(body, want);
    ck_assert_uint_eq(seq, 1);

    /* initial block download: no hashblock */
    events_emit_updated_block_tip(f.ev, &idx, &fork, true);
    usleep(100 * 1000);
    ck_assert(nothing_pending(f.sub));
    ck_assert(nothing_pending(f.sub2));

    block_clear(&b);
    tx_clear(&t1);
    tx_clear(&t2);
    teardown(&f);
}
END_TEST

START_TEST(test_list_and_errors)
{
    struct zmq_endpoint eps[] = {
        { ZMQ_TOPIC_SEQUENCE, "ipc:///tmp/hm-zmq-list-a", 10 },
        { ZMQ_TOPIC_RAWBLOCK, "ipc:///tmp/hm-zmq-list-b", 1000 },
        { ZMQ_TOPIC_HASHBLOCK, "ipc:///tmp/hm-zmq-list-b", 1000 },
    };
    char err[256];
    struct zmq_notifier *z = zmq_notifier_new(eps, 3, NULL, err, sizeof(err));
    ck_assert_msg(z != NULL, "%s", err);
    json_t *l = zmq_notifier_list(z);
    char *s = json_dumps(l, JSON_COMPACT);
    /* Core's order: pubhashblock, pubhashtx, pubrawblock, pubrawtx, pubsequence */
    ck_assert_str_eq(s, "[{\"type\":\"pubhashblock\",\"address\":\"ipc:///tmp/hm-zmq-list-b\",\"hwm\":1000},"
                        "{\"type\":\"pubrawblock\",\"address\":\"ipc:///tmp/hm-zmq-list-b\",\"hwm\":1000},"
                        "{\"type\":\"pubsequence\",\"address\":\"ipc:///tmp/hm-zmq-list-a\",\"hwm\":10}]");
    free(s);
    json_decref(l);
    zmq_notifier_free(z);

    struct zmq_endpoint bad[] = { { ZMQ_TOPIC_HASHTX, "tcp://256.1.1.1:1", 1000 } };
    ck_assert_ptr_null(zmq_notifier_new(bad, 1, NULL, err, sizeof(err)));
    ck_assert(strstr(err, "Unable to bind ZMQ socket to tcp://256.1.1.1:1") != NULL);
    struct zmq_endpoint junk[] = { { ZMQ_TOPIC_HASHTX, "nonsense", 1000 } };
    ck_assert_ptr_null(zmq_notifier_new(junk, 1, NULL, err, sizeof(err)));
    zmq_notifier_free(NULL);
    ck_assert_str_eq(zmq_topic_name(ZMQ_TOPIC_SEQUENCE), "sequence");
}
END_TEST

/* RELIABILITY.md #36: which endpoints only this host can reach (others get a start-up warning). */
START_TEST(test_endpoint_is_local)
{
    static const char *const local[] = {
        "tcp://127.0.0.1:28332", "tcp://127.1.2.3:1", "tcp://[::1]:28333", "tcp://[::ffff:127.0.0.1]:5",
        "tcp://localhost:28332", "tcp://lo:28332", "ws://127.0.0.1:80", "ipc:///run/hashmint/zmq.sock",
        "inproc://x",
    };
    static const char *const remote[] = {
        "tcp://0.0.0.0:28332", "tcp://*:28332", "tcp://[::]:28332", "tcp://192.168.1.5:28332",
        "tcp://10.0.0.1:1", "tcp://[2001:db8::1]:28332", "tcp://[::ffff:10.0.0.1]:5", "tcp://eth0:28332",
        "tcp://example.com:28332", "tcp://128.0.0.1:1", "tcp://127.0.0.1;10.0.0.1:1", "tcp://127.0.0.1",
        "tcp://:28332", "pgm://eth0;239.192.1.1:5555", "epgm://127.0.0.1;239.192.1.1:5555", "udp://127.0.0.1:5",
        "nonsense", "",
    };
    for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
        ck_assert_msg(zmq_endpoint_is_local(local[i]), "%s is local", local[i]);
    for (size_t i = 0; i < sizeof(remote) / sizeof(remote[0]); i++)
        ck_assert_msg(!zmq_endpoint_is_local(remote[i]), "%s is not local", remote[i]);
}
END_TEST

static Suite *zmq_notifier_suite(void)
{
    Suite *s = suite_create("zmq_notifier");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_mempool_add_and_remove);
    tcase_add_test(tc, test_blocks);
    tcase_add_test(tc, test_list_and_errors);
    tcase_add_test(tc, test_endpoint_is_local);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(zmq_notifier_suite)
