"""A leading- and trailing-edge throttle for live widget updates."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

CallLater = Callable[[float, Callable[[], None]], Any]


def default_call_later(delay: float, fn: Callable[[], None]) -> Any:
    """Run ``fn`` after ``delay`` s on the running event loop (the kernel's),
    or on a timer thread when no loop runs (plain scripts)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        timer = threading.Timer(delay, fn)
        timer.daemon = True
        timer.start()
        return timer
    return loop.call_later(delay, fn)


class Throttle:
    """Call ``fn`` at most once per ``interval`` seconds; the last request always runs.

    ``request()`` runs ``fn`` at once when the last run is at least ``interval``
    ago (so updates keep flowing while a long cell blocks the event loop), and
    otherwise marks the state dirty and schedules one trailing run.
    """

    def __init__(
        self,
        fn: Callable[[], None],
        interval: float = 0.1,
        *,
        clock: Callable[[], float] = time.monotonic,
        call_later: CallLater = default_call_later,
    ) -> None:
        self.fn = fn
        self.interval = interval
        self.clock = clock
        self.call_later = call_later
        self._last = -float("inf")
        self._dirty = False
        self._timer: Any = None
        self.calls = 0

    @property
    def pending(self) -> bool:
        return self._dirty

    def request(self) -> None:
        now = self.clock()
        if now - self._last >= self.interval:
            self._run(now)
            return
        self._dirty = True
        if self._timer is None:
            self._timer = self.call_later(max(0.0, self.interval - (now - self._last)), self._fire)

    def _fire(self) -> None:
        self._timer = None
        if self._dirty:
            self._run(self.clock())

    def _run(self, now: float) -> None:
        self._dirty = False
        self._last = now
        self.calls += 1
        self.fn()

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
