"""``torch.distributed`` for one CPU process.

Training scripts call into it whether or not they were launched distributed: ``is_available()``
(True, as PyTorch's CPU wheel with gloo), ``is_initialized()``, ``get_rank()``... Without a
process group every call raises PyTorch's "Default process group has not been initialized"
error. ``init_process_group`` does PyTorch's rendezvous checks (``env://`` needs ``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``; ``tcp://`` a port, ``rank`` and
``world_size``) and then accepts a world of size one only: its collectives are PyTorch's on one
rank (an ``all_reduce`` leaves the tensor as it is, an ``all_gather`` copies it into the single
slot). A larger world raises ``NotImplementedError``: autograd_widgets starts no other processes
and does not pretend to talk to any.
"""

from __future__ import annotations

import os
import pickle
from urllib.parse import parse_qs, urlparse

from ..autograd.grad_mode import no_grad
from ._types import Backend, ProcessGroup, ReduceOp, Work

__all__ = [
    "Backend",
    "GroupMember",
    "ProcessGroup",
    "ReduceOp",
    "Work",
    "all_gather",
    "all_gather_into_tensor",
    "all_gather_object",
    "all_reduce",
    "barrier",
    "broadcast",
    "broadcast_object_list",
    "destroy_process_group",
    "gather",
    "get_backend",
    "get_node_local_rank",
    "get_rank",
    "get_world_size",
    "group",
    "init_process_group",
    "is_available",
    "is_gloo_available",
    "is_initialized",
    "is_mpi_available",
    "is_nccl_available",
    "is_torchelastic_launched",
    "new_group",
    "reduce",
    "reduce_scatter",
    "scatter",
]


class GroupMember:
    """``GroupMember.WORLD``: the default process group, ``None`` until one is initialised."""

    WORLD = None
    NON_GROUP_MEMBER = -100


group = GroupMember  # ``torch.distributed.group.WORLD``


def is_available() -> bool:
    return True


def is_gloo_available() -> bool:
    return True


def is_nccl_available() -> bool:
    return False


def is_mpi_available() -> bool:
    return False


def is_torchelastic_launched() -> bool:
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def get_node_local_rank(fallback_rank=None) -> int:
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError(
        "LOCAL_RANK is not in the environment. Consider passing fallback_rank to allow "
        "`get_node_local_rank` to work, assuming you are not running in a distributed context."
    )


def is_initialized() -> bool:
    return GroupMember.WORLD is not None


def _world() -> ProcessGroup:
    if GroupMember.WORLD is None:
        raise ValueError(
            "Default process group has not been initialized, please make sure to call "
            "init_process_group."
        )
    return GroupMember.WORLD


# --- setting up and tearing down --------------------------------------------------------------
def _rendezvous_error(msg):
    return ValueError("Error initializing torch.distributed using " + msg)


def _rendezvous(init_method: str, rank: int, world_size: int):
    """``(rank, world_size)`` as PyTorch's rendezvous handlers find them."""
    url = urlparse(init_method)
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    if rank != -1:
        query["rank"] = str(rank)
    if world_size != -1:
        query["world_size"] = str(world_size)
    if url.scheme == "env":

        def env(var):
            value = os.environ.get(var)
            if not value:
                raise _rendezvous_error(
                    f"env:// rendezvous: environment variable {var} expected, but not set"
                )
            return value

        rank = int(query["rank"]) if "rank" in query else int(env("RANK"))
        world_size = int(query["world_size"]) if "world_size" in query else int(env("WORLD_SIZE"))
        env("MASTER_ADDR")
        int(env("MASTER_PORT"))
        return rank, world_size
    if url.scheme == "tcp":
        for missing, msg in (
            (not url.port, "port number missing"),
            ("rank" not in query, "rank parameter missing"),
            ("world_size" not in query, "world size parameter missing"),
        ):
            if missing:
                raise _rendezvous_error("tcp:// rendezvous: " + msg)
        return int(query["rank"]), int(query["world_size"])
    if url.scheme == "file":
        for key, msg in (
            ("rank", "rank parameter missing"),
            ("world_size", "world size parameter missing"),
        ):
            if key not in query:
                raise _rendezvous_error("file:// rendezvous: " + msg)
        return int(query["rank"]), int(query["world_size"])
    raise RuntimeError(f"No rendezvous handler for {url.scheme}://")


