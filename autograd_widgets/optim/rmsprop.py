"""``optim.RMSprop``, ``optim.Adagrad`` and ``optim.Adadelta``: per-element step sizes from
running averages of squared gradients."""

from __future__ import annotations

import numpy as np

from ..core._dtype import scalar_like
from ..core.tensor import Tensor
from ..ops import _fused_add as _fa
from .optimizer import Optimizer, _check, _check_lr

__all__ = ["RMSprop", "Adagrad", "Adadelta"]


class RMSprop(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0,
        momentum=0,
        centered=False,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ) -> None:
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= momentum, f"Invalid momentum value: {momentum}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(0.0 <= alpha, f"Invalid alpha value: {alpha}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            alpha=alpha,
            eps=eps,
            centered=centered,
            weight_decay=weight_decay,
            capturable=capturable,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        wd, momentum = group["weight_decay"], group["momentum"]
        for p, g in self._grads(group):
            d = p._data
            state = self.state[p]
            if "square_avg" not in state:
                state["step"] = Tensor._make(np.zeros((), dtype=np.float32))
                state["square_avg"] = Tensor._make(np.zeros_like(d))
                if momentum > 0:
                    state["momentum_buffer"] = Tensor._make(np.zeros_like(d))
                if group["centered"]:
                    state["grad_avg"] = Tensor._make(np.zeros_like(d))
            self._step_count(state)
            if wd != 0:
                g = _fa.add_scaled(g, d, wd)  # grad.add(param, alpha=weight_decay)
            sq = state["square_avg"]._data
            sq *= scalar_like(alpha, sq)
            sq[...] = _fa.addcmul(sq, g, g, 1 - alpha)
            if group["centered"]:
                ga = state["grad_avg"]._data
                ga[...] = _fa.lerp(ga, g, 1 - alpha)
                avg = np.sqrt(_fa.addcmul(sq, ga, ga, -1))
            else:
                avg = np.sqrt(sq)
            avg = avg + scalar_like(eps, avg)
            if momentum > 0:
                buf = state["momentum_buffer"]._data
                buf *= scalar_like(momentum, buf)
                buf[...] = _fa.addcdiv(buf, g, avg, 1)
                _fa.add_scaled_(d, buf, -lr)
            else:
                d[...] = _fa.addcdiv(d, g, avg, -lr)
            p._vc.v += 1


class Adagrad(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay=0,
        weight_decay=0,
        initial_accumulator_value=0,
        eps=1e-10,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        fused=None,
    ) -> None:
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(
            0.0 <= initial_accumulator_value,
            f"Invalid initial_accumulator_value value: {initial_accumulator_value}",
        )
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            fused=fused,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = Tensor._make(np.zeros((), dtype=np.float32))
                state["sum"] = Tensor._make(
                    np.full_like(p._data, group["initial_accumulator_value"])
                )

    def _update_group(self, group: dict) -> None:
        lr, lr_decay, eps, wd = group["lr"], group["lr_decay"], group["eps"], group["weight_decay"]
        for p, g in self._grads(group):
            d = p._data
            state = self.state[p]
            step = self._step_count(state)
            if wd != 0:
                g = _fa.add_scaled(g, d, wd)
            clr = lr / (1 + (step - 1) * lr_decay)
            s = state["sum"]._data
            s[...] = _fa.addcmul(s, g, g, 1)
            d[...] = _fa.addcdiv(d, g, np.sqrt(s) + scalar_like(eps, s), -clr)
            p._vc.v += 1


class Adadelta(Optimizer):
    """``torch.optim.Adadelta`` (Zeiler 2012): steps scaled by ``rms(past steps) / rms(grads)``,
    times ``lr``; the arithmetic of PyTorch's single-tensor implementation."""

    def __init__(
        self,
        params,
        lr=1.0,
        rho=0.9,
        eps=1e-6,
        weight_decay=0,
        foreach=None,
        *,
        capturable=False,
        maximize=False,
        differentiable=False,
    ) -> None:
        _check_lr(lr)
        _check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            rho=rho,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            capturable=capturable,
            foreach=foreach,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, rho, eps, wd = float(group["lr"]), group["rho"], group["eps"], group["weight_decay"]
        for p, g in self._grads(group):
            d = p._data
            state = self.state[p]
            if "square_avg" not in state:
                # PyTorch's key order: step, square_avg, acc_delta
                state["step"] = Tensor._make(np.zeros((), dtype=np.float32))
                state["square_avg"] = Tensor._make(np.zeros_like(d))
                state["acc_delta"] = Tensor._make(np.zeros_like(d))
            self._step_count(state)
            t = d.dtype.type
            if wd != 0:
                g = _fa.add_scaled(g, d, wd)
            square_avg, acc_delta = state["square_avg"]._data, state["acc_delta"]._data
            square_avg *= t(rho)
            square_avg[...] = _fa.addcmul(square_avg, g, g, 1 - rho)
            std = np.sqrt(square_avg + t(eps))
            delta = np.sqrt(acc_delta + t(eps)) / std * g
            acc_delta *= t(rho)
            acc_delta[...] = _fa.addcmul(acc_delta, delta, delta, 1 - rho)
            _fa.add_scaled_(d, delta, -lr)
            p._vc.v += 1
