# src/miner/: mining jobs and the division of their work, the native
# SHA-256d miner, the submission path shared with submitblock.
libhm_miner_a_SOURCES += \
  src/miner/work.c src/miner/work.h \
  src/miner/kernel.c src/miner/kernel.h \
  src/miner/submit.c src/miner/submit.h \
  src/miner/native.c src/miner/native.h \
  src/miner/watch.c src/miner/watch.h

check_PROGRAMS += qa/unit/miner/work_tests qa/unit/miner/native_tests qa/unit/miner/watch_tests
qa_unit_miner_work_tests_SOURCES = qa/unit/miner/work_tests.c qa/unit/unit.h
qa_unit_miner_work_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_miner_work_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_miner_native_tests_SOURCES = qa/unit/miner/native_tests.c qa/unit/chain/chain_test_util.c \
  qa/unit/chain/chain_test_util.h qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_miner_native_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_miner_native_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_miner_watch_tests_SOURCES = qa/unit/miner/watch_tests.c qa/unit/chain/chain_test_util.c \
  qa/unit/chain/chain_test_util.h qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_miner_watch_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_miner_watch_tests_LDADD = $(UNIT_NODE_LIBS)
