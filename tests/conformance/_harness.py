"""Run a PyTorch program twice — on torch and on ``autograd_widgets`` — and capture its stdout.

A program is real PyTorch source: it imports ``torch`` (and ``torch.nn``,
``torch.nn.functional``, ``torch.optim``, ``torch.utils.data``) the way real code
does. :func:`rewrite_imports` points those imports at ``autograd_widgets``.
Data comes from numpy, so both runs see the same numbers; where a program needs
a randomly initialised model it calls ``sync_weights(model)``, which records the
torch run's ``state_dict`` and loads it into the other run's model through
``load_state_dict`` (so that path is exercised too).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile

import numpy as np

from tests._output_compare import BlasWatch

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")

# ``import torch.nn as nn`` -> ``import autograd_widgets.nn as nn`` and so on; the
# bare ``import torch`` keeps the name ``torch``.
_IMPORT_AS = re.compile(r"^(\s*)import torch((?:\.\w+)+) as (\w+)\s*$", re.M)
_IMPORT = re.compile(r"^(\s*)import torch\s*$", re.M)
# ``import torch.utils.data`` binds the name ``torch`` to the top package: it becomes
# ``import autograd_widgets.utils.data; import autograd_widgets as torch`` (one line, so
# tracebacks keep their line numbers).
_IMPORT_SUB = re.compile(r"^(\s*)import torch((?:\.\w+)+)\s*$", re.M)
_FROM = re.compile(r"^(\s*)from torch((?:\.\w+)*) import ", re.M)


def rewrite_imports(source: str, module: str = "autograd_widgets") -> str:
    """Point every ``torch`` import in ``source`` at ``module``."""
    source = _IMPORT_AS.sub(lambda m: f"{m[1]}import {module}{m[2]} as {m[3]}", source)
    source = _IMPORT.sub(lambda m: f"{m[1]}import {module} as torch", source)
    source = _IMPORT_SUB.sub(
        lambda m: f"{m[1]}import {module}{m[2]}; import {module} as torch", source
    )
    return _FROM.sub(lambda m: f"{m[1]}from {module}{m[2]} import ", source)


class WeightBook:
    """Carries initial weights from the torch run to the autograd_widgets run."""

    def __init__(self):
        self.states: list[dict[str, np.ndarray]] = []
        self.recording = True

    def start_replay(self):
        self.recording = False
        self._next = 0

    def sync_weights(self, model):
        if self.recording:
            state = model.state_dict()
            self.states.append({k: v.detach().cpu().numpy().copy() for k, v in state.items()})
            return model
        import autograd_widgets as aw

        state = self.states[self._next]
        self._next += 1
        model.load_state_dict({k: aw.tensor(v) for k, v in state.items()})
        return model


def run_program(source: str, module: str, book: WeightBook, watch=None) -> list[str]:
    """Execute ``source`` against ``module``; return its stdout lines with addresses masked.

    ``watch`` (a :class:`~tests._output_compare.BlasWatch` factory) is entered around
    the run to find the first line that may depend on BLAS rounding.
    """
    if module != "torch":
        source = rewrite_imports(source, module)
    namespace = {"__name__": "__main__", "sync_weights": book.sync_weights}
    out = io.StringIO()
    cwd = os.getcwd()
    watching = watch(out) if watch is not None else contextlib.nullcontext()
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(out), watching:
        os.chdir(tmp)
        try:
            exec(compile(source, f"<program on {module}>", "exec"), namespace)
        finally:
            os.chdir(cwd)
    return _ADDRESS.sub(" at 0x...>", out.getvalue()).splitlines()


def outputs(source: str) -> tuple[list[str], list[str], int | None]:
    """``(torch_lines, autograd_widgets_lines, blas_from)`` for one program.

    ``blas_from`` is the index of the first line printed after PyTorch ran a
    float32 BLAS product (see :mod:`tests._output_compare`), or ``None``.
    """
    import torch

    torch.set_num_threads(1)  # small tensors: threads only add contention (and flakiness)
    book = WeightBook()
    torch.manual_seed(0)
    watches = []

    def watch(stream):
        watches.append(BlasWatch(stream))
        return watches[-1]

    import autograd_widgets

    try:
        expected = run_program(source, "torch", book, watch)
        book.start_replay()
        autograd_widgets.manual_seed(0)
        ours = run_program(source, "autograd_widgets", book)
    finally:
        for lib in (torch, autograd_widgets):
            _reset_globals(lib)
    return expected, ours, watches[0].first_line


def _reset_globals(lib) -> None:
    """Undo what a program may set for the whole process (the default device and dtype,
    grad mode, deterministic algorithms, as the DCGAN tutorial sets): later tests must not run
    under a program's choices."""
    lib.use_deterministic_algorithms(False)
    lib.set_default_device(None)
    lib.set_default_dtype(lib.float32)
    lib.set_grad_enabled(True)


if __name__ == "__main__":  # python -m tests.conformance._harness programs/x.py: show the diff
    import difflib
    import sys
    import traceback

    from tests._output_compare import differences

    for path in sys.argv[1:]:
        try:
            want, got, blas_from = outputs(open(path).read())
        except Exception:
            traceback.print_exc()
            continue
        diff = list(difflib.unified_diff(want, got, "torch", "autograd_widgets", lineterm=""))
        verdict = "OK" if not differences(want, got, blas_from) else "DIFF"
        print(f"== {path}: {verdict} (BLAS from line {blas_from})")
        print("\n".join(diff[:80]))
