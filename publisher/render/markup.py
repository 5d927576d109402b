"""Markdown to HTML, with a fresh converter per document."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
import markdown
import nh3

from publisher.render.typography import TypographyExtension

# "extra" minus abbr, def_list and md_in_html, which editors rarely need and which cost ~8%.
# Smart quotes come from our TypographyExtension, which costs a tenth of "smarty".
EXTENSIONS = ["tables", "footnotes", "fenced_code", "attr_list", "toc", "sane_lists"]
EXTENSION_CONFIGS = {"toc": {"permalink": False, "toc_depth": "2-3"}}
SUMMARY_LIMIT = 300
TOO_DEEP = (
    "this text nests lists or quotes hundreds of levels deep, more than can be converted; "
    "flatten the nesting"
)
# Raw HTML in Markdown is welcome for layout and media; anything that runs code is not.
ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"audio", "video", "source", "track", "picture"}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "audio": {"src", "controls", "preload"},
    "video": {"src", "controls", "preload", "poster", "width", "height"},
    "source": {"src", "type", "srcset", "media"},
    "track": {"src", "kind", "srclang", "label"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "ol": {"start", "type"},
    "time": {"datetime"},
    "abbr": {"title"},
}
_HEADING = re.compile(r'<h([2-4]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
# In sanitized HTML: a start tag (values double-quoted, so ``>`` inside one is no end) and,
# within it, each attribute in turn (so no match starts inside a value).
_START_TAG = re.compile(r'<[a-zA-Z](?:[^">]|"[^"]*")*>')
_ATTRIBUTE = re.compile(r'\s([^\s"=>/]+)="([^"]*)"')
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "srcset"})


@dataclass(frozen=True)
class RenderedText:
    """A document's HTML, its table of contents, a plain-text summary and its size."""

    html: str
    toc_html: str
    first_paragraph: str
    word_count: int = 0
    heading_count: int = 0
    plain: str = ""
    source_sha: str = ""
    """SHA-256 of the Markdown it came from: it stands for all the fields above."""


def render_markdown(text: str) -> RenderedText:
    """Convert Markdown to HTML with tables, footnotes, fenced code, heading ids, smart quotes.

    >>> r = render_markdown("## Why rest?\\n\\nIt's *short*.")
    >>> r.html
    '<h2 id="why-rest">Why rest?</h2>\\n<p>It’s <em>short</em>.</p>'
    >>> r.first_paragraph
    'It’s short.'
    """
    rendered = render_documents([text])[0]
    if rendered is None:
        raise ValueError(TOO_DEEP)
    return rendered


def render_documents(texts: list[str]) -> list[RenderedText | None]:
    """:func:`render_markdown` for many documents, sharing one converter (reset between them).

    A document nested too deeply for the converter (hundreds of levels) gives ``None``.
    """
    converter = _converter()
    rendered = []
    for text in texts:
        result = _render(converter.reset(), text)
        if result is None:
            converter = _converter()  # a failed conversion leaves parser state behind
        rendered.append(result)
    return rendered


def _converter() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[*EXTENSIONS, TypographyExtension()], extension_configs=EXTENSION_CONFIGS
    )


def _render(converter: markdown.Markdown, text: str) -> RenderedText | None:
    try:
        html = converter.convert(text)
    except RecursionError:
        return None
    body = sanitize(html)
    toc = getattr(converter, "toc", "")
    plain, first = _texts(body)
    tokens = getattr(converter, "toc_tokens", [])
    headings = len(tokens) + sum(len(token.get("children", [])) for token in tokens)
    toc = toc if "<li>" in toc else ""
    return RenderedText(body, toc, first, len(plain.split()), headings, plain)


