"""A publish made ready: the built site, the target, and the plan to bring it up to date.

When nothing a publish's checks depend on has changed since the last publish that passed them
(see :mod:`publisher.checks.memo`), :func:`reused_publish` takes their result and the built
folder as they are, without loading, rendering or checking the site again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from publisher import urls
from publisher.cache import digest
from publisher.checks.memo import Checked
from publisher.config.settings import Config
from publisher.content.ledger import Ledger, read_ledger
from publisher.errors import ContentError, Problem, ProblemsFound, StorageError
from publisher.output.writer import BuiltFiles, FileInfo
from publisher.publish.ledger_update import pin_legacy_ledger
from publisher.publish.plan import Plan, plan_sync
from publisher.storage.base import FileState, Target
from publisher.storage.headers import headers_for

log = logging.getLogger(__name__)

SHOWN_FAILURES = 5

OpenInventory = Callable[[Config], tuple[Target, dict[str, FileState]]]
"""Opens the publish target for a site's settings and reads what it holds."""


@dataclass(frozen=True)
class PublishRequest:
    """What the command line asked for."""

    root: Path
    now: dt.datetime
    out: Path
    target_url: str | None = None
    """The target as the command line named it, if it did."""
    prune: bool = False
    force: bool = False
    unpublish: frozenset[str] = frozenset()
    verify: bool = False


@dataclass(frozen=True)
class PreparedPublish:
    """A built and checked site, the target, and the plan to bring the target up to date."""

    config: Config
    out: Path
    target: Target
    local: dict[str, FileState]
    remote: dict[str, FileState]
    plan: Plan
    ledger: Ledger
    verified: int = 0
    """How many files the manifest did not cover and were inspected one by one."""
    target_url: str | None = None
    """The target as the command line named it, if it did."""
    verify: bool = False
    """The target was listed, not taken at its manifest's word: the manifest is written anew."""
    reused: bool = False
    """The checks of the last publish held, so the site was neither rendered nor checked."""


def reused_publish(
    request: PublishRequest,
    kept: Checked,
    config: Config,
    target: Target,
    inventory: dict[str, FileState],
) -> PreparedPublish | None:
    """The publish prepared from the result ``kept``, or ``None`` when it cannot stand in:
    ``published.toml`` reads differently against this target, or the target's podcast feed
    is not the one built (so the live feed must be compared with a fresh render)."""
    try:
        ledger = pin_legacy_ledger(read_ledger(request.root), inventory)
    except ContentError:
        return None
    built = {path: FileInfo(size, sha256) for path, (size, _, sha256) in kept.files.items()}
    live, new = inventory.get(urls.FEED), built.get(urls.FEED)
    same_feed = live is not None and new is not None and live.sha256 == new.sha256
    if digest(repr(ledger)) != kept.ledger or not same_feed:
        return None
    log.info("nothing changed since the last publish checked the site: reusing its checks")
    raise_errors(list(kept.problems))
    log_rehearsal(kept.ahead)
    local = local_states(built, config)
    remote, verified = target_states(request, target, inventory, local)
    return planned(request, config, target, (local, remote, verified), ledger, reused=True)


def target_states(
    request: PublishRequest,
    target: Target,
    inventory: dict[str, FileState],
    local: dict[str, FileState],
) -> tuple[dict[str, FileState], int]:
    """The target's files, those the manifest cannot vouch for inspected; with ``--verify``,
    the files that are not part of the site are named."""
    remote, verified = verified_states(target, inventory, local)
    if request.verify:
        report_strangers(target, remote, local, request.prune)
    return remote, verified


def planned(
    request: PublishRequest,
    config: Config,
    target: Target,
    states: tuple[dict[str, FileState], dict[str, FileState], int],
    ledger: Ledger,
    reused: bool = False,
) -> PreparedPublish:
    """The publish ready to run: the plan from the ``states`` (local, remote, how many
    were inspected) to the target."""
    local, remote, verified = states
    plan = make_plan(local, remote, request.prune, request.force, config, target)
    return PreparedPublish(
        config, request.out, target, local, remote, plan, ledger, verified, request.target_url,
        request.verify, reused,
    )  # fmt: skip


def raise_errors(problems: list[Problem]) -> None:
    """Stop on an error; otherwise say each warning."""
    if any(p.is_error for p in problems):
        raise ProblemsFound(problems)
    for problem in problems:
        log.warning("%s", problem)


def log_rehearsal(problems: tuple[Problem, ...]) -> None:
    """Say what would stop or hold up a later release."""
    for problem in problems:
        log.warning("%s%s", problem, " (it would stop that release)" if problem.is_error else "")


def make_plan(
    local: dict[str, FileState],
    remote: dict[str, FileState],
    prune: bool,
    force: bool,
    config: Config,
    target: Target,
) -> Plan:
    """What to upload and delete; refuses to delete more than ``[publish] max_deletes``."""
    plan = plan_sync(local, remote, prune)
    limit = config.publish.max_deletes
    if len(plan.deletes) > limit and not force:
        raise StorageError(
            f"--prune would delete {len(plan.deletes)} objects, more than the limit of {limit} "
            "([publish] max_deletes); check the target is right, then run again with --force",
            target.description,
        )
    return plan


def local_states(built: BuiltFiles, config: Config) -> dict[str, FileState]:
    """Each built file with the headers it is uploaded with."""
    overrides = config.publish.cache_control
    states = {}
    for path, info in built.items():
        headers = headers_for(path, overrides)
        states[path] = FileState(
            info.size, info.sha256, headers.content_type, headers.cache_control
        )
    return states


def verified_states(
    target: Target, inventory: dict[str, FileState], local: dict[str, FileState]
) -> tuple[dict[str, FileState], int]:
    """The target's inventory; files it cannot vouch for but whose size matches are inspected."""
    remote = dict(inventory)
    unknown = [
        path
        for path, state in remote.items()
        if state.sha256 is None and path in local and local[path].size == state.size
    ]
    if unknown:
        log.info("verifying %d file(s) the manifest does not cover", len(unknown))
        remote.update(target.inspect(unknown))
    return remote, len(unknown)


def report_strangers(
    target: Target, remote: dict[str, FileState], local: dict[str, FileState], prune: bool
) -> None:
    """Say which files at the target are not part of the site (``--prune`` deletes them)."""
    strangers = sorted(set(remote) - set(local))
    action = "deleting it (--prune)" if prune else "--prune deletes it"
    for path in strangers[:SHOWN_FAILURES]:
        log.warning("%s%s: not part of the site; %s", target.description, path, action)
    if len(strangers) > SHOWN_FAILURES:
        log.warning("... and %d more not part of the site", len(strangers) - SHOWN_FAILURES)
