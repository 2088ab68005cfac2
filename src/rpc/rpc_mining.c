/* The "mining" and "generating" RPC categories: generatetoaddress,
 * generatetodescriptor, generateblock, getblocktemplate (BIP 22/23/145,
 * proposals included), submitblock, getmininginfo. */
#include <stdio.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/arith256.h"
#include "consensus/merkle.h"
#include "consensus/params.h"
#include "consensus/script.h"
#include "src/chain/chainstate.h"
#include "src/chain/mempool.h"
#include "issuance/reserve_commitment.h"
#include "src/chain/miner.h"
#include "src/miner/submit.h"
#include "wallet/descriptor.h"
#include "src/rpc/json_block.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* Core's DEFAULT_MAX_TRIES for the generate* calls. */
#define DEFAULT_MAX_TRIES MINER_DEFAULT_MAX_TRIES

static json_t *hex32(uint32_t v)
{
    char buf[9];
    snprintf(buf, sizeof(buf), "%08x", v);
    return json_string(buf);
}

static json_t *target_json(uint32_t bits)
{
    struct arith256 t;
    bool neg, over;
    arith256_set_compact(&t, bits, &neg, &over);
    if (neg || over)
        arith256_set_u64(&t, 0);
    char hex[65];
    arith256_to_hex(hex, &t);
    return json_string(hex);
}

/* Mines count blocks to spk (Core's generateBlocks). */
static json_t *generate(struct rpc_context *ctx, struct rpc_error *err, const uint8_t *spk, size_t spk_len,
                        int64_t count, int64_t max_tries, const struct miner_options *o)
{
    if (count < 0)
        count = 0;
    struct hash256 *hashes = mem_calloc(count ? (size_t)count : 1, sizeof(*hashes));
    size_t mined = 0;
    struct val_state st;
    val_state_init(&st);
    bool ok = miner_generate(ctx->chain, ctx->mempool, &st, hashes, &mined, spk, spk_len, (size_t)count,
                             max_tries > 0 ? (uint64_t)max_tries : 0, o, NULL);
    json_t *r = NULL;
    if (!ok && !val_is_valid(&st)) {
        rpc_fail(err, RPC_INTERNAL_ERROR, "ProcessNewBlock, block not accepted");
    } else {
        r = json_array();
        for (size_t i = 0; i < mined; i++)
            json_array_append_new(r, rpc_json_hash(&hashes[i]));
    }
    mem_free(hashes);
    return r;
}

/* The result and the examples' heading of generatetoaddress, generatetodescriptor and generatetovault. */
#define GENERATE_RESULT_HELP \
    "\n" \
    "Result:\n" \
    "[           (json array) hashes of blocks generated\n" \
    "  \"hex\",    (string) blockhash\n" \
    "  ...\n" \
    "]\n" \
    "\n" \
    "Examples:\n" \
    "\n"

static const struct rpc_arg generatetoaddress_args[] = {
    {"nblocks", RPC_ARG_NUM, false},
    {"address", RPC_ARG_TEXT, false},
    {"maxtries", RPC_ARG_NUM, true},
};
static const char generatetoaddress_help[] =
    "generatetoaddress nblocks \"address\" ( maxtries )\n"
    "\n"
    "Mine to a specified address and return the block hashes.\n"
    "\n"
    "Arguments:\n"
    "1. nblocks     (numeric, required) How many blocks are generated.\n"
    "2. address     (string, required) The address to send the newly generated hashmint to.\n"
    "3. maxtries    (numeric, optional, default=1000000) How many iterations to try.\n"
    GENERATE_RESULT_HELP
    "Generate 11 blocks to myaddress\n" RPC_HELP_CLI("generatetoaddress", "11 \"myaddress\"")
    "If you are using the hashmint wallet, you can get a new address to send the newly generated hashmint to with:\n"
    RPC_HELP_CLI("getnewaddress", "");

static json_t *rpc_generatetoaddress(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, generatetoaddress_args, 3, generatetoaddress_help) || !rpc_need_chain(ctx, err) ||
        !rpc_need_mempool(ctx, err))
        return NULL;
    int64_t n, tries;
    if (!rpc_arg_int(err, &n, params, 0, 0, RPC_INT32) || !rpc_arg_int(err, &tries, params, 2, DEFAULT_MAX_TRIES, RPC_UINT64))
        return NULL;
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t spk_len;
    const char *addr = rpc_json_cstr(rpc_arg(params, 1)); /* NULL: an embedded NUL, no address */
    if (!addr || !address_to_script(spk, &spk_len, &ctx->params->address, addr))
        return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Error: Invalid address");
    return generate(ctx, err, spk, spk_len, n, tries, ctx->miner);
}

