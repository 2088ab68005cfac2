libhm_crypto_a_SOURCES += \
  src/crypto/sha256.c src/crypto/sha256.h
