/* Fuzz target: the Stratum line parser (src/stratum/protocol.c) and the
 * submit fields' checks (src/stratum/share.c).
 *
 * The input is one line as a client sends it. Whatever parses must have a
 * string method and an array of params; an error or a result built for it
 * must serialise to one line. A mining.submit's string params are run
 * through the share check against a fixed job. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "src/chain/miner.h"
#include "src/stratum/protocol.h"
#include "src/stratum/share.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct miner_job job;
static bool job_ready;

static void make_job(void)
{
    static const uint8_t spk[22] = { 0x00, 0x14 };
    struct block_template t;
    memset(&t, 0, sizeof(t));
    block_init(&t.block);
    t.height = 10;
    t.mtp = 1700000000;
    struct tx cb;
    miner_coinbase_build(&cb, 10, 0, 5000000000LL, spk, sizeof(spk));
    block_add_tx(&t.block, &cb);
    tx_clear(&cb);
    t.block.header.version = 0x20000000;
    t.block.header.bits = 0x207fffff;
    t.block.header.time = 1700000001;
    t.fees = mem_calloc(1, sizeof(int64_t));
    t.sigops_cost = mem_calloc(1, sizeof(int64_t));
    job_ready = miner_job_init(&job, &t, 8, MINER_VERSION_ROLL_MASK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!job_ready)
        make_job();
    struct stratum_request r;
    char err[64];
    if (!stratum_request_parse(&r, (const char *)data, size, err, sizeof(err))) {
        assert(r.root == NULL);
        return 0;
    }
    assert(json_is_array(r.params));
    assert(r.id != NULL);
    json_t *reply = r.method == STRATUM_M_UNKNOWN ? stratum_error(r.id, 20, "Method not found")
                                                  : stratum_result(r.id, json_true());
    size_t len;
    char *line = stratum_encode(reply, &len);
    assert(line && len > 0 && line[len - 1] == '\n' && memchr(line, '\n', len - 1) == NULL);
    mem_free(line);
    json_decref(reply);
    if (r.method == STRATUM_M_SUBMIT && job_ready) {
        static const uint8_t en1[4] = { 1, 2, 3, 4 };
        struct stratum_share_ctx c = { en1, 4, 4, MINER_VERSION_ROLL_MASK, { 0 }, 1700000000, 7200 };
        json_t *d = json_array_get(r.params, 5);
        stratum_difficulty_target(c.share_target, json_is_number(d) ? json_number_value(d) : 1.0);
        struct stratum_submit s = {
            json_string_value(json_array_get(r.params, 2)), json_string_value(json_array_get(r.params, 3)),
            json_string_value(json_array_get(r.params, 4)), json_string_value(json_array_get(r.params, 6)),
        };
        struct stratum_share sh;
        enum stratum_share_result res = stratum_share_check(&sh, &c, &job, &s);
        assert((unsigned)res < STRATUM_SHARE_RESULT_COUNT);
    }
    stratum_request_clear(&r);
    return 0;
}
