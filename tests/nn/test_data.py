"""``utils.data``: datasets, samplers, collation, ``DataLoader`` and ``random_split``."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    IterableDataset,
    SequentialSampler,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)
from tests._oracle import require_torch


def _ds(n=10):
    return TensorDataset(aw.arange(2.0 * n).reshape(n, 2), aw.arange(n))


def test_tensor_dataset_and_sequential_loader():
    ds = _ds()
    assert len(ds) == 10
    x, y = ds[3]
    assert x.tolist() == [6.0, 7.0] and int(y) == 3
    batches = list(DataLoader(ds, batch_size=4))
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert isinstance(batches[0], list) and batches[0][0].shape == aw.Size([4, 2])
    assert len(DataLoader(ds, batch_size=4)) == 3
    assert len(DataLoader(ds, batch_size=4, drop_last=True)) == 2
    assert [b[1].tolist() for b in DataLoader(ds, batch_size=4, drop_last=True)][-1] == [4, 5, 6, 7]
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(aw.ones(3), aw.ones(4))


def test_shuffle_is_a_permutation_and_seedable():
    ds = _ds(20)

    def order(seed):
        g = aw.Generator().manual_seed(seed)
        return [
            i
            for b in DataLoader(ds, batch_size=6, shuffle=True, generator=g)
            for i in b[1].tolist()
        ]

    a, b, c = order(1), order(1), order(2)
    assert sorted(a) == list(range(20)) and a == b and a != c
    aw.manual_seed(5)
    first = [i for b in DataLoader(ds, batch_size=20, shuffle=True) for i in b[1].tolist()]
    aw.manual_seed(5)
    again = [i for b in DataLoader(ds, batch_size=20, shuffle=True) for i in b[1].tolist()]
    assert first == again
    loader = DataLoader(ds, batch_size=20, shuffle=True)
    assert next(iter(loader))[1].tolist() != next(iter(loader))[1].tolist()


def test_default_collate_structures():
    out = default_collate(
        [{"a": 1, "b": 2.0, "c": aw.ones(2)}, {"a": 3, "b": 4.0, "c": aw.zeros(2)}]
    )
    assert out["a"].dtype == aw.int64 and out["b"].dtype == aw.float64
    assert out["c"].tolist() == [[1.0, 1.0], [0.0, 0.0]]
    pairs = default_collate([(1, np.ones(2, np.float32)), (2, np.zeros(2, np.float32))])
    assert pairs[0].tolist() == [1, 2] and pairs[1].dtype == aw.float32
    assert default_collate(["a", "b"]) == ["a", "b"]
    nested = default_collate([[aw.ones(1), 1], [aw.ones(1), 2]])
    assert nested[0].shape == aw.Size([2, 1]) and nested[1].tolist() == [1, 2]


def test_custom_dataset_collate_fn_and_samplers():
    class Squares(Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            return {"x": aw.tensor([float(i)]), "y": i * i}

    loader = DataLoader(Squares(), batch_size=3, collate_fn=lambda b: [d["y"] for d in b])
    assert list(loader) == [[0, 1, 4], [9, 16, 25], [36]]
    loader = DataLoader(Squares(), batch_sampler=BatchSampler(SequentialSampler(range(7)), 2, True))
    assert [b["y"].tolist() for b in loader] == [[0, 1], [4, 9], [16, 25]]
    unbatched = list(DataLoader(Squares(), batch_size=None))
    assert unbatched[2]["y"] == 4
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(Squares(), sampler=SequentialSampler(range(7)), shuffle=True)


def test_iterable_dataset():
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(5))

    assert [b.tolist() for b in DataLoader(Stream(), batch_size=2)] == [[0, 1], [2, 3], [4]]


def test_random_split_lengths_fractions_and_generator():
    ds = _ds(10)
    a, b = random_split(ds, [7, 3], generator=aw.Generator().manual_seed(0))
    assert isinstance(a, Subset) and len(a) == 7 and len(b) == 3
    idx = sorted(a.indices + b.indices)
    assert idx == list(range(10))
    a2, _ = random_split(ds, [7, 3], generator=aw.Generator().manual_seed(0))
    assert a2.indices == a.indices
    parts = random_split(ds, [0.5, 0.3, 0.2])
    assert [len(p) for p in parts] == [5, 3, 2]
    parts = random_split(_ds(11), [0.5, 0.5])
    assert [len(p) for p in parts] == [6, 5]
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(ds, [5, 4])
    loader = DataLoader(a, batch_size=7)
    assert sorted(next(iter(loader))[1].tolist()) == sorted(a.indices)
    assert len(ds + ds) == 20 and (ds + ds)[15][1].item() == 5


def test_iterator_is_named_and_sized_like_pytorchs():
    torch = require_torch()
    for m in (aw, torch):
        loader = m.utils.data.DataLoader(
            m.utils.data.TensorDataset(m.arange(10.0)), batch_size=4, drop_last=True
        )
        it = iter(loader)
        assert type(it).__name__ == "_SingleProcessDataLoaderIter"
        assert iter(it) is it and len(it) == 2
        assert [b[0].tolist() for b in it] == [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]
        with pytest.raises(StopIteration):
            next(it)
