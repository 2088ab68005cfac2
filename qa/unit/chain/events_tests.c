/* Tests of src/chain/events.c: order, unsubscribe, nested emits, NULL list. */
#include <check.h>
#include <string.h>

#include "qa/unit/unit.h"
#include "src/chain/events.h"

static char trace[64];
static struct events *g_ev;

static void add(char c)
{
    size_t n = strlen(trace);
    if (n + 1 < sizeof(trace)) {
        trace[n] = c;
        trace[n + 1] = 0;
    }
}

static void a_connected(void *ctx, const struct block *b, const struct block_index *bi)
{
    (void)ctx;
    (void)b;
    (void)bi;
    add('A');
    /* Nested emit (as the mempool does when removing conflicts). */
    events_emit_tx_removed_from_mempool(g_ev, NULL, MEMPOOL_REMOVAL_CONFLICT, 7);
}

static void b_connected(void *ctx, const struct block *b, const struct block_index *bi)
{
    (void)b;
    (void)bi;
    *(int *)ctx += 1;
    add('B');
}

static void b_removed(void *ctx, const struct tx *tx, enum mempool_removal_reason r, uint64_t seq)
{
    (void)ctx;
    (void)tx;
    ck_assert_int_eq(r, MEMPOOL_REMOVAL_CONFLICT);
    ck_assert_uint_eq(seq, 7);
    add('r');
}

START_TEST(test_order_and_unsubscribe)
{
    g_ev = events_new();
    trace[0] = 0;
    int count = 0;
    struct events_subscriber a = { NULL, a_connected, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
    struct events_subscriber b = { &count, b_connected, NULL, NULL, NULL, b_removed, NULL, NULL, NULL };
    int ida = events_subscribe(g_ev, &a);
    int idb = events_subscribe(g_ev, &b);
    ck_assert_int_ne(ida, idb);
    events_emit_block_connected(g_ev, NULL, NULL);
    ck_assert_str_eq(trace, "ArB");
    ck_assert_int_eq(count, 1);
    events_emit_block_disconnected(g_ev, NULL, NULL); /* nobody listens */
    events_emit_updated_block_tip(g_ev, NULL, NULL, false);
    events_emit_tx_added_to_mempool(g_ev, NULL, 1);
    ck_assert_str_eq(trace, "ArB");
    events_unsubscribe(g_ev, ida);
    events_unsubscribe(g_ev, 12345);
    events_emit_block_connected(g_ev, NULL, NULL);
    ck_assert_str_eq(trace, "ArBB");
    ck_assert_int_eq(count, 2);
    events_free(g_ev);
    /* A NULL list is a no-op. */
    events_emit_block_connected(NULL, NULL, NULL);
    events_free(NULL);
    ck_assert_str_eq(mempool_removal_reason_name(MEMPOOL_REMOVAL_SIZELIMIT), "sizelimit");
    ck_assert_str_eq(mempool_removal_reason_name(MEMPOOL_REMOVAL_REPLACED), "replaced");
}
END_TEST

static Suite *events_suite(void)
{
    Suite *s = suite_create("events");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_order_and_unsubscribe);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(events_suite)