static const struct rpc_arg generatetodescriptor_args[] = {
    {"num_blocks", RPC_ARG_NUM, false},
    {"descriptor", RPC_ARG_STR, false},
    {"maxtries", RPC_ARG_NUM, true},
};
static const char generatetodescriptor_help[] =
    "generatetodescriptor num_blocks \"descriptor\" ( maxtries )\n"
    "\n"
    "Mine to a specified descriptor and return the block hashes.\n"
    "\n"
    "Arguments:\n"
    "1. num_blocks    (numeric, required) How many blocks are generated.\n"
    "2. descriptor    (string, required) The descriptor to send the newly generated hashmint to (addr(), raw(), pk(), pkh(),\n"
    "                 wpkh(), sh(), wsh(), multi(), sortedmulti(), tr(KEY); hex or WIF keys, no ranges; checksum optional).\n"
    "3. maxtries      (numeric, optional, default=1000000) How many iterations to try.\n"
    GENERATE_RESULT_HELP
    "Generate 11 blocks to mydesc\n" RPC_HELP_CLI("generatetodescriptor", "11 \"mydesc\"");

static json_t *rpc_generatetodescriptor(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, generatetodescriptor_args, 3, generatetodescriptor_help) ||
        !rpc_need_chain(ctx, err) || !rpc_need_mempool(ctx, err))
        return NULL;
    int64_t n, tries;
    if (!rpc_arg_int(err, &n, params, 0, 0, RPC_INT32) || !rpc_arg_int(err, &tries, params, 2, DEFAULT_MAX_TRIES, RPC_UINT64))
        return NULL;
    struct wbuf spk;
    wbuf_init(&spk);
    char e[200];
    if (!descriptor_to_script(&spk, rpc_arg_str(params, 1, ""), ctx->params, e, sizeof(e))) {
        wbuf_clear(&spk);
        return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "%s", e);
    }
    json_t *r = generate(ctx, err, spk.data, spk.len, n, tries, ctx->miner);
    wbuf_clear(&spk);
    return r;
}

/* ---- generatetovault (regtest) ---- */

static const struct rpc_arg generatetovault_args[] = {
    {"nblocks", RPC_ARG_NUM, false},
    {"address", RPC_ARG_TEXT, false},
    {"share", RPC_ARG_NUM, true},
    {"maxtries", RPC_ARG_NUM, true},
};
static const char generatetovault_help[] =
    "generatetovault nblocks \"address\" ( share maxtries )\n"
    "\n"
    "Mine blocks whose coinbase opens a vault (regtest only): share percent of each\n"
    "coinbase value goes to a VAULT output of the chain's asset with debt 0, locked to\n"
    "address; the rest pays address as an ordinary output. See doc/issuance.md.\n"
    "\n"
    "Arguments:\n"
    "1. nblocks     (numeric, required) How many blocks are generated.\n"
    "2. address     (string, required) The vault owner's address (also paid the rest).\n"
    "3. share       (numeric, optional, default=100) Percent of the coinbase value locked in the vault, 1 to 100.\n"
    "4. maxtries    (numeric, optional, default=1000000) How many iterations to try.\n"
    GENERATE_RESULT_HELP
    "Open 10 vaults with the whole coinbase\n" RPC_HELP_CLI("generatetovault", "10 \"myaddress\"")
    "Lock half of each coinbase\n" RPC_HELP_CLI("generatetovault", "10 \"myaddress\" 50");

static json_t *rpc_generatetovault(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, generatetovault_args, 4, generatetovault_help) || !rpc_need_chain(ctx, err) ||
        !rpc_need_mempool(ctx, err))
        return NULL;
    const struct chain_params *p = ctx->params;
    if (strcmp(p->name, "regtest") != 0)
        return rpc_fail(err, RPC_METHOD_NOT_FOUND, "generatetovault is only available on regtest");
    if (p->asset_count == 0)
        return rpc_fail(err, RPC_MISC_ERROR, "This chain has no issuance assets");
    int64_t n, share, tries;
    if (!rpc_arg_int(err, &n, params, 0, 0, RPC_INT32) || !rpc_arg_int(err, &share, params, 2, 100, RPC_INT32) ||
        !rpc_arg_int(err, &tries, params, 3, DEFAULT_MAX_TRIES, RPC_UINT64))
        return NULL;
    if (share < 1 || share > 100)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "share must be between 1 and 100");
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t spk_len;
    const char *addr = rpc_json_cstr(rpc_arg(params, 1)); /* NULL: an embedded NUL, no address */
    if (!addr || !address_to_script(spk, &spk_len, &p->address, addr))
        return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Error: Invalid address");
    struct wbuf vault;
    wbuf_init(&vault);
    miner_vault_script(&vault, p->assets[0].asset_id, spk, spk_len);
    struct miner_options o = *ctx->miner;
    o.vault_script = vault.data;
    o.vault_script_len = vault.len;
    o.vault_share_pct = (uint32_t)share;
    json_t *r = generate(ctx, err, spk, spk_len, n, tries, &o);
    wbuf_clear(&vault);
    return r;
}

