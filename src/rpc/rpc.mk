# src/rpc/: JSON rendering, the JSON-RPC/REST server and the method table.
libhm_rpc_a_SOURCES += \
  src/rpc/json_block.c src/rpc/json_block.h \
  src/rpc/json_tx.c src/rpc/json_tx.h \
  src/rpc/json_write.c src/rpc/json_write.h \
  src/rpc/token_output.c src/rpc/token_output.h \
  src/rpc/rpc.h \
  src/rpc/rpc_table.c \
  src/rpc/jsonrpc.c src/rpc/jsonrpc.h \
  src/rpc/rest_reply.c src/rpc/rest.h \
  src/rpc/rpc_auth.c src/rpc/rpc_auth.h \
  src/rpc/auth_throttle.c src/rpc/auth_throttle.h \
  src/rpc/rpc_server.c src/rpc/rpc_server.h \
  src/rpc/rpc_control.c \
  src/rpc/rpc_client.c src/rpc/rpc_client.h

check_PROGRAMS += qa/unit/rpc/rpc_table_tests qa/unit/rpc/rpc_auth_tests qa/unit/rpc/jsonrpc_tests \
  qa/unit/rpc/rpc_server_tests qa/unit/rpc/auth_throttle_tests
qa_unit_rpc_auth_throttle_tests_SOURCES = qa/unit/rpc/auth_throttle_tests.c qa/unit/unit.h
qa_unit_rpc_auth_throttle_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_auth_throttle_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_rpc_rpc_table_tests_SOURCES = qa/unit/rpc/rpc_table_tests.c qa/unit/unit.h
qa_unit_rpc_rpc_table_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_rpc_table_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_rpc_rpc_auth_tests_SOURCES = qa/unit/rpc/rpc_auth_tests.c qa/unit/unit.h
qa_unit_rpc_rpc_auth_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_rpc_auth_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_rpc_jsonrpc_tests_SOURCES = qa/unit/rpc/jsonrpc_tests.c qa/unit/unit.h
qa_unit_rpc_jsonrpc_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_jsonrpc_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_rpc_rpc_server_tests_SOURCES = qa/unit/rpc/rpc_server_tests.c qa/unit/unit.h
qa_unit_rpc_rpc_server_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_rpc_server_tests_LDADD = $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_jsonrpc
qa_fuzz_fuzz_jsonrpc_SOURCES = qa/fuzz/fuzz_jsonrpc.c
qa_fuzz_fuzz_jsonrpc_LDADD = libhm_rpc.a $(HM_CORE_LIBS) $(JANSSON_LIBS)
qa_fuzz_fuzz_jsonrpc_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# The JSON of reserve proofs (verifyreserveproof, hashmint-util).
libhm_rpc_a_SOURCES += src/rpc/json_reserve.c src/rpc/json_reserve.h
