"""``torch.func``: grad, vjp, jacrev, hessian, jvp, jacfwd, vmap, functional_call.

Built on the library's autograd (``autograd.grad`` with ``create_graph``), not on a new
engine. Each transform differentiates with respect to its own copies of the inputs (a
detached leaf, or a view of the input when the input itself needs a gradient), so the
caller's tensors are never modified and their ``.grad`` stays ``None``. The graph is always
built (``create_graph=True`` while grad mode is on), so transforms compose: ``grad(grad(f))``,
``jacrev(jacrev(f))``, ``vmap(grad(f))``. A result that depends on nothing but the
transform's own copies is detached before it is returned, as PyTorch returns it.

``jvp`` and ``jacfwd`` are computed by reverse mode (the double-vjp trick; ``jacfwd`` is
``jacrev``), which gives the same values as forward mode.

``vmap`` is a loop, not a batching rule: it calls ``func`` once per index along the mapped
dimension and stacks the results. It therefore supports any function, at Python speed;
``randomness`` is validated but each call draws its own random numbers (as ``"different"``)
and ``chunk_size`` changes nothing. An ``out_dims`` of None returns the first call's
output (PyTorch refuses it for an output that depends on the mapped inputs).
"""

from __future__ import annotations

import contextlib

from .autograd import grad as _autograd_grad
from .autograd.function import transform_levels
from .autograd.grad_mode import enable_grad, is_grad_enabled
from .core.tensor import Tensor
from .ops.shape import stack

__all__ = [
    "grad",
    "grad_and_value",
    "vjp",
    "jvp",
    "linearize",
    "jacrev",
    "jacfwd",
    "hessian",
    "vmap",
    "functional_call",
    "stack_module_state",
]


@contextlib.contextmanager
def _transform(*kinds):
    """Mark ``kinds`` of transform as running (autograd.Function checks it supports them)."""
    transform_levels.extend(kinds)
    try:
        yield
    finally:
        del transform_levels[len(transform_levels) - len(kinds) :]


# --- pytrees (tuple, list, dict; everything else is a leaf) -------------------------------------


def _is_node(x):
    return isinstance(x, (tuple, list, dict))


def _children(x):
    return list(x.values()) if isinstance(x, dict) else list(x)


def _flatten(tree):
    """``(leaves, spec)``; ``spec`` rebuilds the tree with ``_unflatten``."""
    if not _is_node(tree):
        return [tree], None
    leaves, specs = [], []
    for child in _children(tree):
        sub, spec = _flatten(child)
        leaves += sub
        specs.append((spec, len(sub)))
    keys = list(tree) if isinstance(tree, dict) else None
    return leaves, (type(tree), keys, specs)


def _unflatten(leaves, spec):
    if spec is None:
        return leaves[0]
    kind, keys, specs = spec
    out, start = [], 0
    for sub, n in specs:
        out.append(_unflatten(leaves[start : start + n], sub))
        start += n
    if kind is dict:
        return dict(zip(keys, out))
    return kind(out) if kind in (tuple, list) else kind(*out)


def _spec_repr(tree, indent=0):
    """PyTorch's ``TreeSpec`` repr of ``tree``'s structure (a leaf is ``*``)."""
    if not _is_node(tree):
        return "*"
    context = list(tree) if isinstance(tree, dict) else None
    kids = _children(tree)
    text = ""
    if kids:
        indent += 2
        text = _spec_repr(kids[0], indent) + ("," if len(kids) > 1 else "")
        text += ",".join("\n" + " " * indent + _spec_repr(k, indent) for k in kids[1:])
    return f"TreeSpec({type(tree).__name__}, {context}, [{text}])"


def _broadcast(prefix, tree):
    """The leaves of ``prefix`` repeated over ``tree``'s leaves, or None if they do not match."""
    if not _is_node(prefix):
        return [prefix] * len(_flatten(tree)[0])
    if type(prefix) is not type(tree):
        return None
    if isinstance(prefix, dict):
        if list(prefix) != list(tree):
            return None
    elif len(prefix) != len(tree):
        return None
    out = []
    for p, t in zip(_children(prefix), _children(tree)):
        sub = _broadcast(p, t)
        if sub is None:
            return None
        out += sub
    return out


# --- differentiable copies and results -----------------------------------------------------------


