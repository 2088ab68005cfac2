# src/chain/: chainstate
libhm_chain_a_SOURCES += \
  src/chain/events.c src/chain/events.h \
  src/chain/block_index.c src/chain/block_index.h \
  src/chain/coins_view.c src/chain/coins_view.h \
  src/chain/undo.c src/chain/undo.h \
  src/chain/script_check.c src/chain/script_check.h \
  src/chain/chainstate.c src/chain/chainstate.h src/chain/chainstate_internal.h \
  src/chain/chainstate_connect.c src/chain/chainstate_activate.c src/chain/chainstate_load.c \
  src/chain/chainstate_persist.c \
  src/chain/chainstate_issuance.c src/chain/issuance_query.c src/chain/issuance_query.h

CHAIN_UNIT_TESTS = qa/unit/chain/chainstate_tests qa/unit/chain/chainstate_persist_tests qa/unit/chain/block_index_tests qa/unit/chain/coins_view_tests \
  qa/unit/chain/events_tests qa/unit/chain/script_check_tests qa/unit/chain/chainstate_issuance_tests
check_PROGRAMS += $(CHAIN_UNIT_TESTS)
CHAIN_TEST_UTIL = qa/unit/chain/chain_test_util.c qa/unit/chain/chain_test_util.h qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_chain_chainstate_tests_SOURCES = qa/unit/chain/chainstate_tests.c $(CHAIN_TEST_UTIL)
qa_unit_chain_chainstate_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_chainstate_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_chain_chainstate_persist_tests_SOURCES = qa/unit/chain/chainstate_persist_tests.c $(CHAIN_TEST_UTIL)
qa_unit_chain_chainstate_persist_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_chainstate_persist_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_chain_block_index_tests_SOURCES = qa/unit/chain/block_index_tests.c qa/unit/unit.h
qa_unit_chain_block_index_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_block_index_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_chain_coins_view_tests_SOURCES = qa/unit/chain/coins_view_tests.c qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_chain_coins_view_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_coins_view_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_chain_events_tests_SOURCES = qa/unit/chain/events_tests.c qa/unit/unit.h
qa_unit_chain_events_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_events_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_chain_script_check_tests_SOURCES = qa/unit/chain/script_check_tests.c $(CHAIN_TEST_UTIL)
qa_unit_chain_script_check_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_script_check_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_chain_chainstate_issuance_tests_SOURCES = qa/unit/chain/chainstate_issuance_tests.c $(CHAIN_TEST_UTIL)
qa_unit_chain_chainstate_issuance_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_chainstate_issuance_tests_LDADD = $(UNIT_NODE_LIBS)
