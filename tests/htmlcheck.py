"""The current Nu Html Checker (npm's vnu-jar, pinned in package.json) run over a built site."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(folder: Path) -> list[str]:
    """Every error and warning the checker reports for the HTML and CSS files in ``folder``."""
    assert VNU.is_file(), f"{VNU} is missing: run `make test`, which installs it with npm"
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--skip-non-html", "--also-check-css", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
