"""publisher works when installed the way users and the scheduled workflow install it.

The workflow runs a plain ``pip install .``: no extras. Every module the package imports must
therefore come from ``[project].dependencies`` (or what those depend on), never from the
``test`` or ``dev`` extras, which are installed only where the tests run.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
import urllib.request
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO, SECRET, S3Env, copy_sample_site
from tests.installed import clean_env, run_installed

PACKAGE = REPO / "publisher"
SAMPLE_NOW = "2026-11-27T12:00"  # the sample site's three released episodes are out


def third_party_imports(source: str) -> set[str]:
    """Top-level names of the absolute imports in ``source`` that are neither the standard
    library nor publisher itself; imports under ``if TYPE_CHECKING:`` never run and are skipped.

    >>> sorted(third_party_imports("import os, yaml\\nfrom PIL.Image import open\\nfrom . import x"))
    ['PIL', 'yaml']
    """
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.orelse:
                visit(statement)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return {name for name in found if name not in sys.stdlib_module_names | {"publisher"}}


def core_requirements(pyproject: Path) -> list[Requirement]:
    """``[project].dependencies``: what a plain ``pip install .`` brings."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def _applies(requirement: Requirement) -> bool:
    """True for a requirement installed without extras on this Python and platform."""
    return requirement.marker is None or requirement.marker.evaluate({"extra": ""})


def dependency_closure(requirements: Iterable[Requirement]) -> set[str]:
    """Canonical names of ``requirements`` and, transitively, of everything they require
    without extras (as installed in this environment)."""
    seen: set[str] = set()
    pending = [r for r in requirements if _applies(r)]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.distribution(requirement.name).requires or []
        except metadata.PackageNotFoundError:
            continue  # the import check then reports the module as missing
        pending.extend(r for r in (Requirement(text) for text in requires) if _applies(r))
    return seen


def undeclared_imports(
    imports: Mapping[str, set[str]],
    closure: set[str],
    distributions: Mapping[str, list[str]],
) -> list[str]:
    """One line per imported module whose distribution a plain install would not bring.

    ``imports`` maps a source file to the modules it imports; ``distributions`` maps a module
    to the distributions providing it (``importlib.metadata.packages_distributions()``).
    """
    problems = []
    for source, modules in sorted(imports.items()):
        for module in sorted(modules):
            provided = {canonicalize_name(d) for d in distributions.get(module, [])}
            if not provided:
                problems.append(f"{source}: imports {module}, which no installed package provides")
            elif not provided & closure:
                names = ", ".join(sorted(provided))
                problems.append(
                    f"{source}: imports {module} from {names}, which is not in "
                    "[project].dependencies (a plain `pip install .` lacks it)"
                )
    return problems


def package_imports() -> dict[str, set[str]]:
    return {
        path.relative_to(REPO).as_posix(): third_party_imports(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_every_import_comes_from_the_core_dependencies() -> None:
    imports = package_imports()
    assert (
        "PIL" in imports["publisher/checks/podcast.py"]
    )  # the walk sees what a plain install needs
    closure = dependency_closure(core_requirements(REPO / "pyproject.toml"))
    assert "markupsafe" in closure  # through jinja2: the closure is transitive
    assert undeclared_imports(imports, closure, metadata.packages_distributions()) == []


def test_an_import_from_a_test_only_package_is_reported() -> None:
    imports = {"publisher/example.py": third_party_imports("import feedparser\nimport yaml\n")}
    closure = dependency_closure(core_requirements(REPO / "pyproject.toml"))
    assert undeclared_imports(imports, closure, metadata.packages_distributions()) == [
        "publisher/example.py: imports feedparser from feedparser, which is not in "
        "[project].dependencies (a plain `pip install .` lacks it)"
    ]


def test_an_import_nothing_provides_is_reported() -> None:
    imports = {"publisher/example.py": {"no_such_module_anywhere"}}
    assert undeclared_imports(imports, set(), {}) == [
        "publisher/example.py: imports no_such_module_anywhere, which no installed package provides"
    ]


def test_extras_do_not_count_as_core_dependencies(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["pyyaml>=6.0"]\n'
        '[project.optional-dependencies]\ntest = ["pillow>=10.0"]\n'
    )
    closure = dependency_closure(core_requirements(pyproject))
    assert closure == {"pyyaml"}
    problems = undeclared_imports(
        {"publisher/rules.py": {"PIL"}}, closure, metadata.packages_distributions()
    )
    assert problems == [
        "publisher/rules.py: imports PIL from pillow, which is not in [project].dependencies "
        "(a plain `pip install .` lacks it)"
    ]


def test_type_checking_imports_are_not_runtime_imports() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import mypy_boto3_s3\n"
    assert third_party_imports(source) == set()


def test_the_installed_copy_checks_the_sample_site(
    installed_publisher: Path, tmp_path: Path
) -> None:
    site = copy_sample_site(tmp_path / "site")
    env = clean_env(installed_publisher, tmp_path / "home")
    done = run_installed(installed_publisher, "check", "--now", SAMPLE_NOW, env=env, cwd=site)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("0 error(s)")


def test_the_installed_copy_publishes_with_only_the_two_secrets(
    installed_publisher: Path, s3: S3Env, tmp_path: Path
) -> None:
    """As the workflow runs it: unset repository variables arrive as empty strings."""
    site = copy_sample_site(tmp_path / "site")
    env = clean_env(
        installed_publisher,
        tmp_path / "home",
        AWS_ACCESS_KEY_ID="testing-key-id",
        AWS_SECRET_ACCESS_KEY=SECRET,
        AWS_ENDPOINT_URL=s3.endpoint,
        AWS_DEFAULT_REGION="",
        AWS_PROFILE="",
    )
    target = f"s3://{s3.bucket}/prefix"
    done = run_installed(
        installed_publisher, "publish", "--target", target, "--now", SAMPLE_NOW, env=env, cwd=site
    )
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    feed = s3.client.get_object(Bucket=s3.bucket, Key="prefix/feed.xml")["Body"].read()
    assert b"<title>Back to Basics: the weekly back pain podcast</title>" in feed
    assert (site / "published.toml").is_file()


def test_the_wheel_holds_every_module_of_the_source(installed_publisher: Path) -> None:
    [installed] = installed_publisher.parent.parent.glob("lib/python*/site-packages/publisher")
    source = REPO / "publisher"
    modules = {p.relative_to(source) for p in source.rglob("*.py")}
    assert modules - {p.relative_to(installed) for p in installed.rglob("*.py")} == set()


def test_the_installed_copy_previews_the_sample_site(
    installed_publisher: Path, tmp_path: Path
) -> None:
    site = copy_sample_site(tmp_path / "site")
    env = clean_env(installed_publisher, tmp_path / "home")
    command = [str(installed_publisher), "serve", "--port", "0", "--now", SAMPLE_NOW]
    process = subprocess.Popen(command, env=env, cwd=site, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    try:
        lines = []
        for line in process.stderr:
            lines.append(line)
            match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if match:
                break
        assert match is not None, "".join(lines)
        with urllib.request.urlopen(match.group(1), timeout=30) as response:
            page = response.read().decode()
        assert response.status == 200
        assert "Back to Basics" in page and "/__publisher/version" in page
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