/* ---- generateblock ---- */

static const struct rpc_arg generateblock_args[] = {
    {"output", RPC_ARG_TEXT, false},
    {"transactions", RPC_ARG_ARR, false},
    {"submit", RPC_ARG_BOOL, true},
};
static const char generateblock_help[] =
    "generateblock \"output\" [\"rawtx/txid\",...] ( submit )\n"
    "\n"
    "Mine a set of ordered transactions to a specified address or descriptor and return the block hash.\n"
    "\n"
    "Arguments:\n"
    "1. output          (string, required) The address or descriptor to send the newly generated hashmint to.\n"
    "2. transactions    (json array, required) An array of hex strings which are either txids or raw transactions.\n"
    "                   Txids must reference transactions currently in the mempool.\n"
    "                   All transactions must be valid and in valid order, otherwise the block will be rejected.\n"
    "     [\n"
    "       \"rawtx/txid\",    (string)\n"
    "       ...\n"
    "     ]\n"
    "3. submit          (boolean, optional, default=true) Whether to submit the block before the RPC call returns or to return it as hex.\n"
    "\n"
    "Result:\n"
    "{                    (json object)\n"
    "  \"hash\" : \"hex\",    (string) hash of generated block\n"
    "  \"hex\" : \"hex\"      (string, optional) hex of generated block, only present when submit=false\n"
    "}\n"
    "\n"
    "Examples:\n"
    "\n"
    "Generate a block to myaddress, with txs rawtx and mempool_txid\n"
    RPC_HELP_CLI("generateblock", "\"myaddress\" '[\"rawtx\", \"mempool_txid\"]'");

static json_t *rpc_generateblock(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, generateblock_args, 3, generateblock_help) || !rpc_need_chain(ctx, err) ||
        !rpc_need_mempool(ctx, err))
        return NULL;
    const char *out = rpc_json_cstr(rpc_arg(params, 0)); /* NULL: an embedded NUL, neither */
    struct wbuf spk;
    wbuf_init(&spk);
    char e[200];
    uint8_t a[ADDRESS_MAX_SCRIPT];
    size_t a_len;
    if (!out || !descriptor_to_script(&spk, out, ctx->params, e, sizeof(e))) {
        if (!out || !address_to_script(a, &a_len, &ctx->params->address, out)) {
            wbuf_clear(&spk);
            return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Error: Invalid address or descriptor");
        }
        wbuf_put(&spk, a, a_len);
    }
    const json_t *list = rpc_arg(params, 1);
    size_t n = json_array_size(list);
    struct tx *txs = mem_calloc(n ? n : 1, sizeof(*txs));
    size_t got = 0;
    json_t *r = NULL;
    struct block_template t;
    memset(&t, 0, sizeof(t));
    for (; got < n; got++) {
        const json_t *v = json_array_get(list, got);
        const char *s = rpc_json_cstr(v);
        if (!s) /* not a string, or an embedded NUL: decodes as nothing */
            s = "";
        struct hash256 id;
        if (strlen(s) == 64 && hash256_from_hex(&id, s)) {
            if (!mempool_tx_get(ctx->mempool, &txs[got], &id)) {
                rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Transaction %s not in mempool.", s);
                goto out;
            }
        } else if (!rpc_decode_hex_tx(&txs[got], s, true, true)) {
            rpc_fail(err, RPC_DESERIALIZATION_ERROR,
                     "Transaction decode failed for %.100s. Make sure the tx has at least one input.", s);
            goto out;
        }
    }
    chainstate_lock(ctx->chain);
    struct val_state st;
    val_state_init(&st);
    if (!miner_create_block_with_txs(ctx->mempool, &st, &t, spk.data, spk.len, txs, n, ctx->miner)) {
        chainstate_unlock(ctx->chain);
        char msg[600];
        snprintf(msg, sizeof(msg), "%s%s%s", st.reject, st.debug[0] ? ", " : "", st.debug);
        rpc_fail(err, RPC_VERIFY_ERROR, "TestBlockValidity failed: %s", msg);
        goto out;
    }
    uint64_t tries = DEFAULT_MAX_TRIES;
    if (!miner_grind(&t.block, &t.extra_nonce, t.height, ctx->params, &tries)) {
        chainstate_unlock(ctx->chain);
        rpc_fail(err, RPC_MISC_ERROR, "Failed to make block.");
        goto out;
    }
    struct hash256 hash;
    block_hash(&hash, &t.block);
    if (rpc_arg_bool(params, 2, true)) {
        bool new_block = false;
        val_state_init(&st);
        chainstate_set_own_block(ctx->chain, true); /* our template: relayed compactly before it is connected */
        bool ok = chainstate_process_new_block(ctx->chain, &st, &new_block, &t.block, true);
        chainstate_set_own_block(ctx->chain, false);
        if (!ok || !val_is_valid(&st)) {
            chainstate_unlock(ctx->chain);
            rpc_fail(err, RPC_INTERNAL_ERROR, "ProcessNewBlock, block not accepted");
            goto out;
        }
        chainstate_unlock(ctx->chain);
        r = json_object();
        json_object_set_new(r, "hash", rpc_json_hash(&hash));
    } else {
        chainstate_unlock(ctx->chain);
        r = json_object();
        json_object_set_new(r, "hash", rpc_json_hash(&hash));
        struct wbuf w;
        wbuf_init(&w);
        block_serialize(&w, &t.block, true);
        json_object_set_new(r, "hex", rpc_json_hex(w.data, w.len));
        wbuf_clear(&w);
    }
