"""``compare_torch(code, namespace)`` and ``%%compare_torch``: run a cell here and on PyTorch.

The cell runs twice, each time from ``manual_seed(seed)``:

1. with ``autograd_widgets``, in the user's namespace (as a normal cell would);
2. with real PyTorch, in a *copy* of the namespace taken before step 1, where
   every name bound to ``autograd_widgets`` (``import autograd_widgets as torch``)
   or one of its submodules names the real ``torch`` module instead, and every
   tensor is a ``torch`` tensor with the same values, ``requires_grad`` and
   ``.grad``.  The user's namespace is never touched by this run.

Then it shows side by side what differs: the printed output (and the value of
the last expression), the values and ``.grad`` of the tensors each run leaves in
its namespace (within ``rtol``/``atol``), and the two ``grad_fn`` graphs behind
them (nodes whose label, kind or inputs differ are highlighted).

Objects made by an earlier ``%%compare_torch`` cell (tensors with their graphs,
modules, optimizers) continue as their PyTorch twins from that run, as long as
the names still hold them.  Other tensors arrive as new leaves with the same
values (their ``grad_fn`` history stays here); other objects are passed as they
are, and a cell that uses them is compared only as far as PyTorch accepts them.
An error in either run is shown as a difference.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import html
import io
import math
import re
import sys
import types
from dataclasses import dataclass, field

import numpy as np

import autograd_widgets as aw  # (this module loads with the first %%compare_torch)

from ..core.tensor import Tensor
from ..graph import GraphModel
from ..graph import dot as D
from ..graph._tensors import dtype_str, grad_of, to_numpy

_PKG = "autograd_widgets"
#: widget entry points: in the PyTorch run they return None (nothing is drawn twice)
_WIDGETS = ("draw", "TensorView", "GradModeToggle", "GraphWidget", "compare_torch")
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
TORCH_MISSING = "compare_torch needs PyTorch, which is not installed here: pip install torch"


@dataclass
class Run:
    """What one run printed and left behind."""

    lines: list = field(default_factory=list)
    error: str | None = None
    namespace: dict = field(default_factory=dict)


@dataclass
class Comparison:
    """The differences between the ``autograd_widgets`` run and the PyTorch run.

    ``differences`` is a list of ``(what, ours, theirs)`` strings; empty when the
    two runs agree.  Displayed as HTML in a notebook, as text elsewhere.
    """

    differences: list
    output: tuple  # (our lines, PyTorch's lines)
    graphs: tuple  # (our wire graph, PyTorch's wire graph, ids of the differing nodes)
    svgs: tuple = (None, None)
    notes: list = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.differences

    def __str__(self) -> str:
        if self.same:
            return "compare_torch: no differences"
        out = [f"compare_torch: {len(self.differences)} difference(s)"]
        for what, ours, theirs in self.differences:
            out.append(f"- {what}\n    autograd_widgets: {ours}\n    torch:            {theirs}")
        out += [f"note: {n}" for n in self.notes]
        return "\n".join(out)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return render_html(self)


# -- running ------------------------------------------------------------------------------------


class _Tee(io.StringIO):
    """Keeps what is printed and passes it on (the user still sees the cell's output)."""

    def __init__(self, out) -> None:
        super().__init__()
        self.out = out

    def write(self, text: str) -> int:
        self.out.write(text)
        return super().write(text)


def _run(code: str, namespace: dict, filename: str, echo: bool = False) -> Run:
    """Execute ``code`` like a cell (the last expression's repr is output); never raises."""
    run = Run(namespace=namespace)
    buf = _Tee(sys.stdout) if echo else io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            tree = ast.parse(code, filename=filename)
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 - the user's cell
            if last is not None:
                value = eval(compile(last, filename, "eval"), namespace)  # noqa: S307
                if value is not None:
                    print(repr(value))
    except Exception as exc:  # noqa: BLE001 - an error is one more thing to compare
        run.error = _ADDRESS.sub(" at 0x…", f"{type(exc).__name__}: {exc}")
        if echo:  # the cell failed: say so where the user looks
            print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    run.lines = buf.getvalue().splitlines()
    return run


def _torch_module(name: str, torch):
    """The torch module standing for ``autograd_widgets[.sub]``, or None."""
    if name == _PKG:
        return _shim(torch)
    sub = name[len(_PKG) + 1 :]
    try:
        return __import__(f"torch.{sub}", fromlist=["_"])
    except ImportError:
        return None


def _shim(torch):
    """``autograd_widgets`` backed by torch: its names are torch's, widgets return None."""
    mod = types.ModuleType("torch", "real torch, standing in for autograd_widgets")
    mod.__getattr__ = lambda name: getattr(torch, name)
    for name in _WIDGETS:
        setattr(mod, name, lambda *a, **k: None)
    return mod


def _is_ours(obj) -> bool:
    mod = type(obj).__module__ or ""
    return mod == _PKG or mod.startswith(_PKG + ".")


#: id(our object) -> (weak reference to it, its PyTorch twin): what each name held after
#: the last comparison, so that a later ``%%compare_torch`` cell continues the PyTorch
#: run from there (``out.backward()`` on the very graph the earlier cell built)
_TWINS: dict = {}


def _remember_twins(ours: dict, theirs: dict, lost: set) -> None:
    import weakref

    for name, value in ours.items():
        twin = theirs.get(name, value)
        if name.startswith("_") or twin is value or not _is_ours(value) or id(value) in lost:
            continue
        try:
            _TWINS[id(value)] = (weakref.ref(value), twin)
        except TypeError:  # an object without weak references: not carried over
            continue
    for key in [k for k, (r, _) in _TWINS.items() if r() is None]:
        del _TWINS[key]


def _twin(value):
    hit = _TWINS.get(id(value))
    return hit[1] if hit is not None and hit[0]() is value else None


def torch_namespace(namespace: dict, torch, lost: set | None = None) -> dict:
    """A copy of ``namespace`` for the PyTorch run (nothing in ``namespace`` is changed).

    An object an earlier comparison made stands for its PyTorch twin from that run;
    any other tensor becomes a new ``torch`` leaf with the same values (the ids of
    those that had a ``grad_fn``, whose history is lost, are added to ``lost``).
    """

    memo: dict = {}

    def convert(value):
        if isinstance(value, types.ModuleType):
            name = value.__name__
            if name == _PKG or name.startswith(_PKG + "."):
                return _torch_module(name, torch) or value
            return value
        twin = _twin(value)
        if twin is not None:
            return twin
        if isinstance(value, Tensor):
            hit = memo.get(id(value))
            if hit is None:
                hit = _to_torch(value, torch)
                if lost is not None and value.grad_fn is not None:
                    lost.add(id(value))
                memo[id(value)] = hit
            return hit
        # plain data is copied, so that the PyTorch run cannot change the user's
        # (``losses.append(...)``); other objects are shared
        if type(value) in (list, dict):
            hit = memo.get(id(value))
            if hit is None:  # (a list may hold itself)
                memo[id(value)] = hit = type(value)()
                if type(value) is list:
                    hit.extend(convert(v) for v in value)
                else:
                    hit.update((k, convert(v)) for k, v in value.items())
            return hit
        if type(value) is tuple:
            return tuple(convert(v) for v in value)
        if type(value) in (set, bytearray, np.ndarray):
            return copy.deepcopy(value)
        return value

    return {k: convert(v) for k, v in namespace.items()}


def _to_torch(t, torch):
    x = torch.from_numpy(np.array(t.detach().numpy(), copy=True))
    if t.requires_grad:
        x.requires_grad_(True)
        g = t.grad if t.is_leaf else None
        if g is not None:
            x.grad = torch.from_numpy(np.array(g.numpy(), copy=True))
    return x


# -- comparing ----------------------------------------------------------------------------------


def _numbers_close(a: str, b: str, rtol: float, atol: float) -> bool:
    if _NUMBER.sub("#", a) != _NUMBER.sub("#", b):
        return False
    xs, ys = _NUMBER.findall(a), _NUMBER.findall(b)
    for x, y in zip(xs, ys):
        fx, fy = float(x), float(y)
        if not math.isclose(fx, fy, rel_tol=rtol, abs_tol=max(atol, _last_digit(x, y))):
            return False
    return True


def _last_digit(x: str, y: str) -> float:
    """One unit in the last printed digit: 4 decimals printed can differ by 1e-4."""
    digits = max(len(s.split(".")[1]) if "." in s and "e" not in s.lower() else 0 for s in (x, y))
    return 10.0**-digits if digits else 0.0


def compare_lines(ours: list, theirs: list, rtol: float, atol: float) -> list:
    """``(line number, ours, theirs)`` of the printed lines that differ."""
    out = []
    for i in range(max(len(ours), len(theirs))):
        a = ours[i] if i < len(ours) else "<no line>"
        b = theirs[i] if i < len(theirs) else "<no line>"
        a0, b0 = _ADDRESS.sub(" at 0x…", a), _ADDRESS.sub(" at 0x…", b)
        if a0 != b0 and not _numbers_close(a0, b0, rtol, atol):
            out.append((i + 1, a, b))
    return out


def _tensors(namespace: dict, is_tensor) -> dict:
    return {
        k: v
        for k, v in namespace.items()
        if not k.startswith("_") and is_tensor(v) and not isinstance(v, type)
    }


def _values(t) -> np.ndarray:

    return np.asarray(to_numpy(t))


def _close(a, b, rtol: float, atol: float) -> bool:
    a, b = _values(a), _values(b)
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


def _brief(t) -> str:
    if t is None:
        return "None"
    a = _values(t)
    text = np.array2string(a, threshold=8, edgeitems=2, precision=4)
    return " ".join(text.split())


def compare_tensors(ours: dict, theirs: dict, rtol: float, atol: float) -> list:
    """``(what, ours, theirs)`` for each tensor whose values, grad or kind differ."""

    out = []
    for name in sorted(ours.keys() | theirs.keys()):
        a, b = ours.get(name), theirs.get(name)
        if a is None or b is None:
            out.append(
                (
                    f"tensor `{name}`",
                    _brief(a) if a is not None else "not defined",
                    _brief(b) if b is not None else "not defined",
                )
            )
            continue
        if dtype_str(a) != dtype_str(b) or tuple(a.shape) != tuple(b.shape):
            out.append(
                (
                    f"`{name}` dtype/shape",
                    f"{dtype_str(a)} {tuple(a.shape)}",
                    f"{dtype_str(b)} {tuple(b.shape)}",
                )
            )
            continue
        if not _close(a, b, rtol, atol):
            out.append((f"`{name}` values", _brief(a), _brief(b)))
        if bool(a.requires_grad) != bool(b.requires_grad):
            out.append((f"`{name}`.requires_grad", str(a.requires_grad), str(b.requires_grad)))
        ga, gb = grad_of(a), grad_of(b)
        if (ga is None) != (gb is None) or (ga is not None and not _close(ga, gb, rtol, atol)):
            out.append((f"`{name}`.grad", _brief(ga), _brief(gb)))
    return out


def _graph(tensors: dict) -> dict:

    roots = {k: v for k, v in tensors.items() if v.grad_fn is not None}
    if not roots:
        return {"nodes": [], "edges": []}
    return GraphModel.from_tensors(*roots.values(), names=tensors, namespace=None).to_json()


def _shape_of(graph: dict) -> list:
    """Per node, in walk order: (kind, label, name, the positions of its inputs)."""
    index = {n["id"]: i for i, n in enumerate(graph["nodes"])}
    inputs: dict = {}
    for e in graph["edges"]:
        inputs.setdefault(e["target"], []).append(index.get(e["source"]))
    return [
        (n["kind"], n["label"], n.get("name"), tuple(sorted(inputs.get(n["id"], []), key=str)))
        for n in graph["nodes"]
    ]


def compare_graphs(ours: dict, theirs: dict) -> tuple[list, set, set]:
    """Differences between two wire graphs walked in the same order; the differing node ids."""
    a, b = _shape_of(ours), _shape_of(theirs)
    out, bad_a, bad_b = [], set(), set()
    for i in range(max(len(a), len(b))):
        na = a[i] if i < len(a) else None
        nb = b[i] if i < len(b) else None
        if na == nb:
            continue
        if na is not None:
            bad_a.add(ours["nodes"][i]["id"])
        if nb is not None:
            bad_b.add(theirs["nodes"][i]["id"])
        out.append((f"graph node {i}", _node_text(na), _node_text(nb)))
    return out, bad_a, bad_b


def _node_text(n) -> str:
    if n is None:
        return "no node"
    kind, label, name, inputs = n
    named = f" `{name}`" if name else ""
    return f"{label}{named} ({kind}, inputs from nodes {list(inputs)})"


# -- the entry point ------------------------------------------------------------------------------


def compare_torch(
    code: str,
    namespace: dict | None = None,
    *,
    seed: int | None = 0,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    svg: bool = True,
    echo: bool = False,
) -> Comparison:
    """Run ``code`` with ``autograd_widgets`` and with real PyTorch; show what differs.

    Parameters
    ----------
    code : str
        Python source, run like a notebook cell (a last expression is printed).
    namespace : dict, optional
        Where the ``autograd_widgets`` run happens (a notebook's user namespace);
        a fresh one when omitted.  The PyTorch run uses a converted copy of it.
    seed : int or None
        Both runs start from ``manual_seed(seed)``; None leaves the generators alone.
    rtol, atol : float
        Tolerance for printed numbers and tensor values (float32 sums may be
        ordered differently by numpy and PyTorch).
    svg : bool
        Also draw both graphs as SVG, differing nodes in red (needs ``dot``).
    echo : bool
        Also print what the ``autograd_widgets`` run prints, as it prints it
        (``%%compare_torch`` does: the cell's own output stays visible).

    Returns
    -------
    Comparison
        ``.same`` and ``.differences``; displays as HTML in a notebook.

    Raises
    ------
    ModuleNotFoundError
        When PyTorch is not installed.
    """
    try:
        import torch
    except ImportError as exc:
        raise ModuleNotFoundError(TORCH_MISSING, name="torch") from exc

    ns = {} if namespace is None else namespace
    ns.setdefault("__builtins__", __builtins__)
    lost: set = set()
    theirs_ns = torch_namespace(ns, torch, lost)
    kept = {k: v for k, v in ns.items() if id(v) in lost}  # still those tensors afterwards?
    if seed is not None:
        aw.manual_seed(seed)
    ours = _run(code, ns, "<compare_torch: autograd_widgets>", echo)
    if seed is not None:
        torch.manual_seed(seed)
    theirs = _run(code, theirs_ns, "<compare_torch: torch>")
    _remember_twins(ours.namespace, theirs.namespace, lost)

    diffs = []
    if ours.error or theirs.error:
        if ours.error != theirs.error:
            diffs.append(("error", ours.error or "none", theirs.error or "none"))
    diffs += [
        (f"printed line {i}", a, b)
        for i, a, b in compare_lines(ours.lines, theirs.lines, rtol, atol)
    ]
    t_ours = _tensors(ours.namespace, lambda v: isinstance(v, aw.Tensor))
    t_theirs = _tensors(theirs.namespace, lambda v: isinstance(v, torch.Tensor))
    diffs += compare_tensors(t_ours, t_theirs, rtol, atol)
    # the graphs of tensors from earlier cells whose history PyTorch cannot have are
    # left out (their values and .grad are compared above)
    old = {k for k, v in kept.items() if ours.namespace.get(k) is v}
    g_ours = _graph({k: v for k, v in t_ours.items() if k not in old})
    g_theirs = _graph({k: v for k, v in t_theirs.items() if k not in old})
    graph_diffs, bad_ours, bad_theirs = compare_graphs(g_ours, g_theirs)
    diffs += graph_diffs
    result = Comparison(
        diffs, (ours.lines, theirs.lines), (g_ours, g_theirs, bad_ours | bad_theirs)
    )
    if lost and graph_diffs:
        names = sorted(k for k in kept if not k.startswith("_"))
        result.notes.append(
            f"{', '.join(names)} came from cells not run under compare_torch: PyTorch got "
            "their values as leaves, without their grad_fn history, so graphs that reach "
            "them differ below them"
        )
    if svg:
        result.svgs = (_svg(g_ours, bad_ours), _svg(g_theirs, bad_theirs))
    return result


def _svg(graph: dict, bad: set) -> str | None:
    if not graph["nodes"]:
        return None

    if D.dot_executable() is None:
        return None
    g = D.to_dot(graph, legend=False)
    for nid in sorted(bad):
        g.node(nid, color="#d62728", penwidth="3", fontcolor="#d62728")
    try:
        return D.to_svg(g)
    except Exception:  # noqa: BLE001 - the table still says what differs
        return None


# -- HTML ------------------------------------------------------------------------------------------


def render_html(c: Comparison) -> str:
    """The comparison as HTML: a verdict, the differences, the outputs and graphs side by side."""
    e = html.escape
    head = (
        "<b>compare_torch: no differences</b>"
        if c.same
        else f"<b style='color:#d62728'>compare_torch: {len(c.differences)} difference(s)</b>"
    )
    parts = [f"<div class='aw-compare'>{head}"]
    parts += [f"<p><i>note: {e(n)}</i></p>" for n in c.notes]
    if c.differences:
        rows = "".join(
            f"<tr><td>{e(w)}</td><td><code>{e(a)}</code></td><td><code>{e(b)}</code></td></tr>"
            for w, a, b in c.differences
        )
        parts.append(
            "<table><tr><th></th><th>autograd_widgets</th><th>torch</th></tr>" + rows + "</table>"
        )
    ours, theirs = c.output
    parts.append(
        "<table><tr><th>autograd_widgets printed</th><th>torch printed</th></tr><tr>"
        f"<td><pre>{e(chr(10).join(ours))}</pre></td><td><pre>{e(chr(10).join(theirs))}</pre></td>"
        "</tr></table>"
    )
    if any(c.svgs):
        # SVG made by Graphviz from escaped labels
        cells = "".join(f"<td>{s or ''}</td>" for s in c.svgs)
        parts.append(
            f"<table><tr><th>autograd_widgets graph</th><th>torch graph</th></tr><tr>{cells}</tr></table>"
        )
    parts.append("</div>")
    return "".join(parts)
