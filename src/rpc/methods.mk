# src/rpc/: RPC method categories and REST
