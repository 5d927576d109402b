"""Checks: rules over the content, the rendered tree, the feed and what apps have already seen."""
