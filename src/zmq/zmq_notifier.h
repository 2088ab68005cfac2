#ifndef HASHMINT_ZMQ_ZMQ_NOTIFIER_H
#define HASHMINT_ZMQ_ZMQ_NOTIFIER_H
/* ZeroMQ notifications, as Bitcoin Core publishes them (doc/zmq.md there).
 *
 * One PUB socket per distinct address (topics configured on the same
 * address share it; the first topic's high-water mark sets SNDHWM). Every
 * message has three parts: the topic name (no NUL), the body, and that
 * topic's 4-byte little-endian message counter (per notifier, starting at 0,
 * so subscribers can detect loss).
 *
 * Hashes are sent in RPC display order (Core reverses uint256's internal
 * bytes before sending, so the body's hex equals getblockhash's answer;
 * Core's doc calls this "little endian" but its code and tests reverse).
 *
 * What is published, driven only by chain events (src/chain/events.h; the
 * chain never calls this module):
 *  - hashblock, rawblock: the new tip after each tip change that connected
 *    something (only the final tip of a reorganisation; nothing during
 *    initial block download or when blocks were only disconnected);
 *  - hashtx, rawtx: every transaction accepted to the mempool, every
 *    transaction of each connected block, and of each disconnected block;
 *  - sequence: <hash>C per connected block and <hash>D per disconnected
 *    block (every one of a reorganisation), <txid>A<u64 LE mempool sequence>
 *    per mempool acceptance, <txid>R<u64 LE sequence> per removal for a
 *    reason other than block inclusion;
 *  - issuance (hashmint): one JSON object per mint, repay, withdraw,
 *    deposit, liquidation, oracle update, issuer update, vault open and
 *    vault close of each connected transaction, and per reversal of one of
 *    a disconnected transaction (src/zmq/zmq_issuance.h).
 *
 * Callbacks run with the chain lock held; sends never block (PUB drops at
 * the high-water mark). */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct chainstate;
struct events;

enum zmq_topic {
    ZMQ_TOPIC_HASHBLOCK,
    ZMQ_TOPIC_HASHTX,
    ZMQ_TOPIC_RAWBLOCK,
    ZMQ_TOPIC_RAWTX,
    ZMQ_TOPIC_SEQUENCE,
    ZMQ_TOPIC_ISSUANCE, /* hashmint: issuance events (src/zmq/zmq_issuance.h) */
    ZMQ_TOPIC_COUNT,
};

#define ZMQ_DEFAULT_SNDHWM 1000

/** Returns the topic's name: "hashblock", "hashtx", "rawblock", "rawtx", "sequence", "issuance". */
const char *zmq_topic_name(enum zmq_topic t);

/** One -zmqpub<topic>=<address> setting. */
struct zmq_endpoint {
    enum zmq_topic topic;
    const char *address; /* e.g. "tcp://127.0.0.1:28332", "ipc:///tmp/x" */
    int hwm;             /* -zmqpub<topic>hwm, >= 0 */
};

struct zmq_notifier;

/**
 * Returns true if a subscriber must be on this host to reach `address`:
 * ipc:// and inproc://, or tcp:// / ws:// on a loopback IP (127.0.0.0/8, ::1,
 * ::ffff:127.x.y.z) or the names "localhost" and "lo". False for anything
 * else ("*", 0.0.0.0, other IPs, interface or host names, network
 * transports). zmq_notifier_new logs a warning for each such address
 * (RELIABILITY.md #36: ZeroMQ has no authentication).
 */
__attribute__((warn_unused_result)) bool zmq_endpoint_is_local(const char *address);

/**
 * Creates the sockets and binds them. eps is borrowed (addresses are
 * copied). cs (borrowed; must outlive the notifier) is used to read raw
 * blocks for rawblock. Returns NULL with a message in err if a socket
 * cannot be created or bound ("Unable to bind ZMQ socket to <address>: ...").
 */
struct zmq_notifier *zmq_notifier_new(const struct zmq_endpoint *eps, size_t count, struct chainstate *cs,
                                      char *err, size_t errlen);

/** Starts publishing the list's events (once). ev must outlive the notifier. */
void zmq_notifier_subscribe(struct zmq_notifier *z, struct events *ev);

/** Unsubscribes, closes the sockets and frees (NULL is a no-op). */
void zmq_notifier_free(struct zmq_notifier *z);

/**
 * Returns getzmqnotifications' array (a new reference): one object per
 * endpoint in topic order, {"type": "pub<topic>", "address", "hwm"}.
 */
json_t *zmq_notifier_list(const struct zmq_notifier *z);

#endif
