"""What the graph layer reads from a tensor or a ``grad_fn``: public attributes only.

Everything here works on ``autograd_widgets`` tensors and on real ``torch``
tensors alike: ``grad_fn``, ``next_functions``, ``variable``, ``_saved_*``
(found through ``dir()``), ``saved_tensors`` (custom Functions), ``.grad``,
``_version``, ``dtype``, ``shape``. Nothing imports torch.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

#: tensors with more elements than this are previewed summarised (``...``), like
#: ``torch.set_printoptions(threshold=PREVIEW_THRESHOLD)``
PREVIEW_THRESHOLD = 100


def is_tensor(obj) -> bool:
    """True for an ``autograd_widgets`` or a ``torch`` tensor (duck-typed)."""
    t = type(obj)
    if t.__module__.startswith("autograd_widgets"):
        from ..tensor import Tensor

        return isinstance(obj, Tensor)
    return (
        hasattr(obj, "grad_fn")
        and hasattr(obj, "requires_grad")
        and hasattr(obj, "shape")
        and hasattr(obj, "detach")
    )


def node_label(fn) -> str:
    """The PyTorch class name of a ``grad_fn`` (``MulBackward0``, ``AccumulateGrad``)."""
    return type(fn).__name__


def is_leaf_node(fn) -> bool:
    """``AccumulateGrad``: a node holding its leaf tensor in ``.variable``."""
    return type(fn).__name__ == "AccumulateGrad" and hasattr(fn, "variable")


def next_functions(fn) -> tuple:
    try:
        return tuple(fn.next_functions)
    except (AttributeError, RuntimeError, TypeError):
        return ()


def saved_values(fn) -> list:
    """``[(attr, value_or_exception)]`` for every ``_saved_*`` attribute, then ``saved_tensors``."""
    out = []
    try:
        names = [a for a in dir(fn) if a.startswith("_saved_")]
    except Exception:  # noqa: BLE001 - a hand-built object with a broken __dir__
        names = []
    for attr in names:
        try:
            out.append((attr, getattr(fn, attr)))
        except Exception as exc:  # noqa: BLE001 - freed after backward, or unsupported
            out.append((attr, exc))
    if hasattr(type(fn), "saved_tensors") and not is_leaf_node(fn):
        try:
            out.append(("saved_tensors", tuple(fn.saved_tensors)))
        except Exception as exc:  # noqa: BLE001
            out.append(("saved_tensors", exc))
    return out


def grad_of(t):
    """``t.grad`` without the non-leaf warning (None when not populated)."""
    try:
        if not (t.is_leaf or getattr(t, "retains_grad", False)):
            return None
    except Exception:  # noqa: BLE001
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return t.grad


def to_numpy(t) -> np.ndarray:
    """A numpy view (or copy) of the values, for our tensors and torch's."""
    data = getattr(t, "_data", None)
    if isinstance(data, np.ndarray):
        return data
    d = t.detach()
    if hasattr(d, "cpu"):
        d = d.cpu()
    try:
        return d.numpy()
    except (TypeError, RuntimeError):  # bfloat16 and other dtypes numpy lacks
        return d.float().numpy()


def dtype_str(t) -> str:
    s = str(t.dtype)
    return s if s.startswith("torch.") else "torch." + s


def _finite(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _stats(a: np.ndarray) -> dict | None:
    if a.size == 0 or a.dtype.kind not in "fiub":
        return None
    if a.dtype.kind == "b":
        a = a.astype(np.float64)
    f = a[np.isfinite(a)] if a.dtype.kind == "f" else a
    if f.size == 0:
        return None
    f64 = f.astype(np.float64, copy=False)
    return {
        "min": _finite(f64.min()),
        "max": _finite(f64.max()),
        "mean": _finite(f64.mean()),
        "norm": _finite(np.sqrt(np.square(f64).sum())),
    }


def preview(a: np.ndarray) -> str:
    """``tensor([...])`` exactly as the repr prints the values, with no suffixes."""
    from .. import _printing

    opts = _printing._OPTS
    old = opts.threshold
    opts.threshold = min(old, PREVIEW_THRESHOLD)
    try:
        return "tensor(" + _printing.tensor_str(a, indent=7) + ")"
    except Exception:  # noqa: BLE001 - a dtype the printer does not know
        return "tensor(" + np.array2string(a, threshold=PREVIEW_THRESHOLD) + ")"
    finally:
        opts.threshold = old


def _flags(a: np.ndarray) -> tuple[bool, bool]:
    if a.dtype.kind not in "fc" or a.size == 0:
        return False, False
    return bool(np.isnan(a).any()), bool(np.isinf(a).any())


def describe(t) -> dict:
    """The wire ``Tensor`` dict of docs/graph-schema.md."""
    a = to_numpy(t)
    g = grad_of(t)
    ga = to_numpy(g) if g is not None else None
    nan, inf = _flags(a)
    gnan, ginf = _flags(ga) if ga is not None else (False, False)
    try:
        version = int(t._version)
    except Exception:  # noqa: BLE001
        version = 0
    return {
        "shape": [int(s) for s in t.shape],
        "dtype": dtype_str(t),
        "requires_grad": bool(t.requires_grad),
        "value": preview(a),
        "grad": preview(ga) if ga is not None else None,
        "stats": _stats(a),
        "grad_stats": _stats(ga) if ga is not None else None,
        "has_nan": nan,
        "has_inf": inf,
        "grad_has_nan": gnan,
        "grad_has_inf": ginf,
        "version": version,
    }
