"""The release rehearsal: problems of a scheduled release are found before its day."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import AUDIO, REPO, SiteFactory, run_cli

THURSDAY = "2026-01-29T12:00"  # three days before "future" and "later" go out (1 Feb 06:00)


def lines_of(site: SiteFactory, text: str) -> list[str]:
    return text.replace(f"{site.root}/", "").splitlines()


def errors_of(site: SiteFactory, text: str) -> list[str]:
    return [line for line in lines_of(site, text) if " error: " in line]


def about(slug: str, site: SiteFactory, text: str) -> list[str]:
    """The lines of ``text`` about one episode or article."""
    return [line for line in lines_of(site, text) if slug in line]


def test_check_on_thursday_reports_sundays_broken_link_at_its_source_line(
    small_site: SiteFactory,
) -> None:
    small_site.article(
        "2026-02-01-later",
        "title: The article for Sunday\ndate: 2026-02-01\nepisode: future",
        "First paragraph.\n\nSee [the basics](/articles/frist-steps/) again.\n",
    )
    result = run_cli("--site", str(small_site.root), "check", "--now", THURSDAY)
    assert result.returncode == 1
    assert errors_of(small_site, result.stdout) == [
        "on Sun 1 Feb 2026 06:00: articles/2026-02-01-later.md:8: error: link to /articles/frist-steps/ points at nothing the site publishes"
    ]
    # The same publish on Thursday still goes out (Sunday's article is not released yet) and
    # warns; on Sunday it stops.
    target = small_site.root.parent / "www"
    args = ["--site", str(small_site.root), "publish", "--target", str(target), "--now"]
    thursday = run_cli(*args, THURSDAY)
    assert thursday.returncode == 0, thursday.stderr
    assert (
        "on Sun 1 Feb 2026 06:00: articles/2026-02-01-later.md:8: error: link to /articles/frist-steps/ points at nothing the site publishes (it would stop that release)"
        in lines_of(small_site, thursday.stderr)
    )
    sunday = run_cli(*args, "2026-02-01T06:10")
    assert sunday.returncode == 1
    assert "Traceback" not in sunday.stderr
    assert (
        "articles/2026-02-01-later.md:8: error: link to /articles/frist-steps/ points at nothing the site publishes"
        in lines_of(small_site, sunday.stderr)
    )


def test_a_problem_present_now_is_not_repeated_for_each_release(small_site: SiteFactory) -> None:
    small_site.article(
        "2026-01-06-more", "title: More\ndate: 2026-01-06", "[gone](/articles/nowhere/)\n"
    )
    small_site.episode("after", "title: After\ndate: 2026-02-08\nnumber: 4")
    result = run_cli("--site", str(small_site.root), "check", "--now", THURSDAY)
    assert errors_of(small_site, result.stdout) == [
        "articles/2026-01-06-more.md:5: error: link to /articles/nowhere/ points at nothing the site publishes"
    ]


def test_sunday_episode_waiting_for_audio_is_a_warning_and_its_links_count(
    small_site: SiteFactory,
) -> None:
    (small_site.root / "episodes/future/future.mp3").unlink()
    small_site.article(
        "2026-02-01-later",
        "title: The article for Sunday\ndate: 2026-02-01\nepisode: future",
        "Listen to [the episode](/episodes/future/).\n",
    )
    result = run_cli("--site", str(small_site.root), "check", "--now", THURSDAY)
    assert result.returncode == 0, result.stdout
    assert about("future", small_site, result.stdout) == [
        "episodes/future: warning: no audio yet; add the .mp3 before Sun 1 Feb 2026 06:00"
    ]
    status = run_cli("--site", str(small_site.root), "status", "--json", "--now", THURSDAY)
    report = json.loads(status.stdout)
    assert report["next_release"] == "Sunday 01 February 2026 06:00 GMT"
    assert report["releases"] == [
        {
            "date": "Sun 1 Feb 2026 06:00",
            "items": ["episode future", "article later"],
            "ready": False,
            "state": "not ready yet",
            "reasons": [
                "episodes/future: warning: no audio yet; add the .mp3 before Sun 1 Feb 2026 06:00"
            ],
        }
    ]
    # When it is due, the build names the missing audio once.
    build = run_cli("--site", str(small_site.root), "build", "--now", "2026-02-01T07:00")
    assert build.returncode == 1
    assert about("future", small_site, build.stderr) == [
        "episodes/future: error: this episode is due (Sunday 01 February 2026 06:00) but has no audio: add its .mp3, or move its date, or mark it 'draft: true'",
    ]


def test_status_calls_the_next_scheduled_release_next_and_says_why_it_is_blocked(
    small_site: SiteFactory,
) -> None:
    small_site.article(
        "2026-02-01-later",
        "title: The article for Sunday\ndate: 2026-02-01\nepisode: future",
        "[broken](/articles/nothing-here/)\n",
    )
    result = run_cli("--site", str(small_site.root), "status", "--now", "2026-01-10T12:00")
    assert result.returncode == 0, result.stderr
    lines = lines_of(small_site, result.stdout)
    start = lines.index("Next release: Sunday 01 February 2026 06:00 GMT")
    assert lines[start + 1 : start + 4] == [
        "  Sun 1 Feb 2026 06:00: blocked (episode future, article later)",
        "    articles/2026-02-01-later.md:6: error: link to /articles/nothing-here/ points at nothing the site publishes",
        "Gap: nothing scheduled for Sunday 11 January 2026",
    ]


def test_duplicate_guid_of_a_scheduled_episode_is_found_now(small_site: SiteFactory) -> None:
    first_guid = "tag:example.org,2026:first"
    small_site.write(
        "episodes/first/episode.md",
        f"---\ntitle: First steps\ndate: 2026-01-04\nnumber: 1\nguid: {first_guid}\n---\nx\n",
    )
    small_site.write(
        "episodes/future/episode.md",
        f"---\ntitle: Future\ndate: 2026-02-01\nnumber: 3\nguid: {first_guid}\n---\nx\n",
    )
    result = run_cli("--site", str(small_site.root), "check", "--now", THURSDAY)
    assert result.returncode == 1
    assert errors_of(small_site, result.stdout) == [
        f"episodes/future/episode.md:5: error: guid {first_guid} is also the guid of episodes/first/episode.md; apps would see one episode. Remove the guid line from the newer one (it then gets its own)"
    ]


def test_placeholders_from_new_stop_the_release_itself(small_site: SiteFactory) -> None:
    small_site.write(
        "episodes/future/episode.md",
        '---\ntitle: Future\ndate: 2026-02-01\nnumber: 3\nsummary: ""\n---\nWrite the show notes here.\n',
    )
    before = run_cli("--site", str(small_site.root), "check", "--now", THURSDAY)
    assert before.returncode == 0
    assert about("future/episode.md", small_site, before.stdout) == [
        "episodes/future/episode.md:7: warning: still says 'Write the show notes here.', the text 'publisher new' put there; write it before the release",
        "episodes/future/episode.md:5: warning: summary is empty; write one or two sentences for podcast apps",
    ]
    due = run_cli("--site", str(small_site.root), "check", "--now", "2026-02-01T06:00")
    assert due.returncode == 1
    assert errors_of(small_site, due.stdout) == [
        "episodes/future/episode.md:7: error: still says 'Write the show notes here.', the text 'publisher new' put there; write it before the release",
        "episodes/future/episode.md:5: error: summary is empty; write one or two sentences for podcast apps",
    ]


def test_audio_in_another_format_is_named_with_the_fix(small_site: SiteFactory) -> None:
    folder = small_site.root / "episodes/future"
    (folder / "future.mp3").rename(folder / "future.wav")
    result = run_cli("--site", str(small_site.root), "check", "--now", THURSDAY)
    assert result.returncode == 1
    assert errors_of(small_site, result.stdout) == [
        "episodes/future/future.wav: error: podcast apps cannot play .wav files; export the audio as MP3 (128 kbit/s is plenty for speech) into this folder"
    ]


def test_an_episode_that_fails_to_load_does_not_orphan_its_article(
    small_site: SiteFactory,
) -> None:
    shutil.copyfile(AUDIO / "empty.mp3", small_site.root / "episodes/future/future.mp3")
    result = run_cli("--site", str(small_site.root), "check", "--now", THURSDAY)
    assert result.returncode == 1
    assert errors_of(small_site, result.stdout) == [
        "episodes/future/future.mp3: error: the audio file is empty; export it again from your audio editor"
    ]


def test_a_live_episode_pushed_to_next_year_is_refused_by_the_cli(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    args = ["--site", str(small_site.root), "publish", "--target", str(target), "--now", THURSDAY]
    assert run_cli(*args).returncode == 0
    episode = small_site.root / "episodes/first/episode.md"
    episode.write_text(episode.read_text().replace("date: 2026-01-04", "date: 2027-01-03"))
    result = run_cli(*args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert errors_of(small_site, result.stderr)[0].startswith(
        "episodes/first/episode.md:3: error: this episode is live, and its date 2027-01-03 06:00"
    )
    assert run_cli(*args, "--unpublish", "first").returncode == 0


def test_links_in_the_notes_of_an_episode_waiting_for_audio_are_checked(
    small_site: SiteFactory,
) -> None:
    (small_site.root / "episodes/future/future.mp3").unlink()
    small_site.write(
        "episodes/future/episode.md",
        "---\ntitle: Future\ndate: 2026-02-01\nnumber: 3\n---\nSee [next week](/episodes/nope/).\n",
    )
    result = run_cli("--site", str(small_site.root), "check", "--now", THURSDAY)
    assert result.returncode == 1
    assert errors_of(small_site, result.stdout) == [
        "on Sun 1 Feb 2026 06:00: episodes/future/episode.md:6: error: link to /episodes/nope/ points at nothing the site publishes"
    ]


def test_a_template_that_fails_only_on_a_later_release_does_not_stop_todays(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    theme = small_site.root / "templates"
    theme.mkdir()
    default = (REPO / "templates/episode.html").read_text()
    broken = "{% block content %}{% if entry.number == 3 %}{{ entry.no_such_field }}{% endif %}"
    (theme / "episode.html").write_text(default.replace("{% block content %}", broken, 1))
    check = run_cli("--site", str(small_site.root), "check", "--now", THURSDAY)
    assert check.returncode == 1
    assert "Traceback" not in check.stderr + check.stdout
    [line] = errors_of(small_site, check.stdout)
    assert line.startswith("on Sun 1 Feb 2026 06:00: ")
    target = tmp_path / "www"
    args = ["--site", str(small_site.root), "publish", "--target", str(target), "--now", THURSDAY]
    today = run_cli(*args)
    assert today.returncode == 0, today.stderr
    assert "(it would stop that release)" in today.stderr


def test_running_inside_the_site_after_a_run_from_outside_reuses_no_stale_paths(
    small_site: SiteFactory,
) -> None:
    argv = ["build", "--now", THURSDAY]
    assert run_cli("--site", str(small_site.root), *argv).returncode == 0
    inside = run_cli(*argv, cwd=small_site.root)
    assert inside.returncode == 0, inside.stderr
    assert "Traceback" not in inside.stderr
