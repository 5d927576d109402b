"""Each ``tests/data/frontmatter/<case>.md`` has a ``.json`` (expected) or ``.err`` beside it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from publisher.content.frontmatter import parse_front_matter, read_text
from publisher.errors import ContentError

CASES = Path(__file__).parent / "data" / "frontmatter"


def _plain(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize("case", sorted(CASES.glob("*.md")), ids=lambda p: p.stem)
def test_front_matter_case(case: Path) -> None:
    expected_json = case.with_suffix(".json")
    if expected_json.exists():
        matter = parse_front_matter(read_text(case), case)
        expected = json.loads(expected_json.read_text())
        assert {k: _plain(v) for k, v in matter.data.items()} == expected["data"]
        assert matter.key_lines == expected["key_lines"]
        assert matter.body == expected["body"]
        assert matter.body_line == expected["body_line"]
    else:
        message = case.with_suffix(".err").read_text().strip().replace("{path}", str(case))
        with pytest.raises(ContentError) as caught:
            parse_front_matter(read_text(case), case)
        assert str(caught.value) == message


def test_every_case_has_an_expectation() -> None:
    for case in CASES.glob("*.md"):
        assert case.with_suffix(".json").exists() or case.with_suffix(".err").exists(), case
