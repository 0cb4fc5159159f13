"""``LKJCholesky(dim, concentration=1.0)``: a prior over the Cholesky factors of
correlation matrices (Lewandowski, Kurowicka & Joe 2009)."""

import math

from ..autograd import no_grad
from ..core import _creation
from ..core._dtype import finfo
from ..core.tensor import Size
from ..ops import cat, diag_embed, lgamma
from . import constraints
from .beta import Beta
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["LKJCholesky"]


def _mvlgamma(a, p: int):
    """``torch.mvlgamma``: the log multivariate gamma, ``p (p - 1) / 4 log(pi) +
    sum_j lgamma(a - j / 2)`` for ``j = 0 .. p - 1``."""
    shifts = _creation.arange(p, dtype=a.dtype) * -0.5
    return p * (p - 1) / 4 * math.log(math.pi) + lgamma(a.unsqueeze(-1) + shifts).sum(-1)


class LKJCholesky(Distribution):
    """The LKJ distribution of ``dim x dim`` correlation matrices ``L L^T``, given on their
    lower Cholesky factors ``L``; density proportional to ``det(L L^T) ** (concentration -
    1)``. ``sample`` is the onion method: each row a uniform direction scaled by the square
    root of a Beta draw, with PyTorch's Beta parameters (numpy's gamma sampler: seeded values
    differ from PyTorch's, the distribution is the same). NOTE: like PyTorch's (2.13), rows
    ``i >= 2`` draw their squared length from ``Beta(i - 1/2, ...)`` where the LKJ law has
    ``Beta(i / 2, ...)``, so for ``dim >= 3`` the samples are not exactly LKJ-distributed;
    ``log_prob`` is exact. No ``rsample`` (as in PyTorch)."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1.0, validate_args=None) -> None:
        if dim < 2:
            raise ValueError(
                f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}."
            )
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        batch_shape = self.concentration.size()
        event_shape = Size((dim, dim))
        # row i >= 1 has squared length y_i ~ Beta(i - 1/2, marginal - (i - 1) / 2), as in
        # PyTorch (row 0's draw is unused)
        marginal_conc = self.concentration + 0.5 * (self.dim - 2)
        offset = _creation.arange(self.dim - 1, dtype=self.concentration.dtype)
        offset = cat([offset.new_zeros((1,)), offset])
        beta_conc1 = offset + 0.5
        beta_conc0 = marginal_conc.unsqueeze(-1) - 0.5 * offset
        self._beta = Beta(beta_conc1, beta_conc0)
        super().__init__(batch_shape, event_shape, validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(Size(tuple(batch_shape) + (self.dim,)))
        super(LKJCholesky, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=Size()):
        with no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            shape = self._extended_shape(sample_shape)
            u_normal = _creation.randn(shape, dtype=y.dtype).tril(-1)
            u_hypersphere = u_normal / u_normal.norm(dim=-1, keepdim=True)
            u_hypersphere[..., 0, :] = 0.0  # row 0 is (1, 0, ..., 0): 0/0 above
            w = y.sqrt() * u_hypersphere
            tiny = finfo(w.dtype).tiny
            diag_elems = (1 - (w**2).sum(-1)).clamp(min=tiny).sqrt()
            return w + diag_embed(diag_elems)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diag_elems = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = _creation.arange(2, self.dim + 1)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized_log_pdf = (order * diag_elems.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = lgamma(alpha) * dm1
        numerator = _mvlgamma(alpha - 0.5, dm1)
        pi_constant = 0.5 * dm1 * math.log(math.pi)
        return unnormalized_log_pdf - (pi_constant + numerator - denominator)
