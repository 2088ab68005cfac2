#include "consensus/tx_check.h"

#include "consensus/amount.h"
#include "qa/unit/unit.h"

static void make_tx(struct tx *tx, size_t inputs)
{
    tx_init(tx);
    for (size_t i = 0; i < inputs; i++) {
        struct outpoint op = { { { (uint8_t)(i + 1) } }, (uint32_t)i };
        tx_add_input(tx, &op, NULL, 0, SEQUENCE_FINAL);
    }
    tx_add_output(tx, 1000, (const uint8_t *)"\x51", 1);
}

static void expect(const struct tx *tx, const char *reject)
{
    struct val_state st;
    val_state_init(&st);
    if (!reject) {
        ck_assert_msg(tx_check(&st, tx), "unexpected %s", st.reject);
        return;
    }
    ck_assert(!tx_check(&st, tx));
    ck_assert_str_eq(st.reject, reject);
    ck_assert_int_eq(st.result, VAL_TX_CONSENSUS);
}

START_TEST(valid)
{
    struct tx tx;
    make_tx(&tx, 3);
    expect(&tx, NULL);
    tx_clear(&tx);
}
END_TEST

START_TEST(empty_lists)
{
    struct tx tx;
    make_tx(&tx, 0);
    expect(&tx, "bad-txns-vin-empty");
    tx_clear(&tx);
    tx_init(&tx);
    struct outpoint op = { { { 1 } }, 0 };
    tx_add_input(&tx, &op, NULL, 0, 0);
    expect(&tx, "bad-txns-vout-empty");
    tx_clear(&tx);
}
END_TEST

START_TEST(output_values)
{
    struct tx tx;
    make_tx(&tx, 1);
    tx.vout[0].value = -1;
    expect(&tx, "bad-txns-vout-negative");
    tx.vout[0].value = MAX_MONEY + 1;
    expect(&tx, "bad-txns-vout-toolarge");
    tx.vout[0].value = MAX_MONEY;
    expect(&tx, NULL);
    tx_add_output(&tx, MAX_MONEY, NULL, 0);
    expect(&tx, "bad-txns-txouttotal-toolarge");
    tx_clear(&tx);
}
END_TEST

START_TEST(duplicate_inputs)
{
    struct tx tx;
    make_tx(&tx, 50);
    tx.vin[37].prevout = tx.vin[4].prevout;
    expect(&tx, "bad-txns-inputs-duplicate");
    tx_clear(&tx);
}
END_TEST

START_TEST(coinbase_and_null_prevout)
{
    struct tx tx;
    tx_init(&tx);
    struct outpoint null = { { { 0 } }, 0xffffffffu };
    tx_add_input(&tx, &null, (const uint8_t *)"\x01", 1, SEQUENCE_FINAL);
    tx_add_output(&tx, 50, NULL, 0);
    expect(&tx, "bad-cb-length");
    bytes_clear(&tx.vin[0].script_sig);
    bytes_set(&tx.vin[0].script_sig, (const uint8_t *)"\x01\x02", 2);
    expect(&tx, NULL);
    struct outpoint op = { { { 9 } }, 0 };
    tx_add_input(&tx, &op, NULL, 0, 0); /* two inputs: no longer a coinbase */
    expect(&tx, "bad-txns-prevout-null");
    tx_clear(&tx);
}
END_TEST

START_TEST(oversize)
{
    struct tx tx;
    make_tx(&tx, 1);
    static uint8_t big[1000001];
    bytes_clear(&tx.vin[0].script_sig);
    bytes_set(&tx.vin[0].script_sig, big, sizeof(big));
    expect(&tx, "bad-txns-oversize");
    tx_clear(&tx);
}
END_TEST

static Suite *tx_check_suite(void)
{
    Suite *s = suite_create("consensus/tx_check");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, valid);
    tcase_add_test(tc, empty_lists);
    tcase_add_test(tc, output_values);
    tcase_add_test(tc, duplicate_inputs);
    tcase_add_test(tc, coinbase_and_null_prevout);
    tcase_add_test(tc, oversize);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(tx_check_suite)
