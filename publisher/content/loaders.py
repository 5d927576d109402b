"""Walk ``articles/`` and ``episodes/`` and build the model, collecting every problem."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from publisher.cache import BuildCache, digest, path_key
from publisher.config.settings import Config, load_config
from publisher.content.episodes import load_episode
from publisher.content.fields import FieldReader
from publisher.content.identity import resolve_show_guid
from publisher.content.ledger import Ledger, read_ledger
from publisher.content.model import Article, Episode, Site
from publisher.content.slugs import is_slug, slugify
from publisher.errors import ContentError, Problem, Problems, ProblemsFound, site_path

ARTICLE_NAME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)\.md$")
ARTICLE_KEYS = {"title", "date", "slug", "summary", "tags", "author", "episode", "draft", "updated"}


def load_site(
    config: Config, ledger: Ledger | None = None, cache: BuildCache | None = None
) -> tuple[Site, list[Problem]]:
    """Load every article and episode; raise :class:`ProblemsFound` listing all errors.

    With a ``cache``, a file or episode folder whose bytes did not change is not read again.
    """
    ledger = ledger or Ledger()
    cache = cache or BuildCache()
    problems = Problems()
    setting = _settings_key(config, ledger, cache)
    keys: list[str] = [setting]
    articles = _load_all(
        _article_files(config, problems),
        lambda path: _load_article(config, path),
        lambda path: digest(setting, str(path), cache.file_sha256(path)),
        problems,
        cache,
        keys,
    )
    folders = _episode_dirs(config, problems)
    episodes = _load_all(
        folders,
        lambda folder: load_episode(config, folder, ledger),
        lambda folder: digest(
            setting, ledger.episodes.get(folder.name), _folder_key(folder, cache)
        ),
        problems,
        cache,
        keys,
    )
    _check_unique(articles, "article", problems)
    _check_unique(episodes, "episode", problems)
    _check_unique_guids(episodes, config.root, problems)
    articles, episodes = _pair(articles, episodes, {f.name for f in folders}, problems)
    problems.raise_errors()
    site = Site(
        config,
        tuple(sorted(articles, key=lambda a: a.sort_key)),
        tuple(sorted(episodes, key=lambda e: e.sort_key)),
        show_guid=resolve_show_guid(config.podcast.guid, ledger.show_guid, config.feed_url),
        ledger=ledger,
        content_key=digest(keys),
    )
    return site, problems


@dataclass(frozen=True)
class Project:
    """A loaded site directory and the warnings found while loading it."""

    config: Config
    site: Site
    warnings: list[Problem] = field(default_factory=list)


def load_project(root: Path, cache: BuildCache | None = None) -> Project:
    """Read ``site.toml``, ``published.toml`` and all content; raise ``ProblemsFound`` listing
    every error."""
    config, config_warnings = load_config(root)
    try:
        ledger = read_ledger(root)
    except ContentError as err:
        raise ProblemsFound([err.problem]) from err
    site, content_problems = load_site(config, ledger, cache)
    return Project(config, site, [*config_warnings, *content_problems])


def reload_article(project: Project, path: Path, cache: BuildCache) -> Project | None:
    """``project`` with the article file ``path`` read again, for a preview that keeps the site
    in memory. None when the edit reaches past that article: a new or removed file, another
    slug, date, draft state or companion, or a problem (loading the whole site says what).
    """
    site = project.site
    name = str(path)
    index = next((n for n, a in enumerate(site.articles) if str(a.source) == name), None)
    before = cache.items.get(path_key(path))
    if index is None or before is None or not path.is_file():
        return None
    setting = _settings_key(project.config, site.ledger, cache)
    key = digest(setting, str(path), cache.file_sha256(path))
    item, found = cache.item(path, key) or _load_article(project.config, path)
    cache.store_item(path, key, (item, found))
    old = before[1][0]
    shape = ("slug", "date", "draft", "episode_slug")
    if item is None or old is None or any(p.is_error for p in found):
        return None
    if any(getattr(item, name) != getattr(old, name) for name in shape):
        return None
    articles = list(site.articles)
    articles[index] = replace(item, episode_slug=site.articles[index].episode_slug)
    warnings = [w for w in project.warnings if w.path != path] + found
    content_key = digest(site.content_key, key)
    changed = replace(site, articles=tuple(articles), content_key=content_key)
    return replace(project, site=changed, warnings=warnings)


def _settings_key(config: Config, ledger: Ledger, cache: BuildCache) -> str:
    """What every loaded item depends on besides its own files."""
    artwork = config.root / config.podcast.artwork if config.podcast.artwork else None
    return digest(
        str(config.root),  # loaded items hold paths spelled from it: --site . vs --site dir
        cache.file_sha256(config.config_path),
        cache.file_sha256(artwork) if artwork else "",
        ledger.show_guid,
    )


ItemT = TypeVar("ItemT", Article, Episode)


def _load_all(
    paths: list[Path],
    loader: Callable[[Path], tuple[ItemT | None, list[Problem]]],
    key_of: Callable[[Path], str],
    problems: Problems,
    cache: BuildCache,
    keys: list[str],
) -> list[ItemT]:
    items: list[ItemT] = []
    for path in paths:
        with problems.collecting():
            key = key_of(path)
            keys.append(key)
            known = cache.item(path, key)
            if known is not None:
                item, found = known
            else:
                item, found = loader(path)
                cache.store_item(path, key, (item, found))
            problems.extend(found)
            if item is not None:
                items.append(item)
    return items


def _folder_key(folder: Path, cache: BuildCache) -> list[tuple[str, str]]:
    """Every file of an episode folder with its content hash (audio hashed once per change)."""
    return [(p.name, cache.file_sha256(p)) for p in sorted(folder.iterdir()) if p.is_file()]


def _visible_children(folder: Path) -> list[Path]:
    """Sorted entries of ``folder``, skipping hidden and editor backup files."""
    if not folder.is_dir():
        return []
    return sorted(
        child
        for child in folder.iterdir()
        if not child.name.startswith((".", "_", "~")) and not child.name.endswith("~")
    )


def _inside(config: Config, path: Path, problems: Problems) -> bool:
    """Refuse files that resolve outside the site directory (e.g. a symlink out).

    Only links need resolving: the folders above were checked the same way.
    """
    if not path.is_symlink():
        return True
    if path.resolve().is_relative_to(config.root.resolve()):
        return True
    problems.append(Problem("points outside the site directory; copy the file in instead", path))
    return False


def _article_files(config: Config, problems: Problems) -> list[Path]:
    files: list[Path] = []
    if not _inside(config, config.root / "articles", problems):
        return files
    for path in _visible_children(config.root / "articles"):
        if path.is_dir() or path.suffix != ".md":
            problems.append(
                Problem(
                    "only .md files are read from articles/; this one is not published",
                    path,
                    severity="warning",
                )
            )
        elif _inside(config, path, problems):
            files.append(path)
    return files


def _episode_dirs(config: Config, problems: Problems) -> list[Path]:
    folders: list[Path] = []
    if not _inside(config, config.root / "episodes", problems):
        return folders
    for folder in _visible_children(config.root / "episodes"):
        if not folder.is_dir():
            problems.append(
                Problem("episodes go in their own folder: episodes/<slug>/episode.md", folder)
            )
        elif _inside(config, folder, problems) and all(
            _inside(config, file, problems) for file in _visible_children(folder)
        ):
            folders.append(folder)
    return folders


def _load_article(config: Config, path: Path) -> tuple[Article | None, list[Problem]]:
    match = ARTICLE_NAME_RE.match(path.name)
    if match is None:
        raise ContentError(
            "article file names look like 2025-01-05-my-title.md (date, then slug)", path
        )
    fields = FieldReader.open(config, path)
    fields.warn_unknown(ARTICLE_KEYS)
    name_slug = match.group(2)
    default_slug = name_slug if is_slug(name_slug) else ""
    if not default_slug and "slug" not in fields.matter.data:
        fields.problems.append(
            Problem(
                f"file name slug {name_slug!r} must be lower-case letters, digits and hyphens; "
                f"rename the file to {match.group(1)}-{slugify(name_slug) or 'my-title'}.md",
                path,
            )
        )
    article = Article(
        slug=fields.slug("slug", default_slug),
        **fields.item_fields(),
        author=fields.text("author") or config.site.author,
        episode_slug=fields.slug("episode") or None,
        updated=fields.date("updated"),
    )
    return fields.unless_errors(article)


def _check_unique(items: list[Article] | list[Episode], kind: str, problems: Problems) -> None:
    seen: dict[str, Path] = {}
    for item in items:
        if item.slug in seen:
            problems.append(
                Problem(
                    f"{kind} slug {item.slug!r} is also used by {seen[item.slug]}; "
                    "give one of them another slug",
                    item.source,
                )
            )
        seen.setdefault(item.slug, item.source)


def _check_unique_guids(episodes: list[Episode], root: Path, problems: Problems) -> None:
    """Two episodes with one GUID are one episode to every app: refuse, naming both files."""
    seen: dict[str, Episode] = {}
    for episode in episodes:
        first = seen.setdefault(episode.guid, episode)
        if first is not episode:
            problems.append(
                Problem(
                    f"guid {episode.guid} is also the guid of {site_path(first.source, root)}; "
                    "apps would see one episode. Remove the guid line from the newer one (it then "
                    "gets its own)",
                    episode.source,
                    episode.line_of("guid"),
                )
            )


def _pair(
    articles: list[Article], episodes: list[Episode], folders: set[str], problems: Problems
) -> tuple[list[Article], list[Episode]]:
    """Link articles and episodes named from either side; both sides must agree.

    An episode whose folder exists but failed to load has its own problems reported; its
    article is not also told that there is no such folder.
    """
    pairs: dict[str, str] = {}
    by_episode = {e.slug: e for e in episodes}
    by_article = {a.slug: a for a in articles}
    for article in articles:
        if article.episode_slug is None:
            continue
        if article.episode_slug not in by_episode:
            if article.episode_slug in folders:
                continue
            problems.append(
                Problem(
                    f"episode: no episode folder episodes/{article.episode_slug}/", article.source
                )
            )
        else:
            pairs[article.slug] = article.episode_slug
    for episode in episodes:
        if episode.article_slug is None:
            continue
        if episode.article_slug not in by_article:
            problems.append(
                Problem(f"article: no article with slug {episode.article_slug!r}", episode.source)
            )
            continue
        paired = pairs.setdefault(episode.article_slug, episode.slug)
        if paired != episode.slug:
            problems.append(
                Problem(
                    f"article: {episode.article_slug!r} is already the companion of episode "
                    f"{paired!r}; an article pairs with one episode",
                    episode.source,
                )
            )
    _check_one_article_per_episode(pairs, by_episode, problems)
    reverse = {episode: article for article, episode in pairs.items()}
    return (
        [replace(a, episode_slug=pairs.get(a.slug)) for a in articles],
        [replace(e, article_slug=reverse.get(e.slug)) for e in episodes],
    )


def _check_one_article_per_episode(
    pairs: dict[str, str], by_episode: dict[str, Episode], problems: Problems
) -> None:
    seen: dict[str, str] = {}
    for article, episode in sorted(pairs.items()):
        if episode in seen:
            problems.append(
                Problem(
                    f"episode {episode!r} is the companion of both {seen[episode]!r} and "
                    f"{article!r}; pair it with one article",
                    by_episode[episode].source,
                )
            )
        seen.setdefault(episode, article)
