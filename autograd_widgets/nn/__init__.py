"""``torch.nn`` for autograd_widgets: modules, parameters, losses, ``functional`` and ``init``."""

from . import functional, init, parallel, utils
from .modules import *  # noqa: F403
from .modules import Module
from .modules import __all__ as _modules_all
from .modules.module import (
    register_module_forward_hook,
    register_module_forward_pre_hook,
    register_module_full_backward_hook,
)
from .parallel import DataParallel
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

__all__ = _modules_all + [
    "Parameter",
    "Buffer",
    "UninitializedParameter",
    "UninitializedBuffer",
    "functional",
    "init",
    "parallel",
    "DataParallel",
    "utils",
    "register_module_forward_hook",
    "register_module_forward_pre_hook",
    "register_module_full_backward_hook",
]
