"""``HalfCauchy(scale)``: ``|X|`` for ``X ~ Cauchy(0, scale)``, a common prior on scales."""

import math

from ..core import _creation
from .cauchy import Cauchy
from .half_normal import _Folded
from .transforms import AbsTransform

__all__ = ["HalfCauchy"]


class HalfCauchy(_Folded):
    """The half-Cauchy distribution (prints as ``HalfCauchy()``, as in PyTorch); its mean
    is inf and its variance is the Cauchy's (inf)."""

    def __init__(self, scale, validate_args=None) -> None:
        base_dist = Cauchy(0, scale, validate_args=False)
        super().__init__(base_dist, AbsTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(HalfCauchy, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return _creation.full(self._extended_shape(), math.inf, dtype=self.scale.dtype)

    @property
    def variance(self):
        return self.base_dist.variance
