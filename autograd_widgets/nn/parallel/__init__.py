"""``torch.nn.parallel`` on one CPU process: what scripts written for GPUs still run into.

Training scripts import these unconditionally (``from torch.nn.parallel import
DistributedDataParallel as DDP``) and wrap the model only when a GPU or a process group is
there. PyTorch on a CPU-only machine behaves as follows, and so do we:
``DataParallel`` keeps no device ids and calls the wrapped module directly;
``data_parallel`` raises because it cannot find a device type; ``DistributedDataParallel``
raises because no default process group was initialised (after
``torch.distributed.init_process_group`` with a world of one process it wraps the module, and
all-reducing the gradients over one rank leaves them as they are).
"""

from __future__ import annotations

import contextlib

from ... import distributed
from ..modules.module import Module

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]


class DataParallel(Module):
    """``torch.nn.DataParallel``: with no accelerator, a pass-through to ``self.module``
    (``state_dict`` keys gain the ``module.`` prefix, as in PyTorch)."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """``torch.nn.parallel.data_parallel``: needs an accelerator, so it raises on CPU."""
    raise RuntimeError("device type could not be determined")


class DistributedDataParallel(Module):
    """``torch.nn.parallel.DistributedDataParallel``: needs ``init_process_group`` first
    (PyTorch's error otherwise); over the one-process world it is a pass-through to
    ``self.module``."""

    def __init__(
        self,
        module,
        device_ids=None,
        output_device=None,
        dim=0,
        broadcast_buffers=None,
        init_sync=True,
        process_group=None,
        bucket_cap_mb=None,
        find_unused_parameters=False,
        check_reduction=False,
        gradient_as_bucket_view=False,
        static_graph=False,
        delay_all_reduce_named_params=None,
        param_to_hook_all_reduce=None,
        mixed_precision=None,
        device_mesh=None,
        skip_all_reduce_unused_params=False,
        bucket_cap_mb_list=None,
        batched_grad_copy=False,
        forward_sync_buffers=None,
    ):
        distributed.get_world_size(process_group)  # raises without a process group
        if not any(p.requires_grad for p in module.parameters()):
            raise RuntimeError(
                "DistributedDataParallel is not needed when a module doesn't have any parameter "
                "that requires a gradient."
            )
        super().__init__()
        self.module = module
        self.device_ids = None if device_ids is None else list(device_ids)
        self.process_group = process_group

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)

    @contextlib.contextmanager
    def no_sync(self):
        """Skip the gradient all-reduce inside the block: on one rank there is none to skip."""
        yield
