"""The README's first lines are the contract with newcomers and with CI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _commands():
    return re.findall(r"^    \$ (.+)$", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)


def test_readme_gives_the_two_commands_first():
    cmds = _commands()
    assert len(cmds) >= 2
    assert "autograd-widgets tutorial" in cmds[0]
    assert cmds[1].startswith("pip install -e") and "pytest" in cmds[1]


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # .ci/run extracts the command with this sed expression; make sure it finds the README's.
    assert "pip install -e .*pytest" in ci
    assert 'bash -c "$TEST_CMD"' in ci


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_readme_image_exists(readme):
    text = (ROOT / readme).read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) >= 5, images  # the graph, step-through, error, timeline, Chinese widget
    for img in images:
        assert (ROOT / img).exists(), img
