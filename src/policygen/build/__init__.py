"""Plan and write: which editions to make, the output folder, shards."""