def sanitize(fragment: str) -> str:
    """Keep the HTML an article needs; drop scripts, event handlers and javascript: links.

    >>> sanitize('<p onclick="x()"><a href="javascript:alert(1)">Hi</a><script>bad()</script></p>')
    '<p><a>Hi</a></p>'
    >>> sanitize('<h2 id="rest" class="x">Rest</h2><audio controls src="a.mp3"></audio>')
    '<h2 id="rest" class="x">Rest</h2><audio controls="" src="a.mp3"></audio>'
    """
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )


def _texts(fragment: str) -> tuple[str, str]:
    """The plain text of ``fragment`` and of its first paragraph, whitespace collapsed.

    >>> _texts("<h2>Rest</h2><p>Sit &amp; <b>rest</b></p>\\n<p>then walk</p>")
    ('Rest Sit & rest then walk', 'Sit & rest')
    """
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    first = next(root.iter("p"), None)
    first_text = "".join(first.itertext()) if first is not None else ""
    return " ".join(" ".join(root.itertext()).split()), " ".join(first_text.split())


def shorten(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters.

    >>> shorten("one two three", 9)
    'one two…'
    """
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def absolutize_links(fragment: str, page_url: str) -> str:
    """Make every ``href``, ``src``, ``poster`` and ``srcset`` URL absolute, for feeds read
    outside the site: apps resolve neither root-relative paths nor ``#fragments`` the way the
    page does, so a footnote link becomes the page's address with its fragment.

    ``fragment`` is :func:`sanitize` output, where every attribute value is double-quoted and
    every ``<`` in text is escaped, so start tags are found exactly; only attributes inside a
    tag change, never text that merely looks like one. (lxml's HTML parser is not used to
    rewrite: it does not know ``<source>`` and ``<track>`` are empty and would nest what
    follows them.)

    >>> absolutize_links('<a href="/a/">x</a> <img src="b.png"> <a href="#f">1</a>', "https://x.org/s/")
    '<a href="https://x.org/a/">x</a> <img src="https://x.org/s/b.png"> <a href="https://x.org/s/#f">1</a>'
    >>> absolutize_links('<source srcset="a.png 1x, /b.png 2x"><code>href="/x"</code>', "https://x.org/s/")
    '<source srcset="https://x.org/s/a.png 1x, https://x.org/b.png 2x"><code>href="/x"</code>'
    >>> absolutize_links('<img alt=" src=" title="a>b" src="c?x=1&amp;y=2">', "https://x.org/")
    '<img alt=" src=" title="a>b" src="https://x.org/c?x=1&amp;y=2">'
    """

    def fix_attribute(match: re.Match[str]) -> str:
        name, value = match.group(1), html.unescape(match.group(2))
        if name not in URL_ATTRIBUTES:
            return match.group()
        if name == "srcset":
            fixed = ", ".join(_absolute_candidate(c, page_url) for c in value.split(","))
        else:
            fixed = _absolute(value.strip(), page_url)
        return f' {name}="{_attribute_text(fixed)}"'

    return _START_TAG.sub(lambda tag: _ATTRIBUTE.sub(fix_attribute, tag.group()), fragment)


def _absolute(url: str, page_url: str) -> str:
    return url if urlsplit(url).scheme else urljoin(page_url, url)


def _absolute_candidate(candidate: str, page_url: str) -> str:
    """One ``srcset`` entry: a URL and an optional width or density."""
    url, _, descriptor = candidate.strip().partition(" ")
    return f"{_absolute(url, page_url)} {descriptor.strip()}".strip()


def _attribute_text(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


def with_heading_anchors(fragment: str) -> str:
    """Give each heading with an id a visible link to itself, for sharing a section.

    >>> with_heading_anchors('<h2 id="rest">Rest</h2>')
    '<h2 id="rest">Rest <a class="anchor" href="#rest" aria-label="Link to this section">#</a></h2>'
    """
    return _HEADING.sub(
        lambda m: (
            f'<h{m[1]} id="{m[2]}">{m[3]} <a class="anchor" href="#{m[2]}" '
            f'aria-label="Link to this section">#</a></h{m[1]}>'
        ),
        fragment,
    )
