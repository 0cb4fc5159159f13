"""``VonMises(loc, concentration)``: the circular normal, for angles."""

import math

import numpy as np

from ..autograd import no_grad
from ..core import _creation
from ..core._dtype import float64
from ..core.tensor import Size, Tensor
from ..ops import cos, where
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property

__all__ = ["VonMises"]

# Abramowitz & Stegun 9.8.1-9.8.4: I0 and I1 as polynomials in (x / 3.75)^2 below 3.75 and,
# scaled by sqrt(x) e^-x, in 3.75 / x above (relative error below about 2e-7). PyTorch's
# VonMises uses these (not torch.special.i0), so the log-densities agree to rounding.
_I0_SMALL = (1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2)
_I0_LARGE = (
    0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2,
    -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2,
)  # fmt: skip
_I1_SMALL = (0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3)
_I1_LARGE = (
    0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1,
    0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2,
)  # fmt: skip


def _eval_poly(y, coefs):
    """Horner's rule, differentiable in ``y``."""
    result = coefs[-1]
    for c in reversed(coefs[:-1]):
        result = c + y * result
    return result


def _log_modified_bessel_fn(x, order=0):
    """``log I_order(x)`` for ``x > 0`` and ``order`` 0 or 1 (differentiable in ``x``)."""
    if order not in (0, 1):
        raise AssertionError(f"order must be 0 or 1, got {order}")
    small_coefs, large_coefs = (_I0_SMALL, _I0_LARGE) if order == 0 else (_I1_SMALL, _I1_LARGE)
    small = _eval_poly((x / 3.75) * (x / 3.75), small_coefs)
    if order == 1:
        small = x.abs() * small
    small = small.log()
    large = x - 0.5 * x.log() + _eval_poly(3.75 / x, large_coefs).log()
    return where(x < 3.75, small, large)


def _rejection_sample(loc, concentration, proposal_r, shape) -> np.ndarray:
    """Best & Fisher (1979): wrapped-Cauchy proposals accepted by a squeeze test, three
    float64 uniforms of the library's stream per round (PyTorch's rounds and order, so the
    seeded draws are PyTorch's). Float64 arrays in, float64 angles in ``[-pi, pi)`` out."""
    x = np.zeros(shape)
    done = np.zeros(shape, dtype=bool)
    while not done.all():
        u1, u2, u3 = _creation.rand((3, *shape), dtype=float64)._data
        z = np.cos(math.pi * u1)
        f = (1 + proposal_r * z) / (proposal_r + z)
        c = concentration * (proposal_r - f)
        with np.errstate(divide="ignore", invalid="ignore"):
            accept = ((c * (2 - c) - u2) > 0) | (np.log(c / u2) + 1 - c >= 0)
        if accept.any():
            x = np.where(accept, np.sign(u3 - 0.5) * np.arccos(f), x)
            done = done | accept
    return (x + math.pi + loc) % (2 * math.pi) - math.pi


class VonMises(Distribution):
    """The von Mises distribution on the circle: density ``exp(concentration * cos(x -
    loc)) / (2 pi I0(concentration))``. ``loc`` and values may be any real numbers (angles
    modulo ``2 pi``); ``mean`` and ``variance`` are the circular ones. No ``rsample`` (as in
    PyTorch); ``sample`` is a rejection sampler whose seeded draws are PyTorch's."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, Size(), validate_args)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.concentration * cos(value - self.loc)
        return (
            log_prob - math.log(2 * math.pi) - _log_modified_bessel_fn(self.concentration, order=0)
        )

    @lazy_property
    def _proposal_r(self) -> np.ndarray:
        kappa = self.concentration.detach()._data.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = 1 + np.sqrt(1 + 4 * kappa**2)
            rho = (tau - np.sqrt(2 * tau)) / (2 * kappa)
            proposal = (1 + rho**2) / (2 * rho)
            taylor = 1 / kappa + kappa
        return np.where(kappa < 1e-5, taylor, proposal)

    def sample(self, sample_shape=Size()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        with no_grad():
            loc = self.loc.detach()._data.astype(np.float64)
            kappa = self.concentration.detach()._data.astype(np.float64)
            angles = _rejection_sample(loc, kappa, self._proposal_r, shape)
            return _creation.tensor(angles.astype(self.loc.dtype.np))

    def expand(self, batch_shape, _instance=None):
        validate_args = self.__dict__.get("_validate_args")
        loc = self.loc.expand(batch_shape)
        concentration = self.concentration.expand(batch_shape)
        return type(self)(loc, concentration, validate_args=validate_args)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        log_i1 = _log_modified_bessel_fn(self.concentration, order=1)
        log_i0 = _log_modified_bessel_fn(self.concentration, order=0)
        return 1 - (log_i1 - log_i0).exp()
