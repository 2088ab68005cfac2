# Script primitives, the interpreter (legacy, segwit v0, taproot, TOKENS),
# their unit tests and fuzz harnesses.
libhm_consensus_a_SOURCES += \
  consensus/script.c consensus/script.h \
  consensus/script_error.c consensus/script_error.h \
  consensus/interpreter.c consensus/interpreter.h consensus/interpreter_internal.h \
  consensus/interpreter_stack.c consensus/interpreter_verify.c

check_PROGRAMS += qa/unit/consensus/script_tests qa/unit/consensus/interpreter_tests
qa_unit_consensus_script_tests_SOURCES = qa/unit/consensus/script_tests.c qa/unit/unit.h
qa_unit_consensus_script_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_script_tests_LDADD = $(UNIT_LIBS)
qa_unit_consensus_interpreter_tests_SOURCES = qa/unit/consensus/interpreter_tests.c qa/unit/unit.h
qa_unit_consensus_interpreter_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_consensus_interpreter_tests_LDADD = $(UNIT_LIBS)

FUZZ_TARGETS += qa/fuzz/fuzz_script qa/fuzz/fuzz_interpreter
qa_fuzz_fuzz_script_SOURCES = qa/fuzz/fuzz_script.c
qa_fuzz_fuzz_script_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_script_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
qa_fuzz_fuzz_interpreter_SOURCES = qa/fuzz/fuzz_interpreter.c
qa_fuzz_fuzz_interpreter_LDADD = $(HM_CORE_LIBS)
qa_fuzz_fuzz_interpreter_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
