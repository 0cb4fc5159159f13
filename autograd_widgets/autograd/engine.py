"""The backward engine: iterative, dependency-counted, like PyTorch's.

``run_backward`` reads top to bottom:
1. turn the roots into graph nodes and seed their gradients;
2. count, for every node reachable from the roots, how many edges lead into it;
3. run nodes whose count has dropped to zero, newest first (PyTorch's order),
   applying hooks, and pass each produced gradient down ``next_functions``;
4. free each node's saved tensors once it has run, unless ``retain_graph``.
No recursion anywhere, so a 100,000-node chain is fine.
"""

from __future__ import annotations

import itertools
import threading

import numpy as np

from . import _failure, events
from .anomaly_mode import anomaly
from .grad_mode import state as _grad_state
from .node import AccumulateGrad, check_hook_result, core, unpack_hooked
from .node import hooks_used as _hooks_used

_ACC_PRIORITY = -(1 << 62)  # AccumulateGrad runs as soon as it is ready, as in PyTorch


class GraphTask:
    """One running backward pass, as hooks may ask about it (``register_multi_grad_hook``)."""

    __slots__ = ("id", "reachable", "needed", "targets", "accumulate")

    def __init__(self, id_, reachable, needed, targets, accumulate) -> None:
        self.id = id_
        self.reachable = reachable  # every node reachable from the roots
        self.needed = needed  # with inputs=: the nodes that lead to one (else None: all)
        self.targets = targets  # with inputs=: the nodes whose gradients are captured
        self.accumulate = accumulate  # False under autograd.grad

    def will_execute(self, node) -> bool:
        """True when this pass runs ``node`` (or captures its gradient, as autograd.grad)."""
        if not self.accumulate and type(node) is AccumulateGrad:
            raise RuntimeError(
                "A leaf node was passed to _will_engine_execute_node but we are currently "
                "running autograd.grad(). This is currently not supported."
            )
        if node not in self.reachable:
            return False
        return self.needed is None or node in self.needed or node in self.targets


_task_ids = itertools.count(1)
_local = threading.local()


def running_tasks() -> list:
    """This thread's running backward passes, innermost last (a hook may call backward)."""
    tasks = getattr(_local, "tasks", None)
    if tasks is None:
        tasks = _local.tasks = []
    return tasks


def _dual_leaf(t) -> bool:
    """A dual tensor that requires grad only for forward AD (``_dual.py``): not a root."""
    return t._grad_fn is None and bool(t.__dict__) and "_fw_hidden" in t.__dict__


def _root_node(t):
    if t._grad_fn is not None:
        return t._grad_fn, t._output_nr
    if t._requires_grad:
        return t._grad_accumulator(), 0
    return None, 0


def _make_root_grads(tensors, grad_tensors, for_grad: bool):
    Tensor = core.Tensor
    grads = []
    for i, t in enumerate(tensors):
        g = grad_tensors[i] if grad_tensors is not None and i < len(grad_tensors) else None
        if g is None:
            if t._data.size != 1 or t._data.ndim != 0 and t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not t._data.dtype.kind == "f":
                raise RuntimeError(
                    "grad can be implicitly created only for real scalar outputs but got "
                    f"{core.dtype_of(t)}"
                )
            g = Tensor._make(np.ones(t._data.shape, dtype=t._data.dtype))
        else:
            if not isinstance(g, Tensor):
                g = core.tensor(g, dtype=core.dtype_of(t))
            if g._data.shape != t._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {core.Size(g._data.shape)!r} "
                    f"and output[{i}] has a shape of {core.Size(t._data.shape)!r}."
                )
        grads.append(g)
    return grads


