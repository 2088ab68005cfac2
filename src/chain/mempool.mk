# src/chain/: mempool, policy, block assembly
