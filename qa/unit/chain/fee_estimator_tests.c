/* Tests of src/chain/fee_estimator.c and fee_estimator_file.c: buckets,
 * decay, failures, estimates, the fee_estimates.dat round trip and the
 * refusal of corrupt or newer files. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "src/chain/fee_estimator.h"
#include "src/chain/fee_estimator_internal.h"
#include "src/util/alloc.h"

static struct hash256 txid_n(uint32_t n)
{
    struct hash256 h;
    memset(&h, 0, sizeof(h));
    memcpy(h.b, &n, sizeof(n));
    h.b[31] = 0x77;
    return h;
}

/* Sum of the unconfirmed counts of bucket b in horizon h. */
static int unconf_in(const struct fee_estimator *fe, int h, unsigned b)
{
    const struct fee_stats *s = &fe->stats[h];
    int n = s->old_unconf[b];
    for (unsigned r = 0; r < fee_stats_max_confirms(s); r++)
        n += s->unconf[(size_t)r * fe->nbuckets + b];
    return n;
}

START_TEST(test_buckets)
{
    struct fee_estimator *fe = fee_estimator_new();
    /* 1000 sat/kvB to 1e7 spaced by 1.05, then the infinite bucket. */
    ck_assert_uint_eq(fe->nbuckets, 190);
    ck_assert(fe->buckets[0] == 1000.0);
    ck_assert(fabs(fe->buckets[1] - 1050.0) < 1e-9);
    ck_assert(fe->buckets[fe->nbuckets - 1] == FEE_EST_INF_FEERATE);
    ck_assert(fe->buckets[fe->nbuckets - 2] <= FEE_EST_MAX_BUCKET_FEERATE);
    /* Tracked at the best height only; each lands in the first bucket whose bound reaches its rate. */
    struct hash256 a = txid_n(1), b = txid_n(2), c = txid_n(3), d = txid_n(4), e = txid_n(5);
    fee_estimator_tx_added(fe, &a, 0, 100, 200, true);      /* 500 sat/kvB: below the first bound */
    fee_estimator_tx_added(fe, &b, 0, 1050, 1000, true);    /* exactly the second bound */
    fee_estimator_tx_added(fe, &c, 0, 1000000, 10, true);   /* 1e8: the infinite bucket */
    fee_estimator_tx_added(fe, &d, 5, 5000, 1000, true);    /* entered at a height not yet seen: ignored */
    fee_estimator_tx_added(fe, &e, 0, 5000, 1000, false);   /* not valid for estimation: ignored */
    fee_estimator_tx_added(fe, &a, 0, 100, 200, true);      /* already tracked */
    ck_assert_uint_eq(fee_estimator_tracked(fe), 3);
    for (int h = 0; h < FEE_HORIZON_COUNT; h++) {
        ck_assert_int_eq(unconf_in(fe, h, 0), 1);
        ck_assert_int_eq(unconf_in(fe, h, 1), 1);
        ck_assert_int_eq(unconf_in(fe, h, (unsigned)fe->nbuckets - 1), 1);
    }
    ck_assert(fee_estimator_tx_removed(fe, &b));
    ck_assert(!fee_estimator_tx_removed(fe, &b));
    ck_assert_int_eq(unconf_in(fe, 0, 1), 0);
    ck_assert_uint_eq(fee_estimator_highest_target(FEE_HORIZON_SHORT), 12);
    ck_assert_uint_eq(fee_estimator_highest_target(FEE_HORIZON_MEDIUM), 48);
    ck_assert_uint_eq(fee_estimator_highest_target(FEE_HORIZON_LONG), 1008);
    fee_estimator_free(fe);
}
END_TEST

