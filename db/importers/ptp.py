"""NCCI procedure-to-procedure (PTP) edits: practitioner (ccipra-...) and outpatient
hospital (ccioph-...), tab-delimited TXT or xlsx, each release split into parts f1..f4.

Layout (CMS release notes): a few preamble rows (copyright), a header row "Column 1,
Column 2, *=in existence prior to 1996, Effective Date, Deletion Date *=no data,
Modifier 0=not allowed 1=allowed 9=not applicable, PTP Edit Rationale" (the xlsx
spreads the legend over the rows below it), then one edit per row. Dates are YYYYMMDD;
the deletion date is "*" while the edit is active; deleted edits stay in the file.

Text files are parsed with one regular expression per line (millions of lines);
a line it does not fit is examined field by field to say what was wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from db.importers import fields, reading
from db.importers.detect import Recognized
from db.importers.errors import BadFileError
from db.importers.fields import Line, words

TABLE = "ptp"
COLUMNS = ("release_id", "setting", "column1", "column2", "effective_date", "deletion_date",
           "modifier_indicator", "rationale")
HEADER_WITHIN = 60
EXPECTED = ("Column 1", "Column 2", "*=in existence prior to 1996", "Effective Date",
            "Deletion Date", "Modifier", "PTP Edit Rationale")


def _header_ok(cells: list[str]) -> bool:
    w = [words(c) for c in cells] + [""] * 7
    return (w[0] == "COLUMN1" and w[1] == "COLUMN2" and "1996" in w[2]
            and w[3].startswith("EFFECTIVE") and w[4].startswith("DELETION")
            and w[5].startswith("MODIFIER") and (w[6] == "" or "RATIONALE" in w[6]))


def _check_header(path, cells: list[str], where: Line) -> None:
    if not _header_ok(cells):
        found = ", ".join(c.strip() or "(blank)" for c in cells[:7])
        raise where.error("the columns are not where CMS puts them: expected "
                          f"{', '.join(EXPECTED)}; found {found}")


def _is_header(cells: list[str]) -> bool:
    return len(cells) >= 2 and words(cells[0]) == "COLUMN1" and words(cells[1]) == "COLUMN2"


def _legend(cells: list[str]) -> bool:
    """A row of the header's legend under it: no codes, no dates."""
    return (not cells[0].strip() and (len(cells) < 2 or not cells[1].strip())
            and not any(c.strip().isdigit() and len(c.strip()) == 8 for c in cells))


def _diagnose(cells: list[str], where: Line, last: bool, pad: bool = False) -> tuple:
    """Check a line field by field; returns the parsed edit or raises what was wrong."""
    if len(cells) < 6:
        if last:
            raise where.error(f"the line stops after {len(cells)} of 7 columns: the file seems "
                              "truncated. Copy it again from the CMS download.")
        raise where.error(f"{len(cells)} columns, expected 7 (column 1, column 2, pre-1996 "
                          "mark, effective date, deletion date, modifier indicator, rationale)")
    c1 = fields.code(cells[0], where, "column 1 code", pad)
    c2 = fields.code(cells[1], where, "column 2 code", pad)
    if cells[2].strip() not in ("", "*"):
        raise where.error(f"malformed pre-1996 mark {cells[2]!r}: expected '*' or blank")
    eff = fields.yyyymmdd(cells[3], where, "effective date")
    dele = None if cells[4].strip() in ("*", "") else fields.yyyymmdd(
        cells[4], where, "deletion date")
    mi = int(fields.one_of(cells[5], "019", where, "modifier indicator"))
    rationale = cells[6].strip() if len(cells) > 6 else ""
    return c1, c2, eff, dele, mi, rationale or None


def rows(rec: Recognized, encoding: str | None, monitor) -> Iterator[tuple]:
    if rec.fmt == "xlsx":
        yield from _workbook_rows(rec, monitor)
    else:
        yield from _text_rows(rec, encoding, monitor)


def _text_rows(rec: Recognized, encoding: str, monitor) -> Iterator[tuple]:
    path, rid, setting = rec.path, rec.release_id, rec.setting
    with path.open("r", encoding=encoding, newline="") as fh:
        lines = ((n, line.rstrip("\r\n").split("\t")) for n, line in enumerate(fh, 1))
        n, _cells = reading.find_header(
            lines, partial(_header, path, "line"), path=path, unit="line",
            within=HEADER_WITHIN, first="edit",
            missing="no 'Column 1 / Column 2' header row in the first "
                    f"{HEADER_WITHIN} lines: not the NCCI PTP layout")
        yield from _edits(fh, n, path, rid, setting, monitor)


