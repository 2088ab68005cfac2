# src/zmq/: ZeroMQ notifications (publishes chain events; see zmq_notifier.h)
libhm_zmq_a_SOURCES += src/zmq/zmq_notifier.c src/zmq/zmq_notifier.h src/zmq/zmq_issuance.c src/zmq/zmq_issuance.h

check_PROGRAMS += qa/unit/zmq/zmq_notifier_tests
qa_unit_zmq_zmq_notifier_tests_SOURCES = qa/unit/zmq/zmq_notifier_tests.c qa/unit/unit.h
qa_unit_zmq_zmq_notifier_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_zmq_zmq_notifier_tests_LDADD = $(UNIT_NODE_LIBS)
check_PROGRAMS += qa/unit/zmq/zmq_issuance_tests
qa_unit_zmq_zmq_issuance_tests_SOURCES = qa/unit/zmq/zmq_issuance_tests.c qa/unit/unit.h
qa_unit_zmq_zmq_issuance_tests_CFLAGS = $(UNIT_CFLAGS)
qa_unit_zmq_zmq_issuance_tests_LDADD = $(UNIT_NODE_LIBS)
