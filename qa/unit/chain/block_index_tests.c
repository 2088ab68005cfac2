/* Tests of src/chain/block_index.c: the block map, ancestors via skip
 * pointers, median time past, forks, the active chain and locators. */
#include <check.h>
#include <string.h>

#include "consensus/params.h"
#include "qa/unit/unit.h"
#include "src/chain/block_index.h"
#include "src/util/alloc.h"

/* Builds a chain of n headers on prev (NULL: a new genesis) with a tag to make forks differ. */
static struct block_index *grow(struct block_map *m, struct block_index *prev, int n, uint32_t tag)
{
    for (int i = 0; i < n; i++) {
        struct block_header h;
        memset(&h, 0, sizeof(h));
        h.version = 1;
        if (prev)
            h.prev_hash = prev->hash;
        h.time = prev ? prev->header.time + 600 : 1000000;
        h.bits = 0x207fffff;
        h.nonce = tag;
        bool created;
        prev = block_map_insert(m, &h, &created);
        ck_assert(created);
    }
    return prev;
}

START_TEST(test_ancestors_and_work)
{
    struct block_map *m = block_map_new();
    struct block_index *tip = grow(m, NULL, 3000, 1);
    ck_assert_int_eq(tip->height, 2999);
    ck_assert_uint_eq(block_map_size(m), 3000);
    /* Chain work: 2 per block at 0x207fffff. */
    ck_assert_uint_eq(arith256_low64(&tip->chain_work), 6000);
    for (int32_t h = 0; h < 3000; h += 37) {
        struct block_index *w = tip;
        while (w->height > h)
            w = w->prev;
        ck_assert_ptr_eq(block_index_get_ancestor(tip, h), w);
    }
    ck_assert_ptr_null(block_index_get_ancestor(tip, 3000));
    ck_assert_ptr_null(block_index_get_ancestor(tip, -1));
    ck_assert_ptr_eq(block_map_find(m, &tip->hash), tip);
    bool created;
    ck_assert_ptr_eq(block_map_insert(m, &tip->header, &created), tip);
    ck_assert(!created);
    block_map_free(m);
}
END_TEST

START_TEST(test_median_time_past)
{
    struct block_map *m = block_map_new();
    struct block_index *tip = grow(m, NULL, 20, 1);
    /* Times 1000000 + 600k: the median of the last 11 is the 6th from the top. */
    ck_assert_int_eq(block_index_median_time_past(tip), (int64_t)tip->header.time - 5 * 600);
    struct block_index *g = block_index_get_ancestor(tip, 0);
    ck_assert_int_eq(block_index_median_time_past(g), 1000000);
    const struct chain_params *p = chain_params_get("regtest");
    ck_assert_uint_eq(block_index_next_bits(tip, p), 0x207fffff);
    block_map_free(m);
}
END_TEST

START_TEST(test_fork_and_active_chain)
{
    struct block_map *m = block_map_new();
    struct block_index *a = grow(m, NULL, 100, 1);
    struct block_index *fork_point = block_index_get_ancestor(a, 60);
    struct block_index *b = grow(m, fork_point, 70, 2);
    ck_assert_int_eq(b->height, 130);
    ck_assert_ptr_eq(block_index_last_common_ancestor(a, b), fork_point);
    ck_assert_ptr_eq(block_index_last_common_ancestor(b, fork_point), fork_point);

    struct active_chain c;
    active_chain_init(&c);
    ck_assert_ptr_null(active_chain_tip(&c));
    ck_assert_int_eq(active_chain_height(&c), -1);
    active_chain_set_tip(&c, a);
    ck_assert_ptr_eq(active_chain_tip(&c), a);
    ck_assert(active_chain_contains(&c, fork_point));
    ck_assert(!active_chain_contains(&c, b));
    ck_assert_ptr_eq(active_chain_find_fork(&c, b), fork_point);
    ck_assert_ptr_eq(active_chain_next(&c, fork_point), block_index_get_ancestor(a, 61));
    /* Switch to b, back to a lower point of b's branch, then to a again. */
    active_chain_set_tip(&c, b);
    ck_assert_int_eq(active_chain_height(&c), 130);
    ck_assert(!active_chain_contains(&c, a));
    ck_assert_ptr_eq(active_chain_at(&c, 61), block_index_get_ancestor(b, 61));
    active_chain_set_tip(&c, block_index_get_ancestor(b, 65));
    ck_assert_ptr_null(active_chain_at(&c, 66));
    active_chain_set_tip(&c, a);
    for (int32_t h = 0; h <= 99; h++)
        ck_assert_ptr_eq(active_chain_at(&c, h), block_index_get_ancestor(a, h));
    active_chain_clear(&c);
    block_map_free(m);
}
END_TEST