def _edits(fh, n: int, path, rid: str, setting: str, monitor) -> Iterator[tuple]:
    """The edit lines. The hot loop of the largest import: a line is split on tabs and
    each field checked against what was already seen (codes, dates and rationales
    repeat), falling back to the full checks of _diagnose for anything new or odd."""
    raw = fh.buffer
    codes: dict[str, str] = {}
    dates: dict[str, str | None] = {"*": None, "": None}
    rationales: dict[str, tuple[str | None, int]] = {}
    indicators = {"0": 0, "1": 1, "9": 9}
    marks = ("", "*")
    fullcode = fields.CODE.fullmatch
    started = False
    count = 0
    line = ""
    for n, line in enumerate(fh, n + 1):
        if n & 8191 == 0 and monitor:
            monitor.report(raw.tell())
        cells = line.rstrip("\r\n").split("\t")
        edit = None
        if len(cells) >= 7:
            c1, c2, pre, eff, dele, mi, rationale = cells[:7]
            a = codes.get(c1)
            if a is None and fullcode(c1):
                a = codes[c1] = c1
            b = codes.get(c2)
            if b is None and fullcode(c2):
                b = codes[c2] = c2
            e = dates.get(eff)
            if e is None and len(eff) == 8:
                e = dates[eff] = fields.yyyymmdd(eff, Line(path, n), "effective date")
            d = dates.get(dele, False)
            if d is False and len(dele) == 8:
                d = dates[dele] = fields.yyyymmdd(dele, Line(path, n), "deletion date")
            m = indicators.get(mi)
            known = rationales.get(rationale)
            if known is None:
                known = rationales[rationale] = (rationale.strip() or None, n)
            if a and b and e and d is not False and m is not None and pre in marks and (
                    len(cells) == 7 or not any(cells[7:])):
                edit = (rid, setting, a, b, e, d, m, known[0])
        if edit is None:
            if not line.strip():
                continue
            if not started and _legend(cells):
                continue              # the header's legend rows ("0=not allowed", ...)
            edit = (rid, setting, *_diagnose(cells, Line(path, n),
                                             last=not line.endswith("\n")))
        started = True
        count += 1
        yield edit
    if not count:
        raise BadFileError(path, "the header is there but no edits follow: the file seems "
                           "truncated")
    if line.strip() and not line.endswith("\n"):
        # A last line without its line ending whose rationale appears nowhere else was
        # most likely cut short (the rationales are a short list of fixed phrases).
        cells = line.rstrip("\r\n").split("\t")
        rationale = cells[6] if len(cells) > 6 else ""
        if rationale.strip() and rationales.get(rationale, (None, 0))[1] == n:
            raise BadFileError(path, "the last line ends abruptly (its rationale "
                               f"{rationale.strip()!r} appears nowhere else and the line has "
                               "no line ending): the file seems truncated. Copy it again from "
                               "the CMS download.", line=n)


def _header(path, unit: str, n: int, cells: list[str]):
    """The header row's cells (checked: the columns where CMS puts them), or None."""
    if _is_header(cells):
        _check_header(path, cells, Line(path, n, unit))
        return cells
    return None


def _workbook_rows(rec: Recognized, monitor) -> Iterator[tuple]:
    path, rid, setting = rec.path, rec.release_id, rec.setting
    it = reading.workbook_rows(path, monitor, path.stat().st_size)
    reading.find_header(it, partial(_header, path, "row"), path=path, unit="row",
                        within=HEADER_WITHIN, first="edit", whole="workbook",
                        missing="no 'Column 1 / Column 2' header row in the first "
                                f"{HEADER_WITHIN} rows: not the NCCI PTP layout")
    started = False
    count = 0
    for n, cells in it:
        cells = list(cells)
        while cells and cells[-1] == "":
            cells.pop()
        if not cells:
            continue
        if not started and _legend(cells):
            continue
        edit = _diagnose(cells + [""] * (7 - len(cells)) if len(cells) >= 6 else cells,
                         Line(path, n, "row"), last=False, pad=True)
        started = True
        count += 1
        yield (rid, setting, *edit)
    if not count:
        raise BadFileError(path, "the header is there but no edits follow: the workbook seems "
                           "truncated")
