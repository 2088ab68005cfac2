# net/sync.mk: headers-first sync and block relay (net/sync*.c).
libhm_net_a_SOURCES += net/node_iface.h net/sync.h net/sync_internal.h net/sync.c net/sync_headers.c \
  net/sync_blocks.c net/sync_serve.c net/sync_cmpct.c net/blockencodings.c net/blockencodings.h

# net/sync*.c through net/peer_dispatch.c over a fake connman (the test defines
# the connman_* functions net/ calls) and the node's chain interface.
check_PROGRAMS += qa/unit/net/sync_tests
qa_unit_net_sync_tests_SOURCES = qa/unit/net/sync_tests.c $(CHAIN_TEST_UTIL)
qa_unit_net_sync_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_net_sync_tests_LDADD = libhm_node.a $(UNIT_NODE_LIBS)

# BIP 152 encodings and reconstruction (net/blockencodings.c).
check_PROGRAMS += qa/unit/net/blockencodings_tests
qa_unit_net_blockencodings_tests_SOURCES = qa/unit/net/blockencodings_tests.c qa/unit/unit.h
qa_unit_net_blockencodings_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_net_blockencodings_tests_LDADD = $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_cmpct
qa_fuzz_fuzz_cmpct_SOURCES = qa/fuzz/fuzz_cmpct.c
qa_fuzz_fuzz_cmpct_LDADD = libhm_net.a $(HM_CORE_LIBS)
qa_fuzz_fuzz_cmpct_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