out:
    block_template_clear(&t);
    for (size_t i = 0; i < got; i++)
        tx_clear(&txs[i]);
    mem_free(txs);
    wbuf_clear(&spk);
    return r;
}

/* ---- submitblock / proposals ---- */

/* Core's DecodeHexBlk: hex, then a block with witness data (trailing bytes ignored). */
static bool decode_block_hex(struct block *b, const char *hex)
{
    size_t len;
    uint8_t *p = hex_decode_alloc(hex, &len);
    if (!p)
        return false;
    struct rbuf r = rbuf_make(p, len);
    bool ok = block_parse(b, &r, true);
    mem_free(p);
    return ok;
}

static const struct rpc_arg submitblock_args[] = {
    {"hexdata", RPC_ARG_STR, false},
    {"dummy", RPC_ARG_ANY, true},
};
static const char submitblock_help[] =
    "submitblock \"hexdata\" ( \"dummy\" )\n"
    "\n"
    "Attempts to submit new block to network.\n"
    "See https://en.bitcoin.it/wiki/BIP_0022 for full specification.\n"
    "\n"
    "Arguments:\n"
    "1. hexdata    (string, required) the hex-encoded block data to submit\n"
    "2. dummy      (string, optional, default=ignored) dummy value, for compatibility with BIP22. This value is ignored.\n"
    "\n"
    "Result (If the block was accepted):\n"
    "null    (json null)\n"
    "\n"
    "Result (Otherwise):\n"
    "\"str\"    (string) According to BIP22\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("submitblock", "\"mydata\"") RPC_HELP_RPC("submitblock", "\"mydata\"");

static json_t *rpc_submitblock(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, submitblock_args, 2, submitblock_help) || !rpc_need_chain(ctx, err))
        return NULL;
    struct block b;
    if (!decode_block_hex(&b, rpc_arg_str(params, 0, "")))
        return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "Block decode failed");
    if (b.tx_count == 0 || !tx_is_coinbase(&b.txs[0])) {
        block_clear(&b);
        return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "Block does not start with a coinbase");
    }
    /* The native miner's path too (src/miner/submit.c). */
    struct val_state st;
    enum miner_submit_result res = miner_submit_block(ctx->chain, &st, &b);
    block_clear(&b);
    switch (res) {
    case MINER_SUBMIT_ACCEPTED:
        return json_null();
    case MINER_SUBMIT_DUPLICATE:
        return json_string("duplicate");
    case MINER_SUBMIT_INCONCLUSIVE:
        return json_string("inconclusive");
    case MINER_SUBMIT_ERROR:
        return rpc_fail(err, RPC_VERIFY_ERROR, "%s", st.reject);
    case MINER_SUBMIT_REJECTED:
        break;
    }
    return json_string(st.reject[0] ? st.reject : "rejected");
}

/* ---- getblocktemplate ---- */

