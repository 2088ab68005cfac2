# Hashing layer: SHA-256 (portable, SHA-NI and AVX2 kernels), SHA-512,
# RIPEMD-160, HMAC, SipHash; their unit tests and fuzz harness. The
# benchmark (src/bench/bench_hash.c) is listed below too.
libhm_crypto_a_SOURCES += \
  src/crypto/sha256.c src/crypto/sha256.h src/crypto/sha256_internal.h \
  src/crypto/sha256_portable.c src/crypto/sha256_shani.c src/crypto/sha256_avx2.c \
  src/crypto/sha256_scan.c src/crypto/sha256_scan.h src/crypto/sha256_scan_internal.h \
  src/crypto/sha256_scan_lanes.h src/crypto/sha256_scan_avx2.c src/crypto/sha256_scan_avx512.c \
  src/crypto/sha256_scan_shani.c src/crypto/sha256_scan_shani_avx512.c src/crypto/sha256_scan_shani_body.h \
  src/crypto/sha256_shani_state.h \
  src/crypto/sha512.c src/crypto/sha512.h \
  src/crypto/ripemd160.c src/crypto/ripemd160.h \
  src/crypto/hmac.c src/crypto/hmac.h \
  src/crypto/siphash.c src/crypto/siphash.h

check_PROGRAMS += qa/unit/crypto/sha256_scan_tests
qa_unit_crypto_sha256_scan_tests_SOURCES = qa/unit/crypto/sha256_scan_tests.c qa/unit/unit.h
qa_unit_crypto_sha256_scan_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_crypto_sha256_scan_tests_LDADD = $(UNIT_LIBS)

check_PROGRAMS += qa/unit/crypto/sha256_tests qa/unit/crypto/sha512_tests qa/unit/crypto/ripemd160_tests \
  qa/unit/crypto/hmac_tests qa/unit/crypto/siphash_tests
qa_unit_crypto_sha256_tests_SOURCES = qa/unit/crypto/sha256_tests.c qa/unit/unit.h
qa_unit_crypto_sha256_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_crypto_sha256_tests_LDADD = $(UNIT_LIBS)
qa_unit_crypto_sha512_tests_SOURCES = qa/unit/crypto/sha512_tests.c qa/unit/unit.h
qa_unit_crypto_sha512_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_crypto_sha512_tests_LDADD = $(UNIT_LIBS)
qa_unit_crypto_ripemd160_tests_SOURCES = qa/unit/crypto/ripemd160_tests.c qa/unit/unit.h
qa_unit_crypto_ripemd160_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_crypto_ripemd160_tests_LDADD = $(UNIT_LIBS)
qa_unit_crypto_hmac_tests_SOURCES = qa/unit/crypto/hmac_tests.c qa/unit/unit.h
qa_unit_crypto_hmac_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_crypto_hmac_tests_LDADD = $(UNIT_LIBS)
qa_unit_crypto_siphash_tests_SOURCES = qa/unit/crypto/siphash_tests.c qa/unit/unit.h
qa_unit_crypto_siphash_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_crypto_siphash_tests_LDADD = $(UNIT_LIBS)

bench_hashmint_SOURCES += src/bench/bench_hash.c

FUZZ_TARGETS += qa/fuzz/fuzz_sha256
qa_fuzz_fuzz_sha256_SOURCES = qa/fuzz/fuzz_sha256.c
qa_fuzz_fuzz_sha256_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_sha256_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

libhm_crypto_a_SOURCES += src/crypto/sha1.c src/crypto/sha1.h
check_PROGRAMS += qa/unit/crypto/sha1_tests
qa_unit_crypto_sha1_tests_SOURCES = qa/unit/crypto/sha1_tests.c qa/unit/unit.h
qa_unit_crypto_sha1_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_crypto_sha1_tests_LDADD = $(UNIT_LIBS)
