"""Verify the reference database that ships with the app before it is used.

The build writes `reference.sqlite3.sha256` beside the database. At start the file is
checked against it: a missing, truncated or altered database gives a clear message
instead of wrong answers or a traceback. Hashing 30 MB costs ~30 ms, so a successful
check is remembered per (path, size, modification time) in the user's data folder and
repeated only when the file changes.
"""

from __future__ import annotations

import json
import logging
import pathlib

from db import paths
from db.build import file_sha256
from db.errors import ReferenceDatabaseError

log = logging.getLogger("codedesk.db.bundle")
STAMP_FILE = "verified-reference.json"


def _stamp(path: pathlib.Path) -> str:
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def verify_reference(path: pathlib.Path) -> None:
    """Raise ReferenceDatabaseError unless `path` matches its recorded SHA-256."""
    sidecar = path.with_name(path.name + ".sha256")
    if not path.exists():
        raise ReferenceDatabaseError(
            f"The reference database is missing ({path}). Reinstall CodeDesk.")
    if not sidecar.exists():
        raise ReferenceDatabaseError(
            f"The reference database's checksum file is missing ({sidecar}). "
            "Reinstall CodeDesk.")
    expected = sidecar.read_text(encoding="ascii").strip()
    stamp_path = paths.data_dir() / STAMP_FILE
    stamp = _stamp(path)
    try:
        if json.loads(stamp_path.read_text(encoding="utf-8")).get(stamp) == expected:
            return
    except (OSError, ValueError):
        pass
    actual = file_sha256(path)
    if actual != expected:
        raise ReferenceDatabaseError(
            f"The reference database at {path} is damaged: its checksum is {actual[:12]}…, "
            f"expected {expected[:12]}…. Reinstall CodeDesk.")
    try:
        stamp_path.write_text(json.dumps({stamp: expected}), encoding="utf-8")
    except OSError as exc:  # a read-only data folder only costs a re-check next time
        log.info("could not record the verified database: %s", exc)
