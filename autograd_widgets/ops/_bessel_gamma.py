"""Modified Bessel functions of order 0 and 1 (``torch.i0``, ``special.i0e``/``i1``/``i1e``),
the regularised incomplete gamma functions (``torch.igamma``/``igammac``, ``special.gammainc``/
``gammaincc``) and the multivariate log-gamma (``torch.mvlgamma``, ``special.multigammaln``).

Values are computed in double and rounded once to the input's float dtype: the Bessel functions
by their power series below ``_BESSEL_SPLIT`` and by the scaled asymptotic series above it, the
incomplete gamma by its series where ``x < a + 1`` and by its continued fraction elsewhere.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd.node import node_class
from ..core._dtype import get_default_dtype
from ..core.tensor import Tensor
from ._core import METHODS, needs_grad, not_implemented_for, record, write_out
from ._special_fns import _lgamma_np, _wants, digamma, lgamma
from .pointwise import BinaryNode, _binary, _tensor_other, _tensor_other_method, where

_make = Tensor._make

__all__ = ["i0", "igamma", "igammac", "mvlgamma"]
TENSOR_METHODS = ("i0", "igamma", "igammac", "mvlgamma")
INPLACE_METHODS = ("i0", "igamma", "igammac", "mvlgamma")


def _check_tensor(name, input, arg="input"):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument '{arg}' (position 1) must be Tensor, not {type(input).__name__}"
        )


def _unary(name, fn, cls, input, out_name, out):
    """``fn`` (double in, double out) on ``input`` as a float tensor; ``cls`` records the node."""
    _check_tensor(name, input)
    d = input._data
    if d.dtype.kind != "f":
        d = d.astype(get_default_dtype().np)
    with np.errstate(all="ignore"):
        res = _make(np.asarray(fn(d.astype(np.float64)), dtype=np.float64).astype(d.dtype))
    if needs_grad(input) and d.dtype.kind == "f" and input._data.dtype.kind == "f":
        record(cls, res, (input,), {"self": input}, None, None if cls is I0Backward0 else "result")
    return res if out is None else write_out(out_name, out, res)


# --- Bessel I0, I1 ----------------------------------------------------------------------------
_BESSEL_SPLIT = 20.0  # |x| from which the asymptotic series is exact to double precision


def _bessel_np(nu: int, x: np.ndarray, scaled: bool) -> np.ndarray:
    """``I_nu(x)`` for ``nu`` in (0, 1), times ``exp(-|x|)`` when ``scaled``."""
    a = np.abs(x)
    small = np.where(a < _BESSEL_SPLIT, a, 0.0)
    # sum_k (x/2)^(2k + nu) / (k! (k + nu)!): positive terms, no cancellation
    q = small * small / 4
    term = (small / 2) ** nu
    total = term.copy()
    for k in range(1, 80):
        term = term * q / (k * (k + nu))
        total = total + term
    series = total * np.exp(-small) if scaled else total
    # exp(-x) I_nu(x) ~ (2 pi x)^-1/2 sum_k (-1)^k prod_{j<=k} (4 nu^2 - (2j - 1)^2) / (j 8 x)
    big = np.where(a >= _BESSEL_SPLIT, a, _BESSEL_SPLIT)
    term = np.ones_like(big)
    total = term.copy()
    for j in range(1, 40):
        term = -term * (4 * nu * nu - (2 * j - 1) ** 2) / (j * 8 * big)
        total = total + term
    asym = total / np.sqrt(2 * math.pi * big)
    if not scaled:
        asym = asym * np.exp(big)
    out = np.where(a < _BESSEL_SPLIT, series, asym)
    out = np.where(np.isnan(x), np.nan, out)
    return np.copysign(out, x) if nu == 1 else out


def _safe(self, grad):
    """PyTorch's ``i1_backward``/``i1e_backward`` guard: ``|x| <= eps`` uses the limit 0.5."""
    eps = np.finfo(self._data.dtype).eps
    not_tiny = self.abs() > eps
    safe = where(not_tiny, self, _make(np.asarray(eps, dtype=self._data.dtype)))
    half = _make(np.asarray(0.5, dtype=self._data.dtype))
    return not_tiny, safe, half


def _i0_backward(node, grad):
    return grad * special_i1(node.saved("self"))


def _i0e_backward(node, grad):
    self = node.saved("self")
    return grad * (special_i1e(self) - self.sgn() * node.saved("result"))


