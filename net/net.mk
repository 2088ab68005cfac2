# net/: P2P transport, messages and connection management (p2p-core helper).
libhm_net_a_SOURCES += \
  net/protocol.c net/protocol.h \
  net/netaddr.c net/netaddr.h \
  net/messages.c net/messages.h \
  net/peer.c net/peer.h \
  net/connman.c net/connman_conn.c net/connman_rpc.c net/connman.h net/connman_internal.h \
  net/peer_dispatch.c net/peer_dispatch.h

check_PROGRAMS += qa/unit/net/protocol_tests qa/unit/net/messages_tests
qa_unit_net_protocol_tests_SOURCES = qa/unit/net/protocol_tests.c qa/unit/unit.h
qa_unit_net_protocol_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_net_protocol_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_net_messages_tests_SOURCES = qa/unit/net/messages_tests.c qa/unit/unit.h
qa_unit_net_messages_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_net_messages_tests_LDADD = $(UNIT_NODE_LIBS)

check_PROGRAMS += qa/unit/net/connman_tests
qa_unit_net_connman_tests_SOURCES = qa/unit/net/connman_tests.c qa/unit/unit.h
qa_unit_net_connman_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_net_connman_tests_LDADD = $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_net_message
qa_fuzz_fuzz_net_message_SOURCES = qa/fuzz/fuzz_net_message.c
qa_fuzz_fuzz_net_message_LDADD = libhm_net.a $(HM_CORE_LIBS)
qa_fuzz_fuzz_net_message_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# The message processor (sync + txrelay + addrrelay) fed arbitrary message
# sequences over a fake connman, chain and mempool (qa/fuzz/fuzz_net_process.c).
FUZZ_TARGETS += qa/fuzz/fuzz_net_process
qa_fuzz_fuzz_net_process_SOURCES = qa/fuzz/fuzz_net_process.c qa/fuzz/net_fake_node.c qa/fuzz/net_fake_node.h
qa_fuzz_fuzz_net_process_LDADD = $(HM_NODE_LIBS) -lm
qa_fuzz_fuzz_net_process_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
