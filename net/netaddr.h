#ifndef HASHMINT_NET_NETADDR_H
#define HASHMINT_NET_NETADDR_H
/* Network addresses as the P2P layer sees them: a BIP 155 network id, the
 * raw address bytes and a port. IPv4 is kept as 4 bytes (never as an
 * IPv4-mapped IPv6 address), so equal addresses compare equal bytewise.
 * Also: text forms, sockaddr conversion, network groups and subnets. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;
struct sockaddr_storage;

/** BIP 155 network ids. NET_ADDR_UNKNOWN marks an address this node cannot use. */
enum net_addr_network {
    NET_ADDR_UNKNOWN = 0,
    NET_ADDR_IPV4 = 1,
    NET_ADDR_IPV6 = 2,
    NET_ADDR_TORV2 = 3, /* withdrawn; parsed as unknown */
    NET_ADDR_TORV3 = 4,
    NET_ADDR_I2P = 5,
    NET_ADDR_CJDNS = 6,
};

/** Largest address BIP 155 lets a peer claim (Core's MAX_ADDRV2_SIZE). */
#define NET_ADDR_MAX_V2_SIZE 512
/** Bytes a text form may need, with the terminating NUL ("[v6]:port"). */
#define NET_ADDR_STRLEN 64
/** Largest network group (net_addr_group output). */
#define NET_ADDR_GROUP_MAX 17

struct net_addr {
    uint8_t network;  /* enum net_addr_network */
    uint8_t len;      /* valid bytes in bytes[]: 4 (IPv4), 16 (IPv6, CJDNS), 32 (TORv3, I2P) */
    uint8_t bytes[32];
    uint16_t port;    /* host order */
};

/** Returns the address length BIP 155 fixes for a known network id, or 0 if unknown. */
size_t net_addr_network_size(uint8_t network);

/** Out: a = IPv4 address (4 network-order bytes) and port. */
void net_addr_set_ipv4(struct net_addr *a, const uint8_t ip[4], uint16_t port);

/** Out: a from the 16-byte v1 (addr/version) form; IPv4-mapped ::ffff:a.b.c.d becomes IPv4. */
void net_addr_from_v1(struct net_addr *a, const uint8_t ip[16], uint16_t port);

/** Out: the 16-byte v1 form (IPv4 mapped). Returns false (out zeroed) for networks v1 cannot carry. */
bool net_addr_to_v1(uint8_t out[16], const struct net_addr *a);

/** Returns true if a and b are the same network, bytes and port. */
bool net_addr_eq(const struct net_addr *a, const struct net_addr *b);
/** Returns true if a and b are the same network and bytes (ports may differ). */
bool net_addr_same_host(const struct net_addr *a, const struct net_addr *b);

/** Returns true for IPv4/IPv6 addresses that are neither unspecified, loopback, private nor reserved. */
bool net_addr_is_routable(const struct net_addr *a);
/** Returns true for 127.0.0.0/8 and ::1. */
bool net_addr_is_local(const struct net_addr *a);
/** Returns true for an all-zero address (0.0.0.0, ::) or an unknown network. */
bool net_addr_is_unspecified(const struct net_addr *a);

/**
 * Out: the address's network group (Core's GetGroup without ASMap): IPv4 /16,
 * IPv6 /32, Tor/I2P first 4 bits, local and unroutable each one group.
 * Writes at most NET_ADDR_GROUP_MAX bytes and sets *len.
 */
void net_addr_group(uint8_t out[NET_ADDR_GROUP_MAX], size_t *len, const struct net_addr *a);

/** Writes "a.b.c.d:port" or "[v6]:port" (other networks: "<network>:<hex>:port"). */
void net_addr_to_string(char out[NET_ADDR_STRLEN], const struct net_addr *a);
/** Writes the host part only ("a.b.c.d" or "v6" without brackets). */
void net_addr_host_string(char out[NET_ADDR_STRLEN], const struct net_addr *a);

/**
 * Parses a numeric "host", "host:port", "[v6]" or "[v6]:port" (IPv4/IPv6
 * only; no name resolution). A missing port gives default_port.
 * Returns false (a zeroed) if malformed.
 */
__attribute__((warn_unused_result)) bool net_addr_parse(struct net_addr *a, const char *s, uint16_t default_port);

/**
 * Like net_addr_parse but resolves host names with getaddrinfo (blocking;
 * call at startup or from a non-event thread). Takes the first result.
 */
__attribute__((warn_unused_result)) bool net_addr_resolve(struct net_addr *a, const char *s, uint16_t default_port);

/** Out: a from a sockaddr (AF_INET or AF_INET6). Returns false for other families. */
bool net_addr_from_sockaddr(struct net_addr *a, const struct sockaddr *sa);
/** Out: ss and *sslen for connect/bind. Returns false for networks without sockets (Tor etc.). */
bool net_addr_to_sockaddr(struct sockaddr_storage *ss, unsigned *sslen, const struct net_addr *a);

/** A subnet for -whitelist/-whitebind/setban: base address and prefix bits. */
struct net_subnet {
    struct net_addr base; /* masked; port ignored */
    uint8_t bits;         /* prefix length: 0..32 (IPv4), 0..128 (IPv6) */
};

/**
 * Parses "addr", "addr/bits" or "addr/netmask" (IPv4 dotted mask). A bare
 * address is a single host. Returns false (s zeroed) if malformed.
 */
__attribute__((warn_unused_result)) bool net_subnet_parse(struct net_subnet *sn, const char *s);
/** Returns true if a lies inside sn (same network, prefix bits equal). */
bool net_subnet_match(const struct net_subnet *sn, const struct net_addr *a);
/** Writes "base/bits" (Core's setban/listbanned form). */
void net_subnet_to_string(char out[NET_ADDR_STRLEN + 4], const struct net_subnet *sn);

#endif