def _i1_backward(node, grad):
    self, result = node.saved("self"), node.saved("result")
    not_tiny, safe, half = _safe(self, grad)
    return grad * where(not_tiny, i0(safe) - result * safe.reciprocal(), half)


def _i1e_backward(node, grad):
    self, result = node.saved("self"), node.saved("result")
    not_tiny, safe, half = _safe(self, grad)
    gradx = special_i0e(safe) - result * (safe.sgn() + safe.reciprocal())
    return grad * where(not_tiny, gradx, half)


I0Backward0 = node_class("I0Backward0", _i0_backward, saved=("self",))
SpecialI0EBackward0 = node_class("SpecialI0EBackward0", _i0e_backward, saved=("result", "self"))
SpecialI1Backward0 = node_class("SpecialI1Backward0", _i1_backward, saved=("result", "self"))
SpecialI1EBackward0 = node_class("SpecialI1EBackward0", _i1e_backward, saved=("result", "self"))


def i0(input, *, out=None, _api="i0"):
    """``torch.i0``: the modified Bessel function of the first kind, order 0."""
    return _unary(_api, lambda d: _bessel_np(0, d, False), I0Backward0, input, "i0", out)


def special_i0(input, *, out=None):
    """``torch.special.i0``: ``torch.i0`` (``I0Backward0``)."""
    return i0(input, out=out, _api="special_i0")


def special_gammainc(input, other, *, out=None):
    """``torch.special.gammainc``: ``torch.igamma`` (``IgammaBackward0``)."""
    return _igamma(
        "igamma", False, IgammaBackward0, input, other, "igamma", out, "special_gammainc"
    )


def special_gammaincc(input, other, *, out=None):
    """``torch.special.gammaincc``: ``torch.igammac`` (``IgammacBackward0``)."""
    return _igamma(
        "igammac", True, IgammacBackward0, input, other, "igammac", out, "special_gammaincc"
    )


def special_multigammaln(input, p, *, out=None):
    """``torch.special.multigammaln``: ``torch.mvlgamma`` (``MvlgammaBackward0``)."""
    return mvlgamma(input, p, out=out, _api="special_multigammaln")


def special_i0e(input, *, out=None):
    """``torch.special.i0e``: ``exp(-|x|) * i0(x)``."""
    fn = lambda d: _bessel_np(0, d, True)  # noqa: E731
    return _unary("special_i0e", fn, SpecialI0EBackward0, input, "special_i0e", out)


def special_i1(input, *, out=None):
    """``torch.special.i1``: the modified Bessel function of the first kind, order 1."""
    fn = lambda d: _bessel_np(1, d, False)  # noqa: E731
    return _unary("special_i1", fn, SpecialI1Backward0, input, "special_i1", out)


def special_i1e(input, *, out=None):
    """``torch.special.i1e``: ``exp(-|x|) * i1(x)``."""
    fn = lambda d: _bessel_np(1, d, True)  # noqa: E731
    return _unary("special_i1e", fn, SpecialI1EBackward0, input, "special_i1e", out)


