# src/rpc/: RPC method categories and REST
libhm_rpc_a_SOURCES += \
  src/rpc/rpc_args.c src/rpc/rpc_args.h \
  src/rpc/rpc_util.c \
  src/rpc/rpc_internal.h \
  src/rpc/rpc_rawtx.c src/rpc/rpc_rawtx_chain.c \
  src/rpc/rpc_blockchain.c src/rpc/rpc_mempool.c \
  src/rpc/rpc_mining.c src/rpc/rpc_miner.c src/rpc/rest.c \
  src/rpc/rpc_issuance_debug.c \
  src/rpc/rpc_issuance.c src/rpc/rpc_reserve.c src/rpc/issuance_view.c src/rpc/issuance_view.h \
  src/rpc/rpc_wallet.c src/rpc/rpc_wallet.h src/rpc/rpc_wallet_labels.c \
  src/rpc/rpc_wallet_token.c src/rpc/rpc_wallet_token.h src/rpc/rpc_wallet_send.c \
  src/rpc/rpc_psbt.c \
  src/rpc/rpc_fees.c \
  src/rpc/rpc_wallet_vault.c

check_PROGRAMS += qa/unit/rpc/rpc_rawtx_tests
qa_unit_rpc_rpc_rawtx_tests_SOURCES = qa/unit/rpc/rpc_rawtx_tests.c qa/unit/unit.h
qa_unit_rpc_rpc_rawtx_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_rpc_rawtx_tests_LDADD = $(UNIT_NODE_LIBS)
check_PROGRAMS += qa/unit/rpc/rpc_args_tests
qa_unit_rpc_rpc_args_tests_SOURCES = qa/unit/rpc/rpc_args_tests.c qa/unit/unit.h
qa_unit_rpc_rpc_args_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_rpc_args_tests_LDADD = $(UNIT_NODE_LIBS)
check_PROGRAMS += qa/unit/rpc/issuance_view_tests
qa_unit_rpc_issuance_view_tests_SOURCES = qa/unit/rpc/issuance_view_tests.c qa/unit/unit.h
qa_unit_rpc_issuance_view_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_issuance_view_tests_LDADD = $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_outpoint_text
qa_fuzz_fuzz_outpoint_text_SOURCES = qa/fuzz/fuzz_outpoint_text.c
qa_fuzz_fuzz_outpoint_text_LDADD = libhm_rpc.a $(HM_CORE_LIBS) $(JANSSON_LIBS)
qa_fuzz_fuzz_outpoint_text_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# Network RPCs (src/rpc reaches net/ through struct rpc_net).
libhm_rpc_a_SOURCES += src/rpc/rpc_net.c src/rpc/rpc_net.h

check_PROGRAMS += qa/unit/rpc/rpc_net_tests
qa_unit_rpc_rpc_net_tests_SOURCES = qa/unit/rpc/rpc_net_tests.c qa/unit/unit.h
qa_unit_rpc_rpc_net_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_rpc_net_tests_LDADD = $(UNIT_NODE_LIBS)

# The reserve explorer (doc/explorer.md): its REST endpoints, and its static
# page compiled in from src/rpc/explorer/ by contrib/embed-files.sh.
libhm_rpc_a_SOURCES += \
  src/rpc/issuance_json.h \
  src/rpc/price_history.c src/rpc/price_history.h \
  src/rpc/rest_issuance.c src/rpc/rest_explorer.c src/rpc/explorer_files.h
EXPLORER_PAGE = src/rpc/explorer/index.html src/rpc/explorer/explorer.css src/rpc/explorer/explorer.js
nodist_libhm_rpc_a_SOURCES = src/rpc/explorer_files.c
BUILT_SOURCES = src/rpc/explorer_files.c
CLEANFILES = src/rpc/explorer_files.c
EXTRA_DIST += $(EXPLORER_PAGE)
src/rpc/explorer_files.c: $(EXPLORER_PAGE) $(srcdir)/contrib/embed-files.sh
	$(MKDIR_P) src/rpc
	$(SHELL) $(srcdir)/contrib/embed-files.sh $@ $(srcdir) $(EXPLORER_PAGE)

check_PROGRAMS += qa/unit/rpc/rpc_wallet_token_tests
qa_unit_rpc_rpc_wallet_token_tests_SOURCES = qa/unit/rpc/rpc_wallet_token_tests.c qa/unit/unit.h
qa_unit_rpc_rpc_wallet_token_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_rpc_rpc_wallet_token_tests_LDADD = $(UNIT_NODE_LIBS)
