"""The user's own data: notes, bookmarks, recent codes, payer profiles, saved wizard
decisions and training scenarios. One SQLite file in the data folder
(db.paths.user_db_path), never the bundled reference database.

Schema changes are numbered migrations applied in order and recorded in
PRAGMA user_version. A file that is not a readable CodeDesk database is set aside
(renamed, never deleted) and a fresh one is started; `recovered_from` then says where
the old file went, so the window can tell the user.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import pathlib
import sqlite3

from db import paths
from db.errors import UserDataError

log = logging.getLogger("codedesk.db.userdata")

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE notes (code TEXT PRIMARY KEY, text TEXT NOT NULL, updated TEXT NOT NULL);
    CREATE TABLE bookmarks (code TEXT PRIMARY KEY, added TEXT NOT NULL);
    CREATE TABLE history (id INTEGER PRIMARY KEY, code TEXT NOT NULL, visited TEXT NOT NULL);
    CREATE INDEX history_visited ON history(visited);
    CREATE TABLE payer_profiles (id TEXT PRIMARY KEY, profile TEXT NOT NULL,
                                 updated TEXT NOT NULL);
    CREATE TABLE decisions (id INTEGER PRIMARY KEY, created TEXT NOT NULL,
                            title TEXT NOT NULL, encounter TEXT NOT NULL,
                            decision TEXT NOT NULL);
    CREATE TABLE scenarios (id TEXT PRIMARY KEY, scenario TEXT NOT NULL,
                            updated TEXT NOT NULL);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
)
HISTORY_KEEP = 200


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


class UserData:
    """Read and write the user's data. Every write is one transaction."""

    def __init__(self, path: pathlib.Path | None = None):
        self.path = path or paths.user_db_path()
        self.recovered_from: pathlib.Path | None = None
        try:
            self.con = self._open()
        except sqlite3.DatabaseError as exc:
            self.recovered_from = self._set_aside(exc)
            self.con = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, check_same_thread=False)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise sqlite3.DatabaseError(
                    f"written by a newer CodeDesk (schema {version}, this one knows "
                    f"{len(MIGRATIONS)})")
            for number in range(version, len(MIGRATIONS)):
                with con:
                    con.executescript("BEGIN;" + MIGRATIONS[number]
                                      + f";PRAGMA user_version = {number + 1};")
        except sqlite3.DatabaseError:
            con.close()
            raise
        return con

    def _set_aside(self, exc: Exception) -> pathlib.Path:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.stem}.damaged-{stamp}{self.path.suffix}")
        log.warning("user database %s unreadable (%s); moved to %s", self.path, exc, aside)
        try:
            self.path.rename(aside)
            for suffix in ("-wal", "-shm"):
                extra = self.path.with_name(self.path.name + suffix)
                if extra.exists():
                    extra.rename(aside.with_name(aside.name + suffix))
        except OSError as err:
            raise UserDataError(f"Your CodeDesk data at {self.path} is damaged and could not "
                                f"be moved aside: {err}") from err
        return aside

    def close(self) -> None:
        self.con.close()

    # -- notes and bookmarks ----------------------------------------------------------

    def note(self, code: str) -> str:
        row = self.con.execute("SELECT text FROM notes WHERE code = ?", (code,)).fetchone()
        return row[0] if row else ""

    def set_note(self, code: str, text: str) -> None:
        with self.con:
            if text.strip():
                self.con.execute("INSERT INTO notes VALUES (?,?,?) ON CONFLICT(code) DO UPDATE"
                                 " SET text = excluded.text, updated = excluded.updated",
                                 (code, text, _now()))
            else:
                self.con.execute("DELETE FROM notes WHERE code = ?", (code,))

    def bookmarks(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT code FROM bookmarks ORDER BY added, code")]

    def is_bookmarked(self, code: str) -> bool:
        return self.con.execute("SELECT 1 FROM bookmarks WHERE code = ?",
                                (code,)).fetchone() is not None

    def set_bookmark(self, code: str, on: bool) -> None:
        with self.con:
            if on:
                self.con.execute("INSERT OR IGNORE INTO bookmarks VALUES (?,?)", (code, _now()))
            else:
                self.con.execute("DELETE FROM bookmarks WHERE code = ?", (code,))

    # -- recent codes -----------------------------------------------------------------

    def add_recent(self, code: str) -> None:
        with self.con:
            self.con.execute("INSERT INTO history (code, visited) VALUES (?,?)", (code, _now()))
            self.con.execute("DELETE FROM history WHERE id NOT IN (SELECT id FROM history"
                             " ORDER BY id DESC LIMIT ?)", (HISTORY_KEEP,))

    def recent(self, limit: int = 20) -> list[str]:
        out: list[str] = []
        for (code,) in self.con.execute("SELECT code FROM history ORDER BY id DESC"):
            if code not in out:
                out.append(code)
            if len(out) >= limit:
                break
        return out

    # -- settings -----------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.con:
            self.con.execute("INSERT INTO settings VALUES (?,?) ON CONFLICT(key) DO UPDATE"
                             " SET value = excluded.value", (key, value))

    # -- JSON documents: payer profiles, decisions, scenarios -----------------------------

    def _put(self, table: str, column: str, key: str, doc: dict) -> None:
        with self.con:
            self.con.execute(f"INSERT INTO {table} (id, {column}, updated) VALUES (?,?,?)"
                             f" ON CONFLICT(id) DO UPDATE SET {column} = excluded.{column},"
                             " updated = excluded.updated",
                             (key, json.dumps(doc, sort_keys=True), _now()))

    def _all(self, table: str, column: str) -> dict[str, dict]:
        return {k: json.loads(v) for k, v in
                self.con.execute(f"SELECT id, {column} FROM {table} ORDER BY id")}

    def payer_profiles(self) -> dict[str, dict]:
        return self._all("payer_profiles", "profile")

    def save_payer_profile(self, payer_id: str, profile: dict) -> None:
        self._put("payer_profiles", "profile", payer_id, profile)

    def delete_payer_profile(self, payer_id: str) -> None:
        with self.con:
            self.con.execute("DELETE FROM payer_profiles WHERE id = ?", (payer_id,))

    def scenarios(self) -> dict[str, dict]:
        return self._all("scenarios", "scenario")

    def save_scenario(self, scenario_id: str, scenario: dict) -> None:
        self._put("scenarios", "scenario", scenario_id, scenario)

    def delete_scenario(self, scenario_id: str) -> None:
        with self.con:
            self.con.execute("DELETE FROM scenarios WHERE id = ?", (scenario_id,))

    def save_decision(self, title: str, encounter: dict, decision: dict) -> int:
        with self.con:
            cur = self.con.execute(
                "INSERT INTO decisions (created, title, encounter, decision) VALUES (?,?,?,?)",
                (_now(), title, json.dumps(encounter, sort_keys=True),
                 json.dumps(decision, sort_keys=True)))
        return cur.lastrowid

    _DECISION = "SELECT id, created, title, encounter, decision FROM decisions"

    @staticmethod
    def _decision(row) -> dict:
        i, c, t, e, d = row
        return {"id": i, "created": c, "title": t, "encounter": json.loads(e),
                "decision": json.loads(d)}

    def decisions(self, limit: int = 100) -> list[dict]:
        return [self._decision(r) for r in self.con.execute(
            f"{self._DECISION} ORDER BY id DESC LIMIT ?", (limit,))]

    def decision(self, decision_id: int) -> dict | None:
        row = self.con.execute(f"{self._DECISION} WHERE id = ?", (decision_id,)).fetchone()
        return self._decision(row) if row else None
