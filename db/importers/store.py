"""The imported releases: CODEDESK_DATA_DIR/imports.sqlite3, built aside and swapped in.

The file holds the same tables, with the same columns, as the bundled reference
database (releases, sources, ptp, mue, pfs, aoc, opps, hcpcs_level2), so that
db.reference reads an imported release exactly as a bundled one; beside them an
`imports` log (what files each release came from, their hashes, what changed) and the
ICD-10-CM codes of imported code-set releases.

All or nothing: an import copies the current file to a temporary file in the same
folder, loads the new releases into the copy in one transaction, creates the indexes
after the load, and only then renames the copy over the original (os.replace is atomic).
A cancelled, failed or killed import leaves the original byte for byte as it was; the
orphaned temporary file is removed by the next import. One import at a time: a lock
file in the data folder.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import logging
import os
import pathlib
import shutil
import sqlite3
import tempfile

from db import paths
from db.importers.errors import ImportBusyError

log = logging.getLogger("codedesk.db.importers")

SCHEMA_VERSION = 1
TEMP_PREFIX = ".imports-building-"
LOCK_NAME = "imports.lock"

# Same names and columns as db/schema.sql (tests/test_import_store.py compares them).
TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, publisher TEXT, tier TEXT NOT NULL,
    release TEXT, date TEXT, document TEXT, url TEXT, note TEXT
);
CREATE TABLE IF NOT EXISTS releases (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, label TEXT NOT NULL,
    effective_from TEXT NOT NULL, effective_to TEXT,
    source_id TEXT NOT NULL REFERENCES sources(id)
);
CREATE TABLE IF NOT EXISTS pfs (
    release_id TEXT NOT NULL REFERENCES releases(id), code TEXT NOT NULL,
    status TEXT, work_rvu REAL, nonfac_pe_rvu REAL, fac_pe_rvu REAL, mp_rvu REAL,
    nonfac_total REAL, fac_total REAL, nonfac_na TEXT, fac_na TEXT, pctc TEXT,
    global_days TEXT, mult_proc TEXT, bilateral TEXT, assistant TEXT, co_surgeon TEXT,
    team TEXT, conv_factor REAL,
    PRIMARY KEY (code, release_id)
);
CREATE TABLE IF NOT EXISTS mue (
    release_id TEXT NOT NULL REFERENCES releases(id), setting TEXT NOT NULL,
    code TEXT NOT NULL, value INTEGER NOT NULL, mai INTEGER NOT NULL, rationale TEXT,
    PRIMARY KEY (code, release_id)
);
CREATE TABLE IF NOT EXISTS ptp (
    id INTEGER PRIMARY KEY,
    release_id TEXT NOT NULL REFERENCES releases(id), setting TEXT NOT NULL,
    column1 TEXT NOT NULL, column2 TEXT NOT NULL, effective_date TEXT,
    deletion_date TEXT, modifier_indicator INTEGER NOT NULL, rationale TEXT
);
CREATE TABLE IF NOT EXISTS aoc (
    release_id TEXT NOT NULL REFERENCES releases(id),
    primary_code TEXT NOT NULL, addon_code TEXT NOT NULL, edit_type INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS opps (
    release_id TEXT NOT NULL REFERENCES releases(id), code TEXT NOT NULL,
    status_indicator TEXT, payment_rate REAL,
    PRIMARY KEY (code, release_id)
);
CREATE TABLE IF NOT EXISTS hcpcs_level2 (
    release_id TEXT NOT NULL REFERENCES releases(id), code TEXT NOT NULL,
    long_description TEXT, short_description TEXT, date_added TEXT,
    PRIMARY KEY (code, release_id)
);
-- Imported only: ICD-10-CM code-set releases (order file or tabular XML). `norm` is the
-- code without its dot, as db.build.norm_code gives it; billable 1, header 0.
CREATE TABLE IF NOT EXISTS icd10cm (
    release_id TEXT NOT NULL REFERENCES releases(id), code TEXT NOT NULL, norm TEXT NOT NULL,
    billable INTEGER NOT NULL, short_title TEXT, title TEXT NOT NULL,
    PRIMARY KEY (norm, release_id)
);
-- One row per imported release: the files it came from and what changed.
CREATE TABLE IF NOT EXISTS imports (
    release_id TEXT PRIMARY KEY REFERENCES releases(id), dataset TEXT NOT NULL,
    version TEXT NOT NULL, digest TEXT NOT NULL, files TEXT NOT NULL, rows INTEGER NOT NULL,
    imported_at TEXT NOT NULL, changes TEXT NOT NULL
);
"""

