"""Activations PyTorch implements as single kernels (one ``grad_fn`` each)."""

from __future__ import annotations

import math

import numpy as np

from ...autograd.node import node_class
from ...ops import inplace as _inplace
from ...ops import pointwise as _pw
from ...ops._core import Tensor, as_float_input, needs_grad, not_implemented_for, record, wrap_dim
from ...ops.shape import cat

_make = Tensor._make

__all__ = [
    "leaky_relu",
    "gelu",
    "silu",
    "elu",
    "softplus",
    "hardtanh",
    "relu6",
    "mish",
    "logsigmoid",
    "glu",
    "tanhshrink",
]


def _unary(input: Tensor, res: np.ndarray, cls, attrs=None) -> Tensor:
    out = _make(res)
    if needs_grad(input):
        record(cls, out, (input,), {"self": input}, attrs)
    return out


def _unary_result(input: Tensor, res: np.ndarray, cls, attrs=None) -> Tensor:
    """An in-place activation's node: PyTorch keeps the result, not the overwritten input."""
    out = _make(res)
    if needs_grad(input):
        record(cls, out, (input,), None, attrs, output_saved="result")
    return out


def _maybe_inplace(input, fn, inplace):
    if inplace:
        return _inplace.apply_inplace(input, fn)
    return fn(input)


# --- leaky_relu -------------------------------------------------------------------------------
def _leaky_relu_backward(n, grad):
    x = n.saved("self")
    slope = n._attrs["negative_slope"]
    return grad * _make(np.where(x._data > 0, 1.0, slope).astype(grad._data.dtype))


def _leaky_relu_backward_result(n, grad):
    r = n.saved("result")
    slope = n._attrs["negative_slope"]
    return grad * _make(np.where(r._data > 0, 1.0, slope).astype(grad._data.dtype))


LeakyReluBackward0 = node_class(
    "LeakyReluBackward0", _leaky_relu_backward, saved=("self",), attrs=("negative_slope",)
)
# In-place variants carry PyTorch's "...Backward1" names and keep the result instead.
LeakyReluBackward1 = node_class(
    "LeakyReluBackward1",
    _leaky_relu_backward_result,
    saved=("result",),
    attrs=("negative_slope",),
)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    def f(x):
        d = as_float_input(x)
        res = np.where(d > 0, d, d * d.dtype.type(negative_slope))
        attrs = {"negative_slope": negative_slope}
        if inplace:
            return _unary_result(x, res, LeakyReluBackward1, attrs)
        return _unary(x, res, LeakyReluBackward0, attrs)

    return _maybe_inplace(input, f, inplace)


# --- gelu ---------------------------------------------------------------------------------------
_SQRT1_2 = 1 / math.sqrt(2)
_SQRT_2_PI = math.sqrt(2 / math.pi)


def _gelu_backward(n, grad):
    x = n.saved("self")
    if n._attrs["approximate"] == "tanh":
        inner = (x + x * x * x * 0.044715) * _SQRT_2_PI
        t = inner.tanh()
        d_inner = (x * x * (3 * 0.044715) + 1) * _SQRT_2_PI
        return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * d_inner)
    cdf = ((x * _SQRT1_2).erf() + 1) * 0.5
    pdf = (x * x * -0.5).exp() * (1 / math.sqrt(2 * math.pi))
    return grad * (cdf + x * pdf)


GeluBackward0 = node_class("GeluBackward0", _gelu_backward, saved=("self",), attrs=("approximate",))


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    d = as_float_input(input)
    if approximate == "tanh":
        res = 0.5 * d * (1 + np.tanh(_SQRT_2_PI * (d + 0.044715 * d**3)))
    else:
        res = 0.5 * d * (1 + _pw._erf_np(d * _SQRT1_2))
    return _unary(
        input, res.astype(d.dtype, copy=False), GeluBackward0, {"approximate": approximate}
    )


# --- silu / mish ----------------------------------------------------------------------------------
def _silu_backward(n, grad):
    x = n.saved("self")
    s = x.sigmoid()
    return grad * (s * (1 + x * (1 - s)))


SiluBackward0 = node_class("SiluBackward0", _silu_backward, saved=("self",))


def silu(input, inplace=False):
    def f(x):
        d = as_float_input(x)
        return _unary(x, d * _pw._sigmoid_np(d), SiluBackward0)

    return _maybe_inplace(input, f, inplace)


def _mish_backward(n, grad):
    x = n.saved("self")
    sp = softplus(x)
    t = sp.tanh()
    return grad * (t + x * x.sigmoid() * (1 - t * t))


MishBackward0 = node_class("MishBackward0", _mish_backward, saved=("self",))


def mish(input, inplace=False):
    def f(x):
        d = as_float_input(x)
        return _unary(x, d * np.tanh(np.logaddexp(0, d)).astype(d.dtype), MishBackward0)

    return _maybe_inplace(input, f, inplace)


# --- elu ------------------------------------------------------------------------------------------
def _elu_backward(n, grad):
    x = n.saved("self")
    a = n._attrs
    pos = _make((x._data > 0).astype(grad._data.dtype))
    neg = (x * a["input_scale"]).exp() * (a["alpha"] * a["scale"] * a["input_scale"])
    return grad * (pos * a["scale"] + (1 - pos) * neg)


