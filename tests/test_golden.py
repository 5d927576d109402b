"""The sample site's output, byte for byte, against the reviewed list in tests/golden/."""

from __future__ import annotations

from pathlib import Path

from tools.golden import golden_lines

GOLDEN = Path(__file__).parent / "golden" / "sample-site.sha256"


def test_the_sample_site_builds_to_the_reviewed_bytes(tmp_path: Path) -> None:
    expected = GOLDEN.read_text().splitlines()
    assert golden_lines(tmp_path) == expected, "output changed: run `make golden` and review"
