"""Defaults (qa.config): the checkout's index/ and seeds/, an installed copy's data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

import qa.config
from qa.config import default_corpus, default_index_dir

REPO = Path(__file__).resolve().parent.parent


def test_the_checkout_keeps_its_own_index_and_seeds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QA_INDEX_DIR")
    monkeypatch.delenv("QA_CORPUS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", "/nowhere")
    assert qa.config.PROJECT_ROOT == REPO and qa.config.in_checkout()
    assert default_index_dir() == REPO / "index"
    assert default_corpus() == REPO / "seeds"


def test_an_installed_copy_keeps_its_index_in_the_users_data_folder(
        installed: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # installed from a wheel, the default index was site-packages/index (and the corpus
    # site-packages/seeds, which no wheel holds): unwritable in a system install, shared
    # by every user, and left behind by pip uninstall
    home = installed["home"]
    assert not qa.config.in_checkout()
    assert default_index_dir() == home / ".local" / "share" / "qa" / "index"
    assert default_corpus() is None
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    assert qa.config.user_data_dir() == home / "data" / "qa"
    assert default_index_dir() == home / "data" / "qa" / "index"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")  # not absolute: ignored (XDG spec)
    assert default_index_dir() == home / ".local" / "share" / "qa" / "index"


def test_the_environment_still_chooses_for_an_installed_copy(
        installed: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("QA_CORPUS", str(tmp_path / "articles"))
    assert default_index_dir() == tmp_path / "mine"
    assert default_corpus() == tmp_path / "articles"


def test_an_installed_copys_uploads_go_beside_its_index(installed: dict[str, Path]) -> None:
    from ui.uploads import default_uploads_dir

    assert default_uploads_dir(default_index_dir()) == (
        installed["home"] / ".local" / "share" / "qa" / "uploads")