START_TEST(test_record_and_decay)
{
    struct fee_estimator *fe = fee_estimator_new();
    struct hash256 a = txid_n(1);
    fee_estimator_block(fe, 1, NULL, 0);
    fee_estimator_tx_added(fe, &a, 1, 2000, 1000, true); /* 2000 sat/kvB */
    /* Confirmed three blocks later. */
    fee_estimator_block(fe, 2, NULL, 0);
    fee_estimator_block(fe, 3, NULL, 0);
    fee_estimator_block(fe, 4, &a, 1);
    ck_assert_uint_eq(fee_estimator_tracked(fe), 0);
    unsigned b = 0;
    while (fe->buckets[b] < 2000.0)
        b++;
    const size_t nb = fe->nbuckets;
    /* short horizon (scale 1): confirmed within 3..12 blocks, not within 1 or 2 */
    const struct fee_stats *s = &fe->stats[FEE_HORIZON_SHORT];
    ck_assert(s->conf_avg[0 * nb + b] == 0 && s->conf_avg[1 * nb + b] == 0);
    ck_assert(s->conf_avg[2 * nb + b] == 1 && s->conf_avg[11 * nb + b] == 1);
    ck_assert(s->txct_avg[b] == 1 && s->feerate_avg[b] == 2000.0);
    /* medium horizon (scale 2): periods of 2 blocks, so from the second period on */
    const struct fee_stats *m = &fe->stats[FEE_HORIZON_MEDIUM];
    ck_assert(m->conf_avg[0 * nb + b] == 0 && m->conf_avg[1 * nb + b] == 1);
    /* Each later block multiplies every average by the horizon's decay. */
    fee_estimator_block(fe, 5, NULL, 0);
    fee_estimator_block(fe, 6, NULL, 0);
    ck_assert(fabs(s->txct_avg[b] - FEE_EST_SHORT_DECAY * FEE_EST_SHORT_DECAY) < 1e-12);
    ck_assert(fabs(fe->stats[FEE_HORIZON_LONG].txct_avg[b] - FEE_EST_LONG_DECAY * FEE_EST_LONG_DECAY) < 1e-12);
    /* A block at or below the best height (a reorganisation) changes nothing. */
    fee_estimator_block(fe, 6, NULL, 0);
    ck_assert(fabs(s->txct_avg[b] - FEE_EST_SHORT_DECAY * FEE_EST_SHORT_DECAY) < 1e-12);
    fee_estimator_free(fe);
}
END_TEST

START_TEST(test_failures)
{
    struct fee_estimator *fe = fee_estimator_new();
    struct hash256 a = txid_n(1), b = txid_n(2);
    fee_estimator_block(fe, 10, NULL, 0);
    fee_estimator_tx_added(fe, &a, 10, 3000, 1000, true);
    fee_estimator_tx_added(fe, &b, 10, 3000, 1000, true);
    for (int32_t h = 11; h <= 14; h++)
        fee_estimator_block(fe, h, NULL, 0);
    /* Evicted after 4 blocks: a failure in the short horizon's first 4 periods. */
    ck_assert(fee_estimator_tx_removed(fe, &a));
    unsigned k = 0;
    while (fe->buckets[k] < 3000.0)
        k++;
    const size_t nb = fe->nbuckets;
    const struct fee_stats *s = &fe->stats[FEE_HORIZON_SHORT];
    ck_assert(s->fail_avg[0 * nb + k] == 1 && s->fail_avg[3 * nb + k] == 1 && s->fail_avg[4 * nb + k] == 0);
    /* Flushing at shutdown counts the rest as failures too. */
    ck_assert_uint_eq(fee_estimator_flush_unconfirmed(fe), 1);
    ck_assert(s->fail_avg[0 * nb + k] == 2);
    ck_assert_uint_eq(fee_estimator_tracked(fe), 0);
    fee_estimator_free(fe);
}
END_TEST

/* Blocks from..to: each block, 6 transactions at `high` sat/kvB confirm in
 * the next block and 6 at `low` confirm `slow` blocks later. */
static uint32_t next_id = 1000;
static void simulate(struct fee_estimator *fe, int32_t from, int32_t to, int64_t high, int64_t low, int slow)
{
    struct hash256 pending_low[64][6];
    for (int32_t h = from; h <= to; h++) {
        struct hash256 in_block[12];
        size_t n = 0;
        static struct hash256 prev_high[6];
        if (h > from)
            for (int i = 0; i < 6; i++)
                in_block[n++] = prev_high[i];
        if (h - from >= slow)
            for (int i = 0; i < 6; i++)
                in_block[n++] = pending_low[(h - slow) % 64][i];
        fee_estimator_block(fe, h, in_block, n);
        for (int i = 0; i < 6; i++) {
            prev_high[i] = txid_n(next_id++);
            fee_estimator_tx_added(fe, &prev_high[i], h, high * 250 / 1000, 250, true);
            pending_low[h % 64][i] = txid_n(next_id++);
            fee_estimator_tx_added(fe, &pending_low[h % 64][i], h, low * 250 / 1000, 250, true);
        }
    }
}

