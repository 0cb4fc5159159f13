"""``utils.data.DistributedSampler`` (index order of each replica, padding, drop_last,
``set_epoch`` reshuffles) and ``utils.data.default_convert``, against PyTorch."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._compare import error_of

pytestmark = pytest.mark.oracle


@pytest.mark.parametrize("n", [10, 12, 3, 1])
@pytest.mark.parametrize("replicas", [1, 3, 4, 5])
@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("drop_last", [False, True])
def test_every_replica_gets_torchs_indices(n, replicas, shuffle, drop_last):
    torch = require_torch()
    for rank in range(replicas):
        kw = dict(num_replicas=replicas, rank=rank, shuffle=shuffle, seed=7, drop_last=drop_last)
        ts = torch.utils.data.DistributedSampler(range(n), **kw)
        os_ = aw.utils.data.DistributedSampler(range(n), **kw)
        assert vars(os_) == vars(ts)
        for epoch in (0, 1, 5):
            ts.set_epoch(epoch)
            os_.set_epoch(epoch)
            assert list(os_) == list(ts)
            assert len(os_) == len(ts)


def test_shuffle_leaves_the_global_stream_alone():
    torch = require_torch()
    torch.manual_seed(0)
    aw.manual_seed(0)
    list(torch.utils.data.DistributedSampler(range(9), 2, 0))
    list(aw.utils.data.DistributedSampler(range(9), 2, 0))
    assert aw.rand(1).item() == torch.rand(1).item()


def test_dataloader_with_distributed_sampler():
    torch = require_torch()
    data = np.arange(22.0).reshape(11, 2)
    batches = []
    for lib in (torch, aw):
        ds = lib.utils.data.TensorDataset(lib.tensor(data))
        sampler = lib.utils.data.DistributedSampler(ds, num_replicas=2, rank=1, seed=3)
        sampler.set_epoch(2)
        loader = lib.utils.data.DataLoader(ds, batch_size=2, sampler=sampler)
        batches.append([b[0].numpy().tolist() for b in loader])
    assert batches[0] == batches[1]


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"num_replicas": 2},
        {"rank": 0},
        {"num_replicas": 2, "rank": 2},
        {"num_replicas": 3, "rank": -1},
    ],
)
def test_errors_match_torch(kw):
    torch = require_torch()
    expected = error_of(lambda: torch.utils.data.DistributedSampler(range(4), **kw))
    assert expected is not None
    assert error_of(lambda: aw.utils.data.DistributedSampler(range(4), **kw)) == expected


Point = collections.namedtuple("Point", ["x", "y"])


class Tagged(dict):
    tag = "kept"


def _plain(v):
    if hasattr(v, "numpy") and hasattr(v, "dtype"):
        return ("tensor", v.numpy().tolist(), str(v.dtype).split(".")[-1])
    if isinstance(v, dict):
        return (type(v).__name__, {k: _plain(x) for k, x in v.items()})
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [_plain(x) for x in v])
    if isinstance(v, np.ndarray):
        return ("ndarray", v.tolist())
    return (type(v).__name__, v)


CONVERT = [
    ("int", lambda m: 0),
    ("array", lambda m: np.array([0, 1])),
    ("float32_array", lambda m: np.array([[1.5]], dtype=np.float32)),
    ("scalar", lambda m: np.float64(2.5)),
    ("str_array", lambda m: np.array(["a", "b"])),
    ("np_str", lambda m: np.str_("x")),
    ("tensor", lambda m: m.tensor([1, 2])),
    ("namedtuple", lambda m: Point(np.array(0), 3)),
    ("tuple", lambda m: (np.array([1.0]), "s")),
    ("list", lambda m: [np.array([0, 1]), np.array([2, 3])]),
    ("dict", lambda m: {"a": np.int32(4), "b": [np.array([1])]}),
    ("dict_subclass", lambda m: Tagged(a=np.array([1, 2]))),
    ("range", lambda m: range(3)),
    ("string", lambda m: "text"),
]


@pytest.mark.parametrize("case", CONVERT, ids=[c[0] for c in CONVERT])
def test_default_convert_matches_torch(case):
    torch = require_torch()
    ours = aw.utils.data.default_convert(case[1](aw))
    theirs = torch.utils.data.default_convert(case[1](torch))
    assert _plain(ours) == _plain(theirs)
    if isinstance(theirs, Tagged):
        assert ours.tag == theirs.tag


def test_dataloader_without_batching_converts_like_torch():
    torch = require_torch()

    class Arrays:
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return {"x": np.full(2, float(i)), "y": i}

    out = []
    for lib in (torch, aw):
        out.append([_plain(b) for b in lib.utils.data.DataLoader(Arrays(), batch_size=None)])
    assert out[0] == out[1]


@pytest.mark.parametrize("value", [np.int32(4), np.int16(-3), np.int8(2), np.uint8(7), np.int64(5)])
@pytest.mark.parametrize("fn", ["tensor", "as_tensor"])
def test_numpy_integer_scalars_keep_their_dtype(fn, value):
    """``default_convert`` turns numpy scalars into tensors through ``as_tensor``."""
    torch = require_torch()
    ours, theirs = getattr(aw, fn)(value), getattr(torch, fn)(value)
    assert str(ours.dtype) == str(theirs.dtype) and ours.item() == theirs.item()
