"""Smart quotes, dashes and ellipses for Markdown, in one pass over the finished text.

Python-Markdown's own ``smarty`` extension does this with a dozen inline patterns that run over
every piece of text again and doubles the cost of a conversion; this treeprocessor walks the
document once and decides each quote from the character before it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# Elements whose text is code or otherwise literal.
LITERAL_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math"})
# Blocks start a fresh context: a quote at their start opens.
BLOCK_TAGS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "dt", "dd", "div"}
    | {"figcaption", "caption", "summary", "ul", "ol", "table", "tr", "thead", "tbody"}
)
# After these a quote opens: nothing, spaces, brackets, dashes, slashes and opening quotes.
OPENING_CONTEXT = frozenset(" \t\n\r\u00a0([{<-/\u2013\u2014\u2018\u201c")
_SPECIAL = re.compile(r"---|--|\.\.\.|[\"']")
_DECADE = re.compile(r"\d\ds?\b")
_FIXED = {"---": "\u2014", "--": "\u2013", "...": "\u2026"}


def smarten(text: str, before: str = " ") -> str:
    """Curl the quotes of ``text`` and turn ``--``, ``---`` and ``...`` into dashes and an ellipsis.

    ``before`` is the character that precedes ``text`` in the document. A quote opens after a
    space, a bracket, a dash or another opening quote, and closes otherwise; before two digits
    an apostrophe stands for the missing century.

    >>> smarten('"Rest," she said -- it\\'s the \\'90s... --- or \\'just\\' walk.')
    '“Rest,” she said – it’s the ’90s… — or ‘just’ walk.'
    >>> smarten('"\\'Nested\\' quotes," she said.')
    '“‘Nested’ quotes,” she said.'
    >>> smarten('" he added.', before="d")
    '” he added.'
    """
    if not _SPECIAL.search(text):
        return text
    pieces: list[str] = []
    position = 0
    for match in _SPECIAL.finditer(text):
        start = match.start()
        if start > position:
            pieces.append(text[position:start])
            before = text[start - 1]
        token = match.group()
        smart = _FIXED.get(token)
        if smart is None:
            opens = before in OPENING_CONTEXT
            if token == '"':
                smart = "\u201c" if opens else "\u201d"
            elif opens and not _DECADE.match(text, start + 1):
                smart = "\u2018"
            else:
                smart = "\u2019"
        pieces.append(smart)
        before = smart
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


class TypographyProcessor(Treeprocessor):
    """Apply :func:`smarten` to every text and tail in document order, skipping code."""

    def run(self, root: etree.Element) -> None:
        self._walk(root, " ")

    def _walk(self, element: etree.Element, before: str) -> str:
        """Smarten ``element``'s text and children; return the last character they end with."""
        if element.tag in BLOCK_TAGS:
            before = " "
        if element.tag in LITERAL_TAGS:
            return _last_character(element, before)
        element.text, before = _smarten_text(element.text, before)
        for child in element:
            before = self._walk(child, before)
            child.tail, before = _smarten_text(child.tail, before)
        return " " if element.tag in BLOCK_TAGS else before


def _smarten_text(text: str | None, before: str) -> tuple[str | None, str]:
    if not text:
        return text, before
    if isinstance(text, AtomicString):
        return text, text[-1]
    smart = smarten(text, before)
    return smart, smart[-1]


def _last_character(element: etree.Element, before: str) -> str:
    """The last character of ``element``'s text (children included), else ``before``."""
    for text in element.itertext():
        if text:
            before = text[-1]
    return before


class TypographyExtension(Extension):
    """Run :class:`TypographyProcessor` after inline parsing, before the table of contents."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # A backslash keeps a quote straight, as with "smarty".
        md.ESCAPED_CHARS.extend(['"', "'"])
        md.treeprocessors.register(TypographyProcessor(md), "typography", 7)