static const struct rpc_arg getblocktemplate_args[] = {{"template_request", RPC_ARG_OBJ, true}};
static const char getblocktemplate_help[] =
    "getblocktemplate {\"mode\":\"str\",\"capabilities\":[\"str\",...],\"rules\":[\"segwit\",\"str\",...],\"longpollid\":\"str\",\"data\":\"hex\"}\n"
    "\n"
    "If the request parameters include a 'mode' key, that is used to explicitly select between the default 'template' request or a 'proposal'.\n"
    "It returns data needed to construct a block to work on.\n"
    "For full specification, see BIPs 22, 23, 9, and 145:\n"
    "    https://github.com/bitcoin/bips/blob/master/bip-0022.mediawiki\n"
    "    https://github.com/bitcoin/bips/blob/master/bip-0023.mediawiki\n"
    "    https://github.com/bitcoin/bips/blob/master/bip-0009.mediawiki#getblocktemplate_changes\n"
    "    https://github.com/bitcoin/bips/blob/master/bip-0145.mediawiki\n"
    "\n"
    "Arguments:\n"
    "1. template_request                   (json object, required) Format of the template\n"
    "     {\n"
    "       \"mode\": \"str\",                   (string, optional) This must be set to \"template\", \"proposal\" (see BIP 23), or omitted\n"
    "       \"capabilities\": [                (json array, optional) A list of strings\n"
    "         \"str\",                         (string) client side supported feature, 'longpoll', 'coinbasevalue', 'proposal', 'serverlist', 'workid'\n"
    "         ...\n"
    "       ],\n"
    "       \"rules\": [                       (json array, required) A list of strings\n"
    "         \"segwit\",                      (string, required) (literal) indicates client side segwit support\n"
    "         \"str\",                         (string) other client side supported softfork deployment\n"
    "         ...\n"
    "       ],\n"
    "       \"longpollid\": \"str\",             (string, optional) delay processing request until the result would vary significantly from the \"longpollid\" of a prior template\n"
    "       \"data\": \"hex\",                   (string, optional) proposed block data to check, encoded in hexadecimal; valid only for mode=\"proposal\"\n"
    "     }\n"
    "\n"
    "Result (If the proposal was accepted with mode=='proposal'):\n"
    "null    (json null)\n"
    "\n"
    "Result (If the proposal was not accepted with mode=='proposal'):\n"
    "\"str\"    (string) According to BIP22\n"
    "\n"
    "Result (Otherwise):\n"
    "{                                          (json object)\n"
    "  \"version\" : n,                           (numeric) The preferred block version\n"
    "  \"rules\" : [ \"str\", ... ],                (json array) specific block rules that are to be enforced\n"
    "  \"vbavailable\" : { },                     (json object) set of pending, supported versionbit (BIP 9) softfork deployments\n"
    "  \"capabilities\" : [ \"str\", ... ],         (json array)\n"
    "  \"vbrequired\" : n,                        (numeric) bit mask of versionbits the server requires set in submissions\n"
    "  \"previousblockhash\" : \"str\",             (string) The hash of current highest block\n"
    "  \"transactions\" : [                       (json array) contents of non-coinbase transactions that should be included in the next block\n"
    "    {                                      (json object)\n"
    "      \"data\" : \"hex\",                      (string) transaction data encoded in hexadecimal (byte-for-byte)\n"
    "      \"txid\" : \"hex\",                      (string) transaction hash excluding witness data, shown in byte-reversed hex\n"
    "      \"hash\" : \"hex\",                      (string) transaction hash including witness data, shown in byte-reversed hex\n"
    "      \"depends\" : [ n, ... ],              (json array) array of numbers: transactions before this one (by 1-based index in 'transactions' list) that must be present in the final block if this one is\n"
    "      \"fee\" : n,                           (numeric) difference in value between transaction inputs and outputs (in satoshis)\n"
    "      \"sigops\" : n,                        (numeric) total SigOps cost, as counted for purposes of block limits\n"
    "      \"weight\" : n                         (numeric) total transaction weight, as counted for purposes of block limits\n"
    "    },\n"
    "    ...\n"
    "  ],\n"
    "  \"coinbaseaux\" : { },                     (json object) data that should be included in the coinbase's scriptSig content\n"
    "  \"coinbasevalue\" : n,                     (numeric) maximum allowable input to coinbase transaction, including the generation award and transaction fees (in satoshis)\n"
    "  \"longpollid\" : \"str\",                    (string) an id to include with a request to longpoll on an update to this template\n"
    "  \"target\" : \"str\",                        (string) The hash target\n"
    "  \"mintime\" : xxx,                         (numeric) The minimum timestamp appropriate for the next block time, expressed in UNIX epoch time\n"
    "  \"mutable\" : [ \"str\", ... ],              (json array) list of ways the block template may be changed\n"
    "  \"noncerange\" : \"hex\",                    (string) A range of valid nonces\n"
    "  \"sigoplimit\" : n,                        (numeric) limit of sigops in blocks\n"
    "  \"sizelimit\" : n,                         (numeric) limit of block size\n"
    "  \"weightlimit\" : n,                       (numeric, optional) limit of block weight\n"
    "  \"curtime\" : xxx,                         (numeric) current timestamp in UNIX epoch time\n"
    "  \"bits\" : \"str\",                          (string) compressed target of next block\n"
    "  \"height\" : n,                            (numeric) The height of the next block\n"
    "  \"default_witness_commitment\" : \"str\",    (string, optional) a valid witness commitment for the unmodified block template\n"
    "  \"default_reserve_commitment\" : \"str\"     (string, optional) hashmint: the HMRS output script (hex) the coinbase of the\n"
    "                                           unmodified template must carry (a coinbase that adds VAULT outputs needs another)\n"
    "}\n"
    "\n"
    "With a longpollid (BIP 22), the call returns when the tip changes, or when the mempool changed and at least\n"
    "5 seconds have passed; on main and test it needs peers and a node out of initial block download.\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getblocktemplate", "'{\"rules\": [\"segwit\"]}'")
        RPC_HELP_RPC("getblocktemplate", "{\"rules\": [\"segwit\"]}");

