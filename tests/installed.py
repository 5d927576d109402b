"""publisher installed from its wheel alone (no extras) into a fresh venv, as the scheduled
workflow's ``python -m pip install .`` installs it, and a way to run that copy's console script
with nothing of the test environment leaking in."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

INSTALL_TIMEOUT = 600  # seconds; the core dependencies usually come from pip's cache


def _pip(*args: str) -> None:
    """Run this environment's pip (it reuses pip's cache); fail with pip's own words."""
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def install_publisher(repo: Path, workdir: Path) -> Path:
    """Build ``repo``'s wheel, install it alone into a new venv; return its ``publisher`` script.

    The venv is made without pip and filled by this environment's pip (``--python``), which
    resolves the same dependencies a plain install would but skips setting up a second pip.
    """
    dist = workdir / "dist"
    _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(repo))
    [wheel] = dist.glob("publisher-*.whl")
    venv = workdir / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        check=True,
        capture_output=True,
        timeout=INSTALL_TIMEOUT,
    )
    _pip("--python", str(venv / "bin" / "python"), "install", str(wheel))
    script = venv / "bin" / "publisher"
    if not script.is_file():
        raise RuntimeError(f"installing {wheel.name} made no console script at {script}")
    return script


def clean_env(script: Path, home: Path, **variables: str) -> dict[str, str]:
    """Only PATH (the venv first), HOME (an empty folder: no ~/.aws), LANG and ``variables``."""
    return {
        "PATH": f"{script.parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        **variables,
    }


def run_installed(
    script: Path, *args: str, env: Mapping[str, str], cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``publisher`` with exactly ``env`` in ``cwd``."""
    return subprocess.run(
        [str(script), *args],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
