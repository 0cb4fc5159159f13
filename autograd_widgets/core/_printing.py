"""Tensor ``repr``: the same text PyTorch 2.13 prints, character for character.

The rules follow ``torch/_tensor_str.py``:

* one formatter per tensor decides, from the nonzero finite values, whether every
  value is integral (``1.``), whether to use scientific notation (largest/smallest
  ratio above 1000, largest above 1e8 or smallest below 1e-4) and the column width;
* above ``threshold`` elements only ``edgeitems`` rows/columns at each end of every
  dimension are shown, separated by ``...``;
* 1-d rows wrap at ``linewidth`` columns; each nesting level indents by one space
  and dimension ``d`` separates its slices by ``d - 1`` blank lines;
* suffixes (``dtype=``, ``size=``, ``requires_grad=``, ``grad_fn=``) are appended
  and move to a new line when the last line would pass ``linewidth``.

The work is done on numpy: a large tensor is cut down to its edges *before* any
element is formatted, and column widths come from a handful of extreme values
rather than from formatting every element.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math

import numpy as np

from . import _dtype

__all__ = [
    "tensor_repr",
    "tensor_str",
    "parameter_repr",
    "set_printoptions",
    "get_printoptions",
    "printoptions",
]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTS = _PrintOptions()

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
):
    """Set the options used to print tensors; mirrors ``torch.set_printoptions``.

    Parameters
    ----------
    precision : int, optional
        Digits after the decimal point for floating point values (default 4).
    threshold : float, optional
        Element count above which a tensor is summarised with ``...`` (default 1000).
    edgeitems : int, optional
        Items kept at each end of every dimension when summarising (default 3).
    linewidth : int, optional
        Characters per line before wrapping (default 80).
    profile : {"default", "short", "full"}, optional
        Preset values, applied first; the other arguments override them.
    sci_mode : bool, optional
        Force scientific notation on (True) or off (False). As in PyTorch, every call
        sets this option, so leaving it out goes back to automatic choice (None).
    """
    if profile is not None:
        # Like torch, an unknown profile name is ignored rather than rejected.
        for name, value in _PROFILES.get(profile, {}).items():
            setattr(_OPTS, name, value)
    if precision is not None:
        _OPTS.precision = precision
    if threshold is not None:
        _OPTS.threshold = threshold
    if edgeitems is not None:
        _OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTS.linewidth = linewidth
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current print options, as keyword arguments for :func:`set_printoptions`."""
    return dataclasses.asdict(_OPTS)