EluBackward0 = node_class(
    "EluBackward0", _elu_backward, saved=("self",), attrs=("alpha", "scale", "input_scale")
)


def _elu_backward_result(n, grad):
    # From the result: below 0 the derivative is input_scale * (result + alpha * scale).
    r = n.saved("result")
    a = n._attrs
    pos = _make((r._data > 0).astype(grad._data.dtype))
    neg = (r + a["alpha"] * a["scale"]) * a["input_scale"]
    return grad * (pos * a["scale"] + (1 - pos) * neg)


EluBackward1 = node_class(
    "EluBackward1",
    _elu_backward_result,
    saved=("result",),
    attrs=("alpha", "scale", "input_scale"),
)


def elu(input, alpha=1.0, inplace=False):
    def f(x):
        d = x._data
        if d.dtype.kind != "f":
            raise not_implemented_for("elu_cpu", d.dtype)
        res = np.where(d > 0, d, alpha * np.expm1(np.minimum(d, 0))).astype(d.dtype)
        attrs = {"alpha": alpha, "scale": 1, "input_scale": 1}
        if inplace:
            return _unary_result(x, res, EluBackward1, attrs)
        return _unary(x, res, EluBackward0, attrs)

    return _maybe_inplace(input, f, inplace)


# --- softplus ---------------------------------------------------------------------------------------
def _softplus_backward(n, grad):
    x = n.saved("self")
    beta, threshold = n._attrs["beta"], n._attrs["threshold"]
    z = x * beta
    linear = _make((z._data > threshold).astype(grad._data.dtype))
    return grad * (linear + (1 - linear) * z.sigmoid())


SoftplusBackward0 = node_class(
    "SoftplusBackward0", _softplus_backward, saved=("self",), attrs=("beta", "threshold")
)


def softplus(input, beta=1.0, threshold=20.0):
    d = as_float_input(input)
    z = d * d.dtype.type(beta)
    # NOTE: log1p(exp(-|z|)) + max(z, 0) is the overflow-free form of log(1 + exp(z)).
    soft = (np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0)) / d.dtype.type(beta)
    res = np.where(z > threshold, d, soft).astype(d.dtype)
    return _unary(input, res, SoftplusBackward0, {"beta": beta, "threshold": threshold})


# --- hardtanh / relu6 -------------------------------------------------------------------------------
def _hardtanh_backward(n, grad):
    x = n.saved("self")._data
    lo, hi = n._attrs["min_val"], n._attrs["max_val"]
    return grad * _make(((x > lo) & (x < hi)).astype(grad._data.dtype))


HardtanhBackward0 = node_class(
    "HardtanhBackward0", _hardtanh_backward, saved=("self",), attrs=("min_val", "max_val")
)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    def f(x):
        d = as_float_input(x)
        return _unary(
            x,
            np.clip(d, min_val, max_val).astype(d.dtype),
            HardtanhBackward0,
            {"min_val": min_val, "max_val": max_val},
        )

    return _maybe_inplace(input, f, inplace)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


# --- logsigmoid -------------------------------------------------------------------------------------
def _log_sigmoid_backward(n, grad):
    # NOTE: PyTorch's kernel reads buffer = exp(-|x|); sigmoid(-x) is the same derivative
    # written with ops, so it is differentiable again.
    return grad * (-n.saved("self")).sigmoid()


LogSigmoidBackward0 = node_class(
    "LogSigmoidBackward0", _log_sigmoid_backward, saved=("self", "buffer")
)


def logsigmoid(input):
    """``F.logsigmoid``: ``min(x, 0) - log1p(exp(-|x|))``, one ``LogSigmoidBackward0``."""
    x = input._data
    if x.dtype.kind != "f":
        raise not_implemented_for("log_sigmoid_cpu", x.dtype)
    z = np.exp(-np.abs(x))
    out = _make(np.asarray(np.minimum(x, 0) - np.log1p(z), dtype=x.dtype))
    if needs_grad(input):
        record(LogSigmoidBackward0, out, (input,), {"self": input, "buffer": _make(z)})
    return out


# --- glu ----------------------------------------------------------------------------------------------
def _glu_backward(n, grad):
    dim = n._attrs["dim"]
    a, b = n.saved("self").chunk(2, dim)
    s = b.sigmoid()
    return cat([grad * s, grad * a * s * (1 - s)], dim)


GluBackward0 = node_class("GluBackward0", _glu_backward, saved=("self",), attrs=("dim",))


def glu(input, dim=-1):
    """``F.glu``: ``a * sigmoid(b)`` for the two halves along ``dim``, one ``GluBackward0``."""

    x = input._data
    if x.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, x.ndim)
    if x.shape[d] % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {d} is size {x.shape[d]}"
        )
    a, b = np.split(x, 2, axis=d)
    out = _make(np.asarray(a / (1 + np.exp(-b)), dtype=x.dtype))
    if needs_grad(input):
        record(
            GluBackward0,
            out,
            (input,),
            {"self": input},
            {"dim": d},
            shown={"dim": dim} if dim < 0 else None,
        )
    return out


def tanhshrink(input):
    """``F.tanhshrink``: ``x - tanh(x)`` (composite in PyTorch: SubBackward0, TanhBackward0)."""
    return input - input.tanh()
