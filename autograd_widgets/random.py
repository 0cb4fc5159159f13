"""``torch.random``: the default CPU generator's seeding and state (see ``_random``)."""

from __future__ import annotations

import contextlib

from .core._creation import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)

__all__ = [
    "Generator",
    "default_generator",
    "fork_rng",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]


@contextlib.contextmanager
def fork_rng(
    devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"
):
    """Restore the CPU generator's state on exit: draws inside the block leave no trace.

    There are no devices besides the CPU, so ``devices`` and ``device_type`` are accepted and
    ignored, as PyTorch does without CUDA.
    """
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
