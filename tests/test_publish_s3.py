"""Publishing to a real S3 API over HTTP: moto's standalone server behind a counting proxy."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from publisher.cli import main
from publisher.config.settings import PublishSettings
from publisher.publish.run import prepare_publish, run_publish
from publisher.storage.headers import headers_for
from publisher.storage.s3 import S3Target
from tests.conftest import HOLDER, NOW, SECRET, S3Env, SiteFactory, s3_publish_args, tree_bytes
from tests.s3server import Fault, free_port, start_moto


def publish(site: SiteFactory, s3: S3Env, *extra: str) -> int:
    """Run ``publisher publish`` in process; return its exit status."""
    argv = ["--site", str(site.root), "publish", "--target", f"s3://{s3.bucket}/show", "--now",
            "2026-01-10", *extra]  # fmt: skip
    try:
        main(argv)
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def remote_objects(s3: S3Env, prefix: str = "show/") -> dict[str, dict[str, Any]]:
    pages = s3.client.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket, Prefix=prefix)
    return {o["Key"]: o for page in pages for o in page.get("Contents", [])}


def puts(s3: S3Env) -> list[str]:
    """Object keys written, in order (single PUTs and the starts of multipart uploads); the
    publish lock, taken and released around every publish that writes, is left out."""
    return [
        s.key.removeprefix("show/")
        for s in s3.proxy.seen
        if (
            (s.method == "PUT" and "partNumber" not in s.query)
            or (s.method == "POST" and s.query == "uploads")
        )
        and not s.key.endswith(".publisher-lock")
    ]


def test_first_publish_uploads_every_file_with_its_headers(
    small_site: SiteFactory, s3: S3Env
) -> None:
    assert publish(small_site, s3) == 0
    built = tree_bytes(small_site.root / "_site")
    objects = remote_objects(s3)
    assert set(objects) == {f"show/{p}" for p in built} | {"show/.publisher-manifest.json"}
    for path, content in built.items():
        head = s3.client.head_object(Bucket=s3.bucket, Key=f"show/{path}")
        body = s3.client.get_object(Bucket=s3.bucket, Key=f"show/{path}")["Body"].read()
        assert body == content, path
        expected = headers_for(path, {})
        assert head["ContentType"] == expected.content_type, path
        assert head["CacheControl"] == expected.cache_control, path
        assert head["Metadata"]["sha256"] == hashlib.sha256(content).hexdigest()
    feed = s3.client.head_object(Bucket=s3.bucket, Key="show/feed.xml")
    assert feed["ContentType"] == "application/rss+xml; charset=utf-8"
    audio = s3.client.head_object(Bucket=s3.bucket, Key="show/episodes/second/second.m4a")
    assert audio["ContentType"] == "audio/x-m4a"
    assert "immutable" in audio["CacheControl"]


def test_no_checksum_headers_are_sent(small_site: SiteFactory, s3: S3Env) -> None:
    assert publish(small_site, s3) == 0
    sent = [s for s in s3.proxy.seen if s.method == "PUT"]
    assert sent
    for request in sent:
        names = {name.lower() for name in request.headers}
        assert not {n for n in names if n.startswith("x-amz-checksum-")}, request.path
        assert "x-amz-sdk-checksum-algorithm" not in names


def test_republish_without_changes_makes_no_put(small_site: SiteFactory, s3: S3Env) -> None:
    assert publish(small_site, s3) == 0
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    assert s3.proxy.count("PUT") == 0
    assert s3.proxy.count("POST") == 0
    assert s3.proxy.count("HEAD") == 0  # nothing is asked file by file
    # Deleting the local build and rebuilding changes nothing either.
    shutil.rmtree(small_site.root / "_site")
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    # The manifest vouches for every file and for the live feed: no listing, no lock, no feed.
    assert [(s.method, s.key) for s in s3.proxy.seen] == [("GET", "show/.publisher-manifest.json")]


def test_changing_one_article_uploads_only_changed_files(
    small_site: SiteFactory, s3: S3Env
) -> None:
    assert publish(small_site, s3) == 0
    before = tree_bytes(small_site.root / "_site")
    small_site.article(
        "2026-01-06-more",
        "title: More on walking\ndate: 2026-01-06\ntags: [walking]",
        "New text.\n",
    )
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    after = tree_bytes(small_site.root / "_site")
    changed = {path for path in after if before.get(path) != after[path]}
    assert "articles/more/index.html" in changed
    assert "episodes/first/first.mp3" not in changed
    assert sorted(puts(s3)) == sorted([*changed, ".publisher-manifest.json"])


def test_feeds_go_last_and_prune_after_them(small_site: SiteFactory, s3: S3Env) -> None:
    s3.client.put_object(Bucket=s3.bucket, Key="show/old-page/index.html", Body=b"old")
    s3.client.put_object(Bucket=s3.bucket, Key="elsewhere/keep.txt", Body=b"not ours")
    assert publish(small_site, s3, "--prune") == 0
    order = puts(s3)
    feeds = [order.index(p) for p in ("sitemap.xml", "articles/feed.xml", "feed.xml")]
    assert feeds == sorted(feeds)
    others = [
        i
        for i, p in enumerate(order)
        if p not in ("sitemap.xml", "articles/feed.xml", "feed.xml", ".publisher-manifest.json")
    ]
    assert max(others) < min(feeds)
    media = [i for i, p in enumerate(order) if p.endswith((".mp3", ".m4a", ".css", ".jpg"))]
    pages = [i for i, p in enumerate(order) if p.endswith(".html")]
    assert max(media) < min(pages)
    deletes = [i for i, s in enumerate(s3.proxy.seen) if s.method == "POST" and s.query == "delete"]
    feed_put = max(
        i for i, s in enumerate(s3.proxy.seen) if s.method == "PUT" and s.key == "show/feed.xml"
    )
    assert len(deletes) == 1 and deletes[0] > feed_put
    objects = remote_objects(s3, "")
    assert "show/old-page/index.html" not in objects
    assert "elsewhere/keep.txt" in objects


def test_prune_refuses_mass_deletion_unless_forced(
    small_site: SiteFactory, s3: S3Env, capsys: pytest.CaptureFixture[str]
) -> None:
    for index in range(3):
        s3.client.put_object(Bucket=s3.bucket, Key=f"show/junk-{index}.html", Body=b"x")
    toml = small_site.root / "site.toml"
    toml.write_text(toml.read_text() + "\n[publish]\nmax_deletes = 2\n")
    assert publish(small_site, s3, "--prune") == 1
    assert "--prune would delete 3 objects, more than the limit of 2" in capsys.readouterr().err
    assert s3.proxy.count("PUT") == 0
    assert publish(small_site, s3, "--prune", "--force") == 0
    assert not any(k.startswith("show/junk-") for k in remote_objects(s3))


def test_transient_failures_are_retried(small_site: SiteFactory, s3: S3Env) -> None:
    s3.proxy.faults.append(Fault(lambda m, p: m == "PUT" and p.endswith("first.mp3"), 500, times=2))
    s3.proxy.faults.append(Fault(lambda m, p: m == "PUT" and p.endswith("index.html"), 0, times=2))
    assert publish(small_site, s3) == 0
    attempts = s3.proxy.count("PUT", lambda s: s.key == "show/episodes/first/first.mp3")
    assert attempts == 3
    built = tree_bytes(small_site.root / "_site")
    assert {f"show/{p}" for p in built} <= set(remote_objects(s3))


def test_lasting_failure_leaves_the_live_feed_alone(
    small_site: SiteFactory, s3: S3Env, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish(small_site, s3, "--now", "2026-01-05") == 0  # only the first episode is out
    live_feed = s3.client.get_object(Bucket=s3.bucket, Key="show/feed.xml")["Body"].read()
    assert b"second.m4a" not in live_feed
    s3.proxy.reset()
    s3.proxy.faults.append(
        Fault(lambda m, p: m == "PUT" and p.endswith("second.m4a"), 500, times=100)
    )
    assert publish(small_site, s3) == 1
    error = capsys.readouterr().err
    assert "1 upload(s) failed; the pages and feeds were not uploaded" in error
    assert f"s3://{s3.bucket}/show/episodes/second/second.m4a" in error
    assert "Traceback" not in error
    assert s3.client.get_object(Bucket=s3.bucket, Key="show/feed.xml")["Body"].read() == live_feed
    assert not any(s.key == "show/feed.xml" and s.method == "PUT" for s in s3.proxy.seen)
    # Once the store recovers, running again finishes the job.
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    assert (
        b"second.m4a" in s3.client.get_object(Bucket=s3.bucket, Key="show/feed.xml")["Body"].read()
    )


def test_dry_run_changes_nothing(
    small_site: SiteFactory, s3: S3Env, capsys: pytest.CaptureFixture[str]
) -> None:
    s3.client.put_object(Bucket=s3.bucket, Key="show/stale.html", Body=b"x")
    assert publish(small_site, s3, "--dry-run", "--prune") == 0
    assert (
        s3.proxy.count("PUT") == 0 and s3.proxy.count("POST") == 0 and s3.proxy.count("DELETE") == 0
    )
    out = capsys.readouterr().out
    assert "upload  feed.xml  (new," in out
    assert "delete  stale.html" in out


def test_large_audio_goes_multipart_and_is_compared_by_hash(
    make_site: Callable[..., SiteFactory],
    s3: S3Env,
) -> None:
    site = make_site()
    toml = site.root / "site.toml"
    toml.write_text(toml.read_text() + "\n[publish]\nmultipart_threshold_mb = 5\n")
    site.episode("long", "title: Long\ndate: 2026-01-04")
    tone = (site.root / "episodes" / "long" / "long.mp3").read_bytes()
    (site.root / "episodes" / "long" / "long.mp3").write_bytes(
        tone * (6 * 1024 * 1024 // len(tone) + 1)
    )
    assert publish(site, s3) == 0
    assert s3.proxy.count("POST", lambda s: s.query == "uploads") == 1
    assert s3.proxy.count("PUT", lambda s: "partNumber" in s.query) >= 2
    head = s3.client.head_object(Bucket=s3.bucket, Key="show/episodes/long/long.mp3")
    assert "-" in head["ETag"]  # a multipart ETag is not an MD5 of the file
    s3.proxy.reset()
    assert publish(site, s3) == 0
    assert s3.proxy.count("PUT") == 0


def test_cache_policy_change_reuploads(small_site: SiteFactory, s3: S3Env) -> None:
    assert publish(small_site, s3) == 0
    toml = small_site.root / "site.toml"
    toml.write_text(toml.read_text() + '\n[publish.cache_control]\nhtml = "no-cache"\n')
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    uploaded = set(puts(s3)) - {".publisher-manifest.json"}
    assert uploaded and all(p.endswith(".html") for p in uploaded)
    head = s3.client.head_object(Bucket=s3.bucket, Key="show/index.html")
    assert head["CacheControl"] == "no-cache"


def test_interrupted_publish_is_finished_by_verifying_not_reuploading(
    small_site: SiteFactory, s3: S3Env
) -> None:
    prepared = prepare_publish(small_site.root, NOW, f"s3://{s3.bucket}/show")
    run_publish(prepared, HOLDER)
    s3.client.delete_object(Bucket=s3.bucket, Key="show/.publisher-manifest.json")  # as if killed
    s3.proxy.reset()
    assert publish(small_site, s3) == 0
    assert puts(s3) == [".publisher-manifest.json"]
    assert s3.proxy.count("HEAD") == len(tree_bytes(small_site.root / "_site"))


def test_storage_errors_name_the_problem_and_never_the_secret(
    small_site: SiteFactory, s3: S3Env, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["-v", "--site", str(small_site.root), "publish", "--target", "s3://no-such-bucket-here/x",
            "--now", "2026-01-10"]  # fmt: skip
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 1
    captured = capsys.readouterr()
    assert (
        "s3://no-such-bucket-here/x/: error: bucket 'no-such-bucket-here' does not exist; "
        "check [publish] target in site.toml" in captured.err
    )
    assert SECRET not in captured.err + captured.out
    assert "Traceback" not in captured.err


def test_missing_credentials_are_explained(
    small_site: SiteFactory,
    s3: S3Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert publish(small_site, s3) == 1
    assert (
        "no credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        in capsys.readouterr().err
    )


def test_nothing_is_uploaded_when_the_content_is_broken(
    small_site: SiteFactory, s3: S3Env, capsys: pytest.CaptureFixture[str]
) -> None:
    small_site.article("2026-01-07-broken", "date: 2026-01-07")
    assert publish(small_site, s3) == 1
    assert "title is required" in capsys.readouterr().err
    assert s3.proxy.seen == []


@pytest.mark.parametrize(
    "empty",
    [
        ["AWS_DEFAULT_REGION"],
        ["AWS_PROFILE"],  # boto3 would look for a profile named ""
        ["AWS_REGION", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"],
    ],
)
def test_empty_aws_variables_count_as_unset(
    small_site: SiteFactory, s3: S3Env, monkeypatch: pytest.MonkeyPatch, empty: list[str]
) -> None:
    """GitHub passes a repository variable that is not set as an empty string."""
    for name in empty:
        monkeypatch.setenv(name, "")
    assert publish(small_site, s3) == 0
    assert "show/feed.xml" in remote_objects(s3)


def test_an_empty_endpoint_variable_leaves_the_site_setting_in_charge(
    small_site: SiteFactory, s3: S3Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = os.environ["AWS_ENDPOINT_URL"]
    toml = small_site.root / "site.toml"
    toml.write_text(toml.read_text() + f'\n[publish]\nendpoint_url = "{proxy}"\n')
    for name in ("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "")
    assert publish(small_site, s3) == 0
    assert "show/feed.xml" in remote_objects(s3)
    assert s3.proxy.count("PUT", lambda s: s.key == "show/feed.xml") == 1


def test_empty_aws_variables_are_removed_and_others_kept(
    small_site: SiteFactory, s3: S3Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "")
    monkeypatch.setenv("AWS_PROFILE", " ")
    monkeypatch.setenv("PUBLISHER_TEST_EMPTY", "")
    assert publish(small_site, s3, "--dry-run") == 0
    assert "AWS_DEFAULT_REGION" not in os.environ
    assert "AWS_PROFILE" not in os.environ
    assert os.environ["PUBLISHER_TEST_EMPTY"] == ""  # only AWS_* variables are touched
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing-key-id"


def test_an_empty_region_means_the_default_aws_endpoint(
    small_site: SiteFactory, s3: S3Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an endpoint, boto3 would make ``https://s3..amazonaws.com`` of a region ""."""
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "")
    monkeypatch.setenv("AWS_REGION", "")
    with pytest.raises(SystemExit) as done:
        main(["--site", str(small_site.root), "status", "--now", "2026-01-10"])
    assert done.value.code == 0
    target = S3Target(s3.bucket, "show", PublishSettings())
    assert target.client.meta.endpoint_url == "https://s3.amazonaws.com"


