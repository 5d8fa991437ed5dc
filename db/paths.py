"""Where the user's own data lives: the platform's application-data folder, or the
folder named by CODEDESK_DATA_DIR (tests and portable installs use it)."""

from __future__ import annotations

import os
import pathlib
import sys

ENV_VAR = "CODEDESK_DATA_DIR"
APP_NAME = "CodeDesk"


def data_dir(create: bool = True) -> pathlib.Path:
    override = os.environ.get(ENV_VAR)
    if override:
        base = pathlib.Path(override).expanduser()
    elif sys.platform == "win32":
        base = pathlib.Path(os.environ.get("APPDATA") or pathlib.Path.home()) / APP_NAME
    elif sys.platform == "darwin":
        base = pathlib.Path.home() / "Library" / "Application Support" / APP_NAME
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or pathlib.Path.home() / ".local" / "share"
        base = pathlib.Path(xdg) / "codedesk"
    if create:
        base.mkdir(parents=True, exist_ok=True)
    return base


def user_db_path() -> pathlib.Path:
    return data_dir() / "user.sqlite3"


def imports_db_path() -> pathlib.Path:
    """Imported CMS releases, kept apart from notes and history (issue: data updates)."""
    return data_dir() / "imports.sqlite3"


def log_dir() -> pathlib.Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
