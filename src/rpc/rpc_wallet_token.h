#ifndef HASHMINT_RPC_RPC_WALLET_TOKEN_H
#define HASHMINT_RPC_RPC_WALLET_TOKEN_H
/* The wallet's token RPCs (doc/wallet.md, "Tokens"): gettokenbalance,
 * listtokenunspent, sendtoken, vaultrepay, liquidatevault. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct rpc_table;
struct rpc_error;

/** Registers the token methods (category wallet); rpc_register_wallet calls it. */
void rpc_register_wallet_token(struct rpc_table *t);

/**
 * A token amount argument: whole base units, 1 .. 2^53, as a JSON integer,
 * an integral real or a string of digits. Errors (RPC_TYPE_ERROR, -3, Core's
 * texts): "Amount out of range" (negative, above 2^53), "Invalid amount
 * for send" (0), "Invalid amount: ..." (a fraction, not digits), "Amount is
 * not a number or string". Out: *out (0 on failure).
 */
__attribute__((warn_unused_result)) bool rpc_parse_token_amount(struct rpc_error *err, uint64_t *out,
                                                                const json_t *v);

#endif