def failed_publish(site: SiteFactory, s3: S3Env, capsys: pytest.CaptureFixture[str]) -> str:
    """Publish quietly (no content warnings); expect status 1; return stderr."""
    with pytest.raises(SystemExit) as done:
        main(["-q", *s3_publish_args(site, s3.bucket)])
    assert done.value.code == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert SECRET not in captured.err + captured.out
    assert remote_objects(s3, "") == {}  # nothing was uploaded, not even the lock
    return captured.err


def add_publish_settings(site: SiteFactory, lines: str) -> None:
    toml = site.root / "site.toml"
    toml.write_text(toml.read_text() + f"\n[publish]\n{lines}\n")


def test_an_invalid_region_in_site_toml_is_named(
    small_site: SiteFactory, s3: S3Env, capsys: pytest.CaptureFixture[str]
) -> None:
    add_publish_settings(small_site, 'region = "not a region!"')
    assert failed_publish(small_site, s3, capsys) == (
        f"s3://{s3.bucket}/show/: error: 'not a region!' is not a region name; set [publish] "
        "region in site.toml to one such as eu-west-2 (R2: auto), or remove it\n"
    )


def test_an_invalid_region_variable_is_named(
    small_site: SiteFactory,
    s3: S3Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "moon 1")
    assert failed_publish(small_site, s3, capsys) == (
        f"s3://{s3.bucket}/show/: error: 'moon 1' is not a region name; set AWS_DEFAULT_REGION "
        "to one such as eu-west-2 (R2: auto), or remove it\n"
    )


