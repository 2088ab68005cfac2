# src/chain/: mempool, policy, block assembly (helper "mempool")
libhm_chain_a_SOURCES += \
  src/chain/policy.c src/chain/policy.h \
  src/chain/mempool.c src/chain/mempool.h src/chain/mempool_internal.h \
  src/chain/mempool_accept.c \
  src/chain/mempool_persist.c \
  src/chain/mempool_chainstate.c \
  src/chain/miner.c src/chain/miner.h \
  src/chain/miner_generate.c

check_PROGRAMS += qa/unit/chain/policy_tests qa/unit/chain/mempool_tests qa/unit/chain/miner_tests
qa_unit_chain_policy_tests_SOURCES = qa/unit/chain/policy_tests.c qa/unit/unit.h
qa_unit_chain_policy_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_policy_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_chain_mempool_tests_SOURCES = qa/unit/chain/mempool_tests.c qa/unit/chain/fake_chain.c \
  qa/unit/chain/fake_chain.h qa/unit/unit.h
qa_unit_chain_mempool_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_mempool_tests_LDADD = $(UNIT_NODE_LIBS)
qa_unit_chain_miner_tests_SOURCES = qa/unit/chain/miner_tests.c qa/unit/chain/fake_chain.c \
  qa/unit/chain/fake_chain.h qa/unit/unit.h
qa_unit_chain_miner_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_miner_tests_LDADD = $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_policy
qa_fuzz_fuzz_policy_SOURCES = qa/fuzz/fuzz_policy.c
qa_fuzz_fuzz_policy_LDADD = $(HM_NODE_LIBS)
qa_fuzz_fuzz_policy_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

check_PROGRAMS += qa/unit/chain/miner_generate_tests
qa_unit_chain_miner_generate_tests_SOURCES = qa/unit/chain/miner_generate_tests.c qa/unit/chain/chain_test_util.c \
  qa/unit/chain/chain_test_util.h qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_chain_miner_generate_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_miner_generate_tests_LDADD = $(UNIT_NODE_LIBS)

# Fee estimation (doc/fees.md): the statistics, fee_estimates.dat, the event subscription.
libhm_chain_a_SOURCES += \
  src/chain/fee_estimator.c src/chain/fee_estimator.h src/chain/fee_estimator_internal.h \
  src/chain/fee_estimator_file.c src/chain/fee_estimator_events.c

check_PROGRAMS += qa/unit/chain/fee_estimator_tests
qa_unit_chain_fee_estimator_tests_SOURCES = qa/unit/chain/fee_estimator_tests.c qa/unit/store/tmpdir.h qa/unit/unit.h
qa_unit_chain_fee_estimator_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_chain_fee_estimator_tests_LDADD = $(UNIT_NODE_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_fee_estimates
qa_fuzz_fuzz_fee_estimates_SOURCES = qa/fuzz/fuzz_fee_estimates.c
qa_fuzz_fuzz_fee_estimates_LDADD = $(HM_NODE_LIBS)
qa_fuzz_fuzz_fee_estimates_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
