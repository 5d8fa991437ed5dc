"""One import: recognise the files, group them into releases, check them, build the
new releases aside, say what changed, and swap them in.

    prepared = prepare(paths, progress=..., cancel=...)   # slow: run it off the UI thread
    result = prepared.commit()                              # fast: the atomic swap

or `import_files(paths)` for both. Either every release of the call is imported or
none is: a bad file anywhere stops the whole import before anything is swapped in.
"""

from __future__ import annotations

import hashlib
import logging
import pathlib
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

import resources
from db.importers import aoc, changes, hcpcs, icd10cm, mue, opps, pfs, ptp, reading
from db.importers.detect import Recognized, recognize
from db.errors import CodeDeskError
from db.importers.errors import BadFileError, ImportStorageError
from db.importers.store import ImportStore, SideDatabase

log = logging.getLogger("codedesk.db.importers")

READERS = {"ptp": ptp, "mue": mue, "pfs": pfs, "aoc": aoc, "opps": opps, "hcpcs": hcpcs,
           "icd10cm": icd10cm}
PTP_PARTS = 4
# Where each phase sits on the progress bar.
SCAN, LOAD, FINISH = (0.0, 0.12), (0.12, 0.93), (0.93, 1.0)


@dataclass
class ReleaseOutcome:
    """What the import did with one release."""

    release_id: str
    dataset: str
    label: str
    effective_from: str
    effective_to: str | None
    files: list[str]
    status: str = "imported"     # imported | replaced | unchanged | skipped
    rows: int = 0
    note: str = ""
    replaced: list[str] = field(default_factory=list)
    changes: changes.ReleaseChanges | None = None
    file_info: list[dict] = field(default_factory=list, repr=False)

    def to_json(self) -> dict:
        return {"release": self.release_id, "dataset": self.dataset, "label": self.label,
                "effective_from": self.effective_from, "effective_to": self.effective_to,
                "files": self.files, "status": self.status, "rows": self.rows,
                "note": self.note, "replaced": self.replaced,
                "changes": self.changes.to_json() if self.changes else None}


@dataclass
class ImportResult:
    recognized: list[Recognized]
    releases: list[ReleaseOutcome]
    written: bool                 # whether imports.sqlite3 was replaced

    def to_json(self) -> dict:
        return {"files": [r.to_json() for r in self.recognized],
                "releases": [o.to_json() for o in self.releases],
                "written": self.written}

    @property
    def changes(self) -> list[changes.ReleaseChanges]:
        return [o.changes for o in self.releases if o.changes is not None]

    def summary_text(self) -> str:
        out = ["Recognized:"]
        out += [f"  {r.name}: {r.description}" for r in self.recognized]
        out.append("")
        out.append("Releases:")
        for o in self.releases:
            line = (f"  [{o.release_id}] {o.label}, in force from {o.effective_from}: "
                    f"{o.status}")
            if o.status in ("imported", "replaced"):
                line += f", {o.rows:,} rows"
            if o.replaced:
                line += f" (replaces {', '.join(o.replaced)})"
            out.append(line)
            if o.note:
                out.append(f"    {o.note}")
        out.append("")
        out.append("What changed:")
        body = changes.text(self.changes) if self.changes else "  nothing new was imported\n"
        out.append(body.rstrip())
        return "\n".join(out) + "\n"


def recognize_all(paths) -> list[Recognized]:
    """Recognise every file (each once); raises BadFileError for the first bad one."""
    seen, out = set(), []
    for p in paths:
        p = pathlib.Path(p)
        key = p.resolve() if p.exists() else p
        if key in seen:
            continue
        seen.add(key)
        out.append(recognize(p))
    return out


