"""``torch.distributed`` on one CPU process, against PyTorch's CPU wheel (gloo): the answers and
errors without a process group, the rendezvous checks of ``init_process_group``, and the
collectives of a world of one process (also ``DistributedDataParallel`` and
``DistributedSampler`` over it)."""

from __future__ import annotations

import contextlib
import socket

import pytest

import autograd_widgets as aw
from tests._oracle import assert_raises_like_torch, require_torch
from tests.nn._both import error, same

pytestmark = pytest.mark.oracle

_NO_GROUP = (
    "Default process group has not been initialized, please make sure to call init_process_group."
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _world_of_one(m, backend="gloo"):
    url = f"tcp://127.0.0.1:{_free_port()}"
    m.distributed.init_process_group(backend, init_method=url, rank=0, world_size=1)
    try:
        yield m.distributed
    finally:
        m.distributed.destroy_process_group()


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    for var in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "LOCAL_RANK"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("TORCHELASTIC_RUN_ID", raising=False)


def test_availability_answers_as_the_cpu_wheel():
    def answers(m):
        d = m.distributed
        return [
            d.is_available(),
            d.is_initialized(),
            d.is_gloo_available(),
            d.is_nccl_available(),
            d.is_mpi_available(),
            d.is_torchelastic_launched(),
            d.group.WORLD is None,
            d.get_node_local_rank(fallback_rank=3),
        ]

    assert same(answers) == [True, False, True, False, False, False, True, 3]


def test_reduce_op_and_backend_print_as_torch():
    def shown(m):
        d = m.distributed
        ops = [getattr(d.ReduceOp, n) for n in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND")]
        wrapped = d.ReduceOp(d.ReduceOp.MAX)
        return [
            [repr(o) for o in ops],
            [str(o) for o in ops],
            [int(o) for o in ops],
            list(d.ReduceOp.RedOpType.__members__),
            wrapped == d.ReduceOp.MAX,
            str(wrapped.op),
            [d.Backend("GLOO"), d.Backend.NCCL, d.Backend("custom"), d.Backend.UNDEFINED],
        ]

    assert same(shown)[0][0] == "<RedOpType.SUM: 0>"


@pytest.mark.parametrize(
    "call",
    [
        lambda d, t: d.get_rank(),
        lambda d, t: d.get_world_size(),
        lambda d, t: d.get_backend(),
        lambda d, t: d.barrier(),
        lambda d, t: d.all_reduce(t),
        lambda d, t: d.all_reduce(t, op=d.ReduceOp.AVG, async_op=True),
        lambda d, t: d.reduce(t, 0),
        lambda d, t: d.broadcast(t, 0),
        lambda d, t: d.all_gather([t.clone()], t),
        lambda d, t: d.gather(t, [t.clone()]),
        lambda d, t: d.scatter(t),
        lambda d, t: d.all_gather_object([None], 1),
        lambda d, t: d.new_group(),
        lambda d, t: d.destroy_process_group(),
    ],
)
def test_without_a_process_group_calls_raise_as_torch(call):
    assert_raises_like_torch(lambda m: call(m.distributed, m.ones(2)))
    msg = error(lambda: call(aw.distributed, aw.ones(2)))
    assert msg[1] == _NO_GROUP or msg == ("AssertionError", "Process group cannot be None")


def test_ddp_without_a_process_group_raises_as_torch():
    assert_raises_like_torch(lambda m: m.nn.parallel.DistributedDataParallel(m.nn.Linear(2, 1)))
    assert error(lambda: aw.nn.parallel.DistributedDataParallel(aw.nn.Linear(2, 1))) == (
        "ValueError",
        _NO_GROUP,
    )


@pytest.mark.parametrize(
    ("env", "kwargs"),
    [
        ({}, {}),
        ({"RANK": "0"}, {}),
        ({"RANK": "0", "WORLD_SIZE": "1"}, {}),
        ({"RANK": "0", "WORLD_SIZE": "1", "MASTER_ADDR": "127.0.0.1"}, {}),
        ({}, {"rank": 0, "world_size": 1}),
        ({}, {"init_method": "tcp://127.0.0.1", "rank": 0, "world_size": 1}),
        ({}, {"init_method": "tcp://127.0.0.1:29999", "world_size": 1}),
        ({}, {"init_method": "tcp://127.0.0.1:29999", "rank": 0}),
        ({}, {"init_method": "file:///tmp/aw_dist_probe", "world_size": 1}),
        ({}, {"init_method": "file:///tmp/aw_dist_probe", "rank": 0}),
        ({}, {"init_method": "bogus://127.0.0.1:29999", "rank": 0}),
        ({}, {"init_method": "env://", "store": object()}),
        ({}, {"store": object(), "rank": 0}),
        ({}, {"store": object(), "world_size": 1}),
    ],
)
def test_init_process_group_rendezvous_errors_match_torch(monkeypatch, env, kwargs):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert_raises_like_torch(lambda m: m.distributed.init_process_group("gloo", **kwargs))
    assert not aw.distributed.is_initialized()


def test_nccl_is_not_built_in():
    def init(m):
        url = f"tcp://127.0.0.1:{_free_port()}"
        m.distributed.init_process_group("nccl", init_method=url, rank=0, world_size=1)

    assert_raises_like_torch(init)
    assert not aw.distributed.is_initialized()


def test_a_bigger_world_is_declared_unsupported():
    url = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(NotImplementedError, match="runs one process only"):
        aw.distributed.init_process_group("gloo", init_method=url, rank=0, world_size=2)
    assert not aw.distributed.is_initialized()


@pytest.mark.parametrize("backend", [None, "gloo"])
def test_world_of_one_answers_and_collectives_match_torch(backend):
    def run(m):
        with _world_of_one(m, backend) as d:
            t = m.tensor([1.0, -2.0, 3.0])
            before = t.clone()
            out = [d.get_rank(), d.get_world_size(), str(d.get_backend()), d.is_initialized()]
            for op in (d.ReduceOp.SUM, d.ReduceOp.AVG, d.ReduceOp.MAX, d.ReduceOp.PRODUCT):
                out.append(d.all_reduce(t, op=op))
            work = d.all_reduce(t, async_op=True)
            out += [work.wait(), work.is_completed(), t, m.equal(t, before)]
            slots = [m.zeros(3)]
            out += [d.all_gather(slots, t * 2), slots]
            into = m.zeros(3)
            out += [d.all_gather_into_tensor(into, t + 1), into]
            gathered = [m.zeros(3)]
            out += [d.gather(t, gathered), gathered, d.gather(t, [m.zeros(3)], dst=0)]
            target = m.zeros(3)
            out += [d.scatter(target, [t * 5]), target]
            rs = m.zeros(3)
            out += [d.reduce_scatter(rs, [t - 1]), rs]
            out += [d.broadcast(t, 0), d.reduce(t, 0), d.barrier(), t]
            objs = [None]
            out += [d.all_gather_object(objs, {"loss": 1.5}), objs]
            out += [d.broadcast_object_list(["a", 2]), d.get_rank(d.new_group([0]))]
        out.append(m.distributed.is_initialized())
        return out

    same(run)


@pytest.mark.parametrize(
    "call",
    [
        lambda d, t: d.broadcast(t, 1),
        lambda d, t: d.reduce(t, 1),
        lambda d, t: d.all_gather([t.clone(), t.clone()], t),
        lambda d, t: d.all_gather([d_zeros(t, 4)], t),
        lambda d, t: d.gather(t),
        lambda d, t: d.gather(t, [t.clone(), t.clone()]),
        lambda d, t: d.scatter(t),
        lambda d, t: d.scatter(t, [t.clone(), t.clone()]),
        lambda d, t: d.reduce_scatter(t, [t.clone(), t.clone()]),
        lambda d, t: d.new_group([0, 1]),
        lambda d, t: d.init_process_group("gloo"),
    ],
)
def test_world_of_one_errors_match_torch(call):
    def run(m):
        with _world_of_one(m) as d:
            call(d, m.ones(3))

    assert_raises_like_torch(run)


def d_zeros(t, n):
    return t.new_zeros(n)


def test_ddp_over_a_world_of_one_wraps_the_module():
    def run(m):
        with _world_of_one(m):
            m.manual_seed(0)
            net = m.nn.Linear(3, 2)
            ddp = m.nn.parallel.DistributedDataParallel(net)
            x = m.arange(6.0).reshape(2, 3)
            ddp(x).sum().backward()
            first = net.weight.grad.clone()
            with ddp.no_sync():
                ddp(x).sum().backward()
            frozen = m.nn.Linear(2, 1).requires_grad_(False)
            return [
                repr(ddp),
                list(ddp.state_dict()),
                ddp.device_ids,
                ddp.module is net,
                first,
                net.weight.grad,
                error(lambda: m.nn.parallel.DistributedDataParallel(m.nn.ReLU())),
                error(lambda: m.nn.parallel.DistributedDataParallel(frozen)),
            ]

    same(run, rtol=1e-6, atol=1e-7)


def test_distributed_sampler_asks_the_process_group():
    def run(m):
        ds = list(range(10))
        no_group = error(lambda: m.utils.data.DistributedSampler(ds))
        with _world_of_one(m):
            sampler = m.utils.data.DistributedSampler(ds, seed=3)
            return [no_group, sampler.num_replicas, sampler.rank, list(sampler)]

    same(run)


def test_torch_distributed_is_importable_as_a_module():
    import autograd_widgets.distributed as dist

    assert dist is aw.distributed
    require_torch()
