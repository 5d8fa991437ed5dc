"""NCCI add-on code edits (AOC_VyyyyQq-MCR.xlsx, or the text version).

The column order differs between releases, so columns are found by their header:
add-on code, primary code ("CCCCC" = any primary the contractor accepts, edit type 2),
AOC edit type (1, 2 or 3), and where present the edit's effective and deletion dates
and the add-on and primary codes' deletion dates. Only the edits in force on the
release's effective date are kept: the add-on table holds the edits of a release.
"""

from __future__ import annotations

from collections.abc import Iterator

from db.importers import fields, reading
from db.importers.detect import Recognized
from db.importers.errors import BadFileError
from db.importers.fields import Line, words

TABLE = "aoc"
COLUMNS = ("release_id", "primary_code", "addon_code", "edit_type")
HEADER_WITHIN = 20
ALIASES = {
    "addon": ("ADDONCODE", "AOC", "ADDONCODES"),
    "primary": ("PRIMARYCODE", "PRIMARYCODES"),
    "type": ("AOCEDITTYPE", "EDITTYPE", "AOCTYPE"),
    "edit_eff": ("AOCEDITEFFDT", "AOCEDITEFFECTIVEDATE", "EDITEFFECTIVEDATE"),
    "edit_del": ("AOCEDITDELDT", "AOCEDITDELETIONDATE", "EDITDELETIONDATE"),
    "addon_del": ("AOCDELDT", "AOCDELETIONDATE", "ADDONCODEDELETIONDATE"),
    "primary_del": ("PRIMARYCODEDELDT", "PRIMARYCODEDELETIONDATE"),
}


def _columns(cells: list[str]) -> dict[str, int] | None:
    w = [words(c) for c in cells]
    cols = {}
    for key, names in ALIASES.items():
        for i, name in enumerate(w):
            if name in names:
                cols[key] = i
                break
    return cols if {"addon", "primary"} <= cols.keys() else None


def rows(rec: Recognized, encoding: str | None, monitor) -> Iterator[tuple]:
    path = rec.path
    unit = "row" if rec.fmt == "xlsx" else "line"
    it = reading.records(path, rec.fmt, encoding, monitor)

    def header(n, cells):
        cols = _columns(cells)
        if cols and "type" not in cols:
            raise Line(path, n, unit).error("the header has no AOC edit type column: not "
                                            "the add-on code edit layout")
        return cols

    _n, cols = reading.find_header(
        it, header, path=path, unit=unit, within=HEADER_WITHIN, first="edit",
        missing="no header with 'Add-on Code' and 'Primary Code' near the top: not the "
                "add-on code edit layout")
    start = rec.effective_from
    seen = set()
    count = 0
    width = max(cols.values()) + 1
    for n, cells in it:
        if not any(c.strip() for c in cells):
            continue
        where = Line(path, n, unit)
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
            if not cells[cols["type"]].strip():
                raise where.error(f"the line stops before the AOC edit type (column "
                                  f"{cols['type'] + 1}): the file seems truncated")
        pad = rec.fmt == "xlsx"
        addon = fields.code(cells[cols["addon"]], where, "add-on code", pad)
        primary = fields.code(cells[cols["primary"]], where, "primary code", pad)
        kind = int(fields.one_of(cells[cols["type"]], "123", where, "AOC edit type"))
        ended = [fields.flexible_date(cells[cols[k]], where, label) for k, label in
                 (("edit_del", "edit deletion date"), ("addon_del", "add-on code deletion date"),
                  ("primary_del", "primary code deletion date")) if k in cols]
        if "edit_eff" in cols:
            fields.flexible_date(cells[cols["edit_eff"]], where, "edit effective date")
        if any(d is not None and d < start for d in ended):
            continue          # deleted before this release took effect
        key = (primary, addon)
        if key in seen:
            continue
        seen.add(key)
        count += 1
        yield (rec.release_id, primary, addon, kind)
    if not count:
        raise BadFileError(path, "the header is there but no edits in force follow: the file "
                           "seems truncated")
