"""Layers, containers and losses (``torch.nn.modules``)."""

from . import (
    activation,
    adaptive,
    container,
    conv,
    extra,
    layers,
    lazy,
    linear,
    loss,
    padding,
    pooling,
    resample,
    rnn,
    syncbn,
    transformer,
    utils,
)
from .activation import *  # noqa: F403
from .adaptive import *  # noqa: F403
from .container import *  # noqa: F403
from .conv import *  # noqa: F403
from .extra import *  # noqa: F403
from .layers import *  # noqa: F403
from .lazy import *  # noqa: F403
from .linear import *  # noqa: F403
from .loss import *  # noqa: F403
from .module import Module
from .padding import *  # noqa: F403
from .pooling import *  # noqa: F403
from .resample import *  # noqa: F403
from .rnn import *  # noqa: F403
from .syncbn import *  # noqa: F403
from .transformer import *  # noqa: F403

_SUBMODULES = (
    activation,
    adaptive,
    container,
    conv,
    extra,
    layers,
    lazy,
    linear,
    loss,
    padding,
    pooling,
    resample,
    rnn,
    syncbn,
    transformer,
)
__all__ = ["Module"] + [name for mod in _SUBMODULES for name in mod.__all__]
