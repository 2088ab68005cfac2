# src/chain/: chainstate
