"""Cell helpers for the tutorial sources (see ../build_notebooks.py)."""

from textwrap import dedent


def md(en: str, zh: str) -> tuple[str, str, str]:
    """A markdown cell: English and Chinese prose, each written for its readers."""
    return ("md", dedent(en).strip(), dedent(zh).strip())


def code(src: str) -> tuple[str, str, None]:
    """A code cell, shared verbatim by both languages."""
    return ("code", dedent(src).strip(), None)
