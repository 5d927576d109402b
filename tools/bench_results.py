"""The benchmarks' results in one table: each benchmark records its rows in
.bench/results.json; `make bench` starts afresh and prints the table at the end.

    .venv/bin/python tools/bench_results.py          # print the table
    .venv/bin/python tools/bench_results.py --reset  # forget earlier results
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / ".bench" / "results.json"


@dataclass(frozen=True)
class Row:
    work: str
    ours: str
    """publisher's time (or count), as printed."""
    peer: str
    """The alternative and its time, as printed ("" when there is none)."""
    ratio: float | None
    """publisher's over the peer's; None when there is no peer."""
    goal: str
    met: bool | None
    """None when the row has no goal, only a figure to report."""
    memory_mb: float | None = None
    """publisher's peak resident memory in this work (largest process)."""


def record(row: Row) -> None:
    """Add ``row`` to the results, replacing an earlier row for the same work."""
    rows = [r for r in load() if r.work != row.work]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps([asdict(r) for r in [*rows, row]], indent=1) + "\n")


def load() -> list[Row]:
    if not RESULTS.exists():
        return []
    return [Row(**fields) for fields in json.loads(RESULTS.read_text())]


def table(rows: list[Row]) -> str:
    lines = [
        "| work | publisher | the alternative | ratio | goal | peak memory |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        met = {True: " (met)", False: " (not met)", None: ""}[row.met]
        memory = f"{row.memory_mb:.0f} MB" if row.memory_mb is not None else ""
        lines.append(
            f"| {row.work} | {row.ours} | {row.peer} | {ratio} | {row.goal}{met} | {memory} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset", action="store_true", help="forget the recorded results")
    args = parser.parse_args()
    if args.reset:
        RESULTS.unlink(missing_ok=True)
        return
    rows = load()
    memory = [r.memory_mb for r in rows if r.memory_mb is not None]
    print("All benchmarks (ratio: publisher's time over the alternative's, measured in one run):")
    print(table(rows))
    if memory:
        verdict = "under" if max(memory) < 300 else "NOT under"
        print(f"Peak memory: at most {max(memory):.0f} MB, {verdict} the 300 MB goal.")


if __name__ == "__main__":
    main()
