"""Runs the front end's DOM-free unit tests (vitest, in node) as part of the pytest suite."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parent.parent / "js"


def test_vitest_unit_tests_pass():
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail("npm is required in CI to run the front end's unit tests")
        pytest.skip("npm not installed: the front end's vitest tests need Node.js")
    if not (JS / "node_modules" / "vitest").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, timeout=600)
    proc = subprocess.run(
        [npm, "test", "--silent"], cwd=JS, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "passed" in proc.stdout, proc.stdout[-2000:]