# --- regularised incomplete gamma -------------------------------------------------------------
def _igamma_np(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    """``P(a, x)`` (``Q(a, x)`` when ``upper``) in double, with PyTorch's edge values."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    ok = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    aa, xx = np.where(ok, a, 1.0), np.where(ok, x, 1.0)
    log_pref = aa * np.log(xx) - xx - _lgamma_np(aa)  # log(x^a e^-x / Gamma(a))
    use_series = xx < aa + 1
    # P = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1) ... (a + n))
    term = 1 / np.where(use_series, aa, 1.0)
    total = term.copy()
    denom = np.where(use_series, aa, 1.0)
    active = use_series.copy()
    for _ in range(100000):
        denom = denom + 1
        term = np.where(active, term * xx / denom, 0.0)
        total = total + term
        active = active & (np.abs(term) > np.abs(total) * 1e-17)
        if not active.any():
            break
    p_series = np.exp(log_pref) * total
    # Q = x^a e^-x / Gamma(a) * 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...)), modified Lentz
    tiny = 1e-300
    b = np.where(use_series, 1.0, xx + 1 - aa)
    c = np.full_like(b, 1 / tiny)
    d = 1 / b
    h = d.copy()
    active = ~use_series
    for n in range(1, 100000):
        an = -n * (n - aa)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1 / d
        delta = np.where(active, d * c, 1.0)
        h = h * delta
        active = active & (np.abs(delta - 1) > 1e-16)
        if not active.any():
            break
    q_cf = np.exp(log_pref) * h
    p = np.where(use_series, p_series, 1 - q_cf)
    q = np.where(use_series, 1 - p_series, q_cf)
    out = q if upper else p
    # edges: x = 0 gives P = 0; x = inf or a = 0 (x > 0) gives P = 1; a = inf gives P = 0
    lo, hi = (1.0, 0.0) if upper else (0.0, 1.0)
    out = np.where((x == 0) & (a > 0), lo, out)
    out = np.where(np.isposinf(x) & (a > 0) & np.isfinite(a), hi, out)
    out = np.where((a == 0) & (x > 0), hi, out)
    out = np.where(np.isposinf(a) & (x >= 0) & np.isfinite(x), lo, out)
    bad = (a < 0) | (x < 0) | ((a == 0) & (x == 0)) | (np.isposinf(a) & np.isposinf(x))
    return np.where(bad | np.isnan(a) | np.isnan(x), np.nan, out)


def _igamma_backward(name, sign):
    def backward(node, grad):
        self, other = node.saved("self"), node.saved("other")
        if _wants(node, 0):
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        go = grad * ((self - 1) * other.log() - other - lgamma(self)).exp()
        return None, (go if sign > 0 else -go)

    return backward


IgammaBackward0 = node_class(
    "IgammaBackward0", _igamma_backward("igamma", 1), saved=("other", "self"), base=BinaryNode
)
IgammacBackward0 = node_class(
    "IgammacBackward0", _igamma_backward("igammac", -1), saved=("other", "self"), base=BinaryNode
)


def _igamma(name, upper, cls, input, other, out_name, out, api=None):
    _check_tensor(api or name, input)
    _tensor_other(api or name, other)
    dt = np.result_type(input._data, other._data)
    if dt.kind != "f":
        raise not_implemented_for(f"{name}_cpu", dt)

    def fn(a, x):
        with np.errstate(all="ignore"):
            return _igamma_np(a, x, upper).astype(np.result_type(a, x))

    res = _binary(fn, cls, input, other, ("self", "other"), name=cls.__name__)
    return res if out is None else write_out(out_name, out, res)


def igamma(input, other, *, out=None):
    """``torch.igamma``: the regularised lower incomplete gamma ``P(input, other)``; the
    gradient flows to ``other`` only (PyTorch implements none for ``input``)."""
    return _igamma("igamma", False, IgammaBackward0, input, other, "igamma", out)


def igammac(input, other, *, out=None):
    """``torch.igammac``: the regularised upper incomplete gamma ``Q(input, other)``."""
    return _igamma("igammac", True, IgammacBackward0, input, other, "igammac", out)


for _name in ("igamma", "igammac"):
    METHODS[_name] = _tensor_other_method(_name, globals()[_name])


# --- multivariate log-gamma -------------------------------------------------------------------
def _mvlgamma_backward(node, grad):
    self, p = node.saved("self"), node._attrs["p"]
    shifts = _make(np.arange(-p / 2 + 0.5, 0.5, 0.5, dtype=self._data.dtype))
    return grad * digamma(self.unsqueeze(-1) + shifts).sum(-1)


MvlgammaBackward0 = node_class(
    "MvlgammaBackward0", _mvlgamma_backward, saved=("self",), attrs=("p",)
)


def mvlgamma(input, p, *, out=None, _api="mvlgamma"):
    """``torch.mvlgamma``: ``sum_j lgamma(x - j / 2) + p (p - 1) / 4 log(pi)``, ``j < p``."""
    _check_tensor(_api, input)
    if not isinstance(p, int) or isinstance(p, bool):
        raise TypeError(f"{_api}(): argument 'p' (position 2) must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    d = input._data
    if d.dtype.kind != "f":
        d = d.astype(get_default_dtype().np)
    x = d.astype(np.float64)[..., None] - np.arange(p) / 2
    with np.errstate(all="ignore"):
        v = _lgamma_np(x).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)
    res = _make(np.asarray(v, dtype=np.float64).astype(d.dtype))
    if needs_grad(input) and input._data.dtype.kind == "f":
        record(MvlgammaBackward0, res, (input,), {"self": input}, {"p": p})
    return res if out is None else write_out("mvlgamma", out, res)


def _mvlgamma_method(self, p):
    return mvlgamma(self, p)


METHODS["mvlgamma"] = _mvlgamma_method
