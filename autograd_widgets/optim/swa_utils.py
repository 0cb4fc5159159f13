"""``torch.optim.swa_utils``: weight averaging (SWA and EMA) of a model's parameters.

``AveragedModel`` keeps a deep copy of a model and folds the model's current parameters into
it on each ``update_parameters`` call: the running mean by default (stochastic weight
averaging), or an exponential moving average with ``get_ema_multi_avg_fn``. ``SWALR`` anneals
each group's learning rate to its ``swa_lr``; ``update_bn`` recomputes the batch-norm
statistics of the averaged weights with one pass over the data.
"""

from __future__ import annotations

import itertools
import math
from copy import deepcopy

from .. import ops as _ops
from ..autograd import no_grad
from ..core._creation import tensor as _tensor
from ..core._dtype import int64
from ..nn.modules.layers import _BatchNorm
from ..nn.modules.module import Module
from .lr_scheduler import LRScheduler

__all__ = [
    "AveragedModel",
    "SWALR",
    "update_bn",
    "get_ema_multi_avg_fn",
    "get_swa_multi_avg_fn",
    "get_ema_avg_fn",
    "get_swa_avg_fn",
]


def _check_decay(decay) -> None:
    if decay < 0.0 or decay > 1.0:
        raise ValueError(
            f"Invalid decay value {decay} provided. Please provide a value in [0,1] range."
        )


def get_ema_multi_avg_fn(decay=0.999):
    """The EMA update of a list of averaged tensors: ``ema += (1 - decay) * (model - ema)``."""
    _check_decay(decay)

    def ema_update(ema_param_list, current_param_list, _):
        with no_grad():
            if ema_param_list[0].is_floating_point():  # (PyTorch looks at the first only)
                _ops._foreach_lerp_(ema_param_list, current_param_list, 1 - decay)
                return
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                # integer buffers: computed in float, written back truncated
                p_ema.copy_(p_ema * decay + p_model * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn():
    """The running-mean update of a list of averaged tensors."""

    def swa_update(averaged_param_list, current_param_list, num_averaged):
        with no_grad():
            if averaged_param_list[0].is_floating_point():
                # a 0-d tensor weight is taken as a number, as PyTorch's Scalar argument
                weight = 1 / (num_averaged + 1)
                _ops._foreach_lerp_(averaged_param_list, current_param_list, weight)
                return
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                p_avg.copy_(p_avg + (p_model - p_avg) / (num_averaged + 1))

    return swa_update


def get_ema_avg_fn(decay=0.999):
    """The EMA of one tensor: ``decay * ema + (1 - decay) * model`` (a new tensor)."""
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn():
    """The running mean of one tensor after ``num_averaged`` earlier values (a new tensor)."""

    def swa_update(averaged_param, current_param, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """``torch.optim.swa_utils.AveragedModel``: a copy of ``model`` whose parameters (and
    buffers, with ``use_buffers=True``) are the average of the model's over the
    ``update_parameters`` calls. ``avg_fn`` averages one tensor at a time, ``multi_avg_fn``
    a list at once; with neither it is the running mean (SWA)."""

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        self.register_buffer("n_averaged", _tensor(0, dtype=int64))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _averaged(self, module):
        if self.use_buffers:
            return list(itertools.chain(module.parameters(), module.buffers()))
        return list(module.parameters())

    def update_parameters(self, model) -> None:
        ours = [p.detach() for p in self._averaged(self.module)]
        theirs = [p.detach() for p in self._averaged(model)]
        n = self.n_averaged
        with no_grad():
            if int(n) == 0:  # the first model is copied as it is
                for p_avg, p_model in zip(ours, theirs):
                    p_avg.copy_(p_model)
            elif self.avg_fn is not None:
                for p_avg, p_model in zip(ours, theirs):
                    p_avg.copy_(self.avg_fn(p_avg, p_model, n))
            else:
                # One list per dtype, as PyTorch groups the tensors before a multi_avg_fn.
                groups: dict = {}
                for p_avg, p_model in zip(ours, theirs):
                    pair = groups.setdefault(p_avg.dtype, ([], []))
                    pair[0].append(p_avg)
                    pair[1].append(p_model)
                for avg_list, model_list in groups.values():
                    if self.multi_avg_fn is not None:
                        self.multi_avg_fn(avg_list, model_list, n)
                    else:  # on the CPU PyTorch averages one tensor at a time
                        swa = get_swa_avg_fn()
                        for p_avg, p_model in zip(avg_list, model_list):
                            p_avg.copy_(swa(p_avg, p_model, n))
            if not self.use_buffers:
                # Buffers are not averaged: they follow the model's.
                for b_avg, b_model in zip(self.module.buffers(), model.buffers()):
                    b_avg.detach().copy_(b_model.detach())
            self.n_averaged += 1


def update_bn(loader, model, device=None) -> None:
    """Recompute every batch norm's running statistics over ``loader`` (a cumulative average:
    ``momentum=None``), the model in training mode for the pass; then restore both."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for input in loader:
            if isinstance(input, (list, tuple)):
                input = input[0]
            model(input)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """``torch.optim.swa_utils.SWALR``: anneal each group's learning rate to ``swa_lr`` over
    ``anneal_epochs`` steps (cosine or linear), then hold it."""

    def __init__(
        self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1
    ) -> None:
        groups = optimizer.param_groups
        if isinstance(swa_lr, (list, tuple)):
            if len(swa_lr) != len(groups):
                raise ValueError(
                    f"swa_lr must have the same length as optimizer.param_groups. swa_lr has "
                    f"{len(swa_lr)} values, param_groups has {len(groups)}."
                )
            swa_lrs = list(swa_lr)
        else:
            swa_lrs = [swa_lr] * len(groups)
        for lr, group in zip(swa_lrs, groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        # The learning rate the previous step started from, undoing its annealing.
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list:
        self._warn_outside_step()
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / span)))
        groups = self.optimizer.param_groups
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in groups]
        alpha = self.anneal_func(max(0, min(1, step / span)))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(groups, prev_lrs)]