START_TEST(test_locator)
{
    struct block_map *m = block_map_new();
    struct block_index *tip = grow(m, NULL, 1001, 1);
    struct hash256 *loc;
    size_t n;
    block_index_locator(&loc, &n, tip);
    /* 1000..990 one by one, then steps 2, 4, 8, ... and genesis last. */
    int32_t expect[64];
    size_t k = 0;
    int32_t h = 1000, step = 1;
    for (;;) {
        expect[k++] = h;
        if (h == 0)
            break;
        h = h - step < 0 ? 0 : h - step;
        if (k > 10)
            step *= 2;
    }
    ck_assert_uint_eq(n, k);
    for (size_t i = 0; i < n; i++)
        ck_assert(hash256_eq(&loc[i], &block_index_get_ancestor(tip, expect[i])->hash));
    mem_free(loc);
    block_map_free(m);
}
END_TEST

struct copy_ctx {
    struct block_map *dst;
};

static bool copy_one(struct block_index *bi, void *arg)
{
    struct copy_ctx *c = arg;
    struct block_index *e = block_map_insert_loaded(c->dst, &bi->hash);
    e->header = bi->header;
    e->height = bi->height;
    e->tx_count = 1;
    e->status = BLOCK_VALID_SCRIPTS | BLOCK_HAVE_DATA;
    return true;
}

START_TEST(test_link_loaded)
{
    struct block_map *m = block_map_new();
    struct block_index *tip = grow(m, NULL, 500, 1);
    struct block_index *g = block_index_get_ancestor(tip, 0);
    struct block_map *loaded = block_map_new();
    struct copy_ctx c = { loaded };
    block_map_each(m, copy_one, &c);
    ck_assert(block_map_link_all(loaded, &g->hash));
    struct block_index *lt = block_map_find(loaded, &tip->hash);
    ck_assert_int_eq(lt->height, 499);
    ck_assert_int_eq(arith256_cmp(&lt->chain_work, &tip->chain_work), 0);
    ck_assert_uint_eq(lt->chain_tx, 500);
    ck_assert_ptr_eq(block_index_get_ancestor(lt, 0), block_map_find(loaded, &g->hash));
    block_map_free(loaded);

    /* A stored height that does not follow the parent is corruption. */
    loaded = block_map_new();
    c.dst = loaded;
    block_map_each(m, copy_one, &c);
    block_map_find(loaded, &tip->hash)->height = 7;
    ck_assert(!block_map_link_all(loaded, &g->hash));
    block_map_free(loaded);
    block_map_free(m);
}
END_TEST

START_TEST(test_validity)
{
    struct block_index bi;
    memset(&bi, 0, sizeof(bi));
    ck_assert(block_index_raise_validity(&bi, BLOCK_VALID_TREE));
    ck_assert(block_index_is_valid(&bi, BLOCK_VALID_TREE));
    ck_assert(!block_index_is_valid(&bi, BLOCK_VALID_TRANSACTIONS));
    ck_assert(!block_index_raise_validity(&bi, BLOCK_VALID_TREE));
    bi.status |= BLOCK_FAILED_CHILD;
    ck_assert(!block_index_is_valid(&bi, BLOCK_VALID_TREE));
    ck_assert(!block_index_raise_validity(&bi, BLOCK_VALID_SCRIPTS));
}
END_TEST

START_TEST(test_dirty_list)
{
    struct block_map *m = block_map_new();
    size_t n = 99;
    ck_assert_ptr_null(block_map_dirty(m, &n));
    ck_assert_uint_eq(n, 0);
    /* New entries are dirty and listed once each, in insertion order. */
    struct block_index *tip = grow(m, NULL, 3, 1);
    struct block_index *const *d = block_map_dirty(m, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_ptr_eq(d[0], block_index_get_ancestor(tip, 0));
    ck_assert_ptr_eq(d[2], tip);
    block_map_set_dirty(m, tip); /* already listed */
    block_map_dirty(m, &n);
    ck_assert_uint_eq(n, 3);
    block_map_clear_dirty(m);
    ck_assert_ptr_null(block_map_dirty(m, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert(!tip->dirty && !tip->prev->dirty);
    /* Raising the validity does not mark by itself; the caller does. */
    ck_assert(block_index_raise_validity(tip->prev, BLOCK_VALID_TREE));
    ck_assert(!tip->prev->dirty);
    block_map_set_dirty(m, tip->prev);
    d = block_map_dirty(m, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_eq(d[0], tip->prev);
    ck_assert(tip->prev->dirty);
    /* Loaded entries start clean. */
    struct hash256 h;
    memset(&h, 0x42, sizeof(h));
    struct block_index *l = block_map_insert_loaded(m, &h);
    ck_assert(!l->dirty);
    block_map_dirty(m, &n);
    ck_assert_uint_eq(n, 1);
    block_map_free(m);
}
END_TEST

static Suite *block_index_suite(void)
{
    Suite *s = suite_create("block_index");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_ancestors_and_work);
    tcase_add_test(tc, test_median_time_past);
    tcase_add_test(tc, test_fork_and_active_chain);
    tcase_add_test(tc, test_locator);
    tcase_add_test(tc, test_link_loaded);
    tcase_add_test(tc, test_validity);
    tcase_add_test(tc, test_dirty_list);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(block_index_suite)
