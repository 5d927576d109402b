"""Print the SHA-256 of every file of the sample site built at fixed moments.

`make golden` writes this to tests/golden/sample-site.sha256; the test suite builds the site
again and compares, so a change that alters any output byte shows up as a diff to review.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from publisher.build import build  # noqa: E402
from publisher.dates import parse_now  # noqa: E402
from tests.conftest import copy_sample_site  # noqa: E402

MOMENTS = ("2026-11-27T12:00", "2030-01-07T12:00")  # before and after the scheduled episode


def golden_lines(work: Path) -> list[str]:
    """``sha256  moment/path`` for every output file, sorted."""
    site = copy_sample_site(work / "site")
    lines = []
    for moment in MOMENTS:
        out = work / moment
        build(site, out, parse_now(moment))
        for path in sorted(p for p in out.rglob("*") if p.is_file()):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {moment}/{path.relative_to(out).as_posix()}")
    return lines


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        print("\n".join(golden_lines(Path(folder))))
