"""Publish benchmark: publisher beside `aws s3 sync`, through a proxy that holds each request.

Run with `make bench`, or alone:

    .venv/bin/python tools/bench_publish.py --articles 300 --episodes 150

Both upload a synthetic site to moto's S3 server through tools/latency_proxy.py (60 ms per
request by default, like a store on another continent): the first upload, an upload with
nothing changed (twice: the first upload wrote published.toml, so the first of them checks
the site again; the second reuses those checks), and one new episode (a 30 MB MP3) with its
article. The table gives each tool's wall time, publisher's time over aws's, and the requests
each made, per method.
publisher's times include its own build and check (which find nothing to rebuild, as the
site was built just before). awscli is installed into .bench/awscli on first use.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.s3server import ProxyState, Seen, start_moto  # noqa: E402
from tools.bench_results import Row, record  # noqa: E402
from tools.latency_proxy import start as start_latency_proxy  # noqa: E402
from tools.synthetic_site import generate  # noqa: E402

WORK = REPO / ".bench"
NOW = "2026-01-01"
METHODS = ("LIST", "GET", "HEAD", "PUT", "POST", "DELETE")
TARGETS = {
    "first upload": 2.0,
    "nothing changed": 0.5,
    "nothing changed, again": 0.5,
    "one new episode": 0.5,
}
"""The issue's goals: how many times faster than aws publisher should be (or at most as slow)."""


def awscli() -> Path:
    venv = WORK / "awscli"
    aws = venv / "bin" / "aws"
    if not aws.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "awscli"], check=True)
    return aws


def method(seen: Seen) -> str:
    return "LIST" if seen.method == "GET" and "list-type" in seen.query else seen.method


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float
    """The process's own CPU time (user + system), to tell waiting from working."""
    requests: Counter[str]
    memory_mb: float = 0.0
    """The process's peak resident memory."""


def timed(proxy: ProxyState, command: list[str], env: dict[str, str]) -> Run:
    proxy.reset()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            errors.seek(0)
            raise RuntimeError(f"{command[0]} failed:\n{errors.read().decode()}")
    with proxy.lock:
        requests = Counter(method(s) for s in proxy.seen)
    return Run(seconds, usage.ru_utime + usage.ru_stime, requests, usage.ru_maxrss / 1024)


def add_episode(site: Path, number: int, megabytes: int) -> None:
    """One new episode with a ``megabytes`` MP3 and its companion article, dated before NOW."""
    folder = site / "episodes" / "new-episode"
    folder.mkdir(parents=True)
    (folder / "episode.md").write_text(
        f"---\ntitle: A new episode\ndate: 2025-12-28\nnumber: {number}\n"
        "article: new-article\n---\nShow notes of the new episode.\n"
    )
    tone = (REPO / "tests" / "data" / "audio" / "tone.mp3").read_bytes()
    with (folder / "new-episode.mp3").open("wb") as audio:
        for _ in range(megabytes * 1024 * 1024 // len(tone) + 1):
            audio.write(tone)
    (site / "articles" / "2025-12-28-new-article.md").write_text(
        "---\ntitle: The new article\ndate: 2025-12-28\n---\nWhat the new episode is about.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=500)
    parser.add_argument("--delay-ms", type=float, default=60.0, help="per request (default 60)")
    parser.add_argument("--episode-mb", type=int, default=30, help="the new episode's MP3")
    parser.add_argument("--concurrency", type=int, help="[publish] concurrency (default: its)")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    site = generate(WORK / "publish-site", articles=args.articles, episodes=args.episodes)
    if args.concurrency:
        with (site / "site.toml").open("a") as toml:
            toml.write(f"\n[publish]\nconcurrency = {args.concurrency}\n")
    bin_dir = Path(sys.executable).parent
    aws = awscli()
    moto, upstream = start_moto()
    proxy, endpoint, stop = start_latency_proxy(upstream, args.delay_ms)
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "bench",
           "AWS_SECRET_ACCESS_KEY": "bench-secret", "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    boto3.client(
        "s3", endpoint_url=upstream, aws_access_key_id="b", aws_secret_access_key="b",
        region_name="us-east-1",
    ).create_bucket(Bucket="bench")  # fmt: skip
    ours = [str(bin_dir / "publisher"), "--site", str(site), "-q", "publish", "--target",
            "s3://bench/ours", "--now", NOW]  # fmt: skip
    build = [str(bin_dir / "publisher"), "--site", str(site), "-q", "build", "--now", NOW]
    theirs = [str(aws), "s3", "sync", "--only-show-errors", str(site / "_site"), "s3://bench/aws"]
    rows: list[tuple[str, Run, Run]] = []
    try:

        def scenario(name: str, prepare: Callable[[], None]) -> None:
            prepare()
            rows.append((name, timed(proxy, ours, env), timed(proxy, theirs, env)))

        def first_build() -> None:
            timed(proxy, build, env)

        scenario("first upload", first_build)
        files = sum(1 for p in (site / "_site").rglob("*") if p.is_file())
        scenario("nothing changed", lambda: None)  # published.toml changed: checked again
        scenario("nothing changed, again", lambda: None)  # the last publish's checks hold

        def new_episode() -> None:
            add_episode(site, args.episodes + 1, args.episode_mb)
            timed(proxy, build, env)

        scenario("one new episode", new_episode)
    finally:
        stop.set()
        moto.terminate()
    print(
        f"Publish benchmark: {args.articles} articles + {args.episodes} episodes ({files} files),"
        f" moto S3 through a proxy holding each request {args.delay_ms:g} ms"
    )
    print(table(rows))
    for name, ours_run, aws_run in rows:
        ratio = ours_run.seconds / aws_run.seconds
        goal = TARGETS[name]
        wanted = 1 / goal if goal > 1 else goal
        record(Row(f"publish: {name}, {files} files, {args.delay_ms:g} ms", f"{ours_run.seconds:.2f} s",
                   f"aws s3 sync {aws_run.seconds:.2f} s", ratio, f"<= {wanted:.2f}",
                   ratio <= wanted, ours_run.memory_mb))  # fmt: skip


def table(rows: list[tuple[str, Run, Run]]) -> str:
    lines = [
        "| scenario | publisher | aws s3 sync | ratio | goal | publisher requests | aws requests "
        "| CPU publisher / aws |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: |",
    ]
    for name, ours, theirs in rows:
        ratio = ours.seconds / theirs.seconds
        goal = TARGETS[name]
        met = "met" if ratio <= (1 / goal if goal > 1 else goal) else "not met"
        wanted = f"<= {1 / goal:.2f}" if goal > 1 else f"<= {goal:.2f}"
        lines.append(
            f"| {name} | {ours.seconds:.2f} s | {theirs.seconds:.2f} s | {ratio:.2f} | "
            f"{wanted} ({met}) | {_counts(ours.requests)} | {_counts(theirs.requests)} | "
            f"{ours.cpu:.2f} s / {theirs.cpu:.2f} s |"
        )
    return "\n".join(lines)


def _counts(count: Counter[str]) -> str:
    return " ".join(f"{m} {count[m]}" for m in METHODS if count[m]) or "none"


if __name__ == "__main__":
    main()