START_TEST(test_estimates)
{
    struct fee_estimator *fe = fee_estimator_new();
    int got = -1;
    /* No data: no estimate, and the returned target says so. */
    ck_assert_int_eq(fee_estimator_estimate_smart(fe, &got, 6, false), 0);
    ck_assert_int_eq(got, 0);
    ck_assert_int_eq(fee_estimator_estimate_smart(fe, &got, 0, false), 0);
    ck_assert_int_eq(fee_estimator_estimate_smart(fe, &got, 1009, false), 0);
    simulate(fe, 1, 300, 40000, 4000, 8);
    int64_t urgent = fee_estimator_estimate_smart(fe, &got, 2, false);
    ck_assert_int_eq(got, 2);
    int64_t relaxed = fee_estimator_estimate_smart(fe, &got, 20, false);
    ck_assert_int_eq(got, 20);
    /* Two blocks needs the fast payers' rate; twenty blocks is met by the slow ones. */
    ck_assert_msg(urgent >= 38000 && urgent <= 42000, "urgent %lld", (long long)urgent);
    ck_assert_msg(relaxed >= 3800 && relaxed <= 4200, "relaxed %lld", (long long)relaxed);
    /* Never increasing with the target; target 1 is answered as 2. */
    int64_t last = INT64_MAX;
    for (int t = 1; t <= 100; t++) {
        int64_t e = fee_estimator_estimate_smart(fe, &got, t, false);
        ck_assert(e > 0 && e <= last);
        last = e;
    }
    ck_assert_int_eq(fee_estimator_estimate_smart(fe, &got, 1, false), urgent);
    ck_assert_int_eq(got, 2);
    /* Conservative is at least economical. */
    ck_assert(fee_estimator_estimate_smart(fe, NULL, 10, true) >= fee_estimator_estimate_smart(fe, NULL, 10, false));
    /* Raw: the short horizon at 95% for 1 block is the fast rate; the pass range holds it. */
    struct fee_estimation_result r;
    int64_t raw = fee_estimator_estimate_raw(fe, &r, 1, 0.95, FEE_HORIZON_SHORT);
    ck_assert(raw >= 38000 && raw <= 42000);
    ck_assert(r.pass.start <= 40000 && r.pass.end >= 40000 && r.decay == FEE_EST_SHORT_DECAY && r.scale == 1);
    ck_assert(r.pass.within_target > 0 && r.pass.total_confirmed >= r.pass.within_target);
    /* Targets beyond a horizon or thresholds above 1 answer nothing. */
    ck_assert_int_eq(fee_estimator_estimate_raw(fe, &r, 13, 0.95, FEE_HORIZON_SHORT), 0);
    ck_assert_int_eq(fee_estimator_estimate_raw(fe, &r, 2, 1.5, FEE_HORIZON_SHORT), 0);
    fee_estimator_free(fe);
}
END_TEST

START_TEST(test_round_trip)
{
    struct fee_estimator *fe = fee_estimator_new();
    simulate(fe, 1, 200, 30000, 3000, 6);
    uint8_t *buf;
    size_t len;
    fee_estimator_encode(fe, &buf, &len);
    struct fee_estimator *back = fee_estimator_new();
    char err[256] = "";
    ck_assert_msg(fee_estimator_decode(back, buf, len, err, sizeof(err)), "%s", err);
    ck_assert_int_eq(fee_estimator_best_height(back), 200);
    /* The history survives: the same estimates from the loaded copy (its span comes from the file). */
    for (int t = 2; t <= 48; t += 3) {
        int g1, g2;
        ck_assert_int_eq(fee_estimator_estimate_smart(back, &g2, t, false),
                         fee_estimator_estimate_smart(fe, &g1, t, false));
        ck_assert_int_eq(g1, g2);
    }
    ck_assert_int_eq(fee_estimator_estimate_raw(back, NULL, 3, 0.85, FEE_HORIZON_MEDIUM),
                     fee_estimator_estimate_raw(fe, NULL, 3, 0.85, FEE_HORIZON_MEDIUM));
    /* Unconfirmed transactions are not saved. */
    ck_assert_uint_eq(fee_estimator_tracked(back), 0);
    /* Re-encoding the loaded copy gives the same bytes. */
    uint8_t *buf2;
    size_t len2;
    fee_estimator_encode(back, &buf2, &len2);
    ck_assert_uint_eq(len, len2);
    ck_assert(memcmp(buf, buf2, len) == 0);
    mem_free(buf2);

    /* Through a file. */
    char dir[64], path[128];
    tmpdir_make(dir);
    snprintf(path, sizeof(path), "%s/fee_estimates.dat", dir);
    struct fee_estimator *fresh = fee_estimator_new();
    ck_assert_int_eq(fee_estimator_read(fresh, path, err, sizeof(err)), 0); /* no file yet */
    ck_assert_int_eq(fee_estimator_write(fe, path, err, sizeof(err)), 0);
    ck_assert_int_eq(fee_estimator_read(fresh, path, err, sizeof(err)), 1);
    ck_assert_int_eq(fee_estimator_estimate_smart(fresh, NULL, 6, false), fee_estimator_estimate_smart(fe, NULL, 6, false));
    tmpdir_remove(dir);
    fee_estimator_free(fresh);
    fee_estimator_free(back);
    fee_estimator_free(fe);
    mem_free(buf);
}
END_TEST

