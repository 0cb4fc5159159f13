"""Command line: ``autograd-widgets COMMAND`` or ``python -m autograd_widgets COMMAND``.

Commands:

``tutorial [--lang zh|en] [--dir PATH] [--no-browser] [--port N] [-- JUPYTER_ARGS...]``
    copy the bundled tutorial notebooks into a folder and open them in JupyterLab.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograd_widgets import _tutorial


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or "autograd-widgets",
        description="autograd_widgets: a PyTorch-compatible autograd with live Jupyter widgets.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _tutorial.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``autograd-widgets`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:  # everything after -- goes to jupyter lab
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    prog = "python -m autograd_widgets" if Path(sys.argv[0]).name == "__main__.py" else None
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    return args.handler(args, args.subparser, extra)


if __name__ == "__main__":
    sys.exit(main())
