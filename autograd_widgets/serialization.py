"""``torch.save`` / ``torch.load`` over pickle.

Mirrors PyTorch's API (a path or a binary file object; ``map_location``;
``weights_only``, which is True by default as in PyTorch >= 2.6). The file format
is plain pickle, not PyTorch's zip archive: files written by real PyTorch are
refused with a clear error, and files written here are not readable by PyTorch.
"""

from __future__ import annotations

import _compat_pickle
import io
import os
import pickle

from .core._creation import _check_device

_TORCH_ZIP_MAGIC = b"PK\x03\x04"

# What ``weights_only=True`` lets through: tensors, containers and plain values.
_SAFE_GLOBALS = {
    ("collections", "OrderedDict"),
    # Our OrderedDict of hooks (in every pickled Module, as PyTorch's OrderedDicts are).
    ("autograd_widgets.autograd.node", "_HookDict"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "slice"),
    ("builtins", "complex"),
    ("_codecs", "encode"),
    ("autograd_widgets.core.tensor", "_rebuild"),
    ("autograd_widgets.core.tensor", "_rebuild_view"),
    ("autograd_widgets.core.tensor", "Size"),
    ("autograd_widgets.core.tensor", "_Device"),
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


# PyTorch's texts for a refused global (``torch.load`` and its weights-only unpickler).
_UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to "
    "`False` will likely succeed, but it can result in arbitrary code execution. Do it only if "
    "you got the file from a trusted source."
)
_DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html."
)

# What add_safe_globals / safe_globals allowed: functions and classes, or (object, "path").
_marked_safe_globals: set = set()


def add_safe_globals(safe_globals: list) -> None:
    """``torch.serialization.add_safe_globals``: let ``weights_only`` loads use these."""
    global _marked_safe_globals
    _marked_safe_globals = _marked_safe_globals.union(set(safe_globals))


def get_safe_globals() -> list:
    """``torch.serialization.get_safe_globals``: what :func:`add_safe_globals` allowed."""
    return list(_marked_safe_globals)


def clear_safe_globals() -> None:
    """``torch.serialization.clear_safe_globals``."""
    global _marked_safe_globals
    _marked_safe_globals = set()


class safe_globals:
    """``torch.serialization.safe_globals``: allow globals within a ``with`` block."""

    def __init__(self, safe_globals: list):
        self.safe_globals = safe_globals

    def __enter__(self):
        add_safe_globals(self.safe_globals)

    def __exit__(self, type, value, tb):
        global _marked_safe_globals
        _marked_safe_globals = _marked_safe_globals - set(self.safe_globals)


def _user_allowed_globals() -> dict:
    """``{"module.qualname": object}`` for the globals users allowed (PyTorch's checks)."""
    allowed = {}
    for f in _marked_safe_globals:
        if isinstance(f, tuple):
            if len(f) != 2:
                raise ValueError(
                    "Expected tuple of length 2 (global, str of callable full path), but got "
                    f"tuple of length: {len(f)}"
                )
            if type(f[1]) is not str:
                raise TypeError(
                    "Expected second item in tuple to be str of callable full path, but got: "
                    f"{type(f[1])}"
                )
            f, name = f
            allowed[name] = f
        else:
            allowed[f"{f.__module__}.{f.__qualname__}"] = f
    return allowed


class _WeightsOnlyUnpickler(_Unpickler):
    def find_class(self, module, name):
        # Protocol 2 writes Python 2 names (``__builtin__.set``): read them as Python 3's.
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        module = _MOVED_MODULES.get(module, module)
        if (module, name) in _SAFE_GLOBALS or module.startswith(_SAFE_PREFIXES):
            return super().find_class(module, name)
        full_path = f"{module}.{name}"
        user_allowed = _user_allowed_globals()
        if full_path in user_allowed:
            return user_allowed[full_path]
        if module == "builtins":
            full_path = name
        raise pickle.UnpicklingError(
            "Weights only load failed. This file can still be loaded, to do so you have two "
            "options, \033[1mdo those steps only if you trust the source of the "
            f"checkpoint\033[0m. \n\t(1) {_UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with "
            "`weights_only=True` please check the recommended steps in the following error "
            "message.\n\tWeightsUnpickler error: Unsupported global: GLOBAL "
            f"{full_path} was not an allowed global by default. Please use "
            f"`torch.serialization.add_safe_globals([{full_path}])` or the "
            f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist "
            f"this global if you trust this class/function.{_DOCS_MESSAGE}"
        )


def _check_map_location(map_location) -> None:
    """A device to load onto: the CPU, or PyTorch's error for an accelerator it lacks.

    (PyTorch raises when it restores the first tensor; here the check runs up front.)
    """
    name = str(map_location).split(":")[0]
    if name in ("cuda", "xpu"):
        raise RuntimeError(
            f"Attempting to deserialize object on a {name.upper()} device but "
            f"torch.{name}.is_available() is False. If you are running on a CPU-only machine, "
            "please use torch.load with map_location=torch.device('cpu') to map your storages "
            "to the CPU."
        )
    _check_device(map_location)


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
        _check_map_location(map_location)
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
