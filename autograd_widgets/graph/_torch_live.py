"""A :class:`LiveGraph` over real ``torch`` tensors, fed by PyTorch's public hooks.

Our engine announces every op and backward pass on its event bus; real PyTorch
does not, so a live graph whose roots are ``torch`` tensors listens through the
hooks PyTorch offers instead, and turns what they report into the same four
events (``node_created``, ``backward_end``, ``grad_set``, ``version_bump``)
that :class:`~autograd_widgets.graph.live.LiveGraph` already handles:

* ``Node.register_prehook`` on every drawn ``grad_fn`` node but ``AccumulateGrad``:
  the execution order of a backward pass;
* ``Tensor.register_post_accumulate_grad_hook`` on the drawn leaves (standing for
  their ``AccumulateGrad``): a leaf's ``.grad`` changed, even when PyTorch made a
  new ``AccumulateGrad`` node for a new forward (a training loop);
* the end of a pass: a callback queued on the autograd engine from the first
  hook of the pass (``Variable._execution_engine.queue_callback``, what
  PyTorch's own DDP uses); should it be missing, a pass ends when a node runs a
  second time or when the graph is next built;
* one :class:`torch.overrides.TorchFunctionMode` for all live torch graphs that
  follow new ops (``follow=True``, the default), pushed while at least one listens
  and popped when the last one closes: new ops on a drawn tensor
  (``node_created``), in-place ops (``version_bump``) and ``t.grad = ...``
  (``grad_set``).  It calls each function unchanged and returns its result.  It
  costs a Python call per torch op, so it pauses during a loop that does not grow
  the drawn graph (a training loop) until the cell ends (:mod:`._torch_mode`);
  with ``follow=False`` a graph uses the hooks alone (backward passes and new
  gradients; ``zero_grad()`` and an optimizer's step show at the next backward).

Step-through backward (``Node.register_hook`` on the drawn nodes) and a failed
``backward()`` (seen by the function mode) are put into the same consumers as our
engine's events by :mod:`._torch_trace`.

Saved tensors freed by ``backward()`` need no hook: PyTorch raises when a freed
``_saved_*`` attribute is read, and the next build shows it as freed.

torch is imported only when a graph over torch tensors is made, never by
``import autograd_widgets``.
"""

from __future__ import annotations

import weakref

from . import _tensors as T
from . import _torch_mode
from ._torch_trace import StepFeed, classify


def is_torch_tensor(obj) -> bool:
    """True for a real ``torch.Tensor`` (without importing torch)."""
    mod = type(obj).__module__
    return (mod == "torch" or mod.startswith("torch.")) and T.is_tensor(obj)


def _torch():
    import torch

    return torch


# the function mode shared by every live torch graph lives in _torch_mode; these names
# are its public face here (tests and the notebook use them)
_listeners = _torch_mode.listeners
release_idle_mode = _torch_mode.release_idle_mode
mode_active = _torch_mode.active
resume = _torch_mode.resume


# -- one live graph's hooks -------------------------------------------------------------------


