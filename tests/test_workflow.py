"""The Sunday workflow: scaffolding, status, scheduled release, notifications, the CI file."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from lxml import etree

from publisher.cli import main
from tests.conftest import REPO, S3Env, SiteFactory, run_cli

TZ_NOW = "2026-01-10T12:00"  # a Saturday; the next release day is Sunday 11 January


def cli(*argv: str) -> int:
    try:
        main(list(argv))
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def test_new_episode_takes_the_next_free_sunday_and_number(small_site: SiteFactory) -> None:
    result = run_cli(
        "--site", str(small_site.root), "new", "episode", "Walking for beginners", "--now", TZ_NOW
    )
    assert result.returncode == 0, result.stderr
    path = small_site.root / "episodes/walking-for-beginners/episode.md"
    assert result.stdout.splitlines() == [
        f"Created {path} (episode 4, Sunday 11 January 2026 at 06:00).",
        f"Next: put the audio in {path.parent}/ as an .mp3, then write the show notes.",
    ]
    front = yaml.safe_load(path.read_text().split("---")[1])
    assert front["number"] == 4 and str(front["date"]) == "2026-01-11"
    show = uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "example.org/feed.xml")
    assert front["guid"] == str(uuid.uuid5(show, "episode:walking-for-beginners"))
    # The next one goes to the Sunday after, and the draft builds while it waits for audio.
    run_cli("--site", str(small_site.root), "new", "episode", "Second walk", "--now", TZ_NOW)
    second = yaml.safe_load(
        (small_site.root / "episodes/second-walk/episode.md").read_text().split("---")[1]
    )
    assert str(second["date"]) == "2026-01-18" and second["number"] == 5
    build = run_cli("--site", str(small_site.root), "build", "--now", TZ_NOW)
    assert build.returncode == 0, build.stderr
    assert "audio" not in build.stderr  # waiting for audio is normal until the release
    check = run_cli("--site", str(small_site.root), "check", "--now", TZ_NOW)
    assert check.returncode == 0, check.stdout
    lines = check.stdout.replace(f"{small_site.root}/", "").splitlines()
    assert (
        "episodes/second-walk: warning: no audio yet; add the .mp3 before Sun 18 Jan 2026 06:00"
        in lines
    )
    assert (
        "episodes/second-walk/episode.md:9: warning: still says 'Write the show notes here.', the text 'publisher new' put there; write it before the release"
        in lines
    )
    assert (
        "episodes/second-walk/episode.md:5: warning: summary is empty; write one or two sentences for podcast apps"
        in lines
    )


def test_new_episode_refuses_an_existing_folder(small_site: SiteFactory) -> None:
    result = run_cli("--site", str(small_site.root), "new", "episode", "First", "--now", TZ_NOW)
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"{small_site.root}/episodes/first: error: already exists; choose another title or pass --slug"
    )


def test_new_article_pairs_with_its_episode(small_site: SiteFactory) -> None:
    run_cli(
        "--site", str(small_site.root), "new", "episode", "Walking for beginners", "--now", TZ_NOW
    )
    result = run_cli(
        "--site",
        str(small_site.root),
        "new",
        "article",
        "How to start walking",
        "--episode",
        "walking-for-beginners",
        "--now",
        TZ_NOW,
    )
    assert result.returncode == 0, result.stderr
    path = small_site.root / "articles/2026-01-11-how-to-start-walking.md"
    assert path.is_file()
    assert "episode: walking-for-beginners" in path.read_text()
    missing = run_cli(
        "--site", str(small_site.root), "new", "article", "X", "--episode", "nope", "--now", TZ_NOW
    )
    assert missing.returncode == 1 and "there is no episode folder episodes/nope/" in missing.stderr


def test_status_shows_states_problems_and_gaps(small_site: SiteFactory) -> None:
    small_site.write(
        "episodes/waiting/episode.md", "---\ntitle: Waiting for audio\ndate: 2026-01-18\n---\n"
    )
    result = run_cli("--site", str(small_site.root), "status", "--json", "--now", TZ_NOW)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    states = {(row["kind"], row["slug"]): [row["state"], row["problems"]] for row in report["rows"]}
    assert states[("episode", "first")] == ["live", []]
    assert states[("episode", "second")] == ["live", ["no companion article"]]
    assert states[("episode", "hidden")][0] == "draft"
    assert states[("episode", "future")] == ["scheduled", []]
    assert states[("episode", "waiting")] == ["scheduled", ["no audio yet", "no companion article"]]
    assert report["next_release"] == "Sunday 18 January 2026 06:00 GMT"  # 11 Jan is a gap
    assert report["gaps"][:2] == [
        "nothing scheduled for Sunday 11 January 2026",
        "nothing scheduled for Sunday 25 January 2026",
    ]
    table = run_cli("--site", str(small_site.root), "status", "--now", TZ_NOW).stdout
    assert "scheduled  Sun 18 Jan 2026 06:00 episode  Waiting for audio" in table
    assert "Gap: nothing scheduled for Sunday 11 January 2026" in table


def feed_guids(folder: Path) -> list[str]:
    root = etree.parse(str(folder / "feed.xml")).getroot()
    return cast(list[str], root.xpath("//item/guid/text()"))


def test_a_scheduled_publish_releases_the_episode_exactly_once(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    argv = ["--site", str(small_site.root), "publish", "--target", str(target), "--now"]
    assert cli(*argv, "2026-02-01T05:59") == 0  # a minute before "future" is released
    before = feed_guids(target)
    assert cli(*argv, "2026-02-01T06:00") == 0
    after = feed_guids(target)
    assert len(after) == len(before) + 1
    assert (target / "episodes/future/future.mp3").is_file()
    stamps = {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()}
    assert cli(*argv, "2026-02-01T07:10") == 0  # the next hourly run
    assert feed_guids(target) == after
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()} == stamps


class _Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, bytes]]

    def _record(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.seen.append((self.command, self.path, body))
        self.send_response(204)
        self.end_headers()

    do_GET = do_POST = _record

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    seen: list[tuple[str, str, bytes]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()
    server.server_close()


def test_hubs_and_pings_hear_of_a_changed_feed_only(
    small_site: SiteFactory, tmp_path: Path, recorder: tuple[str, list[tuple[str, str, bytes]]]
) -> None:
    url, seen = recorder
    toml = small_site.root / "site.toml"
    toml.write_text(
        toml.read_text()
        + f'\n[notify]\nwebsub = ["{url}/hub"]\nping = ["{url}/ping?url={{feed}}"]\n'
    )
    target = tmp_path / "www"
    assert (
        cli("--site", str(small_site.root), "publish", "--target", str(target), "--now", TZ_NOW)
        == 0
    )
    assert [(method, urlsplit(path).path) for method, path, _ in seen] == [
        ("POST", "/hub"),
        ("GET", "/ping"),
    ]
    assert parse_qs(seen[0][2].decode()) == {
        "hub.mode": ["publish"],
        "hub.url": ["https://example.org/feed.xml"],
    }
    assert parse_qs(urlsplit(seen[1][1]).query) == {"url": ["https://example.org/feed.xml"]}
    hub = (
        etree.parse(str(target / "feed.xml"))
        .getroot()
        .find("channel/{http://www.w3.org/2005/Atom}link[@rel='hub']")
    )
    assert hub is not None and hub.get("href") == f"{url}/hub"
    seen.clear()
    assert (
        cli("--site", str(small_site.root), "publish", "--target", str(target), "--now", TZ_NOW)
        == 0
    )
    assert seen == []  # nothing changed, nobody disturbed
    small_site.article(
        "2026-01-06-more",
        "title: More on walking\ndate: 2026-01-06",
        "An edit that leaves the podcast feed alone.\n",
    )
    assert (
        cli("--site", str(small_site.root), "publish", "--target", str(target), "--now", TZ_NOW)
        == 0
    )
    assert seen == []


def test_cloudfront_is_told_which_pages_changed(small_site: SiteFactory, s3: S3Env) -> None:
    import boto3

    cloudfront = boto3.client("cloudfront", endpoint_url=s3.endpoint, region_name="us-east-1")
    created = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "test", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": f"{s3.bucket}.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "allow-all", "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}, "TrustedSigners": {"Enabled": False, "Quantity": 0}},
        }
    )  # fmt: skip
    distribution = created["Distribution"]["Id"]
    toml = small_site.root / "site.toml"
    toml.write_text(toml.read_text() + f'\n[notify]\ncloudfront_distribution = "{distribution}"\n')
    assert (
        cli(
            "--site",
            str(small_site.root),
            "publish",
            "--target",
            f"s3://{s3.bucket}",
            "--now",
            TZ_NOW,
        )
        == 0
    )
    invalidations = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]
    assert invalidations["Quantity"] == 1
    detail = cloudfront.get_invalidation(
        DistributionId=distribution, Id=invalidations["Items"][0]["Id"]
    )
    assert detail["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == [
        "/*"
    ]  # a first publish changes every page


def test_invalidation_paths_name_changed_pages_and_feeds(small_site: SiteFactory) -> None:
    from publisher.config.settings import load_config
    from publisher.publish.notify import invalidation_paths
    from publisher.publish.plan import Upload

    config, _ = load_config(small_site.root)
    uploads = (Upload("episodes/a/a.mp3", 1, "new"), Upload("articles/x/index.html", 1, "changed"),
               Upload("feed.xml", 1, "changed"), Upload("static/style.1.css", 1, "new"), Upload("index.html", 1, "changed"))  # fmt: skip
    assert invalidation_paths(config, uploads) == ["/", "/articles/x/", "/feed.xml"]


def test_the_ci_workflow_publishes_on_a_schedule() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads "on" as true
    assert "workflow_dispatch" in triggers
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert any(cron.split()[4] == "0" for cron in crons)  # runs on Sundays
    steps = workflow["jobs"]["publish"]["steps"]
    publish = next(step for step in steps if step.get("run") == "publisher publish")
    assert publish["env"]["AWS_SECRET_ACCESS_KEY"] == "${{ secrets.AWS_SECRET_ACCESS_KEY }}"
    install = next(step for step in steps if "pip install" in step.get("run", ""))
    assert install["run"].endswith("pip install .")  # not the test and dev tools
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == ".publisher-cache"
    assert steps.index(install) < steps.index(cache) < steps.index(publish)
