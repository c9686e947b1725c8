"""Lint and type checks run with the suite, so CI enforces them."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.parametrize("cmd", [
    [sys.executable, "-m", "ruff", "check", "qa", "ui", "tests"],
    [sys.executable, "-m", "mypy"],
])
def test_static_checks_pass(cmd: list[str]) -> None:
    if cmd[2] == "ruff" and not shutil.which("ruff") and not _has_module("ruff"):
        pytest.fail("ruff is not installed: run scripts/setup --dev")
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
