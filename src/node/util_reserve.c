/* hashmint-util verifyreserveproof: checks a reserve proof offline, and
 * optionally that its block is in a headers file (doc/hashmint-util.md,
 * doc/issuance.md "Reserve proofs"). The checks are issuance/'s; this file
 * reads the arguments and the files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "issuance/reserve_headers.h"
#include "issuance/reserve_proof.h"
#include "src/node/util_common.h"
#include "src/rpc/json_reserve.h"
#include "src/util/alloc.h"

#define USAGE "hashmint-util verifyreserveproof [--chain=NAME] [--headers=FILE] <proof hex|file>"

/* Feeds the headers file to the check. Returns false with st set (a header
 * rule, a short file) or *io_error set (the file could not be read). */
static bool check_headers_file(struct val_state *st, bool *io_error, int32_t *height, int32_t *tip, const char *path,
                               const struct chain_params *p, const struct hash256 *block_hash)
{
    *io_error = false;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "error: %s: %s\n", path, strerror(errno));
        *io_error = true;
        return false;
    }
    struct reserve_headers h;
    reserve_headers_init(&h, p, block_hash);
    uint8_t raw[BLOCK_HEADER_SIZE];
    bool ok = true;
    for (;;) {
        size_t got = fread(raw, 1, sizeof(raw), f);
        if (got == 0)
            break;
        if (got < sizeof(raw)) {
            ok = val_invalid_debug(st, VAL_BLOCK_INVALID_HEADER, "bad-headers-length",
                                   "the file's length is not a multiple of 80");
            break;
        }
        if (!(ok = reserve_headers_add(st, &h, raw)))
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "error: %s: read error\n", path);
        *io_error = true;
        ok = false;
    }
    fclose(f);
    return ok && reserve_headers_finish(st, height, tip, &h);
}

int util_cmd_verifyreserveproof(int argc, char **argv)
{
    const char *chain_name = "main", *headers = NULL, *arg = NULL;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
        } else if (!options_done && strncmp(a, "--chain=", 8) == 0) {
            chain_name = a + 8;
        } else if (!options_done && strncmp(a, "--headers=", 10) == 0 && a[10]) {
            headers = a + 10;
        } else if (!options_done && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "error: unknown option '%s'\nusage: %s\n", a, USAGE);
            return UTIL_EXIT_USAGE;
        } else if (arg) {
            fprintf(stderr, "error: unexpected argument '%s'\nusage: %s\n", a, USAGE);
            return UTIL_EXIT_USAGE;
        } else {
            arg = a;
        }
    }
    if (!arg) {
        fprintf(stderr, "error: missing argument\nusage: %s\n", USAGE);
        return UTIL_EXIT_USAGE;
    }
    struct util_chain chain;
    if (!util_chain_select(&chain, chain_name))
        return UTIL_EXIT_USAGE;

    uint8_t *raw;
    size_t len;
    char err[256];
    if (!util_read_input(&raw, &len, arg, err, sizeof(err))) {
        fprintf(stderr, "error: %s\n", err);
        return UTIL_EXIT_FAIL;
    }
    struct val_state st;
    val_state_init(&st);
    struct reserve_proof proof;
    bool ok = reserve_proof_decode(&proof, raw, len);
    mem_free(raw);
    if (!ok) {
        val_invalid(&st, VAL_BLOCK_CONSENSUS, "bad-reserve-proof-encoding");
        util_print_json(rpc_reserve_proof_error_json(&st));
        return UTIL_EXIT_FAIL;
    }
    struct reserve_proof_result res;
    ok = reserve_proof_verify(&st, &res, &proof, chain.params);
    reserve_proof_clear(&proof);

    int32_t height = -1, tip = -1;
    if (ok && headers) {
        bool io_error;
        ok = check_headers_file(&st, &io_error, &height, &tip, headers, chain.params, &res.block_hash);
        if (!ok && io_error)
            return UTIL_EXIT_FAIL;
        /* The header's place in the chain is its height; the coinbase must say the same. */
        if (ok && height != res.height)
            ok = val_invalid_debug(&st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_PROOF_HEIGHT,
                                   "coinbase says height %ld, the headers %ld", (long)res.height, (long)height);
    }
    if (!ok) {
        util_print_json(rpc_reserve_proof_error_json(&st));
        return UTIL_EXIT_FAIL;
    }
    json_t *o = rpc_reserve_proof_json(&res);
    if (headers) {
        json_object_set_new(o, "headers_tip_height", json_integer(tip));
        json_object_set_new(o, "confirmations", json_integer((json_int_t)tip - height + 1));
    }
    return util_print_json(o);
}
