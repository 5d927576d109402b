"""S3 and S3-compatible stores (AWS, Cloudflare R2, Backblaze B2, MinIO) through boto3.

Credentials, region and ``AWS_ENDPOINT_URL`` come the standard AWS way; ``site.toml`` may set
the endpoint, region and profile but never a secret.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config as BotoConfig
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    InvalidRegionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)

from publisher.config.settings import PublishSettings
from publisher.errors import StorageError
from publisher.storage.base import (
    LOCK_NAME,
    MANIFEST_NAME,
    FileState,
    batched,
    manifest_bytes,
    merge_inventory,
    trusted_manifest,
)
from publisher.storage.headers import Headers

MiB = 1024 * 1024
DELETE_BATCH = 1000
LOCK_TAKEN = ("PreconditionFailed", "412", "ConditionalRequestConflict")
ACCESS_CODES = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden", "403"}
RETRIES = 5  # after the first attempt, unless AWS_MAX_ATTEMPTS or the profile says otherwise
LARGE_IN_FLIGHT = 2
"""Large files uploading in parts at once; each has ``multipart_concurrency`` parts in flight."""


class S3Target:
    """A bucket and key prefix; every key this target touches starts with the prefix."""

    def __init__(self, bucket: str, prefix: str, settings: PublishSettings) -> None:
        if not bucket:
            raise StorageError("the s3:// target needs a bucket name: s3://bucket/prefix")
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.description = f"s3://{bucket}/{self.prefix}"
        self.settings = settings
        with self._errors("connecting"):
            self.client = _client(settings)
        self.threshold = settings.multipart_threshold_mb * MiB
        self.transfer = TransferConfig(
            multipart_threshold=self.threshold,
            multipart_chunksize=self.threshold,
            max_concurrency=settings.multipart_concurrency,
        )
        self._large = threading.BoundedSemaphore(LARGE_IN_FLIGHT)

    def key(self, path: str) -> str:
        return self.prefix + path

    @contextmanager
    def _errors(self, action: str, path: str = "") -> Iterator[None]:
        where = self.description + path
        try:
            yield
        except NoCredentialsError as err:
            raise StorageError(
                "no credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(or AWS_PROFILE) before publishing",
                where,
            ) from err
        except ClientError as err:
            raise StorageError(_client_error_message(action, err, self.bucket), where) from err
        except (BotoCoreError, Boto3Error) as err:
            raise StorageError(_setup_message(action, err, self.settings), where) from err
        except ValueError as err:
            if not str(err).startswith("Invalid endpoint"):
                raise
            raise StorageError(_setup_message(action, err, self.settings), where) from err

    def inventory(self, verify: bool = False) -> dict[str, FileState]:
        """A valid manifest is trusted as it is: one GET, no listing. Without one, or to
        ``verify``, the bucket is listed; the manifest then vouches only for objects of the
        size it records that were not written after it."""
        # Errors name the bucket, as the listing's would: it is the first request of a publish.
        manifest = trusted_manifest(self._get(MANIFEST_NAME, action="reading the manifest", at=""))
        if manifest is not None and not verify:
            return manifest
        sizes: dict[str, int] = {}
        written: dict[str, Any] = {}
        with self._errors("listing the bucket"):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                for item in page.get("Contents", []):
                    path = item["Key"][len(self.prefix) :]
                    written[path] = item["LastModified"]
                    if path and path not in (MANIFEST_NAME, LOCK_NAME):
                        sizes[path] = int(item["Size"])
        since = written.get(MANIFEST_NAME)  # times have whole seconds: the same second counts
        changed = [path for path in sizes if since is not None and written[path] >= since]
        return merge_inventory(sizes, manifest or {}, changed)

    def read(self, path: str) -> bytes | None:
        return self._get(path)

    def read_head(self, path: str, length: int) -> bytes | None:
        return self._get(path, f"bytes=0-{length - 1}")

    def _get(
        self, path: str, byte_range: str = "", action: str = "reading", at: str | None = None
    ) -> bytes | None:
        extra = {"Range": byte_range} if byte_range else {}
        try:
            with self._errors(action, path if at is None else at):
                response = self.client.get_object(Bucket=self.bucket, Key=self.key(path), **extra)
                return bytes(response["Body"].read())
        except StorageError as err:
            missing = ("NoSuchKey", "404")
            if isinstance(err.__cause__, ClientError) and _code(err.__cause__) in missing:
                return None
            raise

    def inspect(self, paths: list[str]) -> dict[str, FileState]:
        found = {}
        for path in paths:
            with self._errors("reading object metadata", path):
                head = self.client.head_object(Bucket=self.bucket, Key=self.key(path))
            found[path] = FileState(
                int(head["ContentLength"]),
                head.get("Metadata", {}).get("sha256"),
                head.get("ContentType"),
                head.get("CacheControl"),
            )
        return found

    def upload(self, path: str, source: Path, headers: Headers, sha256: str) -> None:
        """One PUT for a small file; a large one goes in parts, a few large files at a time."""
        extra: dict[str, Any] = {
            "ContentType": headers.content_type,
            "CacheControl": headers.cache_control,
            "Metadata": {"sha256": sha256},
        }
        with self._errors("upload", path):
            if source.stat().st_size <= self.threshold:
                with source.open("rb") as body:
                    self.client.put_object(
                        Bucket=self.bucket, Key=self.key(path), Body=body, **extra
                    )
                return
            with self._large:
                self.client.upload_file(
                    str(source), self.bucket, self.key(path), ExtraArgs=extra, Config=self.transfer
                )

    def delete(self, paths: list[str]) -> None:
        for batch in batched(sorted(paths), DELETE_BATCH):
            objects = [{"Key": self.key(path)} for path in batch]
            with self._errors("delete", batch[0]):
                response = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True}
                )
            errors = response.get("Errors", [])
            if errors:
                first = errors[0]
                raise StorageError(
                    f"delete failed for {len(errors)} object(s): {first.get('Code')}",
                    f"s3://{self.bucket}/{first.get('Key')}",
                )

    def write_manifest(self, files: dict[str, FileState]) -> None:
        with self._errors("writing the manifest", MANIFEST_NAME):
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.key(MANIFEST_NAME),
                Body=manifest_bytes(files),
                ContentType="application/json",
                CacheControl="no-cache",
            )

    def lock(self, holder: bytes) -> bytes | None:
        key = self.key(LOCK_NAME)
        try:
            with self._errors("taking the publish lock", LOCK_NAME):
                # A conditional write: only one publish can create the lock object.
                self.client.put_object(Bucket=self.bucket, Key=key, Body=holder, IfNoneMatch="*")
        except StorageError as err:
            if isinstance(err.__cause__, ClientError) and _code(err.__cause__) in LOCK_TAKEN:
                return self.read(LOCK_NAME) or b"{}"
            raise
        return None

    def unlock(self) -> None:
        with self._errors("releasing the publish lock", LOCK_NAME):
            self.client.delete_object(Bucket=self.bucket, Key=self.key(LOCK_NAME))


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def _client_error_message(action: str, err: ClientError, bucket: str) -> str:
    code = _code(err)
    if code == "NoSuchBucket":
        return f"bucket {bucket!r} does not exist; check [publish] target in site.toml"
    if code in ACCESS_CODES:
        return (
            f"{action} was refused ({code}); check the credentials (AWS_ACCESS_KEY_ID, "
            "AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and that they may write to this bucket"
        )
    message = err.response.get("Error", {}).get("Message", "")
    return f"{action} failed: {code} {message}".strip()


def _client(settings: PublishSettings) -> Any:
    """An S3 client from the standard AWS settings, overridden by ``[publish]`` in site.toml."""
    core = botocore.session.Session()
    session = boto3.session.Session(botocore_session=core, profile_name=settings.profile or None)
    retries: dict[str, Any] = {"mode": "standard"}
    if core.get_config_variable("max_attempts") is None:
        retries["max_attempts"] = RETRIES
    return session.client(
        "s3",
        endpoint_url=settings.endpoint_url or None,
        region_name=settings.region or None,
        config=BotoConfig(
            # boto3 >= 1.36 adds CRC checksums by default; R2, B2 and MinIO have refused them.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            retries=retries,
            # One connection per file in flight, plus the parts of the large files.
            max_pool_connections=pool_size(settings),
        ),
    )


def pool_size(settings: PublishSettings) -> int:
    """Connections the uploads can use at once: small files, plus the parts of large ones.

    >>> pool_size(PublishSettings())
    48
    """
    return settings.concurrency + LARGE_IN_FLIGHT * settings.multipart_concurrency


def _region_setting(settings: PublishSettings) -> str:
    return "[publish] region in site.toml" if settings.region else "AWS_DEFAULT_REGION"


def _endpoint_setting(settings: PublishSettings) -> str:
    return "[publish] endpoint_url in site.toml" if settings.endpoint_url else "AWS_ENDPOINT_URL"


def _is_aws(url: str) -> bool:
    return (urlsplit(url).hostname or "").endswith(".amazonaws.com")


def _setup_message(action: str, err: Exception, settings: PublishSettings) -> str:
    """One line naming the setting behind a failure to reach the store, and what to do."""
    if isinstance(err, ProfileNotFound):
        where = "[publish] profile in site.toml" if settings.profile else "AWS_PROFILE"
        return (
            f"the AWS profile {err.kwargs.get('profile')!r} is in neither ~/.aws/config nor "
            f"~/.aws/credentials; fix {where} or remove it"
        )
    if isinstance(err, PartialCredentialsError):
        return (
            f"incomplete credentials ({err.kwargs.get('cred_var')} is missing): set both "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY before publishing"
        )
    if isinstance(err, InvalidRegionError):
        return (
            f"{err.kwargs.get('region_name')!r} is not a region name; set "
            f"{_region_setting(settings)} to one such as eu-west-2 (R2: auto), or remove it"
        )
    if isinstance(err, EndpointConnectionError):
        parts = urlsplit(str(err.kwargs.get("endpoint_url", "")))
        url = f"{parts.scheme}://{parts.netloc}"
        setting = (
            f"the region ({_region_setting(settings)})"
            if _is_aws(url) and not settings.endpoint_url
            else _endpoint_setting(settings)
        )
        return f"cannot connect to {url}; check {setting} and the network, then publish again"
    if isinstance(err, ValueError) and str(err).startswith("Invalid endpoint"):
        url = str(err).partition(":")[2].strip()
        if _is_aws(url) and not settings.endpoint_url:
            return (
                f"no valid region for the AWS endpoint {url}; set {_region_setting(settings)} "
                "to a region such as eu-west-2"
            )
        return (
            f"the endpoint {url!r} is not a URL; set {_endpoint_setting(settings)} to one such "
            "as https://<account>.r2.cloudflarestorage.com, or remove it to publish to AWS"
        )
    return " ".join(f"{action} failed: {err}".split())


def invalidate_cloudfront(distribution: str, paths: list[str], profile: str = "") -> None:
    """Ask CloudFront to refresh ``paths`` of ``distribution`` (credentials as for S3)."""
    session = boto3.session.Session(profile_name=profile or None)
    batch = {
        "Paths": {"Quantity": len(paths), "Items": paths},
        "CallerReference": f"publisher-{uuid.uuid4()}",
    }
    try:
        client = session.client("cloudfront")
        client.create_invalidation(DistributionId=distribution, InvalidationBatch=batch)
    except (BotoCoreError, Boto3Error) as err:
        raise StorageError(
            f"refreshing the CDN failed: {err}", f"CloudFront {distribution}"
        ) from err
