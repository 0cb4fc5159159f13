"""``TensorView(t)``: a tensor's values and ``.grad`` as heatmap tables, kept live.

Python sends one page of plain numbers (float64 bytes, so NaN and Inf cross
the wire intact) plus a JSON summary (shape, dtype, stats, labels); the front
end (``js/src/tensor_view.js``) colours the cells on a diverging scale centred
on zero. Whatever the tensor's size, at most ``rows x cols`` values travel.

The view holds its tensor weakly and listens to the engine's event bus
(``grad_accumulated``, ``grad_set``, ``version_bump``, ``backward_end``)
through one shared listener, with throttled updates; it also re-syncs after
every cell (that catches changes that emit no event, e.g. writes through
``t.detach().numpy()``, and tensors from real ``torch``, which emit nothing).
"""

from __future__ import annotations

import weakref
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from .._language import get_language
from ..autograd import events
from ..graph._tensors import _stats, dtype_str, grad_of, is_tensor, to_numpy
from . import _assets
from . import _cells as _ext
from ._i18n import LanguageTraits, summary_text
from ._throttle import Throttle, default_call_later

#: event kinds that may change what a view shows
_EVENTS = frozenset({"grad_accumulated", "grad_set", "version_bump", "backward_end"})
#: above this many elements, after-cell re-syncs only follow version/grad changes
_RESYNC_LIMIT = 1_000_000

#: largest page side: at most 200 x 200 cells reach the DOM
_MAX_PAGE = 200

_views: weakref.WeakSet[TensorView] = weakref.WeakSet()


def _on_event(kind: str, payload: dict[str, Any]) -> None:
    if kind not in _EVENTS:
        return
    if not _views:
        events.remove_listener(_on_event)
        return
    changed = payload.get("tensor")
    for view in list(_views):
        view._hear(kind, changed)


def resync_all() -> None:
    """After a cell: re-read every live view's tensor (cheap when nothing changed)."""
    for view in list(_views):
        if view.live:
            view._resync()


def _clamp(v: int, lo: int, hi: int) -> int:
    return max(lo, min(v, hi))


