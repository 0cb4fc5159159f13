"""``torch.jit``: programs that script or trace their models run here unchanged, eagerly.

TorchScript compiles Python into a graph its own interpreter runs; here there is no
second interpreter, so ``script`` returns the function or module it is given and
``trace`` runs it once on the example inputs and returns it (PyTorch's tracer runs it
more than once to check the trace, so code that draws random numbers while traced is
not seeded alike). Results and gradients are those of the eager code,
which is what TorchScript promises to compute. TorchScript archives cannot be written
or read: ``save``/``load`` raise and name the alternative.
"""

from __future__ import annotations

from typing import Final  # torch.jit.Final: a constant attribute of a scripted module

__all__ = [
    "Final",
    "annotate",
    "export",
    "fork",
    "freeze",
    "ignore",
    "is_scripting",
    "is_tracing",
    "load",
    "optimize_for_inference",
    "save",
    "script",
    "trace",
    "trace_module",
    "unused",
    "wait",
]


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """``torch.jit.script``: ``obj`` itself (a function or an ``nn.Module``), run eagerly."""
    return obj


def trace(func, example_inputs=None, *args, example_kwarg_inputs=None, **kwargs):
    """``torch.jit.trace``: runs ``func`` once on the example inputs and returns it."""
    if example_kwarg_inputs is not None:
        func(**example_kwarg_inputs)
    elif example_inputs is not None:
        func(*example_inputs) if isinstance(example_inputs, tuple) else func(example_inputs)
    return func


def trace_module(mod, inputs, *args, **kwargs):
    """``torch.jit.trace_module``: runs each named method on its example inputs."""
    for name, example in inputs.items():
        trace(getattr(mod, name), example)
    return mod


def ignore(drop=False, **kwargs):
    """``@torch.jit.ignore`` (with or without arguments): the function unchanged."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    """``@torch.jit.unused``: the function unchanged."""
    return fn


def export(fn):
    """``@torch.jit.export``: the method unchanged."""
    return fn


def is_scripting() -> bool:
    """False: code never runs under TorchScript here."""
    return False


def is_tracing() -> bool:
    """False: code never runs under the tracer here."""
    return False


def annotate(the_type, the_value):
    """``torch.jit.annotate``: ``the_value``."""
    return the_value


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """``torch.jit.freeze``: the module unchanged."""
    return mod


def optimize_for_inference(mod, other_methods=None):
    """``torch.jit.optimize_for_inference``: the module unchanged."""
    return mod


class _Future:
    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value

    def done(self) -> bool:
        return True


def fork(func, *args, **kwargs):
    """``torch.jit.fork``: runs ``func`` now; :func:`wait` returns its result."""
    return _Future(func(*args, **kwargs))


def wait(future):
    """``torch.jit.wait``: the result of a :func:`fork`."""
    return future.wait()


def save(m, f, _extra_files=None):
    raise RuntimeError(
        "torch.jit.save: TorchScript archives are not supported by autograd_widgets; save the "
        "model's weights with torch.save(model.state_dict(), f) instead"
    )


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    raise RuntimeError(
        "torch.jit.load: TorchScript archives are not supported by autograd_widgets; load "
        "weights saved with torch.save(model.state_dict(), f) with model.load_state_dict"
    )
