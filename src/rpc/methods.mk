# src/rpc/: RPC method categories and REST
libhm_crypto_a_SOURCES += src/crypto/keys_recovery.c src/crypto/keys_recovery.h
libhm_rpc_a_SOURCES += \
  src/rpc/rpc_args.c src/rpc/rpc_args.h \
  src/rpc/rpc_keys.c src/rpc/rpc_keys.h \
  src/rpc/descriptor.c src/rpc/descriptor.h \
  src/rpc/rpc_util.c \
  src/rpc/tx_sign.c src/rpc/tx_sign.h \
  src/rpc/rpc_internal.h \
  src/rpc/rpc_rawtx.c src/rpc/rpc_rawtx_chain.c \
  src/rpc/rpc_blockchain.c src/rpc/rpc_mempool.c \
  src/rpc/rpc_mining.c src/rpc/rest.c \
  src/rpc/rpc_issuance_debug.c

check_PROGRAMS += qa/unit/rpc/descriptor_tests qa/unit/rpc/rpc_keys_tests
qa_unit_rpc_descriptor_tests_SOURCES = qa/unit/rpc/descriptor_tests.c qa/unit/unit.h
qa_unit_rpc_descriptor_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_descriptor_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_rpc_rpc_keys_tests_SOURCES = qa/unit/rpc/rpc_keys_tests.c qa/unit/unit.h
qa_unit_rpc_rpc_keys_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_rpc_keys_tests_LDADD = $(UNIT_NODE_LIBS)
check_PROGRAMS += qa/unit/rpc/rpc_rawtx_tests
qa_unit_rpc_rpc_rawtx_tests_SOURCES = qa/unit/rpc/rpc_rawtx_tests.c qa/unit/unit.h
qa_unit_rpc_rpc_rawtx_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_rpc_rawtx_tests_LDADD = $(UNIT_NODE_LIBS)
check_PROGRAMS += qa/unit/rpc/rpc_args_tests
qa_unit_rpc_rpc_args_tests_SOURCES = qa/unit/rpc/rpc_args_tests.c qa/unit/unit.h
qa_unit_rpc_rpc_args_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_rpc_args_tests_LDADD = $(UNIT_NODE_LIBS)
