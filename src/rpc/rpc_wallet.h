#ifndef HASHMINT_RPC_RPC_WALLET_H
#define HASHMINT_RPC_RPC_WALLET_H
/* The wallet RPC methods (doc/wallet.md) and the /wallet/<name> endpoint.
 * rpc_context.wallets is the node's struct wallet_context (NULL with
 * -disablewallet: the methods are then not registered at all, as in Core). */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rpc_table;

/** Registers the wallet category (createwallet, getnewaddress, sendtoaddress, ...). */
void rpc_register_wallet(struct rpc_table *t);
/** Registers getdescriptorinfo and deriveaddresses (util; no wallet needed). */
void rpc_register_descriptor_util(struct rpc_table *t);

/** The HTTP server sets the request's URI for the calls it runs on this
 *  thread (NULL after), so wallet methods can read /wallet/<name>. */
void rpc_wallet_set_request_uri(const char *uri);

struct rpc_context;
struct rpc_error;
/** The wallet a call is for (a reference: wallet_release it), or NULL with *err set. */
struct wallet *rpc_wallet_pick(struct rpc_context *ctx, struct rpc_error *err);
struct wallet_error;
/** Fails the call with the wallet's error (its code and message); returns NULL. */
json_t *rpc_wallet_fail(struct rpc_error *err, const struct wallet_error *e);
struct wallet_send_options;
/** Reads fee_rate (sat/vB, as sendtoaddress; NULL: none) into o->fee_rate
 *  in sat/kvB. Returns false with *err set if it is not a positive amount. */
bool rpc_wallet_fee_rate_arg(struct rpc_error *err, struct wallet_send_options *o, const json_t *fee_rate);
/** Core's SetFeeEstimateMode: conf_target (1..1008) and estimate_mode into o, or fee_rate
 *  (sat/vB), not both (-8). Any may be NULL. Returns false with *err set. */
bool rpc_wallet_fee_mode_args(struct rpc_error *err, struct wallet_send_options *o, const json_t *conf_target,
                              const json_t *estimate_mode, const json_t *fee_rate);
/** rpc_wallet_pick, then *o initialised for that wallet with fee_rate read into it: the
 *  start of a call that sends. Returns the wallet (wallet_release it) or NULL with *err set. */
struct wallet *rpc_wallet_pick_send(struct rpc_context *ctx, struct rpc_error *err, struct wallet_send_options *o,
                                    const json_t *fee_rate);
/** Registers setlabel, listlabels, getreceivedbyaddress, listreceivedbyaddress,
 *  listsinceblock and signmessage (src/rpc/rpc_wallet_labels.c). */
void rpc_register_wallet_labels(struct rpc_table *t);
/** Registers send (src/rpc/rpc_wallet_send.c). */
void rpc_register_wallet_send(struct rpc_table *t);
/** Reads Core-style outputs ({"address": amount, ...} or [{"address": amount}, ...]) as token
 *  payments: amounts in the asset's base units (rpc_parse_token_amount's rules), no "data".
 *  Out: *r and its scripts (mem_free both), *n. Returns false with *err set (-5, -8, -3). */
struct wallet_token_recipient;
bool rpc_token_recipients_parse(struct rpc_context *ctx, struct rpc_error *err, struct wallet_token_recipient **r,
                                uint8_t **scripts, size_t *n, const json_t *outputs);
/** Registers walletprocesspsbt and walletcreatefundedpsbt (src/rpc/rpc_psbt.c). */
void rpc_register_wallet_psbt(struct rpc_table *t);
/** Registers vaultdeposit, vaultwithdraw, mint, setoracleprice, setissuerpaused (src/rpc/rpc_wallet_vault.c). */
void rpc_register_wallet_vault(struct rpc_table *t);
/** Returns true if this call came on a /wallet/<name> endpoint (listvaults then lists that wallet's vaults). */
bool rpc_wallet_uri_given(void);

#endif