def _copy(t):
    if not isinstance(t, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(t)}")
    if t.requires_grad and is_grad_enabled():
        return t.view_as(t)  # still connected to an outer transform (or the caller's graph)
    return t.detach().requires_grad_(True)


def _depends_on_others(t, own):
    """Whether ``t``'s graph reaches a leaf other than the transform's own copies."""
    seen, todo = set(), [t.grad_fn]
    while todo:
        node = todo.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        variable = getattr(node, "variable", None)
        if variable is not None and id(variable) not in own:
            return True
        todo += [fn for fn, _ in node.next_functions]
    return False


def _finish(tree, own):
    """Detach the tensors of ``tree`` that depend only on the copies in ``own``."""
    leaves, spec = _flatten(tree)
    out = [
        leaf.detach()
        if isinstance(leaf, Tensor)
        and leaf.requires_grad
        and (not is_grad_enabled() or not _depends_on_others(leaf, own))
        else leaf
        for leaf in leaves
    ]
    return _unflatten(out, spec)


def _argnums(argnums, nargs):
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for n in nums:
        if not isinstance(n, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(n)}")
        if not -nargs <= n < nargs:
            raise RuntimeError(f"Got argnum={n}, but only {nargs} positional inputs")
    normal = tuple(n % nargs for n in nums)
    if len(set(normal)) != len(normal):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return normal, single


class _Pullback:
    """``func`` run on copies of ``primals``: its output and the vjp back to the copies."""

    def __init__(self, func, primals, has_aux, name="vjp", kinds=("grad",)):
        self.create_graph = is_grad_enabled()
        self.specs, self.copies = [], []
        args = []
        for p in primals:
            leaves, spec = _flatten(p)
            copies = [_copy(leaf) for leaf in leaves]
            self.specs.append((spec, len(copies)))
            self.copies += copies
            args.append(_unflatten(copies, spec))
        self.own = {id(c) for c in self.copies}
        with enable_grad(), _transform(*kinds):
            out = func(*args)
        self.aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError(
                    f"{name}(f, *primals): output of function f should be a tuple: "
                    "(output, aux) if has_aux is True"
                )
            out, self.aux = out
        self.out = out
        self.flat_out, self.out_spec = _flatten(out)

    def __call__(self, cotangents, create_graph=None):
        """The vjp with ``cotangents`` (flat, one per output tensor): flat, one per copy."""
        create = self.create_graph if create_graph is None else create_graph
        pairs = [(o, c) for o, c in zip(self.flat_out, cotangents) if o.requires_grad]
        grads = [None] * len(self.copies)
        if pairs:
            outs, cots = zip(*pairs)
            with enable_grad():
                grads = _autograd_grad(
                    outs, self.copies, cots, retain_graph=True, create_graph=create,
                    allow_unused=True,
                )  # fmt: skip
        return [
            g if g is not None else c.detach().new_zeros(c.shape)
            for g, c in zip(grads, self.copies)
        ]

    def per_primal(self, flat):
        """Split flat per-copy values into one pytree per primal."""
        out, start = [], 0
        for spec, n in self.specs:
            out.append(_unflatten(flat[start : start + n], spec))
            start += n
        return tuple(out)


def _select_args(func, args, nums):
    def selected(*chosen):
        full = list(args)
        for n, value in zip(nums, chosen):
            full[n] = value
        return func(*full)

    return selected


# --- grad, vjp ------------------------------------------------------------------------------------


