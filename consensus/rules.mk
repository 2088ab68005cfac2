# Blocks, Merkle trees, proof of work, chain parameters and the block and
# transaction rules (helper "rules"); their unit tests and fuzz harnesses.
libhm_consensus_a_SOURCES += \
  consensus/arith256.c consensus/arith256.h \
  consensus/block.c consensus/block.h \
  consensus/merkle.c consensus/merkle.h \
  consensus/pow.c consensus/pow.h \
  consensus/params.c consensus/params.h consensus/params_keys.h \
  consensus/tx_verify.c consensus/tx_verify.h \
  consensus/block_check.c consensus/block_check.h

check_PROGRAMS += qa/unit/consensus/arith256_tests qa/unit/consensus/block_tests \
  qa/unit/consensus/merkle_tests qa/unit/consensus/pow_tests qa/unit/consensus/params_tests \
  qa/unit/consensus/tx_verify_tests qa/unit/consensus/block_check_tests
qa_unit_consensus_arith256_tests_SOURCES = qa/unit/consensus/arith256_tests.c qa/unit/unit.h
qa_unit_consensus_arith256_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_arith256_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_block_tests_SOURCES = qa/unit/consensus/block_tests.c qa/unit/unit.h
qa_unit_consensus_block_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_block_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_merkle_tests_SOURCES = qa/unit/consensus/merkle_tests.c qa/unit/unit.h
qa_unit_consensus_merkle_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_merkle_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_pow_tests_SOURCES = qa/unit/consensus/pow_tests.c qa/unit/unit.h
qa_unit_consensus_pow_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_pow_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_params_tests_SOURCES = qa/unit/consensus/params_tests.c qa/unit/unit.h
qa_unit_consensus_params_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_params_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_tx_verify_tests_SOURCES = qa/unit/consensus/tx_verify_tests.c qa/unit/unit.h
qa_unit_consensus_tx_verify_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_tx_verify_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_block_check_tests_SOURCES = qa/unit/consensus/block_check_tests.c qa/unit/unit.h
qa_unit_consensus_block_check_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_block_check_tests_LDADD = $(UNIT_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_block qa/fuzz/fuzz_header
qa_fuzz_fuzz_block_SOURCES = qa/fuzz/fuzz_block.c
qa_fuzz_fuzz_block_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_block_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
qa_fuzz_fuzz_header_SOURCES = qa/fuzz/fuzz_header.c
qa_fuzz_fuzz_header_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_header_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
