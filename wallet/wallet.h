#ifndef HASHMINT_WALLET_WALLET_H
#define HASHMINT_WALLET_WALLET_H
/* The descriptor wallet (doc/wallet.md): one SQLite database per wallet,
 * HD descriptors and their keypool, the wallet's transactions and coins
 * (found through the chain's events), coin selection, signing and
 * encryption. The RPC methods (src/rpc/rpc_wallet*.c) parse arguments and
 * call these functions; list-shaped results come back as JSON values in
 * Core's shapes (jansson), so the two layers never disagree on fields.
 *
 * Errors: struct wallet_error carries Bitcoin Core's RPC code (the
 * WALLET_E_* values below are those numbers) and message. A failed call
 * writes nothing.
 *
 * Thread safety: every function takes the wallet's own (recursive) lock,
 * after the chain lock when it needs the chain (wallet/chain_iface.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "consensus/tx.h"
#include "wallet/chain_iface.h"

/* Core's RPC error codes the wallet reports (src/rpc/protocol.h). */
#define WALLET_E_MISC (-1)
#define WALLET_E_TYPE (-3)
#define WALLET_E_INVALID_ADDRESS (-5)
#define WALLET_E_INVALID_PARAMETER (-8)
#define WALLET_E_DATABASE (-20)
#define WALLET_E_DESERIALIZATION (-22)
#define WALLET_E_VERIFY (-25)
#define WALLET_E_VERIFY_REJECTED (-26)
#define WALLET_E_WALLET (-4)
#define WALLET_E_INSUFFICIENT_FUNDS (-6)
#define WALLET_E_INVALID_LABEL (-11)
#define WALLET_E_KEYPOOL_RAN_OUT (-12)
#define WALLET_E_UNLOCK_NEEDED (-13)
#define WALLET_E_PASSPHRASE_INCORRECT (-14)
#define WALLET_E_WRONG_ENC_STATE (-15)
#define WALLET_E_ENCRYPTION_FAILED (-16)
#define WALLET_E_ALREADY_UNLOCKED (-17)
#define WALLET_E_NOT_FOUND (-18)
#define WALLET_E_NOT_SPECIFIED (-19)
#define WALLET_E_ALREADY_LOADED (-35)
#define WALLET_E_ALREADY_EXISTS (-36)

struct wallet_error {
    int code;
    char message[512];
};

/** Options of every wallet of a node (-keypool, -fallbackfee, ...). Amounts in base units, rates in base units per kvB. */
struct wallet_options {
    int64_t keypool;       /* addresses derived ahead per descriptor (Core's -keypool, default 1000) */
    int64_t fallback_fee;  /* -fallbackfee: the fee rate when no estimate exists (0 disables) */
    int64_t pay_tx_fee;    /* -paytxfee: a fixed fee rate (0: use fallback) */
    int64_t max_tx_fee;    /* -maxtxfee: refuse a transaction with a larger absolute fee */
    int64_t min_relay_fee; /* the node's -minrelaytxfee */
    bool walletrbf;        /* -walletrbf: signal BIP 125 replaceability (default 1) */
    int tx_confirm_target; /* -txconfirmtarget: the fee estimate's target when a send names none (default 6) */
    /** -walletnotify: called when a transaction enters the wallet or its block
     *  changes (block NULL, height -1: unconfirmed). Runs with the wallet lock
     *  (and often the chain lock) held: it must hand the work off, never block.
     *  NULL: no hook. */
    void (*notify)(void *ctx, const char *wallet_name, const struct hash256 *txid, const struct hash256 *block,
                   int32_t height);
    void *notify_ctx;
    uint64_t kdf_ops;      /* Argon2id costs for new passphrases (0: libsodium's interactive limits) */
    uint64_t kdf_mem;
};
void wallet_options_init(struct wallet_options *o, const struct chain_params *params);

struct wallet;
struct wallet_context;

/* ---- the set of loaded wallets ---------------------------------------- */

/** A new context over chain (borrowed, outlives the context; NULL in unit
 *  tests: no chain events, no broadcasting) and walletdir (copied). */