static json_t *proposal(struct rpc_context *ctx, struct rpc_error *err, const json_t *req)
{
    const json_t *data = json_object_get(req, "data");
    if (!data || !json_is_string(data))
        return rpc_fail(err, RPC_TYPE_ERROR, "Missing data String key for proposal");
    struct block b;
    if (!rpc_json_cstr(data) || !decode_block_hex(&b, json_string_value(data)))
        return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "Block decode failed");
    struct hash256 hash;
    block_hash(&hash, &b);
    json_t *r;
    chainstate_lock(ctx->chain);
    struct block_index *bi = chainstate_lookup(ctx->chain, &hash);
    struct block_index *tip = chainstate_tip(ctx->chain);
    if (bi) {
        if (block_index_is_valid(bi, BLOCK_VALID_SCRIPTS))
            r = json_string("duplicate");
        else if (bi->status & BLOCK_FAILED_MASK)
            r = json_string("duplicate-invalid");
        else
            r = json_string("duplicate-inconclusive");
    } else if (!tip || !hash256_eq(&b.header.prev_hash, &tip->hash)) {
        r = json_string("inconclusive-not-best-prevblk");
    } else {
        struct val_state st;
        val_state_init(&st);
        if (chainstate_test_block_validity(ctx->chain, &st, &b, false, true))
            r = json_null();
        else
            r = json_string(st.reject[0] ? st.reject : "rejected");
    }
    chainstate_unlock(ctx->chain);
    block_clear(&b);
    return r;
}

