"""``optim.Adamax``, ``optim.NAdam`` and ``optim.RAdam``: Adam's moment estimates with an
infinity norm, Nesterov momentum or a rectified variance; the arithmetic of PyTorch's
single-tensor implementations."""

from __future__ import annotations

import numpy as np

from ..core._dtype import scalar_like
from ..core.tensor import Tensor
from ..ops import _fused_add
from .optimizer import Optimizer, _check, _check_lr

__all__ = ["Adamax", "NAdam", "RAdam"]


def _check_adam_args(lr, eps, betas, weight_decay) -> None:
    _check_lr(lr)
    _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
    _check(0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}")
    _check(0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}")
    _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")


def _stepped_state(opt: Optimizer, p: Tensor, **init) -> tuple[dict, float]:
    """``opt.state[p]``, created on the parameter's first step with ``step`` then ``init``'s
    entries in PyTorch's order (a float: a 0-d float32 tensor, as PyTorch keeps ``step`` and
    ``mu_product``; None: zeros like the parameter; a function: what it returns); and the step
    count, incremented."""
    state = opt.state[p]
    if len(state) == 0:
        state["step"] = Tensor._make(np.zeros((), dtype=np.float32))
        for key, value in init.items():
            if value is None:
                value = np.zeros_like(p._data)
            elif isinstance(value, float):
                value = np.array(value, dtype=np.float32)
            else:
                value = value()
            state[key] = Tensor._make(value)
    return state, opt._step_count(state)


def _moments(state: dict, d: np.ndarray, g: np.ndarray, beta1: float, beta2: float):
    """``exp_avg.lerp_(grad, 1 - beta1)``; ``exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)``."""
    m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
    m[...] = _fused_add.lerp(m, g, 1 - beta1)  # ATen's lerp: one fused multiply-add
    v *= scalar_like(beta2, v)
    v[...] = _fused_add.addcmul(v, g, g, 1 - beta2)
    return m, v


class Adamax(Optimizer):
    """Adam with the infinity norm of past gradients in place of the second moment."""

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        capturable=False,
    ) -> None:
        _check_adam_args(lr, eps, betas, weight_decay)
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, eps, wd = float(group["lr"]), group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        for p, g in self._grads(group):
            d = p._data
            state, step = _stepped_state(self, p, exp_avg=None, exp_inf=None)
            t = d.dtype.type
            if wd != 0:
                g = _fused_add.add_scaled(g, d, wd)
            m, u = state["exp_avg"]._data, state["exp_inf"]._data
            m[...] = _fused_add.lerp(m, g, 1 - beta1)
            u *= t(beta2)
            np.maximum(u, np.abs(g) + t(eps), out=u)
            clr = lr / (1 - beta1**step)
            d[...] = _fused_add.addcdiv(d, m, u, -clr)
            p._vc.v += 1


class NAdam(Optimizer):
    """Adam with Nesterov momentum (Dozat 2016), with PyTorch's momentum-decay schedule."""

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        momentum_decay=4e-3,
        decoupled_weight_decay=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
    ) -> None:
        _check_adam_args(lr, eps, betas, weight_decay)
        _check(0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, eps, wd = float(group["lr"]), group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        momentum_decay = group["momentum_decay"]
        for p, g in self._grads(group):
            d = p._data
            state, step = _stepped_state(self, p, mu_product=1.0, exp_avg=None, exp_avg_sq=None)
            t = d.dtype.type
            bias_correction2 = 1 - beta2**step
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    d *= t(1 - lr * wd)
                else:
                    g = _fused_add.add_scaled(g, d, wd)
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
            mu_product = state["mu_product"]._data
            mu_product *= np.float32(mu)  # a float32 running product, as PyTorch keeps it
            mu_product_value = float(mu_product)
            mu_product_next = mu_product_value * mu_next
            m, v = _moments(state, d, g, beta1, beta2)
            denom = np.sqrt(v / t(bias_correction2)) + t(eps)
            d += t(-lr * (1.0 - mu) / (1.0 - mu_product_value)) * g / denom
            d += t((-lr * mu_next) / (1.0 - mu_product_next)) * m / denom
            p._vc.v += 1


class RAdam(Optimizer):
    """Adam with the variance of the adaptive learning rate rectified (Liu et al. 2019)."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        decoupled_weight_decay=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
    ) -> None:
        _check_adam_args(lr, eps, betas, weight_decay)
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, eps, wd = float(group["lr"]), group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        for p, g in self._grads(group):
            d = p._data
            state, step = _stepped_state(self, p, exp_avg=None, exp_avg_sq=None)
            t = d.dtype.type
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    d *= t(1 - lr * wd)
                else:
                    g = _fused_add.add_scaled(g, d, wd)
            m, v = _moments(state, d, g, beta1, beta2)
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            update = m / t(bias_correction1) * t(lr)
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
            if rho_t > 5.0:
                rect = (
                    (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
                ) ** 0.5
                adaptive_lr = t(bias_correction2**0.5) / (np.sqrt(v) + t(eps))
                update = update * adaptive_lr * t(rect)
            d -= update
            p._vc.v += 1
