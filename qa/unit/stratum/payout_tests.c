#include "src/stratum/payout.h"

#include <string.h>

#include "consensus/token_prefix.h"
#include "qa/unit/unit.h"
#include "src/chain/miner.h"
#include "src/util/wbuf.h"

static const uint8_t ASSET[32] = { 0xaa, 1, 2, 3 };

/* A P2WPKH payee whose hash starts with tag. */
static struct stratum_payee payee(uint8_t tag, uint32_t vault)
{
    struct stratum_payee p;
    memset(&p, 0, sizeof(p));
    p.script[0] = 0x00;
    p.script[1] = 0x14;
    p.script[2] = tag;
    p.script_len = 22;
    p.vault_pct = vault;
    return p;
}

static int64_t paid_to(const struct stratum_payout *p, const struct stratum_payee *who)
{
    int64_t v = 0;
    for (size_t i = 0; i < p->count; i++)
        if (p->outputs[i].script_len == who->script_len &&
            memcmp(p->outputs[i].script, who->script, who->script_len) == 0)
            v += p->outputs[i].value;
    return v;
}

START_TEST(single)
{
    struct stratum_payout_rules r = { ASSET, 0, 750 };
    struct stratum_payee a = payee(1, 0), v = payee(2, 30);
    struct stratum_payout p;
    stratum_payout_single(&p, &r, &a, 5000000000LL);
    ck_assert_uint_eq(p.count, 1);
    ck_assert_int_eq(p.outputs[0].value, 5000000000LL);
    stratum_payout_clear(&p);
    stratum_payout_single(&p, &r, &v, 1000);
    ck_assert_uint_eq(p.count, 2);
    ck_assert_int_eq(p.outputs[0].value, 700);
    ck_assert_int_eq(p.outputs[1].value, 300);
    /* The second is the issuance layer's coinbase vault: VAULT prefix (debt 0) then the owner's script. */
    struct wbuf w;
    wbuf_init(&w);
    miner_vault_script(&w, ASSET, v.script, v.script_len);
    ck_assert_uint_eq(p.outputs[1].script_len, w.len);
    ck_assert_mem_eq(p.outputs[1].script, w.data, w.len);
    wbuf_clear(&w);
    ck_assert_uint_eq(stratum_payout_bytes(&p), 31 + 8 + 1 + p.outputs[1].script_len);
    stratum_payout_clear(&p);
    /* vault=100: only the vault. A chain without assets: no vault. */
    struct stratum_payee all = payee(3, 100);
    stratum_payout_single(&p, &r, &all, 1000);
    ck_assert_uint_eq(p.count, 1);
    ck_assert_uint_gt(p.outputs[0].script_len, 22);
    stratum_payout_clear(&p);
    struct stratum_payout_rules none = { NULL, 0, 750 };
    stratum_payout_single(&p, &none, &v, 1000);
    ck_assert_uint_eq(p.count, 1);
    ck_assert_int_eq(p.outputs[0].value, 1000);
    stratum_payout_clear(&p);
}
END_TEST

START_TEST(proportional)
{
    struct stratum_payout_rules r = { ASSET, 0, 750 };
    struct stratum_pplns log;
    stratum_pplns_init(&log);
    struct stratum_payee a = payee(1, 0), b = payee(2, 0), c = payee(3, 0);
    /* Shares older than the window do not count. */
    stratum_pplns_add(&log, &c, 5.0, 1e9);
    stratum_pplns_add(&log, &a, 1.0, 1e9);
    stratum_pplns_add(&log, &b, 1.0, 1e9);
    uint64_t last = stratum_pplns_add(&log, &a, 1.0, 1e9);
    struct stratum_payout p;
    stratum_pplns_split(&p, &log, &r, 3.0, 3000);
    ck_assert_int_eq(paid_to(&p, &a), 2000);
    ck_assert_int_eq(paid_to(&p, &b), 1000);
    ck_assert_int_eq(paid_to(&p, &c), 0);
    ck_assert_uint_eq(p.last_seq, last);
    ck_assert_uint_eq(p.first_seq, last - 2);
    ck_assert_uint_eq(p.payees_in_window, 2);
    stratum_payout_clear(&p);
    /* A wider window takes c too; the rounding remainder goes to the largest. */
    stratum_pplns_split(&p, &log, &r, 100.0, 1001);
    ck_assert_int_eq(paid_to(&p, &c), 625 + 1);
    ck_assert_int_eq(paid_to(&p, &a), 250);
    ck_assert_int_eq(paid_to(&p, &b), 125);
    int64_t total = 0;
    for (size_t i = 0; i < p.count; i++)
        total += p.outputs[i].value;
    ck_assert_int_eq(total, 1001);
    stratum_payout_clear(&p);
    /* A share is in if the newer ones are below the limit: window 2.5 takes three. */
    stratum_pplns_split(&p, &log, &r, 2.5, 3000);
    ck_assert_uint_eq(p.first_seq, last - 2);
    stratum_payout_clear(&p);
    /* Difficulty-weighted: one share of 3 is worth three of 1. */
    stratum_pplns_add(&log, &b, 3.0, 1e9);
    stratum_pplns_split(&p, &log, &r, 4.0, 6000); /* b's 3, then a's 1 */
    ck_assert_int_eq(paid_to(&p, &b), 4500);
    ck_assert_int_eq(paid_to(&p, &a), 1500);
    stratum_payout_clear(&p);
    stratum_pplns_clear(&log);
    /* Empty window: no outputs. */
    stratum_pplns_init(&log);
    stratum_pplns_split(&p, &log, &r, 5.0, 6000);
    ck_assert_uint_eq(p.count, 0);
    stratum_payout_clear(&p);
    stratum_pplns_clear(&log);
}
END_TEST

