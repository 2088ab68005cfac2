# src/node/: hashmintd (options, start-up and shutdown, the wiring of chain,
# mempool, RPC and ZMQ) and its unit tests. The ZMQ publisher is in
# src/zmq/zmq.mk.
bin_PROGRAMS += hashmintd
hashmintd_SOURCES = \
  src/node/hashmintd.c \
  src/node/init.c src/node/init.h \
  src/node/args.c src/node/args.h \
  src/node/node_mempool.c src/node/node_mempool.h \
  src/node/wallet_glue.c src/node/wallet_glue.h
hashmintd_LDADD = $(HM_NODE_LIBS)

check_PROGRAMS += qa/unit/node/args_tests qa/unit/node/init_tests
qa_unit_node_args_tests_SOURCES = qa/unit/node/args_tests.c qa/unit/unit.h \
  src/node/args.c src/node/args.h
qa_unit_node_args_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_node_args_tests_LDADD = $(UNIT_LIBS)
qa_unit_node_init_tests_SOURCES = qa/unit/node/init_tests.c qa/unit/unit.h \
  src/node/init.c src/node/init.h \
  src/node/args.c src/node/args.h \
  src/node/node_mempool.c src/node/node_mempool.h \
  src/node/wallet_glue.c src/node/wallet_glue.h
qa_unit_node_init_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_node_init_tests_LDADD = $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_args_config
qa_fuzz_fuzz_args_config_SOURCES = qa/fuzz/fuzz_args_config.c src/node/args.c src/node/args.h
qa_fuzz_fuzz_args_config_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_args_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
