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

from ..core import _printing
from ..core.tensor import Tensor
from ._device import device_info

#: tensors with more elements than this are previewed summarised (``...``), like
#: ``torch.set_printoptions(threshold=PREVIEW_THRESHOLD)``
PREVIEW_THRESHOLD = 100


def is_tensor(obj) -> bool:
    """True for an ``autograd_widgets`` or a ``torch`` tensor (duck-typed)."""
    t = type(obj)
    if t.__module__.startswith("autograd_widgets"):
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
    if type(t).__module__.startswith("autograd_widgets"):
        # ours warns only for a non-leaf that does not retain its grad, excluded above;
        # catch_warnings costs ~10 us a call
        return t.grad
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


def preview(a: np.ndarray, threshold: int = PREVIEW_THRESHOLD) -> str:
    """``tensor([...])`` exactly as the repr prints the values, with no suffixes.

    Summarised (``...``) above ``threshold`` elements, or the print options' own
    threshold when that is lower.
    """

    opts = _printing._OPTS
    old = opts.threshold
    opts.threshold = min(old, threshold)
    try:
        return "tensor(" + _printing.tensor_str(a, indent=7) + ")"
    except Exception:  # noqa: BLE001 - a dtype the printer does not know
        return "tensor(" + np.array2string(a, threshold=threshold) + ")"
    finally:
        opts.threshold = old


def _flags(a: np.ndarray) -> tuple[bool, bool]:
    if a.dtype.kind not in "fc" or a.size == 0:
        return False, False
    return bool(np.isnan(a).any()), bool(np.isinf(a).any())


def array_info(a: np.ndarray) -> tuple:
    """What :func:`describe` shows of an array: ``(preview, stats, has_nan, has_inf)``."""
    nan, inf = _flags(a)
    return preview(a), _stats(a), nan, inf


class PreviewCache:
    """:func:`array_info` of the last build, reused by the next one.

    A live widget rebuilds its graph up to ten times a second; most tensors in
    it have not changed since the last build, and formatting their previews is
    most of the cost of a rebuild.  The key is the array's shape, dtype and a
    hash of its bytes (~2 us for 2,000 floats, against ~50 us to format them),
    not the tensor's version counter: ``p.data -= lr * p.grad`` changes ``p``
    without bumping its version (as in PyTorch).  No tensor or array is
    referenced, and only the entries used by the last build are kept
    (:meth:`next_build`), so memory stays flat however long a loop runs.
    """

    __slots__ = ("_last", "_now", "hits", "misses")

    def __init__(self) -> None:
        self._last: dict = {}
        self._now: dict = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._last.keys() | self._now.keys())

    def next_build(self) -> None:
        """Start a build: forget what the build before last used and this one did not."""
        if self._now:
            self._last, self._now = self._now, {}

    def info(self, a: np.ndarray) -> tuple:
        if a.dtype.kind not in "biufc":  # object arrays: the bytes are pointers
            return array_info(a)
        key = (a.shape, a.dtype.str, hash(a.tobytes()))
        hit = self._now.get(key)
        if hit is None:
            hit = self._last.get(key)
            if hit is None:
                self.misses += 1
                hit = array_info(a)
            else:
                self.hits += 1
            self._now[key] = hit
        else:
            self.hits += 1
        return hit


def device_type(t) -> str:
    """``"cpu"``, ``"cuda"``, ``"meta"``, ... (``"cpu"`` for our tensors)."""
    if isinstance(getattr(t, "_data", None), np.ndarray):
        return "cpu"
    dev = getattr(t, "device", None)
    return str(getattr(dev, "type", dev or "cpu"))


def meta_info(t) -> tuple:
    """A ``meta`` tensor has a shape and a dtype but no data: PyTorch's own repr, no stats."""
    size = tuple(int(s) for s in t.shape)
    return f"tensor(..., device='meta', size={size})", None, False, False


def _info_of(t, info) -> tuple:
    """:func:`array_info` of a tensor on any device, copying at most a summary to the CPU."""
    dev = device_type(t)
    if dev == "cpu":
        return info(to_numpy(t))  # a view of the data: nothing copied
    if dev == "meta":
        return meta_info(t)

    return device_info(t)


def describe(t, cache: PreviewCache | None = None) -> dict:
    """The wire ``Tensor`` dict of docs/graph-schema.md (``cache`` skips unchanged previews).

    A torch tensor on a GPU (or any device but the CPU) is summarised where it
    lives: only its edge items and four statistics are copied to the CPU.  A
    ``meta`` tensor has no values: it shows its shape and dtype only.
    """
    info = cache.info if cache is not None else array_info
    g = grad_of(t)
    value, stats, nan, inf = _info_of(t, info)
    if g is not None:
        grad, grad_stats, gnan, ginf = _info_of(g, info)
    else:
        grad, grad_stats, gnan, ginf = None, None, False, False
    try:
        version = int(t._version)
    except Exception:  # noqa: BLE001
        version = 0
    return {
        "shape": [int(s) for s in t.shape],
        "dtype": dtype_str(t),
        "requires_grad": bool(t.requires_grad),
        "value": value,
        "grad": grad,
        "stats": stats,
        "grad_stats": grad_stats,
        "has_nan": nan,
        "has_inf": inf,
        "grad_has_nan": gnan,
        "grad_has_inf": ginf,
        "version": version,
    }
