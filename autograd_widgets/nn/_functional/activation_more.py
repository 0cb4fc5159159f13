"""More single-kernel activations: ``selu``, ``celu``, ``hardswish``, ``hardsigmoid``,
``softshrink``, ``hardshrink`` (one ``grad_fn`` each, named and saved as PyTorch's)."""

from __future__ import annotations

import numpy as np

from ...autograd.node import node_class
from ...core._creation import _rng
from ...ops._core import Tensor, needs_grad, not_implemented_for, record, scalar_type_name
from .activation import EluBackward0, EluBackward1, _maybe_inplace, _unary, _unary_result

_make = Tensor._make

__all__ = [
    "selu",
    "celu",
    "hardswish",
    "hardsigmoid",
    "softshrink",
    "hardshrink",
    "rrelu",
    "rrelu_",
]

# SELU's constants (Klambauer et al. 2017), as ATen spells them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _floats(x: Tensor, kernel: str) -> np.ndarray:
    """``x``'s array; integer and bool inputs have no kernel here, as in PyTorch."""
    d = x._data
    if d.dtype.kind != "f":
        raise not_implemented_for(f"{kernel}_cpu", d.dtype)
    return d


def _elu_values(d: np.ndarray, alpha: float, scale: float, input_scale: float) -> np.ndarray:
    """ATen's elu kernel: ``x * scale`` above 0, ``expm1(x * input_scale) * alpha * scale``
    at or below it, in ``d``'s dtype."""
    t = d.dtype.type
    neg = np.expm1(np.minimum(d, 0) * t(input_scale)) * t(alpha * scale)
    return np.where(d > 0, d * t(scale), neg).astype(d.dtype, copy=False)


def selu(input, inplace=False):
    """``F.selu``: ``scale * elu(x, alpha)`` with the self-normalising constants."""

    def f(x):
        d = _floats(x, "elu")
        attrs = {"alpha": SELU_ALPHA, "scale": SELU_SCALE, "input_scale": 1}
        res = _elu_values(d, SELU_ALPHA, SELU_SCALE, 1.0)
        if inplace:
            return _unary_result(x, res, EluBackward1, attrs)
        return _unary(x, res, EluBackward0, attrs)

    return _maybe_inplace(input, f, inplace)


def _celu_inv_alpha(alpha) -> float:
    # NOTE: PyTorch's formula takes 1.0 / alpha.toFloat(): the float32 rounding of alpha.
    return 1.0 / float(np.float32(alpha))


def _celu_backward(n, grad):
    x = n.saved("self")
    alpha = n._attrs["alpha"]
    inv = _celu_inv_alpha(alpha)
    pos = _make((x._data > 0).astype(grad._data.dtype))
    return grad * (pos + (1 - pos) * (x * inv).exp() * (alpha * inv))


def _celu_backward_result(n, grad):
    # In place the input is gone: the derivative below 0 is (result + alpha) / alpha.
    r = n.saved("result")
    alpha = n._attrs["alpha"]
    pos = _make((r._data > 0).astype(grad._data.dtype))
    return grad * (pos + (1 - pos) * (r + alpha) * _celu_inv_alpha(alpha))


CeluBackward0 = node_class("CeluBackward0", _celu_backward, saved=("self",), attrs=("alpha",))
CeluBackward1 = node_class(
    "CeluBackward1", _celu_backward_result, saved=("result",), attrs=("alpha",)
)


def celu(input, alpha=1.0, inplace=False):
    """``F.celu``: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")

    def f(x):
        d = _floats(x, "elu")
        res = _elu_values(d, alpha, 1.0, 1.0 / alpha)
        if inplace:
            return _unary_result(x, res, CeluBackward1, {"alpha": alpha})
        return _unary(x, res, CeluBackward0, {"alpha": alpha})

    return _maybe_inplace(input, f, inplace)


def _hardswish_backward(n, grad):
    # Written with tensor ops: PyTorch's hardswish has a second derivative (1/3 inside).
    x = n.saved("self")
    d = x._data
    middle = _make(((d >= -3) & (d <= 3)).astype(d.dtype))
    above = _make((d > 3).astype(d.dtype))
    return grad * (middle * (x / 3 + 0.5) + above)


HardswishBackward0 = node_class("HardswishBackward0", _hardswish_backward, saved=("self",))


def hardswish(input, inplace=False):
    """``F.hardswish``: ``x * relu6(x + 3) / 6``."""

    def f(x):
        d = _floats(x, "hardswish")
        t = d.dtype.type
        res = d * np.minimum(np.maximum(d + t(3), t(0)), t(6)) / t(6)
        return _unary(x, res.astype(d.dtype, copy=False), HardswishBackward0)

    return _maybe_inplace(input, f, inplace)


def _hardsigmoid_backward(n, grad):
    x = n.saved("self")._data
    inside = (x > -3) & (x < 3)
    # ATen's kernel spells 1/6 as a float literal, so even float64 gradients carry its rounding.
    one_sixth = float(np.float32(1.0) / np.float32(6.0))
    return grad * _make((inside * one_sixth).astype(grad._data.dtype))


HardsigmoidBackward0 = node_class("HardsigmoidBackward0", _hardsigmoid_backward, saved=("self",))


def hardsigmoid(input, inplace=False):
    """``F.hardsigmoid``: ``relu6(x + 3) / 6``."""

    def f(x):
        d = _floats(x, "hardsigmoid")
        t = d.dtype.type
        res = np.minimum(np.maximum(d + t(3), t(0)), t(6)) / t(6)
        return _unary(x, res.astype(d.dtype, copy=False), HardsigmoidBackward0)

    return _maybe_inplace(input, f, inplace)


def _shrink_backward(n, grad):
    x = n.saved("self")._data
    lambd = n._attrs["lambd"]
    kept = (x < -lambd) | (x > lambd)
    return grad * _make(kept.astype(grad._data.dtype))


SoftshrinkBackward0 = node_class(
    "SoftshrinkBackward0", _shrink_backward, saved=("self",), attrs=("lambd",)
)
HardshrinkBackward0 = node_class(
    "HardshrinkBackward0", _shrink_backward, saved=("self",), attrs=("lambd",)
)


def _check_lambd(lambd, dt: np.dtype) -> None:
    top = float(np.finfo(dt).max)
    if not 0 <= lambd <= top:
        raise RuntimeError(
            f"lambda must be in range [0, {top:g}] for input dtype {scalar_type_name(dt)}, "
            f"but found {lambd:g}"
        )


def softshrink(input, lambd=0.5):
    """``F.softshrink``: ``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    d = _floats(input, "softshrink")
    _check_lambd(lambd, d.dtype)
    t = d.dtype.type
    res = np.where(d > t(lambd), d - t(lambd), np.where(d < -t(lambd), d + t(lambd), t(0)))
    return _unary(input, res.astype(d.dtype, copy=False), SoftshrinkBackward0, {"lambd": lambd})


