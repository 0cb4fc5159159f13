"""What the kernel is handling right now: which page asked, from which cell.

Read from the parent header of ipykernel's current shell request; outside a
kernel (plain Python, tests) everything is None.  ipykernel is never imported
here: when it is not loaded there is no kernel.
"""

from __future__ import annotations

import sys
from typing import Any


def current_request() -> dict[str, Any] | None:
    """The shell message the kernel is handling (``execute_request``, ``comm_msg``...)."""
    mod = sys.modules.get("ipykernel.kernelbase")
    if mod is None:
        return None
    try:
        if not mod.Kernel.initialized():
            return None
        parent = mod.Kernel.instance().get_parent("shell")
    except Exception:  # noqa: BLE001 - an odd kernel: behave as outside one
        return None
    return parent or None


def client_session(request: dict[str, Any] | None = None) -> str | None:
    """The session id of the page (front-end connection) that sent the request.

    JupyterLab gives every kernel connection its own session id, so a reloaded
    page, or a second tab, has a new one.
    """
    request = current_request() if request is None else request
    if not request:
        return None
    return (request.get("header") or {}).get("session")


def running_cell(request: dict[str, Any] | None = None) -> tuple[str, str] | None:
    """``(cell id, execution message id)`` while a notebook cell runs, else None.

    The same cell id with another message id is a re-run of that cell.
    """
    request = current_request() if request is None else request
    if not request:
        return None
    header = request.get("header") or {}
    if header.get("msg_type") != "execute_request":
        return None
    cell = (request.get("metadata") or {}).get("cellId")
    msg_id = header.get("msg_id")
    return (cell, msg_id) if cell and msg_id else None