def run_backward(
    tensors,
    grad_tensors=None,
    retain_graph=None,
    create_graph: bool = False,
    inputs=None,
    allow_unused: bool = False,
    accumulate: bool = True,
):
    """Shared core of ``Tensor.backward``, ``autograd.backward`` and ``autograd.grad``.

    With ``accumulate=False`` (``autograd.grad``) returns the gradients of ``inputs``
    instead of writing ``.grad``.
    """
    if retain_graph is None:
        retain_graph = create_graph
    try:
        for i, t in enumerate(tensors):
            if not isinstance(t, core.Tensor):
                raise TypeError(
                    f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
                )
            if not t._requires_grad or _dual_leaf(t):
                raise RuntimeError(
                    f"element {i} of tensors does not require grad and does not have a grad_fn"
                )
        root_grads = _make_root_grads(tensors, grad_tensors, not accumulate)
    except Exception as exc:
        if events.hears("backward_error"):  # a widget explains it on the graph
            _failure.report(_failure.at_roots, exc, tensors, grad_tensors)
        raise

    # 1. Roots: (node, output_nr, gradient).
    roots = []
    for t, g in zip(tensors, root_grads):
        node, nr = _root_node(t)
        roots.append((node, nr, g))

    # Targets: where gradients are captured (autograd.grad) or the only leaves filled (inputs=).
    capture = None  # (node, output_nr) -> index into inputs
    if inputs is not None:
        capture = {}
        for i, t in enumerate(inputs):
            if isinstance(t, tuple) and hasattr(t, "output_nr"):  # a graph.GradientEdge
                capture.setdefault((t.node, t.output_nr), []).append(i)
                continue
            if not isinstance(t, core.Tensor):
                raise TypeError(
                    f"expected Tensor as element {i} in argument 1, but got {type(t).__name__}"
                )
            if not t._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            if t._grad_fn is None:
                key = (t._grad_accumulator(), 0)
            else:
                key = (t._grad_fn, t._output_nr)
            capture.setdefault(key, []).append(i)
    results = [None] * (len(inputs) if inputs is not None else 0)

    # 2. Dependencies: how many edges point into each node reachable from the roots.
    # dict.fromkeys: a multi-output node (split, unbind) may be the root of several outputs.
    root_nodes = list(dict.fromkeys(n for n, _, _ in roots if n is not None))
    deps: dict = dict.fromkeys(root_nodes, 0)  # a node is in deps once it has been seen
    stack = list(root_nodes)
    order_all = []
    while stack:
        node = stack.pop()
        order_all.append(node)
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            n = deps.get(nxt)
            if n is None:
                deps[nxt] = 1
                stack.append(nxt)
            else:
                deps[nxt] = n + 1

    # With inputs=, only nodes that lead to a target need to run.
    needed = None
    target_nodes = ()
    if capture is not None:
        target_nodes = {n for n, _ in capture}
        needed = set()
        # Reverse topological pass over order_all: a node is needed if it is a target
        # (and not a leaf sink in grad mode) or any of its next functions is needed.
        for node in _reverse_topo(order_all, deps):
            if node in target_nodes or any(
                nxt is not None and nxt in needed for nxt, _ in node.next_functions
            ):
                needed.add(node)

    # 3. Run nodes in dependency order, newest first.
    # buffers: node -> its gradient (one-output nodes, the common case) or
    # {output_nr: gradient} (nodes with several outputs, which have _out_meta).
    buffers: dict = {}
    for node, nr, g in roots:
        if node is not None:
            _buffer(buffers, None, node, nr, g)
    ready: list = []
    for node in root_nodes:
        if deps[node] == 0:
            _push(ready, _priority(node), node)

    listening = bool(events.listeners)
    if listening:
        events.emit(
            "backward_start",
            roots=tuple(root_nodes),
            retain_graph=retain_graph,
            create_graph=create_graph,
        )
    executed = []
    # Gradient sums made by this loop (node, or (node, output_nr) for nodes with several
    # outputs -> tensor); further gradients for the same slot are added into them in place,
    # unless the graph of the sum is wanted or a node_executed listener may be holding on
    # to it (only those see the gradients in flight).
    hears_exec = listening and events.hears("node_executed")
    owned = {} if not create_graph and not hears_exec else None
    check_nan = anomaly.enabled and anomaly.check_nan
    prev_mode = _grad_state.enabled
    _grad_state.enabled = bool(create_graph)
    tasks = running_tasks()
    tasks.append(GraphTask(next(_task_ids), deps, needed, target_nodes, accumulate))
    try:
        # `solo`: a node that became ready while the queue was empty and alone (a chain's
        # next node); it runs next without a trip through the heap, as it would from it.
        solo = None
        while ready or solo is not None:
            if solo is not None:
                node, solo = solo, None
            else:
                node = _pop(ready)
            meta = node._out_meta
            if meta is None:
                grads = (buffers.pop(node, None),)
                if owned:
                    owned.pop(node, None)
            else:
                buf = buffers.pop(node, None) or {}
                grads = tuple([buf.get(i) for i in range(len(meta))])
                if owned:
                    for i in range(len(meta)):
                        owned.pop((node, i), None)

            # Tensor hooks (register_hook / retain_grad on non-leaf outputs of this node).
            extra = node._extra
            raw_grads = grads  # what arrived, before the hooks (node_executed reports both)
            if extra is not None:
                grads = tuple(_run_pre_hooks(node, extra, list(grads)))

            if capture is not None:
                for i, g in enumerate(grads):
                    idxs = capture.get((node, i))
                    if idxs:
                        for k in idxs:
                            target = inputs[k]
                            if not isinstance(target, core.Tensor):  # a GradientEdge
                                results[k] = g
                            elif accumulate:
                                if type(node) is not AccumulateGrad:
                                    _accumulate_nonleaf(target, g)
                            else:
                                if g is not None and g._data.dtype != target._data.dtype:
                                    g = g._to_dtype(inputs[k].dtype)
                                results[k] = g
                run_it = node in needed and (accumulate or type(node) is not AccumulateGrad)
            else:
                run_it = True

            if run_it and (grads[0] is not None or any(g is not None for g in grads)):
                if meta is not None and node.materialize_grads:
                    grads = tuple(_materialize(node, grads))
                # a leaf's .grad is added to in place: keep what it was for node_executed
                before = _leaf_grad_before(node) if hears_exec else None
                # Let go of the previous node's gradients: AccumulateGrad takes a gradient's
                # array over only when nothing else refers to it (accumulate_grad).
                outs = raw_outs = g = None
                if _hooks_used:  # saved-tensor hooks: unpack in PyTorch's order, once
                    unpack_hooked(node, True)
                    try:
                        outs = node.apply(grads)
                    finally:
                        unpack_hooked(node, False)
                else:
                    outs = node.apply(grads)
                raw_outs = outs
                if extra is not None and "hooks" in extra:
                    for fn in tuple(extra["hooks"].values()):
                        new = fn(outs, grads)
                        if new is not None:
                            outs = tuple(new)
                if check_nan:
                    _check_nan(node, outs)
                if listening:
                    executed.append(node)
                if hears_exec:
                    events.emit(
                        "node_executed",
                        node=node,
                        grad_outputs=grads,
                        grad_inputs=tuple(outs),
                        order=len(executed) - 1,
                        grad_outputs_before_hooks=raw_grads,
                        grad_inputs_before_hooks=tuple(raw_outs),
                        leaf_grad_before=before,
                    )
            else:
                outs = ()
            if run_it and not retain_graph:
                # As PyTorch: a node frees its saved tensors once it has run. A failing
                # node (a saved tensor modified in place) and the ones after it keep theirs,
                # so a second backward() repeats the same error.
                node._saved = None

            # Pass gradients to the next functions.
            n_outs = len(outs)
            i = -1
            for nxt, nr in node.next_functions:
                i += 1
                if nxt is None:
                    continue
                g = outs[i] if i < n_outs else None
                is_acc = type(nxt) is AccumulateGrad
                if g is not None:
                    if is_acc and g._data.shape != nxt.variable._data.shape:
                        _validate_grad(node, i, nxt, g)
                    if nxt._out_meta is None and nxt not in buffers:
                        buffers[nxt] = g  # the first gradient for a one-output node
                    else:
                        _buffer(buffers, owned, nxt, nr, g)
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0:
                    if solo is None and not ready:
                        solo = nxt
                        continue
                    if solo is not None:
                        _push(ready, _priority(solo), solo)
                        solo = None
                    # Inlined _priority(nxt): this loop runs once per edge.
                    _push(ready, _ACC_PRIORITY if is_acc else -nxt._seq, nxt)
    except Exception as exc:
        if events.hears("backward_error"):  # `node` is the one that was running
            _failure.report(_failure.at_node, exc, node)
        raise
    finally:
        _grad_state.enabled = prev_mode
        tasks.pop()
    if listening:
        events.emit("backward_end", roots=tuple(root_nodes), executed=executed)

    if not accumulate:
        for i, r in enumerate(results):
            if r is None and not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
        return tuple(results)
    return None


