"""Render: the model turned into every output file (pages, feeds, tagged audio) in memory."""
