# src/node/: the node's non-program code in libhm_node.a (options, start-up
# and shutdown, the node interface over the chain, the P2P and wallet
# wiring, the mempool owner, the vault keeper, hashmint-util's commands).
# The programs' main files are in daemon.mk (hashmintd) and tools.mk
# (hashmint-util, hashmint-cli, hashmint-oracle); they link libhm_node.a
# before the layers.
libhm_node_a_SOURCES += \
  src/node/args.c src/node/args.h \
  src/node/init.c src/node/init.h \
  src/node/node_mempool.c src/node/node_mempool.h \
  src/node/wallet_glue.c src/node/wallet_glue.h \
  src/node/keeper.c src/node/keeper.h \
  src/node/keeper_index.c src/node/keeper_index.h \
  src/node/keeper_rpc.c src/node/keeper_rpc.h \
  src/node/chain_iface.c src/node/chain_iface.h \
  src/node/net_glue.c src/node/net_glue.h \
  src/node/util_common.c src/node/util_common.h \
  src/node/util_decode.c \
  src/node/util_checkblock.c \
  src/node/util_verifytx.c \
  src/node/util_reserve.c

check_PROGRAMS += qa/unit/node/chain_iface_tests
qa_unit_node_chain_iface_tests_SOURCES = qa/unit/node/chain_iface_tests.c $(CHAIN_TEST_UTIL)
qa_unit_node_chain_iface_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_node_chain_iface_tests_LDADD = libhm_node.a $(UNIT_NODE_LIBS)

check_PROGRAMS += qa/unit/node/wallet_glue_tests
qa_unit_node_wallet_glue_tests_SOURCES = qa/unit/node/wallet_glue_tests.c qa/unit/unit.h
qa_unit_node_wallet_glue_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_node_wallet_glue_tests_LDADD = libhm_node.a $(UNIT_NODE_LIBS)

check_PROGRAMS += qa/unit/node/keeper_index_tests
qa_unit_node_keeper_index_tests_SOURCES = qa/unit/node/keeper_index_tests.c qa/unit/unit.h
qa_unit_node_keeper_index_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_node_keeper_index_tests_LDADD = libhm_node.a $(UNIT_NODE_LIBS)
