#ifndef HASHMINT_NET_PROTOCOL_H
#define HASHMINT_NET_PROTOCOL_H
/* The P2P wire protocol's constants and its v1 message framing (Bitcoin's):
 *
 *   magic[4] | command[12] (ASCII, NUL padded) | length u32le | checksum[4] | payload
 *
 * checksum = first 4 bytes of SHA-256d(payload). The payload length is capped
 * at NET_MAX_PROTOCOL_MESSAGE_LENGTH and checked on the header, before a
 * single byte of the payload is buffered or allocated. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/wbuf.h"

#define NET_MAGIC_SIZE 4
#define NET_COMMAND_SIZE 12
#define NET_CHECKSUM_SIZE 4
/** Bytes of a v1 message header. */
#define NET_HEADER_SIZE 24
/** Largest payload accepted or sent (Core's MAX_PROTOCOL_MESSAGE_LENGTH). */
#define NET_MAX_PROTOCOL_MESSAGE_LENGTH 4000000u

/** The version this node speaks (Core's PROTOCOL_VERSION: wtxidrelay). */
#define NET_PROTOCOL_VERSION 70016
/** Peers below this are disconnected after their version (Core's MIN_PEER_PROTO_VERSION). */
#define NET_MIN_PEER_PROTO_VERSION 31800
/** BIP 130 sendheaders. */
#define NET_SENDHEADERS_VERSION 70012
/** BIP 133 feefilter. */
#define NET_FEEFILTER_VERSION 70013
/** BIP 152 compact blocks. */
#define NET_SHORT_IDS_BLOCKS_VERSION 70014
/** BIP 339 wtxidrelay. */
#define NET_WTXID_RELAY_VERSION 70016

/** Service bits advertised in version/addr messages. */
enum net_service {
    NET_NODE_NONE = 0,
    NET_NODE_NETWORK = 1u << 0,
    NET_NODE_BLOOM = 1u << 2,
    NET_NODE_WITNESS = 1u << 3,
    NET_NODE_COMPACT_FILTERS = 1u << 6,
    NET_NODE_NETWORK_LIMITED = 1u << 10,
    NET_NODE_P2P_V2 = 1u << 11,
};

/** Message type names (the command field), as Bitcoin spells them. (inv types are NET_MSG_* in net/messages.h.) */
#define NET_CMD_VERSION "version"
#define NET_CMD_VERACK "verack"
#define NET_CMD_PING "ping"
#define NET_CMD_PONG "pong"
#define NET_CMD_GETHEADERS "getheaders"
#define NET_CMD_GETBLOCKS "getblocks"
#define NET_CMD_HEADERS "headers"
#define NET_CMD_INV "inv"
#define NET_CMD_GETDATA "getdata"
#define NET_CMD_NOTFOUND "notfound"
#define NET_CMD_BLOCK "block"
#define NET_CMD_TX "tx"
#define NET_CMD_GETADDR "getaddr"
#define NET_CMD_ADDR "addr"
#define NET_CMD_ADDRV2 "addrv2"
#define NET_CMD_SENDADDRV2 "sendaddrv2"
#define NET_CMD_SENDHEADERS "sendheaders"
#define NET_CMD_FEEFILTER "feefilter"
#define NET_CMD_WTXIDRELAY "wtxidrelay"
#define NET_CMD_MEMPOOL "mempool"
#define NET_CMD_SENDCMPCT "sendcmpct"
#define NET_CMD_CMPCTBLOCK "cmpctblock"
#define NET_CMD_GETBLOCKTXN "getblocktxn"
#define NET_CMD_BLOCKTXN "blocktxn"

/** Number of message types counted per type (getpeerinfo's bytessent_per_msg): Core's
 * ALL_NET_MESSAGE_TYPES plus "*other*" (the last index) for anything else. */
#define NET_MSG_TYPE_COUNT 36
/** Returns the name of per-type counter i (< NET_MSG_TYPE_COUNT); "*other*" for the last. */
const char *net_msg_type_name(size_t i);
/** Returns the per-type counter index of command (NET_MSG_TYPE_COUNT - 1, "*other*", if not a known type). */
size_t net_msg_type_index(const char *command);

/** A decoded message header. command is NUL terminated. */
struct net_msg_header {
    uint8_t magic[NET_MAGIC_SIZE];
    char command[NET_COMMAND_SIZE + 1];
    uint32_t length;
    uint8_t checksum[NET_CHECKSUM_SIZE];
};

/** What net_header_parse found; the transport's reaction follows Core's v1 transport. */
enum net_header_result {
    NET_HEADER_OK = 0,
    NET_HEADER_BAD_MAGIC,    /* "Header error: Wrong MessageStart": disconnect */
    NET_HEADER_OVERSIZE,     /* "Header error: Size too large": disconnect before buffering */
    NET_HEADER_BAD_COMMAND,  /* "Header error: Invalid message type": payload read and skipped */
};

/**
 * Decodes the 24 bytes at `in` into *out and checks them against `magic`.
 * Returns NET_HEADER_OK, or the first problem found in the order magic,
 * length, command. *out is filled as far as decoded in every case (so the
 * caller can skip `out->length` payload bytes after NET_HEADER_BAD_COMMAND).
 */
enum net_header_result net_header_parse(struct net_msg_header *out, const uint8_t in[NET_HEADER_SIZE],
                                        const uint8_t magic[NET_MAGIC_SIZE]);

/**
 * Returns true if the 12-byte command field is valid as Core checks it:
 * printable ASCII (0x20..0x7e) up to the first NUL, and only NULs after it.
 * An all-NUL field (empty command) is invalid.
 */
__attribute__((warn_unused_result)) bool net_command_valid(const uint8_t field[NET_COMMAND_SIZE]);

/** Out: out = the first 4 bytes of SHA-256d(payload[0..len)). */
void net_checksum(uint8_t out[NET_CHECKSUM_SIZE], const uint8_t *payload, size_t len);

/** Returns true if checksum matches the payload's. */
__attribute__((warn_unused_result)) bool net_checksum_ok(const uint8_t checksum[NET_CHECKSUM_SIZE],
                                                         const uint8_t *payload, size_t len);

/**
 * Writes a 24-byte header for `command` (1..12 characters) carrying `len`
 * payload bytes whose checksum is computed here. Returns false (nothing
 * written) if the command is empty or longer than 12 characters or len
 * exceeds NET_MAX_PROTOCOL_MESSAGE_LENGTH.
 */
__attribute__((warn_unused_result)) bool net_header_build(uint8_t out[NET_HEADER_SIZE],
                                                          const uint8_t magic[NET_MAGIC_SIZE],
                                                          const char *command, const uint8_t *payload,
                                                          size_t len);

/**
 * Appends a whole framed message (header + payload) to w.
 * Returns false (w unchanged) under the same conditions as net_header_build.
 */
__attribute__((warn_unused_result)) bool net_message_frame(struct wbuf *w, const uint8_t magic[NET_MAGIC_SIZE],
                                                           const char *command, const uint8_t *payload,
                                                           size_t len);

#endif
