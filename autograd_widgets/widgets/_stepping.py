"""Step-through backward on a :class:`GraphWidget`: traits and the Python API.

The trace itself is recorded by :class:`autograd_widgets.graph.steps.BackwardSteps`
(see there for the wire format of a step); this mixin syncs it to the front end
(throttled, like the graph) and lets Python drive the stepper::

    w = draw(out)
    out.backward()
    w.backward_steps[-1]["steps"][0]["label"]   # 'MeanBackward0'
    w.step_to(2)          # the front end shows the state after the engine's 2nd node
    w.step_to(None)       # back to the plain graph
"""

from __future__ import annotations

from typing import Any

import traitlets as t

from ._throttle import Throttle, default_call_later


class Stepping(t.HasTraits):
    """The stepper's state: which pass, and how many of its steps are shown."""

    step = t.Int(
        None,
        allow_none=True,
        help="Steps of the chosen backward pass shown as done (0 = none yet), or None: "
        "not stepping.",
    ).tag(sync=True)
    step_pass = t.Int(
        -1, help="Which recorded backward pass to step through (an index: -1 is the last)."
    ).tag(sync=True)
    _steps = t.List(help="The recorded backward passes (graph/steps.py), for the front end.").tag(
        sync=True
    )

    _stepper = None  # the BackwardSteps recorder, set by draw()
    _steps_throttle = None

    def attach_steps(self, stepper, interval: float = 0.1) -> None:
        """Show the passes ``stepper`` records (called by :func:`draw`)."""
        self._stepper = stepper
        self._steps_throttle = Throttle(self._sync_steps, interval, call_later=default_call_later)
        stepper.callback = self._steps_throttle.request
        self._sync_steps()

    def _sync_steps(self) -> None:
        stepper = self._stepper
        if stepper is not None and getattr(self, "comm", True) is not None:
            self._steps = list(stepper.passes)

    @property
    def backward_steps(self) -> list[dict[str, Any]]:
        """The backward passes recorded through this graph, oldest first.

        Each is ``{"pass": n, "steps": [...], "truncated": k}``; a step is one
        node the engine ran, in its real execution order, with the gradients
        that flowed (see :mod:`autograd_widgets.graph.steps`).  Only passes
        that ran while the widget listened (``live=True``) are recorded; at most
        :data:`~autograd_widgets.graph.steps.MAX_PASSES` are kept.
        """
        return list(self._stepper.passes) if self._stepper is not None else []

    def step_to(self, k: int | None, pass_index: int = -1) -> None:
        """Show backward pass ``pass_index`` after its first ``k`` steps (None: stop).

        ``k`` counts executed nodes: ``step_to(1)`` highlights the first node the
        engine ran and the gradients it sent; ``step_to(len(steps))`` is the end
        of the pass.

        Raises
        ------
        IndexError
            When no such pass was recorded, or ``k`` is outside ``0..len(steps)``.
        """
        if k is None:
            self.step = None
            return
        passes = self.backward_steps
        if not passes or not -len(passes) <= pass_index < len(passes):
            raise IndexError(
                f"no backward pass {pass_index} to step through ({len(passes)} recorded)"
            )
        n = len(passes[pass_index]["steps"])
        if not 0 <= k <= n:
            raise IndexError(f"step {k} out of range: this pass has {n} steps (0..{n})")
        if self._steps_throttle is not None:
            self._steps_throttle.cancel_timer()
        self._sync_steps()
        with self.hold_trait_notifications():
            self.step_pass = pass_index
            self.step = k

    def close_steps(self) -> None:
        if self._steps_throttle is not None:
            self._steps_throttle.close()
        if self._stepper is not None:
            self._stepper.close()
