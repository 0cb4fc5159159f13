"""A leading- and trailing-edge throttle for live widget updates."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

CallLater = Callable[[float, Callable[[], None]], Any]


def default_call_later(delay: float, fn: Callable[[], None]) -> Any:
    """Run ``fn`` after ``delay`` s on the running event loop (the kernel's).

    Without a running loop (a plain script: no front end to update) nothing is
    scheduled; the pending update goes out with the next request after the
    interval, or on ``refresh()``.  No timer threads: updates must never run
    concurrently with the user's code.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop.call_later(delay, fn)


class _NoTimer:
    """Stands for the trailing timer when there is no event loop to run one."""

    @staticmethod
    def cancel() -> None:
        pass


_NO_TIMER = _NoTimer()


class Throttle:
    """Call ``fn`` at most once per ``interval`` seconds; the last request always runs.

    ``request()`` runs ``fn`` at once when the last run is at least ``interval``
    ago (so updates keep flowing while a long cell blocks the event loop), and
    otherwise marks the state dirty and schedules one trailing run.

    The interval adapts to the cost of ``fn``: runs take at most
    ``1 / max_cost_factor`` of the wall time (2% by default).  The cost is a
    moving average of the last runs' durations, so one slow run (a garbage
    collection) does not stall updates and one fast run does not unleash them.
    A 2 ms rebuild keeps the 0.1 s interval; a 30 ms rebuild of a big graph
    is sent at most about every 1.5 s, keeping a training loop's slowdown
    bounded.
    """

    def __init__(
        self,
        fn: Callable[[], None],
        interval: float = 0.1,
        *,
        clock: Callable[[], float] = time.monotonic,
        call_later: CallLater = default_call_later,
        max_cost_factor: float = 50.0,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.fn = fn
        self.timer = timer  # measures the cost of fn
        self.interval = interval
        self.max_cost_factor = max_cost_factor
        self._cost = 0.0  # moving average of fn's duration, seconds
        self.clock = clock
        self.call_later = call_later
        self._last = -float("inf")
        self._dirty = False
        self._timer: Any = None
        self.calls = 0

    @property
    def pending(self) -> bool:
        return self._dirty

    @property
    def effective_interval(self) -> float:
        return max(self.interval, self._cost * self.max_cost_factor)

    def request(self) -> None:
        now = self.clock()
        if self._dirty and self._timer is not None and now - self._last < self.interval:
            return  # fast path: an update is already due (events come in bursts)
        interval = self.effective_interval
        if now - self._last >= interval:
            self._run(now)
            return
        self._dirty = True
        if self._timer is None:
            timer = self.call_later(max(0.0, interval - (now - self._last)), self._fire)
            # no event loop (a plain script): the next request after the interval runs it
            self._timer = _NO_TIMER if timer is None else timer

    def _fire(self) -> None:
        self._timer = None
        if self._dirty:
            self._run(self.clock())

    def _run(self, now: float) -> None:
        self._dirty = False
        self._last = now
        if self._timer is _NO_TIMER:
            self._timer = None
        self.calls += 1
        start = self.timer()
        try:
            self.fn()
        finally:
            cost = self.timer() - start
            self._cost = cost if self.calls == 1 else 0.5 * (self._cost + cost)

    def flush(self) -> None:
        """Run now if an update is pending."""
        self.cancel_timer()
        if self._dirty:
            self._run(self.clock())

    def cancel_timer(self) -> None:
        if self._timer is not None:
            try:
                self._timer.cancel()
            except Exception:  # noqa: BLE001 - a finished timer may refuse
                pass
            self._timer = None

    def close(self) -> None:
        self.cancel_timer()
        self._dirty = False
