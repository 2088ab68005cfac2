/* v1 message framing: header encode/decode, command validation, checksums. */
#include "net/protocol.h"

#include <string.h>

#include "src/crypto/sha256.h"
#include "src/util/endian.h"

/* Core's ALL_NET_MESSAGE_TYPES (v28), then the catch-all. */
static const char *const msg_types[NET_MSG_TYPE_COUNT] = {
    "version", "verack", "addr", "addrv2", "sendaddrv2", "inv", "getdata", "merkleblock", "getblocks",
    "getheaders", "tx", "headers", "block", "getaddr", "mempool", "ping", "pong", "notfound", "filterload",
    "filteradd", "filterclear", "sendheaders", "feefilter", "sendcmpct", "cmpctblock", "getblocktxn", "blocktxn",
    "getcfilters", "cfilter", "getcfheaders", "cfheaders", "getcfcheckpt", "cfcheckpt", "wtxidrelay", "sendtxrcncl",
    "*other*",
};

const char *net_msg_type_name(size_t i)
{
    return i < NET_MSG_TYPE_COUNT ? msg_types[i] : msg_types[NET_MSG_TYPE_COUNT - 1];
}

size_t net_msg_type_index(const char *command)
{
    /* Linear: 35 short compares per message is far below the cost of hashing the payload. */
    for (size_t i = 0; i + 1 < NET_MSG_TYPE_COUNT; i++)
        if (strcmp(command, msg_types[i]) == 0)
            return i;
    return NET_MSG_TYPE_COUNT - 1;
}

bool net_command_valid(const uint8_t field[NET_COMMAND_SIZE])
{
    size_t i = 0;
    for (; i < NET_COMMAND_SIZE && field[i] != 0; i++)
        if (field[i] < 0x20 || field[i] > 0x7e)
            return false;
    if (i == 0)
        return false;
    /* Core also rejects anything after the first NUL that is not NUL. */
    for (; i < NET_COMMAND_SIZE; i++)
        if (field[i] != 0)
            return false;
    return true;
}

enum net_header_result net_header_parse(struct net_msg_header *out, const uint8_t in[NET_HEADER_SIZE],
                                        const uint8_t magic[NET_MAGIC_SIZE])
{
    memcpy(out->magic, in, NET_MAGIC_SIZE);
    memcpy(out->command, in + 4, NET_COMMAND_SIZE);
    out->command[NET_COMMAND_SIZE] = 0;
    out->length = le32_read(in + 16);
    memcpy(out->checksum, in + 20, NET_CHECKSUM_SIZE);
    if (memcmp(out->magic, magic, NET_MAGIC_SIZE) != 0)
        return NET_HEADER_BAD_MAGIC;
    if (out->length > NET_MAX_PROTOCOL_MESSAGE_LENGTH)
        return NET_HEADER_OVERSIZE;
    if (!net_command_valid(in + 4))
        return NET_HEADER_BAD_COMMAND;
    return NET_HEADER_OK;
}

void net_checksum(uint8_t out[NET_CHECKSUM_SIZE], const uint8_t *payload, size_t len)
{
    uint8_t h[32];
    static const uint8_t empty[1];
    sha256d(h, len ? payload : empty, len);
    memcpy(out, h, NET_CHECKSUM_SIZE);
}

bool net_checksum_ok(const uint8_t checksum[NET_CHECKSUM_SIZE], const uint8_t *payload, size_t len)
{
    uint8_t c[NET_CHECKSUM_SIZE];
    net_checksum(c, payload, len);
    return memcmp(c, checksum, NET_CHECKSUM_SIZE) == 0;
}

bool net_header_build(uint8_t out[NET_HEADER_SIZE], const uint8_t magic[NET_MAGIC_SIZE], const char *command,
                      const uint8_t *payload, size_t len)
{
    size_t n = command ? strlen(command) : 0;
    if (n == 0 || n > NET_COMMAND_SIZE || len > NET_MAX_PROTOCOL_MESSAGE_LENGTH)
        return false;
    memcpy(out, magic, NET_MAGIC_SIZE);
    memset(out + 4, 0, NET_COMMAND_SIZE);
    memcpy(out + 4, command, n);
    le32_write(out + 16, (uint32_t)len);
    net_checksum(out + 20, payload, len);
    return true;
}

bool net_message_frame(struct wbuf *w, const uint8_t magic[NET_MAGIC_SIZE], const char *command,
                       const uint8_t *payload, size_t len)
{
    uint8_t hdr[NET_HEADER_SIZE];
    if (!net_header_build(hdr, magic, command, payload, len))
        return false;
    wbuf_reserve(w, NET_HEADER_SIZE + len);
    wbuf_put(w, hdr, NET_HEADER_SIZE);
    if (len)
        wbuf_put(w, payload, len);
    return true;
}
