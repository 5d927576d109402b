"""Markdown conversion: typography, batches of documents, and both cores giving the same result."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.render.markup import RenderedText, render_documents, render_markdown
from publisher.render.texts import PARALLEL_THRESHOLD, _render_all
from publisher.render.typography import smarten


def html(markdown_text: str) -> str:
    return render_markdown(markdown_text).html


def rendered(text: RenderedText | None) -> RenderedText:
    """A batch entry that did render (``None`` only for text nested too deeply)."""
    assert text is not None
    return text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"Rest," she said.', "<p>“Rest,” she said.</p>"),
        ("Don't stop; it's fine.", "<p>Don’t stop; it’s fine.</p>"),
        ("He said 'walk' twice.", "<p>He said ‘walk’ twice.</p>"),
        ("The dogs' bowls", "<p>The dogs’ bowls</p>"),
        ("Back in the '90s", "<p>Back in the ’90s</p>"),
        ("\"'Nested' quotes\"", "<p>“‘Nested’ quotes”</p>"),
        ("Pages 10--12 --- or more...", "<p>Pages 10–12 — or more…</p>"),
        # The quote after a link or emphasis closes; the one before it opens.
        ('"*Slowly*," he said', "<p>“<em>Slowly</em>,” he said</p>"),
        (
            'Read "[the guide](/guide/)" first',
            '<p>Read “<a href="/guide/">the guide</a>” first</p>',
        ),
        ('("brackets")', "<p>(“brackets”)</p>"),
        # A backslash keeps a quote straight.
        ('Type \\"yes\\" here', '<p>Type "yes" here</p>'),
    ],
)
def test_smart_punctuation(source: str, expected: str) -> None:
    assert html(source) == expected


def test_code_keeps_its_quotes_and_dashes() -> None:
    page = html('Run `say "it\'s" -- now` then:\n\n```\necho "don\'t" --force ...\n```\n')
    assert '<code>say "it\'s" -- now</code>' in page
    assert 'echo "don\'t" --force ...\n</code></pre>' in page
    assert "Run " in page and "then:" in page


def test_each_list_item_and_cell_starts_afresh() -> None:
    page = html('- "one"\n- \'two\'\n\n| a |\n| - |\n| "cell" |\n')
    assert "<li>“one”</li>" in page and "<li>‘two’</li>" in page
    assert "<td>“cell”</td>" in page


def test_headings_keep_their_ids_and_the_toc_shows_curly_quotes() -> None:
    text = render_markdown(
        "## \"Rest\" -- or not?\n\nA\n\n## Don't...\n\nB\n\n### Why's that\n\nC\n"
    )
    assert '<h2 id="rest-or-not">“Rest” – or not?</h2>' in text.html
    assert '<h2 id="dont">Don’t…</h2>' in text.html
    assert "“Rest” – or not?" in text.toc_html
    assert text.heading_count == 3


def test_documents_rendered_together_do_not_leak_into_each_other() -> None:
    first = "## One\n\nA note.[^1]\n\n## Two\n\nMore.\n\n### Three\n\nEnd.\n\n[^1]: The footnote.\n"
    second = "Plain text with no headings."
    together = render_documents([first, second, first])
    assert together == [render_markdown(first), render_markdown(second), render_markdown(first)]
    assert "footnote" not in rendered(together[1]).html
    assert rendered(together[1]).toc_html == "" and rendered(together[1]).heading_count == 0
    assert rendered(together[2]).html.count('class="footnote"') == 1


def test_shared_work_keeps_the_order_and_matches_one_process() -> None:
    bodies = [
        f'## Part {n}\n\n"Quote {n}" and *it\'s* item {n}.\n'
        for n in range(PARALLEL_THRESHOLD + 37)
    ]
    shared = _render_all(bodies)
    assert shared == render_documents(bodies)
    assert [rendered(text).first_paragraph for text in shared[:2]] == [
        "“Quote 0” and it’s item 0.",
        "“Quote 1” and it’s item 1.",
    ]


UNDO = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "--", "—": "---", "…": "..."})


@settings(derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("ab 1'\"-.([*\n")), max_size=60))
def test_smarten_only_replaces_punctuation(text: str) -> None:
    assert smarten(text).translate(UNDO) == text


def test_a_text_too_deep_to_convert_is_reported_in_its_place() -> None:
    bodies = [f"Text {n}." for n in range(PARALLEL_THRESHOLD + 5)]
    bodies[40] = "- " * 600 + "x"
    shared = _render_all(bodies)
    assert shared[40] is None
    assert [text is None for text in shared].count(True) == 1
    assert shared[41] is not None and shared[41].html == "<p>Text 41.</p>"
    with pytest.raises(ValueError, match="flatten the nesting"):
        render_markdown(bodies[40])