def grad_and_value(func, argnums=0, has_aux=False):
    """``torch.func.grad_and_value``: a function returning ``(gradient, value)``."""

    def wrapper(*args, **kwargs):
        nums, single = _argnums(argnums, len(args))
        inner = _select_args(lambda *a: func(*a, **kwargs), args, nums)
        name = "grad_and_value(f)(*args)"
        try:
            pb = _Pullback(inner, [args[n] for n in nums], has_aux, name="grad_and_value")
        except RuntimeError as exc:
            if "output of function f should be a tuple" in str(exc):
                raise RuntimeError(
                    f"{name}: output of function f should be a tuple: (output, aux) "
                    "if has_aux is True"
                ) from None
            raise
        out = pb.out
        if not isinstance(out, Tensor):
            raise RuntimeError(f"{name}: Expected f(*args) to return a Tensor, got {type(out)}")
        if out.dim() != 0:
            raise RuntimeError(
                f"{name}: Expected f(*args) to return a scalar Tensor, got tensor with "
                f"{out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
            )
        grads = pb.per_primal(pb([out.detach().new_ones(())]))
        grads = _finish(grads[0] if single else grads, pb.own)
        value = _finish(out, pb.own)
        if has_aux:
            return grads, (value, _finish(pb.aux, pb.own))
        return grads, value

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """``torch.func.grad``: the gradient of a scalar function with respect to ``argnums``."""
    both = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        grads, value = both(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapper


def vjp(func, *primals, has_aux=False):
    """``torch.func.vjp``: ``(output, vjp_fn)`` (and ``aux``); ``vjp_fn(cotangents)`` returns
    one gradient per primal, as a tuple."""
    pb = _Pullback(func, primals, has_aux)

    def vjp_fn(cotangents, *, retain_graph=True, create_graph=None):
        flat, _ = _flatten(cotangents)
        if len(flat) != len(pb.flat_out):
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure of "
                "outputs to the function."
            )
        return _finish(pb.per_primal(pb(flat, create_graph)), pb.own)

    out = _finish(pb.out, pb.own)
    if has_aux:
        return out, vjp_fn, _finish(pb.aux, pb.own)
    return out, vjp_fn


# --- Jacobians ------------------------------------------------------------------------------------


def _jacobian_rows(pb):
    """For each output tensor, its Jacobian with respect to each copy (flat, reshaped)."""
    per_out = []
    for k, o in enumerate(pb.flat_out):
        n = o.numel()
        rows = []
        for i in range(n):
            cots = [x.detach().new_zeros(x.shape) for x in pb.flat_out]
            basis = o.detach().new_zeros((n,))
            basis._data[i] = 1
            cots[k] = basis.reshape(o.shape)
            rows.append(pb(cots))
        jac = []
        for j, c in enumerate(pb.copies):
            shape = tuple(o.shape) + tuple(c.shape)
            if rows:
                jac.append(stack([r[j] for r in rows]).reshape(shape))
            else:
                jac.append(c.detach().new_zeros(shape))
        per_out.append(jac)
    return per_out


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """``torch.func.jacrev``: the Jacobian by one vjp per output element."""
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    def wrapper(*args, **kwargs):
        nums, single = _argnums(argnums, len(args))
        inner = _select_args(lambda *a: func(*a, **kwargs), args, nums)
        pb = _Pullback(inner, [args[n] for n in nums], has_aux, name="jacrev")
        for o in pb.flat_out:
            if not isinstance(o, Tensor):
                raise RuntimeError(
                    f"jacrev(func, ...)(*args): Expected f(*args) to return a Tensor, got {type(o)}"
                )
        per_out = []
        for jac in _jacobian_rows(pb):
            by_arg = pb.per_primal(jac)
            per_out.append(by_arg[0] if single else by_arg)
        result = _finish(_unflatten(per_out, pb.out_spec), pb.own)
        return (result, _finish(pb.aux, pb.own)) if has_aux else result

    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """``torch.func.jacfwd``: the same Jacobian as ``jacrev`` (computed in reverse mode)."""
    rev = jacrev(func, argnums, has_aux=has_aux)

    def wrapper(*args, **kwargs):
        with _transform("vmap", "jvp"):  # PyTorch's jacfwd is vmap over jvp
            return rev(*args, **kwargs)

    return wrapper


