"""Lighthouse scores of the sample site: home, an episode and an article page.

Run with `make lighthouse` (which installs Lighthouse into tools/lighthouse/node_modules),
or alone:

    .venv/bin/python tools/lighthouse.py --threshold 0.95

Builds the sample site at a fixed moment into .lighthouse/site, serves it on 127.0.0.1 with
Python's http.server (plain files, no compression and no cache headers: on the real site a
CDN adds those, and we do not pretend to be one), runs Lighthouse (default mobile settings,
simulated throttling) in headless Chromium with its background traffic off, and prints each
page's performance, accessibility, best practices and SEO scores. The JSON reports are kept in
.lighthouse/ and the audits that cost points are listed under the table. Exits 1 when any score
is below the threshold.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".lighthouse"
LIGHTHOUSE = REPO / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
NOW = "2026-11-27T12:00"
PAGES = {
    "home": "/",
    "episode": "/episodes/rehab-at-home/",
    "article": "/articles/rehab-at-home/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Chromium must not reach for the internet (the machine may have none, and it would skew timings).
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the built site without logging every request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_site(out: Path, now: str) -> None:
    if out.exists():
        shutil.rmtree(out)
    publisher = REPO / ".venv" / "bin" / "publisher"
    command = [str(publisher), "build", "--out", str(out), "--now", now]
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def serve(root: Path) -> ThreadingHTTPServer:
    """Start a static server for root on 127.0.0.1 at a free port."""
    handler = functools.partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_lighthouse(url: str, report: Path) -> dict[str, Any]:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env)
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return result


def lost_points(result: dict[str, Any], category: str) -> list[str]:
    """The weighted audits of a category that did not score full marks."""
    audits = result["audits"]
    lines = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        score = audit.get("score")
        if ref["weight"] > 0 and score is not None and score < 1:
            value = audit.get("displayValue", "")
            lines.append(f"    {ref['id']} ({score:.2f}, weight {ref['weight']}) {value}".rstrip())
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=0.95)
    parser.add_argument("--now", default=NOW, help=f"build moment (default {NOW})")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `make lighthouse`", file=sys.stderr)
        return 2
    WORK.mkdir(exist_ok=True)
    site = WORK / "site"
    build_site(site, args.now)
    server = serve(site)
    port = server.server_address[1]
    results: dict[str, dict[str, Any]] = {}
    try:
        for name, path in PAGES.items():
            url = f"http://127.0.0.1:{port}{path}"
            print(f"lighthouse {url}", flush=True)
            results[name] = run_lighthouse(url, WORK / f"{name}.report.json")
    finally:
        server.shutdown()

    print()
    print(f"{'page':<10}" + "".join(f"{c:>16}" for c in CATEGORIES))
    failed = []
    for name, result in results.items():
        scores = [result["categories"][c]["score"] for c in CATEGORIES]
        print(f"{name:<10}" + "".join(f"{s:>16.2f}" for s in scores))
        for category, score in zip(CATEGORIES, scores, strict=True):
            if score < args.threshold:
                failed.append(f"  {name} {category} {score:.2f}:")
                failed.extend(lost_points(result, category))
    print(f"\nreports: {WORK.relative_to(REPO)}/*.report.json; threshold {args.threshold:.2f}")
    if failed:
        print("below the threshold:")
        print("\n".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
