"""Content: the site folder (front matter, episode folders, audio, published.toml) read into
the model."""
