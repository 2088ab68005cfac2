#include "src/util/wbuf.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/rbuf.h"

START_TEST(compact_round_trip)
{
    static const uint64_t values[] = { 0, 1, 0xfc, 0xfd, 0xffff, 0x10000, 0xffffffffull, 0x100000000ull, UINT64_MAX };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        struct wbuf w;
        wbuf_init(&w);
        wbuf_compact(&w, values[i]);
        ck_assert_uint_eq(w.len, compact_size_len(values[i]));
        struct rbuf r = rbuf_make(w.data, w.len);
        uint64_t v;
        ck_assert(rbuf_compact(&r, &v, UINT64_MAX));
        ck_assert_uint_eq(v, values[i]);
        ck_assert_uint_eq(r.len, 0);
        wbuf_clear(&w);
    }
}
END_TEST

START_TEST(grows_and_detaches)
{
    struct wbuf w;
    wbuf_init(&w);
    for (int i = 0; i < 1000; i++)
        wbuf_u32le(&w, (uint32_t)i);
    ck_assert_uint_eq(w.len, 4000);
    ck_assert_uint_eq(w.data[4 * 999], 999 & 0xff);
    size_t len;
    uint8_t *p = wbuf_detach(&w, &len);
    ck_assert_uint_eq(len, 4000);
    ck_assert_ptr_null(w.data);
    mem_free(p);
    wbuf_var_bytes(&w, (const uint8_t *)"abc", 3);
    ck_assert_uint_eq(w.len, 4);
    ck_assert(memcmp(w.data, "\x03" "abc", 4) == 0);
    wbuf_clear(&w);
}
END_TEST

static Suite *wbuf_suite(void)
{
    Suite *s = suite_create("util/wbuf");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, compact_round_trip);
    tcase_add_test(tc, grows_and_detaches);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(wbuf_suite)
