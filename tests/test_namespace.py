"""Our public names against PyTorch's: nothing internal may leak into the torch-like namespace.

``import autograd_widgets as torch`` must read as torch. Every public top-level name and
Tensor attribute we have must exist in PyTorch too, except the short list of our own
additions below (the graph and widgets, and IPython's extension entry points).
"""

import importlib
import inspect

import pytest

import autograd_widgets as aw
from autograd_widgets import ops

torch = pytest.importorskip("torch")

# Ours, with no PyTorch counterpart: documented in docs/ARCHITECTURE.md ("Public names").
OWN_NAMES = {
    "draw",  # the live graph widget, like torchviz's make_dot
    "GraphWidget",
    "GradModeToggle",
    "TensorView",
    "GraphModel",  # the JSON-able graph behind the widget
    "record",  # record the ops of a block as a GraphModel
    "compare_torch",  # run a cell here and on real PyTorch, show what differs
    "set_language",  # the widgets' language ("en"/"zh") for new widgets
    "set_float32_math",  # float32 exp/tanh/...: PyTorch's rounding (default) or numpy's speed
    "get_float32_math",
    "graph",  # subpackages of the above
    "widgets",
    "notebook",  # the IPython layer (%load_ext autograd_widgets)
    "core",  # the tensor core's folder (Tensor, dtypes, factories, printing)
    "load_ipython_extension",
    "unload_ipython_extension",
}


def _public(module_names) -> set:
    return {n for n in module_names if not n.startswith("_")}


def test_top_level_names_are_torch_names():
    # Load the lazy subpackages first: importing them binds their names on the package.
    for sub in ("graph", "widgets", "nn", "optim", "utils", "notebook", "distributions"):
        importlib.import_module(f"autograd_widgets.{sub}")
    ours = _public(dir(aw)) | aw._LAZY_SUBMODULES | set(aw._LAZY_ATTRS)
    extra = sorted(n for n in ours if not hasattr(torch, n) and n not in OWN_NAMES)
    assert extra == [], f"public names PyTorch does not have: {extra}"


def test_own_names_exist():
    for name in OWN_NAMES:
        assert getattr(aw, name) is not None


def test_tensor_attributes_are_torch_attributes():
    extra = sorted(n for n in _public(dir(aw.Tensor)) if not hasattr(torch.Tensor, n))
    assert extra == [], f"Tensor attributes PyTorch does not have: {extra}"


def test_ops_all_is_explicit_and_torch_named():
    for mod in ops._FAMILIES:
        for name in mod.__all__:
            assert callable(getattr(mod, name)), (mod.__name__, name)
            assert hasattr(torch, name), f"{mod.__name__}.__all__ lists {name}: not torch.{name}"


def test_every_torch_function_defined_in_an_op_family_is_exported():
    """A new op added to a family without listing it in that family's ``__all__`` fails here."""
    missing = []
    for mod in ops._FAMILIES:
        for name, value in vars(mod).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ != mod.__name__ or not hasattr(torch, name):
                continue
            if name not in mod.__all__:
                missing.append(f"{mod.__name__}.{name}")
    assert missing == [], f"add to the family's __all__: {missing}"


_DIST_MODULES = "bernoulli categorical constraints distribution exp_family exponential independent"
_DIST_MODULES += (
    " kl normal one_hot_categorical uniform utils beta binomial dirichlet gamma laplace"
)
_DIST_MODULES += " log_normal multivariate_normal poisson transformed_distribution transforms"


@pytest.mark.parametrize(
    "sub", ["distributions"] + [f"distributions.{m}" for m in _DIST_MODULES.split()]
)
def test_distributions_names_are_torch_names(sub):
    ours = importlib.import_module(f"autograd_widgets.{sub}")
    theirs = importlib.import_module(f"torch.{sub}")
    # the package: everything public; a submodule: its declared API (it imports helpers)
    names = _public(dir(ours)) if sub == "distributions" else set(ours.__all__)
    extra = sorted(n for n in names if not hasattr(theirs, n))
    assert extra == [], f"autograd_widgets.{sub} has names torch.{sub} lacks: {extra}"
    assert aw.distributions is importlib.import_module("autograd_widgets.distributions")
