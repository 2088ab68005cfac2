/* Transaction deserialisation throughput. Baseline: memcpy of the same bytes
 * (the floor any parser that touches every byte must pay). */
#include <string.h>

#include "consensus/tx.h"
#include "src/bench/bench.h"
#include "src/util/alloc.h"

struct tx_bench {
    struct wbuf raw; /* one serialised transaction */
    uint8_t *scratch;
};

/* A typical two-in, two-out P2WPKH spend, built rather than pasted. */
static void make_tx(struct wbuf *raw)
{
    struct tx tx;
    tx_init(&tx);
    uint8_t sig[72] = { 0x30 }, pub[33] = { 0x02 }, spk[22] = { 0x00, 0x14 };
    for (uint32_t i = 0; i < 2; i++) {
        struct outpoint op = { { { (uint8_t)(i + 1) } }, i };
        struct txin *in = tx_add_input(&tx, &op, NULL, 0, 0xfffffffd);
        txin_witness_push(in, sig, sizeof(sig));
        txin_witness_push(in, pub, sizeof(pub));
        tx_add_output(&tx, 100000 * (i + 1), spk, sizeof(spk));
    }
    wbuf_init(raw);
    tx_serialize(raw, &tx, true);
    tx_clear(&tx);
}

static void parse_loop(void *data, uint64_t iters)
{
    struct tx_bench *b = data;
    for (uint64_t i = 0; i < iters; i++) {
        struct tx tx;
        if (tx_decode(&tx, b->raw.data, b->raw.len, true))
            tx_clear(&tx);
    }
}

static void copy_loop(void *data, uint64_t iters)
{
    struct tx_bench *b = data;
    for (uint64_t i = 0; i < iters; i++) {
        memcpy(b->scratch, b->raw.data, b->raw.len);
        __asm__ volatile("" : : "r"(b->scratch) : "memory");
    }
}

void bench_tx_run(void)
{
    if (!bench_selected("tx_deserialize"))
        return;
    struct tx_bench b;
    make_tx(&b.raw);
    b.scratch = mem_alloc(b.raw.len);
    double parse = run_benchmark("tx_deserialize (2-in 2-out P2WPKH, hashes incl.)", parse_loop, NULL, NULL, &b, 5,
                                 bench_iters(100000));
    bench_throughput("tx_deserialize", parse, (double)b.raw.len);
    double copy = run_benchmark("baseline: memcpy of the same bytes", copy_loop, NULL, NULL, &b, 5,
                                bench_iters(10000000));
    bench_ratio("tx_deserialize vs memcpy", parse, "memcpy", copy);
    wbuf_clear(&b.raw);
    mem_free(b.scratch);
}
