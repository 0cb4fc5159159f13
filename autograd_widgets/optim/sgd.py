"""``optim.SGD`` with momentum, dampening, Nesterov, weight decay and ``maximize``."""

from __future__ import annotations

from ..core._dtype import scalar_like
from ..core.tensor import Tensor
from ..ops import _fused_add
from .optimizer import Optimizer, _check

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, step for step PyTorch's single-tensor implementation."""

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0,
        dampening=0,
        weight_decay=0,
        nesterov=False,
        *,
        maximize=False,
        foreach=None,
        differentiable=False,
        fused=None,
    ) -> None:
        _check(lr >= 0.0, f"Invalid learning rate: {lr}")
        _check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        _check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
            foreach=foreach,
            differentiable=differentiable,
            fused=fused,
        )
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, wd = group["lr"], group["weight_decay"]
        momentum, dampening, nesterov = group["momentum"], group["dampening"], group["nesterov"]
        # ATen's add(x, y, alpha) is one fused multiply-add (_fused_add.add_scaled).
        axpy = _fused_add.add_scaled
        for p, g in self._grads(group):
            d = p._data
            if wd != 0:
                g = axpy(g, d, wd)  # grad.add(param, alpha=weight_decay)
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = Tensor._make(g.copy())
                else:
                    b = buf._data
                    b *= scalar_like(momentum, b)
                    b[...] = axpy(b, g, 1 - dampening) if dampening else b + g
                g = axpy(g, buf._data, momentum) if nesterov else buf._data
            _fused_add.add_scaled_(d, g, -lr)  # param.add_(grad, alpha=-lr)
            p._vc.v += 1
