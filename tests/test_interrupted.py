"""Publishes that are killed or run at the same time: the live feed never names missing audio,
a re-run converges, and two publishes never interleave."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from publisher.dates import parse_now
from publisher.storage.lock import LockHolder
from tests.conftest import (
    S3Env,
    SiteFactory,
    build_site,
    cli_command,
    run_cli,
    s3_publish_args,
    tree_bytes,
)
from tests.s3server import Fault

NOW = "2026-01-10"
MANIFEST = ".publisher-manifest.json"


def objects(s3: S3Env) -> dict[str, bytes]:
    pages = s3.client.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket)
    keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    return {key: s3.client.get_object(Bucket=s3.bucket, Key=key)["Body"].read() for key in keys}


def feed_is_consistent(s3: S3Env) -> bool:
    """Every enclosure the live feed names is in the bucket with the length the feed states."""
    try:
        feed = s3.client.get_object(Bucket=s3.bucket, Key="show/feed.xml")["Body"].read()
    except s3.client.exceptions.NoSuchKey:
        return True
    for enclosure in etree.fromstring(feed).iter("enclosure"):
        key = "show/" + unquote(enclosure.get("url", "").removeprefix("https://example.org/"))
        try:
            head = s3.client.head_object(Bucket=s3.bucket, Key=key)
        except s3.client.exceptions.ClientError:
            return False
        if head["ContentLength"] != int(enclosure.get("length", "-1")):
            return False
    return True


# This publish makes 15 PUTs: the lock, the new audio and search index, 8 pages, the sitemap and
# two feeds, the manifest. Kill after the lock, after the audio, among the pages, just before
# the feeds, and between the podcast feed and the manifest.
@pytest.mark.parametrize("kill_after_puts", [1, 2, 8, 12, 14])
def test_killed_publish_never_breaks_the_feed_and_a_rerun_converges(
    kill_after_puts: int, small_site: SiteFactory, s3: S3Env, tmp_path: Path
) -> None:
    # A first release is live; then a new episode is published and the publish is killed.
    assert run_cli(*s3_publish_args(small_site, s3.bucket)).returncode == 0
    small_site.episode("third", "title: Third\ndate: 2026-01-09\nnumber: 4", fixture="tone.m4a")
    small_site.write(
        "articles/2026-01-06-more.md", "---\ntitle: More, updated\ndate: 2026-01-06\n---\nNew.\n"
    )
    s3.proxy.reset()
    s3.proxy.put_delay = 0.08
    # The manifest is refused until the kill, so the kill always lands before it: a publish
    # whose manifest arrived has finished its work, and the rerun would have nothing to do.
    s3.proxy.faults.append(Fault(lambda m, p: m == "PUT" and MANIFEST in p, 500, times=1000))
    watching = True
    broken: list[str] = []

    def watch() -> None:
        while watching:
            if not feed_is_consistent(s3):
                broken.append("feed names audio that is not fully uploaded")
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    process = subprocess.Popen(
        cli_command(*s3_publish_args(small_site, s3.bucket)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while (
        s3.proxy.count("PUT") < kill_after_puts
        and process.poll() is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.005)
    assert process.poll() is None, "the publish finished before it could be interrupted"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    watching = False
    watcher.join()
    assert broken == []
    # The interrupted publish left its lock; its process is gone from this machine, so the
    # re-run clears the lock by itself, says so, and finishes the job.
    s3.proxy.put_delay = 0.0
    with s3.proxy.lock:
        s3.proxy.faults.clear()
    rerun = run_cli(*s3_publish_args(small_site, s3.bucket))
    assert rerun.returncode == 0, rerun.stderr
    assert f"pid {process.pid} since" in rerun.stderr
    assert "removed a stale lock" in rerun.stderr and "is no longer running" in rerun.stderr
    assert "show/.publisher-lock" not in objects(s3)
    site = tree_bytes(
        build_site(
            small_site.root,
            tmp_path / "expected",
            parse_now(NOW),
        )
    )
    live = {
        key.removeprefix("show/"): body
        for key, body in objects(s3).items()
        if key.startswith("show/")
    }
    manifest = json.loads(live.pop(".publisher-manifest.json"))
    assert live == site
    assert sorted(manifest["files"]) == sorted(site)
    assert feed_is_consistent(s3)


def test_a_second_publish_at_the_same_time_is_refused(
    small_site: SiteFactory, s3: S3Env, tmp_path: Path
) -> None:
    # The second publish runs from another copy of the site, as on another machine (from the
    # same folder the site lock refuses it before it reaches the bucket: see test_locks.py).
    shutil.copytree(
        small_site.root, tmp_path / "elsewhere", ignore=shutil.ignore_patterns(".publisher-cache")
    )
    elsewhere = SiteFactory(tmp_path / "elsewhere")
    s3.proxy.put_delay = 0.3  # the first publish takes several seconds
    first = subprocess.Popen(
        cli_command(*s3_publish_args(small_site, s3.bucket)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while s3.proxy.count("PUT") < 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    second = run_cli(*s3_publish_args(elsewhere, s3.bucket))
    _, first_errors = first.communicate(timeout=60)
    assert first.returncode == 0, first_errors
    assert second.returncode == 1
    assert (
        f"s3://{s3.bucket}/show/.publisher-lock: error: another publish is running ("
        in second.stderr
    )
    assert "show/.publisher-lock" not in objects(s3)  # the first released its lock
    assert feed_is_consistent(s3)


def test_the_local_folder_target_is_locked_too(small_site: SiteFactory, tmp_path: Path) -> None:
    target = tmp_path / "www"
    target.mkdir()
    (target / ".publisher-manifest.json").write_text('{"files": {}}')
    (target / ".publisher-lock").write_text('{"owner": "laptop pid 42 since 2026-01-10 05:59 UTC"}')
    argv = ["--site", str(small_site.root), "publish", "--target", str(target), "--now", NOW]
    refused = run_cli(*argv)
    assert refused.returncode == 1
    assert (
        f"{target}/.publisher-lock: error: another publish is running (laptop pid 42 since 2026-01-10 05:59 UTC)."
        in refused.stderr
    )
    assert run_cli(*argv, "--break-lock").returncode == 0
    assert not (target / ".publisher-lock").exists()


def test_break_lock_removes_a_stale_lock_even_with_nothing_to_upload(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    argv = ["--site", str(small_site.root), "publish", "--target", str(target), "--now", NOW]
    assert run_cli(*argv).returncode == 0
    # A publish killed after its last upload leaves only its lock behind.
    (target / ".publisher-lock").write_text('{"owner": "laptop pid 42 since 2026-01-10 05:59 UTC"}')
    assert run_cli(*argv, "--break-lock").returncode == 0
    assert not (target / ".publisher-lock").exists()


def test_a_lock_left_after_the_last_upload_is_cleared_by_the_next_upload(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    argv = ["--site", str(small_site.root), "publish", "--target", str(target), "--now", NOW]
    assert run_cli(*argv).returncode == 0
    # Killed after it recorded its manifest, before it removed its lock: only the lock is left.
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    stale = LockHolder(socket.gethostname(), child.pid, "2026-01-10T05:59Z")
    (target / ".publisher-lock").write_bytes(stale.to_bytes())
    # A rerun with nothing to upload does not look at the lock.
    rerun = run_cli(*argv)
    assert rerun.returncode == 0, rerun.stderr
    assert ".publisher-lock" not in rerun.stderr
    assert (target / ".publisher-lock").exists()
    # Sunday's publish, with real changes, clears it, says so, and is not refused.
    small_site.episode("sunday", "title: Sunday\ndate: 2026-01-11\nnumber: 5")
    sunday = run_cli(*argv[:-1], "2026-01-11T06:10")
    assert sunday.returncode == 0, sunday.stderr
    assert (
        f"{target}/.publisher-lock: removed a stale lock: {stale.describe()} is no longer running (it was interrupted)"
        in sunday.stderr
    )
    assert not (target / ".publisher-lock").exists()


def test_a_lock_from_another_machine_names_the_exact_command(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    argv = ["--site", str(small_site.root), "publish", "--target", str(target), "--now", NOW]
    assert run_cli(*argv).returncode == 0
    other = LockHolder("studio-laptop", 4242, "2026-01-10T05:59Z")
    (target / ".publisher-lock").write_bytes(other.to_bytes())
    expected = (
        f"{target}/.publisher-lock: error: another publish is running (studio-laptop pid 4242 "
        "since 2026-01-10 05:59 UTC). If none is (a publish interrupted on another machine leaves "
        "its lock behind, and publisher cannot tell from here), run: publisher --site "
        f"{small_site.root} publish --target {target} --break-lock"
    )
    nothing_to_do = run_cli(*argv)  # nothing to upload: the lock is not looked at
    assert nothing_to_do.returncode == 0
    assert ".publisher-lock" not in nothing_to_do.stderr
    small_site.episode("sunday", "title: Sunday\ndate: 2026-01-11\nnumber: 5")
    refused = run_cli(*argv[:-1], "2026-01-11T06:10")
    assert refused.returncode == 1
    assert expected in refused.stderr
    assert "Traceback" not in refused.stderr
    assert run_cli(*argv[:-1], "2026-01-11T06:10", "--break-lock").returncode == 0
    assert not (target / ".publisher-lock").exists()


def test_a_later_run_of_the_serialised_workflow_clears_an_earlier_runs_lock(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    argv = ["--site", str(small_site.root), "publish", "--target", str(target), "--now", NOW]
    earlier = LockHolder.workflow_run("owner/site publish", 100, 1, parse_now("2026-01-10T05:10"))
    target.mkdir()
    (target / ".publisher-manifest.json").write_text('{"files": {}}')
    (target / ".publisher-lock").write_bytes(earlier.to_bytes())
    env = {
        **os.environ,
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": "owner/site",
        "GITHUB_WORKFLOW": "publish",
        "GITHUB_RUN_ID": "101",
    }
    done = subprocess.run(cli_command(*argv), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "removed a stale lock: workflow owner/site publish run 100" in done.stderr
    assert not (target / ".publisher-lock").exists()
