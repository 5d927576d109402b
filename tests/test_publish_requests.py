"""How many requests a publish makes: the manifest vouches for the bucket, ``--verify`` checks it.

Counts, never times: every request goes through the counting proxy in front of moto.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import S3Env, SiteFactory, run_cli, tree_bytes
from tests.test_publish_s3 import publish, puts, remote_objects

MANIFEST = "show/.publisher-manifest.json"


def listings(s3: S3Env) -> int:
    return s3.proxy.count("GET", lambda s: "list-type" in s.query)


def test_a_publish_with_nothing_changed_makes_one_request(
    small_site: SiteFactory, s3: S3Env
) -> None:
    assert publish(small_site, s3) == 0
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    assert [(s.method, s.key, s.query) for s in s3.proxy.seen] == [("GET", MANIFEST, "")]


def test_one_changed_article_lists_nothing_and_asks_about_no_file(
    small_site: SiteFactory, s3: S3Env
) -> None:
    assert publish(small_site, s3) == 0
    small_site.write(
        "articles/2026-01-06-more.md", "---\ntitle: More, updated\ndate: 2026-01-06\n---\nNew.\n"
    )
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    assert listings(s3) == 0
    assert s3.proxy.count("HEAD") == 0
    gets = {s.key for s in s3.proxy.seen if s.method == "GET"}
    # The podcast feed is fetched only when the new one differs from the one the manifest names.
    assert gets <= {MANIFEST, "show/feed.xml"}
    assert "articles/more/index.html" in puts(s3)


def test_a_new_episode_fetches_the_live_feed_to_guard_its_guids(
    small_site: SiteFactory, s3: S3Env
) -> None:
    assert publish(small_site, s3) == 0
    small_site.episode("third", "title: Third\ndate: 2026-01-09\nnumber: 4", fixture="tone.m4a")
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    gets = [s.key for s in s3.proxy.seen if s.method == "GET"]
    assert gets == [MANIFEST, "show/feed.xml"]
    assert listings(s3) == 0 and s3.proxy.count("HEAD") == 0


def test_verify_repairs_what_was_changed_by_hand(
    small_site: SiteFactory, s3: S3Env, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish(small_site, s3) == 0
    built = tree_bytes(small_site.root / "_site")
    s3.client.delete_object(Bucket=s3.bucket, Key="show/index.html")
    page = "show/articles/more/index.html"
    s3.client.put_object(Bucket=s3.bucket, Key=page, Body=b"x" * len(built[page[5:]]))
    s3.client.put_object(Bucket=s3.bucket, Key="show/by-hand.txt", Body=b"mine")
    # The manifest cannot know: a plain publish trusts it and sends nothing.
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    assert s3.proxy.count("PUT") == 0
    capsys.readouterr()
    s3.proxy.reset()
    assert publish(small_site, s3, "--verify") == 0
    assert listings(s3) == 1
    assert sorted(set(puts(s3)) - {".publisher-manifest.json"}) == [
        "articles/more/index.html",
        "index.html",
    ]
    # Asked about: the files written after the manifest (to the second), by hand or not.
    heads = {s.key for s in s3.proxy.seen if s.method == "HEAD"}
    assert page in heads and "show/by-hand.txt" not in heads
    err = capsys.readouterr().err
    assert f"s3://{s3.bucket}/show/by-hand.txt: not part of the site; --prune deletes it" in err
    objects = remote_objects(s3)
    for path, content in built.items():
        body = s3.client.get_object(Bucket=s3.bucket, Key=f"show/{path}")["Body"].read()
        assert body == content, path
    assert "show/by-hand.txt" in objects
    manifest = json.loads(s3.client.get_object(Bucket=s3.bucket, Key=MANIFEST)["Body"].read())
    assert manifest["files"]["by-hand.txt"]["sha256"] is None
    # Verified and repaired: the next publish is one request again; --prune removes the stranger.
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    assert [(s.method, s.key) for s in s3.proxy.seen] == [("GET", MANIFEST)]
    assert publish(small_site, s3, "--verify", "--prune") == 0
    assert "show/by-hand.txt" not in remote_objects(s3)
    assert "show/.publisher-lock" not in remote_objects(s3)


def test_a_damaged_manifest_falls_back_to_the_listing_and_converges(
    small_site: SiteFactory, s3: S3Env
) -> None:
    assert publish(small_site, s3) == 0
    files = len(tree_bytes(small_site.root / "_site"))
    s3.client.put_object(Bucket=s3.bucket, Key=MANIFEST, Body=b'{"files": {"index.ht')
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    assert listings(s3) == 1
    assert s3.proxy.count("HEAD") == files  # each file's hash, from its metadata
    assert puts(s3) == [".publisher-manifest.json"]  # nothing is sent again
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    assert [(s.method, s.key) for s in s3.proxy.seen] == [("GET", MANIFEST)]


def test_verify_finds_a_file_changed_by_hand_in_a_folder(small_site: SiteFactory) -> None:
    target = small_site.root.parent / "www"
    argv = ["--site", str(small_site.root), "publish", "--target", str(target), "--now",
            "2026-01-10"]  # fmt: skip
    assert run_cli(*argv).returncode == 0
    page = target / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"x" * len(original))
    assert run_cli(*argv).returncode == 0
    assert page.read_bytes() != original  # same size: a plain publish trusts the manifest
    verified = run_cli(*argv, "--verify")
    assert verified.returncode == 0, verified.stderr
    assert page.read_bytes() == original


def test_many_small_uploads_are_in_flight_at_once(small_site: SiteFactory, s3: S3Env) -> None:
    s3.proxy.put_delay = 0.2  # each PUT is held, so the uploads of one phase overlap
    assert publish(small_site, s3) == 0
    pages = [p for p in puts(s3) if p.endswith(".html")]
    assert len(pages) > 4
    assert s3.proxy.peak >= min(len(pages), 32)  # the old default held 4


def test_the_upload_pool_follows_the_setting(small_site: SiteFactory, s3: S3Env) -> None:
    toml = small_site.root / "site.toml"
    toml.write_text(toml.read_text() + "\n[publish]\nconcurrency = 2\n")
    s3.proxy.put_delay = 0.1
    assert publish(small_site, s3) == 0
    assert s3.proxy.peak == 2
