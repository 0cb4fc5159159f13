"""``optim.Adam`` and ``optim.AdamW`` (Adam with decoupled weight decay)."""

from __future__ import annotations

import numpy as np

from ..core._dtype import scalar_like
from ..core.tensor import Tensor
from ..ops import _fused_add
from .optimizer import Optimizer, _check

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam (and AMSGrad), following PyTorch's single-tensor implementation."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
        fused=None,
        decoupled_weight_decay=False,
    ) -> None:
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}")
        _check(0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        for p, g in self._grads(group):
            d = p._data
            state = self.state[p]
            if "exp_avg" not in state:
                state["step"] = Tensor._make(np.zeros((), dtype=np.float32))
                state["exp_avg"] = Tensor._make(np.zeros_like(d))
                state["exp_avg_sq"] = Tensor._make(np.zeros_like(d))
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = Tensor._make(np.zeros_like(d))
            step = self._step_count(state)
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    d *= scalar_like(1 - lr * wd, d)
                else:
                    g = _fused_add.add_scaled(g, d, wd)  # grad.add(param, alpha=wd)
            m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
            m[...] = _fused_add.lerp(m, g, 1 - beta1)  # exp_avg.lerp_(grad, 1 - beta1)
            v *= scalar_like(beta2, v)
            v[...] = _fused_add.addcmul(v, g, g, 1 - beta2)  # addcmul_(grad, grad, 1 - beta2)
            bias_correction1 = 1 - beta1**step
            bias_correction2_sqrt = (1 - beta2**step) ** 0.5
            step_size = lr / bias_correction1
            if group["amsgrad"]:
                vmax = state["max_exp_avg_sq"]._data
                np.maximum(vmax, v, out=vmax)
                denom = np.sqrt(vmax) / scalar_like(bias_correction2_sqrt, v)
            else:
                denom = np.sqrt(v) / scalar_like(bias_correction2_sqrt, v)
            denom = denom + scalar_like(eps, denom)
            d[...] = _fused_add.addcdiv(d, m, denom, -step_size)  # addcdiv_(m, denom, -step)
            p._vc.v += 1


class AdamW(Adam):
    """Adam with weight decay applied to the parameters directly (``decoupled_weight_decay``)."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        *,
        maximize=False,
        foreach=None,
        capturable=False,
        differentiable=False,
        fused=None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )
