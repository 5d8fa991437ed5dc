"""What changed: a new release against the previous release of the same dataset,
within the chemodenervation family, as data (for the window and --json) and as text.

"Previous" is the release of the same dataset with the latest effective date before
the new one's, bundled or imported (an imported one wins a tie). The bundled data
holds only the codes CodeDesk curates (db.codeset.CURATED), so against a bundled
release the comparison keeps to those codes; between two imported releases it covers
every edit that names a family code (db.codeset.FAMILY).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass, field

from db.codeset import CURATED, FAMILY
from db.models import DATA_NOT_AVAILABLE, INDICATOR_WORDS

# Diagnoses the family's coverage policies name (shared/DOMAIN.md section 4).
ICD_POLICY_PREFIXES = ("G24", "G43.7", "G43.E", "G81.1", "I69", "G80", "J38.5", "L74.51",
                       "K22.0", "G35")
PFS_FIELDS = (("status", "status"), ("work_rvu", "work RVU"),
              ("nonfac_pe_rvu", "non-facility PE RVU"), ("fac_pe_rvu", "facility PE RVU"),
              ("mp_rvu", "malpractice RVU"), ("nonfac_total", "non-facility total RVU"),
              ("fac_total", "facility total RVU"), ("nonfac_na", "non-facility NA indicator"),
              ("fac_na", "facility NA indicator"), ("pctc", "PC/TC indicator"),
              ("global_days", "global days"), ("mult_proc", "multiple procedure indicator"),
              ("bilateral", "bilateral indicator"), ("assistant", "assistant surgery indicator"),
              ("co_surgeon", "co-surgery indicator"), ("team", "team surgery indicator"))
COMPARE_WITH = {"pfs_qpp": ("pfs_qpp", "pfs")}


@dataclass(frozen=True)
class Change:
    kind: str                 # added | deleted | changed
    item: str                 # "64644 / 64642", "64643", "conversion factor"
    what: str                 # "PTP edit", "modifier indicator", "MUE", "work RVU", ...
    before: str | None = None
    after: str | None = None
    note: str = ""

    def text(self) -> str:
        if self.kind == "added":
            return f"+ {self.item}: {self.what} added" + (f" ({self.after})" if self.after else "")
        if self.kind == "deleted":
            return (f"- {self.item}: {self.what} deleted"
                    + (f" ({self.before})" if self.before else "")
                    + (f"; {self.note}" if self.note else ""))
        return (f"~ {self.item}: {self.what} {self.before if self.before is not None else '—'}"
                f" -> {self.after if self.after is not None else '—'}"
                + (f" ({self.note})" if self.note else ""))


@dataclass(frozen=True)
class ReleaseChanges:
    dataset: str
    release_id: str
    label: str
    previous_id: str | None
    previous_label: str | None
    previous_imported: bool
    scope: str
    changes: tuple[Change, ...] = field(default=())
    note: str = ""

    def to_json(self) -> dict:
        data = asdict(self)
        data["changes"] = [asdict(c) for c in self.changes]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "ReleaseChanges":
        data = dict(data)
        data["changes"] = tuple(Change(**c) for c in data.get("changes", ()))
        return cls(**data)


def text(all_changes) -> str:
    """The printable summary of what changed, one block per release."""
    out = []
    for rc in all_changes:
        out.append(f"{rc.label} [{rc.release_id}]")
        if rc.previous_id:
            origin = "imported" if rc.previous_imported else "bundled"
            out.append(f"  compared with {rc.previous_label} [{rc.previous_id}, {origin}]")
            out.append(f"  scope: {rc.scope}")
        if rc.note:
            out.append(f"  {rc.note}")
        if rc.previous_id and not rc.changes:
            out.append("  no changes within the chemodenervation family")
        out += [f"  {c.text()}" for c in rc.changes]
        out.append("")
    return "\n".join(out).rstrip() + "\n" if out else "Nothing was imported.\n"


# -- finding the previous release ----------------------------------------------------

def _previous(con: sqlite3.Connection, rec, has_ref: bool):
    """(schema, id, label, effective_from) of the previous release, or None."""
    best = None
    datasets = COMPARE_WITH.get(rec.dataset, (rec.dataset,))
    for rank, ds in enumerate(datasets):
        for schema, imported in (("ref", 0), ("main", 1)) if has_ref else (("main", 1),):
            for r in con.execute(
                    f"SELECT id, label, effective_from FROM {schema}.releases WHERE dataset = ?"
                    " AND effective_from < ? AND id != ?",
                    (ds, rec.effective_from, rec.release_id)):
                key = (-rank, r[2], imported)
                if best is None or key > best[0]:
                    best = (key, schema, r[0], r[1], r[2])
        if best:
            break
    return best[1:] if best else None


def _marks(codes) -> str:
    return ",".join("?" * len(codes))


def _fmt(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.2f}"
    return str(value)


# -- per dataset -----------------------------------------------------------------------

def _ptp_state(con, schema, release_id, effective_from, codes, both: bool):
    marks = _marks(codes)
    family = set(FAMILY)
    wanted = set(codes)
    # Two queries, each on its own index (an OR of the two columns is planned as a scan).
    sql = ("SELECT id, column1, column2, deletion_date, modifier_indicator FROM "
           f"{schema}.ptp WHERE release_id = ? AND {{col}} IN ({marks})")
    rows = {}
    for col in ("column1", "column2"):
        for r in con.execute(sql.format(col=col), (release_id, *codes)):
            rows[r[0]] = r[1:]
    state: dict[tuple[str, str], tuple[int, str | None]] = {}
    for c1, c2, dele, mi in (rows[k] for k in sorted(rows)):
        if both and not (c1 in wanted and c2 in wanted):
            continue
        if c1 not in family and c2 not in family:
            continue          # two companions: the bundled extracts never held those
        key = (c1, c2)
        active = dele is None or dele >= effective_from
        old = state.get(key)
        # Several rows of one pair (deleted, then added again): the one in force wins.
        if old is None or (active and not _active(old, effective_from)) or (
                not active and not _active(old, effective_from) and (dele or "") > (old[1] or "")):
            state[key] = (mi, dele)
    return state


def _active(st, effective_from) -> bool:
    return st[1] is None or st[1] >= effective_from


def _ptp(con, rec, prev, codes, both) -> list[Change]:
    schema, pid, _plabel, pfrom = prev
    old = _ptp_state(con, schema, pid, pfrom, codes, both)
    new = _ptp_state(con, "main", rec.release_id, rec.effective_from, codes, both)
    out = []
    for key in sorted(old.keys() | new.keys()):
        item = f"{key[0]} / {key[1]}"
        o, n = old.get(key), new.get(key)
        o_on = o is not None and _active(o, pfrom)
        n_on = n is not None and _active(n, rec.effective_from)
        if n_on and not o_on:
            out.append(Change("added", item, "PTP edit",
                              after=f"indicator {n[0]}: {INDICATOR_WORDS.get(n[0], '')}"))
        elif o_on and not n_on:
            out.append(Change("deleted", item, "PTP edit", before=f"indicator {o[0]}",
                              note=f"deletion date {n[1]}" if n else "no longer in the file"))
        elif o_on and n_on:
            if o[0] != n[0]:
                out.append(Change("changed", item, "modifier indicator", str(o[0]), str(n[0]),
                                  INDICATOR_WORDS.get(n[0], "")))
            if o[1] != n[1]:
                out.append(Change("changed", item, "deletion date", o[1] or "none",
                                  n[1] or "none", "the edit ends on that date"))
    return out


def _per_code(con, table, cols, rec, prev, codes) -> tuple[dict, dict]:
    schema, pid = prev[0], prev[1]
    sql = (f"SELECT code, {', '.join(cols)} FROM {{schema}}.{table} WHERE release_id = ?"
           f" AND code IN ({_marks(codes)})")
    old = {r[0]: r[1:] for r in con.execute(sql.format(schema=schema), (pid, *codes))}
    new = {r[0]: r[1:] for r in con.execute(sql.format(schema="main"),
                                            (rec.release_id, *codes))}
    return old, new


def _code_fields(con, table, named_cols, rec, prev, codes, label) -> list[Change]:
    cols = [c for c, _ in named_cols]
    old, new = _per_code(con, table, cols, rec, prev, codes)
    out = []
    for code in sorted(old.keys() | new.keys()):
        if code not in old:
            out.append(Change("added", code, label, after=", ".join(
                f"{name} {_fmt(v)}" for (c, name), v in zip(named_cols, new[code])
                if v is not None)))
        elif code not in new:
            out.append(Change("deleted", code, label, note="no longer in the file"))
        else:
            for (c, name), a, b in zip(named_cols, old[code], new[code]):
                if _fmt(a) != _fmt(b):
                    out.append(Change("changed", code, name, _fmt(a), _fmt(b)))
    return out


def _pfs(con, rec, prev, codes) -> list[Change]:
    out = _code_fields(con, "pfs", PFS_FIELDS, rec, prev, codes, "fee-schedule row")
    schema, pid = prev[0], prev[1]
    cf_old = con.execute(f"SELECT max(conv_factor) FROM {schema}.pfs WHERE release_id = ?",
                         (pid,)).fetchone()[0]
    cf_new = con.execute("SELECT max(conv_factor) FROM main.pfs WHERE release_id = ?",
                         (rec.release_id,)).fetchone()[0]
    if _fmt(cf_old) != _fmt(cf_new):
        out.insert(0, Change("changed", "all codes", "conversion factor", _fmt(cf_old),
                             _fmt(cf_new), "national payment = total RVUs x conversion factor"))
    return out


def _aoc(con, rec, prev, codes) -> list[Change]:
    schema, pid = prev[0], prev[1]
    marks = _marks(codes)
    sql = (f"SELECT primary_code, addon_code, edit_type FROM {{schema}}.aoc WHERE release_id = ?"
           f" AND (addon_code IN ({marks}) OR primary_code IN ({marks}))")
    old = {(r[0], r[1]): r[2] for r in con.execute(sql.format(schema=schema),
                                                  (pid, *codes, *codes))}
    new = {(r[0], r[1]): r[2] for r in con.execute(sql.format(schema="main"),
                                                  (rec.release_id, *codes, *codes))}
    out = []
    for key in sorted(old.keys() | new.keys()):
        item = f"+{key[1]} with {key[0]}"
        if key not in old:
            out.append(Change("added", item, "add-on edit", after=f"type {new[key]}"))
        elif key not in new:
            out.append(Change("deleted", item, "add-on edit", before=f"type {old[key]}"))
        elif old[key] != new[key]:
            out.append(Change("changed", item, "add-on edit type", str(old[key]), str(new[key])))
    return out


def _icd(con, rec, has_ref) -> ReleaseChanges:
    prev = None
    for r in con.execute("SELECT id, label, effective_from FROM main.releases WHERE"
                         " dataset = 'icd10cm' AND effective_from < ? AND id != ?"
                         " ORDER BY effective_from DESC LIMIT 1",
                         (rec.effective_from, rec.release_id)):
        prev = ("main", r[0], r[1], r[2])
    bundled_fy = None
    if has_ref:
        row = con.execute("SELECT value FROM ref.meta WHERE key = 'icd10cm'").fetchone()
        m = re.search(r"fy(\d{4})", row[0] if row else "")
        bundled_fy = int(m[1]) if m else None
    if prev is None and bundled_fy and f"{bundled_fy - 1}-10-01" < rec.effective_from:
        prev = ("ref", f"icd10cm-fy{bundled_fy}", f"ICD-10-CM FY{bundled_fy}",
                f"{bundled_fy - 1}-10-01")
    scope = ("every code; listed: codes under " + ", ".join(ICD_POLICY_PREFIXES)
             + " (diagnoses the family's coverage policies name)")
    if prev is None:
        return ReleaseChanges(rec.dataset, rec.release_id, rec.label, None, None, False, scope,
                              note="no earlier ICD-10-CM release to compare with")
    if prev[0] == "ref":
        old = {r[0]: r[1] for r in con.execute(
            "SELECT code, title FROM ref.codes WHERE system = 'ICD-10-CM' AND billable = 1")}
    else:
        old = {r[0]: r[1] for r in con.execute(
            "SELECT code, title FROM main.icd10cm WHERE release_id = ? AND billable = 1",
            (prev[1],))}
    new = {r[0]: r[1] for r in con.execute(
        "SELECT code, title FROM main.icd10cm WHERE release_id = ? AND billable = 1",
        (rec.release_id,))}
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    retitled = sorted(c for c in new.keys() & old.keys() if new[c] != old[c])
    note = (f"billable codes: {len(added)} added, {len(removed)} no longer billable or "
            f"deleted, {len(retitled)} retitled")
    listed = lambda c: c.startswith(ICD_POLICY_PREFIXES)  # noqa: E731
    changes = ([Change("added", c, "billable code", after=new[c]) for c in added if listed(c)]
               + [Change("deleted", c, "billable code", before=old[c]) for c in removed
                  if listed(c)]
               + [Change("changed", c, "title", old[c], new[c]) for c in retitled if listed(c)])
    return ReleaseChanges(rec.dataset, rec.release_id, rec.label, prev[1], prev[2],
                          prev[0] == "main", scope, tuple(changes), note)


def compare(con: sqlite3.Connection, rec, has_ref: bool) -> ReleaseChanges:
    """The changes a release (already loaded into `con`'s main schema) brings."""
    if rec.kind == "icd10cm":
        return _icd(con, rec, has_ref)
    prev = _previous(con, rec, has_ref)
    if prev is None:
        return ReleaseChanges(rec.dataset, rec.release_id, rec.label, None, None, False,
                              "", note=f"no earlier release of this dataset to compare with "
                              f"({DATA_NOT_AVAILABLE} for what changed)")
    bundled = prev[0] == "ref"
    curated = sorted(CURATED)
    if rec.kind == "ptp":
        codes, both = (curated, True) if bundled else (sorted(FAMILY), False)
        scope = ("edits between a family code and another code CodeDesk curates (the bundled "
                 "data holds only those)" if bundled
                 else "every edit naming a chemodenervation-family code")
        changes = _ptp(con, rec, prev, codes, both)
    elif rec.kind == "mue":
        scope = "the family and its same-day companion codes"
        changes = _code_fields(con, "mue", (("value", "MUE value"), ("mai", "MAI")), rec,
                               prev, curated, "MUE")
    elif rec.kind == "pfs":
        scope = "the family and its same-day companion codes (global rows, no modifier)"
        changes = _pfs(con, rec, prev, curated)
    elif rec.kind == "aoc":
        scope = "add-on edits naming a family or companion code"
        changes = _aoc(con, rec, prev, curated)
    elif rec.kind == "opps":
        scope = "the family and its same-day companion codes"
        changes = _code_fields(con, "opps", (("status_indicator", "status indicator"),
                                             ("payment_rate", "payment rate")), rec, prev,
                               curated, "OPPS row")
    elif rec.kind == "hcpcs":
        scope = "the HCPCS Level II codes of the family (J-codes) and companions"
        changes = _code_fields(con, "hcpcs_level2", (("long_description", "description"),),
                               rec, prev, [c for c in curated if c[0].isalpha()], "HCPCS code")
    else:
        scope, changes = "", []
    return ReleaseChanges(rec.dataset, rec.release_id, rec.label, prev[1], prev[2],
                          not bundled, scope, tuple(changes))