def _buffer(buffers: dict, owned, node, nr: int, g) -> None:
    """Add gradient ``g`` for output ``nr`` of ``node`` to what has arrived so far.

    ``owned`` (None when sums must stay out of place) records sums made here, which
    nobody else has seen: further gradients are added into those in place.
    """
    if node._out_meta is None:
        old = buffers.get(node)
        if old is None:
            buffers[node] = g
            return
        buffers[node] = _add(owned, node, nr, old, g)
        return
    buf = buffers.get(node)
    if buf is None:
        buffers[node] = {nr: g}
    elif nr in buf:
        buf[nr] = _add(owned, node, nr, buf[nr], g)
    else:
        buf[nr] = g


def _add(owned, node, nr: int, old, g):
    if owned is not None:
        od, gd = old._data, g._data
        key = node if node._out_meta is None else (node, nr)
        if owned.get(key) is old and od.shape == gd.shape and od.dtype == gd.dtype:
            np.add(od, gd, out=od)
            return old
        total = old + g
        owned[key] = total
        return total
    return old + g


# The ready queue is ATen's: a ``std::priority_queue`` on ``sequence_nr`` (libstdc++'s heap).
# Keys are unique but for AccumulateGrad nodes (all ``_ACC_PRIORITY``), and which of several
# ready leaves runs first (the order of their hooks) is where libstdc++'s sift-up and
# sift-down leave them, so both are repeated here: entries are ``(key, node)``, the smallest
# key on top.
def _push(heap: list, key: int, node) -> None:
    """``std::push_heap``: the new entry moves up past parents with a larger key."""
    heap.append(None)
    _sift_up(heap, len(heap) - 1, (key, node))


