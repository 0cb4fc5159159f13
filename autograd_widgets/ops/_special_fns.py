"""Elementwise special functions: xlogy, logit, lgamma/digamma/polygamma, sinc, copysign, sgn,
erfinv, and the ``torch.special``-only xlog1py and entr (``autograd_widgets.special``).

Everything is numpy in double precision (``math.lgamma``/``math.erf`` vectorised where numpy has
no kernel), rounded once to the input's float dtype.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd.node import Node, node_class
from ..core._dtype import get_default_dtype
from ..core.tensor import Size
from ._core import (
    METHODS,
    Tensor,
    binary_operands,
    needs_grad,
    record,
    write_out,
    zero_grad,
)
from .pointwise import UNARY, BinaryNode, exp, log, sign, where

__all__ = [
    "broadcast_shapes",
    "broadcast_tensors",
    "copysign",
    "detach",
    "is_same_size",
    "msort",
    "positive",
    "ravel",
    "digamma",
    "erfinv",
    "lgamma",
    "logit",
    "polygamma",
    "sgn",
    "sinc",
    "xlogy",
]
TENSOR_METHODS = (
    "copysign digamma erfinv lgamma logit polygamma sgn sinc xlogy positive msort is_same_size"
).split()
INPLACE_METHODS = "copysign digamma erfinv lgamma logit polygamma sgn sinc xlogy".split()

_make = Tensor._make


def _float_data(x: Tensor) -> np.ndarray:
    """``x``'s array as floating point: integer and bool tensors become the default dtype."""
    d = x._data
    return d if d.dtype.kind == "f" else d.astype(get_default_dtype().np)


def _in_f64(fn, d: np.ndarray) -> np.ndarray:
    """``fn`` on ``d`` evaluated in double, rounded once to ``d``'s dtype."""
    with np.errstate(all="ignore"):
        return np.asarray(fn(d.astype(np.float64)), dtype=np.float64).astype(d.dtype)


def _check_tensor(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )


def _unary(name, fn, cls, input, saved=("self",), attrs=None, result=False):
    _check_tensor(name, input)
    d = _float_data(input)
    out = _make(_in_f64(fn, d))
    if needs_grad(input) and d.dtype.kind == "f":
        record(
            cls,
            out,
            (input,),
            {k: input for k in saved} or None,
            attrs,
            "result" if result else None,
        )
    return out


# --- gamma family -------------------------------------------------------------------
def _lgamma1(v: float) -> float:
    try:
        return math.lgamma(v)
    except ValueError:  # the poles 0, -1, -2, ...
        return math.inf


_lgamma_np = np.vectorize(_lgamma1, otypes=[np.float64])

# B_2, B_4, ..., B_16 / (2j)!, for the Euler-Maclaurin tails below.
_B2J = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_SHIFT = 12.0  # the asymptotic tails are evaluated at x >= _SHIFT


