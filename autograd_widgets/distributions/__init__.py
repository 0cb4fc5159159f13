"""``torch.distributions``: probability distributions whose sampling, log-densities,
entropies and KL divergences are built from the library's differentiable ops.

``Normal``, ``Uniform`` and ``Exponential`` have ``rsample`` (reparameterized: gradients
reach the parameters, as in a VAE); ``log_prob`` of any distribution is differentiable
in its parameters (the score-function estimator of policy gradients). Samples come from
the library's generator, so after ``torch.manual_seed(s)`` they are PyTorch's wherever
the underlying random function (``normal``, ``rand``, ``bernoulli``, ``exponential_``,
``multinomial``) reproduces PyTorch's stream.
"""

from . import constraints, kl, utils
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .uniform import Uniform

__all__ = [
    "Bernoulli",
    "Categorical",
    "Distribution",
    "Exponential",
    "ExponentialFamily",
    "Independent",
    "Normal",
    "OneHotCategorical",
    "Uniform",
    "constraints",
    "kl",
    "kl_divergence",
    "register_kl",
    "utils",
]