def hessian(func, argnums=0):
    """``torch.func.hessian``: the Jacobian of the Jacobian."""
    return jacfwd(jacrev(func, argnums), argnums)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``torch.func.jvp``: ``(func(*primals), J @ tangents)`` by the double-vjp trick."""
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected {name} to be a tuple. E.g. it should be valid to call f(*{name}).")  # fmt: skip
    flat_t, _ = _flatten(tangents)
    flat_p, _ = _flatten(primals)
    if len(flat_t) != len(flat_p):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same python "
            "structure. For example, if primals is a tuple of 3 tensors, tangents also must be. "
            f"Got primals with structure {_spec_repr(primals)} and tangents with structure "
            f"{_spec_repr(tangents)}"
        )
    pb = _Pullback(func, primals, has_aux, name="jvp", kinds=("jvp",))
    result = (_finish(pb.out, pb.own), _pushforward(pb, flat_t))
    return (*result, _finish(pb.aux, pb.own)) if has_aux else result


def _pushforward(pb, flat_t):
    """``J @ tangents`` at ``pb``'s point (flat tangents), shaped like the output: the vjp
    with a dummy cotangent, differentiated with respect to that dummy."""
    with enable_grad():
        dummies = [o.detach().new_zeros(o.shape).requires_grad_(True) for o in pb.flat_out]
        grads = pb(dummies, create_graph=True)
        pairs = [(g, t) for g, t in zip(grads, flat_t) if g.requires_grad]
        outs = [None] * len(dummies)
        if pairs:
            gs, ts = zip(*pairs)
            outs = _autograd_grad(gs, dummies, ts, create_graph=pb.create_graph, allow_unused=True)
    outs = [g if g is not None else d.detach() for g, d in zip(outs, dummies)]
    own = pb.own | {id(d) for d in dummies}
    return _finish(_unflatten(outs, pb.out_spec), own)


def linearize(func, *primals):
    """``torch.func.linearize``: ``(func(*primals), jvp_fn)``; ``jvp_fn(*tangents)`` is the
    jvp at ``primals``, reusing the graph built once (PyTorch traces it into an FX graph
    instead)."""
    pb = _Pullback(func, primals, False, name="linearize", kinds=("jvp",))
    spec = _spec_repr(primals)
    flat_p = pb.copies

    def jvp_fn(*tangents):
        if _spec_repr(tangents) != spec:
            raise RuntimeError(
                f"Expected the tangents {_spec_repr(tangents)} to have the same argspec as the "
                f"primals {spec}"
            )
        flat_t, _ = _flatten(tangents)
        for i, (t, p) in enumerate(zip(flat_t, flat_p)):
            for what, got, want in (("shape", t.shape, p.shape), ("dtype", t.dtype, p.dtype)):
                if got != want:
                    raise RuntimeError(
                        f"tangent:{i} with {what} {got} in flattened pytree doesn't match the "
                        f"{what} {want} of the corresponding primal."
                    )
        return _pushforward(pb, flat_t)

    return _finish(pb.out, pb.own), jvp_fn


# --- vmap -----------------------------------------------------------------------------------------


def _func_name(func):
    return getattr(func, "__name__", repr(func))


def _batched_leaves(func, in_dims, args):
    """Each flat input leaf with its in_dim, after PyTorch's checks; and the batch size."""
    name = _func_name(func)
    prefix = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>)"
    if not isinstance(in_dims, (int, tuple)) and in_dims is not None:
        raise ValueError(
            f"{prefix}: expected `in_dims` to be int or a (potentially nested) tuple matching "
            f"the structure of inputs, got: {type(in_dims)}."
        )
    if not args:
        raise ValueError(
            f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are "
            "trying to vmap over a function with no inputs. The latter is unsupported."
        )
    leaves, spec = _flatten(args)
    dims = _broadcast(in_dims, args)
    if dims is None:
        raise ValueError(
            f"{prefix}: in_dims is not compatible with the structure of `inputs`. in_dims has "
            f"structure {_spec_repr(in_dims)} but inputs has structure {_spec_repr(args)}."
        )
    sizes = []
    for leaf, dim in zip(leaves, dims):
        if dim is None:
            continue
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise ValueError(
                f"{prefix}: Got in_dim={dim} for an input but in_dim must be either an integer "
                "dimension or None."
            )
        if not isinstance(leaf, Tensor):
            raise ValueError(
                f"{prefix}: Got in_dim={dim} for an input but the input is of type {type(leaf)}. "
                "We cannot vmap over non-Tensor arguments, please use None as the respective in_dim"
            )
        nd = leaf.dim()
        if not -nd <= dim < nd:
            raise ValueError(
                f"{prefix}: Got in_dim={dim} for some input, but that input is a Tensor of "
                f"dimensionality {nd} so expected in_dim to satisfy -{nd} <= in_dim < {nd}."
            )
        sizes.append(leaf.shape[dim])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if len(set(sizes)) > 1:
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
            f"{sizes} for the mapped dimension"
        )
    return leaves, dims, spec, sizes[0]


