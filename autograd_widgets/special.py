"""``torch.special``: SciPy-named special functions, each the op PyTorch runs (same ``grad_fn``)."""

from __future__ import annotations

import math

from . import ops as _ops
from ._out import write_out
from .core._dtype import get_default_dtype
from .core.tensor import Tensor
from .ops._bessel_gamma import special_gammainc as gammainc
from .ops._bessel_gamma import special_gammaincc as gammaincc
from .ops._bessel_gamma import special_i0 as i0
from .ops._bessel_gamma import special_i0e as i0e
from .ops._bessel_gamma import special_i1 as i1
from .ops._bessel_gamma import special_i1e as i1e
from .ops._bessel_gamma import special_multigammaln as multigammaln
from .ops._special_fns import entr, xlog1py
from .ops.pointwise import _add_scalar, _mul_scalar

__all__ = [
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammainc",
    "gammaincc",
    "gammaln",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "log1p",
    "log_softmax",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "xlog1py",
    "xlogy",
]

digamma = psi = _ops.digamma
erf = _ops.erf
erfc = _ops.erfc
erfinv = _ops.erfinv
exp2 = _ops.exp2
expit = _ops.sigmoid
expm1 = _ops.expm1
gammaln = _ops.lgamma
log1p = _ops.log1p
logit = _ops.logit
polygamma = _ops.polygamma
sinc = _ops.sinc
xlogy = _ops.xlogy


def logsumexp(input, dim, keepdim=False, *, out=None):
    result = _ops.logsumexp(input, dim, keepdim)
    return result if out is None else write_out("special_logsumexp", out, result)


def softmax(input, dim, *, dtype=None):
    return _ops.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    return _ops.log_softmax(input, dim, dtype=dtype)


def round(input, *, decimals=0, out=None):  # noqa: A001
    result = _ops.round(input, decimals=decimals)
    return result if out is None else write_out("round", out, result)


def ndtr(input, *, out=None):
    """The standard normal CDF, as PyTorch composes it: ``(1 + erf(x / sqrt(2))) * 0.5``."""
    if not isinstance(input, Tensor):
        raise TypeError(
            "special_ndtr(): argument 'self' (position 1) must be Tensor, not "
            f"{type(input).__name__}"
        )
    x = input if input.is_floating_point() else input.to(get_default_dtype())
    result = _mul_scalar(_add_scalar(_ops.erf(_mul_scalar(x, math.sqrt(0.5))), 1), 0.5)
    return result if out is None else write_out("special_ndtr", out, result)


_unused = (entr, xlog1py, gammainc, gammaincc, i0, i0e, i1, i1e, multigammaln)
