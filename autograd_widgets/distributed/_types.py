"""The small value types of ``torch.distributed``: ``ReduceOp``, ``Backend``, ``Work`` and the
``ProcessGroup`` a one-process world is made of."""

from __future__ import annotations

import enum

__all__ = ["Backend", "ProcessGroup", "ReduceOp", "Work"]


class _RedOpType(enum.IntEnum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8

    def __str__(self):  # PyTorch's pybind enum prints its qualified name, not its value
        return f"RedOpType.{self.name}"


_RedOpType.__name__ = _RedOpType.__qualname__ = "RedOpType"


class ReduceOp:
    """``torch.distributed.ReduceOp``: the reduction of a collective (``ReduceOp.SUM``...)."""

    RedOpType = _RedOpType

    def __init__(self, op=_RedOpType.SUM):
        self.op = _RedOpType(op)

    def __eq__(self, other):
        return self.op == (other.op if isinstance(other, ReduceOp) else other)

    def __hash__(self):
        return hash(self.op)


for _op in _RedOpType:
    setattr(ReduceOp, _op.name, _op)


class Backend(str):
    """``torch.distributed.Backend``: a backend name, lower-cased (``Backend("GLOO") == "gloo"``)."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"
    XCCL = "xccl"

    def __new__(cls, name: str):
        if not isinstance(name, str):
            raise ValueError("Backend constructor parameter must be string-ish")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        if value == Backend.UNDEFINED:
            value = name.lower()
        return str.__new__(cls, value)


class Work:
    """The handle an ``async_op=True`` collective returns; on one process it is already done."""

    def wait(self, timeout=None) -> bool:
        return True

    def is_completed(self) -> bool:
        return True

    def is_success(self) -> bool:
        return True


class ProcessGroup:
    """A process group of one process (rank 0 of a world of size 1)."""

    def __init__(self, backend: str):
        self._backend = backend

    def rank(self) -> int:
        return 0

    def size(self) -> int:
        return 1

    def name(self) -> str:
        return self._backend
