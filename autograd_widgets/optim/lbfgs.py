"""``optim.LBFGS``: limited-memory BFGS with an optional strong-Wolfe line search.

PyTorch's LBFGS works on one flat vector holding every parameter, and computes
with tensors throughout: the step length, the curvature products and the
line-search quantities are 0-d tensors in the parameters' dtype, mixed with
Python floats. We compute with our tensors in the same order so that each
iterate matches PyTorch's, float32 rounding included.

The method (Nocedal & Wright, *Numerical Optimization*, algorithms 7.4 and 3.5/3.6):
the search direction comes from the two-loop recursion over the last
``history_size`` curvature pairs ``(s, y)``; the step is ``lr`` (or, on the first
iteration, ``lr`` scaled down to at most ``1 / sum|g|``), or whatever the strong-Wolfe
line search finds, bracketing then zooming with safeguarded cubic interpolation.
"""

from __future__ import annotations

import functools

from ..autograd.grad_mode import enable_grad, no_grad
from ..core import _creation
from ..core.tensor import Tensor
from ..ops import cat
from .optimizer import Optimizer, _check_lr

__all__ = ["LBFGS"]


def _add_scaled(target, other, alpha) -> None:
    """``target.add_(other, alpha=alpha)`` rounded as ATen's CPU kernel: ``alpha`` becomes a
    number of the tensor's dtype, and ``target + alpha * other`` is one fused multiply-add."""
    d = target._data
    alpha = d.dtype.type(float(alpha))
    d[...] = _creation._fma(d, other._data.reshape(d.shape), alpha, d.dtype)
    target._vc.v += 1


def _cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through ``(x1, f1, g1)`` and ``(x2, f2, g2)``, clipped to
    ``bounds`` (default: between the two points); their midpoint when the cubic has none."""
    if bounds is None:
        bounds = (x1, x2) if x1 <= x2 else (x2, x1)
    low, high = bounds
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if not d2_square >= 0:  # no real minimum (or NaN): bisect
        return (low + high) / 2.0
    d2 = d2_square.sqrt()
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, low), high)


class _Point:
    """One evaluated step length on the line: ``t``, the loss, its gradient and slope."""

    __slots__ = ("t", "f", "g", "gtd")

    def __init__(self, t, f, g, gtd) -> None:
        self.t, self.f, self.g, self.gtd = t, f, g, gtd


def _strong_wolfe(evaluate, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Find a step ``t`` along ``d`` that satisfies the strong Wolfe conditions.

    ``evaluate(t)`` returns the loss and flat gradient at ``x + t * d``. Returns
    ``(loss, grad, t, evaluations)``.
    """
    d_norm = d.abs().max()
    start = _Point(0, f, g.clone(), gtd)

    def sufficient_decrease_fails(point):
        return point.f > (f + c1 * point.t * gtd)

    def curvature_holds(point):
        return abs(point.gtd) <= -c2 * gtd

    f_new, g_new = evaluate(t)
    evals, ls_iter = 1, 0
    new = _Point(t, f_new, g_new, g_new.dot(d))
    prev = start
    done = False
    # Bracketing: grow the step until an interval is known to hold an acceptable one.
    while ls_iter < max_ls:
        if sufficient_decrease_fails(new) or (ls_iter > 1 and new.f >= prev.f):
            bracket = [prev, _Point(new.t, new.f, new.g.clone(), new.gtd)]
            break
        if curvature_holds(new):
            bracket, done = [new], True
            break
        if new.gtd >= 0:
            bracket = [prev, _Point(new.t, new.f, new.g.clone(), new.gtd)]
            break
        t = _cubic_minimum(
            prev.t, prev.f, prev.gtd, new.t, new.f, new.gtd,
            bounds=(new.t + 0.01 * (new.t - prev.t), new.t * 10),
        )  # fmt: skip
        prev = _Point(new.t, new.f, new.g.clone(), new.gtd)
        f_new, g_new = evaluate(t)
        evals, ls_iter = evals + 1, ls_iter + 1
        new = _Point(t, f_new, g_new, g_new.dot(d))
    if ls_iter == max_ls:
        bracket = [_Point(0, f, g, None), _Point(new.t, new.f, new.g, None)]

    # Zoom: shrink the bracket, keeping its low end the best point seen.
    insufficient_progress = False
    low, high = (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)
    while not done and ls_iter < max_ls:
        a, b = bracket
        if abs(b.t - a.t) * d_norm < tolerance_change:
            break
        t = _cubic_minimum(a.t, a.f, a.gtd, b.t, b.f, b.gtd)
        # Too close to an end of the bracket: move away from it, unless the last step
        # already made good progress (then accept it once).
        top, bottom = max(a.t, b.t), min(a.t, b.t)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:
            if insufficient_progress or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = evaluate(t)
        evals, ls_iter = evals + 1, ls_iter + 1
        new = _Point(t, f_new, g_new, g_new.dot(d))
        if sufficient_decrease_fails(new) or new.f >= bracket[low].f:
            bracket[high] = _Point(t, new.f, new.g.clone(), new.gtd)
            low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
        else:
            if curvature_holds(new):
                done = True
            elif new.gtd * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = _Point(t, new.f, new.g.clone(), new.gtd)
    best = bracket[low]
    return best.f, best.g, best.t, evals


