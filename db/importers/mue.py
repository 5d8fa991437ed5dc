"""NCCI medically unlikely edits (MUE): practitioner, outpatient hospital and DME
supplier tables (MCR_MUE_<Table>Services_Eff_MM-DD-YYYY.csv, and the .xlsx).

Layout: one copyright row (a long quoted cell that may hold line breaks), then the
header "HCPCS/CPT Code" (the cell may hold a line break), "<Table> Services MUE
Values", "MUE Adjudication Indicator" (its cells say e.g. "3 Date of Service Edit:
Clinical"; the digit is the MAI), "MUE Rationale"; then one code per row.
"""

from __future__ import annotations

from collections.abc import Iterator

from db.importers import fields, reading
from db.importers.detect import Recognized
from db.importers.errors import BadFileError
from db.importers.fields import Line, words

TABLE = "mue"
COLUMNS = ("release_id", "setting", "code", "value", "mai", "rationale")
HEADER_WITHIN = 15
EXPECTED = "HCPCS/CPT Code, <table> Services MUE Values, MUE Adjudication Indicator, MUE Rationale"


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and words(cells[0]) in ("HCPCSCPTCODE", "HCPCSCODE", "CPTHCPCSCODE")


def _check_header(cells: list[str], where: Line) -> None:
    w = [words(c) for c in cells] + ["", "", "", ""]
    ok = (w[1].endswith("MUEVALUES") and "ADJUDICATIONINDICATOR" in w[2]
          and (w[3] == "" or "RATIONALE" in w[3]))
    if not ok:
        found = ", ".join(" ".join(c.split()) or "(blank)" for c in cells[:4])
        raise where.error(f"the columns are not where CMS puts them: expected {EXPECTED}; "
                          f"found {found}")


def rows(rec: Recognized, encoding: str | None, monitor) -> Iterator[tuple]:
    path = rec.path
    unit = "row" if rec.fmt == "xlsx" else "line"
    it = reading.records(path, rec.fmt, encoding, monitor, delimiter=",")

    def header(n, cells):
        if _is_header(cells):
            _check_header(cells, Line(path, n, unit))
            return cells
        return None

    reading.find_header(it, header, path=path, unit=unit, within=HEADER_WITHIN,
                        missing="no 'HCPCS/CPT Code' header row near the top: not the MUE "
                                "layout")
    seen: dict[str, int] = {}
    count = 0
    cut = rec.fmt == "text" and reading.last_line_unterminated(path)
    last = None
    for n, cells in it:
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            continue
        where = Line(path, n, unit)
        last = (n, cells)
        if len(cells) < 3:
            raise where.error(f"{len(cells)} column{'s' if len(cells) != 1 else ''}, expected "
                              "the code, the MUE value and the adjudication indicator"
                              + (": the file seems truncated" if cut else ""))
        code = fields.code(cells[0], where, "HCPCS/CPT code", pad=rec.fmt == "xlsx")
        value = fields.whole(cells[1], where, "MUE value")
        mai_text = cells[2].strip()
        if not mai_text or mai_text[0] not in "123":
            raise where.error(f"malformed MUE adjudication indicator {cells[2]!r}: expected it "
                              "to begin with 1, 2 or 3")
        rationale = cells[3].strip() if len(cells) > 3 else ""
        if code in seen:
            raise where.error(f"code {code} appears twice (also on {unit} {seen[code]})")
        seen[code] = n
        count += 1
        yield (rec.release_id, rec.setting, code, value, int(mai_text[0]), rationale or None)
    if not count:
        raise BadFileError(path, "the header is there but no codes follow: the file seems "
                           "truncated")
    if cut and last and len(last[1]) < 4:
        raise BadFileError(path, "the last line stops before its rationale and has no line "
                           "ending: the file seems truncated", line=last[0])
