# src/store/: LevelDB, block and undo files, block index, coins, txindex
libhm_store_a_SOURCES += \
  src/store/error.c src/store/error.h \
  src/store/fault.c src/store/fault.h \
  src/store/disk.c src/store/disk.h \
  src/store/compress.c src/store/compress.h \
  src/store/coin.c src/store/coin.h \
  src/store/kvdb.c src/store/kvdb.h \
  src/store/flatfile.c src/store/flatfile.h \
  src/store/block_index_db.c src/store/block_index_db.h \
  src/store/coins_db.c src/store/coins_db.h \
  src/store/txindex_db.c src/store/txindex_db.h

STORE_UNIT_TESTS = qa/unit/store/compress_tests qa/unit/store/coin_tests qa/unit/store/kvdb_tests \
  qa/unit/store/flatfile_tests qa/unit/store/block_index_db_tests qa/unit/store/coins_db_tests \
  qa/unit/store/txindex_db_tests qa/unit/store/disk_tests qa/unit/store/error_tests qa/unit/store/fault_tests
check_PROGRAMS += $(STORE_UNIT_TESTS)
qa_unit_store_compress_tests_SOURCES = qa/unit/store/compress_tests.c qa/unit/unit.h
qa_unit_store_compress_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_store_compress_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_store_coin_tests_SOURCES = qa/unit/store/coin_tests.c qa/unit/unit.h
qa_unit_store_coin_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_store_coin_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_store_kvdb_tests_SOURCES = qa/unit/store/kvdb_tests.c qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_store_kvdb_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_store_kvdb_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_store_flatfile_tests_SOURCES = qa/unit/store/flatfile_tests.c qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_store_flatfile_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_store_flatfile_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_store_block_index_db_tests_SOURCES = qa/unit/store/block_index_db_tests.c qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_store_block_index_db_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_store_block_index_db_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_store_coins_db_tests_SOURCES = qa/unit/store/coins_db_tests.c qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_store_coins_db_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_store_coins_db_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_store_txindex_db_tests_SOURCES = qa/unit/store/txindex_db_tests.c qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_store_txindex_db_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_store_txindex_db_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_store_disk_tests_SOURCES = qa/unit/store/disk_tests.c qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_store_disk_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_store_disk_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_store_error_tests_SOURCES = qa/unit/store/error_tests.c qa/unit/unit.h
qa_unit_store_error_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_store_error_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_store_fault_tests_SOURCES = qa/unit/store/fault_tests.c qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_store_fault_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_store_fault_tests_LDADD = $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_coin_decode
qa_fuzz_fuzz_coin_decode_SOURCES = qa/fuzz/fuzz_coin_decode.c
qa_fuzz_fuzz_coin_decode_LDADD = libhm_store.a $(HM_CORE_LIBS) $(LEVELDB_LIBS)
qa_fuzz_fuzz_coin_decode_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