static json_t *rpc_getblocktemplate(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getblocktemplate_args, 1, getblocktemplate_help) || !rpc_need_chain(ctx, err) ||
        !rpc_need_mempool(ctx, err))
        return NULL;
    const json_t *req = rpc_arg(params, 0);
    const char *mode = "template";
    if (req) {
        const json_t *m = json_object_get(req, "mode");
        if (m && rpc_json_cstr(m))
            mode = json_string_value(m);
        else if (m && !json_is_null(m)) /* not a string, or an embedded NUL */
            return rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid mode");
    }
    if (!strcmp(mode, "proposal"))
        return proposal(ctx, err, req);
    if (strcmp(mode, "template") != 0)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid mode");
    const struct chain_params *p = ctx->params;
    if (!rpc_getblocktemplate_ready(ctx, err))
        return NULL;
    const json_t *lpid = req ? json_object_get(req, "longpollid") : NULL;
    if (lpid && !json_is_null(lpid) && !rpc_longpoll_wait(ctx, err, lpid))
        return NULL;
    bool segwit_rule = false;
    const json_t *rules = req ? json_object_get(req, "rules") : NULL;
    size_t i;
    const json_t *v;
    json_array_foreach(rules, i, v)
    {
        if (rpc_json_cstr(v) && !strcmp(json_string_value(v), "segwit"))
            segwit_rule = true;
    }
    if (!segwit_rule)
        return rpc_fail(err, RPC_INVALID_PARAMETER,
                        "getblocktemplate must be called with the segwit rule set (call with {\"rules\": [\"segwit\"]})");

    static const uint8_t op_true[1] = {OP_TRUE};
    struct block_template t;
    struct val_state st;
    val_state_init(&st);
    chainstate_lock(ctx->chain);
    struct block_index *tip = chainstate_tip(ctx->chain);
    /* The template's coinbase never carries a vault (doc/issuance.md,
     * "Mining: coinbase vaults"), so default_reserve_commitment is the one
     * for a coinbase without VAULT outputs. */
    struct miner_options mo;
    miner_options_init(&mo);
    if (ctx->miner)
        mo = *ctx->miner;
    mo.vault_script = NULL;
    mo.vault_script_len = 0;
    if (!miner_create_block(ctx->mempool, &st, &t, op_true, 1, &mo)) {
        chainstate_unlock(ctx->chain);
        return rpc_fail(err, RPC_OUT_OF_MEMORY, "Out of memory");
    }
    uint64_t mempool_seq = mempool_sequence(ctx->mempool);
    const struct block *b = &t.block;
    bool segwit = t.height >= p->deployments.segwit;
    json_t *o = json_object();
    json_t *caps = json_array();
    json_array_append_new(caps, json_string("proposal"));
    json_object_set_new(o, "capabilities", caps);
    json_object_set_new(o, "version", json_integer(b->header.version));
    json_t *rl = json_array();
    json_array_append_new(rl, json_string("csv"));
    if (segwit)
        json_array_append_new(rl, json_string("!segwit"));
    json_array_append_new(rl, json_string("taproot"));
    json_object_set_new(o, "rules", rl);
    json_object_set_new(o, "vbavailable", json_object());
    json_object_set_new(o, "vbrequired", json_integer(0));
    json_object_set_new(o, "previousblockhash", rpc_json_hash(&b->header.prev_hash));
    json_t *txs = json_array();
    for (i = 1; i < b->tx_count; i++) {
        const struct tx *tx = &b->txs[i];
        json_t *e = json_object();
        struct wbuf w;
        wbuf_init(&w);
        tx_serialize(&w, tx, true);
        json_object_set_new(e, "data", rpc_json_hex(w.data, w.len));
        wbuf_clear(&w);
        json_object_set_new(e, "txid", rpc_json_hash(&tx->txid));
        json_object_set_new(e, "hash", rpc_json_hash(&tx->wtxid));
        json_t *deps = json_array();
        for (size_t in = 0; in < tx->vin_count; in++) {
            for (size_t j = 1; j < i; j++) {
                if (hash256_eq(&b->txs[j].txid, &tx->vin[in].prevout.txid)) {
                    json_array_append_new(deps, json_integer((json_int_t)j));
                    break;
                }
            }
        }
        json_object_set_new(e, "depends", deps);
        json_object_set_new(e, "fee", json_integer(t.fees ? t.fees[i] : 0));
        int64_t sig = t.sigops_cost ? t.sigops_cost[i] : 0;
        json_object_set_new(e, "sigops", json_integer(segwit ? sig : sig / WITNESS_SCALE_FACTOR));
        json_object_set_new(e, "weight", json_integer((json_int_t)tx_weight(tx)));
        json_array_append_new(txs, e);
    }
    json_object_set_new(o, "transactions", txs);
    json_object_set_new(o, "coinbaseaux", json_object());
    json_object_set_new(o, "coinbasevalue", json_integer(t.coinbase_value));
    char lp[96];
    char tiphex[65];
    hash256_to_hex(tiphex, &tip->hash);
    snprintf(lp, sizeof(lp), "%s%llu", tiphex, (unsigned long long)mempool_seq);
    json_object_set_new(o, "longpollid", json_string(lp));
    json_object_set_new(o, "target", target_json(b->header.bits));
    json_object_set_new(o, "mintime", json_integer(t.mtp + 1));
    json_t *mut = json_array();
    json_array_append_new(mut, json_string("time"));
    json_array_append_new(mut, json_string("transactions"));
    json_array_append_new(mut, json_string("prevblock"));
    json_object_set_new(o, "mutable", mut);
    json_object_set_new(o, "noncerange", json_string("00000000ffffffff"));
    int64_t sigop_limit = p->max_block_sigops_cost, size_limit = 4000000;
    if (!segwit) {
        sigop_limit /= WITNESS_SCALE_FACTOR;
        size_limit /= WITNESS_SCALE_FACTOR;
    }
    json_object_set_new(o, "sigoplimit", json_integer(sigop_limit));
    json_object_set_new(o, "sizelimit", json_integer(size_limit));
    if (segwit)
        json_object_set_new(o, "weightlimit", json_integer(p->max_block_weight));
    json_object_set_new(o, "curtime", json_integer(b->header.time));
    json_object_set_new(o, "bits", hex32(b->header.bits));
    json_object_set_new(o, "height", json_integer(t.height));
    long c = merkle_witness_commitment_find(b);
    if (c >= 0) {
        const struct bytes *s = &b->txs[0].vout[c].script_pubkey;
        json_object_set_new(o, "default_witness_commitment", rpc_json_hex(s->data, s->len));
    }
    /* hashmint: the HMRS commitment output's script, as default_witness_commitment. */
    for (size_t k = 0; k < b->txs[0].vout_count; k++) {
        const struct bytes *s = &b->txs[0].vout[k].script_pubkey;
        if (reserve_commitment_is_tagged(s->data, s->len)) {
            json_object_set_new(o, "default_reserve_commitment", rpc_json_hex(s->data, s->len));
            break;
        }
    }
    chainstate_unlock(ctx->chain);
    block_template_clear(&t);
    return o;
}

/* ---- getmininginfo ---- */

