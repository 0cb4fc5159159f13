"""A real JupyterLab, driven by Debian's Chromium through Playwright.

One server and one browser per session (see ../shared/browser-testing.md);
each test gets a fresh page.  Screenshots go to ``test-artifacts/``.

Run: ``pytest -m browser tests/browser``.  Needs ``/usr/bin/chromium`` (apt
``chromium fonts-liberation``) and the built front end (built here with npm
when missing).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("AW_CHROMIUM", "/usr/bin/chromium")
STATIC = ROOT / "autograd_widgets" / "static"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_frontend() -> None:
    needed = ["graph_widget.js", "graph_view.js", "graph_layout_worker.js"]
    if all((STATIC / n).exists() for n in needed):
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("front end not built and npm not found")
    js = ROOT / "js"
    if not (js / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=js, check=True)
    subprocess.run([npm, "run", "build"], cwd=js, check=True)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright: launch Debian's Chromium (Playwright's download does not work here)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-liberation)")
    return {"executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": {"width": 1400, "height": 1000}}


class Lab:
    """A running JupyterLab server and helpers to drive notebooks in it."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "root"
        self.root.mkdir()
        self.port = _free_port()
        self.token = uuid.uuid4().hex
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = base / "server.log"

    # -- server ------------------------------------------------------------------

    def start(self) -> None:
        settings = self.base / "settings"
        for name, value in {
            "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
                "fetchNews": "false",
                "checkForUpdates": False,
            },
            "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        }.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(self.base / "config"),
            JUPYTER_RUNTIME_DIR=str(self.base / "runtime"),
            PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        )
        cmd = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=None",
            "--LabApp.extension_manager=readonly",
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.terminals_enabled=False",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={self.base / 'workspaces'}",
        ]
        self._log_file = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"jupyter lab did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()

    # -- notebooks ----------------------------------------------------------------

    def write_notebook(self, name: str, cells: list[str]) -> str:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, self.root / name)
        return name

    def open(self, page: Any, name: str, timeout: float = 60_000) -> None:
        # a fresh workspace per page, so notebooks opened by earlier tests are not restored
        workspace = uuid.uuid4().hex[:12]
        page.goto(f"{self.url}/lab/workspaces/{workspace}/tree/{name}?token={self.token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=timeout)
        page.wait_for_function(
            """() => {
                const k = document.querySelector('.jp-NotebookPanel .jp-KernelName, .jp-Toolbar-kernelName');
                if (k && /No Kernel/.test(k.textContent)) return false;
                const items = [...document.querySelectorAll('#jp-main-statusbar .jp-StatusBar-TextItem')];
                return items.some((e) => /\\| Idle/.test(e.textContent));
            }""",
            timeout=timeout,
        )

    def run_all(self, page: Any, timeout: float = 120_000) -> None:
        page.click(".lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-item[data-command='runmenu:run-all']")
        self.wait_cells_done(page, timeout)

    def wait_cells_done(self, page: Any, timeout: float = 120_000) -> None:
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
                if (!prompts.length || !prompts.every((p) => /\\[\\d+\\]/.test(p.textContent))) return false;
                const items = [...document.querySelectorAll('#jp-main-statusbar .jp-StatusBar-TextItem')];
                return items.some((e) => /\\| Idle/.test(e.textContent));
            }""",
            timeout=timeout,
        )

    def cell(self, page: Any, index: int) -> Any:
        return page.locator(".jp-Notebook .jp-CodeCell").nth(index)

    def run_cell(self, page: Any, index: int, timeout: float = 60_000) -> None:
        """Run one cell (Ctrl+Enter) and wait until its prompt shows a new number."""
        cell = self.cell(page, index)
        before = cell.locator(".jp-InputArea-prompt").text_content() or ""
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+Enter")
        prompt = cell.locator(".jp-InputArea-prompt")
        deadline = time.monotonic() + timeout / 1000
        while time.monotonic() < deadline:
            text = prompt.text_content() or ""
            if re.search(r"\[\d+\]", text) and text != before:
                break
            time.sleep(0.1)
        else:
            raise TimeoutError(f"cell {index} did not finish")
        self.wait_idle(page, timeout)

    def wait_idle(self, page: Any, timeout: float = 60_000) -> None:
        page.wait_for_function(
            """() => [...document.querySelectorAll('#jp-main-statusbar .jp-StatusBar-TextItem')]
                .some((e) => /\\| Idle/.test(e.textContent))""",
            timeout=timeout,
        )

    def output_text(self, page: Any, index: int) -> str:
        return self.cell(page, index).locator(".jp-OutputArea").inner_text()

    def set_theme(self, page: Any, theme: str) -> None:
        page.evaluate(
            "(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme
        )
        light = "false" if "Dark" in theme else "true"
        page.wait_for_function(
            f"() => document.body.dataset.jpThemeLight === '{light}'", timeout=30_000
        )
        page.wait_for_timeout(500)

    def screenshot(self, target: Any, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        target.screenshot(path=str(path))
        return path


@pytest.fixture(scope="session")
def lab() -> Any:
    """A JupyterLab server for the whole session (temp root dir, token, free port)."""
    _ensure_frontend()
    base = Path(tempfile.mkdtemp(prefix="aw-lab-"))
    server = Lab(base)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def lab_page(lab: Lab, page: Any) -> Any:
    """A fresh Playwright page; its console errors are collected in ``page.aw_errors``."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.aw_errors = errors
    page.set_default_timeout(60_000)
    yield page
