# Signature hashes (legacy, BIP 143, BIP 341/342) and the transaction
# signature checker; the Bitcoin Core vector harnesses for the interpreter;
# the script verification benchmark.
libhm_consensus_a_SOURCES += consensus/sighash.c consensus/sighash.h

# Test-only helpers shared by the harnesses below.
SIGHASH_TEST_COMMON = qa/unit/unit.h qa/unit/script_asm.c qa/unit/script_asm.h \
  qa/unit/vector_util.c qa/unit/vector_util.h

check_PROGRAMS += qa/unit/consensus/sighash_tests qa/unit/consensus/sighash_tokens_tests \
  qa/unit/consensus/script_vectors_tests qa/unit/consensus/tx_vectors_tests
qa_unit_consensus_sighash_tests_SOURCES = qa/unit/consensus/sighash_tests.c $(SIGHASH_TEST_COMMON)
qa_unit_consensus_sighash_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_sighash_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_sighash_tokens_tests_SOURCES = qa/unit/consensus/sighash_tokens_tests.c $(SIGHASH_TEST_COMMON)
qa_unit_consensus_sighash_tokens_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_sighash_tokens_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_script_vectors_tests_SOURCES = qa/unit/consensus/script_vectors_tests.c $(SIGHASH_TEST_COMMON)
qa_unit_consensus_script_vectors_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_script_vectors_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_tx_vectors_tests_SOURCES = qa/unit/consensus/tx_vectors_tests.c $(SIGHASH_TEST_COMMON)
qa_unit_consensus_tx_vectors_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_tx_vectors_tests_LDADD = $(UNIT_LIBS)

bench_hashmint_SOURCES += src/bench/bench_script.c

FUZZ_TARGETS += qa/fuzz/fuzz_sighash
qa_fuzz_fuzz_sighash_SOURCES = qa/fuzz/fuzz_sighash.c
qa_fuzz_fuzz_sighash_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_sighash_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
