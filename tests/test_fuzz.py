"""Property: whatever an editor types, a build either succeeds with safe, well-formed output or
stops with a located error; it never crashes."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from publisher.build import build
from publisher.errors import PublisherError
from tests.conftest import AUDIO, NOW

NASTY = st.sampled_from([
    "\x07bell", "\u202eevil rtl", "عربى", "😀 emoji", "a" * 5000, "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>', "[click](javascript:alert(1))", "<a href='javascript:x()'>x</a>",
    "&amp; &lt; &#0;", "]]>", "---", "key: value", "{{ jinja }}", "{% raw %}", "\ufeff", "\r\n", "",
])  # fmt: skip
PRINTABLE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200)
TEXT = st.one_of(NASTY, PRINTABLE, st.lists(NASTY, max_size=4).map(" ".join))
SETTINGS = settings(
    max_examples=150, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip


def _quoted(value: object) -> str:
    """A double-quoted string both TOML and YAML read back unchanged (emoji kept as they are)."""
    return json.dumps(value, ensure_ascii=False)


def _site(
    root: Path, title: str, body: str, tags: list[str], date: str, show: str, slug: str | None
) -> None:
    (root / "articles").mkdir(parents=True)
    (root / "episodes" / "ep").mkdir(parents=True)
    (root / "site.toml").write_text(
        f'[site]\ntitle = {_quoted(show)}\nbase_url = "https://example.org"\n'
        f'description = {_quoted(show)}\n[podcast]\nowner_email = "a@example.org"\n',
        encoding="utf-8",
    )
    front = f"title: {_quoted(title)}\ndate: {_quoted(date)}\ntags: {_quoted(tags)}\n"
    slug_line = f"slug: {_quoted(slug)}\n" if slug is not None else ""
    (root / "articles" / "2026-01-04-fuzz.md").write_text(
        f"---\n{front}{slug_line}episode: ep\n---\n{body}\n", encoding="utf-8"
    )
    (root / "episodes" / "ep" / "episode.md").write_text(
        f"---\n{front}---\n{body}\n", encoding="utf-8"
    )
    shutil.copyfile(AUDIO / "tone.mp3", root / "episodes" / "ep" / "ep.mp3")


def _assert_safe(out: Path) -> None:
    for path in sorted(out.rglob("*")):
        if path.suffix == ".xml":
            etree.parse(str(path))  # well-formed, or this raises
        elif path.suffix == ".html":
            page = lxml_html.fromstring(path.read_bytes())
            for body in page.xpath("//div[@class='body'] | //title | //h1"):
                assert not body.xpath(".//script | .//iframe | .//object"), path
                for element in body.iter():
                    assert not any(name.startswith("on") for name in element.attrib), path
                    for value in element.attrib.values():
                        assert not value.strip().lower().startswith("javascript:"), path


@SETTINGS
@given(
    title=st.one_of(PRINTABLE, TEXT),
    body=TEXT,
    tags=st.lists(st.one_of(PRINTABLE, TEXT), max_size=3),
    date=st.one_of(
        *[st.sampled_from(["2026-01-04", "2026-01-04 18:30", "2026-01-04T06:00+02:00"])] * 3, TEXT
    ),
    show=st.one_of(PRINTABLE, TEXT),
    slug=st.one_of(
        st.none(), st.none(), st.sampled_from(["../../etc", "/abs", "ok-slug", "Caps", "a/b"]), TEXT
    ),
)
def test_any_input_builds_safely_or_fails_cleanly(
    title: str, body: str, tags: list[str], date: str, show: str, slug: str | None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        _site(root, title, body, tags, date, show, slug)
        try:
            build(root, root / "_site", NOW)
        except PublisherError as err:
            event("refused with a located error")
            message = str(err)
            assert ": error: " in message or message.startswith("error: "), message
            assert str(root) in message or "error" in message
            return
        event("built")
        _assert_safe(root / "_site")
        beside = set(Path(folder).rglob("*")) - set(root.rglob("*")) - {root}
        assert beside == set(), beside  # nothing written outside the site and its _site
