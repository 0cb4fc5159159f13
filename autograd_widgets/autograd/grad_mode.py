"""Grad mode: thread-local switches mirroring torch.no_grad & co."""

from __future__ import annotations

import functools
import inspect
import threading

from . import events

# Non-empty once ``inference_mode`` has been entered: only then can a saved tensor be one
# (``SavedTensor`` checks it).
inference_seen: list = []


class _State(threading.local):
    enabled = True
    inference = False


state = _State()


def is_grad_enabled() -> bool:
    """``torch.is_grad_enabled``."""
    return state.enabled


def is_inference_mode_enabled() -> bool:
    return state.inference


def _set_enabled(mode: bool) -> None:
    if state.enabled != mode:
        state.enabled = mode
        if events.listeners:
            events.emit("grad_mode", enabled=mode)


class _DecoratorContextManager:
    """Usable as ``with cm():`` and as ``@cm()`` / ``@cm`` decorator, like torch's."""

    def __call__(self, func):
        if inspect.isclass(func):
            raise RuntimeError("Decorating classes is not supported")
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as exc:
                        with self.clone():
                            response = gen.throw(exc)
                    else:
                        with self.clone():
                            response = gen.send(request)

            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    """Disable gradient tracking inside the block (``torch.no_grad``)."""

    def __new__(cls, orig_func=None):
        if orig_func is None or cls is not no_grad:
            return super().__new__(cls)
        return cls()(orig_func)  # bare @no_grad

    def __init__(self, orig_func=None) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = state.enabled
        _set_enabled(False)

    def __exit__(self, *exc) -> None:
        _set_enabled(self.prev)


class enable_grad(_DecoratorContextManager):
    """Enable gradient tracking inside the block (``torch.enable_grad``)."""

    def __new__(cls, orig_func=None):
        if orig_func is None or cls is not enable_grad:
            return super().__new__(cls)
        return cls()(orig_func)

    def __init__(self, orig_func=None) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = state.enabled
        _set_enabled(True)

    def __exit__(self, *exc) -> None:
        _set_enabled(self.prev)


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode now; as a context manager, restore it on exit (``torch.set_grad_enabled``)."""

    def __init__(self, mode: bool) -> None:
        self.prev = state.enabled
        self.mode = bool(mode)
        _set_enabled(self.mode)

    def __call__(self, func):
        _set_enabled(self.prev)
        return super().__call__(func)

    def __enter__(self) -> None:
        _set_enabled(self.mode)

    def __exit__(self, *exc) -> None:
        _set_enabled(self.prev)

    def clone(self):
        return self.__class__(self.mode)

    def __str__(self) -> str:
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"

    __repr__ = __str__


class inference_mode(_DecoratorContextManager):
    """``torch.inference_mode``: like no_grad; tensors made inside are inference tensors (no
    requires_grad, no in-place update, not saved for backward once outside)."""

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode
        self.prev = False
        self.prev_inf = False

    def __enter__(self) -> None:
        self.prev, self.prev_inf = state.enabled, state.inference
        if self.mode:
            if not inference_seen:
                inference_seen.append(True)
            state.inference = True
            _set_enabled(False)

    def __exit__(self, *exc) -> None:
        state.inference = self.prev_inf
        _set_enabled(self.prev)

    def clone(self):
        return self.__class__(self.mode)
