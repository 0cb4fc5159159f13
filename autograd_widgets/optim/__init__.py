"""``torch.optim`` for autograd_widgets: SGD, ASGD, Adam, AdamW, Adamax, NAdam, RAdam, RMSprop,
Rprop, Adagrad, Adadelta, LBFGS and the schedulers."""

from . import lr_scheduler, swa_utils
from .adafactor import Adafactor
from .adam import Adam, AdamW
from .adam_variants import Adamax, NAdam, RAdam
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import Adadelta, Adagrad, RMSprop
from .rprop import ASGD, Rprop
from .sgd import SGD

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "Adamax",
    "NAdam",
    "RAdam",
    "Rprop",
    "ASGD",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "LBFGS",
    "Adafactor",
    "lr_scheduler",
    "swa_utils",
]