/* Recomputes the trailing checksum so a test can alter the body. */
#include "src/crypto/sha256.h"
static void reseal(uint8_t *buf, size_t len)
{
    sha256(buf + len - 32, buf, len - 32);
}

START_TEST(test_corrupt_refused)
{
    struct fee_estimator *fe = fee_estimator_new();
    simulate(fe, 1, 120, 20000, 2000, 5);
    uint8_t *buf;
    size_t len;
    fee_estimator_encode(fe, &buf, &len);
    struct fee_estimator *t = fee_estimator_new();
    char err[256];
    uint8_t *c = mem_dup(buf, len);

    /* A flipped bit anywhere in the body: the checksum refuses it. */
    c[len / 2] ^= 0x10;
    ck_assert(!fee_estimator_decode(t, c, len, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "checksum"));
    /* Truncated. */
    memcpy(c, buf, len);
    ck_assert(!fee_estimator_decode(t, c, len - 1, err, sizeof(err)));
    ck_assert(!fee_estimator_decode(t, c, 20, err, sizeof(err)));
    /* Another magic. */
    c[0] = 'X';
    ck_assert(!fee_estimator_decode(t, c, len, err, sizeof(err)));
    /* A newer version, even correctly sealed. */
    memcpy(c, buf, len);
    c[8] = FEE_ESTIMATES_VERSION + 1;
    reseal(c, len);
    ck_assert(!fee_estimator_decode(t, c, len, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "newer"));
    /* A negative count, sealed: refused by the value check. */
    memcpy(c, buf, len);
    size_t first_table = 8 + 4 + 16 + 190 * 8 + 16; /* header, bounds, short horizon's shape */
    double neg = -1.0;
    memcpy(c + first_table, &neg, 8);
    reseal(c, len);
    ck_assert(!fee_estimator_decode(t, c, len, err, sizeof(err)));
    /* Inconsistent heights (historical best above best), sealed. */
    memcpy(c, buf, len);
    uint32_t big = 1000000;
    memcpy(c + 8 + 4 + 8, &big, 4);
    reseal(c, len);
    ck_assert(!fee_estimator_decode(t, c, len, err, sizeof(err)));
    /* Nothing was loaded by the refused files. */
    ck_assert_int_eq(fee_estimator_best_height(t), 0);
    ck_assert_int_eq(fee_estimator_estimate_smart(t, NULL, 6, false), 0);

    /* A corrupt file on disk: read refuses it (-1) and leaves the estimator empty. */
    char dir[64], path[128];
    tmpdir_make(dir);
    snprintf(path, sizeof(path), "%s/fee_estimates.dat", dir);
    memcpy(c, buf, len);
    c[100] ^= 1;
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(c, 1, len, f), len);
    fclose(f);
    ck_assert_int_eq(fee_estimator_read(t, path, err, sizeof(err)), -1);
    ck_assert_int_eq(fee_estimator_best_height(t), 0);
    tmpdir_remove(dir);

    mem_free(c);
    mem_free(buf);
    fee_estimator_free(t);
    fee_estimator_free(fe);
}
END_TEST

static Suite *fee_estimator_suite(void)
{
    Suite *s = suite_create("fee_estimator");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_buckets);
    tcase_add_test(tc, test_record_and_decay);
    tcase_add_test(tc, test_failures);
    tcase_add_test(tc, test_estimates);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_corrupt_refused);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(fee_estimator_suite)
