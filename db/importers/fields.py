"""Checking one value of one line: codes, dates, numbers and indicators.

Each check raises BadFileError naming the file, the line and the value, so that a
malformed line N is reported as such and nothing is imported.
"""

from __future__ import annotations

import datetime as _dt
import re

from db.importers.errors import BadFileError

# CPT (five digits, or four and a letter: 0591T, 0001F) and HCPCS Level II (a letter and
# four digits: J0585). Upper case, no spaces.
CODE = re.compile(r"[0-9A-Z]{5}")
_DATE_CACHE: dict[str, str] = {}


class Line:
    """Where a value comes from: the file and its line (or spreadsheet row)."""

    __slots__ = ("path", "number", "unit")

    def __init__(self, path, number: int | None = None, unit: str = "line"):
        self.path = path
        self.number = number
        self.unit = unit

    def error(self, problem: str) -> BadFileError:
        return BadFileError(self.path, problem, line=self.number, unit=self.unit)


def code(value: str, where: Line, what: str = "code", pad: bool = False) -> str:
    value = value.strip()
    if pad and value.isdigit() and len(value) < 5:     # a spreadsheet dropped leading zeros
        value = value.zfill(5)
    if not CODE.fullmatch(value):
        raise where.error(f"malformed {what} {value!r}: expected a five-character CPT or "
                          "HCPCS code such as 64642 or J0585")
    return value


def yyyymmdd(value: str, where: Line, what: str = "date") -> str:
    """An 8-digit CMS date (20240701) as ISO 2024-07-01."""
    iso = _DATE_CACHE.get(value)
    if iso is not None:
        return iso
    text = value.strip()
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError
        iso = _dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        raise where.error(f"malformed {what} {value!r}: expected a date as YYYYMMDD") from None
    if len(_DATE_CACHE) < 100_000:
        _DATE_CACHE[value] = iso
    return iso


def flexible_date(value: str, where: Line, what: str = "date") -> str | None:
    """A date as CMS writes it in the smaller files: YYYYMMDD, YYYY-MM-DD, MM/DD/YYYY,
    or a bare year (add-on code edits). Blank or '*' is no date."""
    text = value.strip()
    if text in ("", "*"):
        return None
    if re.fullmatch(r"\d{8}", text):
        return yyyymmdd(text, where, what)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return _dt.date.fromisoformat(text).isoformat()
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if m:
            return _dt.date(int(m[3]), int(m[1]), int(m[2])).isoformat()
        if re.fullmatch(r"\d{4}", text) and 1900 < int(text) < 2200:
            return f"{text}-01-01"
        m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T]00:00:00", text)
        if m:
            return _dt.date.fromisoformat(m[1]).isoformat()
    except ValueError:
        pass
    raise where.error(f"malformed {what} {value!r}: expected a date such as 20240701")


def number(value: str, where: Line, what: str, blank_ok: bool = True) -> float | None:
    text = value.strip().replace(",", "").lstrip("$")
    if text in ("", ".") and blank_ok:
        return None
    try:
        return float(text)
    except ValueError:
        raise where.error(f"malformed {what} {value!r}: expected a number") from None


def whole(value: str, where: Line, what: str) -> int:
    text = value.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        raise where.error(f"malformed {what} {value!r}: expected a whole number")
    return int(text)


def one_of(value: str, allowed: str, where: Line, what: str) -> str:
    text = value.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if len(text) != 1 or text not in allowed:
        raise where.error(f"malformed {what} {value!r}: expected one of "
                          f"{', '.join(allowed)}")
    return text


def words(text: str) -> str:
    """A header cell reduced to upper-case letters and digits, for comparing layouts."""
    return re.sub(r"[^0-9A-Z]+", "", text.upper())
