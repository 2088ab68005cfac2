#include "src/store/flatfile.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"

static const uint8_t MAGIC[4] = {0xf9, 0xbe, 0xb4, 0xd9};

static uint8_t *pattern(size_t len, uint8_t seed)
{
    uint8_t *p = mem_alloc(len);
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(seed + i * 31);
    return p;
}

static void check_read(struct flatfile *ff, const struct flat_pos *pos, const uint8_t *want, size_t len)
{
    uint8_t *data;
    size_t n;
    struct store_error err;
    ck_assert_int_eq(flatfile_read_block(ff, &data, &n, pos, &err), 0);
    ck_assert_uint_eq(n, len);
    ck_assert(memcmp(data, want, len) == 0);
    mem_free(data);
}

static off_t file_size(const char *dir, const char *prefix, int file)
{
    char path[512];
    ck_assert(flatfile_path(path, sizeof(path), dir, prefix, file));
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return st.st_size;
}

static void poke(const char *dir, const char *prefix, int file, off_t off, const void *p, size_t n)
{
    char path[512];
    ck_assert(flatfile_path(path, sizeof(path), dir, prefix, file));
    int fd = open(path, O_RDWR);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, p, n, off), (ssize_t)n);
    close(fd);
}

START_TEST(block_round_trip_and_info)
{
    char dir[64];
    tmpdir_make(dir);
    struct store_error err;
    struct flatfile *ff = flatfile_open(dir, MAGIC, &err);
    ck_assert_ptr_nonnull(ff);
    uint8_t *a = pattern(285, 1), *b = pattern(1000, 2);
    struct flat_pos pa, pb;
    ck_assert_int_eq(flatfile_write_block(ff, &pa, a, 285, 0, 1231006505, &err), 0);
    ck_assert_int_eq(flatfile_write_block(ff, &pb, b, 1000, 1, 1231469665, &err), 0);
    ck_assert_int_eq(pa.file, 0);
    ck_assert_uint_eq(pa.pos, 8);
    ck_assert_uint_eq(pb.pos, 8 + 285 + 8);
    ck_assert_int_eq(flatfile_flush(ff, &err), 0);
    check_read(ff, &pa, a, 285);
    check_read(ff, &pb, b, 1000);
    ck_assert_int_eq(file_size(dir, "blk", 0), 8 + 285 + 8 + 1000);

    struct flat_file_info info;
    ck_assert(flatfile_get_info(ff, &info, 0));
    ck_assert_uint_eq(info.blocks, 2);
    ck_assert_uint_eq(info.size, 8 + 285 + 8 + 1000);
    ck_assert_uint_eq(info.height_first, 0);
    ck_assert_uint_eq(info.height_last, 1);
    ck_assert_uint_eq(info.time_first, 1231006505);
    ck_assert_uint_eq(info.time_last, 1231469665);
    ck_assert(!flatfile_get_info(ff, &info, 5));

    size_t n;
    int *dirty = flatfile_take_dirty(ff, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(dirty[0], 0);
    mem_free(dirty);
    ck_assert_ptr_null(flatfile_take_dirty(ff, &n));
    ck_assert_uint_eq(n, 0);
    flatfile_close(ff);

    /* A restart restores the info and appends after the recorded end,
     * overwriting bytes a crash may have left beyond it. */
    ff = flatfile_open(dir, MAGIC, &err);
    struct flat_file_info only_a = {1, 8 + 285, 0, 0, 0, 1231006505, 1231006505};
    ck_assert_int_eq(flatfile_set_info(ff, 0, &only_a, &err), 0);
    struct flat_pos pc;
    ck_assert_int_eq(flatfile_write_block(ff, &pc, b, 500, 1, 5, &err), 0);
    ck_assert_uint_eq(pc.pos, pb.pos);
    check_read(ff, &pc, b, 500);
    check_read(ff, &pa, a, 285);
    flatfile_close(ff);
    mem_free(a);
    mem_free(b);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(rollover_at_size_limit)
{
    char dir[64];
    tmpdir_make(dir);
    struct store_error err;
    struct flatfile *ff = flatfile_open(dir, MAGIC, &err);
    flatfile_set_max_file_size(ff, 1000);
    uint8_t *blk = pattern(300, 3);
    struct flat_pos pos[8];
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(flatfile_write_block(ff, &pos[i], blk, 300, (uint32_t)i, (uint64_t)i, &err), 0);
    /* 3 records of 308 bytes fit in 1000; the 4th starts a new file. */
    ck_assert_int_eq(pos[2].file, 0);
    ck_assert_int_eq(pos[3].file, 1);
    ck_assert_uint_eq(pos[3].pos, 8);
    ck_assert_int_eq(pos[7].file, 2);
    ck_assert_int_eq(flatfile_last_file(ff), 2);
    struct flat_file_info info;
    ck_assert(flatfile_get_info(ff, &info, 1));
    ck_assert_uint_eq(info.blocks, 3);
    ck_assert_uint_eq(info.height_first, 3);
    ck_assert_uint_eq(info.height_last, 5);
    /* A block larger than the limit still gets a file of its own. */
    uint8_t *big = pattern(2000, 4);
    struct flat_pos pbig;
    ck_assert_int_eq(flatfile_write_block(ff, &pbig, big, 2000, 9, 9, &err), 0);
    ck_assert_int_eq(pbig.file, 3);
    ck_assert_int_eq(flatfile_flush(ff, &err), 0);
    for (int i = 0; i < 8; i++)
        check_read(ff, &pos[i], blk, 300);
    check_read(ff, &pbig, big, 2000);
    ck_assert_int_eq(file_size(dir, "blk", 0), 3 * 308);
    size_t n;
    int *dirty = flatfile_take_dirty(ff, &n);
    ck_assert_uint_eq(n, 4);
    mem_free(dirty);
    flatfile_close(ff);
    mem_free(blk);
    mem_free(big);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(corrupt_records_are_rejected)
{
    char dir[64];
    tmpdir_make(dir);
    struct store_error err;
    struct flatfile *ff = flatfile_open(dir, MAGIC, &err);
    uint8_t *blk = pattern(400, 5);
    struct flat_pos p0, p1;
    ck_assert_int_eq(flatfile_write_block(ff, &p0, blk, 400, 0, 0, &err), 0);
    ck_assert_int_eq(flatfile_write_block(ff, &p1, blk, 400, 1, 0, &err), 0);
    ck_assert_int_eq(flatfile_flush(ff, &err), 0);
    uint8_t *data = (uint8_t *)1;
    size_t n = 1;

    /* Bad magic. */
    static const uint8_t junk[4] = {0, 1, 2, 3};
    poke(dir, "blk", 0, 0, junk, 4);
    ck_assert_int_eq(flatfile_read_block(ff, &data, &n, &p0, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
    ck_assert_ptr_null(data);
    ck_assert_uint_eq(n, 0);
    check_read(ff, &p1, blk, 400);

    /* Length beyond the end of the file, zero length and absurd length. */
    uint8_t hdr[8];
    memcpy(hdr, MAGIC, 4);
    le32_write(hdr + 4, 100000);
    poke(dir, "blk", 0, 0, hdr, 8);
    ck_assert_int_eq(flatfile_read_block(ff, &data, &n, &p0, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
    le32_write(hdr + 4, 0);
    poke(dir, "blk", 0, 0, hdr, 8);
    ck_assert_int_eq(flatfile_read_block(ff, &data, &n, &p0, &err), -1);
    le32_write(hdr + 4, 0xffffffff);
    poke(dir, "blk", 0, 0, hdr, 8);
    ck_assert_int_eq(flatfile_read_block(ff, &data, &n, &p0, &err), -1);

    /* Positions outside the file or without a file. */
    struct flat_pos bad = {0, 4};
    ck_assert_int_eq(flatfile_read_block(ff, &data, &n, &bad, &err), -1);
    bad.pos = 1u << 30;
    ck_assert_int_eq(flatfile_read_block(ff, &data, &n, &bad, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
    bad.file = 7;
    bad.pos = 8;
    ck_assert_int_eq(flatfile_read_block(ff, &data, &n, &bad, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_IO);
    bad.file = -1;
    ck_assert_int_eq(flatfile_read_block(ff, &data, &n, &bad, &err), -1);

    /* A truncated file. */
    char path[512];
    ck_assert(flatfile_path(path, sizeof(path), dir, "blk", 0));
    ck_assert_int_eq(truncate(path, (off_t)p1.pos + 100), 0);
    ck_assert_int_eq(flatfile_read_block(ff, &data, &n, &p1, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);

    /* Refused writes. */
    struct flat_pos out;
    ck_assert_int_eq(flatfile_write_block(ff, &out, blk, 0, 0, 0, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_INVALID);
    ck_assert_int_eq(out.file, -1);
    flatfile_close(ff);
    mem_free(blk);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(undo_checksum)
{
    char dir[64];
    tmpdir_make(dir);
    struct store_error err;
    struct flatfile *ff = flatfile_open(dir, MAGIC, &err);
    uint8_t *undo = pattern(120, 6);
    struct hash256 parent, other;
    memset(parent.b, 0x11, 32);
    memset(other.b, 0x22, 32);
    struct flat_pos u0, u1;
    ck_assert_int_eq(flatfile_write_undo(ff, &u0, 0, undo, 120, &parent, &err), 0);
    ck_assert_int_eq(flatfile_write_undo(ff, &u1, 0, undo, 60, &other, &err), 0);
    ck_assert_uint_eq(u0.pos, 8);
    ck_assert_uint_eq(u1.pos, 8 + 120 + 32 + 8);
    ck_assert_int_eq(flatfile_flush(ff, &err), 0);
    ck_assert_int_eq(file_size(dir, "rev", 0), 2 * (8 + 32) + 180);
    struct flat_file_info info;
    ck_assert(flatfile_get_info(ff, &info, 0));
    ck_assert_uint_eq(info.undo_size, 2 * (8 + 32) + 180);

    uint8_t *data;
    size_t n;
    ck_assert_int_eq(flatfile_read_undo(ff, &data, &n, &u0, &parent, &err), 0);
    ck_assert_uint_eq(n, 120);
    ck_assert(memcmp(data, undo, 120) == 0);
    mem_free(data);
    ck_assert_int_eq(flatfile_read_undo(ff, &data, &n, &u1, &other, &err), 0);
    mem_free(data);
    /* Wrong hash, flipped payload byte: checksum mismatch. */
    ck_assert_int_eq(flatfile_read_undo(ff, &data, &n, &u0, &other, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
    ck_assert_ptr_null(data);
    uint8_t flip = (uint8_t)(undo[10] ^ 1);
    poke(dir, "rev", 0, (off_t)u0.pos + 10, &flip, 1);
    ck_assert_int_eq(flatfile_read_undo(ff, &data, &n, &u0, &parent, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
    /* Missing checksum (truncated file). */
    char path[512];
    ck_assert(flatfile_path(path, sizeof(path), dir, "rev", 0));
    ck_assert_int_eq(truncate(path, (off_t)u1.pos + 60 + 10), 0);
    ck_assert_int_eq(flatfile_read_undo(ff, &data, &n, &u1, &other, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
    flatfile_close(ff);
    mem_free(undo);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(reader_skips_garbage)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "import.dat");
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    uint8_t *b1 = pattern(100, 7), *b2 = pattern(200, 8);
    uint8_t hdr[8];
    /* garbage, record 1, zero padding, a magic with a bad length, record 2, truncated record 3 */
    fwrite("garbage", 1, 7, f);
    memcpy(hdr, MAGIC, 4);
    le32_write(hdr + 4, 100);
    fwrite(hdr, 1, 8, f);
    fwrite(b1, 1, 100, f);
    static const uint8_t zeros[50];
    fwrite(zeros, 1, sizeof(zeros), f);
    le32_write(hdr + 4, 3);
    fwrite(hdr, 1, 8, f);
    le32_write(hdr + 4, 200);
    fwrite(hdr, 1, 8, f);
    fwrite(b2, 1, 200, f);
    le32_write(hdr + 4, 500);
    fwrite(hdr, 1, 8, f);
    fwrite(b2, 1, 100, f);
    fclose(f);

    struct store_error err;
    struct flatfile_reader *rd = flatfile_reader_open(path, MAGIC, &err);
    ck_assert_ptr_nonnull(rd);
    uint8_t *data;
    size_t n;
    uint64_t off;
    ck_assert_int_eq(flatfile_reader_next(rd, &data, &n, &off, &err), 1);
    ck_assert_uint_eq(n, 100);
    ck_assert_uint_eq(off, 15);
    ck_assert(memcmp(data, b1, 100) == 0);
    mem_free(data);
    ck_assert_int_eq(flatfile_reader_next(rd, &data, &n, &off, &err), 1);
    ck_assert_uint_eq(n, 200);
    ck_assert_uint_eq(off, 15 + 100 + 50 + 8 + 8);
    ck_assert(memcmp(data, b2, 200) == 0);
    mem_free(data);
    ck_assert_int_eq(flatfile_reader_next(rd, &data, &n, &off, &err), 0);
    ck_assert_ptr_null(data);
    ck_assert_int_eq(flatfile_reader_next(rd, &data, &n, &off, &err), 0);
    flatfile_reader_close(rd);
    ck_assert_ptr_null(flatfile_reader_open("/nonexistent/x.dat", MAGIC, &err));
    ck_assert_int_eq(err.kind, STORE_ERR_IO);
    mem_free(b1);
    mem_free(b2);
    tmpdir_remove(dir);
}
END_TEST

/* The real Bitcoin blocks 1-255 file reads as 255 records. */
START_TEST(reader_reads_bitcoin_blocks)
{
    const char *path = UNIT_DATA("bitcoin-mainnet/blocks-1-255.dat");
    struct store_error err;
    struct flatfile_reader *rd = flatfile_reader_open(path, MAGIC, &err);
    ck_assert_ptr_nonnull(rd);
    uint8_t *data;
    size_t n;
    uint64_t off;
    int count = 0;
    while (flatfile_reader_next(rd, &data, &n, &off, &err) == 1) {
        ck_assert_uint_ge(n, 80);
        mem_free(data);
        count++;
    }
    ck_assert_int_eq(count, 255);
    flatfile_reader_close(rd);
}
END_TEST

static Suite *flatfile_suite(void)
{
    Suite *s = suite_create("store_flatfile");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, block_round_trip_and_info);
    tcase_add_test(tc, rollover_at_size_limit);
    tcase_add_test(tc, corrupt_records_are_rejected);
    tcase_add_test(tc, undo_checksum);
    tcase_add_test(tc, reader_skips_garbage);
    tcase_add_test(tc, reader_reads_bitcoin_blocks);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(flatfile_suite)
