"""nn tests run PyTorch single-threaded: its tiny ops here only pay for a thread pool."""

from __future__ import annotations

import importlib

import pytest


@pytest.fixture(autouse=True, scope="session")
def _torch_single_thread():
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
