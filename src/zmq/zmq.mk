# src/zmq/: ZeroMQ notifications
