# issuance/: assets, the transaction rules (vaults, minting, liquidation, oracle
# and issuer outputs), the circuit breaker and the per-asset issuance state.
libhm_issuance_a_SOURCES += \
  issuance/asset.c issuance/asset.h \
  issuance/ratio.c issuance/ratio.h \
  issuance/issuance_state.c issuance/issuance_state.h \
  issuance/issuance_effects.h \
  issuance/tx_tally.c issuance/tx_tally.h \
  issuance/vault_rules.c issuance/vault_rules.h \
  issuance/liquidation.c issuance/liquidation.h \
  issuance/oracle.c issuance/oracle.h \
  issuance/issuance_check.c issuance/issuance_check.h \
  issuance/breaker.c issuance/breaker.h \
  issuance/state_apply.c issuance/state_apply.h \
  issuance/state_serialize.c issuance/state_serialize.h

check_PROGRAMS += qa/unit/issuance/asset_tests qa/unit/consensus/token_prefix_tests
qa_unit_issuance_asset_tests_SOURCES = qa/unit/issuance/asset_tests.c qa/unit/unit.h
qa_unit_issuance_asset_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_asset_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_token_prefix_tests_SOURCES = qa/unit/consensus/token_prefix_tests.c qa/unit/unit.h
qa_unit_consensus_token_prefix_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_token_prefix_tests_LDADD = $(UNIT_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_token_prefix
qa_fuzz_fuzz_token_prefix_SOURCES = qa/fuzz/fuzz_token_prefix.c
qa_fuzz_fuzz_token_prefix_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_token_prefix_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# Unit tests of the issuance rules, one program per source file.
ISSUANCE_TEST_UTIL = qa/unit/issuance/issuance_test_util.c qa/unit/issuance/issuance_test_util.h qa/unit/unit.h
check_PROGRAMS += qa/unit/issuance/ratio_tests
qa_unit_issuance_ratio_tests_SOURCES = qa/unit/issuance/ratio_tests.c $(ISSUANCE_TEST_UTIL)
qa_unit_issuance_ratio_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_ratio_tests_LDADD = $(UNIT_LIBS)
check_PROGRAMS += qa/unit/issuance/vault_rules_tests
qa_unit_issuance_vault_rules_tests_SOURCES = qa/unit/issuance/vault_rules_tests.c $(ISSUANCE_TEST_UTIL)
qa_unit_issuance_vault_rules_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_vault_rules_tests_LDADD = $(UNIT_LIBS)
check_PROGRAMS += qa/unit/issuance/liquidation_tests
qa_unit_issuance_liquidation_tests_SOURCES = qa/unit/issuance/liquidation_tests.c $(ISSUANCE_TEST_UTIL)
qa_unit_issuance_liquidation_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_liquidation_tests_LDADD = $(UNIT_LIBS)
check_PROGRAMS += qa/unit/issuance/oracle_tests
qa_unit_issuance_oracle_tests_SOURCES = qa/unit/issuance/oracle_tests.c $(ISSUANCE_TEST_UTIL)
qa_unit_issuance_oracle_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_oracle_tests_LDADD = $(UNIT_LIBS)
check_PROGRAMS += qa/unit/issuance/tx_tally_tests
qa_unit_issuance_tx_tally_tests_SOURCES = qa/unit/issuance/tx_tally_tests.c $(ISSUANCE_TEST_UTIL)
qa_unit_issuance_tx_tally_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_tx_tally_tests_LDADD = $(UNIT_LIBS)
check_PROGRAMS += qa/unit/issuance/breaker_tests
qa_unit_issuance_breaker_tests_SOURCES = qa/unit/issuance/breaker_tests.c $(ISSUANCE_TEST_UTIL)
qa_unit_issuance_breaker_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_breaker_tests_LDADD = $(UNIT_LIBS)
check_PROGRAMS += qa/unit/issuance/issuance_state_tests
qa_unit_issuance_issuance_state_tests_SOURCES = qa/unit/issuance/issuance_state_tests.c $(ISSUANCE_TEST_UTIL)
qa_unit_issuance_issuance_state_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_issuance_state_tests_LDADD = $(UNIT_LIBS)
check_PROGRAMS += qa/unit/issuance/state_apply_tests
qa_unit_issuance_state_apply_tests_SOURCES = qa/unit/issuance/state_apply_tests.c $(ISSUANCE_TEST_UTIL)
qa_unit_issuance_state_apply_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_state_apply_tests_LDADD = $(UNIT_LIBS)
check_PROGRAMS += qa/unit/issuance/state_serialize_tests
qa_unit_issuance_state_serialize_tests_SOURCES = qa/unit/issuance/state_serialize_tests.c $(ISSUANCE_TEST_UTIL)
qa_unit_issuance_state_serialize_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_state_serialize_tests_LDADD = $(UNIT_LIBS)
check_PROGRAMS += qa/unit/issuance/issuance_check_tests
qa_unit_issuance_issuance_check_tests_SOURCES = qa/unit/issuance/issuance_check_tests.c $(ISSUANCE_TEST_UTIL)
qa_unit_issuance_issuance_check_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_issuance_check_tests_LDADD = $(UNIT_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_issuance_supply qa/fuzz/fuzz_issuance_state
qa_fuzz_fuzz_issuance_supply_SOURCES = qa/fuzz/fuzz_issuance_supply.c
qa_fuzz_fuzz_issuance_supply_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_issuance_supply_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
qa_fuzz_fuzz_issuance_state_SOURCES = qa/fuzz/fuzz_issuance_state.c
qa_fuzz_fuzz_issuance_state_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_issuance_state_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
