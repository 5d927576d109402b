"""The package's shape: one folder per stage, imports that only point down, no cycles, and
modules and functions small enough to read."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "publisher"

# Lowest first. A module may import from its own stage and the stages below it.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "shared",
        (
            "publisher",
            "publisher.errors",
            "publisher.dates",
            "publisher.files",
            "publisher.progress",
            "publisher.redact",
            "publisher.cache",
            "publisher.urls",
        ),
    ),
    ("config", ("publisher.config",)),
    ("content", ("publisher.content",)),
    ("output", ("publisher.output",)),
    ("render", ("publisher.render",)),
    ("storage", ("publisher.storage",)),
    ("checks", ("publisher.checks",)),
    ("publish", ("publisher.publish",)),
    (
        "commands",
        (
            "publisher.build",
            "publisher.locks",
            "publisher.preview",
            "publisher.cli",
            "publisher.__main__",
        ),
    ),
)
TOP_LEVEL_LIMIT = 12
MODULE_LINES = 400
FUNCTION_LINES = 50


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> int:
    """The index in ``STAGES`` of the stage ``module`` belongs to."""
    for index, (_, prefixes) in enumerate(STAGES):
        if any(module == p or (p != "publisher" and module.startswith(p + ".")) for p in prefixes):
            return index
    raise AssertionError(f"{module} belongs to no stage: add it to STAGES")


def imports_of(path: Path) -> set[str]:
    """Every ``publisher`` module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "publisher":
                continue
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "publisher")
    return found


FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = {module_name(path): path for path in FILES}
GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def test_every_module_belongs_to_a_stage() -> None:
    for module in MODULES:
        stage_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    upward = [
        f"{module} ({STAGES[stage_of(module)][0]}) imports {target} ({STAGES[stage_of(target)][0]})"
        for target in sorted(GRAPH[module])
        if target in MODULES and stage_of(target) > stage_of(module)
    ]
    assert upward == []


def find_cycles(graph: dict[str, set[str]]) -> list[str]:
    """Each import cycle of ``graph`` as ``a -> b -> a``."""
    cycles = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return cycles


def test_no_import_cycles() -> None:
    package_face = {name: targets - {"publisher"} for name, targets in GRAPH.items()}
    assert find_cycles(package_face) == []


def test_the_checks_can_fail() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a -> b -> c -> a"]
    assert stage_of("publisher.content.model") < stage_of("publisher.render.site")
    assert stage_of("publisher.storage.s3") < stage_of("publisher.publish.run")
    with pytest.raises(AssertionError, match="belongs to no stage"):
        stage_of("publisher.somewhere_new")


def test_few_modules_at_the_top() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= TOP_LEVEL_LIMIT, top


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_stay_small(path: Path) -> None:
    text = path.read_text()
    assert text.count("\n") <= MODULE_LINES
    long = [
        f"{node.name} has {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > FUNCTION_LINES
    ]
    assert long == []


def library_imports(path: Path) -> set[str]:
    """The top-level names of the libraries ``path`` imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


@pytest.mark.parametrize(
    ("library", "users"),
    [
        ("boto3", ["storage/s3.py"]),
        ("botocore", ["storage/s3.py"]),
        ("mutagen", ["content/audio.py", "render/audiotags.py"]),  # reading, and tagging
        ("jinja2", ["render/pages.py"]),
        ("PIL", ["checks/podcast.py", "render/images.py"]),  # checking, and making pictures
    ],
)
def test_a_library_stays_behind_its_modules(library: str, users: list[str]) -> None:
    found = sorted(
        str(path.relative_to(PACKAGE)) for path in FILES if library in library_imports(path)
    )
    assert found == users


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    heavy = {"boto3", "botocore", "lxml", "PIL", "feedgen", "markdown", "jinja2", "mutagen"}
    probe = (
        "import sys, publisher.cli; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(heavy)!r})))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
