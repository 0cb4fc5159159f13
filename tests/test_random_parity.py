"""Every seeded sampling path draws PyTorch's numbers (the oracle runs the same calls).

Each case is one expression evaluated twice, with ``torch`` and with ``autograd_widgets``
bound to ``torch``, after ``manual_seed(0)`` and with ``g`` a ``Generator`` seeded 3.
Integers and sampled indices must be equal; floats bit-identical except the float32
Box-Muller path (``randn``/``normal_`` with 16 or more float32 values), where SLEEF's
float32 ``log``/``sin``/``cos`` leave about one value in fourteen one ulp away. Errors
must have PyTorch's type and message.
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

pytestmark = pytest.mark.oracle

CASES = [
    # random_: every form, every dtype (alone: the dtype's whole range)
    *(
        f"torch.empty(5, dtype=torch.{dt}).random_({args})"
        for dt in ("float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool")
        for args in ("", "10", "2", "-5, 10", "3, None", "0, 2", "generator=g")
    ),
    *(
        f"torch.empty(4, dtype=torch.{dt}).random_({args})"
        for dt in ("float32", "float64", "int64", "float16")
        for args in ("-2**40, 2**40", "0, 2**33", "-2**63, None", "2**60 + 1, 2**60 + 2")
    ),
    "torch.empty(3).random_(to=7)",
    "torch.empty(3).random_(2, to=7)",
    "torch.empty(3).random_(**{'from': 2, 'to': None})",
    "torch.empty(3).random_(**{'from': 2})",
    "torch.empty(3).random_(1.5)",
    "torch.empty(3).random_(True)",
    "torch.empty(3).random_(None)",
    "torch.empty(3).random_(5, 3)",
    "torch.empty(3, dtype=torch.int8).random_(0, 300)",
    "torch.empty(3, dtype=torch.uint8).random_(-1, 3)",
    "torch.empty(3, dtype=torch.float16).random_(-2**62, 2**62)",
    "torch.empty(3, dtype=torch.float32).random_(2**24, None)",
    "torch.empty(0).random_(5, 3)",
    # randint: every signature
    "torch.randint(10, (5,))",
    "torch.randint(3, 10, (2, 3))",
    "torch.randint(high=10, size=(3,))",
    "torch.randint(low=2, high=10, size=(3,))",
    "torch.randint(2, high=10, size=(3,))",
    "torch.randint(10, size=(3,))",
    "torch.randint(10, [3, 2])",
    "torch.randint(10, torch.Size([2]))",
    "torch.randint(0, 10, ())",
    "torch.randint(0, 10, (4,), generator=g)",
    "torch.randint(0, 10, (4,), dtype=torch.float32)",
    "torch.randint(-5, 5, (2, 2), dtype=torch.int32)",
    "torch.randint(2, (5,), dtype=torch.bool)",
    "torch.randint(0, 2**40, (3,))",
    "torch.randint(-2**40, 2**40, (3,), dtype=torch.float32)",
    "torch.randint(10, (3,), dtype=torch.float64, requires_grad=True)",
    "torch.randint(10, (3,), out=torch.empty(3))",
    "torch.randint(10, (3,), low=2)",
    "torch.randint(high=10)",
    "torch.randint(10)",
    "torch.randint(1, 2, 3, 4)",
    "torch.randint(1.5, (3,))",
    "torch.randint(10, 3)",
    "torch.randint(5, 5, (2,))",
    "torch.randint(5, (2,), dtype=torch.bool)",
    "torch.randint(10, (3,), requires_grad=True)",
    "torch.randint_like(torch.zeros(3), 10)",
    "torch.randint_like(torch.zeros(3), 2, 10)",
    "torch.randint_like(torch.zeros(3), 3, high=7)",
    "torch.randint_like(torch.zeros(3, dtype=torch.int64), 2**40)",
    "torch.randint_like(torch.zeros(3), 10, generator=g, dtype=torch.int8)",
    # randperm
    "torch.randperm(10)",
    "torch.randperm(10, generator=g)",
    "torch.randperm(6, dtype=torch.float32)",
    "torch.randperm(1000).tolist()[:50]",
    # multinomial: both samplers, one sample with replacement takes the other one
    "torch.multinomial(torch.tensor([.1, .2, .3, .4]), 1, True, "
    "generator=torch.Generator().manual_seed(0))",
    "torch.multinomial(torch.tensor([.1, .2, .3, .4]), 1, replacement=True, generator=g)",
    "torch.multinomial(torch.tensor([.1, .2, .3, .4]), 8, True)",
    "torch.multinomial(torch.tensor([[.1, .2, .3, .4], [1, 0, 0, 1.]]), 8, True)",
    "torch.multinomial(torch.tensor([[.1, .2, .3, .4], [1, 0, 0, 1.]]), 2)",
    "torch.multinomial(torch.tensor([[.1, .2, .3, .4], [1, 0, 0, 1.]]), 1)",
    "torch.multinomial(torch.rand(3, 50, dtype=torch.float64), 20)",
    "torch.multinomial(torch.rand(3, 50, dtype=torch.float64), 20, True)",
    "torch.multinomial(torch.rand(3, 50), 50)",
    "torch.multinomial(torch.rand(2, 5000), 1000, True)",
    "torch.multinomial(torch.rand(30, 27), 1, True)",
    "torch.multinomial(torch.tensor([.1, .2, .3, .4], dtype=torch.float16), 3, True)",
    "torch.tensor([.1, .2, .3, .4]).multinomial(3, replacement=True, generator=g)",
    "torch.multinomial(torch.tensor([0., 0.]), 1)",
    "torch.multinomial(torch.tensor([-1., 2.]), 1)",
    "torch.multinomial(torch.tensor([1., 2.]), 3)",
    "torch.multinomial(torch.tensor([[1., 1.], [0., 0.]]), 3, True)",
    "torch.multinomial(torch.tensor([1., float('nan')]), 3, True)",
    "torch.multinomial(torch.tensor([1., float('inf')]), 3, True)",
    "torch.multinomial(torch.tensor([1., float('inf')]), 1)",
    "torch.multinomial(torch.tensor([1., 2.]), 0)",
    "torch.multinomial(torch.tensor(1.), 1)",
    "torch.multinomial(torch.tensor([1, 2]), 1)",
    "torch.multinomial(torch.ones(2, 0), 2, True)",
    # bernoulli: double probabilities draw double uniforms, float ones float uniforms
    "torch.empty(2000).bernoulli_(0.3).sum()",
    "torch.empty(5, dtype=torch.float64).bernoulli_(0.3)",
    "torch.bernoulli(torch.full((10,), 0.5))",
    "torch.bernoulli(torch.full((10,), 0.5, dtype=torch.float64))",
    "torch.bernoulli(torch.full((10,), 0.5), 0.2)",
    "torch.empty(10).bernoulli_(torch.full((10,), 0.3, dtype=torch.float64))",
    "torch.empty(2, 3).bernoulli_(torch.tensor([0.1, 0.5, 0.9]))",
    "torch.full((3,), 0.5).bernoulli(generator=g)",
    "torch.empty(2).bernoulli_(1.5)",
    "torch.bernoulli(torch.tensor([1.5]))",
    # uniform_, normal, exponential_
    "torch.empty(5).uniform_(generator=g)",
    "torch.empty(2000, dtype=torch.float64).uniform_(-2.3, 3.7)",
    "torch.empty(20, dtype=torch.float16).uniform_(-3, 2)",
    "torch.empty(15, dtype=torch.float64).normal_(2.1, 3.3)",
    "torch.empty(2001, dtype=torch.float64).normal_(2.1, 3.3)",
    "torch.normal(2.1, 3.3, (1000,), dtype=torch.float64)",
    "torch.empty(15).normal_(2.1, 3.3)",
    "torch.normal(torch.arange(20., dtype=torch.float64), 0.3)",
    "torch.normal(torch.arange(20., dtype=torch.float64), torch.full((20,), 0.7, dtype=torch.float64))",
    "torch.normal(torch.zeros(3, 1), torch.ones(4))",
    "torch.normal(0., 1., (5,), generator=g)",
    "torch.empty(1000, dtype=torch.float64).exponential_(0.2)",
    "torch.empty(1000).exponential_(3)",
    "torch.empty(20, dtype=torch.float16).exponential_()",
    "torch.normal(torch.zeros(3), torch.tensor([1., -1, 2]))",
    "torch.normal(0., -0.123456789, (2,))",
    "torch.empty(3).normal_(0, -1.0)",
    "torch.empty(2).uniform_(3, 1)",
    "torch.empty(2).uniform_(0, 1e39)",
    "torch.empty(2).exponential_(0)",
    "torch.empty(2, dtype=torch.int64).uniform_()",
    "torch.empty(2, dtype=torch.int64).normal_()",
    "torch.empty(2, dtype=torch.int64).exponential_()",
    # dropout variants: the same Bernoulli noise (per element or per channel) as ATen
    "torch.nn.functional.dropout(torch.ones(2000), 0.5).sum()",
    "torch.nn.functional.dropout1d(torch.ones(2, 3, 4), 0.5)",
    "torch.nn.functional.dropout1d(torch.ones(3, 4), 0.5)",
    "torch.nn.functional.dropout1d(torch.ones(3, 4, 2, 2), 0.5)",
    "torch.nn.functional.dropout2d(torch.ones(2, 3, 2, 2), 0.5)",
    "torch.nn.functional.dropout2d(torch.ones(5, 3, 2), 0.3)",
    "torch.nn.functional.alpha_dropout(torch.arange(10.), 0.2, training=True)",
    "torch.nn.functional.alpha_dropout(torch.arange(10., dtype=torch.float64), 0.2, True)",
    "torch.nn.functional.alpha_dropout(torch.ones(8), 0.5)",
    "torch.nn.functional.alpha_dropout(torch.ones(8), 1.0, training=True)",
    "torch.nn.functional.feature_alpha_dropout(torch.ones(2, 3, 2), 0.5, training=True)",
    "torch.nn.AlphaDropout(0.2)(torch.arange(6.))",
    "torch.nn.Dropout1d(0.5)(torch.ones(2, 3, 4))",
    "repr(torch.nn.AlphaDropout(0.2))",
    "torch.nn.functional.gumbel_softmax(torch.zeros(2, 4), tau=0.5, hard=True)",
    "torch.nn.functional.gumbel_softmax(torch.tensor([[1., 2., 3.]]), tau=1.0)",
    # views: filled in memory order (TensorIterator); non-contiguous normal_ draws one by one
    "torch.empty(3, 4).t().random_(10)",
    "torch.empty(3, 4).t().random_()",
    "torch.empty(3, 4)[:, 1].uniform_()",
    "torch.empty(2, 20)[:, ::2].normal_()",
    "torch.empty(4, 20).t().normal_()",
    "torch.empty(2, 3, 4).permute(2, 0, 1).uniform_(-1, 1)",
    "torch.empty(2, 3, 4).transpose(0, 1).exponential_()",
    "torch.empty(5, 4).t().bernoulli_(0.5)",
    "torch.empty(5, 4).t().bernoulli_(torch.rand(4, 5))",
    "torch.empty(5, 1, 4).transpose(0, 2).random_(3)",
]

# float32 Box-Muller (16 or more float32 normals): SLEEF's last bit, see the module docstring
FLOAT32_NORMAL = [
    "torch.randn(100)",
    "torch.normal(torch.zeros(20), 2.0)",
    "torch.normal(1.0, torch.ones(20))",
]


def _run(module, code):
    module.manual_seed(0)
    namespace = {"torch": module, "g": module.Generator().manual_seed(3)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = eval(code, namespace)
        except Exception as exc:  # the error itself is what we compare
            value = (type(exc).__name__, str(exc))
    if isinstance(value, module.Tensor):
        value = (str(value.dtype), value.tolist())
    return value, [str(w.message) for w in caught]


@pytest.mark.parametrize("code", CASES)
def test_sampling_matches_pytorch(code):
    torch = require_torch()
    assert _run(aw, code) == _run(torch, code)


@pytest.mark.parametrize("code", FLOAT32_NORMAL)
def test_float32_normals_match_to_the_last_bit_mostly(code):
    torch = require_torch()
    (want_dt, want), _ = _run(torch, code)
    (got_dt, got), _ = _run(aw, code)
    assert got_dt == want_dt
    want, got = np.asarray(want, dtype=np.float32), np.asarray(got, dtype=np.float32)
    assert np.all(np.abs(got - want) <= np.spacing(np.abs(want)))
    assert np.mean(got == want) > 0.8


def _sampler_names(module):
    data = importlib.import_module(f"{module.__name__}.utils.data")
    names = (
        "BatchSampler DataLoader RandomSampler SubsetRandomSampler TensorDataset "
        "WeightedRandomSampler random_split"
    )
    return {name: getattr(data, name) for name in names.split()}


SAMPLER_CASES = [
    "list(RandomSampler(range(10)))",
    "list(RandomSampler(range(10), generator=g))",
    "list(RandomSampler(range(10), num_samples=25))",
    "list(RandomSampler(range(7), replacement=True))",
    "list(RandomSampler(range(7), replacement=True, num_samples=70, generator=g))",
    "next(iter(RandomSampler(range(10), replacement=True, num_samples=int(1e10))))",
    "[i for i, _ in zip(RandomSampler(range(10), True, int(1e10)), range(40))]",
    "RandomSampler(range(3), replacement=1)",
    "RandomSampler(range(3), num_samples=0)",
    "list(SubsetRandomSampler([10, 20, 30, 40, 50]))",
    "list(SubsetRandomSampler([10, 20, 30, 40, 50], generator=g))",
    "list(WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.5], 10))",
    "list(WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.5], 5, replacement=False))",
    "list(WeightedRandomSampler([0.1, 0.9, 0.4], 1, generator=g))",
    "list(BatchSampler(RandomSampler(range(10), generator=g), 3, drop_last=False))",
    "list(BatchSampler(RandomSampler(range(10)), 4, drop_last=True))",
    "[b[1].tolist() for b in DataLoader(TensorDataset(torch.arange(10.), torch.arange(10)), "
    "batch_size=3, shuffle=True)]",
    "[b[1].tolist() for b in DataLoader(TensorDataset(torch.arange(10.), torch.arange(10)), "
    "batch_size=4, shuffle=True, generator=g)] + [torch.rand(2).tolist()]",
    "[[b.tolist() for b in DataLoader(range(9), batch_size=4, shuffle=True)] for _ in range(2)]",
    "(lambda it: (torch.rand(1).tolist(), [b.tolist() for b in it]))(iter(DataLoader(range(6), "
    "batch_size=4, shuffle=True)))",
    "[list(s) for s in random_split(range(10), [3, 7])]",
    "[list(s) for s in random_split(range(10), [0.5, 0.3, 0.2], generator=g)]",
    "torch.rand(3)",
]


@pytest.mark.parametrize("code", SAMPLER_CASES)
def test_data_samplers_match_pytorch(code):
    torch = require_torch()

    def run(module):
        module.manual_seed(0)
        namespace = {"torch": module, "g": module.Generator().manual_seed(3)}
        namespace.update(_sampler_names(module))
        try:
            value = eval(code, namespace)
        except Exception as exc:  # the error itself is what we compare
            value = (type(exc).__name__, str(exc))
        if isinstance(value, module.Tensor):
            value = value.tolist()
        return value, module.rand(2).tolist()  # and the default stream is where torch's is

    assert run(aw) == run(torch)
