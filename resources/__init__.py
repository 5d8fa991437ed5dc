"""The one locator for CodeDesk's data files (icons, styles, the built database).

Paths come from importlib.resources so that the source tree, an installed wheel and
the PyInstaller bundle (whose spec mirrors this package's layout) all resolve the
same way, with no frozen-path branches anywhere else.
"""

from __future__ import annotations

import importlib.resources
import pathlib

__version__ = "0.1.0"   # the one place the version is written (pyproject reads it)

REFERENCE_DB_NAME = "reference.sqlite3"


def path(name: str) -> pathlib.Path:
    """The filesystem path of a resource file (it may not exist yet)."""
    return pathlib.Path(str(importlib.resources.files(__name__).joinpath(name)))


def reference_db_path() -> pathlib.Path:
    return path(REFERENCE_DB_NAME)
