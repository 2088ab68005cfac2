# net/relay.mk: transaction relay, address manager, bans (p2p-relay helper).
libhm_net_a_SOURCES += \
  net/rollbloom.c net/rollbloom.h \
  net/txrequest.c net/txrequest.h \
  net/txorphan.c net/txorphan.h \
  net/txrelay.c net/txrelay.h \
  net/addrman.c net/addrman.h \
  net/banman.c net/banman.h \
  net/addrrelay.c net/addrrelay.h

check_PROGRAMS += qa/unit/net/txrelay_tests qa/unit/net/addrman_tests qa/unit/net/banman_tests \
  qa/unit/net/rollbloom_tests
qa_unit_net_rollbloom_tests_SOURCES = qa/unit/net/rollbloom_tests.c qa/unit/unit.h
qa_unit_net_rollbloom_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_net_rollbloom_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_net_txrelay_tests_SOURCES = qa/unit/net/txrelay_tests.c qa/unit/unit.h
qa_unit_net_txrelay_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_net_txrelay_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_net_addrman_tests_SOURCES = qa/unit/net/addrman_tests.c qa/unit/unit.h
qa_unit_net_addrman_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_net_addrman_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_net_banman_tests_SOURCES = qa/unit/net/banman_tests.c qa/unit/unit.h
qa_unit_net_banman_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_net_banman_tests_LDADD = $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_relay
qa_fuzz_fuzz_relay_SOURCES = qa/fuzz/fuzz_relay.c
qa_fuzz_fuzz_relay_LDADD = libhm_net.a $(HM_CORE_LIBS) -lm
qa_fuzz_fuzz_relay_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
