"""PyTorch as a test oracle: import it when installed, skip (or fail in CI) when not.

Every test that compares against real PyTorch gets the module through
:func:`require_torch`, so that a machine without torch skips those tests with one
clear reason, while CI (``AUTOGRAD_WIDGETS_REQUIRE_ORACLE=1``) fails instead of
silently skipping the comparisons that matter most.
"""

from __future__ import annotations

import importlib
import os

import pytest

ORACLE_VERSION = "2.13.0"
SKIP_REASON = f"PyTorch oracle not installed (pip install torch=={ORACLE_VERSION})"
REQUIRE_ENV = "AUTOGRAD_WIDGETS_REQUIRE_ORACLE"


def oracle_required() -> bool:
    """True when the environment demands the oracle (CI sets the variable to 1)."""
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def require_torch():
    """Return the ``torch`` module, or skip the calling test when it is missing.

    With ``AUTOGRAD_WIDGETS_REQUIRE_ORACLE=1`` a missing torch fails the test.
    """
    try:
        return importlib.import_module("torch")
    except ImportError as exc:
        if oracle_required():
            pytest.fail(f"{SKIP_REASON}; required because {REQUIRE_ENV}=1 ({exc})")
        pytest.skip(SKIP_REASON)


def assert_raises_like_torch(call, ours_module=None):
    """``call(m)`` raises on PyTorch and on ours: same exception type, same message."""
    import pytest

    torch = require_torch()
    if ours_module is None:
        import autograd_widgets as ours_module
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(ours_module)
    assert str(ours.value) == str(theirs.value)