def group_releases(recs: list[Recognized]) -> list[list[Recognized]]:
    """Files grouped by release, checked for completeness (the four PTP parts)."""
    groups: dict[str, list[Recognized]] = defaultdict(list)
    for r in recs:
        groups[r.release_id].append(r)
    out = []
    by_date: dict[tuple[str, str], str] = {}
    for rid, files in groups.items():
        files.sort(key=lambda r: (r.part or 0, r.name))
        first = files[0]
        if first.kind == "ptp":
            _check_parts(files)
        elif len(files) > 1:
            raise BadFileError(files[1].path, f"the same release as {first.name} "
                               f"({first.label}); choose one of the two files")
        key = (first.dataset, first.effective_from)
        if key in by_date:
            raise BadFileError(first.path, f"two releases of the same data for the same date "
                               f"were chosen ({by_date[key]} and {rid}); choose one")
        by_date[key] = rid
        out.append(files)
    out.sort(key=lambda fs: (fs[0].dataset, fs[0].effective_from))
    return out


def _check_parts(files: list[Recognized]) -> None:
    parts = [f.part for f in files]
    first = files[0]
    if parts == [None]:
        return
    if None in parts:
        raise BadFileError(first.path, f"{first.group}: a whole-release file and split parts "
                           "were chosen together; choose one or the other")
    dup = {p for p in parts if parts.count(p) > 1}
    if dup:
        p = min(dup)
        names = " and ".join(f.name for f in files if f.part == p)
        raise BadFileError(first.path, f"part f{p} of {first.group} was chosen twice ({names}); "
                           "choose one of them")
    missing = [p for p in range(1, max(PTP_PARTS, max(parts)) + 1) if p not in parts]
    if missing:
        raise BadFileError(first.path, f"{first.group} comes in {PTP_PARTS} parts, and part"
                           f"{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(f'f{p}' for p in missing)} "
                           f"{'are' if len(missing) > 1 else 'is'} missing: choose all the "
                           "parts of the release together")


class PreparedImport:
    """New releases built aside, not yet swapped in. commit() or discard() exactly once."""

    def __init__(self, result: ImportResult, side: SideDatabase | None, lock):
        self.result = result
        self._side = side
        self._lock = lock

    def commit(self) -> ImportResult:
        try:
            if self._side is not None:
                self._side.commit()
                self.result.written = True
                log.info("imported %s", ", ".join(o.release_id for o in self.result.releases
                                                   if o.status in ("imported", "replaced")))
        except BaseException:
            self.discard()
            raise
        finally:
            self._release()
        return self.result

    def discard(self) -> None:
        try:
            if self._side is not None:
                self._side.discard()
                self._side = None
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.discard()


def _digest(scans: list[reading.Scan]) -> str:
    h = hashlib.sha256()
    for s in sorted(x.sha256 for x in scans):
        h.update(s.encode())
    return h.hexdigest()


