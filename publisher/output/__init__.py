"""Output: the in-memory tree of output files and the writer that puts it on disk."""
