"""Step-through backward and failed backward passes on real ``torch``, from its public hooks.

Our engine reports each node it runs (``node_executed``: what the node received
and what it sent along each edge) and a failed pass (``backward_error``) on
the event bus.  PyTorch reports them through hooks, which a live torch graph
(:mod:`._torch_live`) turns into the same events for the same consumers:

* :class:`StepFeed` feeds a :class:`~autograd_widgets.graph.steps.BackwardSteps`
  from ``Node.register_hook`` on the drawn nodes (``grad_inputs``: what a node
  sent along each edge; ``grad_outputs``: what it received) and from the
  leaves' post-accumulate-grad hook (the new ``.grad``).  A leaf's ``.grad``
  before the pass is read when the first gradient for it flows along a drawn
  edge (PyTorch has not accumulated it yet), and what it receives is the sum of
  those edges.
* :func:`classify` reads a failed ``backward()``'s exception, and the node that
  was running (its pre-hook ran, its hook did not), into a ``backward_error``
  payload for the graph's :class:`~autograd_widgets.graph._errors.ErrorWatch`.

What real torch does not give (see docs/torch-live.md): the gradients before a
user's hooks changed them (node hooks see them after tensor hooks), which op
bumped a saved tensor's version (PyTorch keeps only the number), and steps for a
pass that ran no drawn node but the leaves (a new forward on drawn parameters:
it is counted, not traced, to keep a training loop cheap).  Steps are recorded
for CPU tensors only: a summary of a gradient elsewhere would copy it whole.
"""

from __future__ import annotations

import re

from . import _tensors as T

_INPLACE = re.compile(
    r"\[(?P<type>[\w.]+) \[(?P<shape>[\d, ]*)\]\], which is output \d+ of \w+, "
    r"is at version (?P<version>\d+); expected version (?P<expected>\d+)"
)
_NAN = re.compile(r"^Function '\w+' returned nan values in its (\d+)th output")
_SHAPE = re.compile(r"grad_output\[(\d+)\] has a shape of torch\.Size\(\[([\d, ]*)\]\)")


def _ints(text: str) -> list:
    return [int(s) for s in text.split(",") if s.strip()]


def classify(exc: BaseException, node, root, args) -> dict:
    """The ``backward_error`` payload of a failed torch ``backward()``.

    ``node``: the drawn node that was running (None when it failed before any
    ran, or in a node that is not drawn); ``root``: the tensor ``backward()``
    was called on; ``args``: the call's arguments (``gradient`` is the second).
    """
    message = str(exc)
    info = {"reason": "other", "error": type(exc).__name__, "message": message, "node": node}
    if message.startswith("one of the variables needed for gradient computation"):
        m = _INPLACE.search(message)
        stale = []
        if node is not None and m is not None:
            for attr in dir(node):
                if not attr.startswith("_saved_"):
                    continue
                try:
                    getattr(node, attr)
                except RuntimeError as err:  # reading a stale saved tensor raises the same
                    if str(err).startswith("one of the variables needed"):
                        stale.append(
                            {
                                "attr": attr,
                                "index": None,
                                "saved_version": int(m["expected"]),
                                "version": int(m["version"]),
                                "shape": _ints(m["shape"]),
                                "counter": None,  # PyTorch's counter is not ours to watch
                                "tensor": None,
                            }
                        )
        if stale:
            return {**info, "reason": "inplace", "saved": stale}
        return info
    if message.startswith("Trying to backward through the graph a second time"):
        return {**info, "reason": "freed"}
    if node is None and root is not None and T.is_tensor(root):
        base = {"tensor": root, "index": 0, "shape": list(root.shape), "node": None}
        if message.startswith("grad can be implicitly created only for scalar outputs"):
            return {**info, **base, "reason": "non_scalar"}
        if "does not require grad and does not have a grad_fn" in message:
            return {**info, **base, "reason": "no_grad"}
        m = _SHAPE.search(message)
        if message.startswith("Mismatch in shape") and m is not None:
            return {**info, **base, "reason": "grad_shape", "grad_shape": _ints(m[2])}
    m = _NAN.match(message)
    if m is not None:
        return {**info, "reason": "nan", "output_nr": int(m[1])}
    return info


def _on_cpu(grads) -> bool:
    return all(g is None or g.device.type == "cpu" for g in grads)


class StepFeed:
    """One backward pass of a torch graph, told to a ``BackwardSteps`` as our engine would."""

    def __init__(self, steps) -> None:
        self.steps = steps
        self.order = 0
        self.leaf_in: dict = {}  # id(leaf) -> [leaf, .grad before (a copy), incoming sum]
        self.executed: list = []
        self.ok = True
        steps._on_event("backward_start", {})
        self._pass = steps.current()

    def node(self, fn, grad_inputs, grad_outputs) -> None:
        """A drawn node ran: it received ``grad_outputs`` and sent ``grad_inputs``."""
        if not (_on_cpu(grad_inputs) and _on_cpu(grad_outputs)):
            self.ok = False
            return
        for entry, g in zip(T.next_functions(fn), grad_inputs):
            nxt = entry[0] if isinstance(entry, tuple) else entry
            var = getattr(nxt, "variable", None) if nxt is not None else None
            if var is None or g is None or not T.is_leaf_node(nxt):
                continue
            hit = self.leaf_in.get(id(var))
            if hit is None or hit[0] is not var:
                before = var.grad
                before = None if before is None else before.detach().clone()
                self.leaf_in[id(var)] = [var, before, g.detach().clone()]
            else:
                hit[2] = hit[2] + g.detach()
        self._emit(fn, {"grad_outputs": list(grad_outputs), "grad_inputs": list(grad_inputs)})

    def leaf(self, node, var) -> None:
        """A drawn leaf's ``.grad`` was accumulated (``node``: its drawn AccumulateGrad)."""
        hit = self.leaf_in.pop(id(var), None)
        if hit is None or hit[0] is not var or node is None:
            return  # no drawn edge fed it: nothing to say what it received
        _, before, incoming = hit
        after = var.grad
        self.steps._on_event(
            "grad_accumulated", {"tensor": var, "incoming": incoming, "grad": after}
        )
        self._emit(
            node, {"grad_outputs": [incoming], "grad_inputs": [], "leaf_grad_before": before}
        )

    def _emit(self, fn, payload: dict) -> None:
        if not self.ok:
            return
        payload["node"] = fn
        payload["order"] = self.order
        self.order += 1
        self.executed.append(fn)
        self.steps._on_event("node_executed", payload)

    def end(self) -> None:
        """The pass ended well: the recorder keeps it (when it ran through the graph)."""
        if self.ok:
            self.steps._on_event("backward_end", {"executed": self.executed})
        else:
            self.drop()

    def drop(self) -> None:
        """The pass failed, or could not be traced: forget it."""
        if self._pass is not None:
            self.steps.discard(self._pass)
