"""``StudentT(df, loc=0.0, scale=1.0)``: the heavy-tailed t distribution, a normal over the
square root of an independent ``Chi2(df) / df``."""

import math

from ..core import _creation
from ..core.tensor import Size
from ..ops import digamma, lgamma, rsqrt
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["StudentT"]


class StudentT(Distribution):
    """Student's t distribution with ``df`` degrees of freedom, location ``loc`` and scale
    ``scale``.

    ``rsample`` is ``loc + scale * X / sqrt(Z / df)`` with ``X`` a standard normal and
    ``Z ~ Chi2(df)``: differentiable in all three parameters (in ``df`` by the gamma's
    implicit gradient). The seeded values differ from PyTorch's (its gamma sampler is its own).
    ``mean`` is nan where ``df <= 1``; ``variance`` is inf for ``1 < df <= 2`` and nan below."""

    arg_constraints = {
        "df": constraints.positive,
        "loc": constraints.real,
        "scale": constraints.positive,
    }
    support = constraints.real
    has_rsample = True

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None) -> None:
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        super().__init__(self.df.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(StudentT, _instance)
        batch_shape = Size(batch_shape)
        new.df = self.df.expand(batch_shape)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        new._chi2 = self._chi2.expand(batch_shape)
        super(StudentT, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        mean = self.loc.clone()
        mean[self.df <= 1] = math.nan
        return mean

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        # NOTE: masked assignment (not ``where``), so that no gradient reaches ``df`` or
        # ``scale`` through the undefined branches (a ``where`` would send 0 * inf = nan)
        df = self.df
        finite = df > 2
        var = df.clone()
        var[finite] = self.scale[finite].pow(2) * df[finite] / (df[finite] - 2)
        var[(df <= 2) & (df > 1)] = math.inf
        var[df <= 1] = math.nan
        return var

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        x = _creation.empty(shape, dtype=self.df.dtype).normal_()
        z = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * (x * rsqrt(z / self.df))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        log_norm = (
            self.scale.log()
            + 0.5 * self.df.log()
            + 0.5 * math.log(math.pi)
            + lgamma(0.5 * self.df)
            - lgamma(0.5 * (self.df + 1.0))
        )
        return -0.5 * (self.df + 1.0) * (y**2.0 / self.df).log1p() - log_norm

    def entropy(self):
        log_beta = lgamma(0.5 * self.df) + math.lgamma(0.5) - lgamma(0.5 * (self.df + 1))
        return (
            self.scale.log()
            + 0.5 * (self.df + 1) * (digamma(0.5 * (self.df + 1)) - digamma(0.5 * self.df))
            + 0.5 * self.df.log()
            + log_beta
        )
