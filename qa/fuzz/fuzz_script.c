/* Fuzz target: script primitives on arbitrary bytes (operation reader, asm,
 * sigop counts, templates, script numbers, push encodings). */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "consensus/interpreter.h"
#include "consensus/script.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *pc = data, *end = data + size;
    size_t ops = 0;
    while (pc < end) {
        enum opcode op;
        const uint8_t *d;
        size_t n;
        const uint8_t *before = pc;
        bool ok = script_get_op(&pc, end, &op, &d, &n);
        assert(pc > before && pc <= end);
        if (!ok)
            break;
        if (d)
            assert(d >= data && d + n <= end);
        assert(script_op_name(op) != NULL);
        ops++;
    }
    assert(ops <= size);

    char *a = script_to_asm(data, size, false);
    char *b = script_to_asm(data, size, true);
    assert(strlen(a) <= strlen(b) + 64 * size || size == 0);
    mem_free(a);
    mem_free(b);

    unsigned legacy = script_sigop_count(data, size, false);
    unsigned accurate = script_sigop_count(data, size, true);
    assert(accurate <= legacy);
    (void)script_p2sh_sigop_count(data, size, data, size);
    size_t half = size / 2;
    struct witness w = { NULL, 0 };
    (void)script_witness_sigop_count(data, half, data + half, size - half, &w,
                                     SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TOKENS);
    (void)script_is_p2sh(data, size);
    (void)script_is_push_only(data, size);
    (void)script_is_unspendable(data, size);
    int version;
    const uint8_t *prog;
    size_t prog_len;
    if (script_is_witness_program(data, size, &version, &prog, &prog_len))
        assert(version >= 0 && version <= 16 && prog_len >= 2 && prog_len <= 40);

    /* Script numbers: a decoded value re-encodes to the same bytes when minimal. */
    size_t nlen = size < 8 ? size : 8;
    int64_t v;
    if (script_num_decode(&v, data, nlen, true, 8)) {
        uint8_t buf[9];
        size_t len = script_num_encode(buf, v);
        assert(len == nlen && memcmp(buf, data, nlen) == 0);
    }
    if (script_num_decode(&v, data, nlen, false, 8)) {
        struct wbuf pw;
        wbuf_init(&pw);
        script_push_int(&pw, v);
        const uint8_t *p2 = pw.data;
        enum opcode op;
        assert(script_get_op(&p2, pw.data + pw.len, &op, NULL, NULL));
        assert(p2 == pw.data + pw.len);
        wbuf_clear(&pw);
    }
    /* A push of the input parses back to exactly the input. */
    struct wbuf pw;
    wbuf_init(&pw);
    script_push_data(&pw, data, size);
    const uint8_t *p2 = pw.data, *d;
    size_t n;
    enum opcode op;
    assert(script_get_op(&p2, pw.data + pw.len, &op, &d, &n));
    assert(n == size && p2 == pw.data + pw.len && (size == 0 || memcmp(d, data, size) == 0));
    wbuf_clear(&pw);
    return 0;
}