struct wallet_context *wallet_context_new(const struct wallet_chain *chain, const struct chain_params *params,
                                          const char *walletdir, const struct wallet_options *opt);
/** Unloads every wallet and frees the context (NULL is a no-op). */
void wallet_context_free(struct wallet_context *c);

/** Flags for wallet_context_create. */
struct wallet_create_flags {
    bool disable_private_keys;
    bool blank;
    const char *passphrase; /* NULL or "": unencrypted */
    size_t passphrase_len;
};

/** createwallet: makes and loads a new wallet. Out: *warning (static text or NULL). */
__attribute__((warn_unused_result)) bool wallet_context_create(struct wallet_context *c, struct wallet_error *e,
                                                               const char *name, const struct wallet_create_flags *f);
/** loadwallet: loads an existing wallet (rescanning what it missed). */
__attribute__((warn_unused_result)) bool wallet_context_load(struct wallet_context *c, struct wallet_error *e,
                                                             const char *name);
/** unloadwallet. */
__attribute__((warn_unused_result)) bool wallet_context_unload(struct wallet_context *c, struct wallet_error *e,
                                                               const char *name);
/**
 * Finds the wallet a call is for (Core's GetWalletForJSONRPCRequest):
 * uri_name (NULL: no /wallet/<name> in the URI) names it; without one the
 * only loaded wallet is used. Returns a reference (wallet_release it) or
 * NULL with -18 / -19 and Core's messages.
 */
struct wallet *wallet_context_pick(struct wallet_context *c, struct wallet_error *e, const char *uri_name);
/** Releases a reference from wallet_context_pick. */
void wallet_release(struct wallet *w);
/** listwallets: the names of the loaded wallets (new JSON array). */
json_t *wallet_context_list(struct wallet_context *c);
/** listwalletdir: {"wallets": [{"name"}]} of the wallet directory. */
json_t *wallet_context_listdir(struct wallet_context *c);

/* ---- one wallet ------------------------------------------------------- */

const char *wallet_name(const struct wallet *w);
/** getwalletinfo's object. */
json_t *wallet_info_json(struct wallet *w);

/** The largest keypoolrefill size: each key is derived and indexed in memory. */
#define WALLET_KEYPOOL_MAX 1000000
/**
 * Core's keypoolrefill: derives every active ranged descriptor's scripts
 * until size unused ones (0: the -keypool option) lie ahead, stored in one
 * database transaction. Needs an unlocked wallet with private keys.
 */
__attribute__((warn_unused_result)) bool wallet_keypool_refill(struct wallet *w, struct wallet_error *e, int64_t size);

/** Output types: "legacy", "p2sh-segwit", "bech32", "bech32m" (NULL: bech32). */
__attribute__((warn_unused_result)) bool wallet_new_address(struct wallet *w, struct wallet_error *e, char out[91],
                                                            const char *type, bool change, const char *label);
/** getaddressinfo's object for an address of the wallet's chain, or NULL with e. */
json_t *wallet_address_info(struct wallet *w, struct wallet_error *e, const char *address);
/** listdescriptors' object. */
json_t *wallet_list_descriptors(struct wallet *w, struct wallet_error *e, bool priv);
/** importdescriptors: one request object; returns its result object ({"success", "error"/"warnings"}). */
json_t *wallet_import_descriptor(struct wallet *w, const json_t *req);

/** getbalances' object; getbalance's trusted amount via *trusted. */
json_t *wallet_balances_json(struct wallet *w, int64_t *trusted);
/** listunspent's array. addresses: NULL or a JSON array of strings to keep. */
json_t *wallet_list_unspent(struct wallet *w, struct wallet_error *e, int minconf, int maxconf,
                            const json_t *addresses, bool include_unsafe);
