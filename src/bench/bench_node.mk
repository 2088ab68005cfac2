# src/bench/: the node benchmarks (connecting full blocks, UTXO lookups).
# bench_hashmint then needs the node's layers; $(HM_NODE_LIBS) repeats the
# core libraries after libhm_chain.a/libhm_store.a so the static link order
# still resolves.
bench_hashmint_SOURCES += src/bench/bench_chain.c src/bench/bench_miner.c src/bench/bench_cmpct.c
# src/bench/bench_wallet.c: the wallet (libhm_wallet.a, in $(HM_NODE_LIBS)) over a fake node.
bench_hashmint_SOURCES += src/bench/bench_wallet.c
bench_hashmint_LDADD += $(HM_NODE_LIBS) -lm
