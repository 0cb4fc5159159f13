"""``torch.autograd.detect_anomaly`` / ``set_detect_anomaly``: NaN checks that name the node."""

from __future__ import annotations

import traceback
import warnings


class _Anomaly:
    enabled = False
    check_nan = True


anomaly = _Anomaly()


def is_anomaly_enabled() -> bool:
    return anomaly.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return anomaly.check_nan


class detect_anomaly:
    """Context manager: record forward traces and check every backward output for NaN."""

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = anomaly.enabled
        self.prev_nan = anomaly.check_nan
        self.check_nan = check_nan
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self) -> None:
        anomaly.enabled, anomaly.check_nan = True, self.check_nan

    def __exit__(self, *exc) -> None:
        anomaly.enabled, anomaly.check_nan = self.prev, self.prev_nan


class set_detect_anomaly:
    """Turn anomaly detection on or off now; as a context manager, restore it on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev, self.prev_nan = anomaly.enabled, anomaly.check_nan
        anomaly.enabled, anomaly.check_nan = bool(mode), check_nan

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        anomaly.enabled, anomaly.check_nan = self.prev, self.prev_nan


def capture_trace() -> str:
    """The forward-pass stack (without this package's own frames)."""
    frames = [f for f in traceback.extract_stack() if "autograd_widgets" not in f.filename]
    return "".join(traceback.format_list(frames[-12:]))
