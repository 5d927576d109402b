"""Settings: site.toml read into frozen, validated settings."""
