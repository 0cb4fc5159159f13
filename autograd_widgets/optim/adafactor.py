"""``optim.Adafactor`` (Shazeer & Stern, 2018) as PyTorch 2.13 runs it on CPU (its single-
tensor path): factored second moments for matrices (a row and a column running mean of the
squared gradient, their outer product normalised by the row mean), a full one for vectors,
``1 - beta2_t = step ** beta2_decay``, the relative step ``rho_t = min(lr, 1/sqrt(step))``
scaled by the parameter's RMS, and the update clipped to RMS ``d``.
"""

from __future__ import annotations

import math

import numpy as np

from ..core.tensor import Tensor
from .optimizer import Optimizer, _check

__all__ = ["Adafactor"]


def _lerp_(a: np.ndarray, end: np.ndarray, w: float) -> None:
    """``a.lerp_(end, w)`` with ATen's two-sided formula (exact at both ends)."""
    wt = a.dtype.type(w)
    if w < 0.5:
        a += wt * (end - a)
    else:
        a[...] = end - (end - a) * (a.dtype.type(1) - wt)


def _norm(x: np.ndarray, axis=None, keepdims=False) -> np.ndarray:
    return np.sqrt((x * x).sum(axis=axis, keepdims=keepdims))


class Adafactor(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        beta2_decay=-0.8,
        eps=(None, 1e-3),
        d=1.0,
        weight_decay=0.0,
        *,
        foreach=None,
        maximize=False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        _check(0.0 <= lr, f"Learning rate should be >= 0 but is: {lr}")
        _check(0.0 >= beta2_decay, f"beta2_decay should be <= 0 but is: {beta2_decay}")
        _check(eps[0] is None or 0.0 <= eps[0], f"epsilon1 should be >= 0 but is: {eps[0]}")
        _check(0.0 <= eps[1], f"epsilon2 should be >= 0 but is: {eps[1]}")
        _check(1.0 <= d, f"Clipping threshold d should be >= 1 but is: {d}")
        _check(0.0 <= weight_decay, f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(
            lr=lr,
            beta2_decay=beta2_decay,
            eps=eps,
            d=d,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr = group["lr"]
        # NOTE: PyTorch keeps a tensor lr as a 0-d tensor, so rho, alpha, the step size and the
        # decay factor are then computed in the lr's dtype: ``t`` rounds like that, or not at all.
        t = lr._data.dtype.type if isinstance(lr, Tensor) else float
        lr = float(lr)
        eps1, eps2 = group["eps"]
        wd, clip = group["weight_decay"], group["d"]
        for p, g in self._grads(group):
            x = p._data
            state = self.state[p]
            if not state:
                state["step"] = Tensor._make(np.zeros((), dtype=np.float32))
                if g.ndim > 1:
                    state["row_var"] = Tensor._make(np.zeros(g.shape[:-1] + (1,), g.dtype))
                    state["col_var"] = Tensor._make(
                        np.zeros(g.shape[:-2] + (1,) + g.shape[-1:], g.dtype)
                    )
                else:
                    state["variance"] = Tensor._make(np.zeros_like(g))
            if eps1 is None:  # NOTE: as in PyTorch, the first parameter's dtype sets it for all
                eps1 = float(np.finfo(x.dtype).eps)
            step = self._step_count(state)
            one_minus_beta2 = step ** group["beta2_decay"]
            inv_sqrt = 1 / step**0.5
            rho, r = (t(lr), t) if not inv_sqrt < lr else (inv_sqrt, float)  # Python's min()
            alpha = r(r(max(eps2, float(_norm(x)) / x.size**0.5)) * rho)
            if wd != 0:
                x *= x.dtype.type(t(1 - t(t(lr) * t(wd))))
            dt = g.dtype.type
            if g.ndim > 1:
                row, col = state["row_var"]._data, state["col_var"]._data
                _lerp_(row, _norm(g, -1, True) ** 2 / dt(g.shape[-1]), one_minus_beta2)
                _lerp_(col, _norm(g, -2, True) ** 2 / dt(g.shape[-2]), one_minus_beta2)
                var = np.matmul(row, col)
                var /= np.maximum(row.mean(axis=-2, keepdims=True), dt(eps1))
            else:
                variance = state["variance"]._data
                _lerp_(variance, g * g, one_minus_beta2)
                var = variance.copy()
            update = dt(1) / np.sqrt(np.maximum(var, dt(eps1 * eps1)))
            update *= g
            denom = max(1.0, float(_norm(update)) / (math.sqrt(update.size) * clip))
            x += dt(r(r(-alpha) / r(denom))) * update
            p._vc.v += 1
