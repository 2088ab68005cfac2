#ifndef HASHMINT_RPC_RPC_CLIENT_H
#define HASHMINT_RPC_RPC_CLIENT_H
/* Command-line argument conversion for hashmint-cli, as Bitcoin Core's
 * rpc/client.cpp does it: a fixed table says which (method, position, name)
 * arguments are JSON (numbers, booleans, arrays, objects); every other
 * argument is sent as a string. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/** Returns true if the table lists position idx of method as JSON. */
bool rpc_client_convert_index(const char *method, size_t idx);
/** Returns true if the table lists the named argument of method as JSON. */
bool rpc_client_convert_name(const char *method, const char *name);

/**
 * Core's RPCConvertValues: args[0..n) positional strings to a JSON array.
 * Returns a new array, or NULL with a message in err.
 */
json_t *rpc_client_convert_values(const char *method, const char *const *args, size_t n, char *err, size_t errlen);

/**
 * Core's RPCConvertNamedValues: "name=value" strings to a JSON object; a
 * later name overrides an earlier one; arguments without '=' are
 * positional and go, converted by position, into an "args" array. Returns
 * a new object, or NULL with a message in err.
 */
json_t *rpc_client_convert_named(const char *method, const char *const *args, size_t n, char *err, size_t errlen);

#endif
