# src/store/: LevelDB, block and undo files
