"""``Tensor``: an ``np.ndarray`` plus the autograd bookkeeping PyTorch keeps.

Arithmetic lives in :mod:`autograd_widgets.ops`; this module holds the state
(data, grad, grad_fn, version counter, hooks) and the attribute surface.
Methods that are ops are attached by :mod:`autograd_widgets.ops` at import.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..autograd import _dual, events
from ..autograd.engine import run_backward
from ..autograd.grad_mode import state as _grad_state
from ..autograd.node import AccumulateGrad, _HookDict, add_hook, bind_core, new_node
from . import _dtype
from . import _meta as _meta_mod
from ._dtype import as_dtype, from_numpy_dtype, get_default_dtype
from ._meta import MetaArray
from ._printing import tensor_repr

_new_obj = object.__new__


class _TensorType(type):
    """Tensor classes and ``Size`` print as PyTorch's (``print(type(x))`` shows
    ``<class 'torch.Tensor'>``); their ``__module__`` stays ours (pickling and the graph code
    rely on it)."""

    def __repr__(cls) -> str:
        shown = cls.__dict__.get("_torch_class_name")
        return f"<class '{shown}'>" if shown else super().__repr__()


class Size(tuple, metaclass=_TensorType):
    """``torch.Size``: a tuple that prints as ``torch.Size([2, 3])``; adding a tuple to it,
    or repeating it, gives a ``Size`` again."""

    __slots__ = ()
    _torch_class_name = "torch.Size"

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            raise TypeError(
                f"can only concatenate tuple (not {type(other).__name__}) to torch.Size"
            )
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(other, self))

    def __mul__(self, times):
        return Size(tuple.__mul__(self, times))

    __rmul__ = __mul__


class _VersionCounter:
    """Shared by a tensor and its views; bumped by every in-place op."""

    __slots__ = ("v",)

    def __init__(self) -> None:
        self.v = 0


class _InferenceVersion:
    """An inference tensor's stand-in version counter (PyTorch gives them none): bumping it
    outside ``inference_mode`` raises, after the in-place op has written, as in PyTorch."""

    __slots__ = ()

    @property
    def v(self) -> int:
        return 0

    @v.setter
    def v(self, value) -> None:
        if not _grad_state.inference:
            raise RuntimeError(
                "Inplace update to inference tensor outside InferenceMode is not allowed.You can "
                "make a clone to get a normal tensor before doing inplace update.See "
                "https://github.com/pytorch/rfcs/pull/17 for more details."
            )


NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at "
    "/__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)"
)


def _dtype_of(t) -> _dtype.dtype:
    return from_numpy_dtype(t._data.dtype)


class Tensor(metaclass=_TensorType):
    """A multi-dimensional array that records the operations applied to it.

    Mirrors ``torch.Tensor`` on the CPU. ``Tensor([1, 2])`` is the legacy float32
    constructor, as in PyTorch; prefer :func:`autograd_widgets.tensor`.
    """

    _torch_class_name = "torch.Tensor"

    __slots__ = (
        "_data",
        "_requires_grad",
        "_grad_fn",
        "_grad",
        "_vcs",
        "_base",
        "_view_fn",
        "_output_nr",
        "_hooks",
        "_post_acc_hooks",
        "_acc",
        "_retains_grad",
        "__weakref__",
        "__dict__",
    )

    __array_priority__ = 1000  # ndarray <op> Tensor defers to the Tensor

    def __new__(cls, *args, **kwargs):
        # Legacy constructor: Tensor(sequence) or Tensor(*sizes) -> float32.
        dt = get_default_dtype().np
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            src = args[0]
            data = np.array(src._data if isinstance(src, Tensor) else src, dtype=dt)
        elif args:
            data = np.empty(tuple(int(a) for a in args), dtype=dt)
        else:
            data = np.empty((0,), dtype=dt)
        return cls._make(data)

    @classmethod
    def _make(cls, data, requires_grad: bool = False):
        """Wrap an ndarray (no copy). The fast path every op uses."""
        t = _new_obj(cls)
        if type(data) is not np.ndarray and type(data) is not MetaArray:
            data = np.asarray(data)
        t._data = data
        t._requires_grad = requires_grad
        t._grad_fn = None
        t._grad = None
        t._vcs = None  # made on first use (the _vc property): most tensors never need one
        t._base = None
        t._view_fn = None
        t._output_nr = 0
        t._hooks = None
        t._post_acc_hooks = None
        t._acc = None
        t._retains_grad = False
        if _grad_state.inference:
            t.__dict__["_inference"] = True
            t._vcs = _InferenceVersion()
        return t

    def is_inference(self) -> bool:
        """``Tensor.is_inference``: True for tensors made under ``torch.inference_mode()``."""
        return self.__dict__.get("_inference", False)

    # -- autograd state ---------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        if self._requires_grad and self.__dict__ and _dual.is_hidden(self):
            return False  # a dual tensor that requires grad only for forward AD
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.__dict__ and _dual.is_hidden(self):
            if value:  # the dual tensor now really requires grad
                del self.__dict__[_dual.HIDDEN]
            return
        if self._grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        value = bool(value)
        if value and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if value and not _grad_state.inference and self.__dict__.get("_inference"):
            raise RuntimeError(
                "Setting requires_grad=True on inference tensor outside InferenceMode is not "
                "allowed."
            )
        self._requires_grad = value

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size"
                )
        self._grad = value
        if events.listeners:
            events.emit("grad_set", tensor=self, grad=value)

    @grad.deleter
    def grad(self) -> None:
        self._grad = None
        if events.listeners:
            events.emit("grad_set", tensor=self, grad=None)

    @property
    def _vc(self) -> _VersionCounter:
        """The version counter, shared with views; made on first use. Until then the
        version is 0: hot paths read ``_vcs`` (None or the counter) instead."""
        vc = self._vcs
        if vc is None:
            vc = self._vcs = _VersionCounter()
        return vc

    @_vc.setter
    def _vc(self, counter) -> None:
        self._vcs = counter

    @property
    def _version(self) -> int:
        vc = self._vcs
        if vc is None:
            return 0
        if type(vc) is _InferenceVersion:
            raise RuntimeError("Inference tensors do not track version counter.")
        return vc.v

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Populate ``.grad`` for this non-leaf tensor during backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        self._grad_fn._set_retain_grad(self._output_nr, self)

    def _grad_accumulator(self):
        """The leaf's ``AccumulateGrad`` node, made on first use and shared while alive."""
        acc = self._acc() if self._acc is not None else None
        if acc is None:
            import weakref

            acc = new_node(AccumulateGrad, ())
            acc.variable = self
            self._acc = weakref.ref(acc)
        return acc

    def register_hook(self, hook):
        """``hook(grad) -> Tensor or None`` runs when this tensor's gradient is computed."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn._register_tensor_prehook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = _HookDict()
        return add_hook(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self._grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        if self._post_acc_hooks is None:
            self._post_acc_hooks = _HookDict()
        return add_hook(self._post_acc_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate gradients of this tensor into the ``.grad`` of graph leaves."""

        if inputs is not None:
            # a tensor, a graph.GradientEdge (a named tuple with output_nr), or a sequence
            one = isinstance(inputs, Tensor) or hasattr(inputs, "output_nr")
            inputs = [inputs] if one else list(inputs)
            if not inputs:
                raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        run_backward(
            (self,),
            None if gradient is None else (gradient,),
            retain_graph,
            create_graph,
            inputs=inputs,
        )

    def detach(self) -> Tensor:
        """A new tensor sharing data, cut from the graph."""
        t = Tensor._make(self._data)
        t._vc = self._vc
        return t

    def detach_(self) -> Tensor:
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel "
                "(DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP "
                "buckets, and hence detach_() cannot be called on these gradients. To fix this error, please "
                "refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        t = Tensor._make(self._data)
        return t

    @data.setter
    def data(self, value) -> None:
        if not isinstance(value, Tensor):
            raise TypeError("Tensor.data must be a Tensor")
        self._data = value._data

    # -- metadata ---------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    @property
    def dtype(self) -> _dtype.dtype:
        return from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return _cpu if type(self._data) is not MetaArray else _meta

    @property
    def is_meta(self) -> bool:
        return type(self._data) is MetaArray

    @property
    def is_cuda(self) -> bool:
        return False

    # Layouts and devices this library never has: PyTorch's properties, all False here
    # (library code checks them, as autograd.functional checks ``inp.is_sparse``).
    is_sparse = is_sparse_csr = is_quantized = is_nested = is_mkldnn = property(lambda self: False)
    is_xpu = is_mps = is_xla = is_ipu = is_vulkan = is_mtia = is_maia = property(lambda self: False)

    @property
    def layout(self) -> str:
        return "torch.strided"

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return False

    def is_signed(self) -> bool:
        """Whether the dtype holds negative numbers (floats and signed integers; not bool or
        uint8)."""
        return self._data.dtype.kind in "fi"

    @property
    def is_cpu(self) -> bool:
        return True  # the only device here

    def element_size(self) -> int:
        return self._data.itemsize

    def stride(self, dim=None):
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        return st if dim is None else st[_wrap_dim(dim, self._data.ndim)]

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def get_device(self) -> int:
        return -1

    # -- conversion -------------------------------------------------------------------
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        if type(self._data) is MetaArray:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        return self._data.reshape(()).item()

    def tolist(self):
        if type(self._data) is MetaArray:
            raise NotImplementedError(_meta_mod.NO_DATA)
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        # PyTorch refuses only while grad mode is on (a custom Function's forward, or
        # no_grad code, may hand a requires-grad tensor to NumPy).
        if self._requires_grad and not force and _grad_state.enabled:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        if type(self._data) is MetaArray:
            raise TypeError(
                "can't convert meta device type tensor to numpy. Use Tensor.cpu() to copy the "
                "tensor to host memory first."
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        if dtype is not None and arr.dtype != dtype:
            arr = arr.astype(dtype)
        return arr

    def __array_wrap__(self, array, context=None, return_scalar=False):
        """A numpy ufunc of a tensor gives a tensor, as with PyTorch (``np.sin(t)``); a bool
        result becomes uint8 (PyTorch's ``np.greater(t, 0)`` is a ByteTensor), and a 0-d
        result stays a 0-d tensor."""
        if array.dtype == np.bool_:
            array = array.astype(np.uint8)
        return Tensor._make(np.asarray(array))  # a plain tensor, as torch.from_numpy gives

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self._data.size == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def _scalar(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __complex__(self) -> complex:
        return complex(self._scalar())

    __hash__ = object.__hash__

    def __repr__(self, *, tensor_contents=None) -> str:
        fn = self._grad_fn
        tangent = _dual.tangent_of(self) if self.__dict__ else None
        if tangent is not None:
            tangent = repr(tangent.item()) if tangent._data.ndim == 0 else repr(tangent)
        return tensor_repr(
            self._data,
            dtype=from_numpy_dtype(self._data.dtype),
            requires_grad=fn is None and self.requires_grad,
            grad_fn_name=type(fn).__name__ if fn is not None else None,
            tensor_contents=tensor_contents,
            tangent=tangent,
            meta=type(self._data) is MetaArray,
        )

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self._data.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, proto):
        data = self._data
        root = data.base
        if type(data) is np.ndarray and type(root) is np.ndarray and root.base is None:
            # A view: pickle the array that owns the memory (pickle's memo then writes it
            # once per save) and where the view sits in it, so tensors saved together
            # still share memory after load, as PyTorch's shared storages do.
            offset = data.__array_interface__["data"][0] - root.__array_interface__["data"][0]
            return (
                _rebuild_view,
                (root, offset, data.shape, data.strides, data.dtype, self._requires_grad),
            )
        return (_rebuild, (data, self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                "because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        new = (
            type(self)._make(self._data.copy(), self._requires_grad)
            if type(self) is Tensor
            else None
        )
        if new is None:
            new = _copy_subclass(self)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    # -- dtype conversion (no graph for same dtype, ToCopyBackward0 otherwise) --------
    def to(self, *args, **kwargs) -> Tensor:
        if type(self._data) is MetaArray or any(
            _meta_mod.is_meta_device(a) for a in (*args, kwargs.get("device"))
        ):
            return self._to_meta(*args, **kwargs)
        dt = kwargs.get("dtype")
        for a in args:
            if isinstance(a, Tensor):
                dt = a.dtype
            elif isinstance(a, _Device):
                if a.type != "cpu":
                    raise _no_such_device(a)
            elif isinstance(a, str) and a in ("cpu",) or _is_device(a):
                continue
            elif a is not None and not isinstance(a, bool):
                dt = a
        dev = kwargs.get("device")
        if dev is not None and not _is_device(dev):
            raise _no_such_device(dev)
        for a in args:
            if isinstance(a, str) and a not in ("cpu",) and not a.startswith("torch."):
                raise _no_such_device(a)
        if dt is None:
            return self.clone() if kwargs.get("copy") else self
        return self._to_dtype(as_dtype(dt), copy=kwargs.get("copy", False))

    def _to_meta(self, *args, **kwargs) -> Tensor:
        """``to`` when the tensor is on, or goes to, the ``meta`` device (no data moves)."""
        dev = kwargs.get("device")
        dt = kwargs.get("dtype")
        for a in args:
            if isinstance(a, Tensor):
                dt, dev = a.dtype, a.device
            elif isinstance(a, (str, _Device)) and not str(a).startswith("torch."):
                dev = a
            elif a is not None and not isinstance(a, bool):
                dt = a
        if dev is not None and not _meta_mod.is_meta_device(dev):
            raise NotImplementedError(_meta_mod.NO_DATA)  # out of meta: there is nothing to copy
        dt = self._data.dtype if dt is None else as_dtype(dt).np
        if type(self._data) is MetaArray and dt == self._data.dtype:
            return self
        if self._requires_grad and _grad_state.enabled and not _meta_mod.is_meta(self._data):
            raise NotImplementedError(
                "autograd_widgets: moving a tensor that requires grad to 'meta' is not supported "
                "(use .detach().to('meta'), or Module.to('meta'))"
            )
        return Tensor._make(_meta_mod.meta_array(self._data.shape, dt))

    def type(self, dtype=None, **kwargs):
        if dtype is None:
            return _dtype._DTYPE_TO_TYPE_STRING[from_numpy_dtype(self._data.dtype)]
        return self._to_dtype(as_dtype(dtype))

    def type_as(self, other: Tensor) -> Tensor:
        return self._to_dtype(other.dtype)

    def float(self) -> Tensor:
        return self._to_dtype(_dtype.float32)

    def double(self) -> Tensor:
        return self._to_dtype(_dtype.float64)

    def half(self) -> Tensor:
        return self._to_dtype(_dtype.float16)

    def bfloat16(self) -> Tensor:
        return self._to_dtype(_dtype.bfloat16)  # (raises: see _dtype._UnbackedDtype)

    def cfloat(self) -> Tensor:
        return self._to_dtype(_dtype.complex64)

    def cdouble(self) -> Tensor:
        return self._to_dtype(_dtype.complex128)

    def chalf(self) -> Tensor:
        return self._to_dtype(_dtype.complex32)

    def long(self) -> Tensor:
        return self._to_dtype(_dtype.int64)

    def int(self) -> Tensor:
        return self._to_dtype(_dtype.int32)

    def short(self) -> Tensor:
        return self._to_dtype(_dtype.int16)

    def char(self) -> Tensor:
        return self._to_dtype(_dtype.int8)

    def byte(self) -> Tensor:
        return self._to_dtype(_dtype.uint8)

    def bool(self) -> Tensor:
        return self._to_dtype(_dtype.bool_)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args, **kwargs):
        raise AssertionError("Torch not compiled with CUDA enabled")

    def pin_memory(self, device=None) -> Tensor:
        # PyTorch pins for the current accelerator; a CPU-only build has none.
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def is_pinned(self, device=None) -> bool:
        return False

    def share_memory_(self) -> Tensor:
        return self

    def is_shared(self) -> bool:
        return False


class WrappedNumber(Tensor):
    """A Python number saved for backward (``_saved_other`` of ``x * 2``), as PyTorch wraps it.

    Prints like a 0-d tensor (``tensor(2)``) but takes part in type promotion as the
    Python number it came from, so backward formulas keep the gradient's dtype.
    """

    __slots__ = ()

    @classmethod
    def of(cls, value):
        if isinstance(value, (bool, np.bool_)):
            data = np.asarray(value, dtype=np.bool_)
        elif isinstance(value, (int, np.integer)):
            data = np.asarray(value, dtype=np.int64)
        else:
            data = np.asarray(value, dtype=np.float64)
        return cls._make(data)


class _Device:
    """``torch.device``. Any device can be named (as in PyTorch); only the CPU holds tensors."""

    __slots__ = ("type", "index")

    def __init__(self, type: str = "cpu", index=None) -> None:  # noqa: A002
        self.type, self.index = type, index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, _Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


_cpu = _Device()
_meta = _Device("meta")
_DEVICE_TYPES = ("cpu", "cuda", "mps", "xpu", "meta", "xla", "hip", "ipu", "privateuseone")


def device(spec="cpu", index=None):
    """``torch.device('cuda:0')`` etc.: any known type can be named; tensors live on the CPU."""
    if isinstance(spec, _Device):
        return spec
    if isinstance(spec, int):
        return _Device("cuda", spec)
    s = str(spec)
    kind, _, idx = s.partition(":")
    if kind not in _DEVICE_TYPES or (idx and not idx.isdigit()):
        raise RuntimeError(
            "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, "
            "maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of "
            f"device string: {s}"
        )
    if idx:
        index = int(idx)
    if kind == "cpu" and index is None:
        return _cpu
    return _Device(kind, index)


def _no_such_device(dev) -> Exception:
    """The error PyTorch (a CPU-only build) raises when asked for another device."""
    s = str(dev)
    if s.startswith("mps"):
        return RuntimeError("PyTorch is not linked with support for mps devices")
    if s.startswith("cuda"):
        return AssertionError("Torch not compiled with CUDA enabled")
    return RuntimeError(f"autograd_widgets runs on the CPU only; cannot move to {s!r}")


def _is_device(a) -> bool:
    """True for the CPU (as a device or a string); other devices are errors at the call site."""
    if isinstance(a, _Device):
        return a.type == "cpu"
    return isinstance(a, str) and (a == "cpu" or a.startswith("cpu:"))


def _rebuild(data, requires_grad):
    return Tensor._make(data, requires_grad)


def _rebuild_view(root, offset, shape, strides, dtype, requires_grad):
    """A view into ``root``, as :meth:`Tensor.__reduce_ex__` described it."""
    if not isinstance(root, np.ndarray):
        raise TypeError("_rebuild_view expects the numpy array that owns the memory")
    data = np.ndarray(shape, dtype=dtype, buffer=root, offset=offset, strides=strides)
    return Tensor._make(data, requires_grad)


def _copy_subclass(t):
    new = type(t).__new__(type(t), Tensor._make(t._data.copy()), t._requires_grad)
    return new


def _wrap_dim(dim, ndim: int) -> int:
    """Normalise a possibly negative dim, with PyTorch's error text."""
    lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not (lo <= dim <= hi):
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})"
        )
    return dim + ndim if dim < 0 and ndim else (0 if dim < 0 else dim)


def _wrap_output(data, node, output_nr, counter, requires_grad):
    """Re-wrap a saved output (``_saved_result``) as a tensor whose grad_fn is its node."""
    t = Tensor._make(data, requires_grad)
    t._vc = counter
    if requires_grad:
        t._grad_fn = node
        t._output_nr = output_nr
    return t


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


# Re-exported for modules that only need the grad-mode flag and the event bus.
__all__ = ["Tensor", "Size", "is_tensor", "device", "_grad_state", "events"]

# The autograd substrate (node, engine) works with tensors without importing this module.
bind_core(
    Tensor=Tensor,
    WrappedNumber=WrappedNumber,
    Size=Size,
    wrap_output=_wrap_output,
    dtype_of=_dtype_of,
)
