"""Preview benchmark: from saving an article to the preview serving it, beside `hugo server`.

Run with `make bench`, or alone:

    .venv/bin/python tools/bench_preview.py --articles 1000 --episodes 1000 --saves 15

`publisher serve` and (when Hugo is installed) `hugo server` each serve the same synthetic
articles. The benchmark appends a sentence to one article, as an editor's save does, then
asks the served page for it every 2 ms until it is there: the time from the save to the first
answer that has it. Saves alternate between the two servers. It also gives each server's
peak memory (resident set, with its child processes).
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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools.bench_build import hugo_site  # noqa: E402
from tools.synthetic_site import generate  # noqa: E402

WORK = REPO / ".bench"
NOW = "2030-01-01"
POLL_SECONDS = 0.002
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


def save_and_wait(article: Path, url: str, marker: str) -> float:
    """Append ``marker`` to ``article`` and return the seconds until ``url`` shows it."""
    text = article.read_text()
    started = time.perf_counter()
    article.write_text(text + f"\n{marker} is the newest sentence.\n")
    deadline = started + 30
    while marker not in fetch(url):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{url} did not show the save within 30 s")
        time.sleep(POLL_SECONDS)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=15, help="saves measured per server")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    site = generate(WORK / "preview-site", args.articles, args.episodes)
    article = sorted((site / "articles").glob("*.md"))[args.articles // 2]
    slug = article.stem[11:]
    port = free_port()
    publisher = [str(Path(sys.executable).parent / "publisher"), "--site", str(site), "-q"]
    ours = [*publisher, "serve", "--port", str(port), "--now", NOW]
    measured: dict[str, list[float]] = {"publisher": [], "hugo": []}
    memory: dict[str, float] = {}
    started = time.perf_counter()
    with server(ours, site, f"http://127.0.0.1:{port}/articles/{slug}/") as process:
        print(f"publisher serve ready in {time.perf_counter() - started:.1f} s")
        servers: list[tuple[str, Callable[[str], float], subprocess.Popen[bytes]]] = []
        url = f"http://127.0.0.1:{port}/articles/{slug}/"
        servers.append(("publisher", lambda m: save_and_wait(article, url, m), process))
        with hugo(site, slug) as (hugo_save, hugo_process):
            if hugo_save is not None and hugo_process is not None:
                servers.append(("hugo", hugo_save, hugo_process))
            for number in range(args.saves + 1):
                for name, save, running in servers:
                    seconds = save(f"Marker{name}{number}x")
                    if number:  # the first save of each warms up
                        measured[name].append(seconds)
                    memory[name] = peak_rss_mb(running.pid)
    report(args, measured, memory)


@contextmanager
def hugo(
    site: Path, slug: str
) -> Iterator[tuple[Callable[[str], float] | None, subprocess.Popen[bytes] | None]]:
    """`hugo server` on the same articles, and how to save one and wait for it."""
    if not shutil.which("hugo"):
        yield None, None
        return
    folder = hugo_site(site, WORK / "preview-hugo")
    port = free_port()
    command = ["hugo", "server", "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--disableLiveReload", "--quiet"]
    url = f"http://127.0.0.1:{port}/articles/{slug}/"
    article = folder / "content" / "articles" / f"{slug}.md"
    with server(command, folder, url) as process:
        yield (lambda marker: save_and_wait(article, url, marker)), process


def report(
    args: argparse.Namespace, measured: dict[str, list[float]], memory: dict[str, float]
) -> None:
    ours = statistics.median(measured["publisher"]) * 1000
    print(
        f"Preview: save an article, page shows it ({args.articles} articles + {args.episodes} "
        f"episodes; median of {args.saves} saves, polling every {POLL_SECONDS * 1000:.0f} ms)"
    )
    print("| server | median | slowest | peak memory | ratio | goal |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    slowest = max(measured["publisher"]) * 1000
    goal = f"<= {TARGET_MS:.0f} ms ({'met' if ours <= TARGET_MS else 'not met'})"
    print(f"| publisher serve | {ours:.0f} ms | {slowest:.0f} ms | "
          f"{memory['publisher']:.0f} MB | | {goal} |")  # fmt: skip
    if measured["hugo"]:
        theirs = statistics.median(measured["hugo"]) * 1000
        print(f"| hugo server | {theirs:.0f} ms | {max(measured['hugo']) * 1000:.0f} ms | "
              f"{memory['hugo']:.0f} MB | {ours / theirs:.2f} | |")  # fmt: skip
    else:
        print("| hugo server | not installed (apt-get install hugo) | | | | |")


if __name__ == "__main__":
    main()
