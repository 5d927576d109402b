"""After a publish that changed the feed: tell WebSub hubs, ping services and the CDN.

A failed notification is a warning: the site is already published, and the next publish with
a feed change notifies again.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from publisher import urls
from publisher.config.settings import Config
from publisher.errors import StorageError
from publisher.publish.plan import Upload
from publisher.storage.headers import FEEDS

log = logging.getLogger(__name__)

TIMEOUT = 10
MAX_CDN_PATHS = 15  # beyond this one wildcard is cheaper than a path each
USER_AGENT = "publisher (podcast site generator)"


@dataclass(frozen=True)
class Notice:
    target: str
    ok: bool
    detail: str


def notify(config: Config, uploads: tuple[Upload, ...]) -> list[Notice]:
    """Send every configured notification if the podcast feed was uploaded."""
    if not any(u.path == urls.FEED for u in uploads):
        return []
    feed = config.feed_url
    notices = [
        _request(hub, urlencode({"hub.mode": "publish", "hub.url": feed}).encode())
        for hub in config.notify.websub
    ]
    notices += [
        _request(template.replace("{feed}", quote(feed, safe="")))
        for template in config.notify.ping
    ]
    if config.notify.cloudfront_distribution:
        notices.append(_invalidate(config, uploads))
    for notice in notices:
        if not notice.ok:
            log.warning("could not notify %s: %s", notice.target, notice.detail)
    return notices


def _request(url: str, form: bytes | None = None) -> Notice:
    headers = {"User-Agent": USER_AGENT}
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(
        url, data=form, headers=headers, method="POST" if form else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return Notice(url, True, str(response.status))
    except urllib.error.HTTPError as err:
        return Notice(url, False, f"HTTP {err.code}")
    except (urllib.error.URLError, OSError) as err:
        return Notice(url, False, str(getattr(err, "reason", err)))


def invalidation_paths(config: Config, uploads: tuple[Upload, ...]) -> list[str]:
    """CDN paths to refresh: changed pages and feeds (audio and hashed assets get new names)."""
    base = config.site.base_path
    paths = []
    for upload in uploads:
        path = upload.path
        if path.endswith(urls.INDEX):
            path = urls.folder_of(path)
        elif not (path.endswith((".html", ".xml", ".json", ".txt")) or path in FEEDS):
            continue
        paths.append(base + path)
    if len(paths) > MAX_CDN_PATHS:
        return [base + "*"]
    return sorted(paths)


def _invalidate(config: Config, uploads: tuple[Upload, ...]) -> Notice:
    from publisher.storage.s3 import invalidate_cloudfront  # boto3 loads only when needed

    distribution = config.notify.cloudfront_distribution
    paths = invalidation_paths(config, uploads)
    try:
        invalidate_cloudfront(distribution, paths, config.publish.profile)
    except StorageError as err:
        return Notice(f"CloudFront {distribution}", False, err.problem.message)
    return Notice(f"CloudFront {distribution}", True, f"{len(paths)} path(s)")
