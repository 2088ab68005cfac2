/* Descriptor vectors (qa/data/descriptor_vectors.txt): tr() with script
 * trees (BIP 386) and multi_a/sortedmulti_a (BIP 387) expand to their
 * scripts at indexes 0, 1, 2; combo() (BIP 384) to its scripts at index 0;
 * the invalid ones are refused; the public and private forms print so that
 * they parse back to the same scripts; the tree depth limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/params.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "wallet/descriptor.h"

static char *spk_hex(const struct descriptor *d, uint32_t index)
{
    struct wbuf w;
    wbuf_init(&w);
    char e[200];
    ck_assert_msg(descriptor_expand(d, &w, NULL, NULL, index, e, sizeof(e)), "expand: %s", e);
    char *h = hex_encode_alloc(w.data, w.len);
    wbuf_clear(&w);
    return h;
}

/* The printed form (public, then private when there is a key) parses back to the same script. */
static void check_reprint(const struct descriptor *d, const struct chain_params *params, const char *want)
{
    for (int priv = 0; priv < 2; priv++) {
        char *s = descriptor_to_string(d, params, priv);
        if (!s) {
            ck_assert(priv && !descriptor_has_private(d));
            continue;
        }
        struct descriptor *again;
        char e[200];
        ck_assert_msg(descriptor_parse(&again, s, params, true, e, sizeof(e)), "%s: %s", s, e);
        if (!priv && (strstr(s, "*'") || strstr(s, "*h"))) {
            /* a hardened wildcard derives from private keys only */
            descriptor_free(again);
            mem_free(s);
            continue;
        }
        char *h = spk_hex(again, 0);
        ck_assert_str_eq(h, want);
        mem_free(h);
        descriptor_free(again);
        mem_wipe(s, strlen(s));
        mem_free(s);
    }
}

START_TEST(test_vectors)
{
    FILE *f = fopen(UNIT_DATA("descriptor_vectors.txt"), "r");
    ck_assert_ptr_nonnull(f);
    static char line[4000];
    int valid = 0, invalid = 0, combos = 0;
    while (fgets(line, sizeof(line), f)) {
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *kind = strtok(line, " ");
        char *chain = strtok(NULL, " ");
        const struct chain_params *params = chain_params_get(chain);
        ck_assert_ptr_nonnull(params);
        char *rest = chain + strlen(chain) + 1;
        struct descriptor *d;
        char e[200];
        if (strcmp(kind, "invalid") == 0) {
            ck_assert_msg(!descriptor_parse(&d, rest, params, false, e, sizeof(e)), "accepted %s", rest);
            ck_assert(e[0] != '\0');
            invalid++;
            continue;
        }
        char *desc = strtok(rest, " ");
        ck_assert_msg(descriptor_parse(&d, desc, params, false, e, sizeof(e)), "%s: %s", desc, e);
        if (strcmp(kind, "scripts") == 0) { /* every script at index 0 */
            size_t nth = 0;
            for (char *want = strtok(NULL, " "); want; want = strtok(NULL, " "), nth++) {
                ck_assert_uint_lt(nth, descriptor_script_count(d));
                struct wbuf w;
                wbuf_init(&w);
                ck_assert(descriptor_expand_nth(d, &w, NULL, NULL, 0, nth, e, sizeof(e)));
                char *h = hex_encode_alloc(w.data, w.len);
                ck_assert_msg(strcmp(h, want) == 0, "%s script %zu: %s, want %s", desc, nth, h, want);
                mem_free(h);
                wbuf_clear(&w);
            }
            ck_assert_uint_eq(nth, descriptor_script_count(d));
            struct wbuf w;
            wbuf_init(&w);
            ck_assert(!descriptor_expand_nth(d, &w, NULL, NULL, 0, nth, e, sizeof(e)));
            wbuf_clear(&w);
            char *again = descriptor_to_string(d, params, false);
            ck_assert_ptr_nonnull(strstr(again, "combo("));
            mem_free(again);
            descriptor_free(d);
            combos++;
            continue;
        }
        uint32_t index = 0;
        char *want0 = NULL;
        for (char *want = strtok(NULL, " "); want; want = strtok(NULL, " "), index++) {
            char *h = spk_hex(d, index);
            ck_assert_msg(strcmp(h, want) == 0, "%s at %u: %s, want %s", desc, index, h, want);
            mem_free(h);
            if (!want0)
                want0 = want;
        }
        ck_assert_uint_ge(index, 1);
        ck_assert(descriptor_is_range(d) == (index == 3));
        ck_assert_str_eq(descriptor_output_type(d), "bech32m");
        check_reprint(d, params, want0);
        descriptor_free(d);
        valid++;
    }
    fclose(f);
    ck_assert_int_eq(valid, 11);
    ck_assert_int_eq(combos, 3);
    ck_assert_int_ge(invalid, 16);
}
END_TEST

/* 128 levels are allowed (BIP 341's control block limit), 129 are not. */
START_TEST(test_depth_limit)
{
    static const char LEAF[] = "pk(669b8afcec803a0d323e9a17f3ea8e68e8abe5a278020a929adbec52421adbd0)";
    const struct chain_params *params = chain_params_get("bitcoin");
    for (int levels = 128; levels <= 129; levels++) {
        struct wbuf w;
        wbuf_init(&w);
        const char *head = "tr(a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd,";
        wbuf_put(&w, head, strlen(head));
        for (int i = 0; i < levels; i++) {
            wbuf_u8(&w, '{');
            wbuf_put(&w, LEAF, strlen(LEAF));
            wbuf_u8(&w, ',');
        }
        wbuf_put(&w, LEAF, strlen(LEAF));
        for (int i = 0; i < levels; i++)
            wbuf_u8(&w, '}');
        wbuf_put(&w, ")", 2);
        struct descriptor *d;
        char e[200];
        bool ok = descriptor_parse(&d, (const char *)w.data, params, false, e, sizeof(e));
        ck_assert_msg(ok == (levels == 128), "%d levels: %s", levels, ok ? "accepted" : e);
        if (ok) {
            char *h = spk_hex(d, 0);
            ck_assert_uint_eq(strlen(h), 68);
            mem_free(h);
            descriptor_free(d);
        }
        wbuf_clear(&w);
    }
}
END_TEST

static Suite *descriptor_vectors_suite(void)
{
    Suite *s = suite_create("descriptor_vectors");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vectors);
    tcase_add_test(tc, test_depth_limit);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(descriptor_vectors_suite)
