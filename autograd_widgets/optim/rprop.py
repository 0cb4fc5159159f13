"""``optim.Rprop`` (resilient backpropagation: per-element step sizes driven by gradient
signs) and ``optim.ASGD`` (averaged SGD); the arithmetic of PyTorch's single-tensor
implementations."""

from __future__ import annotations

import numpy as np

from ..ops import _fused_add as _fa
from .adam_variants import _stepped_state
from .optimizer import Optimizer, _check, _check_lr

__all__ = ["Rprop", "ASGD"]


class Rprop(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        etas=(0.5, 1.2),
        step_sizes=(1e-6, 50),
        *,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ) -> None:
        _check_lr(lr)
        _check(0.0 < etas[0] < 1.0 < etas[1], f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(
            lr=lr,
            etas=etas,
            step_sizes=step_sizes,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        for p, g in self._grads(group):
            d = p._data
            t = d.dtype.type
            state, _ = _stepped_state(
                self, p, prev=None, step_size=lambda d=d: np.full_like(d, float(group["lr"]))
            )
            prev, step_size = state["prev"]._data, state["step_size"]._data
            sign = np.sign(g * prev)
            factor = np.where(sign > 0, t(etaplus), np.where(sign < 0, t(etaminus), t(1)))
            step_size *= factor
            np.clip(step_size, t(step_size_min), t(step_size_max), out=step_size)
            g = np.where(factor == t(etaminus), t(0), g)  # no step where the sign flipped
            d -= np.sign(g) * step_size
            prev[...] = g
            p._vc.v += 1


class ASGD(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        lambd=1e-4,
        alpha=0.75,
        t0=1e6,
        weight_decay=0,
        foreach=None,
        maximize=False,
        differentiable=False,
        capturable=False,
    ) -> None:
        _check_lr(lr)
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            lambd=lambd,
            alpha=alpha,
            t0=t0,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, lambd, alpha = float(group["lr"]), group["lambd"], group["alpha"]
        t0, wd = group["t0"], group["weight_decay"]
        for p, g in self._grads(group):
            d = p._data
            t = d.dtype.type
            state, step = _stepped_state(self, p, eta=lr, mu=1.0, ax=None)
            if wd != 0:
                g = _fa.add_scaled(g, d, wd)
            eta_arr, mu_arr = state["eta"]._data, state["mu"]._data
            eta = float(eta_arr)
            d *= t(1 - lambd * eta)  # decay
            _fa.add_scaled_(d, g, -eta)  # param.add_(grad, alpha=-eta)
            ax = state["ax"]._data
            mu = float(mu_arr)
            if mu != 1:
                ax += (d - ax) * t(mu)
            else:
                ax[...] = d
            eta_arr[...] = lr / ((1 + lambd * lr * step) ** alpha)
            mu_arr[...] = 1 / max(1, step - t0)
            p._vc.v += 1
