"""A stand-in ``autograd_widgets`` backed by real PyTorch, for testing the tutorials.

``tests/test_notebooks.py`` puts the folder holding this package first on the
kernel's ``PYTHONPATH`` and runs every tutorial: each tensor line then runs on
PyTorch itself, which proves the tutorial code is real PyTorch code. The
widget entry points (``draw``, ``TensorView``, ``GradModeToggle``) return
inert placeholders, and the IPython magics are re-implemented on PyTorch's
grad mode. Not shipped; not part of the library.
"""

import sys as _sys

import torch as _torch
import torch.autograd.functional
import torch.nn.functional
import torch.optim
import torch.utils.data

# ``from autograd_widgets.nn import functional`` and friends resolve to torch's modules.
for _name in (
    "autograd",
    "autograd.functional",
    "nn",
    "nn.functional",
    "optim",
    "utils",
    "utils.data",
):
    _sys.modules[f"{__name__}.{_name}"] = _sys.modules[f"torch.{_name}"]


def __getattr__(name):
    return getattr(_torch, name)


class _Placeholder:
    """What a widget call returns here: prints one line instead of drawing."""

    def __init__(self, kind, *args, **kwargs):
        self.kind = kind
        self.args = args
        self.kwargs = kwargs

    def __repr__(self):
        return f"<{self.kind} placeholder (oracle run on PyTorch)>"


class _GraphPlaceholder(_Placeholder):
    """``draw()``'s stand-in; records ``backward_steps`` from PyTorch's own node hooks."""

    def __init__(self, *tensors, **options):
        super().__init__("GraphWidget", *tensors, **options)
        self.backward_steps = []
        roots = {t.grad_fn for t in tensors if t.grad_fn is not None}
        seen, stack = set(), list(roots)
        while stack:
            node = stack.pop()
            if node is None or node in seen:
                continue
            seen.add(node)
            node.register_prehook(lambda go, node=node, root=node in roots: self._pre(node, root))
            node.register_hook(lambda gi, go, node=node: self._post(node, gi))
            stack.extend(n for n, _ in node.next_functions)

    def _pre(self, node, root):
        if root or not self.backward_steps:
            self.backward_steps.append({"pass": len(self.backward_steps) + 1, "steps": []})
        steps = self.backward_steps[-1]["steps"]
        steps.append({"order": len(steps), "label": type(node).__name__, "node": node})

    def _post(self, node, grad_inputs):
        step = next(s for s in reversed(self.backward_steps[-1]["steps"]) if s["node"] is node)
        pairs = zip(grad_inputs, node.next_functions)
        step["edges"] = [
            {"grad": {"shape": list(g.shape), "value": repr(g)}}
            for g, (nxt, _) in pairs
            if g is not None and nxt is not None
        ]
        var = getattr(node, "variable", None)
        if var is not None:
            step["leaf"] = {"after": {"value": repr(var.grad)}}

    def step_to(self, k, pass_index=-1):
        pass


def draw(*tensors, **options):
    for t in tensors:
        if not isinstance(t, _torch.Tensor):
            raise TypeError(f"draw() expects tensors, got {type(t).__name__}")
    return _GraphPlaceholder(*tensors, **options)


def TensorView(tensor, **options):  # noqa: N802 - mirrors the widget class
    return _Placeholder("TensorView", tensor, **options)


def GradModeToggle(**options):  # noqa: N802 - mirrors the widget class
    return _Placeholder("GradModeToggle", **options)


def load_ipython_extension(ipython):
    def run_cell_in_mode(enabled, cell):
        with _torch.set_grad_enabled(enabled):
            ipython.run_cell(cell)

    def no_grad(line, cell):
        run_cell_in_mode(False, cell)

    def enable_grad(line, cell):
        run_cell_in_mode(True, cell)

    def grad_mode(line):
        arg = line.strip().lower()
        if arg in ("on", "off"):
            _torch.set_grad_enabled(arg == "on")
        elif arg:
            raise ValueError(f"%grad_mode takes on or off, not {arg!r}")
        else:
            print(f"grad mode: {'on' if _torch.is_grad_enabled() else 'off'}")

    def autograd_graph(line, cell):
        ipython.run_cell(cell)
        print(_Placeholder("GraphWidget", line))

    def compare_torch(line, cell):
        # here the cell already runs on PyTorch: run it once, with the magic's seed
        _torch.manual_seed(0)
        ipython.run_cell(cell)
        print(_Placeholder("compare_torch", line))

    ipython.register_magic_function(no_grad, "cell")
    ipython.register_magic_function(enable_grad, "cell")
    ipython.register_magic_function(grad_mode, "line")
    ipython.register_magic_function(autograd_graph, "cell")
    ipython.register_magic_function(compare_torch, "cell")