/** listtransactions' array: the count entries before the last skip. */
json_t *wallet_list_transactions(struct wallet *w, int count, int skip);
/** gettransaction's object, or NULL with -5 "Invalid or non-wallet transaction id". */
json_t *wallet_get_transaction(struct wallet *w, struct wallet_error *e, const struct hash256 *txid, bool verbose);
/** lockunspent. outputs: a JSON array of {"txid","vout"}; NULL with unlock: unlock all. */
__attribute__((warn_unused_result)) bool wallet_lock_unspent(struct wallet *w, struct wallet_error *e, bool unlock,
                                                             const json_t *outputs, bool persistent);
/** listlockunspent's array. */
json_t *wallet_list_locked(struct wallet *w);
/** rescanblockchain: start..stop (-1: tip). Returns {"start_height","stop_height"} or NULL. */
json_t *wallet_rescan(struct wallet *w, struct wallet_error *e, int32_t start, int32_t stop);
/** abandontransaction. */
__attribute__((warn_unused_result)) bool wallet_abandon(struct wallet *w, struct wallet_error *e,
                                                        const struct hash256 *txid);

/** One payment of a send. */
struct wallet_recipient {
    uint8_t script[42];
    size_t script_len;
    int64_t amount;
    bool subtract_fee;
};
/** estimate_mode (Core's FeeEstimateMode): unset follows the BIP 125 signal (conservative when not replaceable). */
enum wallet_fee_mode { WALLET_FEE_MODE_UNSET, WALLET_FEE_MODE_ECONOMICAL, WALLET_FEE_MODE_CONSERVATIVE };
/** Options of a send or a fund. */
struct wallet_send_options {
    int64_t fee_rate;       /* base units per kvB; 0: the wallet's (-paytxfee, else -fallbackfee) */
    int change_pos;         /* -1: random */
    bool replaceable;       /* BIP 125 signal */
    bool lock_unspents;     /* fundrawtransaction lockUnspents */
    bool add_inputs;
    int conf_target;        /* the fee estimate's target (0: -txconfirmtarget) */
    enum wallet_fee_mode fee_mode; /* estimate_mode */
    /* Weight of inputs and outputs added after funding whose values balance
     * (an ISSUER or ORACLE spend and its recreation): paid for, not funded. */
    int64_t extra_weight;
    /* Out (may be NULL): why the fee rate is what it is, Core's FeeReason
     * string ("Fallback fee", "PayTxFee set", "Target 85% Threshold", ...,
     * doc/wallet.md "Fee reasons"); a static string, set by the fee rate step. */
    const char **fee_reason;
};
void wallet_send_options_init(struct wallet_send_options *o, const struct wallet *w);

/**
 * sendtoaddress / sendmany: selects coins, adds change, signs, stores the
 * transaction (one SQL transaction) and submits it. Out: *txid, *fee.
 */
__attribute__((warn_unused_result)) bool wallet_send(struct wallet *w, struct wallet_error *e, struct hash256 *txid,
                                                     int64_t *fee, const struct wallet_recipient *r, size_t n,
                                                     const struct wallet_send_options *o);
/** fundrawtransaction: adds inputs and change to tx (unsigned). Out: *fee, *change_pos (-1: none). */
__attribute__((warn_unused_result)) bool wallet_fund(struct wallet *w, struct wallet_error *e, struct tx *tx,
                                                     int64_t *fee, int *change_pos, const bool *subtract,
                                                     const struct wallet_send_options *o);
/**
 * signrawtransactionwithwallet: signs what the wallet can. Out: *complete;
 * errors: a JSON array (new) of Core's per-input error objects.
 */
__attribute__((warn_unused_result)) bool wallet_sign(struct wallet *w, struct wallet_error *e, struct tx *tx,
                                                     bool *complete, json_t **errors, int hash_type);

struct psbt;
/**
 * walletprocesspsbt: fills the UTXOs and scripts of the inputs the wallet
 * knows (and, with bip32derivs, the BIP 32 origins of the keys its inputs
 * and outputs use), signs them if sign (hash_type where an input names none; with
 * hash_type_given a differing sighash field is an error) and finalizes
 * complete inputs if finalize. Out: *complete. Refuses (-13) to sign with a
 * locked wallet's keys.
 */
