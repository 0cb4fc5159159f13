"""autograd_widgets: a PyTorch-compatible autograd on numpy, with widgets that draw it.

``import autograd_widgets as torch`` and PyTorch's autograd tutorials run
unchanged. ``autograd_widgets.draw(t)`` shows the live ``grad_fn`` graph in
JupyterLab. Widgets, graph export and the IPython extension load lazily, so
tensor work starts fast.
"""

import builtins as _builtins
import math as _math
import warnings as _warnings

# PyTorch computes inf/nan silently (tensor([1, 2]) / tensor([0, 1]), sqrt(-1)); numpy's
# floating-point RuntimeWarnings from inside the ops would be noise users never see on torch.
_warnings.filterwarnings(
    "ignore",
    message=r"(divide by zero|invalid value|overflow|underflow) encountered",
    category=RuntimeWarning,
    module=r"autograd_widgets\.",
)

from . import _malloc
from .core import _dtype

_malloc.tune()
from . import (
    _nn_methods,  # noqa: E402,F401 - Tensor.hardshrink / Tensor.prelu
    _parser_spellings,  # noqa: E402
)
from . import _sampling as _sampling_mod  # noqa: E402
from . import ops as _ops  # noqa: E402
from ._language import set_language
from ._sampling import binomial, multinomial, poisson, randint, randint_like
from .autograd import (
    enable_grad,
    inference_mode,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .core import _creation as _creation_mod  # noqa: E402
from .core._creation import (
    Generator,
    _check_device,  # noqa: E402
    arange,
    as_tensor,
    asarray,
    bartlett_window,
    bernoulli,
    blackman_window,
    default_generator,
    empty,
    empty_like,
    empty_strided,
    eye,
    from_numpy,
    frombuffer,
    full,
    full_like,
    get_device,
    get_rng_state,
    hamming_window,
    hann_window,
    initial_seed,
    kaiser_window,
    linspace,
    logspace,
    manual_seed,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randn,
    randn_like,
    randperm,
    range,
    seed,
    set_rng_state,
    tensor,
    zeros,
    zeros_like,
)
from .core._dtype import (
    bfloat16,
    complex32,
    complex64,
    complex128,
    dtype,
    finfo,
    float8_e4m3fn,
    float8_e4m3fnuz,
    float8_e5m2,
    float8_e5m2fnuz,
    float8_e8m0fnu,
    float16,
    float32,
    float64,
    get_default_dtype,
    iinfo,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    set_default_dtype,
    uint8,
)
from .core._dtype import from_numpy_dtype as _from_numpy_dtype  # noqa: E402
from .core._dtype import result_type as _result_type  # noqa: E402
from .core._dtype import scalar_kind as _scalar_kind  # noqa: E402
from .core._printing import set_printoptions
from .core.tensor import Size, Tensor, device, is_tensor
from .ops import *  # noqa: F403
from .ops import _core as _ops_core
from .serialization import load, save
from .storage import TypedStorage, UntypedStorage, is_storage, typename

# PyTorch's parser spellings (axis=, keepdims=, size=, out=) for every op and factory.
_parser_spellings.apply(
    globals(),
    [
        *_ops.__all__,
        *_parser_spellings.defined_in(_creation_mod),
        *_parser_spellings.defined_in(_sampling_mod),
    ],
    Tensor,
)

bool = _dtype.bool_  # noqa: A001 - torch.bool
half = float16
float = float32  # noqa: A001 - torch.float
double = float64
long = int64
int = int32  # noqa: A001 - torch.int
short = int16
uint8 = uint8
chalf = complex32
cfloat = complex64
cdouble = complex128

pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan
newaxis = None

__version__ = "0.1.0"


_builtin_bool = _builtins.bool  # the name ``bool`` is ``torch.bool`` here


def is_floating_point(input) -> _builtin_bool:
    return input.is_floating_point()


def is_complex(input) -> _builtin_bool:
    return input.is_complex()


def is_signed(input) -> _builtin_bool:
    return input.is_signed()


def is_inference(input) -> _builtin_bool:
    return input.is_inference()


def numel(input) -> int:
    return input.numel()


def result_type(tensor1, tensor2) -> dtype:
    ts = [t for t in (tensor1, tensor2) if isinstance(t, Tensor)]
    scalars = [_scalar_kind(s) for s in (tensor1, tensor2) if not isinstance(s, Tensor)]
    return _result_type([(t._data.ndim, _from_numpy_dtype(t._data.dtype)) for t in ts], scalars)


def can_cast(from_, to) -> _builtin_bool:
    import numpy as _np

    return _builtin_bool(_np.can_cast(from_.np, to.np, casting="same_kind"))


from ._switches import (  # noqa: E402
    are_deterministic_algorithms_enabled,
    get_deterministic_debug_mode,
    get_float32_matmul_precision,
    is_deterministic_algorithms_warn_only_enabled,
    is_warn_always_enabled,
    set_anomaly_enabled,
    set_default_tensor_type,
    set_deterministic_debug_mode,
    set_float32_matmul_precision,
    set_flush_denormal,
    set_warn_always,
    use_deterministic_algorithms,
)
from ._threads import (  # noqa: E402
    get_num_interop_threads,
    get_num_threads,
    init_num_threads,
    set_num_interop_threads,
    set_num_threads,
)
from .ops._f32_math import get_float32_math, set_float32_math  # noqa: E402


def set_default_device(device) -> None:
    """``torch.set_default_device``: only the CPU (or ``None``) is accepted."""
    _check_device(device)


def get_default_device():
    return device("cpu")


def compile(  # noqa: A001
    model=None,
    *,
    fullgraph=False,
    dynamic=None,
    backend=None,
    mode=None,
    options=None,
    disable=False,
    **kwargs,
):
    """``torch.compile``: nothing is compiled (numpy runs the ops eagerly), but the model comes
    back wrapped as PyTorch wraps it (an ``OptimizedModule``, or a wrapped function) so what a
    script prints or saves matches; as a decorator when ``model`` is not given."""
    from ._compile import compile_  # lazy: it needs nn, which loads on first use

    if model is None:
        return lambda m: compile_(m, disable)
    return compile_(model, disable)


from ._legacy import CPU_TYPES as _LEGACY_TYPES  # noqa: E402

globals().update(_LEGACY_TYPES)  # FloatTensor, LongTensor, ... (legacy tensor types)

# Subpackages mirroring torch's namespace; nn/optim/utils load on first use.
from . import autograd  # noqa: E402


def _lazy(name):
    import importlib

    return importlib.import_module(f"{__name__}.{name}")


_LAZY_SUBMODULES = {
    "nn",
    "distributed",
    "optim",
    "utils",
    "graph",
    "widgets",
    "linalg",
    "testing",
    "cuda",
    "backends",
    "special",
    "random",
    "fft",
    "accelerator",
    "distributions",
    "amp",
    "cpu",
    "func",
    "jit",
    "version",
}
_LAZY_ATTRS = {
    "draw": ("widgets", "draw"),
    "GraphWidget": ("widgets", "GraphWidget"),
    "GradModeToggle": ("widgets", "GradModeToggle"),
    "TensorView": ("widgets", "TensorView"),
    "GraphModel": ("graph", "GraphModel"),
    "record": ("graph", "record"),
    "compare_torch": ("notebook.compare", "compare_torch"),
    "autocast": ("amp", "autocast"),
    "vmap": ("func", "vmap"),
    # nn ops PyTorch also exposes at the top level, with its C++ signatures (torch.dropout...)
    **{
        name: ("nn._torch_functions", name)
        for name in (
            "conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d dropout "
            "dropout_ alpha_dropout feature_alpha_dropout layer_norm group_norm instance_norm "
            "batch_norm embedding max_pool1d max_pool2d max_pool3d max_pool1d_with_indices "
            "avg_pool1d adaptive_avg_pool1d adaptive_max_pool1d pixel_shuffle pixel_unshuffle "
            "selu selu_ celu celu_ rrelu rrelu_ prelu bilinear kl_div pairwise_distance "
            "cosine_embedding_loss hinge_embedding_loss margin_ranking_loss poisson_nll_loss "
            "binary_cross_entropy_with_logits triplet_margin_loss rms_norm constant_pad_nd "
            "hardshrink threshold threshold_ ctc_loss"
        ).split()
    },
    # the autocast state (torch.is_autocast_enabled & co.)
    **{
        name: ("amp.autocast_mode", name)
        for name in (
            "is_autocast_enabled",
            "set_autocast_enabled",
            "get_autocast_dtype",
            "set_autocast_dtype",
            "is_autocast_cache_enabled",
            "set_autocast_cache_enabled",
            "autocast_increment_nesting",
            "autocast_decrement_nesting",
            "clear_autocast_cache",
        )
    },
}


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        try:
            mod = _lazy(name)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                raise AttributeError(
                    f"module 'autograd_widgets' has no attribute '{name}': torch.{name} is not "
                    "supported by autograd_widgets"
                ) from None
            raise
        globals()[name] = mod
        return mod
    if name in _LAZY_ATTRS:
        mod_name, attr = _LAZY_ATTRS[name]
        value = getattr(_lazy(mod_name), attr)
        globals()[name] = value
        return value
    raise AttributeError(
        f"module 'autograd_widgets' has no attribute '{name}' (torch.{name} is not supported by "
        "autograd_widgets)"
    )


def load_ipython_extension(ipython) -> None:
    """``%load_ext autograd_widgets``: registers the grad-mode magics."""
    # lazy: the notebook layer (IPython) loads with %load_ext only
    from .notebook import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython) -> None:
    # lazy: the notebook layer (IPython) loads with %load_ext only
    from .notebook import unload_ipython_extension as _unload

    _unload(ipython)


_unused = (_ops_core,)