def _sift_up(heap: list, hole: int, entry) -> None:
    """libstdc++'s ``__push_heap``: ``entry`` fills ``hole`` or an ancestor of it."""
    key = entry[0]
    while hole:
        parent = (hole - 1) >> 1
        above = heap[parent]
        if not above[0] > key:
            break
        heap[hole] = above
        hole = parent
    heap[hole] = entry


def _pop(heap: list):
    """``std::pop_heap`` and ``pop_back``: the top's node; the last entry refills the hole
    left by moving the top down (``__adjust_heap``: the right child unless it is lower)."""
    top = heap[0][1]
    last = heap.pop()
    n = len(heap)
    if not n:
        return top
    hole = child = 0
    while child < (n - 1) >> 1:
        child = 2 * (child + 1)
        if heap[child][0] > heap[child - 1][0]:
            child -= 1
        heap[hole] = heap[child]
        hole = child
    if not n & 1 and child == (n - 2) >> 1:
        child = 2 * (child + 1)
        heap[hole] = heap[child - 1]
        hole = child - 1
    _sift_up(heap, hole, last)
    return top


def _priority(node) -> int:
    return _ACC_PRIORITY if type(node) is AccumulateGrad else -node._seq


def _reverse_topo(order_all, deps):
    """Nodes ordered so each comes after everything it points to (Kahn's algorithm on a copy)."""
    indeg = dict(deps)
    out = []
    stack = [n for n in order_all if indeg.get(n, 0) == 0]
    while stack:
        n = stack.pop()
        out.append(n)
        for nxt, _ in n.next_functions:
            if nxt is None:
                continue
            indeg[nxt] -= 1
            if indeg[nxt] == 0:
                stack.append(nxt)
    out.reverse()
    return out


def _leaf_grad_before(node):
    """A copy of a leaf's ``.grad`` before its ``AccumulateGrad`` runs (None otherwise)."""
    if type(node) is not AccumulateGrad:
        return None
    g = node.variable._grad
    return None if g is None else np.array(g._data, copy=True)


def _run_pre_hooks(node, extra, grads):
    pre = extra.get("tensor_pre")
    if pre:
        for nr, hooks in pre.items():
            if nr < len(grads) and grads[nr] is not None:
                for fn in tuple(hooks.values()):
                    new = fn(grads[nr])
                    if new is not None:
                        check_hook_result(grads[nr], new, fn)
                        grads[nr] = new
    retain = extra.get("retain")
    if retain:
        for nr, ref in retain.items():
            t = ref()
            if t is not None and nr < len(grads) and grads[nr] is not None:
                _accumulate_nonleaf(t, grads[nr])
    prehooks = extra.get("prehooks")
    if prehooks:
        for fn in tuple(prehooks.values()):
            new = fn(tuple(grads))
            if new is not None:
                grads = list(new)
    return grads


def _accumulate_nonleaf(t, g) -> None:
    if g is None:
        return
    Tensor = core.Tensor
    if t._grad is None:
        t._grad = g if _grad_state.enabled else Tensor._make(np.array(g._data, copy=True))
    else:
        t._grad = t._grad + g
        if not _grad_state.enabled:
            t._grad = t._grad.detach()


def _materialize(node, grads):
    """Zero-fill missing gradients of a multi-output node (not of outputs it never made)."""
    Tensor = core.Tensor
    out = []
    for g, meta in zip(grads, node._out_meta):
        out.append(g if g is not None or meta is None else Tensor._make(np.zeros(*meta)))
    return out


def _validate_grad(node, i, nxt, g) -> None:
    """Called for gradients flowing into an ``AccumulateGrad``."""
    if type(nxt) is AccumulateGrad:
        var = nxt.variable
        if g._data.shape != var._data.shape and g._data.size != var._data.size:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - got "
                f"{list(g._data.shape)} but expected shape compatible with {list(var._data.shape)}"
            )


def _check_nan(node, outs) -> None:
    for i, g in enumerate(outs):
        if g is not None and g._data.dtype.kind == "f" and np.isnan(g._data).any():
            msg = _failure.nan_message(node, i)
            trace = node._extra.get("trace") if node._extra else None
            if trace:
                import warnings

                warnings.warn(
                    "Error detected in " + node.name() + ". Traceback of forward call that caused "
                    "the error:\n" + trace,
                    stacklevel=2,
                )
            raise RuntimeError(msg)
