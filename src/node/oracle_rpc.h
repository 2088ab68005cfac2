#ifndef HASHMINT_NODE_ORACLE_RPC_H
#define HASHMINT_NODE_ORACLE_RPC_H
/* hashmint-oracle's JSON-RPC calls to hashmintd and to the signers. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct oracle_endpoint {
    char *url;         /* http://host:port[/wallet/name] */
    char *userpass;    /* user:password, or NULL: the cookie file or the URL's */
    char *cookie_path; /* read again for every call (the node may restart) */
    int timeout;       /* seconds */
};

/**
 * Calls method with params (stolen; NULL: []). Returns the result (new
 * reference) or NULL with the RPC error or the transport error in err.
 */
json_t *oracle_rpc_call(const struct oracle_endpoint *e, const char *method, json_t *params, char *err,
                        size_t errlen);

#endif