class LBFGS(Optimizer):
    """``torch.optim.LBFGS``: ``step(closure)`` runs up to ``max_iter`` L-BFGS iterations.

    The closure must clear the gradients, compute the loss, call ``backward()`` and
    return the loss. One parameter group only, as in PyTorch.
    """

    def __init__(
        self,
        params,
        lr=1,
        max_iter=20,
        max_eval=None,
        tolerance_grad=1e-7,
        tolerance_change=1e-9,
        history_size=100,
        line_search_fn=None,
    ) -> None:
        _check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(
            lr=lr,
            max_iter=max_iter,
            max_eval=max_eval,
            tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change,
            history_size=history_size,
            line_search_fn=line_search_fn,
        )
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # -- the flat view of all parameters -------------------------------------------------------
    def _flat_grad(self):
        return cat(
            [
                _creation.zeros(p.numel(), dtype=p.dtype) if p.grad is None else p.grad.reshape(-1)
                for p in self._params
            ],
            0,
        )

    def _move(self, step, direction) -> None:
        """``params += step * direction`` (``direction`` flat, split over the parameters)."""
        offset = 0
        for p in self._params:
            n = p.numel()
            _add_scaled(p, direction[offset : offset + n], step)
            offset += n

    def _evaluate_at(self, closure, x, t, *, d):
        """Loss and flat gradient at ``x + t * d``; the parameters are put back to ``x``."""
        self._move(t, d)
        loss = float(closure())
        flat_grad = self._flat_grad()
        for p, saved in zip(self._params, x):
            p.copy_(saved)
        return loss, flat_grad

    # -- one call of step() ----------------------------------------------------------------------
    def step(self, closure):
        """Run up to ``max_iter`` iterations; returns the loss of the first closure call."""
        if len(self.param_groups) != 1:
            raise AssertionError(
                f"Expected exactly one param_group, but got {len(self.param_groups)}"
            )
        group = self.param_groups[0]
        with no_grad():
            return self._run(_with_grad(closure), group, self.state[self._params[0]])

    def _run(self, closure, group, state):
        lr, max_iter, max_eval = _scalar(group["lr"]), group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if flat_grad.abs().max() <= tolerance_grad:
            return orig_loss  # already optimal

        # The search state carried from the previous step() call.
        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        H_diag = state.get("H_diag")  # noqa: N806 - the inverse Hessian's scale, as in PyTorch
        prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:  # steepest descent to start
                d = flat_grad.neg()
                old_dirs, old_stps, ro, H_diag = [], [], [], 1  # noqa: N806
            else:
                y = flat_grad.sub(prev_flat_grad)
                s = d.mul(t)
                ys = y.dot(s)
                if ys > 1e-10:  # keep the pair only with positive curvature
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)  # noqa: N806
                d = self._two_loop(state, flat_grad, old_dirs, old_stps, ro, H_diag, history_size)

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.clone()
            else:
                prev_flat_grad.copy_(flat_grad)
            prev_loss = loss

            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / flat_grad.abs().sum()) * lr
            else:
                t = lr
            gtd = flat_grad.dot(d)  # directional derivative
            if gtd > -tolerance_change:
                break  # not a descent direction

            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p.clone() for p in self._params]
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    functools.partial(self._evaluate_at, closure, x_init, d=d),
                    t, d, loss, flat_grad, gtd,
                    max_ls=max_eval - current_evals,  # the evaluations this step has left
                )  # fmt: skip
                self._move(t, d)
                opt_cond = flat_grad.abs().max() <= tolerance_grad
            else:
                self._move(t, d)
                opt_cond = False
                if n_iter != max_iter:  # re-evaluate, unless this was the last iteration
                    loss = float(closure())
                    flat_grad = self._flat_grad()
                    opt_cond = flat_grad.abs().max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if d.mul(t).abs().max() <= tolerance_change:
                break  # the step no longer moves the parameters
            if abs(loss - prev_loss) < tolerance_change:
                break  # nor the loss

        state.update(
            d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
            prev_flat_grad=prev_flat_grad, prev_loss=prev_loss,
        )  # fmt: skip
        return orig_loss

    @staticmethod
    def _two_loop(state, flat_grad, old_dirs, old_stps, ro, H_diag, history_size):  # noqa: N803
        """The L-BFGS direction ``-H g`` from the stored curvature pairs."""
        al = state.setdefault("al", [None] * history_size)
        q = flat_grad.neg()
        for i in range(len(old_dirs) - 1, -1, -1):
            al[i] = old_stps[i].dot(q) * ro[i]
            _add_scaled(q, old_dirs[i], -al[i])
        r = q.mul(H_diag)
        for i in range(len(old_dirs)):
            be_i = old_dirs[i].dot(r) * ro[i]
            _add_scaled(r, old_stps[i], al[i] - be_i)
        return r


def _scalar(lr):
    """A tensor learning rate as the number it holds."""
    return lr.item() if isinstance(lr, Tensor) else lr


def _with_grad(closure):
    def run():
        with enable_grad():
            return closure()

    return run