def _digamma_np(x: np.ndarray) -> np.ndarray:
    """psi(x): reflection below 0, recurrence up to ``_SHIFT``, then the asymptotic series."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    neg = x < 0
    z = np.where(neg, 1 - x, x)  # psi(x) = psi(1 - x) - pi / tan(pi x)
    acc = np.zeros_like(z)
    while True:
        low = z < _SHIFT
        if not low.any():
            break
        acc = acc - np.where(low, 1 / np.where(low, z, 1.0), 0.0)
        z = np.where(low, z + 1, z)
    z2 = 1 / (z * z)
    series = np.zeros_like(z)
    for j in range(len(_B2J), 0, -1):
        series = series * z2 + _B2J[j - 1] / (2 * j)
    out = np.log(z) - 0.5 / z - series * z2 + acc
    with np.errstate(all="ignore"):
        refl = out - math.pi / np.tan(math.pi * x)
    out = np.where(neg, refl, out)
    out = np.where(x == 0, -np.inf, out)
    out = np.where(neg & (x == np.floor(x)), np.nan, out)
    out = np.where(np.isposinf(x), np.inf, out)
    return out


def _polygamma_np(n: int, x: np.ndarray) -> np.ndarray:
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n+1, x) for n >= 1 (Hurwitz zeta by Euler-Maclaurin)."""
    if n == 0:
        return _digamma_np(x)
    x = np.asarray(x, dtype=np.float64)
    s = n + 1
    z = x.copy()
    acc = np.zeros_like(z)
    with np.errstate(all="ignore"):
        while True:  # zeta(s, x) = x^-s + zeta(s, x + 1)
            low = z < _SHIFT
            if not low.any():
                break
            acc = acc + np.where(low, np.where(low, z, 1.0) ** -s, 0.0)
            z = np.where(low, z + 1, z)
        tail = z ** (1 - s) / (s - 1) + 0.5 * z**-s
        rising = 1.0  # s (s + 1) ... (s + 2j - 2) / (2j)!
        for j, b in enumerate(_B2J, 1):
            rising = rising * (s + 2 * j - 2) * ((s + 2 * j - 3) if j > 1 else 1)
            rising = rising / ((2 * j) * (2 * j - 1))
            tail = tail + b * rising * z ** (-s - 2 * j + 1)
        zeta = acc + tail
        out = (-1.0) ** (n + 1) * math.factorial(n) * zeta
    return np.where(np.isposinf(x), 0.0, out)


def _lgamma_backward(node, grad):
    return grad * digamma(node.saved("self"))


LgammaBackward0 = node_class("LgammaBackward0", _lgamma_backward, saved=("self",))


def lgamma(input, *, out=None):
    return _out(out, _unary("lgamma", _lgamma_np, LgammaBackward0, input), "lgamma")


def _digamma_backward(node, grad):
    return grad * polygamma(1, node.saved("self"))


DigammaBackward0 = node_class("DigammaBackward0", _digamma_backward, saved=("self",))


def digamma(input, *, out=None):
    return _out(out, _unary("digamma", _digamma_np, DigammaBackward0, input), "digamma")


def _polygamma_backward(node, grad):
    return grad * polygamma(node._attrs["n"] + 1, node.saved("self"))


PolygammaBackward0 = node_class(
    "PolygammaBackward0", _polygamma_backward, saved=("self",), attrs=("n",)
)


def polygamma(n, input, *, out=None):
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(
            f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}"
        )
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return digamma(input, out=out)
    res = _unary(
        "polygamma",
        lambda d: _polygamma_np(n, d),
        PolygammaBackward0,
        input,
        attrs={"n": n},
    )
    return _out(out, res, "polygamma")


def _polygamma_method(self, n):
    return polygamma(n, self)


METHODS["polygamma"] = _polygamma_method


# --- erfinv ----------------------------------------------------------------------------
_erf_v = np.vectorize(math.erf, otypes=[np.float64])
_erfc_v = np.vectorize(math.erfc, otypes=[np.float64])


def _erfinv_np(y: np.ndarray) -> np.ndarray:
    """Giles' approximation, then Newton steps on erf (erfc in the tails) to full double."""
    y = np.asarray(y, dtype=np.float64)
    a = np.abs(y)
    inside = a < 1
    t = np.where(inside, a, 0.0)
    w = -np.log((1 - t) * (1 + t))
    w1 = w - 2.5
    p1 = 2.81022636e-08
    for c in (
        3.43273939e-07,
        -3.5233877e-06,
        -4.39150654e-06,
        0.00021858087,
        -0.00125372503,
        -0.00417768164,
        0.246640727,
        1.50140941,
    ):
        p1 = c + p1 * w1
    w2 = np.sqrt(w) - 3
    p2 = -0.000200214257
    for c in (
        0.000100950558,
        0.00134934322,
        -0.00367342844,
        0.00573950773,
        -0.0076224613,
        0.00943887047,
        1.00167406,
        2.83297682,
    ):
        p2 = c + p2 * w2
    x = np.where(w < 5, p1, p2) * t
    tail = t > 0.5
    for _ in range(50):  # quadratic once close; Giles' guess is coarse far in the tails
        slope = (2 / math.sqrt(math.pi)) * np.exp(-x * x)
        resid = np.where(tail, _erfc_v(x) - (1 - t), _erf_v(x) - t)
        step = resid / slope
        x = np.where(tail, x + step, x - step)
        if not (np.abs(step) > 1e-15 * np.abs(x)).any():
            break
    x = np.where(inside, x, np.where(a == 1, np.inf, np.nan))
    return np.copysign(x, y)