def hardshrink(input, lambd=0.5):
    """``F.hardshrink``: ``x`` where ``|x| > lambd``, else 0."""
    d = _floats(input, "hardshrink")
    t = d.dtype.type
    res = np.where((d > t(lambd)) | (d < -t(lambd)), d, t(0))
    return _unary(input, res.astype(d.dtype, copy=False), HardshrinkBackward0, {"lambd": lambd})


# --- rrelu ----------------------------------------------------------------------------------------
def _rrelu_backward(n, grad):
    a = n._attrs
    # Unpacked first, as PyTorch unpacks every saved tensor (so the version check runs).
    ref = n.saved("result" if type(n) is RreluWithNoiseBackward1 else "self")._data
    if a["training"]:
        return grad * n.saved("noise")
    slope = (a["lower"] + a["upper"]) / 2
    return grad * _make(np.where(ref > 0, 1.0, slope).astype(grad._data.dtype))


RreluWithNoiseBackward0 = node_class(
    "RreluWithNoiseBackward0",
    _rrelu_backward,
    saved=("self", "noise"),
    attrs=("lower", "upper", "training"),
)
# In place: PyTorch keeps the result instead of the input.
RreluWithNoiseBackward1 = node_class(
    "RreluWithNoiseBackward1",
    _rrelu_backward,
    saved=("result", "noise"),
    attrs=("lower", "upper", "training"),
)


def _rrelu_noise(d: np.ndarray, lower: float, upper: float, generator) -> np.ndarray:
    """ATen's training kernel: one ``uniform_real_distribution<double>(lower, upper)`` draw
    per element <= 0, in order, from the default generator (so the values are PyTorch's);
    1 elsewhere. ``lower``/``upper`` are first rounded to the input's dtype."""
    t = d.dtype.type
    neg = d <= 0
    noise = np.ones(d.shape, dtype=d.dtype)
    lo, hi = float(t(lower)), float(t(upper))
    # NOTE: this scalar loop is not contracted to a fused multiply-add (unlike uniform_).
    draws = _rng(generator).random(int(neg.sum()), dtype=np.float64) * (hi - lo) + lo
    noise[neg] = draws.astype(d.dtype)
    return noise


def _rrelu(input, lower, upper, training, inplace, generator=None):
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    d = input._data
    if d.dtype.kind != "f":
        raise not_implemented_for(
            "rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu", d.dtype
        )
    t = d.dtype.type
    if training:
        noise = _rrelu_noise(d, lower, upper, generator)
        res = np.asarray(d * noise, dtype=d.dtype)
    else:
        noise = np.zeros_like(d)  # PyTorch leaves it uninitialised
        res = np.where(d > 0, d, d * t((lower + upper) / 2)).astype(d.dtype)

    def f(x):
        out = _make(res)
        if needs_grad(x):
            at = {"lower": lower, "upper": upper, "training": training}
            if inplace:
                record(RreluWithNoiseBackward1, out, (x,), {"noise": _make(noise)}, at, "result")
            else:
                record(RreluWithNoiseBackward0, out, (x,), {"self": x, "noise": _make(noise)}, at)
        return out

    return _maybe_inplace(input, f, inplace)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """``F.rrelu``: in training, each element <= 0 times a slope drawn from
    ``U(lower, upper)``; in eval, ``leaky_relu`` with slope ``(lower + upper) / 2``."""
    return _rrelu(input, lower, upper, training, inplace)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """In-place version of :func:`rrelu` (PyTorch's binding also takes a ``generator``)."""
    return _rrelu(input, lower, upper, training, True, generator)
