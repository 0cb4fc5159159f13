"""``Dirichlet(concentration)``: random probability vectors, reparameterized through
normalised gamma draws."""

import numpy as np

from ..core._dtype import float64
from ..core.tensor import Size
from ..nn.functional import one_hot
from ..ops import digamma, lgamma, xlogy
from . import constraints
from ._samplers import _standard_gamma
from .exp_family import ExponentialFamily

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """The Dirichlet distribution over the simplex; the last dimension of
    ``concentration`` is the event.

    ``rsample`` normalises independent ``Gamma(concentration_i, 1)`` draws, each
    differentiable by its implicit gradient, so gradients reach ``concentration`` (PyTorch
    differentiates its Dirichlet sampler by another unbiased formula: single-sample
    gradients differ, their expectations agree). The seeded sample values differ from
    PyTorch's."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None) -> None:
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        batch_shape, event_shape = concentration.shape[:-1], concentration.shape[-1:]
        super().__init__(Size(batch_shape), Size(event_shape), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Dirichlet, _instance)
        batch_shape = Size(batch_shape)
        new.concentration = self.concentration.expand(tuple(batch_shape) + tuple(self.event_shape))
        super(Dirichlet, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        # ATen's _sample_dirichlet: the gammas in double (no underflow), normalised, cast back
        conc = self.concentration.expand(shape)
        gammas = _standard_gamma(conc.to(float64))
        out = (gammas / gammas.sum(-1, keepdim=True)).to(conc.dtype)
        info = np.finfo(out._data.dtype)  # ATen clamps to [min normal, nexttoward(1, 0)]
        return out.clamp(float(info.tiny), float(np.nextafter(info.dtype.type(1), 0)))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (
            xlogy(self.concentration - 1.0, value).sum(-1)
            + lgamma(self.concentration.sum(-1))
            - lgamma(self.concentration).sum(-1)
        )

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self):
        concentrationm1 = (self.concentration - 1).clamp(min=0.0)
        mode = concentrationm1 / concentrationm1.sum(-1, True)
        mask = (self.concentration < 1).all(dim=-1)
        if bool(mask.any()):
            peaks = one_hot(mode[mask].argmax(dim=-1), concentrationm1.shape[-1])
            mode[mask] = peaks.to(mode)
        return mode

    @property
    def variance(self):
        con0 = self.concentration.sum(-1, True)
        return self.concentration * (con0 - self.concentration) / (con0.pow(2) * (con0 + 1))

    def entropy(self):
        k = self.concentration.size(-1)
        a0 = self.concentration.sum(-1)
        return (
            lgamma(self.concentration).sum(-1)
            - lgamma(a0)
            - (k - a0) * digamma(a0)
            - ((self.concentration - 1.0) * digamma(self.concentration)).sum(-1)
        )

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - lgamma(x.sum(-1))