def _erfinv_backward(node, grad):
    return 0.5 * math.sqrt(math.pi) * exp(erfinv(node.saved("self")) ** 2) * grad


ErfinvBackward0 = node_class("ErfinvBackward0", _erfinv_backward, saved=("self",))


def erfinv(input, *, out=None):
    return _out(out, _unary("erfinv", _erfinv_np, ErfinvBackward0, input), "erfinv")


# --- sinc, sgn, logit, entr ------------------------------------------------------------
def _sinc_np(x):
    px = math.pi * x
    with np.errstate(all="ignore"):
        return np.where(x == 0, 1.0, np.sin(px) / px)


def _sinc_backward(node, grad):
    self = node.saved("self")
    self_pi = self * math.pi
    self_squared_pi = self * self * math.pi
    out = grad * ((self_pi * self_pi.cos()) - self_pi.sin()) / self_squared_pi
    return where(self_squared_pi == 0.0, _make(np.zeros((), dtype=grad._data.dtype)), out)


SincBackward0 = node_class("SincBackward0", _sinc_backward, saved=("self",))


def sinc(input, *, out=None):
    return _out(out, _unary("sinc", _sinc_np, SincBackward0, input), "sinc")


SgnBackward0 = node_class("SgnBackward0", zero_grad, saved=("result", "self"))


def sgn(input, *, out=None):
    """``torch.sgn``: ``sign`` for real tensors (its gradient is zero), as its own node."""
    _check_tensor("sgn", input)
    res = sign(input).detach()
    if needs_grad(input):
        record(SgnBackward0, res, (input,), {"self": input}, None, "result")
    return _out(out, res, "sgn")


def _logit_backward(node, grad):
    self, eps = node.saved("self"), node._attrs["eps"]
    deriv = grad / (self * (1 - self))
    zero = _make(np.zeros((), dtype=grad._data.dtype))
    if eps is None:
        return where((self < 0) | (self > 1), zero + math.nan, deriv)
    return where((self < eps) | (self > 1 - eps), zero, deriv)


LogitBackward0 = node_class("LogitBackward0", _logit_backward, saved=("self",), attrs=("eps",))


def logit(input, eps=None, *, out=None):
    _check_tensor("logit", input)
    d = _float_data(input)
    if eps is not None:
        d = np.clip(d, d.dtype.type(eps), d.dtype.type(1 - eps))
    with np.errstate(all="ignore"):
        res = np.log(d / (1 - d))
    o = _make(np.asarray(res, dtype=d.dtype))
    if needs_grad(input) and d.dtype.kind == "f":
        record(LogitBackward0, o, (input,), {"self": input}, {"eps": eps})
    return _out(out, o, "logit")


def _entr_np(x):
    with np.errstate(all="ignore"):
        r = -x * np.log(x)
    r = np.where(x == 0, 0.0, r)
    return np.where(x < 0, -np.inf, r)


def _entr_backward(node, grad):
    return grad * -(1 + log(node.saved("self")))


SpecialEntrBackward0 = node_class("SpecialEntrBackward0", _entr_backward, saved=("self",))


