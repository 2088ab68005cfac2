/* WIF keys, Base64, standard scripts and signed messages (Bitcoin Core's
 * message_verify vectors on the bitcoin profile, round trips on regtest). */
#include <string.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "qa/unit/unit.h"
#include "src/util/base64.h"
#include "src/crypto/keys.h"
#include "src/crypto/keys_recovery.h"
#include "src/crypto/ripemd160.h"
#include "wallet/key_io.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* doc/chain-params.md: SHA256("hashmint regtest genesis key") */
static const char REGTEST_KEY[] = "622c7b4482ff8c9a55de2463d49119e99f29b72d9fefaeed70c464bf850b2cba";
static const char REGTEST_PUB[] = "022418c6ea74ab9de7ff6c31da8aabf80d155220d4ad23de06e3cebd8ea2f39d6f";

START_TEST(test_wif)
{
    uint8_t sec[32], back[32];
    size_t n;
    ck_assert(hex_decode(sec, 32, &n, REGTEST_KEY));
    char wif[60];
    rpc_wif_encode(wif, sec, true, 239);
    ck_assert_int_eq(wif[0], 'c'); /* testnet/regtest compressed keys start with c */
    bool compressed = false;
    ck_assert(rpc_wif_decode(back, &compressed, wif, 239));
    ck_assert(compressed);
    ck_assert_mem_eq(back, sec, 32);
    ck_assert(!rpc_wif_decode(back, &compressed, wif, 128)); /* wrong chain */
    rpc_wif_encode(wif, sec, false, 239);
    ck_assert_int_eq(wif[0], '9');
    ck_assert(rpc_wif_decode(back, &compressed, wif, 239));
    ck_assert(!compressed);
    /* Bitcoin's well-known WIF of secret 1 (compressed). */
    ck_assert(rpc_wif_decode(back, &compressed, "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn", 128));
    ck_assert(compressed);
    static const uint8_t one[32] = {[31] = 1};
    ck_assert_mem_eq(back, one, 32);
    ck_assert(!rpc_wif_decode(back, &compressed, "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWm", 128));
    static const uint8_t zero[32];
    ck_assert_mem_eq(back, zero, 32);
}
END_TEST

START_TEST(test_base64)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        char *e = base64_encode((const uint8_t *)plain[i], strlen(plain[i]));
        ck_assert_str_eq(e, enc[i]);
        mem_free(e);
        uint8_t out[16];
        size_t len;
        ck_assert(base64_decode(out, sizeof(out), &len, enc[i]));
        ck_assert_uint_eq(len, strlen(plain[i]));
        ck_assert(memcmp(out, plain[i], len) == 0);
    }
    uint8_t out[16];
    size_t len;
    ck_assert(!base64_decode(out, sizeof(out), &len, "Zm9"));    /* not a multiple of 4 */
    ck_assert(!base64_decode(out, sizeof(out), &len, "Zm=v"));   /* data after padding */
    ck_assert(!base64_decode(out, sizeof(out), &len, "Zm9v!A==")); /* bad character */
    ck_assert(!base64_decode(out, sizeof(out), &len, "Zh=="));   /* non-zero leftover bits */
    ck_assert(!base64_decode(out, 2, &len, "Zm9v"));             /* too long for the buffer */
}
END_TEST

START_TEST(test_message_bitcoin_vectors)
{
    const struct chain_params *btc = chain_params_get("bitcoin");
    const char *sig = "IPojfrX2dfPnH26UegfbGQQLrdK844DlHq5157/P6h57WyuS/Qsl+h/WSVGDF4MUi4rWSswW38oimDYfNNUBUOk=";
    ck_assert_int_eq(rpc_message_verify(btc, "15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs", sig, "Trust no one", 12), RPC_MESSAGE_OK);
    ck_assert_int_eq(rpc_message_verify(btc, "15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs", sig, "I never signed this", 19),
                     RPC_MESSAGE_ERR_NOT_SIGNED);
    ck_assert_int_eq(rpc_message_verify(btc, "11canuhp9X2NocwCq7xNrQYTmUgZAnLK3",
                                        "IIcaIENoYW5jZWxsb3Igb24gYnJpbmsgb2Ygc2Vjb25kIGJhaWxvdXQgZm9yIGJhbmtzIAaHRtbCeDZINyavx14=",
                                        "Trust me", 8),
                     RPC_MESSAGE_OK);
    ck_assert_int_eq(rpc_message_verify(btc, "invalid address", sig, "x", 1), RPC_MESSAGE_ERR_INVALID_ADDRESS);
    ck_assert_int_eq(rpc_message_verify(btc, "3B5fQsEXEaV8v6U3ejYc8XaKXAkyQj2MjV", sig, "x", 1),
                     RPC_MESSAGE_ERR_ADDRESS_NO_KEY);
    ck_assert_int_eq(rpc_message_verify(btc, "15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs", "invalid signature, not in base64 encoding",
                                        "x", 1),
                     RPC_MESSAGE_ERR_MALFORMED_SIGNATURE);
    ck_assert_int_eq(rpc_message_verify(btc, "15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs",
                                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                                        "x", 1),
                     RPC_MESSAGE_ERR_PUBKEY_NOT_RECOVERED);
}
END_TEST

