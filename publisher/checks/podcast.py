"""What podcast directories and apps require of the show, its episodes and their audio."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from publisher.cache import BuildCache
from publisher.config.settings import Config
from publisher.content.model import Episode, Site
from publisher.dates import WEEKDAYS
from publisher.errors import Problem, site_path
from publisher.output.tree import OutputTree

ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
SAMPLE_RATES = (44100, 48000)
BITRATE_LOW, BITRATE_HIGH = 64, 320  # kbit/s, rounded
TITLE_LIMIT = 255
EPISODE_PREFIX_RE = re.compile(r"^(episode|ep\.?|#)\s*\d+\b", re.IGNORECASE)


def warn(message: str, path: Path | str | None = None, line: int | None = None) -> Problem:
    return Problem(message, path, line, severity="warning")


def check_show(site: Site, tree: OutputTree, cache: BuildCache) -> list[Problem]:
    """Channel facts Apple and Spotify require: artwork, category, owner, HTTPS.

    Only for a podcast: a site with no episode folder is a site of articles, which needs none
    of the ``[podcast]`` settings.
    """
    if not site.episodes:
        return []
    config = site.config
    podcast, where = config.podcast, config.config_path
    problems = []
    if podcast.artwork is None:
        problems.append(
            Problem(
                'Apple requires show artwork: set artwork = "artwork.jpg"',
                where,
                key="podcast.artwork",
            )
        )
    else:
        problems += artwork_problems(config.root / podcast.artwork)
    if not podcast.category:
        problems.append(
            Problem(
                'Apple requires a category, e.g. "Health & Fitness / Medicine"',
                where,
                key="podcast.category",
            )
        )
    if not podcast.owner_email:
        problems.append(
            Problem(
                "Spotify and Apple need an owner email to verify the show",
                where,
                key="podcast.owner_email",
            )
        )
    if not podcast.owner_name:
        problems.append(warn("no owner name; directories show it next to the owner email", where))
    if not config.site.base_url.startswith("https://"):
        problems.append(
            warn("base_url is not https://; Apple and Podcasting 2.0 apps expect HTTPS", where)
        )
    if len(podcast.description.encode()) > 4000:
        problems.append(
            warn("the podcast description is over 4000 bytes; directories cut it", where)
        )
    return problems


def artwork_problems(path: Path) -> list[Problem]:
    """Square, 1400-3000 px, RGB, and a file type that matches its extension."""
    try:
        with Image.open(path) as image:
            kind, mode, (width, height) = image.format, image.mode, image.size
    except (UnidentifiedImageError, OSError):
        return [Problem("is not a readable JPEG or PNG image", path)]
    expected = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}.get(path.suffix.lower())
    problems = []
    if kind != expected:
        problems.append(
            Problem(
                f"is a {kind} file but its name ends in {path.suffix}; Apple rejects the mismatch",
                path,
            )
        )
    if width != height:
        problems.append(Problem(f"artwork must be square; this is {width}x{height} px", path))
    if not ARTWORK_MIN <= max(width, height) <= ARTWORK_MAX:
        problems.append(Problem(f"artwork must be 1400 to 3000 px wide; this is {width} px", path))
    if mode not in ("RGB", "RGBA", "P"):
        problems.append(
            Problem(f"artwork must use RGB colours; this is {mode} (export it as RGB)", path)
        )
    return problems


def check_episodes(site: Site, tree: OutputTree, cache: BuildCache) -> list[Problem]:
    """Numbers, titles, weekday and covers of every episode."""
    problems = []
    numbered: dict[tuple[int | None, int], Episode] = {}
    weekday = site.config.podcast.release_weekday
    tz = site.config.site.tz
    for episode in site.episodes:
        if episode.number:
            first = numbered.setdefault((episode.season, episode.number), episode)
            if first is not episode:
                season = f" in season {episode.season}" if episode.season else ""
                problems.append(
                    Problem(
                        f"episode number {episode.number}{season} is also used by "
                        f"{site_path(first.source, site.config.root)}; "
                        "give one of them another number",
                        episode.source,
                        episode.line_of("number"),
                    )
                )
        problems += _title_problems(episode, site.config)
        day = WEEKDAYS[episode.date.astimezone(tz).weekday()]
        if episode.episode_type == "full" and day != weekday:
            problems.append(
                warn(
                    f"dated on a {day.capitalize()}, not the release day ({weekday.capitalize()})",
                    episode.source,
                )
            )
        if episode.cover is not None:
            problems += artwork_problems(episode.cover.source)
    if site.config.podcast.type == "serial":
        problems += [
            Problem("serial shows need a number on every episode", e.source)
            for e in site.episodes
            if not e.number
        ]
    return problems + _numbers_out_of_order(site)


def _numbers_out_of_order(site: Site) -> list[Problem]:
    """Warn where a higher number goes out before a lower one of the same season."""
    problems = []
    latest: dict[int | None, Episode] = {}
    for episode in site.episodes:  # oldest first
        if episode.draft or not episode.number:
            continue
        before = latest.get(episode.season)
        if before is not None and before.number and before.number > episode.number:
            problems.append(
                warn(
                    f"episode number {episode.number} goes out after number {before.number} "
                    f"({site_path(before.source, site.config.root)}); apps list episodes by "
                    "date, so listeners see the numbers run backwards. Swap the numbers",
                    episode.source,
                    episode.line_of("number"),
                )
            )
        if before is None or (before.number or 0) < episode.number:
            latest[episode.season] = episode
    return problems


def _title_problems(episode: Episode, config: Config) -> list[Problem]:
    problems = []
    if len(episode.title) > TITLE_LIMIT:
        problems.append(
            warn(f"title is over {TITLE_LIMIT} characters; apps cut it", episode.source)
        )
    if EPISODE_PREFIX_RE.match(episode.title):
        problems.append(
            warn(
                "Apple asks for titles without episode numbers; use number: instead", episode.source
            )
        )
    if config.podcast.title.lower() in episode.title.lower():
        problems.append(
            warn("the title repeats the show's name; apps already show it", episode.source)
        )
    return problems


def check_audio(site: Site, tree: OutputTree, cache: BuildCache) -> list[Problem]:
    """Audio that plays badly in podcast apps: odd sample rate or bitrate, no VBR header."""
    problems = []
    channels = Counter(e.audio.channels for e in site.episodes if e.audio)
    usual = channels.most_common(1)[0][0] if channels else 0
    for episode in site.episodes:
        for audio in (episode.audio, *episode.alternate_audio):
            if audio is None:
                continue
            path = audio.source
            if audio.sample_rate not in SAMPLE_RATES:
                problems.append(
                    warn(
                        f"sample rate {audio.sample_rate} Hz; podcasts use 44100 or 48000 Hz", path
                    )
                )
            kbits = round(audio.bitrate / 1000)
            if audio.bitrate and kbits < BITRATE_LOW:
                problems.append(
                    warn(
                        f"bitrate {kbits} kbit/s is low; use 64 kbit/s or more",
                        path,
                    )
                )
            if kbits > BITRATE_HIGH:
                problems.append(
                    warn(
                        f"bitrate {kbits} kbit/s is more than listeners need; "
                        "128 kbit/s is plenty for speech",
                        path,
                    )
                )
            if not audio.vbr_header:
                problems.append(
                    warn(
                        "no Xing/Info header: apps may show a wrong duration and seek badly; "
                        "export again with a VBR header",
                        path,
                    )
                )
        if episode.audio and len(channels) > 1 and episode.audio.channels != usual:
            kind = {1: "mono", 2: "stereo"}
            problems.append(
                warn(
                    f"{kind.get(episode.audio.channels, episode.audio.channels)} while most "
                    f"episodes are {kind.get(usual, usual)}",
                    episode.audio.source,
                )
            )
    return problems
