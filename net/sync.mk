# net/sync.mk: owned by the p2p-sync helper (headers-first sync, block relay, node wiring).
libhm_net_a_SOURCES += net/node_iface.h net/sync.h net/sync_internal.h net/sync.c net/sync_headers.c \
  net/sync_blocks.c net/sync_serve.c
# hashmintd's wiring of net/ (src/node may use every layer). It lives in
# libhm_net.a rather than hashmintd_SOURCES because init.c, which calls it, is
# also compiled into qa/unit/node/init_tests (both link $(HM_NODE_LIBS), where
# libhm_net.a precedes libhm_chain.a, so its chain references resolve).
libhm_net_a_SOURCES += src/node/net_glue.c src/node/net_glue.h src/node/chain_iface.c src/node/chain_iface.h

check_PROGRAMS += qa/unit/node/chain_iface_tests
qa_unit_node_chain_iface_tests_SOURCES = qa/unit/node/chain_iface_tests.c $(CHAIN_TEST_UTIL)
qa_unit_node_chain_iface_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_node_chain_iface_tests_LDADD = $(UNIT_NODE_LIBS)

# net/sync.c over a fake connman (the test defines the connman_* functions it calls).
check_PROGRAMS += qa/unit/net/sync_tests
qa_unit_net_sync_tests_SOURCES = qa/unit/net/sync_tests.c $(CHAIN_TEST_UTIL)
qa_unit_net_sync_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_net_sync_tests_LDADD = $(UNIT_NODE_LIBS)
