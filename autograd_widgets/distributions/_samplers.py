"""The samplers behind Gamma, Beta, Dirichlet, Poisson, Binomial and Cauchy (``torch._standard_gamma``,
``torch.poisson``, ``torch.binomial``), and the implicit reparameterisation gradient of the
gamma sample (``torch._standard_gamma_grad``).

The draws are ATen's samplers (``sample_gamma``, ``sample_poisson``, ``sample_binomial``) on
the library's generator (``core._random``), so after ``manual_seed`` they are PyTorch's
numbers. The gradient of a gamma sample ``x ~ Gamma(a, 1)`` with
respect to ``a`` is the implicit one, ``dx/da = -(dP/da)(a, x) / p(x; a)``, with ``P`` the
regularised lower incomplete gamma function (a series below ``a + 1``, the continued fraction
of ``Q = 1 - P`` above) and ``dP/da`` a five-point finite difference of it in ``a``.
"""

from __future__ import annotations

import numpy as np

from ..autograd.node import node_class
from ..core._creation import _rng
from ..core._creation import empty as _empty
from ..core._dtype import float64
from ..core.tensor import Tensor
from ..ops._core import needs_grad, record
from ..ops._special_fns import _lgamma_np

__all__: list = []

_make = Tensor._make
_EPS = np.finfo(np.float64).eps
_TINY = np.finfo(np.float64).tiny


def _log_prefactor(a, x):
    """``log(x**a * exp(-x) / Gamma(a))``."""
    with np.errstate(divide="ignore"):
        return a * np.log(x) - x - _lgamma_np(a)


def _p_series(a, x):
    """``P(a, x) = x**a e**-x / Gamma(a) * sum_n x**n / (a (a+1) ... (a+n))``."""
    term = 1.0 / a
    total = term.copy()
    active = np.arange(a.size)
    for n in range(1, 100000):
        term[active] *= x[active] / (a[active] + n)
        total[active] += term[active]
        active = active[np.abs(term[active]) > np.abs(total[active]) * 1e-17]
        if not active.size:
            break
    return np.exp(_log_prefactor(a, x)) * total


def _q_fraction(a, x):
    """``Q(a, x)`` by the modified Lentz evaluation of its continued fraction (``x > a + 1``)."""
    b = x + 1.0 - a
    c = np.full_like(b, 1e300)
    d = 1.0 / b
    h = d.copy()
    active = np.arange(a.size)
    for i in range(1, 100000):
        an = -i * (i - a[active])
        b[active] += 2.0
        d_new = an * d[active] + b[active]
        d_new = np.where(np.abs(d_new) < 1e-300, 1e-300, d_new)
        c_new = b[active] + an / c[active]
        c_new = np.where(np.abs(c_new) < 1e-300, 1e-300, c_new)
        d[active] = 1.0 / d_new
        c[active] = c_new
        delta = d[active] * c_new
        h[active] *= delta
        active = active[np.abs(delta - 1.0) > 1e-15]
        if not active.size:
            break
    return np.exp(_log_prefactor(a, x)) * h


def _standard_gamma_grad_np(a, x) -> np.ndarray:
    """``dx/da`` for ``x ~ Gamma(a, 1)``, float64 arrays of one shape."""
    a = np.asarray(a, np.float64).ravel()
    x = np.maximum(np.asarray(x, np.float64).ravel(), _TINY)
    h = 1e-3 * a
    low = x < a + 1

    def part(shift):
        shifted = a + shift
        out = np.empty_like(x)
        if low.any():
            out[low] = _p_series(shifted[low], x[low])
        if (~low).any():
            out[~low] = -_q_fraction(shifted[~low], x[~low])
        return out

    dp_da = (-part(2 * h) + 8 * part(h) - 8 * part(-h) + part(-2 * h)) / (12 * h)
    density = np.exp(_log_prefactor(a, x) - np.log(x))
    return -dp_da / density


def _standard_gamma_backward(node, grad):
    alpha = node.saved("self")
    result = node.saved("result")
    d = _standard_gamma_grad_np(alpha._data, result._data).reshape(alpha.shape)
    return grad * _make(d.astype(alpha._data.dtype))


StandardGammaBackward0 = node_class(
    "StandardGammaBackward0", _standard_gamma_backward, saved=("self", "result")
)


def _standard_gamma(alpha: Tensor, generator=None) -> Tensor:
    """``torch._standard_gamma``: a ``Gamma(alpha, 1)`` draw per element (at least the
    dtype's smallest normal number), differentiable in ``alpha`` (implicit gradient)."""
    out = _make(_rng(generator).standard_gamma(np.asarray(alpha._data)))
    if needs_grad(alpha):
        record(StandardGammaBackward0, out, (alpha,), {"self": alpha}, output_saved="result")
    return out


def _standard_gamma_grad(alpha: Tensor, x: Tensor) -> Tensor:
    """``torch._standard_gamma_grad(alpha, x)``: ``dx/dalpha`` at the sample ``x``."""
    d = _standard_gamma_grad_np(alpha._data, x._data).reshape(alpha.shape)
    return _make(d.astype(alpha._data.dtype))


def _standard_cauchy(shape, dtype) -> Tensor:
    """``Tensor.cauchy_()``'s draw: ``tan(pi (u - 1/2))`` of a float64 uniform of the library's
    stream, rounded to ``dtype`` (PyTorch's CPU kernel works in double the same way, so the
    seeded values are PyTorch's)."""
    u = _empty(shape, dtype=float64).uniform_()._data
    return _make(np.tan(np.pi * (u - 0.5)).astype(dtype.np))
