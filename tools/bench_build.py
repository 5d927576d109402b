"""Build benchmark: publisher's full and incremental builds, side by side with Hugo and Pelican.

Run with `make bench`. Hugo is used when the Debian package is installed; Pelican is
installed into .bench/pelican on first use. Every number is the median of several runs.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools.bench_results import Row, record  # noqa: E402
from tools.synthetic_site import generate  # noqa: E402

WORK = REPO / ".bench"
NOW = "2030-01-01"
PUBLISHER = Path(sys.executable).parent / "publisher"


def run(command: list[str], cwd: Path | None = None) -> None:
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def median_seconds(action: Callable[[], None], prepare: Callable[[], None], runs: int) -> float:
    times = []
    for _ in range(runs):
        prepare()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def build(site: Path) -> Callable[[], None]:
    return lambda: run([str(PUBLISHER), "--site", str(site), "-q", "build", "--now", NOW])


def clean(site: Path) -> Callable[[], None]:
    def remove() -> None:
        shutil.rmtree(site / "_site", ignore_errors=True)
        shutil.rmtree(site / ".publisher-cache", ignore_errors=True)

    return remove


# --- Hugo -------------------------------------------------------------------------------------

HUGO_LAYOUTS = {
    "_default/baseof.html": '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    '<title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "_default/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1>'
    '<p>{{ .Date.Format "2 January 2006" }} · {{ .ReadingTime }} min read</p>{{ .TableOfContents }}'
    "{{ .Content }}<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul></article>{{ end }}\n",
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}'
    '<ul>{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>'
    '{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">Older</a>{{ end }}{{ end }}\n',
}


def hugo_site(source: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    (target / "content" / "articles").mkdir(parents=True)
    (target / "config.toml").write_text(
        'baseURL = "https://synthetic.example/"\ntitle = "Synthetic"\npaginate = 20\n'
        '[taxonomies]\ntag = "tags"\n'
    )
    for name, text in HUGO_LAYOUTS.items():
        path = target / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for article in sorted((source / "articles").glob("*.md")):
        text = article.read_text().replace("\nepisode: ", "\n# episode: ")
        (target / "content" / "articles" / article.name[11:]).write_text(text)
    return target


# --- Pelican ----------------------------------------------------------------------------------


def pelican() -> Path:
    venv = WORK / "pelican"
    binary = venv / "bin" / "pelican"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "pelican[markdown]"], check=True
        )
    return binary


def pelican_site(source: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    (target / "content").mkdir(parents=True)
    (target / "pelicanconf.py").write_text(
        "SITENAME = 'Synthetic'\nSITEURL = ''\nPATH = 'content'\nTIMEZONE = 'UTC'\n"
        "DEFAULT_LANG = 'en'\nDEFAULT_PAGINATION = 20\nFEED_ALL_ATOM = 'feeds/all.atom.xml'\n"
        "MARKDOWN = {'extension_configs': {'markdown.extensions.extra': {}, "
        "'markdown.extensions.toc': {}}, 'output_format': 'html5'}\n"
    )
    for article in sorted((source / "articles").glob("*.md")):
        front, body = article.read_text().split("---\n", 2)[1:]
        meta = dict(line.split(": ", 1) for line in front.strip().splitlines())
        tags = ", ".join(tag.strip() for tag in meta["tags"].strip("[]").split(","))
        header = f"Title: {meta['title']}\nDate: {meta['date']}\nTags: {tags}\nSlug: {article.stem[11:]}\n\n"
        (target / "content" / article.name[11:]).write_text(header + body)
    return target


# --- the benchmark ----------------------------------------------------------------------------


def compare(articles: int, runs: int) -> None:
    """Clean builds of the same articles by publisher, Hugo and Pelican, taking turns run by
    run so that load from other work on the machine falls on all of them alike."""
    site = generate(WORK / "compare-site", articles, 0)
    hugo = hugo_site(site, WORK / "compare-hugo") if shutil.which("hugo") else None
    site_p = pelican_site(site, WORK / "compare-pelican")
    binary = pelican()

    def hugo_clean() -> None:
        assert hugo is not None
        shutil.rmtree(hugo / "public", ignore_errors=True)
        shutil.rmtree(hugo / "resources", ignore_errors=True)

    tools: dict[str, tuple[Callable[[], None], Callable[[], None]]] = {
        "publisher": (build(site), clean(site)),
        "pelican": (
            lambda: run(
                [str(binary), "content", "-o", "output", "-s", "pelicanconf.py", "-q"], cwd=site_p
            ),
            lambda: shutil.rmtree(site_p / "output", ignore_errors=True),
        ),
    }
    if hugo is not None:
        tools["hugo"] = (lambda: run(["hugo", "--quiet"], cwd=hugo), hugo_clean)
    times: dict[str, list[float]] = {name: [] for name in tools}
    for _ in range(runs):
        for name, (action, prepare) in tools.items():
            times[name].append(median_seconds(action, prepare, 1))
            if len(times["publisher"]) == 1 and name == "publisher":
                before = peak_child_rss_mb()  # the others' processes count from here on
    ours = statistics.median(times["publisher"])
    build(site)()
    nothing = median_seconds(build(site), lambda: None, runs)
    cached = median_seconds(
        build(site), lambda: shutil.rmtree(site / "_site", ignore_errors=True), runs
    )
    print(f"{articles} articles, clean build (median of {runs}, the tools taking turns):")
    print(f"  publisher  {ours:6.2f} s   peak memory {before:.0f} MB (largest process)")
    print(f"  publisher  {cached:6.2f} s   output folder removed, Markdown and files still cached")
    print(f"  publisher  {nothing:6.2f} s   nothing changed")
    if "hugo" in times:
        seconds = statistics.median(times["hugo"])
        print(f"  hugo       {seconds:6.2f} s   publisher / hugo = {ours / seconds:.2f}x")
    else:
        print("  hugo       not installed (apt-get install hugo)")
    seconds = statistics.median(times["pelican"])
    print(f"  pelican    {seconds:6.2f} s   publisher / pelican = {ours / seconds:.2f}x")
    work = f"clean build, {articles} articles"
    ratio = ours / seconds
    record(Row(work, f"{ours:.2f} s", f"Pelican {seconds:.2f} s", ratio, "<= 0.50", ratio <= 0.5))
    if "hugo" in times:
        theirs = statistics.median(times["hugo"])
        record(Row(f"{work}, beside Hugo", f"{ours:.2f} s", f"Hugo {theirs:.2f} s",
                   ours / theirs, "reported", None))  # fmt: skip
        record(Row(f"build with nothing changed, {articles} articles", f"{nothing:.2f} s",
                   f"Hugo's build {theirs:.2f} s", nothing / theirs, "<= 0.20",
                   nothing / theirs <= 0.2))  # fmt: skip


def incremental(articles: int, episodes: int, runs: int) -> None:
    """Builds of a site already built: nothing changed, an edit, new episodes, a release."""
    site = generate(WORK / "incremental-site", articles, episodes)
    before = peak_child_rss_mb()
    full = median_seconds(build(site), clean(site), runs)
    build(site)()
    stamps = {p: p.stat().st_mtime_ns for p in (site / "_site").rglob("*") if p.is_file()}
    nothing = median_seconds(build(site), lambda: None, runs)
    rewritten = sum(1 for p, t in stamps.items() if p.stat().st_mtime_ns != t)
    article_files = sorted((site / "articles").glob("*.md"))
    edits = iter(article_files[-runs:])

    def edit_one() -> None:
        path = next(edits)
        path.write_text(path.read_text() + "\nOne more sentence for the benchmark.\n")

    edited = median_seconds(build(site), edit_one, runs)
    counter = iter(range(runs))
    tone = REPO / "tests" / "data" / "audio" / "tone.mp3"

    def add_episode() -> None:
        folder = site / "episodes" / f"new-episode-{next(counter)}"
        folder.mkdir()
        (folder / "episode.md").write_text("---\ntitle: A new one\ndate: 2029-12-30\n---\nNotes.\n")
        shutil.copyfile(tone, folder / "new.mp3")

    added = median_seconds(build(site), add_episode, runs)
    files = sum(1 for p in (site / "_site").rglob("*") if p.is_file())
    print(f"{articles} articles + {episodes} episodes ({files} output files), median of {runs}:")
    print(f"  full build from clean   {full:6.2f} s")
    print(f"  nothing changed         {nothing:6.2f} s   ({rewritten} files rewritten)")
    print(f"  one article edited      {edited:6.2f} s")
    print(f"  one new episode         {added:6.2f} s")
    changed = release_changes(site)
    memory = max(peak_child_rss_mb(), before)
    print(f"  a weekly release        {changed} output files changed (an episode and its article)")
    print(f"  peak memory             {memory:6.0f} MB (largest build process)")
    size = f"{articles} + {episodes}"
    record(
        Row(f"full build from clean, {size}", f"{full:.2f} s", "", None, "reported", None, memory)
    )
    record(Row(f"one article edited, {size}", f"{edited:.2f} s", "", None, "reported", None))
    record(Row(f"build with nothing changed, {size}", f"{nothing:.2f} s", "", None, "reported",
               None))  # fmt: skip
    record(Row(f"files changed by a weekly release, {size}", f"{changed} files", "", None,
               "<= 15", changed <= 15))  # fmt: skip


def release_changes(site: Path) -> int:
    """How many output files a weekly release (an episode and its article) adds, changes or
    removes."""
    before = output_hashes(site / "_site")
    folder = site / "episodes" / "weekly-release"
    folder.mkdir()
    (folder / "episode.md").write_text(
        "---\ntitle: This week\ndate: 2029-12-31\narticle: this-week\n---\nNotes.\n"
    )
    shutil.copyfile(REPO / "tests" / "data" / "audio" / "tone.mp3", folder / "this-week.mp3")
    (site / "articles" / "2029-12-31-this-week.md").write_text(
        "---\ntitle: This week, the article\ndate: 2029-12-31\ntags: [sleep]\n---\nText.\n"
    )
    build(site)()
    after = output_hashes(site / "_site")
    return sum(1 for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def output_hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument(
        "--compare-only", action="store_true", help="only the clean builds beside Hugo and Pelican"
    )
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    print(f"Build benchmark on {os.cpu_count()} cores")
    if not args.compare_only:
        incremental(args.articles, args.episodes, args.runs)
    compare(args.articles, args.runs)


if __name__ == "__main__":
    main()
