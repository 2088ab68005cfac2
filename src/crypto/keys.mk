# Keys (libsecp256k1), public-key recovery, Base58, bech32/bech32m (scriptPubKey <-> address: consensus/primitives.mk).
libhm_crypto_a_SOURCES += \
  src/crypto/base58.c src/crypto/base58.h \
  src/crypto/bech32.c src/crypto/bech32.h \
  src/crypto/keys.c src/crypto/keys.h
libhm_crypto_a_SOURCES += src/crypto/keys_recovery.c src/crypto/keys_recovery.h

check_PROGRAMS += qa/unit/crypto/keys_tests qa/unit/crypto/base58_tests qa/unit/crypto/bech32_tests
qa_unit_crypto_keys_tests_SOURCES = qa/unit/crypto/keys_tests.c qa/unit/unit.h
qa_unit_crypto_keys_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_crypto_keys_tests_LDADD = $(UNIT_LIBS)
qa_unit_crypto_base58_tests_SOURCES = qa/unit/crypto/base58_tests.c qa/unit/unit.h
qa_unit_crypto_base58_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_crypto_base58_tests_LDADD = $(UNIT_LIBS)
qa_unit_crypto_bech32_tests_SOURCES = qa/unit/crypto/bech32_tests.c qa/unit/unit.h
qa_unit_crypto_bech32_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_crypto_bech32_tests_LDADD = $(UNIT_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_der
qa_fuzz_fuzz_der_SOURCES = qa/fuzz/fuzz_der.c
qa_fuzz_fuzz_der_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_der_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

bench_hashmint_SOURCES += src/bench/bench_keys.c
