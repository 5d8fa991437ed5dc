"""The read layer over the bundled reference database (and imported CMS releases).

Opened read-only and immutable: the bundled file is never written. Releases imported
by the user (db/imports.py) live in their own database, attached here read-only; for
every dataset the release in force on the date asked about is used, imported or
bundled, and every figure carries the id of the release it came from.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import logging
import pathlib
import re
import sqlite3

import resources
from db import paths
from db.build import norm_code
from db.errors import ReferenceDatabaseError
from db.models import (BILATERAL_WORDS, INDICATOR_WORDS, MAI_WORDS, CodePage, Correction, Hit,
                       Modifier, Mue, Opps, PayerNote, PayerProfile, Pfs, PtpEdit, Related,
                       Release, Source)

log = logging.getLogger("codedesk.db")

SETTINGS = ("practitioner", "outpatient_hospital")
MUE_TABLES = ("practitioner", "outpatient_hospital", "dme")
# A query that is one token with a digit in it is a code (64643, 6464, J058, G24.3).
_CODE_QUERY = re.compile(r"^[A-Za-z]?[0-9][0-9A-Za-z.]*$|^[A-Za-z][0-9][0-9A-Za-z.]*$")
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 200
MAX_TOKENS = 8
ICD_CANDIDATES = 300


def today() -> str:
    return _dt.date.today().isoformat()


def _fts_query(tokens: list[str]) -> str:
    # Each token is a quoted FTS5 string with a prefix star: user text never becomes
    # FTS syntax (NEAR, AND, -, *, parentheses are just letters or dropped).
    return " ".join('"' + t.replace('"', '""') + '"*' for t in tokens)


class Reference:
    """Read access to codes, CMS facts, content and the releases they come from."""

    def __init__(self, path: pathlib.Path | None = None,
                 imports_path: pathlib.Path | None = None):
        self.path = path or resources.reference_db_path()
        if not self.path.exists():
            raise ReferenceDatabaseError(
                f"The reference database is missing: {self.path}. Reinstall CodeDesk, or "
                "run 'python -m db.build' in a source checkout.")
        try:
            self.con = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                       check_same_thread=False)
            self.con.row_factory = sqlite3.Row
            self.meta = dict(self.con.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise ReferenceDatabaseError(
                f"The reference database at {self.path} cannot be read ({exc}). "
                "Reinstall CodeDesk.") from exc
        self.imports_path = imports_path if imports_path is not None else (
            paths.imports_db_path() if _data_dir_exists() else None)
        self._attach_imports()
        self._load_releases()

    # -- set-up ---------------------------------------------------------------------

    def _attach_imports(self) -> None:
        self.has_imports = False
        if self.imports_path and self.imports_path.exists():
            try:
                self.con.execute("ATTACH DATABASE ? AS imp",
                                 (f"file:{self.imports_path}?mode=ro",))
                self.con.execute("SELECT count(*) FROM imp.releases").fetchone()
                self.has_imports = True
            except sqlite3.DatabaseError as exc:
                log.warning("imported releases at %s not readable: %s", self.imports_path, exc)
                try:
                    self.con.execute("DETACH DATABASE imp")
                except sqlite3.DatabaseError:
                    pass

    def _load_releases(self) -> None:
        self._releases: dict[str, Release] = {}
        self._schema: dict[str, str] = {}
        for schema in ("main", "imp") if self.has_imports else ("main",):
            for r in self.con.execute(f"SELECT * FROM {schema}.releases"):
                self._releases[r["id"]] = Release(r["id"], r["dataset"], r["label"],
                                                  r["effective_from"], r["effective_to"],
                                                  r["source_id"], imported=schema == "imp")
                self._schema[r["id"]] = schema

    def detach_imports(self) -> None:
        """Let go of the imports file so that an import can replace it (Windows cannot
        replace a file that is open); reload() attaches it again."""
        if self.has_imports:
            self.con.execute("DETACH DATABASE imp")
            self.has_imports = False
            self._load_releases()

    def reload(self) -> None:
        """Pick up releases imported since this reader was opened."""
        if self.has_imports:
            self.con.execute("DETACH DATABASE imp")
        if self.imports_path is None and _data_dir_exists():
            self.imports_path = paths.imports_db_path()   # the first import since opening
        self._attach_imports()
        self._load_releases()

    def close(self) -> None:
        self.con.close()

    # -- releases -------------------------------------------------------------------

    def releases(self, dataset: str | None = None) -> list[Release]:
        rows = [r for r in self._releases.values() if dataset is None or r.dataset == dataset]
        return sorted(rows, key=lambda r: (r.dataset, r.effective_from, r.imported))

    def release(self, release_id: str) -> Release | None:
        return self._releases.get(release_id)

    def release_in_force(self, dataset: str, on_date: str | None = None) -> Release | None:
        """The newest release of a dataset that had taken effect on the date."""
        on_date = on_date or today()
        best = None
        for r in self._releases.values():
            if r.dataset == dataset and r.effective_from <= on_date:
                if best is None or (r.effective_from, r.imported) > (best.effective_from,
                                                                     best.imported):
                    best = r
        return best

    def releases_in_use(self, on_date: str | None = None) -> list[Release]:
        datasets = sorted({r.dataset for r in self._releases.values()})
        return [r for d in datasets if (r := self.release_in_force(d, on_date))]

    def _rows(self, table: str, release: Release | None, where: str, params: tuple):
        if release is None:
            return []
        schema = self._schema[release.id]
        return self.con.execute(
            f"SELECT * FROM {schema}.{table} WHERE release_id = ? AND {where}",
            (release.id, *params)).fetchall()

    # -- facts the rules engine asks for --------------------------------------------

    def ptp_edits(self, code: str, setting: str, on_date: str | None = None) -> list[PtpEdit]:
        """Every edit of the release in force naming the code in either column."""
        rel = self.release_in_force(f"ptp_{setting}", on_date)
        rows = (self._rows("ptp", rel, "column1 = ?", (code,))
                + self._rows("ptp", rel, "column2 = ?", (code,)))
        return [self._ptp(r, code, rel) for r in rows]

    def ptp_between(self, codes, setting: str, on_date: str | None = None) -> list[PtpEdit]:
        """Edits of the release in force whose two columns are both among `codes`."""
        codes = sorted(set(codes))
        rel = self.release_in_force(f"ptp_{setting}", on_date)
        if not codes or rel is None:
            return []
        marks = ",".join("?" * len(codes))
        rows = self._rows("ptp", rel, f"column1 IN ({marks}) AND column2 IN ({marks})",
                          (*codes, *codes))
        return sorted((self._ptp(r, r["column1"], rel) for r in rows),
                      key=lambda e: (e.column1, e.column2, e.deletion_date or ""))

    @staticmethod
    def _ptp(r, code: str, rel: Release) -> PtpEdit:
        column = 1 if r["column1"] == code else 2
        return PtpEdit(r["column1"], r["column2"],
                       r["column2"] if column == 1 else r["column1"], column,
                       r["modifier_indicator"], INDICATOR_WORDS.get(r["modifier_indicator"], ""),
                       r["rationale"], r["effective_date"], r["deletion_date"], r["setting"],
                       rel.id)

    def mue(self, code: str, setting: str, on_date: str | None = None) -> Mue | None:
        rel = self.release_in_force(f"mue_{setting}", on_date)
        rows = self._rows("mue", rel, "code = ?", (code,))
        if not rows:
            return None
        r = rows[0]
        return Mue(code, setting, r["value"], r["mai"], MAI_WORDS.get(r["mai"], ""),
                   r["rationale"], rel.id)

    def pfs(self, code: str, on_date: str | None = None) -> Pfs | None:
        """The fee-schedule row of the release in force, or None if it has none."""
        rel = self.release_in_force("pfs", on_date)
        rows = self._rows("pfs", rel, "code = ?", (code,))
        return self._pfs(rows[0], rel) if rows else None

    def pfs_history(self, code: str) -> list[Pfs]:
        out = []
        for rel in self.releases("pfs"):
            out += [self._pfs(r, rel) for r in self._rows("pfs", rel, "code = ?", (code,))]
        return out

    @staticmethod
    def _pfs(r, rel: Release) -> Pfs:
        cf = r["conv_factor"]

        def pay(total):
            return round(total * cf, 2) if total is not None and cf else None

        nonfac_total = None if r["nonfac_na"] else r["nonfac_total"]
        fac_total = None if r["fac_na"] else r["fac_total"]
        return Pfs(rel.id, rel.label, rel.effective_from, rel.effective_to, r["status"],
                   r["work_rvu"], r["nonfac_pe_rvu"], r["fac_pe_rvu"], r["mp_rvu"],
                   r["nonfac_total"], r["fac_total"], r["nonfac_na"], r["fac_na"], r["pctc"],
                   r["global_days"], r["mult_proc"], r["bilateral"], r["assistant"],
                   r["co_surgeon"], r["team"], cf, pay(nonfac_total), pay(fac_total))

    def opps_history(self, code: str) -> list[Opps]:
        out = []
        for rel in self.releases("opps"):
            out += [Opps(rel.id, r["status_indicator"], r["payment_rate"])
                    for r in self._rows("opps", rel, "code = ?", (code,))]
        return out

    def addon_primaries(self, addon: str, on_date: str | None = None) -> list[str]:
        rel = self.release_in_force("aoc", on_date)
        return sorted({r["primary_code"] for r in self._rows("aoc", rel, "addon_code = ?",
                                                             (addon,))})

    def code_row(self, code: str):
        row = self.con.execute("SELECT * FROM codes WHERE code = ?", (code,)).fetchone()
        if row is None:
            row = self.con.execute("SELECT * FROM codes WHERE norm = ? ORDER BY sort_rank"
                                   " LIMIT 1", (norm_code(code),)).fetchone()
        return row

    def payer(self, payer_id: str) -> PayerProfile | None:
        r = self.con.execute("SELECT * FROM payers WHERE id = ?", (payer_id,)).fetchone()
        return self._payer(r) if r else None

    def payers(self) -> list[PayerProfile]:
        return [self._payer(r) for r in self.con.execute("SELECT * FROM payers ORDER BY id")]

    @staticmethod
    def _payer(r) -> PayerProfile:
        x = r["accepts_x_modifiers"]
        return PayerProfile(r["id"], r["name"], r["bilateral_format"],
                            None if x is None else bool(x), bool(r["verified"]), r["note"],
                            r["source_id"])

    def payer_notes(self, code: str | None = None, payer_id: str | None = None) -> list[PayerNote]:
        rows = self.con.execute(
            "SELECT n.*, p.name AS payer_name FROM payer_notes n JOIN payers p"
            " ON p.id = n.payer_id ORDER BY n.payer_id, n.id").fetchall()
        out = []
        family = code is None or self._is_family(code)
        for r in rows:
            codes = r["codes"].split()
            if payer_id and r["payer_id"] != payer_id:
                continue
            if code and not (code in codes or (not codes and family)):
                continue
            out.append(PayerNote(r["payer_id"], r["payer_name"], r["topic"], r["text"],
                                 r["tier"], r["date"], r["source_id"],
                                 tuple(r["settings"].split())))
        return out

    def _is_family(self, code: str) -> bool:
        row = self.con.execute("SELECT sort_rank FROM codes WHERE code = ?", (code,)).fetchone()
        return bool(row) and row[0] == 0

    def modifiers(self) -> list[Modifier]:
        return [Modifier(*r) for r in self.con.execute(
            "SELECT modifier, title, meaning, applies, must_not, source_id FROM modifiers"
            " ORDER BY modifier")]

    def source(self, source_id: str) -> Source | None:
        r = self.con.execute("SELECT id, title, publisher, tier, release, date, document, url"
                             " FROM sources WHERE id = ?", (source_id,)).fetchone()
        if r is None and self.has_imports:   # an imported release names its files (import:...)
            r = self.con.execute("SELECT id, title, publisher, tier, release, date, document,"
                                 " url FROM imp.sources WHERE id = ?", (source_id,)).fetchone()
        return Source(*r) if r else None

    def title(self, code: str) -> str | None:
        r = self.con.execute("SELECT title FROM codes WHERE code = ?", (code,)).fetchone()
        return r[0] if r else None

    def family_codes(self) -> list[Hit]:
        return [Hit(*r) for r in self.con.execute(
            "SELECT code, system, title, kind FROM codes WHERE sort_rank = 0 ORDER BY id")]

    # -- lookup ---------------------------------------------------------------------

    def lookup(self, code: str, on_date: str | None = None) -> CodePage | None:
        """The whole page for a code (any case, with or without the dot), or None."""
        code = (code or "").strip()
        if not code or len(code) > 12:
            return None
        row = self.code_row(code)
        if row is None or row["system"] == "ICD-10-CM":
            imported = self._imported_icd(code, on_date)
            if imported is not None:
                return imported
        if row is None:
            return None
        if row["system"] == "ICD-10-CM":
            return self._icd_page(row)
        return self._curated_page(row, on_date)

    def _imported_icd(self, code: str, on_date: str | None) -> CodePage | None:
        """The page of an ICD-10-CM code from an imported code-set release in force on
        the date; None when no imported release is in force (the bundled set answers)."""
        rel = self.release_in_force("icd10cm", on_date)
        if rel is None or not rel.imported:
            return None
        norm = norm_code(code)
        new = self.con.execute("SELECT code, billable, title FROM imp.icd10cm WHERE"
                               " release_id = ? AND norm = ?", (rel.id, norm)).fetchone()
        old = self.code_row(code)
        old = old if old is not None and old["system"] == "ICD-10-CM" else None
        if new is None and old is None:
            return None
        src = tuple(s for s in (self.source(rel.source_id),) if s)
        if new is None:
            # In the bundled set but not in the release in force: deleted there.
            page = self._icd_page(old)
            return dataclasses.replace(
                page, description=f"{old['title']}. Not in {rel.label}: this code is not valid "
                f"in that release (deleted or replaced); check the code set.",
                billable=False, sources=page.sources + src,
                releases_used=(rel.id,))
        if old is not None:
            page = self._icd_page(old)
            return dataclasses.replace(page, title=new["title"], description=new["title"],
                                       billable=bool(new["billable"]),
                                       sources=page.sources + src, releases_used=(rel.id,))
        # A code new in the imported release: its parents are the nearest shorter codes.
        parents = []
        for n in range(len(norm) - 1, 2, -1):
            p = self.code_row(norm[:n])
            if p is not None and p["system"] == "ICD-10-CM":
                parents.append(Hit(p["code"], p["system"], p["title"], p["kind"]))
        children = [Hit(r[0], "ICD-10-CM", r[1], "code") for r in self.con.execute(
            "SELECT code, title FROM imp.icd10cm WHERE release_id = ? AND norm > ? AND norm < ?"
            " AND length(norm) = ? ORDER BY norm", (rel.id, norm, norm + "\uffff", len(norm) + 1))]
        return CodePage(code=new["code"], system="ICD-10-CM", kind="code", title=new["title"],
                        description=new["title"], billable=bool(new["billable"]),
                        parents=tuple(parents), children=tuple(children), sources=src,
                        releases_used=(rel.id,))

    def _icd_page(self, row) -> CodePage:
        parents, parent = [], row["parent"]
        while parent:
            p = self.con.execute("SELECT code, system, title, kind, parent FROM codes"
                                 " WHERE code = ?", (parent,)).fetchone()
            if p is None:
                break
            parents.append(Hit(p["code"], p["system"], p["title"], p["kind"]))
            parent = p["parent"]
        children = [Hit(*r) for r in self.con.execute(
            "SELECT code, system, title, kind FROM codes WHERE parent = ? ORDER BY id",
            (row["code"],))]
        src = self.source("icd10cm-fy2026")
        return CodePage(
            code=row["code"], system=row["system"], kind=row["kind"], title=row["title"],
            description=row["title"], billable=bool(row["billable"]),
            parents=tuple(parents), children=tuple(children),
            sources=(src,) if src else (), releases_used=(self.meta.get("icd10cm", ""),))

    def _curated_page(self, row, on_date: str | None) -> CodePage:
        code = row["code"]
        pfs = self.pfs(code, on_date)
        mues = tuple(m for s in MUE_TABLES if (m := self.mue(code, s, on_date)))
        edits = tuple(e for s in SETTINGS for e in sorted(
            self.ptp_edits(code, s, on_date),
            key=lambda e: (e.other_code, e.column, e.deletion_date or "")))
        related = []
        for r in self.con.execute(
                "SELECT r.other AS code, r.kind, r.note, r.source_id, c.title FROM relationships r"
                " JOIN codes c ON c.code = r.other WHERE r.code = ? ORDER BY r.kind, r.other",
                (code,)):
            related.append(Related(r["code"], r["kind"], r["note"], r["title"], r["source_id"]))
        inverse = {"add_on_of": "has_add_on", "guidance_for": "guided_by", "drug_for": "drug",
                   "often_confused_with": "often_confused_with", "see_also": "see_also"}
        for r in self.con.execute(
                "SELECT r.code AS code, r.kind, r.note, r.source_id, c.title FROM relationships r"
                " JOIN codes c ON c.code = r.code WHERE r.other = ? ORDER BY r.kind, r.code",
                (code,)):
            rel = Related(r["code"], inverse.get(r["kind"], r["kind"]), r["note"], r["title"],
                          r["source_id"])
            if not any(x.code == rel.code and x.relationship == rel.relationship
                       for x in related):
                related.append(rel)
        corrections = tuple(Correction(r["claim"], r["correction"], r["correct_code"],
                                       r["source_id"]) for r in self.con.execute(
            "SELECT * FROM corrections WHERE code = ? ORDER BY id", (code,)))
        notes = tuple(self.payer_notes(code))
        # HCPCS text: the release in force (an imported quarter), else the bundled text.
        in_force = self._rows("hcpcs_level2", self.release_in_force("hcpcs", on_date),
                              "code = ?", (code,))
        hcpcs = (in_force[0]["long_description"],) if in_force else self.con.execute(
            "SELECT long_description FROM hcpcs_level2 WHERE code = ?"
            " ORDER BY release_id DESC LIMIT 1", (code,)).fetchone()
        release_ids = {m.release for m in mues} | {e.release for e in edits}
        if pfs:
            release_ids.add(pfs.release)
        aoc_rel = self.release_in_force("aoc", on_date)
        primaries = tuple(self.addon_primaries(code, on_date))
        if primaries and aoc_rel:
            release_ids.add(aoc_rel.id)
        source_ids = ({row["source_id"]} | {r.source_id for r in related}
                      | {c.source_id for c in corrections} | {n.source_id for n in notes}
                      | {self._releases[r].source_id for r in release_ids})
        sources = tuple(s for sid in sorted(x for x in source_ids if x)
                        if (s := self.source(sid)))
        return CodePage(
            code=code, system=row["system"], kind=row["kind"], title=row["title"],
            description=row["description"], role=row["kind"], region=row["region"],
            family=row["sort_rank"] == 0, patients=row["patients"], procedure=row["procedure"],
            documentation=row["documentation"], unit_size=row["unit_size"],
            unit_label=row["unit_label"], brands=row["brands"],
            hcpcs_text=hcpcs[0] if hcpcs else None,
            add_on_primaries=primaries,
            global_days=pfs.global_days if pfs else None,
            bilateral_indicator=pfs.bilateral if pfs else None,
            bilateral_meaning=BILATERAL_WORDS.get(pfs.bilateral) if pfs else None,
            where_performed=_where_performed(pfs),
            mue=mues, ptp_edits=edits, pfs=tuple(self.pfs_history(code)),
            opps=tuple(self.opps_history(code)), related=tuple(related),
            corrections=corrections, payer_notes=notes, sources=sources,
            releases_used=tuple(sorted(release_ids)))

    # -- search ---------------------------------------------------------------------

    def search(self, text: str, limit: int = 50) -> list[Hit]:
        """Ranked hits for the search box: exact code, then the family, then ICD-10-CM."""
        text = (text or "")[:MAX_QUERY_CHARS].strip()
        limit = max(1, min(int(limit), 500))
        if not text:
            return []
        if _CODE_QUERY.match(text):
            hits = self._search_code(text, limit)
            if hits:
                return hits
        tokens = [t for t in _WORD.findall(text)][:MAX_TOKENS]
        tokens = [t[:40] for t in tokens]
        if not tokens:
            return []
        return self._search_words(tokens, limit)

    def _search_code(self, text: str, limit: int) -> list[Hit]:
        norm = norm_code(text)
        hi = norm + "\uffff"
        seen, hits = set(), []

        def add(rows):
            for r in rows:
                if r[0] not in seen and len(hits) < limit:
                    seen.add(r[0])
                    hits.append(Hit(*r))

        add(self.con.execute("SELECT code, system, title, kind FROM codes WHERE norm = ?"
                             " ORDER BY sort_rank", (norm,)))
        add(self.con.execute("SELECT code, system, title, kind FROM codes WHERE norm >= ?"
                             " AND norm < ? AND sort_rank < 2 ORDER BY sort_rank, norm",
                             (norm, hi)))
        add(self.con.execute("SELECT code, system, title, kind FROM codes WHERE norm >= ?"
                             " AND norm < ? AND sort_rank = 2 ORDER BY norm LIMIT ?",
                             (norm, hi, limit)))
        return hits

    def _search_words(self, tokens: list[str], limit: int) -> list[Hit]:
        query = _fts_query(tokens)
        try:
            curated = self.con.execute(
                "SELECT c.code, c.system, c.title, c.kind FROM (SELECT rowid AS id,"
                " bm25(curated_fts, 10.0, 4.0, 1.0, 2.0) AS score FROM curated_fts"
                " WHERE curated_fts MATCH ?) m JOIN codes c ON c.id = m.id"
                # A primary before its add-ons when both match about as well: a coder
                # looking for "chemo arm" starts from the first limb's code.
                " ORDER BY c.sort_rank, m.score * (CASE c.kind WHEN 'add-on' THEN 0.9"
                " ELSE 1.0 END) LIMIT ?", (query, limit)).fetchall()
            room = limit - len(curated)
            icd = []
            if room > 0:
                cand = self.con.execute(
                    "SELECT rowid, bm25(icd_fts) FROM icd_fts WHERE icd_fts MATCH ? LIMIT ?",
                    (query, ICD_CANDIDATES)).fetchall()
                # Ranked among a bounded candidate set, so that a one-letter prefix
                # matching half the code set costs no more than a precise word.
                cand.sort(key=lambda r: (r[1], r[0]))
                ids = [r[0] for r in cand[:room]]
                if ids:
                    by_id = {r[0]: r[1:] for r in self.con.execute(
                        f"SELECT id, code, system, title, kind FROM codes WHERE id IN"
                        f" ({','.join('?' * len(ids))})", ids)}
                    icd = [by_id[i] for i in ids]
        except sqlite3.OperationalError as exc:  # never expected: the query is quoted
            log.warning("search for %r failed: %s", tokens, exc)
            return []
        return [Hit(*r) for r in curated] + [Hit(*r) for r in icd]

    def suggest(self, code: str, limit: int = 5) -> list[Hit]:
        """Codes close to one that was not found: the longest matching prefix first."""
        norm = norm_code(code or "")[:12]
        out: list[Hit] = []
        for n in range(len(norm) - 1, 0, -1):
            for h in self._search_code(norm[:n], limit):
                if h.code not in {o.code for o in out}:
                    out.append(h)
            if len(out) >= limit:
                break
        return out[:limit]


def _data_dir_exists() -> bool:
    try:
        return paths.imports_db_path().exists()
    except OSError:
        return False


def _where_performed(pfs: Pfs | None) -> str | None:
    if pfs is None:
        return None
    if pfs.nonfac_na and not pfs.fac_na:
        return ("facility only: the fee schedule has no office (non-facility) price "
                f"(NA indicator, {pfs.release_label})")
    if pfs.fac_na and not pfs.nonfac_na:
        return f"office (non-facility) only: no facility price ({pfs.release_label})"
    return (f"office or facility: the fee schedule prices both settings "
            f"({pfs.release_label})")


def open_reference() -> Reference:
    """The reference database, built first when a source checkout has none or a stale
    one, and verified against its checksum before use."""
    from db.build import ensure_reference_db
    from db.bundle import verify_reference
    path = ensure_reference_db()
    verify_reference(path)
    return Reference(path)
