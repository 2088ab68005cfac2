# src/node/: hashmintd (options, start-up and shutdown, the wiring of chain,
# mempool, RPC and ZMQ) and its unit tests. The ZMQ publisher is in
# src/zmq/zmq.mk.
bin_PROGRAMS += hashmintd
hashmintd_SOURCES = src/node/hashmintd.c
hashmintd_LDADD = libhm_node.a $(HM_NODE_LIBS)

check_PROGRAMS += qa/unit/node/args_tests qa/unit/node/init_tests
qa_unit_node_args_tests_SOURCES = qa/unit/node/args_tests.c qa/unit/unit.h
qa_unit_node_args_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_node_args_tests_LDADD = libhm_node.a $(UNIT_LIBS)
qa_unit_node_init_tests_SOURCES = qa/unit/node/init_tests.c qa/unit/unit.h
qa_unit_node_init_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_node_init_tests_LDADD = libhm_node.a $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_args_config
qa_fuzz_fuzz_args_config_SOURCES = qa/fuzz/fuzz_args_config.c
qa_fuzz_fuzz_args_config_LDADD = libhm_node.a $(HM_CORE_LIBS)
qa_fuzz_fuzz_args_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