class printoptions(contextlib.ContextDecorator):
    """Temporarily change the print options (``torch._tensor_str.printoptions``).

    Takes the same keyword arguments as :func:`set_printoptions`; usable as a
    ``with`` block or as a decorator.
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._saved = []

    def __enter__(self):
        self._saved.append(get_printoptions())
        set_printoptions(**self._kwargs)
        return self

    def __exit__(self, *exc_info):
        set_printoptions(**self._saved.pop())
        return False


# ---------------------------------------------------------------------------
# Summarising: keep only the edges of every dimension.


def _edge_indices(n: int, edge: int) -> np.ndarray:
    return np.concatenate([np.arange(edge), np.arange(n - edge, n)])


def _summarize(a: np.ndarray, edge: int) -> tuple[np.ndarray, tuple[bool, ...]]:
    """Cut ``a`` down to ``edge`` items at both ends of each long dimension.

    Returns the smaller array and, per axis, whether it was cut (and so needs a
    ``...`` between its halves when printed).
    """
    cut = tuple(n > 2 * edge for n in a.shape)
    for axis, is_cut in enumerate(cut):
        if is_cut:
            a = np.take(a, _edge_indices(a.shape[axis], edge), axis=axis)
    return a, cut


# ---------------------------------------------------------------------------
# Formatting single values.


class _Formatter:
    """Decides how every element of one tensor is written, and at what width."""

    def __init__(self, values: np.ndarray, is_float: bool, precision: int, sci_mode):
        self.is_float = is_float
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        self.precision = precision
        flat = values.reshape(-1)
        if not is_float:
            if flat.size:
                if flat.dtype == np.bool_:
                    candidates = [bool(flat.all()), bool(flat.any())]
                else:
                    candidates = [int(flat.min()), int(flat.max())]
                self.width = max(1, *(len(str(v)) for v in candidates))
            return

        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size == 0:
            return  # only zeros, nan and inf: integral, fixed, width 1
        magnitudes = np.abs(finite)
        smallest, largest = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if sci_mode is None:
            with np.errstate(over="ignore"):  # 1e300 / 1e-300 is inf, still "> 1000"
                ratio = largest / smallest
            sci_mode = ratio > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        self.sci_mode = bool(sci_mode)

        # The written length only grows with the magnitude within one sign (more
        # integer digits) or, in scientific notation, with the exponent's digit
        # count; so the extremes of each sign are enough to find the widest value.
        candidates = []
        for part in (finite[finite > 0], finite[finite < 0]):
            if part.size:
                candidates += [float(part.min()), float(part.max())]
        if self.sci_mode:
            spec = f".{precision}e"
            extra = 0
        elif self.int_mode:
            spec = ".0f"
            extra = 1  # room for the trailing "."
        else:
            spec = f".{precision}f"
            extra = 0
        self.width = max(1, *(len(format(v, spec)) + extra for v in candidates))

    def formatter(self):
        """A function turning one Python scalar into its padded text."""
        width = self.width
        if not self.is_float:
            return lambda v: str(v).rjust(width)
        if self.sci_mode:
            spec = f"{width}.{self.precision}e"
            return lambda v: format(v, spec).rjust(width)
        if self.int_mode:

            def write_integral(v):
                text = format(v, ".0f")
                if math.isfinite(v):
                    text += "."
                return text.rjust(width)

            return write_integral
        spec = f".{self.precision}f"
        return lambda v: format(v, spec).rjust(width)


# ---------------------------------------------------------------------------
# Laying out nested brackets.


def _layout(a, cut, indent, write, width, opts) -> str:
    if a.ndim == 0:
        return write(a.item())
    edge = opts.edgeitems
    if a.ndim == 1:
        items = [write(v) for v in a.tolist()]
        if cut[0]:
            items[edge:edge] = [" ..."]
        per_line = max(1, math.floor((opts.linewidth - indent) / (width + 2)))
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    parts = [_layout(sub, cut[1:], indent + 1, write, width, opts) for sub in a]
    if cut[0]:
        parts[edge:edge] = ["..."]
    separator = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


def _resolve(data, dtype):
    if dtype is None:
        data = np.asarray(data)
        return data, _dtype.from_numpy_dtype(data.dtype)
    dtype = _dtype.as_dtype(dtype)
    return np.asarray(data, dtype=dtype.np), dtype


def _contents(data: np.ndarray, dtype, indent: int, opts: _PrintOptions) -> str:
    if data.size == 0:
        return "[]"
    summarize = data.size > opts.threshold
    if summarize and data.ndim:
        if not opts.edgeitems:
            return "[...]"
        data, cut = _summarize(data, opts.edgeitems)
    else:
        cut = (False,) * data.ndim
    fmt = _Formatter(data, dtype.is_floating_point, opts.precision, opts.sci_mode)
    return _layout(data, cut, indent, fmt.formatter(), fmt.width, opts)


def tensor_str(data, *, dtype=None, indent: int = 0) -> str:
    """The bracketed values of a tensor, as inside ``repr(torch.tensor(data))``.

    Parameters
    ----------
    data : array_like
        The values.
    dtype : autograd_widgets dtype, optional
        The tensor's dtype; taken from ``data`` when omitted.
    indent : int
        Column at which the opening bracket stands (continuation lines are
        indented to one past it).
    """
    data, dtype = _resolve(data, dtype)
    return _contents(data, dtype, indent, _OPTS)


def _add_suffixes(text: str, suffixes: list[str], indent: int, linewidth: int) -> str:
    # PyTorch measures the last line two characters long; keep its arithmetic.
    last_line = len(text) - text.rfind("\n") + 1
    pieces = [text]
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            last_line += len(suffix) + 2
    pieces.append(")")
    return "".join(pieces)


def tensor_repr(
    data,
    *,
    dtype=None,
    requires_grad: bool = False,
    grad_fn_name: str | None = None,
    prefix: str = "tensor(",
    tensor_contents: str | None = None,
    tangent: str | None = None,
    meta: bool = False,
) -> str:
    """``repr`` of a CPU tensor holding ``data``, exactly as PyTorch writes it.

    Parameters
    ----------
    data : array_like
        The values.
    dtype : autograd_widgets dtype, optional
        The tensor's dtype; taken from ``data`` when omitted.
    requires_grad : bool
        Append ``requires_grad=True``; the caller passes it only for leaves (a
        tensor with a ``grad_fn`` shows that instead).
    grad_fn_name : str, optional
        Class name of the tensor's ``grad_fn``, shown as ``grad_fn=<Name>``.
    prefix : str
        Text before the values; its length sets the continuation indent.
    tensor_contents : str, optional
        Use this text instead of the formatted values.
    tangent : str, optional
        A dual tensor's tangent as shown (``tangent=...``, forward AD).
    meta : bool
        A tensor on the ``meta`` device: no values (``...``), always its size, and its
        dtype unless it is the default one.
    """
    data, dtype = _resolve(data, dtype)
    opts = _OPTS
    indent = len(prefix)
    default = _dtype.get_default_dtype()
    suffixes = []
    if meta:
        tensor_contents = "..., device='meta'"
        suffixes.append(f"size={tuple(data.shape)}")
        if dtype is not default:
            suffixes.append(f"dtype={dtype}")
    elif data.size == 0:
        # NumPy-style: the shape is only implied when it is (0,), and with no
        # values to go by, any dtype but the default one is spelled out.
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        if dtype is not default:
            suffixes.append(f"dtype={dtype}")
    else:
        if not opts.edgeitems:
            suffixes.append(f"size={tuple(data.shape)}")
        if dtype not in (default, _dtype.int64, _dtype.bool_):
            suffixes.append(f"dtype={dtype}")
    if tensor_contents is None:
        tensor_contents = _contents(data, dtype, indent, opts)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    if tangent is not None:
        suffixes.append(f"tangent={tangent}")
    return _add_suffixes(prefix + tensor_contents, suffixes, indent, opts.linewidth)


def parameter_repr(data, *, dtype=None, requires_grad: bool = True, meta: bool = False) -> str:
    """``repr`` of ``torch.nn.Parameter(torch.tensor(data), requires_grad)``."""
    body = tensor_repr(data, dtype=dtype, requires_grad=requires_grad, meta=meta)
    return "Parameter containing:\n" + body