def entr(input, *, out=None):
    """``torch.special.entr``: ``-x log(x)``, 0 at 0 and -inf below."""
    return _out(out, _unary("special_entr", _entr_np, SpecialEntrBackward0, input), "special_entr")


# --- xlogy / xlog1py / copysign: tensor-tensor, number-tensor, tensor-number nodes ----------
def _xlogy_self_backward(self, other, grad, log_fn):
    """``grad * xlogy(self != 0 | other > 0, other)`` (``xlog1py`` and ``other > -1`` for
    log1p): PyTorch 2.13's, whose derivative at ``self == 0`` is ``log(other)`` wherever
    that is finite (what ``xlogy(concentration - 1, value)`` at concentration 1 needs)."""
    floor = -1 if log_fn == "xlog1py" else 0
    nz = np.asarray(_data(self) != 0) | np.asarray(_data(other) > floor)
    nz = _make(nz)
    g = grad * _xlog(log_fn, nz, other)
    # (a bool mask and a Python number make the default float: the engine gives the
    # gradient its input's dtype, as PyTorch's does)
    return g if g.dtype == self.dtype else g.to(self.dtype)


def _data(value):
    return value._data if isinstance(value, Tensor) else value


def _xlog_backward_pair(log_fn, shift):
    def backward(node, grad):
        self, other = node.saved("self"), node.saved("other")
        gs = _xlogy_self_backward(self, other, grad, log_fn) if _wants(node, 0) else None
        go = grad * self / (other + shift if shift else other) if _wants(node, 1) else None
        return gs, go

    return backward


def _xlog_backward_number_self(shift):
    def backward(node, grad):
        self, other = node._attrs["self"], node.saved("other")
        return grad * self / (other + shift if shift else other)

    return backward


def _xlog_backward_number_other(log_fn):
    def backward(node, grad):
        self, other = node.saved("self"), node._attrs["other"]
        return _xlogy_self_backward(self, other, grad, log_fn)

    return backward


def _wants(node, i) -> bool:
    return node.next_functions[i][0] is not None


_LOG = UNARY["log"][0]


def _xlogy_np(x, y):
    # ATen's kernel: x * std::log(y), the log rounded to float32 first (UNARY["log"]: numpy's
    # own float32 log differs from it in ~20% of elements)
    with np.errstate(all="ignore"):
        r = x * _LOG(np.asarray(y))
    return np.where((x == 0) & ~np.isnan(y), 0, r)


def _xlog1py_np(x, y):
    with np.errstate(all="ignore"):
        r = x * np.log1p(y)
    return np.where((x == 0) & ~np.isnan(y), 0, r)


XlogyBackward0 = node_class(
    "XlogyBackward0", _xlog_backward_pair("xlogy", 0), saved=("other", "self"), base=BinaryNode
)
XlogyBackward1 = node_class(
    "XlogyBackward1", _xlog_backward_number_self(0), saved=("other",), attrs=("self",)
)
XlogyBackward2 = node_class(
    "XlogyBackward2", _xlog_backward_number_other("xlogy"), saved=("self",), attrs=("other",)
)
SpecialXlog1PyBackward0 = node_class(
    "SpecialXlog1PyBackward0",
    _xlog_backward_pair("xlog1py", 1),
    saved=("other", "self"),
    base=BinaryNode,
)
SpecialXlog1PyBackward1 = node_class(
    "SpecialXlog1PyBackward1", _xlog_backward_number_self(1), saved=("other",), attrs=("self",)
)
SpecialXlog1PyBackward2 = node_class(
    "SpecialXlog1PyBackward2",
    _xlog_backward_number_other("xlog1py"),
    saved=("self",),
    attrs=("other",),
)
_XLOG = {
    "xlogy": (_xlogy_np, (XlogyBackward0, XlogyBackward1, XlogyBackward2)),
    "xlog1py": (
        _xlog1py_np,
        (SpecialXlog1PyBackward0, SpecialXlog1PyBackward1, SpecialXlog1PyBackward2),
    ),
}