START_TEST(test_message_round_trip)
{
    const struct chain_params *rt = chain_params_get("regtest");
    uint8_t sec[32], pub[33], h[20];
    size_t n;
    ck_assert(hex_decode(sec, 32, &n, REGTEST_KEY));
    ck_assert(hex_decode(pub, 33, &n, REGTEST_PUB));
    ripemd160_hash160(h, pub, 33);
    struct wbuf spk;
    wbuf_init(&spk);
    rpc_script_p2pkh(&spk, h);
    char addr[ADDRESS_MAX_STRING];
    ck_assert(address_from_script(addr, &rt->address, spk.data, spk.len));
    wbuf_clear(&spk);

    ck_assert_str_eq(rpc_message_magic(rt), "Hashmint Signed Message:\n");
    char *sig = rpc_message_sign(rpc_message_magic(rt), "hello", 5, sec, true);
    ck_assert_ptr_nonnull(sig);
    ck_assert_int_eq(rpc_message_verify(rt, addr, sig, "hello", 5), RPC_MESSAGE_OK);
    ck_assert_int_eq(rpc_message_verify(rt, addr, sig, "hellO", 5), RPC_MESSAGE_ERR_NOT_SIGNED);
    mem_free(sig);
    /* A signature made with Bitcoin's magic is not valid on hashmint. */
    sig = rpc_message_sign(RPC_MESSAGE_MAGIC_BITCOIN, "hello", 5, sec, true);
    ck_assert_int_eq(rpc_message_verify(rt, addr, sig, "hello", 5), RPC_MESSAGE_ERR_NOT_SIGNED);
    mem_free(sig);
    /* Uncompressed signing recovers the uncompressed key, a different address. */
    sig = rpc_message_sign(rpc_message_magic(rt), "hello", 5, sec, false);
    ck_assert_int_eq(rpc_message_verify(rt, addr, sig, "hello", 5), RPC_MESSAGE_ERR_NOT_SIGNED);
    mem_free(sig);
}
END_TEST

START_TEST(test_recovery)
{
    uint8_t sec[32], msg[32] = {1, 2, 3}, sig[65], pub[65], want[65];
    size_t n, len, want_len;
    ck_assert(hex_decode(sec, 32, &n, REGTEST_KEY));
    ck_assert(keys_ecdsa_sign_compact(sig, msg, sec, true));
    ck_assert(sig[0] >= 31 && sig[0] <= 34);
    ck_assert(keys_ecdsa_recover_compact(pub, &len, sig, msg));
    ck_assert(keys_pubkey_create(want, &want_len, sec, true));
    ck_assert_uint_eq(len, 33);
    ck_assert_mem_eq(pub, want, 33);
    sig[0] = 26;
    ck_assert(!keys_ecdsa_recover_compact(pub, &len, sig, msg));
    ck_assert_uint_eq(len, 0);
    static const uint8_t zero[32];
    ck_assert(!keys_ecdsa_sign_compact(sig, msg, zero, true));
}
END_TEST

START_TEST(test_multisig_script)
{
    uint8_t a[33], b[33];
    size_t n;
    ck_assert(hex_decode(a, 33, &n, "03c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"));
    ck_assert(hex_decode(b, 33, &n, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"));
    const uint8_t *keys[2] = {a, b};
    size_t lens[2] = {33, 33};
    struct wbuf w;
    wbuf_init(&w);
    rpc_script_multisig(&w, 2, keys, lens, 2, false);
    char *hx = hex_encode_alloc(w.data, w.len);
    ck_assert_str_eq(hx, "522103c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"
                         "210279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f8179852ae");
    mem_free(hx);
    wbuf_clear(&w);
    wbuf_init(&w);
    rpc_script_multisig(&w, 1, keys, lens, 2, true);
    ck_assert_uint_eq(w.data[2], 0x02); /* the 02 key sorts first */
    wbuf_clear(&w);
}
END_TEST

static Suite *key_io_suite(void)
{
    Suite *s = suite_create("key_io");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_wif);
    tcase_add_test(tc, test_base64);
    tcase_add_test(tc, test_message_bitcoin_vectors);
    tcase_add_test(tc, test_message_round_trip);
    tcase_add_test(tc, test_recovery);
    tcase_add_test(tc, test_multisig_script);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(key_io_suite)
