"""OPPS Addendum B: payment status and rate by HCPCS code for a quarter (CSV or xlsx).

Layout: title and copyright rows, then a header naming HCPCS Code, Short Descriptor,
SI, APC, Relative Weight, Payment Rate, copayments and notes (the set of columns varies
over the years, so they are found by name), then one code per row and, in some
releases, a few footnote rows at the end. Descriptors are not read: CPT short
descriptors are AMA copyright.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from db.importers import fields, reading
from db.importers.detect import Recognized
from db.importers.errors import BadFileError
from db.importers.fields import Line, words

TABLE = "opps"
COLUMNS = ("release_id", "code", "status_indicator", "payment_rate")
HEADER_WITHIN = 25
_SI = re.compile(r"[A-Z][0-9A-Z]?")


def _columns(cells: list[str]) -> dict[str, int] | None:
    w = [words(c) for c in cells]
    if not w or w[0] not in ("HCPCSCODE", "HCPCS"):
        return None
    cols = {"code": 0}
    for i, name in enumerate(w):
        if name in ("SI", "STATUSINDICATOR") and "si" not in cols:
            cols["si"] = i
        elif name.startswith("PAYMENTRATE") and "rate" not in cols:
            cols["rate"] = i
    return cols if len(cols) == 3 else None


def rows(rec: Recognized, encoding: str | None, monitor) -> Iterator[tuple]:
    path = rec.path
    unit = "row" if rec.fmt == "xlsx" else "line"
    it = reading.records(path, rec.fmt, encoding, monitor, delimiter=",")
    _n, cols = reading.find_header(
        it, lambda n, cells: _columns(cells) or None, path=path, unit=unit,
        within=HEADER_WITHIN, missing="no header with HCPCS Code, SI and Payment Rate near "
                                      "the top: not the Addendum B layout")
    seen: dict[str, tuple] = {}
    count = 0
    width = max(cols.values()) + 1
    for n, cells in it:
        if not any(c.strip() for c in cells):
            continue
        where = Line(path, n, unit)
        first = cells[0].strip()
        if count and len(first) > 12 and " " in first:
            continue        # a footnote under the table
        if len(cells) < width:
            raise where.error(f"{len(cells)} columns, expected at least {width}: the file "
                              "seems truncated")
        code = fields.code(first, where, "HCPCS code", pad=rec.fmt == "xlsx")
        si = cells[cols["si"]].strip().upper()
        if not _SI.fullmatch(si):
            raise where.error(f"malformed status indicator {cells[cols['si']]!r}")
        rate = fields.number(cells[cols["rate"]], where, "payment rate")
        row = (rec.release_id, code, si, rate)
        if code in seen:
            if seen[code][1:] != (si, rate):
                raise where.error(f"code {code} appears twice with different values "
                                  f"(also on {unit} {seen[code][0]})")
            continue
        seen[code] = (n, si, rate)
        count += 1
        yield row
    if not count:
        raise BadFileError(path, "the header is there but no codes follow: the file seems "
                           "truncated")
