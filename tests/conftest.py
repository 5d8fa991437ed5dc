"""Shared fixtures: the real reference database (built once if missing or stale), and a
fresh user data folder per test."""

from __future__ import annotations

import pathlib

import pytest

from db.build import ensure_reference_db
from db.reference import Reference

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED_CMS = ROOT.parent / "shared" / "data" / "cms"


@pytest.fixture(scope="session")
def reference_path() -> pathlib.Path:
    return ensure_reference_db()


@pytest.fixture(scope="session")
def reference(reference_path) -> Reference:
    """The bundled reference data alone (no imported releases)."""
    ref = Reference(reference_path, imports_path=pathlib.Path("/nonexistent/imports.sqlite3"))
    yield ref
    ref.close()


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> pathlib.Path:
    """A fresh, empty CODEDESK_DATA_DIR for one test."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("CODEDESK_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def shared_cms() -> pathlib.Path:
    """The CMS extracts beside the project; tests that need them skip where absent."""
    if not SHARED_CMS.is_dir():
        pytest.skip("../shared/data/cms is not present on this machine")
    return SHARED_CMS


@pytest.fixture
def userdata(data_dir):
    """The user's own data store in a fresh data folder; windows still open when the
    test ends are closed first, so that whatever they save on closing is saved."""
    from db.userdata import UserData
    store = UserData()
    yield store
    from PySide6.QtWidgets import QApplication
    if QApplication.instance() is not None:
        for widget in QApplication.topLevelWidgets():
            widget.close()
    store.close()


@pytest.fixture
def folder(tmp_path) -> pathlib.Path:
    """A folder standing for the removable media CMS files are brought on."""
    path = tmp_path / "media"
    path.mkdir()
    return path


@pytest.fixture
def reader(reference_path, data_dir):
    """Opens readers of the bundled data plus the imports in the test's data folder (as
    the window does after an import); all are closed when the test ends."""
    opened = []

    def _open() -> Reference:
        ref = Reference(reference_path, imports_path=data_dir / "imports.sqlite3")
        opened.append(ref)
        return ref
    yield _open
    for ref in opened:
        ref.close()
