"""Publish benchmark: requests and time against moto's S3 server, side by side with `aws s3 sync`.

Run with `make bench`. Scenarios on a synthetic site of about 2,000 files: first publish,
publish with nothing changed, publish after a clean rebuild (new file times), and publish
after editing one article. awscli is installed into .bench/awscli on first use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.s3server import ProxyState, start_moto, start_proxy  # noqa: E402
from tools.synthetic_site import generate  # noqa: E402

WORK = REPO / ".bench"
NOW = "2026-01-01"


def awscli() -> Path:
    venv = WORK / "awscli"
    aws = venv / "bin" / "aws"
    if not aws.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "awscli"], check=True)
    return aws


def measure(proxy: ProxyState, action: Callable[[], None]) -> tuple[float, Counter[str]]:
    proxy.reset()
    started = time.perf_counter()
    action()
    elapsed = time.perf_counter() - started
    return elapsed, Counter(s.method for s in proxy.seen)


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def large_file(endpoint: str, proxy: ProxyState, megabytes: int) -> None:
    """Publish one episode whose MP3 is ``megabytes`` large; report time and peak memory."""
    site = WORK / "large-site"
    shutil.rmtree(site, ignore_errors=True)
    folder = site / "episodes" / "long"
    folder.mkdir(parents=True)
    (site / "site.toml").write_text(
        '[site]\ntitle = "Large"\nbase_url = "https://large.example"\n'
        '[podcast]\nowner_email = "a@large.example"\nartwork = "artwork.png"\n'
        'category = "Health & Fitness"\n'
    )
    shutil.copyfile(REPO / "tests" / "data" / "artwork.png", site / "artwork.png")
    (folder / "episode.md").write_text("---\ntitle: A long one\ndate: 2025-12-28\n---\nLong.\n")
    tone = (REPO / "tests" / "data" / "audio" / "tone.mp3").read_bytes()
    with (folder / "long.mp3").open("wb") as audio:
        for _ in range(megabytes * 1024 * 1024 // len(tone) + 1):
            audio.write(tone)
    command = [str(Path(sys.executable).parent / "publisher"), "--site", str(site), "-q", "publish",
               "--target", "s3://bench/large", "--now", NOW]  # fmt: skip
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "bench",
           "AWS_SECRET_ACCESS_KEY": "bench-secret", "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    proxy.reset()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)  # this process's own peak memory
        seconds = time.perf_counter() - started
        if status != 0:
            errors.seek(0)
            raise RuntimeError(errors.read().decode())
    peak = usage.ru_maxrss / 1024
    size = (folder / "long.mp3").stat().st_size / 1024 / 1024
    parts = proxy.count("PUT", lambda s: "partNumber" in s.query)
    print(
        f"one {size:.0f} MB episode: build + publish {seconds:.1f} s, {parts} multipart part PUTs,"
        f" peak memory of the publish process {peak:.0f} MB"
    )
    shutil.rmtree(site, ignore_errors=True)


def main() -> None:
    WORK.mkdir(exist_ok=True)
    site = generate(WORK / "publish-site", articles=900, episodes=500)
    publisher = Path(sys.executable).parent / "publisher"
    aws = awscli()
    moto, upstream = start_moto()
    server, proxy, endpoint = start_proxy(upstream)
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    boto3.client(
        "s3", endpoint_url=upstream, aws_access_key_id="b", aws_secret_access_key="b",
        region_name="us-east-1",
    ).create_bucket(Bucket="bench")  # fmt: skip
    ours = [str(publisher), "--site", str(site), "-q", "publish", "--target", "s3://bench/ours",
            "--now", NOW]  # fmt: skip
    build = [str(publisher), "--site", str(site), "-q", "build", "--now", NOW]
    theirs = [str(aws), "s3", "sync", "--only-show-errors", str(site / "_site"), "s3://bench/aws"]
    files = 0
    build_time = 0.0
    rows = []
    try:

        def scenario(name: str, prepare: Callable[[], None]) -> None:
            prepare()
            ours_time, ours_count = measure(proxy, lambda: run(ours, env))
            theirs_time, theirs_count = measure(proxy, lambda: run(theirs, env))
            rows.append((name, ours_time, ours_count, theirs_time, theirs_count))

        scenario("first publish", lambda: run(build, env))
        files = sum(1 for p in (site / "_site").rglob("*") if p.is_file()) - 1
        scenario("nothing changed", lambda: None)

        def clean_rebuild() -> None:
            shutil.rmtree(site / "_site")
            run(build, env)

        scenario("clean rebuild", clean_rebuild)

        def edit_one() -> None:
            article = sorted((site / "articles").glob("*.md"))[-1]
            article.write_text(article.read_text() + "\nOne more sentence.\n")
            run(build, env)

        scenario("one article edited", edit_one)
        large_file(endpoint, proxy, int(os.environ.get("BENCH_LARGE_MB", "500")))
        started = time.perf_counter()
        run(build, env)
        build_time = time.perf_counter() - started
    finally:
        server.shutdown()
        moto.terminate()
    print(f"Publish benchmark: synthetic site of {files} files, moto S3 server on 127.0.0.1")
    header = f"{'scenario':20} | {'publisher':>34} | {'aws s3 sync':>34}"
    print(header)
    print("-" * len(header))
    for name, ours_time, ours_count, theirs_time, theirs_count in rows:
        ours_cell, theirs_cell = _cell(ours_time, ours_count), _cell(theirs_time, theirs_count)
        print(f"{name:20} | {ours_cell:>34} | {theirs_cell:>34}")
    print(f"publisher's times include its build and check ({build_time:.2f} s without changes).")


def _cell(seconds: float, count: Counter[str]) -> str:
    methods = " ".join(f"{m}={count[m]}" for m in ("GET", "HEAD", "PUT", "POST") if count[m])
    return f"{seconds:6.2f} s  {methods or 'no requests'}"


if __name__ == "__main__":
    main()
