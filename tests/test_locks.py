"""One build at a time per site folder, and the note a publish lock's holder leaves."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from publisher.cli import main
from publisher.locks import LOCK_NAME, SiteBusy, site_lock
from publisher.storage.lock import LockHolder
from tests.conftest import SiteFactory, cli_command, run_cli

HOLD = """
import sys
from pathlib import Path
from publisher.locks import site_lock
with site_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


@contextmanager
def held_by_another_process(root: Path) -> Iterator[int]:
    """Hold the site lock from a child process until the block ends; yield the child's pid."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    try:
        assert child.stdout.readline() == "locked\n"
        yield child.pid
    finally:
        child.stdin.close()
        child.wait(timeout=10)
        child.stdout.close()


def busy(root: Path, pid: int) -> str:
    return (
        f"{root}: error: another build or publish is running in this folder (pid {pid}); "
        "wait for it to finish"
    )


def test_a_build_fails_at_once_while_another_holds_the_site(
    small_site: SiteFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["--site", str(small_site.root), "build", "--out", str(out), "--now", "2026-01-10"]
    with held_by_another_process(small_site.root) as pid:
        with pytest.raises(SystemExit) as caught:
            main(args)
        assert caught.value.code == 1
        assert capsys.readouterr().err == busy(small_site.root, pid) + "\n"
        assert not out.exists()
    # The holder has exited: the kernel released its lock, nothing is left to clean up.
    assert (small_site.root / ".publisher-cache" / LOCK_NAME).read_text() == f"{pid}\n"
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code in (0, None)
    assert (out / "index.html").is_file()


def test_a_publish_fails_at_once_while_another_holds_the_site(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "public"
    args = (
        "--site",
        str(small_site.root),
        "publish",
        "--target",
        str(target),
        "--now",
        "2026-01-10",
    )
    with held_by_another_process(small_site.root) as pid:
        result = run_cli(*args)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [busy(small_site.root, pid)]
        assert not target.exists()
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert (target / "feed.xml").is_file()


def test_the_lock_is_taken_in_process_too(small_site: SiteFactory) -> None:
    with site_lock(small_site.root):
        with pytest.raises(SiteBusy) as caught:
            with site_lock(small_site.root):
                pass
        assert str(caught.value) == busy(small_site.root, os.getpid())
    with site_lock(small_site.root):  # released
        pass


def test_a_folder_without_site_toml_is_not_touched(tmp_path: Path) -> None:
    with site_lock(tmp_path):
        pass
    assert list(tmp_path.iterdir()) == []


BUSY_RE = re.compile(
    r"^.*: error: another build or publish is running in this folder( \(pid \d+\))?; "
    r"wait for it to finish$"
)


def test_concurrent_builds_never_crash(small_site: SiteFactory) -> None:
    args = cli_command("--site", str(small_site.root), "build", "--now", "2026-01-10")
    outcomes = []
    for round_ in range(6):
        # Give every round many pages to write, so the builds overlap in the cache and output.
        for n in range(40):
            small_site.article(
                f"2026-01-06-note-{n}", f"title: Note {n}\ndate: 2026-01-06", f"Round {round_}.\n"
            )
        processes = [
            subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert "Traceback" not in err, err
            assert process.returncode in (0, 1), err
            if process.returncode == 1:
                assert len(err.splitlines()) == 1 and BUSY_RE.match(err.strip()), err
            outcomes.append(process.returncode)
    assert 0 in outcomes
    final = small_site.root / "_site" / "articles" / "note-39" / "index.html"
    assert "Round 5." in final.read_text()


# The holder note of the remote publish lock.

NOW = dt.datetime(2026, 11, 29, 6, 10, 42, tzinfo=dt.UTC)


def test_the_holder_here_is_this_process() -> None:
    holder = LockHolder.here(NOW)
    assert holder == LockHolder(socket.gethostname(), os.getpid(), "2026-11-29T06:10Z")
    assert not holder.is_gone(holder)


def test_the_holder_note_is_json_with_the_old_owner_text() -> None:
    note = json.loads(LockHolder("studio", 4242, "2026-11-29T06:10Z").to_bytes())
    assert note == {
        "host": "studio",
        "pid": 4242,
        "since": "2026-11-29T06:10Z",
        "owner": "studio pid 4242 since 2026-11-29 06:10 UTC",
    }


def test_the_old_note_is_read() -> None:
    old = json.dumps({"owner": "build-box.local pid 77 since 2026-11-29 06:10 UTC"}).encode()
    assert LockHolder.from_bytes(old) == LockHolder("build-box.local", 77, "2026-11-29T06:10Z")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xfe",
        b"not json",
        b"[1, 2]",
        b'{"owner": "nobody knows"}',
        b'{"owner": "host pid 0 since 2026-11-29 06:10 UTC"}',
        b'{"owner": "host pid 7 since 2026-02-30 06:10 UTC"}',
        b'{"host": "h", "pid": "7", "since": "2026-11-29T06:10Z"}',
        b'{"host": "h", "pid": true, "since": "2026-11-29T06:10Z"}',
        b'{"host": "h", "pid": -1, "since": "2026-11-29T06:10Z"}',
        b'{"host": "h", "pid": 7, "since": "yesterday"}',
        b'{"host": "", "pid": 7, "since": "2026-11-29T06:10Z"}',
    ],
)
def test_an_unreadable_note_is_none(data: bytes) -> None:
    assert LockHolder.from_bytes(data) is None


def test_a_new_note_wins_over_its_owner_text() -> None:
    data = json.dumps(
        {"host": "a", "pid": 1, "since": "2026-11-29T06:10Z", "owner": "b pid 2 since x"}
    ).encode()
    assert LockHolder.from_bytes(data) == LockHolder("a", 1, "2026-11-29T06:10Z")


def test_a_holder_whose_process_ended_here_is_gone() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    me = LockHolder.here(NOW)
    assert LockHolder(me.host, child.pid, "2026-11-29T06:10Z").is_gone(me)
    # The same pid on another host says nothing about that host's processes.
    assert not LockHolder(me.host + "-elsewhere", child.pid, "2026-11-29T06:10Z").is_gone(me)
    assert not LockHolder(me.host, os.getpid(), "2026-11-29T06:10Z").is_gone(me)


def test_an_earlier_run_of_a_serialised_workflow_is_gone() -> None:
    earlier = LockHolder.workflow_run("owner/site publish", 7001, 1, NOW)
    later = LockHolder.workflow_run("owner/site publish", 7002, 1, NOW)
    assert earlier.is_gone(later)
    assert not later.is_gone(later)
    assert not LockHolder.workflow_run("owner/other publish", 7001, 1, NOW).is_gone(later)
    rerun = LockHolder.workflow_run("owner/site publish", 7001, 2, NOW)  # "Re-run jobs"
    assert earlier.is_gone(rerun)
    assert (
        rerun.describe()
        == "workflow owner/site publish run 7001 attempt 2 since 2026-11-29 06:10 UTC"
    )
    assert LockHolder.from_bytes(rerun.to_bytes()) == rerun
    assert not earlier.is_gone(LockHolder.here(NOW))  # a laptop cannot tell
    assert earlier.describe() == "workflow owner/site publish run 7001 since 2026-11-29 06:10 UTC"
    assert LockHolder.from_bytes(earlier.to_bytes()) == earlier


def test_a_holder_owned_by_another_user_is_not_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(pid: int, signal: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "kill", refuse)
    me = LockHolder.here(NOW)
    assert not LockHolder(me.host, 12345, "2026-11-29T06:10Z").is_gone(me)


def test_describe_names_host_pid_and_time() -> None:
    holder = LockHolder("studio", 4242, "2026-11-29T07:10+01:00")
    assert holder.describe() == "studio pid 4242 since 2026-11-29 06:10 UTC"
