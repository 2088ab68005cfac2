# issuance/reserve_*: the reserve Merkle-sum tree, the HMRS commitment and
# reserve proofs (doc/issuance.md, "Reserve commitment").
libhm_issuance_a_SOURCES += \
  issuance/reserve_hash.c issuance/reserve_hash.h \
  issuance/reserve_tree.c issuance/reserve_tree.h \
  issuance/reserve_path.c \
  issuance/reserve_memstore.c issuance/reserve_memstore.h

check_PROGRAMS += qa/unit/issuance/reserve_tree_tests
qa_unit_issuance_reserve_tree_tests_SOURCES = qa/unit/issuance/reserve_tree_tests.c qa/unit/unit.h
qa_unit_issuance_reserve_tree_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_reserve_tree_tests_LDADD = $(UNIT_LIBS)

libhm_issuance_a_SOURCES += \
  issuance/reserve_commitment.c issuance/reserve_commitment.h \
  issuance/reserve_proof.c issuance/reserve_proof.h \
  issuance/reserve_headers.c issuance/reserve_headers.h

check_PROGRAMS += qa/unit/issuance/reserve_commitment_tests qa/unit/issuance/reserve_proof_tests
qa_unit_issuance_reserve_commitment_tests_SOURCES = qa/unit/issuance/reserve_commitment_tests.c qa/unit/unit.h
qa_unit_issuance_reserve_commitment_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_reserve_commitment_tests_LDADD = $(UNIT_LIBS)
qa_unit_issuance_reserve_proof_tests_SOURCES = qa/unit/issuance/reserve_proof_tests.c qa/unit/unit.h
qa_unit_issuance_reserve_proof_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_reserve_proof_tests_LDADD = $(UNIT_LIBS)
check_PROGRAMS += qa/unit/issuance/reserve_headers_tests
qa_unit_issuance_reserve_headers_tests_SOURCES = qa/unit/issuance/reserve_headers_tests.c qa/unit/unit.h
qa_unit_issuance_reserve_headers_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_issuance_reserve_headers_tests_LDADD = $(UNIT_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_reserve_proof qa/fuzz/fuzz_reserve_tree
qa_fuzz_fuzz_reserve_proof_SOURCES = qa/fuzz/fuzz_reserve_proof.c
qa_fuzz_fuzz_reserve_proof_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_reserve_proof_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
qa_fuzz_fuzz_reserve_tree_SOURCES = qa/fuzz/fuzz_reserve_tree.c
qa_fuzz_fuzz_reserve_tree_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_reserve_tree_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

bench_hashmint_SOURCES += src/bench/bench_reserve.c
