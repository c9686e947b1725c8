"""What the sdist and the wheel hold, built from a copy of the tracked files."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _tracked() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [name for name in out.splitlines() if (REPO / name).is_file()]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tracked files alone, so a build writes nothing into the checkout."""
    dest = tmp_path_factory.mktemp("source") / "qa"
    for name in _tracked():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, dest / name)
    return dest


def _build(source: Path, kind: str, out: Path) -> Path:
    """Build as pip does without build isolation (offline): with this environment's
    setuptools, which builds wheels itself from 70.1 on, with the wheel package before."""
    try:
        import setuptools
    except ImportError:
        pytest.skip("no setuptools here to build with")
    version = tuple(int(part) for part in setuptools.__version__.split(".")[:2])
    if version < (70, 1) and importlib.util.find_spec("wheel") is None:
        pytest.skip(f"setuptools {setuptools.__version__} without the wheel package")
    code = (f"from setuptools import build_meta as b; import sys; "
            f"print(b.build_{kind}(sys.argv[1]))")
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=source,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out / done.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_the_sdist_holds_what_the_tests_need(source: Path, tmp_path: Path) -> None:
    # it held the packages and tests/test_*.py only: no conftest.py, fixtures, seeds/ or
    # eval/gold.jsonl, so its tests could not run
    with tarfile.open(_build(source, "sdist", tmp_path)) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    wanted = {name for name in _tracked() if not name.startswith((".ci/", ".gitignore"))}
    assert wanted - names == set()
    assert "tests/conftest.py" in names and "seeds" in {n.split("/")[0] for n in names}


@pytest.mark.slow
def test_the_wheel_installed_keeps_its_index_out_of_site_packages(
        source: Path, tmp_path: Path) -> None:
    wheel = _build(source, "wheel", tmp_path / "dist")
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(site)
    assert {"qa/py.typed", "qa/models/reader/model.safetensors", "qa/models/reader/config.json",
            "qa/models/reader/tokenizer.json", "qa/models/reader/MODEL_CARD.md",
            "ui/app.py"} <= names
    assert not any(name.startswith(("seeds/", "tests/", "index/")) for name in names)
    env = {k: v for k, v in os.environ.items()
           if k not in ("QA_INDEX_DIR", "QA_CORPUS", "XDG_DATA_HOME")}
    env.update(PYTHONPATH=str(site), HOME=str(tmp_path / "home"))
    code = "import qa, qa.config as c; print(qa.__file__); print(c.default_index_dir())"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    where, index = out.stdout.splitlines()
    assert Path(where).is_relative_to(site)
    assert Path(index) == tmp_path / "home" / ".local" / "share" / "qa" / "index"
