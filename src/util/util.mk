libhm_util_a_SOURCES += \
  src/util/alloc.c src/util/alloc.h \
  src/util/base64.c src/util/base64.h \
  src/util/file.c src/util/file.h \
  src/util/bytes.c src/util/bytes.h \
  src/util/check.c src/util/check.h \
  src/util/endian.h \
  src/util/hash256.c src/util/hash256.h \
  src/util/hex.c src/util/hex.h \
  src/util/log.c src/util/log.h \
  src/util/rbuf.c src/util/rbuf.h \
  src/util/wbuf.c src/util/wbuf.h

check_PROGRAMS += qa/unit/util/rbuf_tests qa/unit/util/wbuf_tests qa/unit/util/hex_tests \
  qa/unit/util/log_tests qa/unit/util/alloc_tests qa/unit/util/file_tests qa/unit/util/check_tests
qa_unit_util_rbuf_tests_SOURCES = qa/unit/util/rbuf_tests.c qa/unit/unit.h
qa_unit_util_rbuf_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_util_rbuf_tests_LDADD = $(UNIT_LIBS)
qa_unit_util_wbuf_tests_SOURCES = qa/unit/util/wbuf_tests.c qa/unit/unit.h
qa_unit_util_wbuf_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_util_wbuf_tests_LDADD = $(UNIT_LIBS)
qa_unit_util_hex_tests_SOURCES = qa/unit/util/hex_tests.c qa/unit/unit.h
qa_unit_util_hex_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_util_hex_tests_LDADD = $(UNIT_LIBS)
qa_unit_util_log_tests_SOURCES = qa/unit/util/log_tests.c qa/unit/unit.h
qa_unit_util_log_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_util_log_tests_LDADD = $(UNIT_LIBS)
qa_unit_util_alloc_tests_SOURCES = qa/unit/util/alloc_tests.c qa/unit/unit.h
qa_unit_util_alloc_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_util_alloc_tests_LDADD = $(UNIT_LIBS)
qa_unit_util_file_tests_SOURCES = qa/unit/util/file_tests.c qa/unit/unit.h
qa_unit_util_file_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_util_file_tests_LDADD = $(UNIT_LIBS)
qa_unit_util_check_tests_SOURCES = qa/unit/util/check_tests.c qa/unit/unit.h
qa_unit_util_check_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_util_check_tests_LDADD = $(UNIT_LIBS)
