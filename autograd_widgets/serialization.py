"""``torch.save`` / ``torch.load`` over pickle.

Mirrors PyTorch's API (a path or a binary file object; ``map_location``;
``weights_only``, which is True by default as in PyTorch >= 2.6). The file format
is plain pickle, not PyTorch's zip archive: files written by real PyTorch are
refused with a clear error, and files written here are not readable by PyTorch.
"""

from __future__ import annotations

import io
import os
import pickle

from .core._creation import _check_device

_TORCH_ZIP_MAGIC = b"PK\x03\x04"

# What ``weights_only=True`` lets through: tensors, containers and plain values.
_SAFE_GLOBALS = {
    ("collections", "OrderedDict"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "slice"),
    ("builtins", "complex"),
    ("_codecs", "encode"),
    ("autograd_widgets.core.tensor", "_rebuild"),
    ("autograd_widgets.core.tensor", "Size"),
    ("autograd_widgets.nn.parameter", "Parameter"),
    ("autograd_widgets.core.tensor", "Tensor"),
    ("autograd_widgets.core._dtype", "dtype"),
    ("autograd_widgets.core._dtype", "_by_name"),
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
}
_SAFE_PREFIXES = ("numpy.dtypes",)


# Where the tensor core lived before it got its folder: files saved then name these.
_MOVED_MODULES = {
    "autograd_widgets.tensor": "autograd_widgets.core.tensor",
    "autograd_widgets._dtype": "autograd_widgets.core._dtype",
}


class _Unpickler(pickle.Unpickler):
    """Reads files saved before the core moved to ``autograd_widgets/core``."""

    def find_class(self, module, name):
        return super().find_class(_MOVED_MODULES.get(module, module), name)


class _WeightsOnlyUnpickler(_Unpickler):
    def find_class(self, module, name):
        module = _MOVED_MODULES.get(module, module)
        if (module, name) in _SAFE_GLOBALS or module.startswith(_SAFE_PREFIXES):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            "Weights only load failed. In PyTorch 2.6, we changed the default value of the "
            "`weights_only` argument in `torch.load` from `False` to `True`. Re-running "
            "`torch.load` with `weights_only` set to `False` will likely succeed, but it can "
            "result in arbitrary code execution. Do it only if you got the file from a trusted "
            f"source.\n Please file an issue with the following so that we can make "
            f"`weights_only=True` compatible with your use case: WeightsUnpickler error: "
            f"Unsupported global: GLOBAL {module}.{name}"
        )


def save(
    obj,
    f,
    pickle_module=pickle,
    pickle_protocol=2,
    _use_new_zipfile_serialization=True,
    _disable_byteorder_record=False,
) -> None:
    """``torch.save``: pickle ``obj`` to a path or a binary file object."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            pickle_module.dump(obj, fh, protocol=max(pickle_protocol, 2))
        return
    pickle_module.dump(obj, f, protocol=max(pickle_protocol, 2))


def load(
    f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args
):
    """``torch.load``: read what :func:`save` wrote. ``map_location`` may only name the CPU."""
    if (
        map_location is not None
        and not callable(map_location)
        and not isinstance(map_location, dict)
    ):
        _check_device(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            data = fh.read()
    else:
        data = f.read()
    if data[:4] == _TORCH_ZIP_MAGIC:
        raise RuntimeError(
            "autograd_widgets.load cannot read files written by PyTorch's torch.save (a zip "
            "archive); save from autograd_widgets, or convert tensors with .numpy() first"
        )
    if weights_only is None or weights_only:
        if pickle_module is not None and pickle_module is not pickle:
            raise RuntimeError(
                "Can not safely load weights when explicit pickle_module is specified"
            )
        return _WeightsOnlyUnpickler(io.BytesIO(data), **pickle_load_args).load()
    if pickle_module is None or pickle_module is pickle:
        return _Unpickler(io.BytesIO(data), **pickle_load_args).load()
    return pickle_module.loads(data, **pickle_load_args)
