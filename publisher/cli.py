"""The command line: parses arguments, calls one function per command, maps errors to exit codes.

Exit status: 0 success, 1 a problem with content, configuration or storage, 2 bad usage.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from publisher import __version__
from publisher.content.ledger import LEDGER_NAME
from publisher.dates import localize_now, parse_now
from publisher.errors import ProblemsFound, PublisherError
from publisher.locks import site_lock
from publisher.progress import TerminalProgress, human_size, upload_progress
from publisher.redact import configure_logging
from publisher.storage.lock import LockHolder

if TYPE_CHECKING:
    from publisher.publish.plan import Plan

F = TypeVar("F", bound=Callable[..., Any])
SECRET_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


@dataclass(frozen=True)
class Options:
    site: Path


def _now_option(func: F) -> F:
    return click.option(
        "--now",
        metavar="ISO8601",
        callback=_parse_now,
        help="Pretend it is this moment, e.g. 2026-11-29T07:00 (default: the real clock). "
        "Items dated later stay unpublished.",
    )(func)


def _out_option(help_text: str) -> Callable[[F], F]:
    """``--out DIR``, the built site's folder; each command explains its own use of it."""
    return click.option("--out", type=click.Path(file_okay=False, path_type=Path), help=help_text)


def _parse_now(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.datetime:
    return _parse_optional_now(ctx, param, value) or dt.datetime.now(dt.UTC)


def _parse_optional_now(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return parse_now(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from err


def _reports_errors(func: F) -> F:
    """Print a user error as ``path:line: message`` lines and exit with status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProblemsFound as err:
            for problem in err.problems:
                click.echo(str(problem), err=True)
            _fail(sum(p.is_error for p in err.problems))
        except PublisherError as err:
            click.echo(str(err), err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _unset_empty_aws_variables() -> None:
    """An empty ``AWS_*`` variable means unset, as GitHub passes an unset variable as "".

    boto3 reads the environment itself and takes "" literally (``AWS_DEFAULT_REGION=""`` makes
    the endpoint ``https://s3..amazonaws.com``, ``AWS_PROFILE=""`` a profile named ""), so the
    empty ones are removed before it is loaded.
    """
    for name in [n for n, v in os.environ.items() if n.startswith("AWS_") and not v.strip()]:
        del os.environ[name]


def _fail(errors: int) -> None:
    click.echo(f"{errors} error(s); nothing was written.", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The site directory (the folder holding site.toml).",
)
@click.option("-v", "--verbose", count=True, help="Say more about what happens.")
@click.option("-q", "--quiet", is_flag=True, help="Print no warnings, only errors and results.")
@click.version_option(__version__, prog_name="publisher")
@click.pass_context
def cli(ctx: click.Context, site: Path, verbose: int, quiet: bool) -> None:
    """Turn Markdown articles and podcast audio into a website and a podcast feed.

    Run it inside a site directory (one with site.toml), or point at one with --site.
    """
    _unset_empty_aws_variables()
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    secrets = [os.environ.get(name, "") for name in SECRET_VARIABLES]
    configure_logging(level, secrets, sys.stderr)
    ctx.obj = Options(site)


@cli.command()
@_out_option("Where to write the site (default: _site inside the site directory).")
@_now_option
@click.option("--drafts", is_flag=True, help="Also show drafts and scheduled items (preview only).")
@click.pass_obj
@_reports_errors
def build(options: Options, out: Path | None, now: dt.datetime, drafts: bool) -> None:
    """Build the website and both feeds into the output folder."""
    out = out or options.site / "_site"
    from publisher.build import build as run_build  # the pipeline loads only when needed

    with site_lock(options.site), TerminalProgress("Converting Markdown") as progress:
        built = run_build(options.site, out, now, drafts, progress)
    episodes = sum(1 for path in built if re.fullmatch(r"episodes/[^/]+/index\.html", path))
    click.echo(f"Built {len(built)} files into {out}/ ({episodes} episode(s) in the feed).")
    click.echo(f"The podcast feed is {out / 'feed.xml'}. To look at the site: publisher serve")
    if drafts:
        click.echo("Drafts and scheduled items are included: do not publish this folder.")


def _unpublish_option(func: F) -> F:
    return click.option(
        "--unpublish",
        metavar="SLUG",
        multiple=True,
        help="Take this live episode out of the feed on purpose (its folder name; repeat for "
        "more). First mark it 'draft: true' or delete its folder.",
    )(func)


@cli.command()
@_now_option
@_out_option("Also check this built folder (default: _site inside the site directory, if present).")
@_unpublish_option
@click.pass_obj
@_reports_errors
def check(options: Options, now: dt.datetime, out: Path | None, unpublish: tuple[str, ...]) -> None:
    """Check content and built output now and at every scheduled release ahead.

    Prints one line per problem; a problem that would stop a later release starts with
    "on <release time>:".
    """
    from publisher.checks.run import check_project  # Pillow and lxml load only when needed

    site_out = out or options.site / "_site"
    problems = check_project(options.site, now, site_out, frozenset(unpublish))
    for problem in problems:
        click.echo(str(problem))
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s).", err=True)
    if errors:
        sys.exit(1)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free one).")  # fmt: skip
@click.option("--drafts", is_flag=True, help="Also show drafts and scheduled items.")
@click.option(
    "--now",
    metavar="ISO8601",
    callback=_parse_optional_now,
    help="Preview the site as it will look at this moment (default: the real clock, re-read "
    "on every rebuild).",
)
@click.pass_obj
@_reports_errors
def serve(options: Options, port: int, drafts: bool, now: dt.datetime | None) -> None:
    """Preview the site on this computer, kept up to date as you save; open pages reload."""
    from publisher.preview.server import Preview

    clock = (lambda: now) if now else (lambda: dt.datetime.now(dt.UTC))
    try:
        preview = Preview(options.site, port, clock, drafts)
    except OSError as err:
        raise PublisherError(
            f"cannot listen on port {port} ({err.strerror}); try --port 8001"
        ) from err
    click.echo(f"Previewing {options.site.resolve()} at {preview.url} (Ctrl+C to stop)", err=True)
    try:
        preview.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)


@cli.command()
@click.option(
    "--target",
    metavar="URL",
    help="s3://bucket/prefix, a folder, or file:///path (default: [publish] target in "
    "site.toml, else the folder _publish).",
)
@_now_option
@click.option(
    "--dry-run", is_flag=True, help="Show what would be uploaded and deleted; change nothing."
)
@click.option(
    "--prune", is_flag=True, help="Delete published files that are no longer part of the site."
)
@click.option(
    "--force", is_flag=True, help="Allow --prune to delete more than [publish] max_deletes."
)
@click.option(
    "--break-lock",
    is_flag=True,
    help="Remove the lock an interrupted publish left behind (only when no other is running).",
)
@click.option(
    "--verify",
    is_flag=True,
    help="List the target instead of trusting its manifest, and repair files changed or "
    "deleted there by hand.",
)
@_out_option("Where to build before uploading (default: _site inside the site directory).")
@_unpublish_option
@click.pass_obj
@_reports_errors
def publish(
    options: Options,
    target: str | None,
    now: dt.datetime,
    dry_run: bool,
    prune: bool,
    force: bool,
    break_lock: bool,
    verify: bool,
    out: Path | None,
    unpublish: tuple[str, ...],
) -> None:
    """Build, check, then upload what changed to object storage or a folder.

    Credentials come the standard AWS way (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    AWS_PROFILE); AWS_ENDPOINT_URL or [publish] endpoint_url points at R2, B2 or MinIO.
    """
    from publisher.publish.run import prepare_publish, run_publish  # boto3 loads only when needed

    started = time.monotonic()
    with site_lock(options.site):
        prepared = prepare_publish(
            options.site, now, target, out, prune, force, frozenset(unpublish), verify
        )
        plan = prepared.plan
        _say_plan(prepared.target.description, plan, dry_run)
        if dry_run:
            return
        with upload_progress(plan.upload_bytes) as advance:
            holder = _lock_holder(dt.datetime.now(dt.UTC))
            ledger_changed = run_publish(prepared, holder, advance, break_lock)
    click.echo(
        f"Done: uploaded {len(plan.uploads)} file(s) ({human_size(plan.upload_bytes)}), skipped "
        f"{plan.unchanged} unchanged, deleted {len(plan.deletes)}, in "
        f"{time.monotonic() - started:.1f} s.",
        err=True,
    )
    from publisher.publish.notify import notify

    for notice in notify(prepared.config, plan.uploads):
        click.echo(
            f"Notified {notice.target}: {'ok' if notice.ok else 'FAILED'} ({notice.detail})",
            err=True,
        )
    if ledger_changed:
        click.echo(
            f"Updated {options.site / LEDGER_NAME}: commit it, it keeps episode GUIDs stable.",
            err=True,
        )


def _say_plan(target: str, plan: Plan, dry_run: bool) -> None:
    click.echo(
        f"Publishing to {target}: {len(plan.uploads)} to upload "
        f"({human_size(plan.upload_bytes)}), {plan.unchanged} unchanged, "
        f"{len(plan.deletes)} to delete.",
        err=True,
    )
    if not dry_run:
        return
    for upload in plan.uploads:
        click.echo(f"upload  {upload.path}  ({upload.reason}, {human_size(upload.size)})")
    for path in plan.deletes:
        click.echo(f"delete  {path}")
    click.echo("Dry run: nothing was changed.", err=True)


def _lock_holder(now: dt.datetime) -> LockHolder:
    """Who takes the publish lock: this process, or a run of a serialised GitHub workflow.

    The workflow's runs never overlap (its ``concurrency`` group) but change hosts, so a run
    names the workflow; a later run then knows a lock left by an earlier one is stale.
    """
    if os.environ.get("GITHUB_ACTIONS") == "true":
        repository = os.environ.get("GITHUB_REPOSITORY", "")
        workflow = os.environ.get("GITHUB_WORKFLOW", "")
        run_id = os.environ.get("GITHUB_RUN_ID", "")
        attempt = os.environ.get("GITHUB_RUN_ATTEMPT", "1")
        if repository and workflow and run_id.isdigit() and attempt.isdigit():
            name = f"{repository} {workflow}"
            return LockHolder.workflow_run(name, int(run_id), int(attempt), now)
    return LockHolder.here(now)


@cli.group()
def new() -> None:
    """Start a new episode or article, dated the next free release day."""


@new.command("episode")
@click.argument("title")
@click.option("--slug", help="Folder name to use instead of one made from the title.")
@_now_option
@click.pass_obj
@_reports_errors
def new_episode_command(options: Options, title: str, slug: str | None, now: dt.datetime) -> None:
    """Create episodes/<slug>/episode.md for TITLE."""
    from publisher.content.loaders import load_project
    from publisher.content.scaffold import new_episode

    project = load_project(options.site)
    made = new_episode(project.site, title, localize_now(now, project.config.site.tz), slug)
    click.echo(f"Created {made.path} (episode {made.number}, {made.date:%A %d %B %Y at %H:%M}).")
    click.echo(f"Next: put the audio in {made.path.parent}/ as an .mp3, then write the show notes.")


@new.command("article")
@click.argument("title")
@click.option("--episode", metavar="SLUG", help="Pair the article with this episode.")
@click.option("--slug", help="Slug to use instead of one made from the title.")
@_now_option
@click.pass_obj
@_reports_errors
def new_article_command(
    options: Options, title: str, episode: str | None, slug: str | None, now: dt.datetime
) -> None:
    """Create articles/<date>-<slug>.md for TITLE."""
    from publisher.content.loaders import load_project
    from publisher.content.scaffold import new_article

    project = load_project(options.site)
    made = new_article(
        project.site, title, localize_now(now, project.config.site.tz), episode, slug
    )
    paired = f", paired with episode {episode}" if episode else ""
    click.echo(f"Created {made.path} ({made.date:%A %d %B %Y}{paired}).")


@cli.command()
@_now_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
@_reports_errors
def status(options: Options, now: dt.datetime, as_json: bool) -> None:
    """What is live, what is scheduled and when, and what is missing."""
    from publisher.checks.status import project_status, status_lines

    report = project_status(options.site, now)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    for line in status_lines(report):
        click.echo(line)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="publisher")
