"""``ContinuousBernoulli(probs=... | logits=...)``: the normalised ``p^x (1 - p)^(1 - x)`` on
``[0, 1]`` (the likelihood of a VAE with pixels in ``[0, 1]``, Loaiza-Ganem & Cunningham
2019)."""

import math
from numbers import Number

from ..autograd import no_grad
from ..core import _creation
from ..core.tensor import Size
from ..nn.functional import binary_cross_entropy_with_logits
from ..ops import abs as _abs
from ..ops import expm1, log, log1p, pow, where
from . import constraints
from .exp_family import ExponentialFamily
from .utils import (
    _expand_probs_logits,
    broadcast_all,
    clamp_probs,
    lazy_property,
    logits_to_probs,
    probs_to_logits,
)

__all__ = ["ContinuousBernoulli"]


class ContinuousBernoulli(ExponentialFamily):
    """The continuous Bernoulli distribution. Its normaliser ``2 atanh(1 - 2p) / (1 - 2p)``
    is 0/0 at ``p = 1/2``: inside ``lims`` (``(0.499, 0.501)``) Taylor expansions stand in,
    as in PyTorch. ``probs`` are clamped into ``(eps, 1 - eps)``; ``rsample`` inverts the
    CDF of a uniform of the library's stream (seeded samples are PyTorch's)."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0
    has_rsample = True

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            is_scalar = isinstance(probs, Number)
            (self.probs,) = broadcast_all(probs)
            # an explicit validate_args checks the probabilities before they are clamped
            if validate_args is not None:
                if not bool(self.arg_constraints["probs"].check(self.probs).all()):
                    raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
        else:
            is_scalar = isinstance(logits, Number)
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        batch_shape = Size() if is_scalar else self._param.size()
        self._lims = lims
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(ContinuousBernoulli, _instance)
        new._lims = self._lims
        batch_shape = Size(batch_shape)
        _expand_probs_logits(self, new, batch_shape)
        super(ContinuousBernoulli, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _outside_unstable_region(self):
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self):
        return where(
            self._outside_unstable_region(),
            self.probs,
            self._lims[0] * _creation.ones_like(self.probs),
        )

    def _cont_bern_log_norm(self):
        """The log normaliser as a function of ``probs``."""
        cut = self._cut_probs()
        below_half = where(cut <= 0.5, cut, _creation.zeros_like(cut))
        above_half = where(cut >= 0.5, cut, _creation.ones_like(cut))
        log_norm = log(_abs(log1p(-cut) - log(cut))) - where(
            cut <= 0.5, log1p(-2.0 * below_half), log(2.0 * above_half - 1.0)
        )
        x = pow(self.probs - 0.5, 2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self):
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / (log1p(-cut) - log(cut))
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * pow(x, 2)) * x
        return where(self._outside_unstable_region(), mus, taylor)

    @property
    def stddev(self):
        return self.variance.sqrt()

    @property
    def variance(self):
        cut = self._cut_probs()
        variances = cut * (cut - 1.0) / pow(1.0 - 2.0 * cut, 2) + 1.0 / pow(
            log1p(-cut) - log(cut), 2
        )
        x = pow(self.probs - 0.5, 2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return where(self._outside_unstable_region(), variances, taylor)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    @property
    def param_shape(self) -> Size:
        return self._param.size()

    def sample(self, sample_shape=Size()):
        u = _creation.rand(self._extended_shape(sample_shape), dtype=self.probs.dtype)
        with no_grad():
            return self.icdf(u)

    def rsample(self, sample_shape=Size()):
        u = _creation.rand(self._extended_shape(sample_shape), dtype=self.probs.dtype)
        return self.icdf(u)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        bce = binary_cross_entropy_with_logits(logits, value, reduction="none")
        return -bce + self._cont_bern_log_norm()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        cdfs = (pow(cut, value) * pow(1.0 - cut, 1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        unbounded = where(self._outside_unstable_region(), cdfs, value)
        return where(
            value <= 0.0,
            _creation.zeros_like(value),
            where(value >= 1.0, _creation.ones_like(value), unbounded),
        )

    def icdf(self, value):
        cut = self._cut_probs()
        inverted = (log1p(-cut + value * (2.0 * cut - 1.0)) - log1p(-cut)) / (
            log(cut) - log1p(-cut)
        )
        return where(self._outside_unstable_region(), inverted, value)

    def entropy(self):
        log_probs0 = log1p(-self.probs)
        log_probs1 = log(self.probs)
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        """The log normaliser as a function of the natural parameter ``x`` (the logits)."""
        outside = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut = where(outside, x, (self._lims[0] - 0.5) * _creation.ones_like(x))
        log_norm = log(_abs(expm1(cut))) - log(_abs(cut))
        taylor = 0.5 * x + pow(x, 2) / 24.0 - pow(x, 4) / 2880.0
        return where(outside, log_norm, taylor)
