"""``publisher serve``: the site kept in memory and served on this computer while editing."""
