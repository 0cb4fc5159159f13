"""``tools/coverage_report.py``: the README's compatibility numbers come from PyTorch's own
public names, split into present and missing without overlap."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests._oracle import require_torch

_SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "coverage_report.py"


def _load():
    spec = importlib.util.spec_from_file_location("coverage_report", _SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_partitions_pytorch_names():
    torch = require_torch()
    report = _load()
    rows = {r["namespace"]: r for r in report.report()}
    assert set(rows) == {ns for ns, _ in report.NAMESPACES}
    for name, row in rows.items():
        present, missing = set(row["present"]), set(row["missing"])
        assert not present & missing, name
        assert len(present) + len(missing) == row["total"] > 0, name
    # Names this project has, and names it does not (CUDA streams, FFT), land where they should.
    assert {"histogram", "histc", "bincount", "nansum"} <= set(rows["torch"]["present"])
    assert "stft" in rows["torch.Tensor"]["missing"]
    assert {"LazyLinear", "RMSNorm"} <= set(rows["torch.nn"]["present"])
    assert "LBFGS" in rows["torch.optim"]["present"]
    assert rows["torch.Tensor"]["total"] == len(
        [n for n in dir(torch.Tensor) if not n.startswith("_")]
    )


def test_markdown_table_adds_up(capsys):
    require_torch()
    report = _load()
    assert report.main(["--missing", "optim"]) == 0
    missing_optim = capsys.readouterr().out.split()
    assert "LBFGS" not in missing_optim and missing_optim  # some optimizers are still missing
    table = report.markdown(report.report())
    last = table.splitlines()[-1].split("|")
    total, here, missing = (int(c) for c in last[2:5])
    assert here + missing == total