class TorchSource:
    """Hooks a :class:`LiveGraph` over torch tensors; quacks like its bus subscriptions.

    ``active`` and ``unsubscribe()`` are what :class:`LiveGraph` asks of a
    subscription.  Every hook holds only a weak reference to this object.

    A backward pass costs one Python call per drawn node it runs (a training
    loop over a drawn model: one per parameter) and one at its end; a hook only
    notes its key, and the pass is put together at its end, from references
    made once per node (or reused whole when the pass ran the same nodes as the
    one before, as every step of a training loop does).
    """

    def __init__(self, live) -> None:
        self._live = weakref.ref(live)
        # key -> (node or leaf, handle); key: id(node), or ("v", id(leaf)) for a leaf
        self._hooked: dict = {}
        # key -> (reference to the node drawn, reference to its leaf or None)
        self._refs: dict = {}
        self._pass: list | None = None  # the keys of the pass running, in order
        self._seen: set = set()  # the same keys, to notice a node running twice
        self._last: tuple = ((), [], [])  # (keys, nodes, leaves) of the last pass recorded
        self._post: dict = {}  # id(node) -> the handle of its (post) hook
        self._running = None  # the key of the drawn node running (pre-hook ran, hook not yet)
        self._feed: StepFeed | None = None  # the pass being traced for step-through backward
        self._pending = False  # a change was reported since the last build
        self.active = True
        self._self_ref = weakref.ref(self)
        self._joined: int | None = None  # _torch_mode.joined at the end of the last pass
        if live.follow:  # only a graph that grows needs to see every op
            _listeners.append(self._self_ref)
            _torch_mode.start()
        self.sync()

    # -- hooks -------------------------------------------------------------------------------
    def sync(self) -> None:
        """Hook the graph's nodes and leaves that are not hooked yet.

        A leaf's ``AccumulateGrad`` takes no hook of its own: the leaf's
        post-accumulate-grad hook runs in the same step of the pass, and also
        when a new forward made a new ``AccumulateGrad`` for it.
        """
        live = self._live()
        if live is None or not self.active:
            return
        for r in list(live._nodes._d.values()):
            fn = r()
            if fn is None or id(fn) in self._refs:
                continue
            var = getattr(fn, "variable", None) if T.is_leaf_node(fn) else None
            if var is not None:
                self._hook_leaf(var, fn)
                self._refs[id(fn)] = self._refs[("v", id(var))]  # hooked through its leaf
                continue
            try:
                handle = fn.register_prehook(_prehook(self._self_ref, id(fn)))
                # what it received and sent: step-through backward
                self._post[id(fn)] = fn.register_hook(_posthook(self._self_ref, id(fn)))
            except (AttributeError, RuntimeError):  # a node that takes no hooks: drawn, not timed
                handle = _NoHandle
            self._hooked[id(fn)] = (fn, handle)
            self._refs[id(fn)] = (_ref(fn), None)
        for t in live.roots:  # a drawn leaf that requires grad (draw(x))
            if t.grad_fn is None and t.requires_grad:
                self._hook_leaf(t, None)

    def _hook_leaf(self, var, node) -> None:
        key = ("v", id(var))
        if key in self._hooked:
            return
        handle = var.register_post_accumulate_grad_hook(_accumulated(self._self_ref, key))
        self._hooked[key] = (var, handle)
        leaf = _ref(var)
        self._refs[key] = (leaf if node is None else _ref(node), leaf)

    def unsubscribe(self) -> None:
        """Remove every hook and, with the last live torch graph, the function mode."""
        self.active = False
        hooked, self._hooked, self._refs = self._hooked, {}, {}
        post, self._post = self._post, {}
        for handle in (*(h for _, h in hooked.values()), *post.values()):
            handle.remove()
        self._running, self._feed = None, None
        self._pass, self._last = None, ((), [], [])
        if self._self_ref in _listeners:
            _listeners.remove(self._self_ref)
        _torch_mode.stop()

    @property
    def hook_count(self) -> int:
        return len(self._hooked)

    # -- events --------------------------------------------------------------------------------
    def forward(self, handler: str, kind: str, payload: dict) -> None:
        """Hand one event to the live graph, then hook whatever joined it."""
        live = self._live()
        if live is None:
            self.unsubscribe()
            return
        if self._pending and handler != "_on_created":
            # a change is already reported and not yet built: the build reads the state
            # as it is then, so an optimizer's in-place steps and zero_grad()'s .grad
            # assignments need no more calls (they are most of a training step's events)
            grad = payload.get("grad")
            if grad is not None and payload["tensor"] in live._tensors:
                live._tensors.add(grad)  # follow the new .grad (its zero_() is a change)
            return
        nodes, count, changes = live._nodes, len(live._nodes._d), live.changes
        getattr(live, handler)(kind, payload)
        if live.changes != changes:
            self._pending = True
            if handler == "_on_created":
                _torch_mode.grew()
        # hook what joined: only when the node set grew or was rebuilt (a training step's
        # version bumps and .grad assignments change no node)
        if self.active and (live._nodes is not nodes or len(live._nodes._d) != count):
            self.sync()

    def ran(self, key) -> None:
        """A hook fired: a drawn node is about to run, or a drawn leaf's ``.grad`` was
        accumulated (``key`` as in ``_hooked``)."""
        steps = self._pass
        if steps is not None and key in self._seen:
            self.end_pass()  # a node runs once per pass: this is a new pass
            steps = None
        if steps is None:
            self._pass, self._seen = [key], {key}
            try:
                _torch().autograd.Variable._execution_engine.queue_callback(self.end_pass)
            except (AttributeError, RuntimeError):
                pass  # ends at the next pass or at the next build
        else:
            steps.append(key)
            self._seen.add(key)
        if key.__class__ is not tuple:
            self._running = key
        elif self._feed is not None:  # a leaf, in a pass traced step by step
            node, var = (r() for r in self._refs[key])
            self._trace(self._feed.leaf, node if T.is_leaf_node(node) else None, var)

    def finished(self, key, grad_inputs, grad_outputs) -> None:
        """A drawn node ran (its hook): trace the step when the graph records steps."""
        self._running = None
        feed = self._feed
        if feed is None and self._pass is not None:
            steps = getattr(self._live(), "steps", None)
            if steps is None or not steps.active:
                return
            feed = self._feed = StepFeed(steps)  # the pass runs through drawn nodes: trace it
        hit = self._hooked.get(key)
        if feed is not None and hit is not None:
            self._trace(feed.node, hit[0], grad_inputs, grad_outputs)

    def _trace(self, step, *args) -> None:
        try:
            step(*args)
        except Exception:  # noqa: BLE001 - never break the user's backward: drop the trace
            if self._feed is not None:
                self._feed.ok = False

    def failed(self, exc: BaseException, args) -> None:
        """``backward()`` raised: forget the pass, and mark the error on the graph."""
        live = self._live()
        running, self._running, self._pass = self._running, None, None
        feed, self._feed = self._feed, None
        if feed is not None:
            feed.drop()
        errors = getattr(live, "errors", None)
        if errors is None or not self.active:
            return
        hit = self._hooked.get(running) if running is not None else None
        root = args[0] if args else None
        if isinstance(root, (list, tuple)):
            root = root[0] if root else None
        errors._on_error("backward_error", classify(exc, hit[0] if hit else None, root, args))

    def end_pass(self) -> None:
        steps, self._pass = self._pass, None
        feed, self._feed = self._feed, None
        if feed is not None:
            self._trace(feed.end)
        live = self._live()
        if not steps or live is None or not self.active:
            return
        keys, nodes, leaves = self._last
        if len(steps) != len(keys) or any(a != b for a, b in zip(steps, keys)):
            nodes, leaves = [], []
            refs = self._refs
            for key in steps:
                hit = refs.get(key)
                if hit is None:
                    continue
                node, leaf = hit
                if leaf is not None:
                    leaves.append((len(nodes), leaf))
                nodes.append((len(nodes), node))
            self._last = (tuple(steps), nodes, leaves)
        errors = getattr(live, "errors", None)
        if errors is not None and errors.error is not None:  # a pass went well: error gone
            errors._on_end("backward_end", {"executed": [r() for _, r in nodes]})
        live._record_pass(nodes, leaves)
        if live.follow:
            if self._joined == _torch_mode.joined:
                _torch_mode.want_pause()  # a second pass, and nothing joined: a loop
            self._joined = _torch_mode.joined

    def quiet_reset(self) -> None:
        """Forget the last pass: the pause needs two passes in a row again."""
        self._joined = None

    def caught_up(self) -> None:
        """The mode is back after a pause: rebuild, showing what changed in place meanwhile."""
        live = self._live()
        if live is not None and self.active:
            self._pending = True
            live._changed("version_bump")

    def flush(self) -> None:
        """Before a build: end a pass whose end was not reported (no engine callback), and
        report the next in-place change or ``.grad`` assignment again."""
        if self._pass:
            self.end_pass()
        self._pending = False


class _NoHandle:
    """Stands for the handle of a hook that could not be registered."""

    @staticmethod
    def remove() -> None:
        pass


def _ref(obj):
    try:
        return weakref.ref(obj)
    except TypeError:  # torch's grad_fn nodes cannot be weakly referenced
        return lambda obj=obj: obj


def _prehook(wself, key):
    def hook(grad_outputs):
        src = wself()
        if src is not None and src.active:
            src.ran(key)
        # returns None: the gradients are not changed

    return hook


def _posthook(wself, key):
    def hook(grad_inputs, grad_outputs):
        src = wself()
        if src is not None and src.active:
            src.finished(key, grad_inputs, grad_outputs)
        # returns None: the gradients are not changed

    return hook


def _accumulated(wself, key):
    def hook(tensor):
        src = wself()
        if src is not None and src.active:
            src.ran(key)

    return hook