def prepare(paths, progress=None, cancel=None, store: ImportStore | None = None,
            reference_path: pathlib.Path | None = None) -> PreparedImport:
    """Recognise, check and build the releases in `paths` aside (see the module doc)."""
    paths = [pathlib.Path(p) for p in paths]
    if not paths:
        raise BadFileError(pathlib.Path("(no file)"), "no file was chosen")
    monitor = reading.Monitor(0, progress, cancel)
    monitor.say("Recognizing the files", 0.0)
    recs = recognize_all(paths)
    groups = group_releases(recs)
    store = store or ImportStore()
    lock = store.lock()
    side = None
    try:
        store.remove_orphans()
        sizes = {r.path: r.path.stat().st_size for r in recs}
        monitor.phase(*SCAN, total_bytes=sum(sizes.values()))
        scans: dict[pathlib.Path, reading.Scan] = {}
        for r in recs:
            monitor.start_file(f"Checking {r.name}")
            scans[r.path] = reading.scan(r.path, monitor, workbook=r.fmt == "xlsx")
            monitor.end_file(sizes[r.path])

        outcomes, todo = [], []
        current = {d["id"]: d for d in store.releases()}
        for files in groups:
            first = files[0]
            digest = _digest([scans[f.path] for f in files])
            o = ReleaseOutcome(first.release_id, first.dataset, first.label,
                               first.effective_from, first.effective_to,
                               [f.name for f in files])
            outcomes.append(o)
            existing = current.get(first.release_id)
            if existing and _stored_digest(store, first.release_id) == digest:
                o.status, o.rows = "unchanged", existing.get("rows") or 0
                o.note = "already imported from the same files: nothing to do"
                stored = store.changes(first.release_id)
                if isinstance(stored, dict):
                    o.changes = changes.ReleaseChanges.from_json(stored)
                continue
            todo.append((files, digest, o))
        if not todo:
            monitor.say("Nothing new to import", 1.0)
            return PreparedImport(ImportResult(recs, outcomes, False), None, lock)

        ref = reference_path or resources.reference_db_path()
        side = store.begin(ref if ref.exists() else None)
        monitor.phase(*LOAD, total_bytes=sum(sizes[f.path] for files, _, _ in todo
                                             for f in files))
        built = [(files, digest, o, count) for files, digest, o in todo
                 if (count := _build_release(side, files, digest, o, scans, sizes, monitor))
                 is not None]
        if not built:
            side.discard()          # only older revisions: nothing to write
            side = None
            monitor.say("Nothing new to import", 1.0)
            return PreparedImport(ImportResult(recs, outcomes, False), None, lock)
        monitor.phase(*FINISH)
        monitor.say("Indexing", FINISH[0])
        side.create_indexes()
        for files, digest, o, count in built:
            monitor.say(f"Comparing {files[0].label} with the previous release")
            o.changes = changes.compare(side.con, files[0], side.has_ref)
            side.record(files[0], digest, o.file_info, count, o.changes.to_json())
        monitor.say("Saving")
        side.finish()
        monitor.say("Ready", 1.0)
        return PreparedImport(ImportResult(recs, outcomes, False), side, lock)
    except BaseException as exc:
        if side is not None:
            side.discard()
        lock.release()
        if isinstance(exc, (sqlite3.Error, OSError)) and not isinstance(exc, CodeDeskError):
            log.exception("import could not be written")
            raise ImportStorageError(
                f"The imported data could not be written in {store.folder} ({exc}): is the "
                "disk full or the folder read-only? Nothing was changed.") from exc
        raise


def _stored_digest(store: ImportStore, release_id: str) -> str | None:
    con = store._read()
    if con is None:
        return None
    try:
        row = con.execute("SELECT digest FROM imports WHERE release_id = ?",
                          (release_id,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return row[0] if row else None


def _build_release(side: SideDatabase, files, digest, o: ReleaseOutcome, scans, sizes,
                   monitor) -> int | None:
    """Load one release into the side database; its row count, or None if skipped."""
    first = files[0]
    # Another imported release of the same data for the same date: the later revision
    # (or release date) stays; re-importing the same release replaces it.
    for r in side.releases():
        if r["id"] == first.release_id:
            o.status = "replaced"
            o.note = "imported before from other files: replaced"
            side.delete_release(r["id"])
        elif r["dataset"] == first.dataset and r["effective_from"] == first.effective_from:
            theirs = side.imported(r["id"]) or {}
            if (theirs.get("version") or "") > first.version_key:
                o.status = "skipped"
                o.note = (f"not imported: {r['label']} [{r['id']}], a later revision of the "
                          "same data for the same date, is already imported")
                return None
            o.status = "replaced"
            o.replaced.append(r["id"])
            o.note = f"replaces {r['label']} (the same data for the same date)"
            side.delete_release(r["id"])
    file_info = [{"name": f.name, "size": sizes[f.path], "sha256": scans[f.path].sha256,
                  "encoding": scans[f.path].encoding, "format": f.fmt} for f in files]
    side.add_release(first, file_info)
    reader = READERS[first.kind]
    count = 0
    for f in files:
        monitor.start_file(f"Reading {f.name}")
        count += side.load(reader.TABLE, reader.COLUMNS,
                           reader.rows(f, scans[f.path].encoding, monitor))
        monitor.end_file(sizes[f.path])
    if hasattr(reader, "finish"):
        reader.finish(side, first)
    o.rows = count
    o.file_info = file_info
    return count


def import_files(paths, progress=None, cancel=None, store: ImportStore | None = None,
                 reference_path: pathlib.Path | None = None) -> ImportResult:
    """Recognise, check, build and swap in: the whole import in one call."""
    return prepare(paths, progress, cancel, store, reference_path).commit()
