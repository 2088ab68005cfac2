libhm_consensus_a_SOURCES += \
  consensus/amount.h \
  consensus/token_prefix.c consensus/token_prefix.h \
  consensus/tx.c consensus/tx.h \
  consensus/tx_check.c consensus/tx_check.h \
  consensus/validation.c consensus/validation.h \
  consensus/address.c consensus/address.h

check_PROGRAMS += qa/unit/consensus/tx_tests qa/unit/consensus/tx_check_tests
qa_unit_consensus_tx_tests_SOURCES = qa/unit/consensus/tx_tests.c qa/unit/unit.h
qa_unit_consensus_tx_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_tx_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_tx_check_tests_SOURCES = qa/unit/consensus/tx_check_tests.c qa/unit/unit.h
qa_unit_consensus_tx_check_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_tx_check_tests_LDADD = $(UNIT_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_tx
qa_fuzz_fuzz_tx_SOURCES = qa/fuzz/fuzz_tx.c
qa_fuzz_fuzz_tx_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_tx_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

check_PROGRAMS += qa/unit/consensus/address_tests
qa_unit_consensus_address_tests_SOURCES = qa/unit/consensus/address_tests.c qa/unit/unit.h
qa_unit_consensus_address_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_address_tests_LDADD = $(UNIT_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_address
qa_fuzz_fuzz_address_SOURCES = qa/fuzz/fuzz_address.c
qa_fuzz_fuzz_address_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_address_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
