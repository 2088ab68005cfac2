# src/stratum/: the Stratum v1 server (-stratum): share checks, vardiff,
# solo and pplns payouts, the job builder thread and the libevent server.
libhm_stratum_a_SOURCES += \
  src/stratum/share.c src/stratum/share.h \
  src/stratum/vardiff.c src/stratum/vardiff.h \
  src/stratum/payout.c src/stratum/payout.h \
  src/stratum/protocol.c src/stratum/protocol.h \
  src/stratum/allow.c src/stratum/allow.h \
  src/stratum/jobs.c src/stratum/jobs.h \
  src/stratum/sharelog.c src/stratum/sharelog.h \
  src/stratum/server.c src/stratum/server.h

check_PROGRAMS += qa/unit/stratum/share_tests qa/unit/stratum/vardiff_tests qa/unit/stratum/payout_tests \
  qa/unit/stratum/protocol_tests qa/unit/stratum/allow_tests
qa_unit_stratum_share_tests_SOURCES = qa/unit/stratum/share_tests.c qa/unit/unit.h
qa_unit_stratum_share_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_stratum_share_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_stratum_vardiff_tests_SOURCES = qa/unit/stratum/vardiff_tests.c qa/unit/unit.h
qa_unit_stratum_vardiff_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_stratum_vardiff_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_stratum_payout_tests_SOURCES = qa/unit/stratum/payout_tests.c qa/unit/unit.h
qa_unit_stratum_payout_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_stratum_payout_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_stratum_protocol_tests_SOURCES = qa/unit/stratum/protocol_tests.c qa/unit/unit.h
qa_unit_stratum_protocol_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_stratum_protocol_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_stratum_allow_tests_SOURCES = qa/unit/stratum/allow_tests.c qa/unit/unit.h
qa_unit_stratum_allow_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_stratum_allow_tests_LDADD = $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_stratum_line
qa_fuzz_fuzz_stratum_line_SOURCES = qa/fuzz/fuzz_stratum_line.c
qa_fuzz_fuzz_stratum_line_LDADD = $(HM_NODE_LIBS)
qa_fuzz_fuzz_stratum_line_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
