"""A full disk, a read-only folder or a refused permission during ``build``: one line naming
the folder and what to do, exit 1, no traceback, and the last build's files left as they were.

The disks are real: small tmpfs mounts (tests run as root; skipped where mounting is refused).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.cli import main
from tests.conftest import SiteFactory


class Mounts:
    """tmpfs mounts made by one test; all unmounted when it ends, however it ends."""

    def __init__(self) -> None:
        self.points: list[Path] = []

    def tmpfs(self, where: Path, size: str = "2m") -> Path:
        where.mkdir(parents=True, exist_ok=True)
        mount = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)]
        subprocess.run(mount, check=True, capture_output=True)
        self.points.append(where)
        return where

    def read_only(self, where: Path) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True, capture_output=True)

    def unmount_all(self) -> None:
        for point in reversed(self.points):
            if subprocess.run(["umount", str(point)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(point)], check=True, capture_output=True)


@pytest.fixture
def mounts(tmp_path: Path) -> Iterator[Mounts]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (the test suite runs as root in CI)")
    probe = tmp_path / "probe"
    probe.mkdir()
    try:
        tried = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        pytest.skip("no mount command here")
    if tried.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {tried.stderr.strip()}")
    subprocess.run(["umount", str(probe)], check=True)
    made = Mounts()
    try:
        yield made
    finally:
        made.unmount_all()


def fill(folder: Path, leave: int = 0) -> None:
    """Use up every byte of the file system holding ``folder`` but about ``leave``."""
    handle = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(handle, b"\0" * 4096)
    except OSError as err:
        assert err.errno == errno.ENOSPC
    finally:
        os.close(handle)
    filler = folder / "filler"
    os.truncate(filler, max(0, filler.stat().st_size - leave))


def every_file(root: Path) -> dict[str, bytes]:
    """All files under ``root``, dot-files (our marker, temporary files) included."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def build(site: SiteFactory, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as caught:
        main(["--site", str(site.root), "build", "--out", str(out), "--now", "2026-01-10"])
    code = caught.value.code
    return (0 if code is None else int(code)), capsys.readouterr().err


def edit(site: SiteFactory) -> None:
    """A change that gives the next build pages to write."""
    site.article(
        "2026-01-06-more",
        "title: More on walking\ndate: 2026-01-06\ntags: [walking]",
        "EDITED text, long enough to need more room than is left.\n\n" * 1000,
    )


# With 96 KiB left the articles feed and a small page would fit, the long page not: none of
# them may change (writing them one by one would leave a mix of two builds).
@pytest.mark.parametrize("space_left", [0, 96 * 1024])
def test_a_full_disk_leaves_the_last_build_and_says_what_to_do(
    space_left: int,
    small_site: SiteFactory,
    mounts: Mounts,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    disk = mounts.tmpfs(tmp_path / "disk")
    out = disk / "_site"
    assert build(small_site, out, capsys)[0] == 0
    before = every_file(out)
    fill(disk, space_left)
    edit(small_site)
    code, err = build(small_site, out, capsys)
    assert code == 1
    assert err == (
        f"{out}: error: cannot write the site here: no space left on device; free some space "
        "and build again\n"
    )
    assert every_file(out) == before  # no page changed, no temporary file left
    (disk / "filler").unlink()
    assert build(small_site, out, capsys)[0] == 0
    assert "EDITED text, long enough" in (out / "articles" / "more" / "index.html").read_text()


def test_a_read_only_output_folder_leaves_the_last_build(
    small_site: SiteFactory, mounts: Mounts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    disk = mounts.tmpfs(tmp_path / "disk")
    out = disk / "_site"
    assert build(small_site, out, capsys)[0] == 0
    before = every_file(out)
    mounts.read_only(disk)
    edit(small_site)
    code, err = build(small_site, out, capsys)
    assert code == 1
    assert err == (
        f"{out}: error: cannot write the site here: read-only file system; choose another "
        "--out folder\n"
    )
    assert every_file(out) == before


def test_a_full_disk_under_the_cache_is_named_and_the_cache_kept(
    small_site: SiteFactory, mounts: Mounts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = mounts.tmpfs(small_site.root / ".publisher-cache")
    out = tmp_path / "out"
    assert build(small_site, out, capsys)[0] == 0
    before = {name: data for name, data in every_file(cache).items() if name.endswith(".pickle")}
    assert "build.pickle" in before
    fill(cache)
    edit(small_site)
    code, err = build(small_site, out, capsys)
    assert code == 1
    assert err == (
        f"{cache}: error: cannot save the build cache here: no space left on device; free some "
        "space and build again\n"
    )
    after = {name: data for name, data in every_file(cache).items() if name.endswith(".pickle")}
    assert after == before
    assert not [name for name in every_file(cache) if ".tmp" in name]
    # The site itself was written; with space again the next build saves the cache.
    assert "EDITED text, long enough" in (out / "articles" / "more" / "index.html").read_text()
    (cache / "filler").unlink()
    assert build(small_site, out, capsys)[0] == 0
    assert every_file(cache)["build.pickle"] != before["build.pickle"]


def test_a_read_only_site_folder_is_named(
    small_site: SiteFactory, mounts: Mounts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = mounts.tmpfs(tmp_path / "read-only-site")
    shutil.copytree(small_site.root, copy, dirs_exist_ok=True)
    mounts.read_only(copy)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as caught:
        main(["--site", str(copy), "build", "--out", str(out), "--now", "2026-01-10"])
    assert caught.value.code == 1
    assert capsys.readouterr().err == (
        f"{copy}/.publisher-cache: error: cannot create the build lock here: read-only file "
        "system; make the site folder writable, or build from a copy of it\n"
    )
    assert not out.exists()


def test_a_refused_permission_is_named(
    small_site: SiteFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Root ignores file modes, so the refusal is simulated where the writer makes a file.
    out = tmp_path / "out"
    assert build(small_site, out, capsys)[0] == 0
    before = every_file(out)

    def refuse(dir: str, prefix: str) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", os.path.join(dir, prefix))

    monkeypatch.setattr("publisher.output.writer.tempfile.mkstemp", refuse)
    edit(small_site)
    code, err = build(small_site, out, capsys)
    assert code == 1
    assert err == (
        f"{out}: error: cannot write the site here: permission denied; choose another --out "
        "folder\n"
    )
    assert every_file(out) == before
