"""Read one episode folder: ``episode.md``, its audio, transcript, chapters and cover."""

from __future__ import annotations

from pathlib import Path

from publisher.config.settings import Config
from publisher.content.audio import AudioInfo, read_audio
from publisher.content.chapters import Chapter, chapters_from_file, chapters_from_front_matter
from publisher.content.fields import FieldReader
from publisher.content.identity import episode_guid, resolve_show_guid
from publisher.content.ledger import Ledger
from publisher.content.mediatypes import AUDIO_TYPES, IMAGE_TYPES, TRANSCRIPT_TYPES
from publisher.content.model import Attachment, Episode
from publisher.content.slugs import is_slug, slugify
from publisher.content.transcripts import Cue, parse_transcript
from publisher.errors import ContentError, Problem, Problems

EPISODE_KEYS = {
    "title", "date", "number", "number_label", "season", "season_name", "type", "explicit",
    "block", "summary", "guid", "article", "chapters", "persons", "soundbites", "draft", "tags",
}  # fmt: skip
EPISODE_TYPES = ("full", "trailer", "bonus")
PREFERRED_AUDIO = (".mp3", ".m4a")
UNSUPPORTED_AUDIO = (".wav", ".flac", ".aif", ".aiff", ".ogg", ".opus", ".wma", ".aac")


def load_episode(
    config: Config, folder: Path, ledger: Ledger | None = None
) -> tuple[Episode | None, list[Problem]]:
    """Build the :class:`Episode` of ``folder``; problems are returned, not raised.

    Without a ``guid`` in the front matter, an episode keeps the GUID it was published with.
    """
    path = folder / "episode.md"
    if not path.is_file():
        raise ContentError("episode folder has no episode.md; add one with front matter", folder)
    if not is_slug(folder.name):
        raise ContentError(
            f"episode folder names are slugs: rename it to {slugify(folder.name) or 'my-title'!r}",
            folder,
        )
    fields = FieldReader.open(config, path)
    fields.warn_unknown(EPISODE_KEYS)
    audio, alternates = _episode_audio(folder, fields.problems)
    duration = audio.duration if audio else float("inf")
    transcript, cues = _transcript(folder, duration, fields.problems)
    ledger = ledger or Ledger()
    show = resolve_show_guid(config.podcast.guid, ledger.show_guid, config.feed_url)
    pinned = ledger.episodes.get(folder.name)
    episode = Episode(
        slug=folder.name,
        **fields.item_fields(),
        audio=audio,
        alternate_audio=alternates,
        guid=fields.text("guid") or (pinned.guid if pinned else episode_guid(show, folder.name)),
        number=fields.count("number"),
        season=fields.count("season"),
        season_name=fields.text("season_name"),
        number_label=fields.text("number_label")[:32],
        episode_type=fields.choice("type", EPISODE_TYPES),
        explicit=fields.flag("explicit"),
        block=bool(fields.flag("block")),
        article_slug=fields.slug("article") or None,
        transcript=transcript,
        cues=cues,
        chapters=_chapters(folder, fields, duration),
        cover=_single(folder, "cover", IMAGE_TYPES, fields.problems),
        persons=fields.persons(),
        soundbites=fields.soundbites(duration),
    )
    return fields.unless_errors(episode)


def _episode_audio(
    folder: Path, problems: Problems
) -> tuple[AudioInfo | None, tuple[AudioInfo, ...]]:
    """One audio file per format; the MP3 is the enclosure, an M4A beside it an alternate."""
    files = [p for p in sorted(folder.iterdir()) if p.suffix.lower() in AUDIO_TYPES]
    suffixes = [p.suffix.lower() for p in files]
    if not files:
        # Editors prepare episodes before the audio exists; only a due episode needs it.
        problems += [
            Problem(
                f"podcast apps cannot play {other.suffix.lower()} files; export the audio "
                "as MP3 (128 kbit/s is plenty for speech) into this folder",
                other,
            )
            for other in sorted(folder.iterdir())
            if other.suffix.lower() in UNSUPPORTED_AUDIO
        ]
        return None, ()
    if len(set(suffixes)) != len(suffixes):
        found = ", ".join(p.name for p in files) or "none"
        problems.append(
            Problem(
                f"needs one audio file, an .mp3 or .m4a (at most one of each; found: {found})",
                folder,
            )
        )
        return None, ()
    files.sort(key=lambda p: PREFERRED_AUDIO.index(p.suffix.lower()))
    read: list[AudioInfo] = []
    for file in files:
        with problems.collecting():
            read.append(read_audio(file))
    if len(read) != len(files):
        return None, ()
    return read[0], tuple(read[1:])


def _single(
    folder: Path, stem: str, types: dict[str, str], problems: Problems
) -> Attachment | None:
    found = [
        folder / f"{stem}{suffix}" for suffix in types if (folder / f"{stem}{suffix}").is_file()
    ]
    if len(found) > 1:
        problems.append(Problem(f"keep only one of {', '.join(p.name for p in found)}", folder))
        return None
    return Attachment(found[0], types[found[0].suffix]) if found else None


def _transcript(
    folder: Path, duration: float, problems: Problems
) -> tuple[Attachment | None, tuple[Cue, ...]]:
    attachment = _single(folder, "transcript", TRANSCRIPT_TYPES, problems)
    if attachment is None:
        return None, ()
    with problems.collecting():
        return attachment, parse_transcript(attachment.source, duration)
    return None, ()


def _chapters(folder: Path, fields: FieldReader, duration: float) -> tuple[Chapter, ...]:
    path = folder / "chapters.json"
    listed = fields.records("chapters", ("start",))
    with fields.problems.collecting():
        if path.is_file() and listed:
            raise ContentError(
                "chapters are both in chapters.json and in the front matter; keep one",
                fields.path,
                fields.matter.line_of("chapters"),
            )
        if path.is_file():
            return chapters_from_file(path, duration)
        return chapters_from_front_matter(
            listed, duration, fields.path, fields.matter.line_of("chapters")
        )
    return ()
