"""The magics of ``%load_ext autograd_widgets`` (registered by :mod:`autograd_widgets.notebook`).

A cell magic runs its cell body like a normal cell (same namespace, magics
and ``!`` commands still work, the last expression is displayed) inside a
context manager, so the grad mode is restored whatever happens: an exception
or a ``KeyboardInterrupt`` propagates (the cell fails as usual) after the
``with`` block has restored the previous mode. Nesting follows PyTorch: an
in-cell ``with torch.no_grad():`` inside ``%%enable_grad`` turns grad off for
its block and back on after it.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import weakref
from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from .._language import chosen_language, set_language
from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ..core.tensor import Tensor
from ..graph import BackwardSteps, LiveGraph, record
from ..widgets._cells import ensure_cell_hooks, hooks_for

try:  # IPython >= 8.9: a trailing ';' silences a cell magic's value, as in any cell
    from IPython.core.magic import output_can_be_silenced
except ImportError:  # pragma: no cover

    def output_can_be_silenced(fn):
        return fn


_ON = {"on", "true", "1", "yes", "enable", "enabled"}
_OFF = {"off", "false", "0", "no", "disable", "disabled"}


def _parse_switch(text: str) -> bool:
    word = text.strip().lower()
    if word in _ON:
        return True
    if word in _OFF:
        return False
    raise argparse.ArgumentTypeError(f"expected 'on' or 'off', got {text!r}")


def run_cell_body(shell: Any, cell: str) -> Any:
    """Run ``cell`` in the user namespace as IPython would; return its last expression's value.

    Unlike ``shell.run_cell`` this lets exceptions propagate, so a failing
    body fails the cell (and a ``with`` around this call sees the exception).
    """
    __tracebackhide__ = True  # IPython: show the user's frames, not ours
    source = shell.transform_cell(cell)
    filename = shell.compile.cache(source, shell.execution_count, raw_code=cell)
    tree = shell.transform_ast(shell.compile.ast_parse(source, filename=filename))
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    glob, loc = shell.user_global_ns, shell.user_ns
    if tree.body:
        exec(shell.compile(tree, filename, "exec"), glob, loc)  # noqa: S102 - running the user's cell
    if last is None:
        return None
    return eval(shell.compile(last, filename, "eval"), glob, loc)  # noqa: S307 - the user's cell


def _mode_word(enabled: bool) -> str:
    return "on" if enabled else "off"


@magics_class
class GradModeMagics(Magics):
    """``%%no_grad``, ``%%enable_grad``, ``%grad_mode``, ``%%autograd_graph``, ``%autograd_display``,
    ``%%compare_torch``."""

    def _run(self, cell: str, mode: contextlib.AbstractContextManager) -> Any:
        __tracebackhide__ = True
        with mode:
            return run_cell_body(self.shell, cell)

    @output_can_be_silenced
    @cell_magic
    def no_grad(self, line: str, cell: str) -> Any:
        """Run this cell with gradient tracking off, like ``with torch.no_grad():``.

        The previous grad mode comes back after the cell, even if it raises or
        is interrupted. Tensors made in the cell have ``requires_grad=False``
        and no ``grad_fn``.
        """
        __tracebackhide__ = True
        return self._run(cell, no_grad())

    @output_can_be_silenced
    @cell_magic
    def enable_grad(self, line: str, cell: str) -> Any:
        """Run this cell with gradient tracking on, like ``with torch.enable_grad():``."""
        __tracebackhide__ = True
        return self._run(cell, enable_grad())

    @magic_arguments()
    @argument(
        "mode",
        nargs="?",
        type=_parse_switch,
        help="'on' or 'off'; without it, print the current grad mode",
    )
    @line_magic
    def grad_mode(self, line: str = "") -> None:
        """Set grad mode for the following cells, or print it.

        ``%grad_mode off`` is ``torch.set_grad_enabled(False)`` at top level:
        it lasts until changed (a ``GradModeToggle`` shows it).
        """

        args = parse_argstring(self.grad_mode, line)
        if args.mode is None:
            print(f"grad mode: {_mode_word(is_grad_enabled())}")
            pending = getattr(hooks_for(self.shell), "pending", None)
            if pending is not None:
                print(
                    f"  ({_mode_word(pending)} from the next cell, requested by a GradModeToggle)"
                )
            return
        hooks = hooks_for(self.shell)
        if hooks is not None:
            hooks.pending = None  # an explicit command wins over an earlier click
        set_grad_enabled(args.mode)

    @magic_arguments()
    @argument("--saved", action="store_true", help="draw the tensors saved for backward")
    @argument("--values", action="store_true", help="print tensor values inside the nodes")
    @argument(
        "--rankdir",
        default="TB",
        type=str.upper,
        choices=["TB", "LR"],
        help="layout direction (TB: top to bottom, LR: left to right)",
    )
    @argument(
        "--max-nodes", type=int, default=500, help="largest number of nodes drawn (default 500)"
    )
    @output_can_be_silenced
    @cell_magic
    def autograd_graph(self, line: str, cell: str) -> Any:
        """Run the cell while recording, then show a live graph of what it built.

        Ops run under ``no_grad`` appear as ghosts; nodes carry the names of
        the notebook variables that refer to their tensors.
        """
        __tracebackhide__ = True

        args = parse_argstring(self.autograd_graph, line)
        # lazy: the widgets layer loads when %%autograd_graph runs
        from ..widgets._limits import max_nodes_error

        error = max_nodes_error(args.max_nodes, "--max-nodes")
        if error:
            raise UsageError(error)
        recorder = record()
        failed = True
        try:
            with recorder:
                value = run_cell_body(self.shell, cell)
            failed = False
        finally:
            # A failing cell still shows what it built before the error.
            try:
                show_recording(recorder, self.shell, args)
            except Exception:
                if not failed:
                    raise
        return value

    @magic_arguments()
    @argument(
        "mode",
        nargs="?",
        choices=["html", "plain"],
        help="'html': a compact summary with a 'show graph' button for tensors that "
        "require grad; 'plain' (the default): PyTorch's text",
    )
    @line_magic
    def autograd_display(self, line: str = "") -> None:
        """Opt in to rich display of tensors (``%autograd_display html``); off by default."""

        args = parse_argstring(self.autograd_display, line)
        hooks = ensure_cell_hooks(self.shell)
        if args.mode is None:
            print(f"tensor display: {'html' if hooks.rich_display else 'plain'}")
            return
        set_rich_display(self.shell, args.mode == "html")

    @magic_arguments()
    @argument(
        "language",
        nargs="?",
        choices=("en", "zh", "auto"),
        help="en or zh for the widgets made from now on; auto: the notebook's metadata, "
        "else JupyterLab's language; without it, print the language",
    )
    @line_magic
    def autograd_language(self, line: str = "") -> None:
        """The widgets' language: ``%autograd_language zh`` is ``autograd_widgets.set_language("zh")``.

        ``auto`` forgets the choice (``set_language(None)``): the notebook's metadata
        decides, else JupyterLab's language setting (read by each widget's front end),
        else English.
        """
        args = parse_argstring(self.autograd_language, line)
        if args.language is None:
            auto = "auto (JupyterLab's language, else en)"
            print(f"widget language: {chosen_language() or auto}")
            return
        set_language(None if args.language == "auto" else args.language)

    @magic_arguments()
    @argument("--seed", type=int, default=0, help="both runs start from manual_seed(SEED)")
    @argument("--no-seed", action="store_true", help="leave the random generators alone")
    @argument("--rtol", type=float, default=1e-5, help="relative tolerance for numbers")
    @argument("--atol", type=float, default=1e-6, help="absolute tolerance for numbers")
    @cell_magic
    def compare_torch(self, line: str, cell: str) -> Any:
        """Run the cell here and on real PyTorch, and show what differs.

        The cell's effects stay those of the ``autograd_widgets`` run; the
        PyTorch run happens in a copy of the namespace. See
        :func:`autograd_widgets.notebook.compare.compare_torch`.
        """
        # lazy: %%compare_torch's module (and torch) load when it runs
        from .compare import compare_torch

        args = parse_argstring(self.compare_torch, line)
        try:
            return compare_torch(
                self.shell.transform_cell(cell),
                self.shell.user_ns,
                seed=None if args.no_seed else args.seed,
                rtol=args.rtol,
                atol=args.atol,
                echo=True,
            )
        except ModuleNotFoundError as err:
            if err.name != "torch":
                raise
            print(err)  # only the PyTorch run is impossible: say so, plainly
            return None


class _RecordingSource:
    """A live graph of one recording for :class:`GraphWidget` (like ``draw``'s, for a recording).

    The recording has stopped: later cells add nothing to the drawing, but
    ``backward()``, ``.grad`` changes and in-place ops on its tensors update it
    while the widget is live. Only weak references are held.
    """

    def __init__(self, recording: Any) -> None:

        self._make = lambda callback: LiveGraph(
            recording=recording, callback=callback, follow=False
        )
        self.graph = self._make(None)
        self.graph.close()  # GraphWidget subscribes while it is live
        self.max_nodes: Callable[[], int | None] = lambda: None
        # later backward passes through the drawing, node by node (step-through backward)
        self.steps = BackwardSteps(self.graph.ids, contains=self._contains)
        self.steps.close()

    def _contains(self, node: Any) -> bool:
        return self.graph._contains_node(node)

    def build(self) -> dict[str, Any]:
        return self.graph.to_json(max_nodes=self.max_nodes())

    def subscribe(self, changed: Callable[[], None]) -> Callable[[], None]:
        new = self._make(changed)
        new.ids = self.graph.ids  # keep node ids (and so the selection) stable
        self.graph = new
        self.steps.ids = new.ids
        self.steps.open()

        def unsubscribe() -> None:
            new.close()
            self.steps.close()

        return unsubscribe


def show_recording(recorder: Any, shell: Any, args: Any) -> Any:
    """Display a live GraphWidget of ``recorder``'s nodes; returns the widget.

    Ghosts stand for ops run under ``no_grad``; the user namespace names the
    tensors (the graph layer reads it when IPython runs).
    """
    from IPython.display import display

    # lazy: anywidget loads when a graph is shown, not with %load_ext
    from ..widgets.graph_widget import GraphWidget

    source = _RecordingSource(recorder)
    widget = GraphWidget(
        graph=source.graph.to_json(max_nodes=args.max_nodes),
        source=source.build,
        subscribe=source.subscribe,
        show_saved=args.saved,
        show_values=args.values,
        rankdir=args.rankdir,
        max_nodes=args.max_nodes,
    )
    widget.attach_steps(source.steps)
    ref = weakref.ref(widget)
    source.max_nodes = lambda: getattr(ref(), "max_nodes", args.max_nodes)
    hooks = hooks_for(shell)
    if hooks is not None:
        hooks.last_graph = ref
    display(widget)
    return widget


def set_rich_display(shell: Any, on: bool) -> None:
    """Turn the HTML summary of tensors that require grad on or off for ``shell``."""

    hooks = ensure_cell_hooks(shell) if on else hooks_for(shell)
    formatter = shell.display_formatter.mimebundle_formatter
    if on:
        # lazy: anywidget loads when a tensor view is shown
        from ..widgets.tensor_view import tensor_mimebundle

        formatter.for_type(Tensor, tensor_mimebundle)
    else:
        formatter.type_printers.pop(Tensor, None)
    if hooks is not None:
        hooks.rich_display = on
