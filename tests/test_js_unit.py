"""Runs the front end's checks as part of the pytest suite: the DOM-free unit tests
(vitest, in node) and the linters (``npm run lint``: eslint, then prettier --check)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parent.parent / "js"
# the tools the checks below run; a node_modules made before one was added gets `npm ci` again
TOOLS = ("vitest", "eslint", "prettier")


@pytest.fixture(scope="module")
def npm() -> str:
    """npm, with js/node_modules installed from the lockfile."""
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail("npm is required in CI to run the front end's unit tests and linters")
        pytest.skip("npm not installed: the front end's tests and linters need Node.js")
    if not all((JS / "node_modules" / ".bin" / tool).exists() for tool in TOOLS):
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, timeout=600)
    return npm


def _run(npm: str, script: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [npm, "run", script, "--silent"], cwd=JS, capture_output=True, text=True, timeout=600
    )


def test_vitest_unit_tests_pass(npm):
    proc = _run(npm, "test")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "passed" in proc.stdout, proc.stdout[-2000:]


def test_js_lint_passes(npm):
    """eslint finds no problem and every file is formatted as prettier formats it."""
    scripts = json.loads((JS / "package.json").read_text())["scripts"]
    assert "eslint" in scripts["lint"] and "prettier --check" in scripts["lint"]
    proc = _run(npm, "lint")
    assert proc.returncode == 0, (
        "npm run lint failed (fix with `npm --prefix js run format` and the eslint report):\n"
        + proc.stdout[-4000:]
        + proc.stderr[-4000:]
    )
