"""The ``language`` trait every widget shares (the texts live in ``js/src/i18n.js``),
and the few texts of the one widget built in Python (``%autograd_display html``).

A widget starts in :func:`autograd_widgets._language.get_language`'s language. While
nothing chose one (no ``set_language``, no notebook metadata, no ``language=``), its
``_language_auto`` trait is True and the front end switches ``language`` to the
page's language when it speaks that one (JupyterLab writes its language setting into
``<html lang>``); any explicit setting of ``language`` ends that.
"""

from __future__ import annotations

from typing import Any

import traitlets as t

from .._language import check_language, chosen_language, get_language


class LanguageTraits(t.HasTraits):
    """Mixed into each widget class (before ``anywidget.AnyWidget``)."""

    language = t.Unicode(
        help='Language of every text the widget shows: "en" or "zh" (default: '
        "autograd_widgets.set_language, else the notebook's metadata, else JupyterLab's "
        "language, else English)."
    ).tag(sync=True)
    _language_auto = t.Bool(
        help="True while nothing chose the language: the front end may set it to the page's."
    ).tag(sync=True)

    @t.default("language")
    def _default_language(self) -> str:
        return get_language()

    @t.default("_language_auto")
    def _default_language_auto(self) -> bool:
        return chosen_language() is None

    @t.validate("language")
    def _check_language(self, proposal: dict[str, Any]) -> str:
        return check_language(proposal["value"])

    @t.observe("language")
    def _language_chosen(self, change: dict[str, Any]) -> None:
        self._language_auto = False


#: The texts of ``%autograd_display html`` (an ipywidgets box made in the kernel, so its
#: language is the kernel's choice: :func:`~autograd_widgets._language.get_language`).
SUMMARY = {
    "en": {
        "shape": "tensor of shape [{dims}]",
        "value": "value {v}",
        "stats": "min {min} · max {max} · mean {mean}",
        "grad_norm": ".grad norm {norm}",
        "show_graph": "show graph",
        "gone": "the tensor is gone",
    },
    "zh": {
        "shape": "形状为 [{dims}] 的张量",
        "value": "值 {v}",
        "stats": "最小 {min} · 最大 {max} · 均值 {mean}",
        "grad_norm": ".grad 范数 {norm}",
        "show_graph": "显示计算图",
        "gone": "这个张量已经不存在了",
    },
}


def summary_text(key: str, lang: str | None = None, **args: Any) -> str:
    """The text ``key`` of :data:`SUMMARY` in ``lang`` (default: :func:`get_language`)."""
    return SUMMARY[lang or get_language()][key].format(**args)
