"""Preview benchmark: from saving an article to the preview serving it, beside `hugo server`.

Run with `make bench`, or alone:

    .venv/bin/python tools/bench_preview.py --articles 1000 --episodes 1000 --saves 15

`publisher serve` and (when Hugo is installed) `hugo server` each serve the same synthetic
articles. The benchmark appends a sentence to one article, as an editor's save does, and
times how long until the sentence shows, two ways: asking the served page for it every 2 ms
("polling"), and in Debian's Chromium (through Playwright) with the page open, which reloads
itself (publisher's script, Hugo's LiveReload). Saves alternate between the two servers. It
also gives each server's peak memory (resident set, with its child processes).
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser import CHROMIUM_ARGS, chromium_path  # noqa: E402
from tools.bench_build import hugo_site  # noqa: E402
from tools.bench_results import Row, record  # noqa: E402
from tools.synthetic_site import generate  # noqa: E402

WORK = REPO / ".bench"
NOW = "2030-01-01"
POLL_SECONDS = 0.002
SETTLE_SECONDS = 1.0  # before each save in the browser: pages connect again, servers go idle
TARGET_MS = 100.0


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode())
    except (urllib.error.URLError, ConnectionError):
        return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    """The high-water mark of resident memory of ``pid`` and its children, in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            total += int(match.group(1)) if match else 0
    return total / 1024


@contextmanager
def server(command: list[str], cwd: Path, url: str) -> Iterator[subprocess.Popen[bytes]]:
    """Start a preview server and wait until ``url`` answers."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    threading.Thread(target=process.stderr.read, daemon=True).start()
    try:
        deadline = time.monotonic() + 600
        while not fetch(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not start")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def save_and_wait(article: Path, shown: Callable[[str], None], marker: str) -> float:
    """Append ``marker`` to ``article``; the seconds until ``shown(marker)`` returns."""
    text = article.read_text()
    started = time.perf_counter()
    article.write_text(text + f"\n{marker} is the newest sentence.\n")
    shown(marker)
    return time.perf_counter() - started


def polled(url: str) -> Callable[[str], None]:
    """Ask for the page every 2 ms until it has the marker."""

    def shown(marker: str) -> None:
        deadline = time.perf_counter() + 30
        while marker not in fetch(url):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{url} did not show the save within 30 s")
            time.sleep(POLL_SECONDS)

    return shown


def in_browser(page: Page) -> Callable[[str], None]:
    """Wait for the open page to reload itself and have the marker (its DOM is then parsed)."""

    def shown(marker: str) -> None:
        while True:
            page.wait_for_event("domcontentloaded", timeout=30_000)
            try:
                if marker in page.content():
                    return
            except PlaywrightError:  # already reloading again
                continue

    return shown


@dataclass
class Server:
    name: str
    article: Path
    url: str
    process: subprocess.Popen[bytes]
    polled: list[float] = field(default_factory=list)
    browser: list[float] = field(default_factory=list)
    memory: float = 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=15, help="saves measured per server and way")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    site = generate(WORK / "preview-site", args.articles, args.episodes)
    article = sorted((site / "articles").glob("*.md"))[args.articles // 2]
    slug = article.stem[11:]
    port = free_port()
    publisher = [str(Path(sys.executable).parent / "publisher"), "--site", str(site), "-q"]
    ours = [*publisher, "serve", "--port", str(port), "--now", NOW]
    url = f"http://127.0.0.1:{port}/articles/{slug}/"
    started = time.perf_counter()
    with server(ours, site, url) as process, hugo(site, slug) as theirs:
        print(f"publisher serve ready in {time.perf_counter() - started:.1f} s")
        servers = [Server("publisher", article, url, process), *theirs]
        measure(servers, args.saves)
    report(args, servers)


def measure(servers: list[Server], saves: int) -> None:
    """Save each server's article ``saves`` times per way, after one save to warm up."""
    for number in range(saves + 1):
        for each in servers:
            seconds = save_and_wait(each.article, polled(each.url), f"Poll{each.name}{number}x")
            if number:
                each.polled.append(seconds)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        pages = {each.name: chromium.new_page() for each in servers}
        for each in servers:
            pages[each.name].goto(each.url)
        for number in range(saves + 1):
            for each in servers:
                time.sleep(SETTLE_SECONDS)
                shows = in_browser(pages[each.name])
                seconds = save_and_wait(each.article, shows, f"Open{each.name}{number}x")
                if number:
                    each.browser.append(seconds)
                each.memory = peak_rss_mb(each.process.pid)
        chromium.close()


@contextmanager
def hugo(site: Path, slug: str) -> Iterator[list[Server]]:
    """`hugo server` on the same articles (none when Hugo is not installed)."""
    if not shutil.which("hugo"):
        yield []
        return
    folder = hugo_site(site, WORK / "preview-hugo")
    port = free_port()
    command = ["hugo", "server", "--port", str(port), "--bind", "127.0.0.1"]
    url = f"http://127.0.0.1:{port}/articles/{slug}/"
    article = folder / "content" / "articles" / f"{slug}.md"
    with server(command, folder, url) as process:
        yield [Server("hugo", article, url, process)]


def report(args: argparse.Namespace, servers: list[Server]) -> None:
    print(
        f"Preview: save an article, page shows it ({args.articles} articles + {args.episodes} "
        f"episodes; median of {args.saves} saves each way)"
    )
    print("| server | polling every 2 ms | slowest | page open in Chromium | slowest "
          "| peak memory | ratio (browser) | goal <= 100 ms |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    ours = statistics.median(servers[0].browser) * 1000
    for each in servers:
        polled, browser = (statistics.median(t) * 1000 for t in (each.polled, each.browser))
        mine = each.name == "publisher"
        ratio = "" if mine else f"{ours / browser:.2f}"
        goal = ", ".join(
            f"{way} {'met' if ms <= TARGET_MS else 'not met'}"
            for way, ms in (("polling", polled), ("Chromium", browser))
        )
        print(
            f"| {each.name} serve{'' if mine else 'r'} | {polled:.0f} ms | {max(each.polled) * 1000:.0f} ms | "
            f"{browser:.0f} ms | {max(each.browser) * 1000:.0f} ms | {each.memory:.0f} MB | "
            f"{ratio} | {goal if mine else ''} |"
        )
    if len(servers) == 1:
        print("| hugo server | not installed (apt-get install hugo) | | | | | | |")
    size = f"{args.articles} + {args.episodes}"
    for way, times in (("polling the page", "polled"), ("page open in Chromium", "browser")):
        ms = statistics.median(getattr(servers[0], times)) * 1000
        hugo = statistics.median(getattr(servers[1], times)) * 1000 if len(servers) > 1 else None
        record(Row(f"preview: save an article -> {way}, {size}", f"{ms:.0f} ms",
                   f"hugo server {hugo:.0f} ms" if hugo else "", ms / hugo if hugo else None,
                   f"<= {TARGET_MS:.0f} ms", ms <= TARGET_MS, servers[0].memory))  # fmt: skip


if __name__ == "__main__":
    main()
