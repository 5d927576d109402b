"""Helpers for page tests: Debian's Chromium driven by Playwright, and a preview server."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("page tests need Debian's chromium: run `make system-deps` as root")
    return path


@contextmanager
def preview_server(site: Path, now: str) -> Iterator[str]:
    """Run ``publisher serve`` on a free port and yield its address."""
    script = Path(sys.executable).parent / "publisher"
    process = subprocess.Popen(
        [str(script), "--site", str(site), "serve", "--port", "0", "--now", now],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        url = ""
        for line in process.stderr:
            match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if match:
                url = match.group(1)
                break
        if not url:
            raise RuntimeError("publisher serve did not start")
        # Keep reading its log so a chatty server never blocks on a full pipe.
        threading.Thread(target=process.stderr.read, daemon=True).start()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


SERIOUS = ("serious", "critical")


def serious_violations(page: Page) -> list[tuple[str, str, str]]:
    """axe's serious and critical findings on ``page``: (rule, impact, first element)."""
    result = Axe().run(page)
    return [
        (v["id"], v["impact"], v["nodes"][0]["target"][0] if v["nodes"] else "")
        for v in result.response["violations"]
        if v["impact"] in SERIOUS
    ]