START_TEST(minimum_and_vault)
{
    struct stratum_payout_rules r = { ASSET, 50, 750 };
    struct stratum_pplns log;
    stratum_pplns_init(&log);
    struct stratum_payee a = payee(1, 0), b = payee(2, 0), v = payee(3, 50);
    stratum_pplns_add(&log, &a, 99.0, 1e9);
    stratum_pplns_add(&log, &b, 1.0, 1e9);
    struct stratum_payout p;
    stratum_pplns_split(&p, &log, &r, 1000.0, 1000);
    ck_assert_int_eq(paid_to(&p, &a), 1000); /* b's 10 is under the minimum: a takes all */
    ck_assert_int_eq(paid_to(&p, &b), 0);
    ck_assert_uint_eq(p.payees_paid, 1);
    ck_assert_uint_eq(p.payees_in_window, 2);
    stratum_payout_clear(&p);
    stratum_pplns_add(&log, &v, 100.0, 1e9);
    stratum_pplns_split(&p, &log, &r, 1000.0, 2000);
    /* b (10 of 2000) is dropped again; v: floor(2000 * 100/199) = 1005 plus the remainder 1, half in its vault. */
    ck_assert_uint_eq(p.count, 3); /* v: its payout and its vault; a */
    ck_assert_int_eq(paid_to(&p, &v), 503);
    ck_assert_int_eq(paid_to(&p, &a), 994);
    int64_t vault = 0;
    for (size_t i = 0; i < p.count; i++) {
        struct token_prefix tp;
        size_t plen;
        if (token_prefix_parse(&tp, &plen, p.outputs[i].script, p.outputs[i].script_len) == TOKEN_PREFIX_OK &&
            tp.kind == TOKEN_KIND_VAULT) {
            vault += p.outputs[i].value;
            ck_assert_mem_eq(p.outputs[i].script + plen, v.script, v.script_len); /* locked to the worker */
            ck_assert_mem_eq(tp.asset_id, ASSET, 32);
        }
    }
    ck_assert_int_eq(vault, 503);
    stratum_payout_clear(&p);
    stratum_pplns_clear(&log);
}
END_TEST

/* -stratumcoinbasemax: the largest payees that fit; the rest stay in the window. */
START_TEST(coinbase_cap)
{
    struct stratum_payout_rules r = { ASSET, 0, 750 };
    struct stratum_pplns log;
    stratum_pplns_init(&log);
    for (int i = 1; i <= 40; i++) {
        struct stratum_payee p = payee((uint8_t)i, 0);
        stratum_pplns_add(&log, &p, (double)i, 1e9);
    }
    struct stratum_payout p;
    stratum_pplns_split(&p, &log, &r, 1e6, 5000000000LL);
    ck_assert_uint_eq(p.payees_in_window, 40);
    ck_assert_uint_eq(p.payees_paid, 24); /* 24 x 31 bytes = 744 <= 750 */
    ck_assert_uint_le(stratum_payout_bytes(&p), 750);
    for (int i = 1; i <= 40; i++) {
        struct stratum_payee who = payee((uint8_t)i, 0);
        if (i > 16)
            ck_assert_int_gt(paid_to(&p, &who), 0);
        else
            ck_assert_int_eq(paid_to(&p, &who), 0);
    }
    /* Proportional among those paid: 40 / sum(17..40) of the value. */
    struct stratum_payee top = payee(40, 0), low = payee(17, 0);
    ck_assert_int_gt(paid_to(&p, &top), paid_to(&p, &low) * 2);
    int64_t total = 0;
    for (size_t i = 0; i < p.count; i++)
        total += p.outputs[i].value;
    ck_assert_int_eq(total, 5000000000LL);
    stratum_payout_clear(&p);
    /* The window still holds every share for the next block; a larger cap pays them all. */
    r.max_bytes = 0;
    stratum_pplns_split(&p, &log, &r, 1e6, 5000000000LL);
    ck_assert_uint_eq(p.payees_paid, 40);
    stratum_payout_clear(&p);
    stratum_pplns_clear(&log);
}
END_TEST

/* The log forgets shares no window can reach, and never holds more than the cap. */
START_TEST(window_memory)
{
    struct stratum_payout_rules r = { NULL, 0, 0 };
    struct stratum_pplns log;
    stratum_pplns_init(&log);
    struct stratum_payee a = payee(1, 0), b = payee(2, 0);
    for (int i = 0; i < 5000; i++)
        stratum_pplns_add(&log, i < 4000 ? &a : &b, 1.0, 100.0);
    ck_assert_uint_le(log.n, 100 + 1024);
    ck_assert_uint_ge(log.n, 100);
    ck_assert_uint_eq(log.v[log.n - 1].seq, 5000);
    struct stratum_payout p;
    stratum_pplns_split(&p, &log, &r, 100.0, 1000);
    ck_assert_int_eq(paid_to(&p, &b), 1000); /* the last 100 shares are all b's */
    ck_assert_uint_eq(p.first_seq, 4901);
    stratum_payout_clear(&p);
    stratum_pplns_clear(&log);
}
END_TEST

static Suite *payout_suite(void)
{
    Suite *s = suite_create("stratum_payout");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, single);
    tcase_add_test(tc, proportional);
    tcase_add_test(tc, minimum_and_vault);
    tcase_add_test(tc, coinbase_cap);
    tcase_add_test(tc, window_memory);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(payout_suite)