# Created after a bulk load when the table was empty before it (PLATFORM.md: loading
# first and indexing after is the fast order).
INDEXES = {
    "releases": {"releases_dataset": "releases(dataset, effective_from)"},
    "ptp": {"ptp_col1": "ptp(release_id, column1)", "ptp_col2": "ptp(release_id, column2)"},
    "aoc": {"aoc_addon": "aoc(release_id, addon_code)",
            "aoc_primary": "aoc(release_id, primary_code)"},
    "icd10cm": {"icd10cm_code": "icd10cm(release_id, code)"},
}
BULK_TABLES = ("ptp", "icd10cm")
RELEASE_TABLES = ("ptp", "mue", "pfs", "aoc", "opps", "hcpcs_level2", "icd10cm")


def now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


class _Lock:
    """An exclusive lock on a file in the data folder, released when the process dies."""

    def __init__(self, path: pathlib.Path):
        self.path = path
        self.fh = None

    def acquire(self) -> None:
        self.fh = open(self.path, "a+b")  # noqa: SIM115 - held until release()
        try:
            if os.name == "nt":
                import msvcrt
                self.fh.seek(0)
                msvcrt.locking(self.fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl
                fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            self.fh = None
            raise ImportBusyError("Another import into this data folder is running; wait for "
                                  "it to finish, then try again.") from None

    def release(self) -> None:
        if self.fh is None:
            return
        try:
            if os.name == "nt":
                import msvcrt
                self.fh.seek(0)
                msvcrt.locking(self.fh.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                import fcntl
                fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
        finally:
            self.fh.close()
            self.fh = None


class ImportStore:
    """The imported-releases database of one data folder."""

    def __init__(self, path: pathlib.Path | None = None):
        self.path = pathlib.Path(path) if path else paths.imports_db_path()
        self.folder = self.path.parent

    # -- reading the current file (never written here) -------------------------------

    def _read(self):
        if not self.path.exists():
            return None
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        con.row_factory = sqlite3.Row
        return con

    def releases(self) -> list[dict]:
        con = self._read()
        if con is None:
            return []
        try:
            return [dict(r) for r in con.execute(
                "SELECT r.*, i.rows, i.imported_at, i.files FROM releases r"
                " LEFT JOIN imports i ON i.release_id = r.id ORDER BY r.dataset,"
                " r.effective_from")]
        finally:
            con.close()

    def changes(self, release_id: str) -> list | None:
        """What changed with an imported release, as recorded when it was imported."""
        con = self._read()
        if con is None:
            return None
        try:
            row = con.execute("SELECT changes FROM imports WHERE release_id = ?",
                              (release_id,)).fetchone()
        finally:
            con.close()
        return json.loads(row[0]) if row else None

    # -- building aside ----------------------------------------------------------------

    def lock(self) -> _Lock:
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = _Lock(self.folder / LOCK_NAME)
        lock.acquire()
        return lock

    def remove_orphans(self) -> None:
        """Temporary files left by an import that was killed (call with the lock held)."""
        for p in self.folder.glob(TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                p.unlink()
                log.info("removed %s, left by an interrupted import", p.name)

    def begin(self, reference_path: pathlib.Path | None = None) -> "SideDatabase":
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".sqlite3", dir=self.folder)
        os.close(fd)
        tmp = pathlib.Path(name)
        try:
            if self.path.exists():
                shutil.copyfile(self.path, tmp)
            else:
                tmp.unlink()
            return SideDatabase(self, tmp, reference_path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


class SideDatabase:
    """A copy of the imports database being built; swapped in by commit()."""

    def __init__(self, store: ImportStore, tmp: pathlib.Path,
                 reference_path: pathlib.Path | None = None):
        self.store = store
        self.tmp = tmp
        self.closed = True
        self.con = sqlite3.connect(tmp, isolation_level=None, check_same_thread=False)
        self.con.row_factory = sqlite3.Row
        # A temporary copy: if the process dies it is thrown away, so no journal is needed.
        self.con.execute("PRAGMA journal_mode=OFF")
        self.con.execute("PRAGMA synchronous=OFF")
        self.con.execute("PRAGMA cache_size=-65536")
        self.con.execute("PRAGMA temp_store=FILE")
        self.con.executescript(TABLES)
        for table, indexes in INDEXES.items():
            if table in BULK_TABLES and not self._count(table):
                for name in indexes:        # built after the load: faster
                    self.con.execute(f"DROP INDEX IF EXISTS {name}")
            else:
                self._create_indexes(indexes)
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                         (str(SCHEMA_VERSION),))
        self.has_ref = False
        if reference_path is not None:
            # The bundled releases, for "what changed" against the previous release.
            try:
                self.con.execute("ATTACH DATABASE ? AS ref",
                                 (f"file:{reference_path}?mode=ro&immutable=1",))
                self.con.execute("SELECT count(*) FROM ref.releases").fetchone()
                self.has_ref = True
            except sqlite3.DatabaseError as exc:
                log.warning("bundled releases not readable for comparison: %s", exc)
        self.con.execute("BEGIN")
        self.closed = False

    def _create_indexes(self, indexes: dict[str, str]) -> None:
        for name, target in indexes.items():
            self.con.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    def _count(self, table: str) -> int:
        return self.con.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]

    def imported(self, release_id: str) -> dict | None:
        r = self.con.execute("SELECT * FROM imports WHERE release_id = ?",
                             (release_id,)).fetchone()
        return dict(r) if r else None

    def releases(self) -> list[dict]:
        return [dict(r) for r in self.con.execute("SELECT * FROM releases")]

    def delete_release(self, release_id: str) -> None:
        for table in RELEASE_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE release_id = ?", (release_id,))
        self.con.execute("DELETE FROM imports WHERE release_id = ?", (release_id,))
        self.con.execute("DELETE FROM releases WHERE id = ?", (release_id,))
        self.con.execute("DELETE FROM sources WHERE id = ?", (f"import:{release_id}",))

    def add_release(self, rec, files: list[dict]) -> None:
        source_id = f"import:{rec.release_id}"
        names = ", ".join(f["name"] for f in files)
        self.con.execute(
            "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?)",
            (source_id, f"{rec.label} (imported from the official CMS file)",
             "CDC / CMS" if rec.kind == "icd10cm" else "CMS", "CMS", rec.label,
             rec.effective_from, names, None,
             f"Imported {now()} from {names}; SHA-256 "
             + ", ".join(f["sha256"][:16] for f in files)))
        self.con.execute("INSERT INTO releases VALUES (?,?,?,?,?,?)",
                         (rec.release_id, rec.dataset, rec.label, rec.effective_from,
                          rec.effective_to, source_id))

    def load(self, table: str, columns: tuple[str, ...], rows) -> int:
        """Stream rows into a table (executemany over the generator: constant memory)."""
        marks = ",".join("?" * len(columns))
        cur = self.con.executemany(
            f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)
        return cur.rowcount

    def record(self, rec, digest: str, files: list[dict], count: int, changes) -> None:
        self.con.execute("INSERT INTO imports VALUES (?,?,?,?,?,?,?,?)",
                         (rec.release_id, rec.dataset, rec.version_key, digest,
                          json.dumps(files), count, now(), json.dumps(changes)))

    def create_indexes(self) -> None:
        """The indexes dropped for the bulk load (before comparing: it uses them)."""
        for indexes in INDEXES.values():
            self._create_indexes(indexes)

    def finish(self) -> None:
        """Indexes, commit, and a clean file ready to be swapped in."""
        self.create_indexes()
        self.con.execute("COMMIT")
        if self.has_ref:
            self.con.execute("DETACH DATABASE ref")
        self.con.execute("PRAGMA journal_mode=DELETE")
        self.con.close()
        self.closed = True

    def commit(self) -> None:
        """Swap the finished copy in place of the imports database, atomically."""
        if not self.closed:
            self.finish()
        with open(self.tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        try:
            os.replace(self.tmp, self.store.path)
        except PermissionError:
            # Windows keeps a file open by another process locked against replacement.
            raise ImportBusyError(
                "The imported data is open in another CodeDesk window or program, which "
                "keeps it locked; close it and import again. Nothing was changed.") from None
        if os.name != "nt":
            fd = os.open(self.store.folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def discard(self) -> None:
        if not self.closed:
            with contextlib.suppress(sqlite3.Error):
                self.con.close()
            self.closed = True
        self.tmp.unlink(missing_ok=True)
