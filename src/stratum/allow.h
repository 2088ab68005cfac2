#ifndef HASHMINT_STRATUM_ALLOW_H
#define HASHMINT_STRATUM_ALLOW_H
/* -stratumallowip: the subnets (ADDR, ADDR/BITS or ADDR/NETMASK, IPv4 or
 * IPv6) a Stratum client may connect from; loopback is always allowed. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

struct stratum_subnet {
    int family;       /* AF_INET or AF_INET6 */
    uint8_t addr[16];
    uint8_t mask[16];
};

struct stratum_allow {
    struct stratum_subnet *v;
    size_t n;
};

/** Parses the subnets; false with err (a sentence) on a bad one (allow is then empty). */
bool stratum_allow_init(struct stratum_allow *a, const char *const *subnets, size_t count, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void stratum_allow_clear(struct stratum_allow *a);
/** Returns true if sa (AF_INET or AF_INET6) is loopback or in a subnet. */
bool stratum_allow_match(const struct stratum_allow *a, const struct sockaddr *sa);

#endif
