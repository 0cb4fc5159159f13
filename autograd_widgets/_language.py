"""The language the widgets speak: English (``"en"``) or Chinese (``"zh"``).

A new widget takes :func:`get_language`: the language given to
:func:`set_language` (or ``%autograd_language``), else the one the notebook asks
for, else JupyterLab's language (when nothing chose one, the front end follows
the page's language, which JupyterLab sets from its language setting, and
tells the kernel), else English. A notebook
asks for a language in its metadata, ``{"autograd_widgets": {"lang": "zh"}}``
(``notebooks/build_notebooks.py`` writes it into every tutorial, so the Chinese ones
show Chinese widgets while their code cells stay identical to the English ones).
The kernel finds its notebook through ``JPY_SESSION_NAME``, the path Jupyter
Server gives every kernel it starts for a notebook. Each widget also has a synced
``language`` trait, so one widget can be switched alone. The texts themselves
live in ``js/src/i18n.js`` (one table per language).
"""

from __future__ import annotations

import json
import os

LANGUAGES = ("en", "zh")

_chosen: str | None = None
_from_notebook: dict = {}  # notebook path -> its language (read once per path)


def check_language(lang) -> str:
    """``lang`` if it is a language the widgets speak, else a ``ValueError``."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {list(LANGUAGES)}, got {lang!r}")
    return lang


def set_language(lang: str | None) -> None:
    """Make ``lang`` (``"en"`` or ``"zh"``) the language of every widget made from now on.

    ``None`` forgets the choice: the notebook's metadata decides again, else JupyterLab's
    language, else English. ``%autograd_language zh`` does the same in a notebook.
    Widgets already shown keep theirs; set ``widget.language`` to switch one.
    """
    global _chosen
    _chosen = None if lang is None else check_language(lang)


def chosen_language() -> str | None:
    """The language asked for by :func:`set_language`, else by the notebook's metadata.

    ``None`` when nothing asked: a new widget then starts in English and its front end
    may switch it to JupyterLab's language (the widgets' ``_language_auto`` trait).
    """
    if _chosen is not None:
        return _chosen
    return _notebook_choice(os.environ.get("JPY_SESSION_NAME") or "")


def get_language() -> str:
    """The language a new widget starts in (see the module docstring)."""
    return chosen_language() or "en"


def _notebook_language(path: str) -> str:
    return _notebook_choice(path) or "en"


def _notebook_choice(path: str) -> str | None:
    if not path.endswith(".ipynb"):
        return None
    if path not in _from_notebook:
        lang = None
        try:
            with open(path, encoding="utf-8") as f:
                meta = json.load(f).get("metadata", {}).get("autograd_widgets", {})
            if meta.get("lang") in LANGUAGES:
                lang = meta["lang"]
        except (OSError, ValueError, AttributeError):
            pass  # no readable notebook there (renamed, not saved yet): no choice
        _from_notebook[path] = lang
    return _from_notebook[path]