static const char getmininginfo_help[] =
    "getmininginfo\n"
    "\n"
    "Returns a json object containing mining-related information.\n"
    "\n"
    "Result:\n"
    "{                              (json object)\n"
    "  \"blocks\" : n,                (numeric) The current block\n"
    "  \"bits\" : \"hex\",              (string) The current nBits, compact representation of the block difficulty target\n"
    "  \"difficulty\" : n,            (numeric) The current difficulty\n"
    "  \"target\" : \"hex\",            (string) The current target\n"
    "  \"networkhashps\" : n,         (numeric) The network hashes per second\n"
    "  \"pooledtx\" : n,              (numeric) The size of the mempool\n"
    "  \"chain\" : \"str\",             (string) current network name (main, test, regtest, bitcoin)\n"
    "  \"next\" : {                   (json object) The next block\n"
    "    \"height\" : n,              (numeric) The next height\n"
    "    \"bits\" : \"hex\",            (string) The next target nBits\n"
    "    \"difficulty\" : n,          (numeric) The next difficulty\n"
    "    \"target\" : \"hex\"           (string) The next target\n"
    "  },\n"
    "  \"warnings\" : [               (json array) any network and blockchain warnings\n"
    "    \"str\",                     (string) warning\n"
    "    ...\n"
    "  ],\n"
    "  \"generate\" : true|false,     (boolean) the native miner is running (setgenerate, -gen)\n"
    "  \"genproclimit\" : n,          (numeric) its threads (when stopped: the count setgenerate true would use)\n"
    "  \"hashespersec\" : n,          (numeric) its hash rate over the last seconds\n"
    "  \"miner\" : {                  (json object) the native miner\n"
    "    \"kernel\" : \"str\",          (string) the SHA-256d kernel (-minerkernel): portable, avx2, avx512 or shani\n"
    "    \"hashes\" : n,              (numeric) nonces hashed since start-up\n"
    "    \"blocksfound\" : n,         (numeric) blocks it found that joined the active chain\n"
    "    \"blocksrejected\" : n,      (numeric) blocks it found that did not (a race lost, or invalid)\n"
    "    \"jobs\" : n,                (numeric) block templates it worked on\n"
    "    \"staleabandoned\" : n,      (numeric) times a thread left a job because the tip changed\n"
    "    \"jobheight\" : n,           (numeric) height of the block being mined, -1 if none\n"
    "    \"lastabandonms\" : n,       (numeric) milliseconds from the last tip change to a thread leaving its job, -1 if none\n"
    "    \"waiting\" : \"str\",         (string, optional) why it does not mine now (initial block download, no peers)\n"
    "    \"threads\" : [              (json array) one object per mining thread\n"
    "      {\n"
    "        \"thread\" : n,          (numeric) index (it owns that slice of the nonce space)\n"
    "        \"hashespersec\" : n,    (numeric) its hash rate\n"
    "        \"hashes\" : n           (numeric) nonces it hashed\n"
    "      },\n"
    "      ...\n"
    "    ]\n"
    "  }\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getmininginfo", "") RPC_HELP_RPC("getmininginfo", "");

static json_t *rpc_getmininginfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, getmininginfo_help) || !rpc_need_chain(ctx, err))
        return NULL;
    chainstate_lock(ctx->chain);
    struct block_index *tip = chainstate_tip(ctx->chain);
    json_t *o = json_object();
    json_object_set_new(o, "blocks", json_integer(chainstate_height(ctx->chain)));
    if (tip) {
        json_object_set_new(o, "bits", hex32(tip->header.bits));
        json_object_set_new(o, "difficulty", rpc_json_double(rpc_difficulty(tip->header.bits)));
        json_object_set_new(o, "target", target_json(tip->header.bits));
    }
    json_object_set_new(o, "networkhashps", rpc_json_double(rpc_network_hashps(ctx->chain, 120, -1)));
    json_object_set_new(o, "pooledtx", json_integer(ctx->mempool ? (json_int_t)mempool_size(ctx->mempool) : 0));
    json_object_set_new(o, "chain", json_string(ctx->params->name));
    if (tip) {
        uint32_t bits = block_index_next_bits(tip, ctx->params);
        json_t *next = json_object();
        json_object_set_new(next, "height", json_integer(tip->height + 1));
        json_object_set_new(next, "bits", hex32(bits));
        json_object_set_new(next, "difficulty", rpc_json_double(rpc_difficulty(bits)));
        json_object_set_new(next, "target", target_json(bits));
        json_object_set_new(o, "next", next);
    }
    json_object_set_new(o, "warnings", json_array());
    chainstate_unlock(ctx->chain);
    rpc_native_miner_info(ctx, o);
    return o;
}

static const struct rpc_command mining_commands[] = {
    {"generating", "generateblock", rpc_generateblock, {"output", "transactions", "submit", NULL}, generateblock_help},
    {"generating", "generatetoaddress", rpc_generatetoaddress, {"nblocks", "address", "maxtries", NULL},
     generatetoaddress_help},
    {"generating", "generatetodescriptor", rpc_generatetodescriptor, {"num_blocks", "descriptor", "maxtries", NULL},
     generatetodescriptor_help},
    {"generating", "generatetovault", rpc_generatetovault, {"nblocks", "address", "share", "maxtries", NULL},
     generatetovault_help},
    {"mining", "getblocktemplate", rpc_getblocktemplate, {"template_request", NULL}, getblocktemplate_help},
    {"mining", "getmininginfo", rpc_getmininginfo, {NULL}, getmininginfo_help},
    {"mining", "submitblock", rpc_submitblock, {"hexdata", "dummy", NULL}, submitblock_help},
};

void rpc_register_mining(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(mining_commands) / sizeof(mining_commands[0]); i++)
        rpc_table_add(t, &mining_commands[i]);
    for (size_t i = 0; i < rpc_miner_command_count; i++)
        rpc_table_add(t, &rpc_miner_commands[i]);
}
