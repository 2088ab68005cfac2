# src/rpc/: JSON rendering, the JSON-RPC/REST server and the method table.
libhm_rpc_a_SOURCES += \
  src/rpc/json_block.c src/rpc/json_block.h \
  src/rpc/json_tx.c src/rpc/json_tx.h \
  src/rpc/json_write.c src/rpc/json_write.h \
  src/rpc/script_type.c src/rpc/script_type.h \
  src/rpc/rpc.h
