"""Split a Markdown file into its YAML front matter and body, keeping line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from publisher.errors import ContentError

FENCE = "---"
# Characters XML 1.0 forbids (tab and newline are fine).
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class FrontMatter:
    """The parsed YAML block, the line of each top-level key, and the Markdown body."""

    data: dict[str, Any]
    body: str
    key_lines: dict[str, int] = field(default_factory=dict)
    body_line: int = 1

    def line_of(self, key: str) -> int:
        """The file line where ``key`` is set, or line 1 when it is absent."""
        return self.key_lines.get(key, 1)


def read_text(path: Path) -> str:
    """Read a UTF-8 file; undecodable bytes are a content error naming the line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ContentError(
            f"not UTF-8 text (byte 0x{data[err.start]:02x}); save the file as UTF-8", path, line
        ) from err
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    control = CONTROL_RE.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise ContentError(
            f"contains an invisible control character (U+{ord(control.group()):04X}) that feeds "
            "cannot carry; delete it (it often comes from copying out of a PDF or word processor)",
            path,
            line,
        )
    return text


def parse_front_matter(text: str, path: Path) -> FrontMatter:
    """Parse ``---``-fenced YAML at the top of ``text``.

    >>> fm = parse_front_matter("---\\ntitle: Hi\\ndate: 2025-01-05\\n---\\nBody\\n", Path("a.md"))
    >>> fm.data["title"], fm.key_lines["date"], fm.body, fm.body_line
    ('Hi', 3, 'Body\\n', 5)
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise ContentError(
            "must start with a front matter block: a line '---', YAML, '---'", path, 1
        )
    end = _closing_fence(lines)
    if end is None:
        raise ContentError("front matter has no closing '---' line", path, 1)
    block = "\n".join(lines[1:end])
    node, data = _load_yaml(block, path)
    body = "\n".join(lines[end + 1 :])
    return FrontMatter(data, body, _key_lines(node, path), end + 2)


def _closing_fence(lines: list[str]) -> int | None:
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in (FENCE, "..."):
            return index
    return None


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's is ~10x faster) that keeps an impossible date as text."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    """A YAML timestamp, or its text when it names no real moment (``2026-02-30``, ``+25:00``).

    The text then reaches the typed reader, which says what is wrong at the key's line.
    """
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def _load_yaml(block: str, path: Path) -> tuple[yaml.Node | None, dict[str, Any]]:
    loader = _Loader(block)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as err:
        # An unclosed quote or bracket is reported at the end; its start is more helpful.
        at_end = "end of stream" in (err.problem or "")
        mark = (err.context_mark if at_end else None) or err.problem_mark or err.context_mark
        line = mark.line + 2 if mark is not None else 1
        reason = "; ".join(part for part in (err.context, err.problem) if part) or "syntax error"
        raise ContentError(
            f"front matter is not valid YAML: {reason} (check quotes, colons and indentation)",
            path,
            line,
        ) from err
    except yaml.YAMLError as err:
        raise ContentError(f"front matter is not valid YAML: {err}", path, 1) from err
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentError("front matter must be a list of 'key: value' lines", path, 2)
    return node, data


def _key_lines(node: yaml.Node | None, path: Path) -> dict[str, int]:
    lines: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 2
        if key in lines:
            raise ContentError(f"key {key!r} appears twice in the front matter", path, line)
        lines[key] = line
    return lines