__attribute__((warn_unused_result)) bool wallet_process_psbt(struct wallet *w, struct wallet_error *e, struct psbt *p,
                                                             bool sign, int hash_type, bool hash_type_given,
                                                             bool bip32derivs, bool finalize, bool *complete);

/**
 * bumpfee (out_psbt NULL: signs, stores and submits the replacement; Out:
 * *new_txid) or psbtbumpfee (out_psbt: the unsigned replacement as a PSBT,
 * psbt_init'ed here). fee_rate: base units per kvB, 0 for the original's
 * rate plus the incremental relay fee (1 sat/vB). The fee comes from the
 * change output. Out: *old_fee, *new_fee. Core's errors: -5 not a wallet
 * transaction, -4 mined/conflicted, not BIP 125 replaceable, foreign inputs,
 * no change; -8 descendants, fee below old fee + incremental.
 */
__attribute__((warn_unused_result)) bool wallet_bump_fee(struct wallet *w, struct wallet_error *e,
                                                         const struct hash256 *txid, int64_t fee_rate,
                                                         struct psbt *out_psbt, struct hash256 *new_txid,
                                                         int64_t *old_fee, int64_t *new_fee);

/* ---- labels, received amounts, history since a block (wallet_labels.c) ---- */

/** setlabel: files address (any of the chain's) under label. -5 bad address, -11 label "*". */
__attribute__((warn_unused_result)) bool wallet_set_label(struct wallet *w, struct wallet_error *e,
                                                          const char *address, const char *label);
/** listlabels' sorted array; purpose NULL (all), "receive" (our addresses) or "send" (others). */
json_t *wallet_list_labels(struct wallet *w, const char *purpose);
/** getreceivedbyaddress. Out: *amount. -5 bad address, -4 "Address not found in wallet". */
__attribute__((warn_unused_result)) bool wallet_received_by_address(struct wallet *w, struct wallet_error *e,
                                                                    int64_t *amount, const char *address,
                                                                    int minconf, bool include_immature);
/** listreceivedbyaddress' array (address order). filter: NULL or one address (-4 if invalid). */
json_t *wallet_list_received(struct wallet *w, struct wallet_error *e, int minconf, bool include_empty,
                             const char *filter, bool include_immature);
/**
 * listsinceblock's object: {"transactions", "removed" (if include_removed),
 * "lastblock"}. since: NULL for every transaction; -5 "Block not found" if
 * unknown. include_change: also list outputs to the wallet's change addresses
 * (Core's include_change). label: NULL or the label entries must carry.
 */
json_t *wallet_list_since_block(struct wallet *w, struct wallet_error *e, const struct hash256 *since,
                                int target_confirmations, bool include_removed, bool include_change,
                                const char *label);
/** signmessage: the Base64 signature (mem_free it) with the key of a P2PKH address, or NULL with
 *  -5 invalid address, -3 not P2PKH, -4 "Private key not available", -13 locked. */
char *wallet_sign_message(struct wallet *w, struct wallet_error *e, const char *address, const char *msg,
                          size_t msg_len);

/* ---- encryption ------------------------------------------------------- */
__attribute__((warn_unused_result)) bool wallet_encrypt(struct wallet *w, struct wallet_error *e, const char *pass,
                                                        size_t len);
/** walletpassphrase: timeout in seconds (clamped to 100000000 as Core). */
__attribute__((warn_unused_result)) bool wallet_unlock(struct wallet *w, struct wallet_error *e, const char *pass,
                                                       size_t len, int64_t timeout);
__attribute__((warn_unused_result)) bool wallet_lock(struct wallet *w, struct wallet_error *e);
__attribute__((warn_unused_result)) bool wallet_change_passphrase(struct wallet *w, struct wallet_error *e,
                                                                  const char *old_pass, size_t old_len,
                                                                  const char *new_pass, size_t new_len);
/** backupwallet: SQLite's online backup to dest (which must not be the wallet itself). */
__attribute__((warn_unused_result)) bool wallet_backup(struct wallet *w, struct wallet_error *e, const char *dest);

#endif
