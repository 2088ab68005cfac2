/* Peer helpers: connection-type names and -whitelist permission lists. */
#include "net/peer.h"

#include <string.h>

static const struct {
    const char *name;
    uint32_t bits;
} PERMS[] = {
    { "bloomfilter", PEER_PERM_BLOOMFILTER },
    { "noban", PEER_PERM_NOBAN },
    { "forcerelay", PEER_PERM_FORCERELAY },
    { "relay", PEER_PERM_RELAY },
    { "mempool", PEER_PERM_MEMPOOL },
    { "download", PEER_PERM_DOWNLOAD },
    { "addr", PEER_PERM_ADDR },
};

const char *peer_conn_type_name(enum peer_conn_type type)
{
    switch (type) {
    case PEER_INBOUND: return "inbound";
    case PEER_OUTBOUND_FULL_RELAY: return "outbound-full-relay";
    case PEER_BLOCK_RELAY_ONLY: return "block-relay-only";
    case PEER_MANUAL: return "manual";
    case PEER_ADDR_FETCH: return "addr-fetch";
    }
    return "unknown";
}

bool peer_permissions_parse(uint32_t *perms, const char *s, size_t len)
{
    *perms = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != ',')
            j++;
        size_t n = j - i;
        bool found = false;
        if (n == 3 && memcmp(s + i, "all", 3) == 0) {
            *perms |= PEER_PERM_BLOOMFILTER | PEER_PERM_NOBAN | PEER_PERM_FORCERELAY | PEER_PERM_RELAY |
                      PEER_PERM_MEMPOOL | PEER_PERM_DOWNLOAD | PEER_PERM_ADDR;
            found = true;
        }
        for (size_t k = 0; !found && k < sizeof(PERMS) / sizeof(PERMS[0]); k++) {
            if (strlen(PERMS[k].name) == n && memcmp(PERMS[k].name, s + i, n) == 0) {
                *perms |= PERMS[k].bits;
                found = true;
            }
        }
        if (!found && n != 0) {
            *perms = 0;
            return false;
        }
        i = j + 1;
    }
    /* Core: forcerelay implies relay, noban implies download. */
    if (*perms & PEER_PERM_FORCERELAY)
        *perms |= PEER_PERM_RELAY;
    if (*perms & PEER_PERM_NOBAN)
        *perms |= PEER_PERM_DOWNLOAD;
    return true;
}

size_t peer_permissions_names(const char *out[8], uint32_t perms)
{
    size_t n = 0;
    for (size_t k = 0; k < sizeof(PERMS) / sizeof(PERMS[0]) && n < 8; k++)
        if (perms & PERMS[k].bits)
            out[n++] = PERMS[k].name;
    return n;
}