def _float_operands(name, a, b):
    """The two operands as float arrays of the promoted dtype (integers: the default float)."""
    if isinstance(a, Tensor):
        ad, bd, dt = binary_operands(a, b)
    elif isinstance(b, Tensor):
        bd, ad, dt = binary_operands(b, a)
    else:
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got "
            f"({type(a).__name__}, {type(b).__name__})"
        )
    if dt.kind != "f":
        dt = get_default_dtype().np
    return np.asarray(ad, dtype=dt), np.asarray(bd, dtype=dt), dt


def _xlog(name, input, other):
    np_fn, (both, number_self, number_other) = _XLOG[name]
    ad, bd, dt = _float_operands(name, input, other)
    out = _make(np.asarray(np_fn(ad, bd), dtype=dt))
    a_t, b_t = isinstance(input, Tensor), isinstance(other, Tensor)
    saved = {"self": input, "other": other}
    if a_t and b_t:
        if needs_grad(input, other):
            record(
                both,
                out,
                (input, other),
                saved,
                fields={"input_shapes": (input._data.shape, other._data.shape)},
            )
    elif a_t:
        if needs_grad(input):
            record(number_other, out, (input,), {"self": input}, {"other": other})
    elif needs_grad(other):
        record(number_self, out, (other,), {"other": other}, {"self": input})
    return out


def xlogy(input, other, *, out=None):
    return _out(out, _xlog("xlogy", input, other), "xlogy")


def xlog1py(input, other, *, out=None):
    """``torch.special.xlog1py``: ``input * log1p(other)``, 0 where ``input`` is 0."""
    return _out(out, _xlog("xlog1py", input, other), "special_xlog1py")


def _copysign_backward(node, grad):
    self, result = node.saved("self"), node.saved("result")
    ratio = result / self
    ratio = where(self == 0, _make(np.zeros((), dtype=ratio._data.dtype)), ratio)
    gs = grad * ratio
    if isinstance(node, CopysignBackward0):
        return gs, _make(np.zeros(node.input_shapes[1], dtype=gs._data.dtype))
    return gs


CopysignBackward0 = node_class(
    "CopysignBackward0", _copysign_backward, saved=("result", "self"), base=BinaryNode
)
CopysignBackward1 = node_class(
    "CopysignBackward1", _copysign_backward, saved=("result", "self"), base=Node
)


def copysign(input, other, *, out=None):
    _check_tensor("copysign", input)
    ad, bd, dt = _float_operands("copysign", input, other)
    res = _make(np.copysign(ad, bd).astype(dt))
    if isinstance(other, Tensor):
        if needs_grad(input, other):
            record(
                CopysignBackward0,
                res,
                (input, other),
                {"self": input},
                None,
                "result",
                fields={"input_shapes": (input._data.shape, other._data.shape)},
            )
    elif needs_grad(input):
        record(CopysignBackward1, res, (input,), {"self": input}, None, "result")
    return _out(out, res, "copysign")


def _out(out, result, name):
    return result if out is None else write_out(name, out, result)


# --- small composites PyTorch defines in terms of other ops ---------------------------------
def positive(input):
    """``torch.positive``: the input itself (PyTorch refuses bool)."""
    if input._data.dtype.kind == "b":
        raise TypeError(
            "The `+` operator, on a bool tensor is not supported.",
        )
    return input


def msort(input):
    return input.sort(0)[0]


def ravel(input):
    return input.reshape(-1)


def broadcast_shapes(*shapes):
    return Size(
        np.broadcast_shapes(*(tuple(s) if not isinstance(s, int) else (s,) for s in shapes))
    )


def broadcast_tensors(*tensors):
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t if tuple(t.shape) == tuple(shape) else t.expand(shape) for t in tensors)


def is_same_size(input, other) -> bool:
    return input.shape == other.shape


def detach(input):
    return input.detach()
