"""``ExponentialFamily``: the base of Normal, Bernoulli and Exponential (as in PyTorch)."""

from ..autograd._api import grad
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """A distribution of the exponential family: ``p(x) = h(x) exp(<t(x), theta> - F(theta))``.

    Subclasses give ``_natural_params``, ``_log_normalizer`` and ``_mean_carrier_measure``;
    ``entropy`` is then the Bregman divergence of the log normaliser (the distributions here
    override it with their closed forms)."""

    @property
    def _natural_params(self) -> tuple:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> float:
        raise NotImplementedError

    def entropy(self):
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = grad(lg_normal.sum(), nparams, create_graph=True)
        result = result + lg_normal
        for param, g in zip(nparams, gradients):
            result = result - (param * g).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return result
