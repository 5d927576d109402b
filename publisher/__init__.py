"""publisher: Markdown articles and podcast audio into a static site and a podcast feed."""

__version__ = "0.1.0"