def _stack_outputs(func, out_dims, results):
    name = _func_name(func)
    flat0, spec = _flatten(results[0])
    dims = _broadcast(out_dims, results[0])
    if dims is None:
        raise ValueError(
            f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with "
            f"the structure of `outputs`. out_dims has structure {_spec_repr(out_dims)} but "
            f"outputs has structure {_spec_repr(results[0])}."
        )
    flats = [_flatten(r)[0] for r in results]
    stacked = []
    for j, dim in enumerate(dims):
        if dim is None:
            stacked.append(flat0[j])
            continue
        column = [f[j] for f in flats]
        if not all(isinstance(v, Tensor) for v in column):
            bad = next(type(v) for v in column if not isinstance(v, Tensor))
            raise ValueError(
                f"vmap({name}, ...): `{name}` must only return Tensors, got type {bad}. "
                "Did you mean to set out_dims= to None for output?"
            )
        stacked.append(stack(column, dim))
    return _unflatten(stacked, spec)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """``torch.vmap``: map ``func`` over a dimension of its inputs.

    A loop: ``func`` runs once per index along the mapped dimensions (``in_dims``: an int,
    None, or a nested tuple matching the arguments) and the results are stacked along
    ``out_dims``. Not a batching rule, so any function works, at Python speed.
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(
            "Only allowed values for randomness are 'error', 'different', or 'same'. "
            f"Got {randomness}"
        )
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    def wrapped(*args, **kwargs):
        leaves, dims, spec, size = _batched_leaves(func, in_dims, args)
        results = []
        for i in range(size):
            picked = [
                leaf if dim is None else leaf.select(dim, i) for leaf, dim in zip(leaves, dims)
            ]
            with _transform("vmap"):
                results.append(func(*_unflatten(picked, spec), **kwargs))
        if not results:
            raise ValueError("vmap: cannot map over a dimension of size 0 (a loop has no output)")
        return _stack_outputs(func, out_dims, results)

    return wrapped


# --- modules --------------------------------------------------------------------------------------


def _owner(module, name):
    *path, leaf = name.split(".")
    for part in path:
        module = module._modules[part]
    return module, leaf


def functional_call(
    module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False
):
    """``torch.func.functional_call``: call ``module`` with its parameters and buffers
    replaced by the given tensors, restoring them afterwards (also on error)."""
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, dict):
        merged = dict(dicts)
    else:
        merged = {}
        repeated = []
        for d in dicts:
            repeated += [k for k in d if k in merged]
            merged.update(d)
        if repeated:
            raise ValueError(
                f"{repeated} appeared in multiple dictionaries; behavior of functional call is "
                "ambiguous"
            )
    known = dict(module.named_parameters(remove_duplicate=False))
    known.update(module.named_buffers(remove_duplicate=False))
    if tie_weights:
        by_id = {}
        for key, value in known.items():
            by_id.setdefault(id(value), []).append(key)
        for names in by_id.values():
            given = [n for n in names if n in merged]
            for n in names:
                if given and n not in merged:
                    merged[n] = merged[given[0]]
    if strict:
        unexpected = [k for k in merged if k not in known]
        missing = [k for k in known if k not in merged]
        if unexpected or missing:
            lines = [f"Error(s) in reparametrizing for {type(module).__name__}:"]
            if unexpected:
                lines.append("Unexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected) + ".")
            if missing:
                lines.append("Missing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
            raise RuntimeError("\n\t".join(lines))
    args = () if args is None else args
    if not isinstance(args, tuple):
        args = (args,)
    saved = []
    try:
        for key, value in merged.items():
            if key not in known:
                continue
            owner, leaf = _owner(module, key)
            table = owner._parameters if leaf in owner._parameters else owner._buffers
            saved.append((table, leaf, table[leaf]))
            table[leaf] = value
        return module(*args, **(kwargs or {}))
    finally:
        for table, leaf, value in reversed(saved):
            table[leaf] = value


def stack_module_state(models):
    """``torch.func.stack_module_state``: each parameter and buffer stacked across ``models``
    (for model ensembling with ``vmap``); stacked parameters are new leaves."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not all(m.training for m in models) and any(m.training for m in models):
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval mode."
        )

    def stacked(values, name):
        out = stack([v.detach() for v in values])
        if all(v.requires_grad for v in values):
            return out.requires_grad_(True)
        if any(v.requires_grad for v in values):
            raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
        return out

    params = [dict(m.named_parameters()) for m in models]
    buffers = [dict(m.named_buffers()) for m in models]
    return (
        {k: stacked([p[k] for p in params], k) for k in params[0]},
        {k: stacked([b[k] for b in buffers], k) for k in buffers[0]},
    )
