#include "net/protocol.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/hex.h"

static const uint8_t MAINNET_MAGIC[4] = { 0xf9, 0xbe, 0xb4, 0xd9 };

/* Bitcoin mainnet's verack: the checksum of an empty payload is 5df6e0e2. */
START_TEST(verack_known_answer)
{
    uint8_t hdr[NET_HEADER_SIZE];
    ck_assert(net_header_build(hdr, MAINNET_MAGIC, "verack", NULL, 0));
    char hex[2 * NET_HEADER_SIZE + 1];
    hex_encode(hex, hdr, sizeof(hdr));
    ck_assert_str_eq(hex, "f9beb4d976657261636b000000000000000000005df6e0e2");
    struct net_msg_header h;
    ck_assert_int_eq(net_header_parse(&h, hdr, MAINNET_MAGIC), NET_HEADER_OK);
    ck_assert_str_eq(h.command, "verack");
    ck_assert_uint_eq(h.length, 0);
    ck_assert(net_checksum_ok(h.checksum, NULL, 0));
}
END_TEST

START_TEST(frame_round_trip_and_checksum)
{
    const uint8_t payload[] = "hello world";
    struct wbuf w;
    wbuf_init(&w);
    ck_assert(net_message_frame(&w, MAINNET_MAGIC, "ping", payload, sizeof(payload)));
    ck_assert_uint_eq(w.len, NET_HEADER_SIZE + sizeof(payload));
    struct net_msg_header h;
    ck_assert_int_eq(net_header_parse(&h, w.data, MAINNET_MAGIC), NET_HEADER_OK);
    ck_assert_str_eq(h.command, "ping");
    ck_assert_uint_eq(h.length, sizeof(payload));
    ck_assert(net_checksum_ok(h.checksum, w.data + NET_HEADER_SIZE, h.length));
    /* One flipped payload bit breaks the checksum. */
    w.data[NET_HEADER_SIZE] ^= 1;
    ck_assert(!net_checksum_ok(h.checksum, w.data + NET_HEADER_SIZE, h.length));
    wbuf_clear(&w);
}
END_TEST

START_TEST(rejects_wrong_magic)
{
    uint8_t hdr[NET_HEADER_SIZE];
    static const uint8_t other[4] = { 0xfa, 0xbf, 0xb5, 0xda };
    ck_assert(net_header_build(hdr, other, "version", NULL, 0));
    struct net_msg_header h;
    ck_assert_int_eq(net_header_parse(&h, hdr, MAINNET_MAGIC), NET_HEADER_BAD_MAGIC);
}
END_TEST

START_TEST(length_cap)
{
    uint8_t hdr[NET_HEADER_SIZE];
    struct net_msg_header h;
    ck_assert(net_header_build(hdr, MAINNET_MAGIC, "block", NULL, 0));
    /* Exactly the cap is fine; one more byte is refused before any payload. */
    hdr[16] = (uint8_t)(NET_MAX_PROTOCOL_MESSAGE_LENGTH & 0xff);
    hdr[17] = (uint8_t)(NET_MAX_PROTOCOL_MESSAGE_LENGTH >> 8 & 0xff);
    hdr[18] = (uint8_t)(NET_MAX_PROTOCOL_MESSAGE_LENGTH >> 16 & 0xff);
    hdr[19] = 0;
    ck_assert_int_eq(net_header_parse(&h, hdr, MAINNET_MAGIC), NET_HEADER_OK);
    ck_assert_uint_eq(h.length, NET_MAX_PROTOCOL_MESSAGE_LENGTH);
    hdr[16]++;
    ck_assert_int_eq(net_header_parse(&h, hdr, MAINNET_MAGIC), NET_HEADER_OVERSIZE);
    memset(hdr + 16, 0xff, 4);
    ck_assert_int_eq(net_header_parse(&h, hdr, MAINNET_MAGIC), NET_HEADER_OVERSIZE);
    /* The builder refuses to frame an oversized payload. */
    ck_assert(!net_header_build(hdr, MAINNET_MAGIC, "block", NULL, NET_MAX_PROTOCOL_MESSAGE_LENGTH + 1));
}
END_TEST

START_TEST(command_validation)
{
    uint8_t f[NET_COMMAND_SIZE];
    memset(f, 0, sizeof(f));
    ck_assert(!net_command_valid(f)); /* empty */
    memcpy(f, "version", 7);
    ck_assert(net_command_valid(f));
    memcpy(f, "abcdefghijkl", 12); /* all 12 used */
    ck_assert(net_command_valid(f));
    memset(f, 0, sizeof(f));
    memcpy(f, "tx", 2);
    f[5] = 'x'; /* non-NUL after the terminator */
    ck_assert(!net_command_valid(f));
    memset(f, 0, sizeof(f));
    memcpy(f, "t\x01x", 3); /* control character */
    ck_assert(!net_command_valid(f));
    f[1] = (char)0x80;
    ck_assert(!net_command_valid(f));
    /* A bad command is reported after magic and length pass. */
    uint8_t hdr[NET_HEADER_SIZE];
    ck_assert(net_header_build(hdr, MAINNET_MAGIC, "tx", NULL, 0));
    hdr[4 + 7] = 'z';
    struct net_msg_header h;
    ck_assert_int_eq(net_header_parse(&h, hdr, MAINNET_MAGIC), NET_HEADER_BAD_COMMAND);
    ck_assert(!net_header_build(hdr, MAINNET_MAGIC, "", NULL, 0));
    ck_assert(!net_header_build(hdr, MAINNET_MAGIC, "thirteenchars", NULL, 0));
}
END_TEST

static Suite *protocol_suite(void)
{
    Suite *s = suite_create("net/protocol");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, verack_known_answer);
    tcase_add_test(tc, frame_round_trip_and_checksum);
    tcase_add_test(tc, rejects_wrong_magic);
    tcase_add_test(tc, length_cap);
    tcase_add_test(tc, command_validation);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(protocol_suite)
