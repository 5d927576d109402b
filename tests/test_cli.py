"""The command line as editors use it: the installed console script in a subprocess."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.cli import main
from tests.conftest import SiteFactory, cli_command, run_cli


def assert_user_error(result: subprocess.CompletedProcess[str], expected: str, out: Path) -> None:
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists(), "nothing may be written when the input is bad"


def write_non_utf8_article(s: SiteFactory) -> None:
    (s.root / "articles").mkdir()
    (s.root / "articles" / "2026-01-04-a.md").write_bytes(
        b"---\ntitle: A\ndate: 2026-01-04\n---\nCaf\xe9 au lait\n"
    )


# Each arrangement writes files into the site; what it returns is unused.
BAD_INPUTS: dict[str, tuple[Callable[[SiteFactory], object], str]] = {
    "malformed yaml": (
        lambda s: s.article("2026-01-04-a", "title: A: B: C\ndate: 2026-01-04"),
        "{root}/articles/2026-01-04-a.md:2: error: front matter is not valid YAML: mapping values are "
        "not allowed in this context (check quotes, colons and indentation)",
    ),
    "missing title": (
        lambda s: s.article("2026-01-04-a", "date: 2026-01-04"),
        "{root}/articles/2026-01-04-a.md:1: error: title is required; add a line 'title: ...'",
    ),
    "missing audio": (
        lambda s: s.write("episodes/ep/episode.md", "---\ntitle: T\ndate: 2026-01-04\n---\n"),
        "{root}/episodes/ep: error: this episode is due (Sunday 04 January 2026 06:00) but has no "
        "audio: add its .mp3, or move its date, or mark it 'draft: true'",
    ),
    "unreadable audio": (
        lambda s: s.episode("ep", "title: T\ndate: 2026-01-04", fixture="not-audio.mp3"),
        "{root}/episodes/ep/ep.mp3: error: cannot read this audio file (can't sync to MPEG frame); "
        "export it again as MP3",
    ),
    "duplicate slug": (
        lambda s: (
            s.article("2026-01-04-a", "title: A\ndate: 2026-01-04"),
            s.article("2026-01-05-b", "title: B\ndate: 2026-01-05\nslug: a"),
        ),
        "{root}/articles/2026-01-05-b.md: error: article slug 'a' is also used by "
        "{root}/articles/2026-01-04-a.md; give one of them another slug",
    ),
    "escaping slug": (
        lambda s: s.article("2026-01-04-a", "title: A\ndate: 2026-01-04\nslug: ../../../tmp/x"),
        "{root}/articles/2026-01-04-a.md:4: error: slug: '../../../tmp/x' is not a slug: use "
        "lower-case letters, digits and hyphens such as 'tmp-x'",
    ),
    "non-utf8": (
        write_non_utf8_article,
        "{root}/articles/2026-01-04-a.md:5: error: not UTF-8 text (byte 0xe9); save the file as UTF-8",
    ),
    "lists nested 600 deep": (
        lambda s: s.article("2026-01-04-a", "title: A\ndate: 2026-01-04", "- " * 600 + "x\n"),
        "{root}/articles/2026-01-04-a.md: error: this text nests lists or quotes hundreds of levels "
        "deep, more than can be converted; flatten the nesting",
    ),
    "bad site.toml": (
        lambda s: s.write("site.toml", '[site]\ntitle = "T"\nbase_url = "ftp://x"\n'),
        "{root}/site.toml: key site.base_url: error: 'ftp://x' is not an absolute http(s) URL such as "
        "'https://example.org'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_1_with_a_located_message(
    case: str, make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    arrange, expected = BAD_INPUTS[case]
    arrange(site)
    out = tmp_path / "out"
    result = run_cli("--site", str(site.root), "build", "--out", str(out), "--now", "2026-01-10")
    assert_user_error(result, expected.format(root=site.root), out)


def test_build_prints_where_the_site_is(small_site: SiteFactory, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "--site", str(small_site.root), "build", "--out", str(out), "--now", "2026-01-10"
    )
    assert result.returncode == 0, result.stderr
    assert f"into {out}/ (2 episode(s) in the feed)" in result.stdout
    assert (out / "feed.xml").is_file()


def test_build_defaults_to_site_underscore_site(small_site: SiteFactory) -> None:
    result = run_cli("build", "--now", "2026-01-10", cwd=small_site.root)
    assert result.returncode == 0, result.stderr
    assert (small_site.root / "_site" / "index.html").is_file()


def test_usage_errors_exit_2(small_site: SiteFactory) -> None:
    result = run_cli("--site", str(small_site.root), "build", "--now", "next tuesday")
    assert result.returncode == 2
    assert "Invalid value for '--now'" in result.stderr
    assert run_cli("frobnicate").returncode == 2
    assert "Traceback" not in result.stderr


def test_help_explains_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "build" in result.stdout and "check" in result.stdout
    assert "--site" in result.stdout


def test_python_dash_m_works(small_site: SiteFactory) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "publisher", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("publisher, version ")


def test_check_passes_on_a_good_site(small_site: SiteFactory) -> None:
    result = run_cli("--site", str(small_site.root), "check", "--now", "2026-01-10")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stderr


def test_check_lists_every_problem(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.article("2026-01-04-a", "date: 2026-01-04")
    site.episode("ep", "title: T\ndate: 2026-01-04\nseason: 0", fixture="empty.mp3")
    result = run_cli("--site", str(site.root), "check", "--now", "2026-01-10")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{site.root}/articles/2026-01-04-a.md:1: error: title is required; add a line 'title: ...'",
        f"{site.root}/episodes/ep/ep.mp3: error: the audio file is empty; export it again from your "
        "audio editor",
        f"{site.root}/episodes/ep/episode.md:4: error: season: must be a whole number of 1 or more",
    ]


def test_check_fails_when_a_built_file_is_broken(small_site: SiteFactory, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        run_cli(
            "--site", str(small_site.root), "build", "--out", str(out), "--now", "2026-01-10"
        ).returncode
        == 0
    )
    audio = out / "episodes" / "first" / "first.mp3"
    size = audio.stat().st_size
    audio.write_bytes(audio.read_bytes()[:1000])
    result = run_cli(
        "--site", str(small_site.root), "check", "--out", str(out), "--now", "2026-01-10"
    )
    assert result.returncode == 1
    assert (
        f"{out}/feed.xml:" in result.stdout
        and f"enclosure length {size} but episodes/first/first.mp3 has 1000 bytes; rebuild the site"
        in result.stdout
    )


def test_main_in_process_maps_errors_to_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--site", str(tmp_path), "build"])
    assert caught.value.code == 1
    assert capsys.readouterr().err == (
        f"{tmp_path}/site.toml: error: no site.toml here; "
        "run publisher in a site directory or pass --site DIR\n"
    )


def run_in_terminal(*args: str) -> tuple[int, str]:
    """Run the console script with a pseudo-terminal as its stderr; return (status, stderr)."""
    leader, follower = pty.openpty()
    with subprocess.Popen(
        cli_command(*args), stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        status = process.wait(timeout=120)
    os.close(leader)
    return status, b"".join(chunks).decode()


def test_a_long_build_shows_progress_on_a_terminal_only(small_site: SiteFactory) -> None:
    for n in range(70):
        day = f"2025-12-{n % 28 + 1:02d}"
        small_site.article(f"{day}-note-{n}", f"title: Note {n}\ndate: {day}", f"Note {n}.\n")
    args = ("--site", str(small_site.root), "build", "--now", "2026-01-10")
    status, terminal = run_in_terminal(*args)
    assert status == 0
    assert "Converting Markdown" in terminal and "100%" in terminal
    shutil.rmtree(small_site.root / ".publisher-cache")
    piped = run_cli(*args)
    assert piped.returncode == 0 and "Converting" not in piped.stderr
    # Nothing left to convert: no bar, even on a terminal.
    status, terminal = run_in_terminal(*args)
    assert status == 0 and "Converting" not in terminal
