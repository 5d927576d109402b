"""Storage: publish targets (a folder, S3-compatible buckets) behind one interface."""