def init_process_group(
    backend=None,
    init_method=None,
    timeout=None,
    world_size=-1,
    rank=-1,
    store=None,
    group_name="",
    pg_options=None,
    device_id=None,
    _ranks=None,
) -> None:
    """``torch.distributed.init_process_group``: only a world of one process can be made."""
    if GroupMember.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if store is not None and init_method is not None:
        raise AssertionError("Cannot specify both init_method and store.")
    if store is not None:
        if not world_size > 0:
            raise AssertionError("world_size must be positive if using store")
        if not rank >= 0:
            raise AssertionError("rank must be non-negative if using store")
    else:
        rank, world_size = _rendezvous(init_method or "env://", rank, world_size)
    name = Backend.UNDEFINED if backend is None else Backend(backend)
    if name == Backend.NCCL:
        raise RuntimeError("Distributed package doesn't have NCCL built in")
    if name not in (Backend.UNDEFINED, Backend.GLOO):
        raise AssertionError(f"Unknown backend type {name}")
    if world_size != 1:
        raise NotImplementedError(
            f"init_process_group: a world of {world_size} processes; autograd_widgets runs "
            "one process only (world_size=1, rank=0)"
        )
    GroupMember.WORLD = ProcessGroup(name)


def destroy_process_group(group=None) -> None:
    if GroupMember.WORLD is None:
        raise AssertionError("Process group cannot be None")
    if group is None or group is GroupMember.WORLD:
        GroupMember.WORLD = None


def new_group(
    ranks=None,
    timeout=None,
    backend=None,
    pg_options=None,
    use_local_synchronization=False,
    group_desc=None,
    device_id=None,
    sort_ranks=True,
):
    world = _world()
    if ranks is not None and len(ranks) > 1:
        raise ValueError(
            "the new group's world size should be less or equal to the world size set by "
            "init_process_group"
        )
    return ProcessGroup(world._backend if backend is None else Backend(backend))


def get_rank(group=None) -> int:
    _world()
    return 0


def get_world_size(group=None) -> int:
    _world()
    return 1


def get_backend(group=None) -> Backend:
    return Backend((group or _world())._backend)


# --- collectives on one rank ------------------------------------------------------------------
def _done(async_op):
    return Work() if async_op else None


def _root(op, root):
    if root not in (None, 0):
        raise RuntimeError(f"ProcessGroupGloo::{op}: invalid root rank: {root}")


def _copy(dst, src):
    with no_grad():
        dst.copy_(src)


def _list_of_one(op, tensors, what):
    if len(tensors) != 1:
        raise RuntimeError(
            f"ProcessGroupGloo::{op}: Incorrect {what} list size {len(tensors)}. {what.title()} "
            "list size should be 1, same as size of the process group."
        )


def _one_slot(op, tensors, tensor):
    if len(tensors) != 1:
        raise RuntimeError(
            f"ProcessGroupGloo::{op}: invalid output tensor list at index 0 (expected length 1, "
            f"got {len(tensors)})"
        )
    if tuple(tensors[0].shape) != tuple(tensor.shape):
        want = ", ".join(map(str, tensor.shape))
        got = ", ".join(map(str, tensors[0].shape))
        raise RuntimeError(
            f"ProcessGroupGloo::{op}: invalid tensor size at index 0 (expected ({want}), got "
            f"({got}))"
        )


def barrier(group=None, async_op=False, device_ids=None, timeout=None):
    _world()
    return _done(async_op)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Every reduction of one rank's tensor is that tensor: it is left unchanged."""
    _world()
    return _done(async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    _world()
    _root("reduce", dst if group_dst is None else group_dst)
    return _done(async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    _world()
    _root("broadcast", src if group_src is None else group_src)
    return _done(async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    _world()
    _one_slot("allgather", tensor_list, tensor)
    _copy(tensor_list[0], tensor)
    return _done(async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    _world()
    _copy(output_tensor, input_tensor.reshape(output_tensor.shape))
    return _done(async_op)


def all_gather_object(object_list, obj, group=None):
    """``object_list[0]`` becomes a copy of ``obj`` (pickled and unpickled, as PyTorch sends it)."""
    _world()
    object_list[0] = pickle.loads(pickle.dumps(obj))


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    _world()


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    _world()
    if gather_list is None:
        raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
    _root("gather", dst if group_dst is None else group_dst)
    _list_of_one("gather", gather_list, "output")
    _copy(gather_list[0], tensor)
    return _done(async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    _world()
    if scatter_list is None:
        raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
    _root("scatter", src if group_src is None else group_src)
    _list_of_one("scatter", scatter_list, "input")
    _copy(tensor, scatter_list[0])
    return _done(async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    _world()
    if len(input_list) != 1:
        raise RuntimeError("invalid input tensor list size, must be world size")
    _copy(output, input_list[0])
    return _done(async_op)
