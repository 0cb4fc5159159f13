"""autograd_widgets._malloc: glibc thresholds set on import, and the opt-out."""

import platform
import subprocess
import sys

import pytest

CODE = "import autograd_widgets._malloc as m, autograd_widgets; print(sorted(m.applied.items()))"


def _applied(env_extra):
    import os

    env = dict(os.environ, **env_extra)
    out = subprocess.run(
        [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc malloc only")
def test_thresholds_are_set_on_import():
    assert _applied({}) == "[('M_MMAP_THRESHOLD', 33554432), ('M_TRIM_THRESHOLD', 134217728)]"


def test_default_leaves_malloc_alone():
    assert _applied({"AUTOGRAD_WIDGETS_MALLOC": "default"}) == "[]"
