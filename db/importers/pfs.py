"""The physician fee schedule relative value file (PPRRVUyy_MON.csv; from 2026 also
PPRRVUyyyy_Mon_QPP / _nonQPP), CSV or xlsx.

Layout: 10 header lines (title, copyright, RELEASED date, then column names stacked
over five lines), then 31 columns: HCPCS, MOD, DESCRIPTION, STATUS CODE, NOT USED FOR
MEDICARE PAYMENT, WORK RVU, NON-FAC PE RVU, NON-FAC NA INDICATOR, FACILITY PE RVU,
FACILITY NA INDICATOR, MP RVU, NON-FACILITY TOTAL, FACILITY TOTAL, PCTC IND, GLOB DAYS,
PRE OP, INTRA OP, POST OP, MULT PROC, BILAT SURG, ASST SURG, CO-SURG, TEAM SURG, ENDO
BASE, CONV FACTOR, PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES, CALCULATION FLAG,
DIAGNOSTIC IMAGING FAMILY INDICATOR and three OPPS payment amount columns.

Only the global row of a code (no modifier) is kept: the fee-schedule table holds one
row per code and release. The DESCRIPTION column is never read into the database:
for CPT codes it is AMA copyright.
"""

from __future__ import annotations

from collections.abc import Iterator

from db.importers import fields, reading
from db.importers.detect import Recognized
from db.importers.errors import BadFileError
from db.importers.fields import Line, words

TABLE = "pfs"
COLUMNS = ("release_id", "code", "status", "work_rvu", "nonfac_pe_rvu", "fac_pe_rvu", "mp_rvu",
           "nonfac_total", "fac_total", "nonfac_na", "fac_na", "pctc", "global_days",
           "mult_proc", "bilateral", "assistant", "co_surgeon", "team", "conv_factor")
NCOLS = 31
HEADER_WITHIN = 15
# The last header line, column by column (letters and digits only).
LAST_HEADER = ("HCPCS", "MOD", "DESCRIPTION", "CODE", "PAYMENT", "RVU", "PERVU", "INDICATOR",
               "PERVU", "INDICATOR", "RVU", "TOTAL", "TOTAL", "IND", "DAYS", "OP", "OP", "OP",
               "PROC", "SURG", "SURG", "SURG", "SURG", "BASE", "FACTOR", "PROCEDURES", "FLAG",
               "INDICATOR", "AMOUNT", "AMOUNT", "AMOUNT")
# Where the last line repeats itself, the stacked name must begin with these words.
STACKED = {5: "WORK", 6: "NONFAC", 7: "NONFAC", 8: "FACILITY", 9: "FACILITY", 10: "MP",
           11: "NONFACILITY", 12: "FACILITY", 15: "PRE", 16: "INTRA", 17: "POST", 19: "BILAT",
           20: "ASST", 21: "CO", 22: "TEAM", 28: "NONFACILITY", 29: "FACILITY", 30: "MP"}
NAMES = ("HCPCS", "MOD", "DESCRIPTION", "STATUS CODE", "NOT USED FOR MEDICARE PAYMENT",
         "WORK RVU", "NON-FAC PE RVU", "NON-FAC NA INDICATOR", "FACILITY PE RVU",
         "FACILITY NA INDICATOR", "MP RVU", "NON-FACILITY TOTAL", "FACILITY TOTAL", "PCTC IND",
         "GLOB DAYS", "PRE OP", "INTRA OP", "POST OP", "MULT PROC", "BILAT SURG", "ASST SURG",
         "CO-SURG", "TEAM SURG", "ENDO BASE", "CONV FACTOR")


def _check_header(stack: list[list[str]], where: Line) -> None:
    last = stack[-1]
    got = tuple(words(c) for c in last[:NCOLS])
    problem = None
    if len(got) < NCOLS:
        problem = f"{len(got)} header columns, expected {NCOLS}"
    else:
        for i, (want, have) in enumerate(zip(LAST_HEADER, got)):
            stacked = "".join(words(row[i]) if i < len(row) else "" for row in stack)
            if have != want or (i in STACKED and not stacked.startswith(STACKED[i])):
                name = NAMES[i] if i < len(NAMES) else f"column {i + 1}"
                found = " ".join(" ".join(row[i].split()) for row in stack
                                 if i < len(row) and row[i].strip())
                problem = f"column {i + 1} should be {name}, found {found or '(blank)'}"
                break
    if problem:
        raise where.error(f"the columns are not where CMS puts them in the PPRRVU layout: "
                          f"{problem}")


def rows(rec: Recognized, encoding: str | None, monitor) -> Iterator[tuple]:
    path = rec.path
    unit = "row" if rec.fmt == "xlsx" else "line"
    it = reading.records(path, rec.fmt, encoding, monitor, delimiter=",")
    above: list[list[str]] = []

    def header(n, cells):
        if [words(c) for c in cells[:3]] == ["HCPCS", "MOD", "DESCRIPTION"]:
            _check_header((above + [cells])[-5:], Line(path, n, unit))
            return cells
        above.append(cells)
        return None

    reading.find_header(it, header, path=path, unit=unit, within=HEADER_WITHIN,
                        missing="no 'HCPCS, MOD, DESCRIPTION' header line in the first "
                                f"{HEADER_WITHIN} lines: not the PPRRVU layout")
    rid = rec.release_id
    seen: dict[str, int] = {}
    count = 0
    cut = rec.fmt == "text" and reading.last_line_unterminated(path)
    for n, cells in it:
        if not any(c.strip() for c in cells):
            continue
        where = Line(path, n, unit)
        if len(cells) < NCOLS and not (rec.fmt == "xlsx" and len(cells) >= 25):
            raise where.error(f"{len(cells)} columns, expected {NCOLS}"
                              + (": the file seems truncated" if cut else ""))
        cells = cells + [""] * (NCOLS - len(cells))
        code = fields.code(cells[0], where, "HCPCS code", pad=rec.fmt == "xlsx")
        if cells[1].strip():
            continue        # professional / technical component rows: the table keeps globals
        num = fields.number
        row = (rid, code, cells[3].strip() or None,
               num(cells[5], where, "work RVU"), num(cells[6], where, "non-facility PE RVU"),
               num(cells[8], where, "facility PE RVU"), num(cells[10], where, "MP RVU"),
               num(cells[11], where, "non-facility total"),
               num(cells[12], where, "facility total"),
               cells[7].strip() or None, cells[9].strip() or None, cells[13].strip() or None,
               _days(cells[14]), cells[18].strip() or None, cells[19].strip() or None,
               cells[20].strip() or None, cells[21].strip() or None, cells[22].strip() or None,
               num(cells[24], where, "conversion factor"))
        if code in seen:
            raise where.error(f"code {code} has two rows without a modifier (also on {unit} "
                              f"{seen[code]})")
        seen[code] = n
        count += 1
        yield row
    if not count:
        raise BadFileError(path, "the header is there but no codes follow: the file seems "
                           "truncated")


def _days(text: str) -> str | None:
    text = text.strip()
    if text.isdigit():           # a spreadsheet turns 010 into 10
        return text.zfill(3)
    return text or None
