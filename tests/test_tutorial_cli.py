"""``autograd-widgets tutorial``: copying, keeping edited copies, arguments, and a real JupyterLab."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from autograd_widgets import __main__ as cli
from autograd_widgets import _tutorial

ROOT = Path(__file__).resolve().parent.parent
EN = [p.name for p in _tutorial.shipped_notebooks("en")]


@pytest.fixture
def launched(monkeypatch):
    """Replace the JupyterLab launch with a recorder; yields the list of commands."""
    commands = []
    monkeypatch.setattr(_tutorial, "launch", lambda cmd: commands.append(cmd) or 0)
    return commands


def run_cli(*args: str) -> int:
    return cli.main(list(args))


def test_both_languages_ship_the_same_six_notebooks():
    assert len(EN) == 6
    assert EN == [p.name for p in _tutorial.shipped_notebooks("zh")]


def test_copies_the_notebooks_and_starts_jupyterlab_on_them(tmp_path, launched, capsys):
    folder = tmp_path / "work"
    assert run_cli("tutorial", "--lang", "zh", "--dir", str(folder), "--no-browser") == 0
    for name in EN:
        assert (folder / name).read_bytes() == (_tutorial.TUTORIALS_DIR / "zh" / name).read_bytes()
    record = json.loads((folder / _tutorial.RECORD_NAME).read_text())
    assert record["lang"] == "zh" and sorted(record["files"]) == EN
    out = capsys.readouterr().out
    assert "new copy" in out and str(folder) in out

    (cmd,) = launched
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={folder}" in cmd and "--no-browser" in cmd
    assert cmd[-1] == str(folder / EN[0])  # opens the first tutorial


def test_port_and_extra_jupyter_arguments_are_passed_on(tmp_path, launched):
    run_cli("tutorial", "--dir", str(tmp_path), "--port", "8123", "--", "--ServerApp.ip=127.0.0.1")
    (cmd,) = launched
    assert "--ServerApp.port=8123" in cmd and "--ServerApp.port_retries=0" in cmd
    assert "--ServerApp.ip=127.0.0.1" in cmd and "--no-browser" not in cmd


def test_running_again_is_harmless(tmp_path, launched, capsys):
    run_cli("tutorial", "--lang", "en", "--dir", str(tmp_path))
    capsys.readouterr()
    run_cli("tutorial", "--lang", "en", "--dir", str(tmp_path))
    assert capsys.readouterr().out.count("up to date") == len(EN)


def test_refuses_to_overwrite_an_edited_copy(tmp_path, launched, capsys):
    run_cli("tutorial", "--lang", "en", "--dir", str(tmp_path))
    edited = tmp_path / EN[1]
    edited.write_text(edited.read_text(encoding="utf-8").replace("Anatomy", "My notes on"))
    mine = edited.read_bytes()
    (tmp_path / EN[0]).unlink()
    capsys.readouterr()

    assert run_cli("tutorial", "--lang", "en", "--dir", str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert edited.read_bytes() == mine
    assert f"{EN[1]}  (kept: you edited it)" in out
    assert "not overwritten" in out
    assert f"{EN[0]}  (new copy)" in out  # a deleted notebook comes back
    assert len(launched) == 2


def test_a_foreign_file_with_the_same_name_is_kept(tmp_path, launched, capsys):
    (tmp_path / EN[0]).write_text("{}")
    run_cli("tutorial", "--lang", "en", "--dir", str(tmp_path))
    assert (tmp_path / EN[0]).read_text() == "{}"
    assert "kept" in capsys.readouterr().out


def test_an_unedited_copy_of_an_older_release_is_updated(tmp_path, launched, capsys):
    old = tmp_path / EN[0]
    old.write_text('{"cells": [], "older": "release"}')
    digest = _tutorial._sha256(old)
    record = {"lang": "en", "files": {EN[0]: digest}}
    (tmp_path / _tutorial.RECORD_NAME).write_text(json.dumps(record))
    run_cli("tutorial", "--lang", "en", "--dir", str(tmp_path))
    assert old.read_bytes() == (_tutorial.TUTORIALS_DIR / "en" / EN[0]).read_bytes()
    assert "updated to this release" in capsys.readouterr().out


def test_default_folder_and_language(tmp_path, launched, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    run_cli("tutorial")
    folder = tmp_path / "autograd-widgets-tutorials-zh"
    assert sorted(p.name for p in folder.glob("*.ipynb")) == EN
    assert "自动求导" in (folder / EN[0]).read_text(encoding="utf-8")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    run_cli("tutorial")  # the English default folder is another one: no mixing
    assert "自动求导" not in (tmp_path / "autograd-widgets-tutorials" / EN[0]).read_text("utf-8")
    assert _tutorial.default_lang({"LANG": "en_US.UTF-8"}) == "en"
    assert _tutorial.default_lang({}) == "en"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tutorial", "--lang", "fr"], "invalid choice: 'fr'"),
        (["tutorial", "--port", "http"], "invalid port number"),
        (["tutorial", "--port", "70000"], "between 1 and 65535"),
        (["tutorial", "--colour"], "unrecognized arguments: --colour"),
        (["tutrial"], "invalid choice: 'tutrial'"),
        ([], "required: COMMAND"),
    ],
)
def test_bad_arguments_get_argparse_errors(args, message, launched, capsys):
    with pytest.raises(SystemExit) as exc:
        run_cli(*args)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert launched == []


def test_dir_that_is_a_file_is_an_argparse_error(tmp_path, launched, capsys):
    path = tmp_path / "file.txt"
    path.write_text("x")
    with pytest.raises(SystemExit) as exc:
        run_cli("tutorial", "--dir", str(path))
    assert exc.value.code == 2
    assert "is not a folder" in capsys.readouterr().err


def test_missing_jupyterlab_gives_a_one_line_install_hint(tmp_path, launched, monkeypatch, capsys):
    real_find_spec = _tutorial.importlib.util.find_spec
    monkeypatch.setattr(
        _tutorial.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "jupyterlab" else real_find_spec(name, *a),
    )
    assert run_cli("tutorial", "--dir", str(tmp_path)) == 1
    err = capsys.readouterr().err
    assert err.strip() == _tutorial.INSTALL_HINT
    assert 'pip install "autograd-widgets[lab]"' in err
    assert launched == []
    assert len(list(tmp_path.glob("*.ipynb"))) == 6  # the notebooks are still copied


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def test_python_dash_m_and_console_script_show_help():
    result = subprocess.run(
        [sys.executable, "-m", "autograd_widgets", "tutorial", "--help"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: python -m autograd_widgets tutorial" in result.stdout
    for option in ("--lang", "--dir", "--no-browser", "--port"):
        assert option in result.stdout
    script = shutil.which("autograd-widgets")
    if script is None:
        pytest.skip("console script not installed (pip install -e .)")
    result = subprocess.run(
        [script, "tutorial", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "usage: autograd-widgets tutorial" in result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.mark.slow
def test_starts_a_jupyterlab_that_serves_the_notebooks_and_stops_cleanly(tmp_path):
    pytest.importorskip("jupyterlab")
    port, token = _free_port(), "tutorial-test-token"
    folder = tmp_path / "tutorials"
    env = _env()
    env.update(
        JUPYTER_TOKEN=token,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograd_widgets", "tutorial", "--lang", "zh"]
        + ["--dir", str(folder), "--no-browser", "--port", str(port)]
        + ["--", "--ServerApp.ip=127.0.0.1", "--LabApp.news_url=None"]
        + ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if _get(f"{base}/api/status?token={token}")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "JupyterLab did not answer within 90 s"
            time.sleep(0.5)

        status, body = _get(f"{base}/api/contents?token={token}")
        assert status == 200
        listed = sorted(item["name"] for item in json.loads(body)["content"])
        assert [n for n in listed if n.endswith(".ipynb")] == EN

        status, body = _get(f"{base}/api/contents/{EN[0]}?token={token}&content=1")
        assert status == 200
        notebook = json.loads(body)
        assert notebook["type"] == "notebook"
        first = notebook["content"]["cells"][1]["source"]
        assert first.startswith("import autograd_widgets as torch")
        assert "自动求导" in notebook["content"]["cells"][0]["source"]

        assert _get(f"{base}/api/contents")[0] == 403  # the token is required
        assert _get(f"{base}/lab?token={token}")[0] == 200
    finally:
        proc.terminate()  # by PID: the command execs JupyterLab, so this is the server
        try:
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
    assert proc.returncode == 0, f"JupyterLab exited with {proc.returncode} on SIGTERM"
    with pytest.raises(OSError):
        _get(f"{base}/api/status?token={token}")


def test_chinese_readme_gives_the_same_two_commands_as_the_english_one():
    def commands(name: str) -> list[str]:
        text = (ROOT / name).read_text(encoding="utf-8")
        return [line[6:] for line in text.splitlines() if line.startswith("    $ ")][:2]

    assert commands("README.zh-CN.md") == commands("README.md")
    assert "autograd-widgets tutorial" in commands("README.zh-CN.md")[0]


@pytest.mark.parametrize("edited", [False, True])
def test_a_folder_never_mixes_languages(tmp_path, launched, capsys, edited):
    """zh into a folder of English copies (edited or not, with or without the record) refuses."""
    assert run_cli("tutorial", "--lang", "en", "--dir", str(tmp_path)) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")}
    if edited:
        first = tmp_path / EN[0]
        first.write_text(first.read_text(encoding="utf-8").replace("autograd", "Autograd"), "utf-8")
        (tmp_path / _tutorial.RECORD_NAME).unlink()
        before[EN[0]] = first.read_bytes()
    capsys.readouterr()
    assert run_cli("tutorial", "--lang", "zh", "--dir", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "already holds the English tutorials" in err
    assert "--lang zh --dir" in err and "autograd-widgets-tutorials-zh" in err
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")} == before
