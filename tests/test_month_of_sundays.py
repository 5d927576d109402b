"""A month of unattended Sunday releases, run the way the scheduled workflow runs them.

The wheel is installed alone in a fresh venv; every run is the workflow's own command
(`publisher publish`, target from site.toml, empty repository variables) at an hourly `--now`
around each release, against the moto S3 server. Between runs the build cache is sometimes
lost, as a new CI runner loses it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import feedparser
from lxml import etree
from mutagen.id3 import ID3
from PIL import Image

from tests.conftest import S3Env, SiteFactory
from tests.installed import clean_env, run_installed

SUNDAYS = [
    dt.date(2026, 12, 6),
    dt.date(2026, 12, 13),
    dt.date(2026, 12, 20),
    dt.date(2026, 12, 27),
]
RUN_HOURS = (4, 5, 6, 7)  # UTC, the workflow's "10 5-12 * * 0" and a run before it
SLUGS = ["posture", "lifting", "walking", "stretching"]


def write_month(site: SiteFactory, bucket: str) -> None:
    toml = site.root / "site.toml"
    toml.write_text(toml.read_text() + f'\n[publish]\ntarget = "s3://{bucket}/show"\n')
    site.episode("warm-up", "title: Warm-up\ndate: 2026-11-29\nnumber: 1\nsummary: The first.")
    for number, (slug, sunday) in enumerate(zip(SLUGS, SUNDAYS, strict=True), start=2):
        site.episode(
            slug,
            f"title: {slug.capitalize()} and your back\ndate: {sunday}\nnumber: {number}\n"
            f"summary: About {slug}.\narticle: {slug}",
        )
        site.article(
            f"{sunday}-{slug}",
            f"title: {slug.capitalize()}, the article\ndate: {sunday}\nepisode: {slug}",
            "Read [the warm-up](/episodes/warm-up/) first.\n",
        )


def live_state(s3: S3Env) -> tuple[set[str], dict[str, int]]:
    """The bucket's keys and the feed's enclosures (path under the prefix to length)."""
    listing = s3.client.list_objects_v2(Bucket=s3.bucket, Prefix="show/")
    keys = {item["Key"][len("show/") :] for item in listing.get("Contents", [])}
    feed = s3.client.get_object(Bucket=s3.bucket, Key="show/feed.xml")["Body"].read()
    etree.fromstring(feed)  # well formed, or this raises
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.bozo_exception
    enclosures = {}
    for entry in parsed.entries:
        [enclosure] = entry.enclosures
        path = enclosure.href.removeprefix("https://example.org/")
        enclosures[path] = int(enclosure.length)
    return keys, enclosures


def test_a_month_of_unattended_sunday_releases(
    installed_publisher: Path, s3: S3Env, make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    write_month(site, s3.bucket)
    env = clean_env(
        installed_publisher,
        tmp_path / "home",
        AWS_ACCESS_KEY_ID="testing-key-id",
        AWS_SECRET_ACCESS_KEY="testing-secret",
        AWS_ENDPOINT_URL=s3.endpoint,
        AWS_DEFAULT_REGION="",  # an unset repository variable, as GitHub passes it
        AWS_PROFILE="",
    )
    runs = 0
    first_seen: dict[str, bytes] = {}
    for sunday in SUNDAYS:
        if sunday == SUNDAYS[2]:  # a new show artwork mid-month: released files keep theirs
            Image.new("RGB", (1400, 1400), (30, 90, 160)).save(site.root / "artwork.png")
        for hour in RUN_HOURS:
            moment = dt.datetime.combine(sunday, dt.time(hour, 10))
            if runs % 2:
                shutil.rmtree(site.root / ".publisher-cache", ignore_errors=True)
            done = run_installed(
                installed_publisher, "publish", "--now", moment.isoformat(), env=env, cwd=site.root
            )
            runs += 1
            assert done.returncode == 0, f"{moment}: {done.stderr}"
            assert "Traceback" not in done.stderr
            keys, enclosures = live_state(s3)
            released = [
                slug for slug, day in zip(SLUGS, SUNDAYS, strict=True) if (day, 6) <= (sunday, hour)
            ]
            expected = {f"episodes/{slug}/{slug}.mp3" for slug in ["warm-up", *released]}
            assert set(enclosures) == expected, moment
            for path, length in enclosures.items():
                body = s3.client.get_object(Bucket=s3.bucket, Key=f"show/{path}")["Body"].read()
                assert len(body) == length, path
                assert first_seen.setdefault(path, body) == body, f"{moment}: {path} changed"
            for slug in SLUGS:
                published = any(key.startswith(f"episodes/{slug}/") for key in keys)
                assert published == (slug in released), (moment, slug)
                assert (f"articles/{slug}/index.html" in keys) == (slug in released)
    assert runs == 16
    # The last run started without a cache, so it read the released tags back from the bucket.
    assert len(list((site.root / ".publisher-cache/released").iterdir())) == 3
    new_artwork = (site.root / "artwork.png").read_bytes()
    covers = {
        slug: ID3(site.root / f"_site/episodes/{slug}/{slug}.mp3").getall("APIC")[0].data
        for slug in ["posture", "walking"]
    }
    assert covers["posture"] != new_artwork and covers["walking"] == new_artwork


def test_a_broken_link_written_on_thursday_is_reported_on_thursday(
    installed_publisher: Path, s3: S3Env, make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    write_month(site, s3.bucket)
    article = site.root / "articles/2026-12-06-posture.md"
    article.write_text(
        article.read_text() + "\nMore in [rehab at home](/articles/rehab-at-hom/).\n"
    )
    env = clean_env(installed_publisher, tmp_path / "home")
    done = run_installed(
        installed_publisher, "check", "--now", "2026-12-03T18:00", env=env, cwd=site.root
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stdout.splitlines() if " error: " in line]
    assert errors == [
        "on Sun 6 Dec 2026 06:00: articles/2026-12-06-posture.md:8: error: link to /articles/rehab-at-hom/ points at nothing the site publishes"
    ]