def test_an_endpoint_that_is_not_a_url_is_named(
    small_site: SiteFactory,
    s3: S3Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "not a url")
    assert failed_publish(small_site, s3, capsys) == (
        f"s3://{s3.bucket}/show/: error: the endpoint 'not a url' is not a URL; set "
        "AWS_ENDPOINT_URL to one such as https://<account>.r2.cloudflarestorage.com, or remove "
        "it to publish to AWS\n"
    )


@pytest.mark.parametrize("in_site_toml", [False, True])
def test_an_endpoint_where_nothing_listens_is_named(
    small_site: SiteFactory,
    s3: S3Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    in_site_toml: bool,
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # no retries: the test stays quick
    if in_site_toml:
        add_publish_settings(small_site, f'endpoint_url = "{closed}"')
        monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint)  # the site's setting wins
    else:
        monkeypatch.setenv("AWS_ENDPOINT_URL", closed)
    setting = "[publish] endpoint_url in site.toml" if in_site_toml else "AWS_ENDPOINT_URL"
    assert failed_publish(small_site, s3, capsys) == (
        f"s3://{s3.bucket}/show/: error: cannot connect to {closed}; check {setting} and the "
        "network, then publish again\n"
    )


def test_aws_max_attempts_bounds_the_retries(
    small_site: SiteFactory,
    s3: S3Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    s3.proxy.faults.append(Fault(lambda m, p: m == "GET" and "list-type" in p, 500, times=100))
    assert failed_publish(small_site, s3, capsys) == (
        f"s3://{s3.bucket}/show/: error: listing the bucket failed: InternalError injected\n"
    )
    assert s3.proxy.count("GET", lambda s: "list-type" in s.query) == 2


@pytest.mark.parametrize("in_site_toml", [False, True])
def test_a_profile_that_does_not_exist_is_named(
    small_site: SiteFactory,
    s3: S3Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    in_site_toml: bool,
) -> None:
    if in_site_toml:
        add_publish_settings(small_site, 'profile = "nosuch"')
    else:
        monkeypatch.setenv("AWS_PROFILE", "nosuch")
    setting = "[publish] profile in site.toml" if in_site_toml else "AWS_PROFILE"
    assert failed_publish(small_site, s3, capsys) == (
        f"s3://{s3.bucket}/show/: error: the AWS profile 'nosuch' is in neither ~/.aws/config "
        f"nor ~/.aws/credentials; fix {setting} or remove it\n"
    )


def test_a_missing_secret_is_named(
    small_site: SiteFactory,
    s3: S3Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "")  # a repository secret that was never set
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert failed_publish(small_site, s3, capsys) == (
        f"s3://{s3.bucket}/show/: error: incomplete credentials (AWS_SECRET_ACCESS_KEY is "
        "missing): set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY before publishing\n"
    )


@dataclass(frozen=True)
class LockedStore:
    """A moto server of its own that checks credentials and IAM policies."""

    url: str
    bucket: str
    reader: tuple[str, str]  # an access key that may list and read but not write


@pytest.fixture(scope="module")
def locked_store() -> Iterator[LockedStore]:
    process, url = start_moto()
    admin = {"endpoint_url": url, "region_name": "us-east-1",
             "aws_access_key_id": "admin", "aws_secret_access_key": "admin"}  # fmt: skip
    iam = boto3.client("iam", **admin)
    iam.create_user(UserName="reader")
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    read_only = {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "*"}
    iam.put_user_policy(
        UserName="reader",
        PolicyName="read-only",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [read_only]}),
    )
    boto3.client("s3", **admin).create_bucket(Bucket="locked")
    # From now on every request must carry a known key whose policy allows it.
    enforce = urllib.request.Request(
        f"{url}/moto-api/reset-auth", data=b"0", method="POST",
        headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    urllib.request.urlopen(enforce, timeout=10).close()
    yield LockedStore(url, "locked", (key["AccessKeyId"], key["SecretAccessKey"]))
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.parametrize("known_key", [True, False])
def test_refused_access_is_named(
    small_site: SiteFactory,
    s3: S3Env,
    locked_store: LockedStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    known_key: bool,
) -> None:
    key_id, secret = locked_store.reader if known_key else ("AKIAUNKNOWNKEY000000", SECRET)
    monkeypatch.setenv("AWS_ENDPOINT_URL", locked_store.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    with pytest.raises(SystemExit) as done:
        main(["-q", *s3_publish_args(small_site, locked_store.bucket)])
    assert done.value.code == 1
    err = capsys.readouterr().err
    # Read-only credentials get as far as the publish lock; an unknown key not past the manifest.
    where, action, code = (
        (".publisher-lock", "taking the publish lock", "AccessDenied")
        if known_key
        else ("", "reading the manifest", "InvalidAccessKeyId")
    )
    assert err.splitlines()[-1] == (
        f"s3://locked/show/{where}: error: {action} was refused ({code}); check the credentials "
        "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and that they may write to "
        "this bucket"
    )
    assert err.count("error:") == 1
    assert "Traceback" not in err
    assert SECRET not in err
    reader = boto3.client(
        "s3",
        endpoint_url=locked_store.url,
        region_name="us-east-1",
        aws_access_key_id=locked_store.reader[0],
        aws_secret_access_key=locked_store.reader[1],
    )
    assert reader.list_objects_v2(Bucket="locked")["KeyCount"] == 0  # nothing was uploaded
