# src/node/: hashmintd and hashmint-cli
