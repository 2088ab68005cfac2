# src/node/: the programs. hashmint-util: offline tools (doc/hashmint-util.md).
bin_PROGRAMS += hashmint-util
hashmint_util_SOURCES = src/node/hashmint_util.c
hashmint_util_LDADD = libhm_node.a libhm_rpc.a libhm_wallet.a $(HM_CORE_LIBS) $(JANSSON_LIBS)

check_PROGRAMS += qa/unit/rpc/json_write_tests
qa_unit_rpc_json_write_tests_SOURCES = qa/unit/rpc/json_write_tests.c qa/unit/unit.h
qa_unit_rpc_json_write_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_json_write_tests_LDADD = libhm_rpc.a libhm_wallet.a $(UNIT_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_json_tx
qa_fuzz_fuzz_json_tx_SOURCES = qa/fuzz/fuzz_json_tx.c
qa_fuzz_fuzz_json_tx_LDADD = libhm_rpc.a libhm_wallet.a $(HM_CORE_LIBS) $(JANSSON_LIBS)
qa_fuzz_fuzz_json_tx_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# hashmint-cli (src/node/hashmint_cli.c): bitcoin-cli's behaviour; its
# configuration file and chain selection come from src/node/args.c.
bin_PROGRAMS += hashmint-cli
hashmint_cli_SOURCES = src/node/hashmint_cli.c
hashmint_cli_LDADD = libhm_node.a $(HM_NODE_LIBS)

# hashmint-oracle (src/node/oracle_*.c): the price feeder (doc/oracle.md);
# hashmint-cli's options and config through src/node/args.c.
bin_PROGRAMS += hashmint-oracle
hashmint_oracle_SOURCES = src/node/oracle_main.c src/node/oracle_decide.c src/node/oracle_decide.h \
  src/node/oracle_source.c src/node/oracle_source.h src/node/oracle_http.c src/node/oracle_http.h \
  src/node/oracle_rpc.c src/node/oracle_rpc.h
hashmint_oracle_LDADD = libhm_node.a $(HM_NODE_LIBS)

check_PROGRAMS += qa/unit/node/oracle_feeder_tests
qa_unit_node_oracle_feeder_tests_SOURCES = qa/unit/node/oracle_feeder_tests.c qa/unit/unit.h src/node/oracle_decide.c \
  src/node/oracle_source.c src/node/oracle_http.c
qa_unit_node_oracle_feeder_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_node_oracle_feeder_tests_LDADD = libhm_node.a $(UNIT_NODE_LIBS)
