"""Real-world PyTorch programs print the same on ``autograd_widgets`` as on PyTorch.

Every file in ``programs/`` is PyTorch code as people write it (tutorial
snippets, training loops, error handling). Each runs on torch, then with its
imports rewritten to ``autograd_widgets``; the captured stdout must match line
by line, with ``at 0x...`` addresses masked: exactly, except that numbers
printed after a float32 BLAS product may differ by BLAS rounding
(``tests/_output_compare.py`` says how much and why).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._oracle import require_torch
from tests._output_compare import assert_same_output
from tests.conformance._harness import outputs, rewrite_imports

pytestmark = pytest.mark.oracle

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_prints_what_pytorch_prints(path):
    require_torch()
    expected, ours, blas_from = outputs(path.read_text())
    assert expected, "the program printed nothing on torch"
    assert_same_output(expected, ours, blas_from, path.name)


def test_rewrite_imports():
    src = (
        "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
        "from torch import optim\nfrom torch.utils.data import DataLoader\n"
        "    import torch\n"
        "import torch.utils.data\n"
    )
    assert rewrite_imports(src).splitlines() == [
        "import autograd_widgets as torch",
        "import autograd_widgets.nn as nn",
        "import autograd_widgets.nn.functional as F",
        "from autograd_widgets import optim",
        "from autograd_widgets.utils.data import DataLoader",
        "    import autograd_widgets as torch",
        "import autograd_widgets.utils.data; import autograd_widgets as torch",
    ]
