"""``StackDataset`` and ``ChainDataset`` against PyTorch: samples, lengths, batches through
``DataLoader`` and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch

pytestmark = pytest.mark.oracle


def _data(m):
    x = m.arange(12.0).reshape(6, 2)
    y = m.tensor([0, 1, 0, 1, 1, 0])
    return m.utils.data.TensorDataset(x), m.utils.data.TensorDataset(y)


def _as_lists(obj):
    """Nested tuples/lists/dicts of tensors as plain Python values, for comparing libraries."""
    if isinstance(obj, dict):
        return {k: _as_lists(v) for k, v in obj.items()}
    if isinstance(obj, (tuple, list)):
        return [_as_lists(v) for v in obj]
    return obj.tolist() if hasattr(obj, "tolist") else obj


CASES = {
    "tuple_item": lambda m: m.utils.data.StackDataset(*_data(m))[4],
    "dict_item": lambda m: (lambda a, b: m.utils.data.StackDataset(x=a, y=b)[2])(*_data(m)),
    "len": lambda m: len(m.utils.data.StackDataset(*_data(m))),
    "tuple_batches": lambda m: list(
        m.utils.data.DataLoader(m.utils.data.StackDataset(*_data(m)), batch_size=4)
    ),
    "dict_batches": lambda m: (
        lambda a, b: list(
            m.utils.data.DataLoader(m.utils.data.StackDataset(x=a, y=b), batch_size=4)
        )
    )(*_data(m)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_stack_dataset_matches_torch(case):
    torch = require_torch()
    assert _as_lists(CASES[case](aw)) == _as_lists(CASES[case](torch))


class _Count:
    """An iterable dataset of n numbers, for either library."""

    def __init__(self, m, start, n):
        base = m.utils.data.IterableDataset

        class Count(base):
            def __iter__(self):
                return iter(range(start, start + n))

            def __len__(self):
                return n

        self.dataset = Count()


def test_chain_dataset_matches_torch():
    torch = require_torch()
    results = []
    for m in (torch, aw):
        chain = m.utils.data.ChainDataset([_Count(m, 0, 3).dataset, _Count(m, 10, 2).dataset])
        batches = [b.tolist() for b in m.utils.data.DataLoader(chain, batch_size=2)]
        results.append((list(chain), len(chain), batches))
    assert results[0] == results[1]
    assert np.array_equal(results[1][0], [0, 1, 2, 10, 11])


ERRORS = {
    "both_kinds": lambda m: (lambda a, b: m.utils.data.StackDataset(a, y=b))(*_data(m)),
    "none": lambda m: m.utils.data.StackDataset(),
    "sizes": lambda m: m.utils.data.StackDataset(
        _data(m)[0], m.utils.data.TensorDataset(m.zeros(3))
    ),
    "chain_of_map_style": lambda m: list(m.utils.data.ChainDataset([_data(m)[0]])),
    "chain_len_of_map_style": lambda m: len(m.utils.data.ChainDataset([_data(m)[0]])),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_match_torch(case):
    assert_raises_like_torch(ERRORS[case])
