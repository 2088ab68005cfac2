noinst_PROGRAMS += bench_hashmint
bench_hashmint_SOURCES = \
  src/bench/bench.h \
  src/bench/bench_fixture.c src/bench/bench_fixture.h \
  src/bench/bench_hashmint.c \
  src/bench/bench_tx.c
bench_hashmint_LDADD = $(HM_CORE_LIBS) $(OPENSSL_LIBS)
bench_hashmint_CPPFLAGS = $(AM_CPPFLAGS) $(OPENSSL_CFLAGS)
