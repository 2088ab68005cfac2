# wallet/: keys, descriptors, signing, the wallet's SQLite storage, coins
# and coin selection (doc/wallet.md). May use issuance/ and below; reaches
# the node only through struct wallet_chain (wallet/chain_iface.h).
libhm_wallet_a_SOURCES += \
  wallet/key_io.c wallet/key_io.h \
  wallet/script_type.c wallet/script_type.h \
  wallet/bip32.c wallet/bip32.h \
  wallet/descriptor.c wallet/descriptor.h \
  wallet/tx_sign.c wallet/tx_sign.h \
  wallet/crypter.c wallet/crypter.h \
  wallet/coinselect.c wallet/coinselect.h \
  wallet/chain_iface.h wallet/wallet.h wallet/wallet_internal.h \
  wallet/psbt.c wallet/psbt.h wallet/psbt_v2.c wallet/psbt_v2.h wallet/psbt_sign.c wallet/psbt_sign.h \
  wallet/wallet.c wallet/wallet_json.c wallet/wallet_spend.c wallet/wallets.c \
  wallet/wallet_labels.c \
  wallet/wallet_issuance.h wallet/issuance_spend.c wallet/issuance_spend.h \
  wallet/vault_spend.c wallet/issuer_spend.c

# Tokens (doc/wallet.md, "Tokens"): prefixed outputs' owners, token coins and selection, the token RPCs' work.
libhm_wallet_a_SOURCES += \
  wallet/wallet_owner.c wallet/wallet_owner.h \
  wallet/token_coins.c wallet/token_coins.h \
  wallet/token_json.c wallet/token_spend.c wallet/wallet_token.h

# Unit tests of the wallet library: qa/unit/wallet/<file>_tests.c.
WALLET_UNIT_LIBS = libhm_wallet.a $(HM_CORE_LIBS) $(SQLITE3_LIBS) $(SODIUM_LIBS) $(JANSSON_LIBS) $(CHECK_LIBS)
check_PROGRAMS += qa/unit/wallet/descriptor_tests qa/unit/wallet/key_io_tests qa/unit/wallet/script_type_tests
check_PROGRAMS += qa/unit/wallet/tap_sign_tests
qa_unit_wallet_tap_sign_tests_SOURCES = qa/unit/wallet/tap_sign_tests.c qa/unit/unit.h
qa_unit_wallet_tap_sign_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_tap_sign_tests_LDADD = $(WALLET_UNIT_LIBS)
qa_unit_wallet_descriptor_tests_SOURCES = qa/unit/wallet/descriptor_tests.c qa/unit/unit.h
qa_unit_wallet_descriptor_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_descriptor_tests_LDADD = $(WALLET_UNIT_LIBS)
qa_unit_wallet_key_io_tests_SOURCES = qa/unit/wallet/key_io_tests.c qa/unit/unit.h
qa_unit_wallet_key_io_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_key_io_tests_LDADD = $(WALLET_UNIT_LIBS)
qa_unit_wallet_script_type_tests_SOURCES = qa/unit/wallet/script_type_tests.c qa/unit/unit.h
qa_unit_wallet_script_type_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_script_type_tests_LDADD = $(WALLET_UNIT_LIBS)
check_PROGRAMS += qa/unit/wallet/bip32_tests
qa_unit_wallet_bip32_tests_SOURCES = qa/unit/wallet/bip32_tests.c qa/unit/unit.h
qa_unit_wallet_bip32_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_bip32_tests_LDADD = $(WALLET_UNIT_LIBS)
check_PROGRAMS += qa/unit/wallet/crypter_tests qa/unit/wallet/coinselect_tests
qa_unit_wallet_crypter_tests_SOURCES = qa/unit/wallet/crypter_tests.c qa/unit/unit.h
qa_unit_wallet_crypter_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_crypter_tests_LDADD = $(WALLET_UNIT_LIBS)
qa_unit_wallet_coinselect_tests_SOURCES = qa/unit/wallet/coinselect_tests.c qa/unit/unit.h
qa_unit_wallet_coinselect_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_coinselect_tests_LDADD = $(WALLET_UNIT_LIBS)
check_PROGRAMS += qa/unit/wallet/psbt_tests
qa_unit_wallet_psbt_tests_SOURCES = qa/unit/wallet/psbt_tests.c qa/unit/unit.h
qa_unit_wallet_psbt_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_psbt_tests_LDADD = $(WALLET_UNIT_LIBS)
check_PROGRAMS += qa/unit/wallet/descriptor_vectors_tests
qa_unit_wallet_descriptor_vectors_tests_SOURCES = qa/unit/wallet/descriptor_vectors_tests.c qa/unit/unit.h
qa_unit_wallet_descriptor_vectors_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_descriptor_vectors_tests_LDADD = $(WALLET_UNIT_LIBS)
check_PROGRAMS += qa/unit/wallet/psbt_v2_tests
qa_unit_wallet_psbt_v2_tests_SOURCES = qa/unit/wallet/psbt_v2_tests.c qa/unit/unit.h
qa_unit_wallet_psbt_v2_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_psbt_v2_tests_LDADD = $(WALLET_UNIT_LIBS)
FUZZ_TARGETS += qa/fuzz/fuzz_psbt
qa_fuzz_fuzz_psbt_SOURCES = qa/fuzz/fuzz_psbt.c
qa_fuzz_fuzz_psbt_LDADD = libhm_wallet.a $(HM_CORE_LIBS)
qa_fuzz_fuzz_psbt_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
check_PROGRAMS += qa/unit/wallet/token_coins_tests
qa_unit_wallet_token_coins_tests_SOURCES = qa/unit/wallet/token_coins_tests.c qa/unit/unit.h
qa_unit_wallet_token_coins_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_token_coins_tests_LDADD = $(WALLET_UNIT_LIBS)
check_PROGRAMS += qa/unit/wallet/token_spend_tests
qa_unit_wallet_token_spend_tests_SOURCES = qa/unit/wallet/token_spend_tests.c qa/unit/unit.h
qa_unit_wallet_token_spend_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_token_spend_tests_LDADD = $(WALLET_UNIT_LIBS)
check_PROGRAMS += qa/unit/wallet/wallet_spend_tests
qa_unit_wallet_wallet_spend_tests_SOURCES = qa/unit/wallet/wallet_spend_tests.c qa/unit/unit.h
qa_unit_wallet_wallet_spend_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_wallet_spend_tests_LDADD = $(WALLET_UNIT_LIBS)
check_PROGRAMS += qa/unit/wallet/wallet_tests
qa_unit_wallet_wallet_tests_SOURCES = qa/unit/wallet/wallet_tests.c qa/unit/unit.h
qa_unit_wallet_wallet_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_wallet_wallet_tests_LDADD = $(WALLET_UNIT_LIBS)
