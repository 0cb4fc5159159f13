"""``torch.nn.parallel`` on a CPU-only process (the dcgan and nanoGPT scripts import it):
DataParallel as a pass-through, and the errors data_parallel and DDP raise without GPUs."""

from __future__ import annotations

import pytest

from tests.nn._both import error, same

pytestmark = pytest.mark.oracle


def _wrapped(m):
    m.manual_seed(0)
    net = m.nn.DataParallel(m.nn.Linear(3, 2))
    x = m.arange(6.0).reshape(2, 3)
    out = net(x)
    out.sum().backward()
    return {
        "repr": repr(net),
        "keys": list(net.state_dict()),
        "device_ids": net.device_ids,
        "out": out,
        "grad": net.module.weight.grad,
        "same_class": m.nn.parallel.DataParallel is m.nn.DataParallel,
        "children": [type(c).__name__ for c in net.children()],
    }


def test_data_parallel_module_passes_through_on_cpu():
    same(_wrapped, rtol=1e-6, atol=1e-7)


def test_data_parallel_state_dict_loads_into_the_bare_model_after_prefix_strip():
    def load(m):
        m.manual_seed(0)
        state = m.nn.DataParallel(m.nn.Linear(3, 2)).state_dict()
        m.nn.modules.utils.consume_prefix_in_state_dict_if_present(state, "module.")
        bare = m.nn.Linear(3, 2)
        return [str(bare.load_state_dict(state)), bare.weight]

    same(load)


def test_without_a_gpu_or_process_group_the_errors_match():
    def errors(m):
        lin = m.nn.Linear(2, 2)
        return [
            error(lambda: m.nn.parallel.data_parallel(lin, m.ones(2))),
            error(lambda: m.nn.parallel.DistributedDataParallel(lin)),
        ]

    assert same(errors)[0][0] == "RuntimeError"
