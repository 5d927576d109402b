"""Rewrite README.md's site.toml reference table from the declarations of the settings.

`make reference` runs this; tests/test_config_reference.py fails while the README differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from publisher.config.options import reference_table  # noqa: E402
from publisher.config.settings import TABLES  # noqa: E402

README = REPO / "README.md"
START = "<!-- site.toml reference: made by `make reference` from publisher/config/settings.py -->"
END = "<!-- end of the site.toml reference -->"


def with_reference(text: str) -> str:
    """``text`` with the part between the markers replaced by the generated table."""
    before, start, rest = text.partition(START)
    _, end, after = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"README.md needs the lines {START!r} and {END!r}")
    return f"{before}{START}\n\n{reference_table(TABLES)}\n{END}{after}"


def main() -> None:
    text = README.read_text()
    updated = with_reference(text)
    if updated != text:
        README.write_text(updated)
        print("README.md: site.toml reference updated")


if __name__ == "__main__":
    main()
