"""The client-side search index: released articles and episodes only, built with the site."""

from __future__ import annotations

import json

from publisher.render.entries import SiteView

TEXT_LIMIT = 5000


def search_index(view: SiteView) -> bytes:
    """A compact JSON list of documents for ``static/search.js`` to match against."""
    documents = [
        {
            "kind": entry.kind,
            "title": entry.title,
            "url": entry.link.url,
            "date": entry.date_label,
            "summary": entry.summary,
            "tags": [name for name, _ in entry.tags],
            "text": entry.plain[:TEXT_LIMIT],
        }
        for entry in sorted(
            [*view.episodes, *view.articles], key=lambda e: (e.date, e.slug), reverse=True
        )
    ]
    return (json.dumps(documents, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