def _window(a: np.ndarray, index: list[int], r0: int, c0: int, rows: int, cols: int) -> dict:
    """One page of ``a``: the chosen 2-d plane cut to ``rows x cols`` from (r0, c0), with labels."""
    if a.ndim > 2:
        a = a[tuple(index)]
    n = a.size
    if a.ndim == 1 and n > cols:
        # a long vector wraps into rows of `cols` values, as numpy prints it
        plane = np.full(-(-n // cols) * cols, np.nan)
        plane[:n] = a
        plane = plane.reshape(-1, cols)
        row_label, col_label = (lambda r: str(r * cols)), (lambda c: f"+{c}")
        c0, wrapped = 0, True
    else:
        wrapped = False
        plane = a if a.ndim == 2 else a.reshape(1, -1)
        row_label = str if a.ndim == 2 else (lambda r: "")
        col_label = str if a.ndim else (lambda c: "")
    total_rows, total_cols = plane.shape
    r0 = _clamp(r0, 0, max(0, total_rows - 1))
    c0 = _clamp(c0, 0, max(0, total_cols - 1))
    block = plane[r0 : r0 + rows, c0 : c0 + cols]
    valid = n - r0 * cols if wrapped else block.size
    return {
        "block": np.ascontiguousarray(block, dtype=np.float64),
        "rows_total": int(total_rows),
        "cols_total": int(total_cols),
        "row_start": int(r0),
        "col_start": int(c0),
        "row_labels": [row_label(r) for r in range(r0, r0 + block.shape[0])],
        "col_labels": [col_label(c) for c in range(c0, c0 + block.shape[1])],
        "valid": int(_clamp(valid, 0, block.size)),
    }


def _summary(a: np.ndarray) -> dict[str, Any] | None:
    """min/max/mean/norm over the whole tensor, NaN/Inf counts, and the colour scale's half-range."""
    stats = _stats(a)
    if stats is None:
        return None
    if a.dtype.kind == "f":
        stats["nan"] = int(np.isnan(a).sum())
        stats["inf"] = int(np.isinf(a).sum())
    lo, hi = stats["min"], stats["max"]
    stats["scale"] = max(abs(lo or 0.0), abs(hi or 0.0))
    return stats


class TensorView(LanguageTraits, anywidget.AnyWidget):
    """A tensor's values and ``.grad`` as heatmaps, with shape, dtype and stats.

    Colours are diverging and centred on zero (negative blue, positive red,
    zero the notebook background), scaled by the largest magnitude in the
    whole tensor, in light and dark themes. Updates follow ``backward()``,
    ``zero_()`` and in-place ops (throttled) while ``live`` is True.

    Parameters
    ----------
    tensor : Tensor
        An ``autograd_widgets`` (or ``torch``) tensor, held by weak reference
        (a view never keeps a training loop's tensors alive); once it is
        gone the view keeps its last page and says so.
    name : str, optional
        A caption (e.g. the variable name).
    index : list of int, optional
        For tensors of rank > 2: the indices into the leading dimensions that
        pick the 2-d slice shown (``t[i, j]``); default all zeros.
    rows, cols : int
        Page size: at most ``rows x cols`` values are sent and drawn.
    """

    _esm = _assets._read("tensor_view.js").decode("utf-8")

    name = t.Unicode("", help="Caption shown above the tables (e.g. the variable name).").tag(
        sync=True
    )
    index = t.List(
        t.Int(), help="Indices into the leading dims choosing the 2-d slice (rank > 2)."
    ).tag(sync=True)
    row_start = t.Int(0, help="First row of the page shown.").tag(sync=True)
    col_start = t.Int(0, help="First column of the page shown.").tag(sync=True)
    rows = t.Int(20, help="Rows per page.").tag(sync=True)
    cols = t.Int(12, help="Columns per page (and width of wrapped 1-d tensors).").tag(sync=True)
    show_grad = t.Bool(True, help="Show the .grad table next to the values.").tag(sync=True)
    live = t.Bool(True, help="Follow backward(), zero_() and in-place changes.").tag(sync=True)

    _info = t.Dict(help="Shape, dtype, stats, page bounds and labels (plain JSON).").tag(sync=True)
    _values = t.Bytes(b"", help="The page of values: float64, row-major.").tag(sync=True)
    _grad = t.Bytes(b"", help="The page of .grad: float64, row-major (empty: no grad).").tag(
        sync=True
    )

    def __init__(
        self,
        tensor: Any,
        *,
        update_interval: float = 0.1,
        call_later: Any = None,
        **kwargs: Any,
    ) -> None:
        if not is_tensor(tensor):
            raise TypeError(f"TensorView expects a tensor, got {type(tensor).__name__}")
        self._ref = weakref.ref(tensor)
        self._signature: tuple | None = None
        self._stats: tuple | None = None  # (signature, (stats, grad_stats)) of big tensors
        self._numel = int(np.prod(tuple(tensor.shape), dtype=np.int64))
        super().__init__(**kwargs)
        ndim = len(tensor.shape)
        if len(self.index) != max(0, ndim - 2):
            self.index = [0] * max(0, ndim - 2)
        self._throttle = Throttle(
            self.refresh, update_interval, call_later=call_later or default_call_later
        )
        self.refresh()
        _views.add(self)
        events.add_listener(_on_event, kinds=_EVENTS)
        _ext.ensure_cell_hooks()
        _ext.add_cell_listener(resync_all)

    @property
    def tensor(self) -> Any:
        """The tensor shown, or None once it has been garbage-collected."""
        return self._ref()

    @t.validate("rows", "cols")
    def _validate_page(self, proposal: dict[str, Any]) -> int:
        value = int(proposal["value"])
        if not 1 <= value <= _MAX_PAGE:
            raise t.TraitError(
                f"{proposal['trait'].name} must be between 1 and {_MAX_PAGE}, not {value}"
            )
        return value

    @t.validate("index")
    def _validate_index(self, proposal: dict[str, Any]) -> list[int]:
        tensor = self._ref()
        index = list(proposal["value"])
        if tensor is None:
            return index
        lead = tuple(tensor.shape)[:-2]
        if len(index) != len(lead):
            raise t.TraitError(
                f"index needs {len(lead)} entries for shape {list(tensor.shape)}, got {index}"
            )
        for i, (k, size) in enumerate(zip(index, lead)):
            if not -size <= k < size:
                raise t.TraitError(f"index {k} is out of range for dim {i} of size {size}")
        return [k % size for k, size in zip(index, lead)]

    @t.observe("index", "row_start", "col_start", "rows", "cols", "show_grad")
    def _on_page(self, change: dict[str, Any]) -> None:
        if hasattr(self, "_throttle"):
            self.refresh()

    @t.observe("live")
    def _on_live(self, change: dict[str, Any]) -> None:
        if change["new"] and hasattr(self, "_throttle"):
            self.refresh()

    # -- live updates ---------------------------------------------------------------

    def _hear(self, kind: str, changed: Any) -> None:
        if not self.live:
            return
        tensor = self._ref()
        if tensor is None:
            return
        if kind == "backward_end" or changed is tensor or changed is getattr(tensor, "_grad", None):
            self._throttle.request()

    def _resync(self) -> None:
        tensor = self._ref()
        if tensor is None or self._numel <= _RESYNC_LIMIT or self._sig(tensor) != self._signature:
            self._throttle.close()  # drop a pending trailing update: this one is newer
            self.refresh()

    @staticmethod
    def _sig(tensor: Any) -> tuple:
        grad = grad_of(tensor)
        return (
            getattr(tensor, "_version", None),
            id(grad),
            getattr(grad, "_version", None),
            bool(tensor.requires_grad),
        )

    def refresh(self) -> None:
        """Re-read the tensor and send the current page now."""
        tensor = self._ref()
        if tensor is None:
            self._info = {**self._info, "gone": True, "notice": "the tensor is gone"}
            return
        values = to_numpy(tensor)
        grad = grad_of(tensor)
        gvalues = to_numpy(grad) if grad is not None else None
        page = _window(values, self.index, self.row_start, self.col_start, self.rows, self.cols)
        gpage = None
        if gvalues is not None and self.show_grad and gvalues.shape == values.shape:
            gpage = _window(
                gvalues, self.index, self.row_start, self.col_start, self.rows, self.cols
            )
        grad_fn = getattr(tensor, "grad_fn", None)
        sig = self._sig(tensor)
        if self._stats is not None and self._stats[0] == sig and self._numel > _RESYNC_LIMIT:
            stats, grad_stats = self._stats[1]  # paging a big tensor: whole-tensor stats unchanged
        else:
            stats = _summary(values)
            grad_stats = _summary(gvalues) if gvalues is not None else None
            self._stats = (sig, (stats, grad_stats))
        info = {k: v for k, v in page.items() if k != "block"}
        info.update(
            shape=[int(d) for d in values.shape],
            dtype=dtype_str(tensor),
            kind=values.dtype.kind,
            requires_grad=bool(tensor.requires_grad),
            is_leaf=grad_fn is None,
            grad_fn=type(grad_fn).__name__ if grad_fn is not None else None,
            version=getattr(tensor, "_version", None),
            stats=stats,
            has_grad=grad is not None,
            grad_stats=grad_stats,
            page_rows=int(page["block"].shape[0]),
            page_cols=int(page["block"].shape[1]),
            gone=False,
            notice=None,
        )
        self._signature = sig
        with self.hold_sync():
            self._info = info
            self._values = page["block"].astype("<f8").tobytes()
            self._grad = gpage["block"].astype("<f8").tobytes() if gpage is not None else b""

    def close(self) -> None:
        _views.discard(self)
        if not _views:
            events.remove_listener(_on_event)
        if hasattr(self, "_throttle"):
            self._throttle.close()
        super().close()

    def __repr__(self) -> str:
        info = self._info
        return f"TensorView(shape={info.get('shape')}, dtype={info.get('dtype')}, grad={info.get('has_grad')})"


# -- opt-in rich display (%autograd_display html) ---------------------------------------


def summary_html(tensor: Any, lang: str | None = None) -> str:
    """A compact HTML line: shape, dtype, grad_fn/requires_grad, value stats, .grad stats.

    In ``lang`` ("en" or "zh"; default: the widgets' language, ``get_language()``).
    """
    import html

    lang = lang or get_language()

    values = to_numpy(tensor)
    grad = grad_of(tensor)
    fn = getattr(tensor, "grad_fn", None)
    dims = ", ".join(str(d) for d in values.shape)
    parts = [summary_text("shape", lang, dims=dims), dtype_str(tensor)]
    # a custom Function's class name is user text (it may hold markup): every part is
    # plain text, escaped once where the HTML is put together
    parts.append(f"grad_fn=<{type(fn).__name__}>" if fn is not None else "requires_grad=True")
    stats = _summary(values)
    if values.size == 1 and stats:
        parts.append(summary_text("value", lang, v=f"{stats['min']:.4g}"))
    elif stats:
        four = {k: f"{stats[k]:.4g}" for k in ("min", "max", "mean")}
        parts.append(summary_text("stats", lang, **four))
    if grad is not None:
        gstats = _summary(to_numpy(grad))
        if gstats:
            parts.append(summary_text("grad_norm", lang, norm=f"{gstats['norm']:.4g}"))
    title = html.escape(repr(tensor))
    return (
        f'<span class="aw-tensor-summary" title="{title}" style="font-family: var(--jp-code-font-family, '
        f'monospace)">{html.escape(" · ".join(parts))}</span>'
    )


def tensor_mimebundle(tensor: Any, include: Any = None, exclude: Any = None) -> dict | None:
    """IPython mimebundle printer for tensors that require grad (None: default display).

    The widget shows the summary and a "show graph" button; ``text/plain``
    stays PyTorch's repr, so consoles and saved notebooks print as before.
    """
    if not getattr(tensor, "requires_grad", False):
        return None
    import ipywidgets as w

    ref = weakref.ref(tensor)
    lang = get_language()
    out = w.Output()
    button = w.Button(
        description=summary_text("show_graph", lang), icon="sitemap", layout=w.Layout(width="auto")
    )

    def show(_: Any) -> None:
        t = ref()
        button.disabled = True
        with out:
            if t is None:
                print(summary_text("gone", lang))
                return
            from IPython.display import display

            from .draw import draw

            display(draw(t, names={}))  # names come from the user namespace

    button.on_click(show)
    box = w.VBox([w.HBox([w.HTML(summary_html(tensor, lang)), button]), out])
    data = box._repr_mimebundle_()
    bundle = data[0] if isinstance(data, tuple) else data
    bundle = dict(bundle or {})
    bundle["text/plain"] = repr(tensor)
    bundle["text/html"] = summary_html(tensor, lang)
    return bundle
