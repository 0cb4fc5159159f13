"""Check an installed autograd-widgets the way a new user meets it (run by .ci/run).

Imports the package, draws a live graph widget (its ES module must be in the
install), and executes the first bundled tutorial with nbclient.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import autograd_widgets as torch

here = Path(torch.__file__).resolve().parent
assert "site-packages" in str(here), f"imported from the checkout, not the install: {here}"

x = torch.ones(2, 2, requires_grad=True)
out = ((x**2) * 3).mean()
widget = torch.draw(out)
names = {node["label"] for node in widget.graph["nodes"]}
assert {"MeanBackward0", "MulBackward0", "PowBackward0", "AccumulateGrad"} <= names, names
bundles = ["graph_widget", "graph_view", "graph_layout_worker", "grad_mode_toggle", "tensor_view"]
missing = [b for b in bundles if not (here / "static" / f"{b}.js").is_file()]
assert not missing, f"front-end bundles missing from the install: {missing}"
assert isinstance(widget._esm, str) and "export" in widget._esm, "the widget has no ES module"
out.backward()
print(f"draw(): {len(widget.graph['nodes'])} nodes; x.grad = {x.grad.tolist()}")

import nbclient  # noqa: E402
import nbformat  # noqa: E402

notebook = here / "tutorials" / "en" / "01_autograd_basics.ipynb"
nb = nbformat.read(notebook, as_version=4)
start = time.perf_counter()
nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()
errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
assert not errors, errors
print(f"{notebook.name}: {len(nb.cells)} cells ran in {time.perf_counter() - start:.1f} s")
sys.exit(0)
