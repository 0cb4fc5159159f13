"""Real-world PyTorch programs print the same on ``autograd_widgets`` as on PyTorch.

Every file in ``programs/`` is PyTorch code as people write it (tutorial
snippets, training loops, error handling). Each runs on torch, then with its
imports rewritten to ``autograd_widgets``; the captured stdout must match line
by line, with ``at 0x...`` addresses masked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._oracle import require_torch
from tests.conformance._harness import outputs, rewrite_imports

pytestmark = pytest.mark.oracle

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_prints_what_pytorch_prints(path):
    require_torch()
    expected, ours = outputs(path.read_text())
    assert expected, "the program printed nothing on torch"
    for number, (want, got) in enumerate(zip(expected, ours), start=1):
        assert got == want, f"{path.name}: line {number} differs"
    assert len(ours) == len(expected), f"{path.name}: {len(ours)} lines, torch {len(expected)}"


def test_rewrite_imports():
    src = (
        "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
        "from torch import optim\nfrom torch.utils.data import DataLoader\n"
        "    import torch\n"
    )
    assert rewrite_imports(src).splitlines() == [
        "import autograd_widgets as torch",
        "import autograd_widgets.nn as nn",
        "import autograd_widgets.nn.functional as F",
        "from autograd_widgets import optim",
        "from autograd_widgets.utils.data import DataLoader",
        "    import autograd_widgets as torch",
    ]
