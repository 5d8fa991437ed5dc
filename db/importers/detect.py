"""Recognising an official CMS file: what it is and which release, from its content and
its name, never by asking.

The content says the kind (its header rows are unlike each other's); the name, as CMS
gives it, says the release (ccipra-v302r0-f1.txt is practitioner PTP v30.2, part 1;
MCR_MUE_PractitionerServices_Eff_07-01-2024.csv is effective 2024-07-01; PPRRVU24_JUL.csv
is the July 2024 fee schedule). Where a name was changed, the content's own title line
(the fee schedule, OPPS, ICD-10-CM) is used; where neither says, the file is refused
with the reason.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import pathlib
import re
from dataclasses import dataclass

from db.importers import reading
from db.importers.errors import BadFileError
from db.importers.fields import words

KINDS = ("ptp", "mue", "pfs", "aoc", "opps", "hcpcs", "icd10cm")
SETTING_WORDS = {"practitioner": "practitioner", "outpatient_hospital": "outpatient hospital",
                 "dme": "DME supplier"}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
QUARTER_MONTHS = (1, 4, 7, 10)


@dataclass(frozen=True)
class Recognized:
    """One file, recognised: its kind, format and the release it belongs to."""

    path: pathlib.Path
    kind: str                 # ptp | mue | pfs | aoc | opps | hcpcs | icd10cm
    fmt: str                  # text | xlsx | xml
    dataset: str              # the dataset its release belongs to (ptp_practitioner, ...)
    release_id: str
    label: str
    effective_from: str
    effective_to: str | None
    version_key: str = ""     # orders revisions of one quarter (r1 after r0, a later RELEASED date)
    part: int | None = None   # PTP: which of the split parts (f1..f4)
    group: str | None = None  # PTP: the release the parts belong to (ccipra-v302r0)
    setting: str | None = None
    variant: str | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def description(self) -> str:
        text = KIND_WORDS[self.kind]
        if self.setting:
            text += f", {SETTING_WORDS[self.setting]}"
        if self.variant:
            text += f", {self.variant}"
        text += f": {self.label}"
        if self.part:
            text += f", part {self.part}"
        return text

    def to_json(self) -> dict:
        return {"file": self.name, "path": str(self.path), "kind": self.kind,
                "format": self.fmt, "dataset": self.dataset, "release": self.release_id,
                "label": self.label, "effective_from": self.effective_from,
                "effective_to": self.effective_to, "part": self.part,
                "description": self.description}


KIND_WORDS = {"ptp": "NCCI procedure-to-procedure edits", "mue": "NCCI medically unlikely edits",
              "pfs": "Physician fee schedule relative values (PPRRVU)",
              "aoc": "NCCI add-on code edits", "opps": "OPPS Addendum B",
              "hcpcs": "HCPCS Level II codes", "icd10cm": "ICD-10-CM codes"}


def quarter_end(start: str) -> str:
    d = _dt.date.fromisoformat(start)
    month = ((d.month - 1) // 3) * 3 + 3
    return _dt.date(d.year, month, calendar.monthrange(d.year, month)[1]).isoformat()


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if y < 100 else y


# -- names --------------------------------------------------------------------------

PTP_NAME = re.compile(r"(ccipra|ccioph)-v(\d{2})(\d)r(\d+)(?:-f(\d+))?", re.I)
MUE_NAME = re.compile(r"MUE_(Practitioner|OutpatientHospital|DMESupplier|DME)\w*?"
                      r"_Eff_(\d{1,2})-(\d{1,2})-(\d{4})", re.I)
PFS_NAME = re.compile(r"PPRRVU(\d{4}|\d{2})_(JAN|APR|JUL|OCT)(?:_(QPP|NONQPP))?", re.I)
AOC_NAME = re.compile(r"AOC_V(\d{4})Q([1-4])", re.I)
HCPCS_NAME = re.compile(r"HCPC(\d{4})_(JAN|APR|JUL|OCT)", re.I)
ICD_NAME = re.compile(r"icd10cm[_ -](?:order|tabular|codes)[_ -]"
                      r"(?:(april|january|october)[_ -]1[_ -])?(?:fy)?(\d{4})", re.I)
MONTH_YEAR = re.compile(r"(january|february|march|april|may|june|july|august|september|"
                        r"october|november|december|jan|apr|jul|oct)[ _.-]*(\d{4})", re.I)
YEAR_MONTH = re.compile(r"(\d{4})[ _.-]*(january|april|july|october|jan|apr|jul|oct)(?![a-z])",
                        re.I)


def _month_year(text: str) -> tuple[int, int] | None:
    m = MONTH_YEAR.search(text)
    if m:
        return int(m[2]), MONTHS[m[1].lower()]
    m = YEAR_MONTH.search(text)
    if m:
        return int(m[1]), MONTHS[m[2].lower()]
    return None


# -- content signatures --------------------------------------------------------------

def _rows_of_text(head: str, delimiter: str | None = None) -> list[list[str]]:
    import csv
    import io
    lines = head.splitlines(keepends=True)[:reading.HEAD_ROWS]
    sample = "".join(lines)
    if delimiter is None:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        return [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter)]
    except csv.Error:
        return [ln.rstrip("\r\n").split(delimiter) for ln in lines]


def content_kind(rows: list[list[str]], head: str) -> str | None:
    """The kind a file's first rows say it is, or None."""
    stripped = head.lstrip("\ufeff \r\n\t")
    if stripped.startswith("<?xml") or stripped.startswith("<ICD10CM"):
        return "icd10cm" if "ICD10CM.tabular" in head[:4000] else None
    first_lines = [ln for ln in head.splitlines()[:20] if ln.strip()]
    if first_lines and all(ICD_ORDER_LINE.match(ln) for ln in first_lines[:10]):
        return "icd10cm"
    if first_lines and sum(bool(HCPCS_LINE.match(ln)) for ln in first_lines[:10]) >= \
            min(len(first_lines), 10) * 0.8:
        return "hcpcs"
    for r in rows:
        cells = [words(c) for c in r]
        if len(cells) >= 2 and cells[0] == "COLUMN1" and cells[1] == "COLUMN2":
            return "ptp"
        if cells and cells[0] in ("HCPCSCPTCODE", "HCPCSCODE", "CPTHCPCSCODE") and any(
                c.endswith("MUEVALUES") for c in cells):
            return "mue"
        if any(c in ("ADDONCODE", "AOC", "ADDONCODES") for c in cells) and any(
                c.startswith("PRIMARYCODE") for c in cells):
            return "aoc"
        if cells[:3] == ["HCPCS", "MOD", "DESCRIPTION"]:
            return "pfs"
        if cells and cells[0] in ("HCPCSCODE", "HCPCS") and any(
                c in ("SI", "STATUSINDICATOR") for c in cells) and any(
                c.startswith("PAYMENTRATE") for c in cells):
            return "opps"
    # A PPRRVU file whose header moved still has its title on the first line.
    if rows and PFS_TITLE.search(" ".join(rows[0])):
        return "pfs"
    return None


PFS_TITLE = re.compile(r"\b\d{4} National Physician Fee Schedule Relative Value File", re.I)
ICD_ORDER_LINE = re.compile(r"\d{5} [A-Z][0-9][0-9A-Z]{1,5} *[01] \S")
HCPCS_LINE = re.compile(r"[A-Z0-9 ]{5}\d{5}[3478]")


# -- the release each kind's file belongs to ------------------------------------------

def _ptp(path, fmt) -> Recognized:
    m = PTP_NAME.search(path.name)
    if not m:
        raise BadFileError(path, "this is an NCCI PTP edit file, but its name does not say "
                           "which table and version (CMS names them like ccipra-v302r0-f1.txt "
                           "for practitioner, ccioph-v302r0-f1.txt for outpatient hospital). "
                           "Use the file with its CMS name.")
    setting = "practitioner" if m[1].lower() == "ccipra" else "outpatient_hospital"
    major, minor, rev = int(m[2]), int(m[3]), int(m[4])
    if not 0 <= minor <= 3:
        raise BadFileError(path, f"version v{m[2]}.{m[3]} in the name is not a quarterly NCCI "
                           "version (the digit after the major version is 0 to 3)")
    start = _dt.date(1994 + major, QUARTER_MONTHS[minor], 1).isoformat()
    version = f"v{major}{minor}r{rev}"
    return Recognized(path, "ptp", fmt, f"ptp_{setting}", f"imp-ptp-{setting}-{version}",
                      f"NCCI PTP {SETTING_WORDS[setting]} v{major}.{minor} r{rev}", start,
                      quarter_end(start), version_key=f"{rev:04d}",
                      part=int(m[5]) if m[5] else None,
                      group=f"{m[1].lower()}-{version}", setting=setting)


def _mue(path, fmt, rows) -> Recognized:
    setting = None
    for r in rows:
        for c in r:
            w = words(c)
            if w.endswith("MUEVALUES"):
                setting = ("practitioner" if w.startswith("PRACTITIONER") else
                           "outpatient_hospital" if w.startswith("OUTPATIENT") else
                           "dme" if w.startswith("DME") else None)
    m = MUE_NAME.search(path.name)
    if setting is None and m:
        setting = {"practitioner": "practitioner", "outpatienthospital": "outpatient_hospital",
                   "dmesupplier": "dme", "dme": "dme"}[m[1].lower()]
    if setting is None:
        raise BadFileError(path, "an MUE file, but neither its header nor its name says which "
                           "table (practitioner, outpatient hospital or DME supplier)")
    if not m:
        raise BadFileError(path, "an MUE file, but its name does not carry the effective date "
                           "(CMS names them like MCR_MUE_PractitionerServices_Eff_07-01-2024.csv)."
                           " Use the file with its CMS name.")
    try:
        start = _dt.date(int(m[4]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        raise BadFileError(path, f"the effective date in the name ({m[2]}-{m[3]}-{m[4]}) is "
                           "not a date") from None
    return Recognized(path, "mue", fmt, f"mue_{setting}", f"imp-mue-{setting}-{start}",
                      f"NCCI MUE {SETTING_WORDS[setting]} {start}", start, quarter_end(start),
                      setting=setting)


def _pfs(path, fmt, rows) -> Recognized:
    title = " ".join(" ".join(r) for r in rows[:9])
    m = PFS_NAME.search(path.name)
    variant = None
    if m:
        year, month = _year(m[1]), MONTHS[m[2].lower()]
        if m[3]:
            variant = "QPP" if m[3].upper() == "QPP" else "nonQPP"
    else:
        t = re.search(r"(\d{4}) National Physician Fee Schedule Relative Value File\s+"
                      r"(January|April|July|October)", title, re.I)
        if not t:
            raise BadFileError(path, "a fee-schedule relative value file, but neither its name "
                               "(PPRRVU24_JUL.csv) nor its title line says which release")
        year, month = int(t[1]), MONTHS[t[2].lower()]
        if re.search(r"non[- ]?QPP|non-qualifying", title, re.I):
            variant = "nonQPP"
        elif re.search(r"\bQPP\b|qualifying APM", title, re.I):
            variant = "QPP"
    released = re.search(r"RELEASED\s+(\d{1,2})/(\d{1,2})/(\d{4})", title, re.I)
    version = ""
    if released:
        version = f"{released[3]}-{int(released[1]):02d}-{int(released[2]):02d}"
    start = _dt.date(year, month, 1).isoformat()
    mon = calendar.month_abbr[month].lower()
    qpp = variant == "QPP"
    rid = f"imp-pfs-{year}-{mon}" + ("-qpp" if qpp else "")
    label = f"PFS {year} {calendar.month_name[month]}" + (f" ({variant})" if variant else "")
    if version:
        label += f", released {version}"
    return Recognized(path, "pfs", fmt, "pfs_qpp" if qpp else "pfs", rid, label, start,
                      quarter_end(start), version_key=version, variant=variant)


def _aoc(path, fmt) -> Recognized:
    m = AOC_NAME.search(path.name)
    if not m:
        raise BadFileError(path, "an add-on code edit file, but its name does not say which "
                           "quarter (CMS names them like AOC_V2024Q2-MCR.xlsx). Use the file "
                           "with its CMS name.")
    year, q = int(m[1]), int(m[2])
    start = _dt.date(year, QUARTER_MONTHS[q - 1], 1).isoformat()
    return Recognized(path, "aoc", fmt, "aoc", f"imp-aoc-{year}q{q}",
                      f"NCCI add-on code edits {year} Q{q}", start, quarter_end(start))


def _opps(path, fmt, rows) -> Recognized:
    found = _month_year(path.name) or _month_year(" ".join(" ".join(r) for r in rows[:12]))
    if not found:
        raise BadFileError(path, "an OPPS Addendum B file, but neither its name nor its title "
                           "rows say which quarter (for example 'January 2024')")
    year, month = found
    start = _dt.date(year, month, 1).isoformat()
    return Recognized(path, "opps", fmt, "opps", f"imp-opps-{year}-{month:02d}",
                      f"OPPS Addendum B {calendar.month_name[month]} {year}", start,
                      quarter_end(start))


def _hcpcs(path, fmt) -> Recognized:
    m = HCPCS_NAME.search(path.name)
    if not m:
        raise BadFileError(path, "an HCPCS Level II file, but its name does not say which "
                           "quarter (CMS names them like HCPC2024_JUL_ANWEB_06072024.txt)")
    year, month = int(m[1]), MONTHS[m[2].lower()]
    start = _dt.date(year, month, 1).isoformat()
    return Recognized(path, "hcpcs", fmt, "hcpcs", f"imp-hcpcs-{year}-{month:02d}",
                      f"HCPCS Level II {calendar.month_name[month]} {year}", start,
                      quarter_end(start))


def _icd(path, fmt, head) -> Recognized:
    m = ICD_NAME.search(path.name)
    month = None
    if m:
        year = int(m[2])
        month = MONTHS[m[1].lower()] if m[1] else None
    else:
        v = re.search(r"<version>\s*(\d{4})\s*</version>", head)
        if not v:
            raise BadFileError(path, "an ICD-10-CM file, but neither its name "
                               "(icd10cm-order-2026.txt) nor its content says which fiscal year")
        year = int(v[1])
    if month in (None, 10):
        start, end = f"{year - 1}-10-01", f"{year}-09-30"
        rid, label = f"imp-icd10cm-fy{year}", f"ICD-10-CM FY{year}"
    else:
        start, end = _dt.date(year, month, 1).isoformat(), f"{year}-09-30"
        rid = f"imp-icd10cm-fy{year}-{calendar.month_abbr[month].lower()}"
        label = f"ICD-10-CM FY{year}, {calendar.month_name[month]} {year} update"
    return Recognized(path, "icd10cm", fmt, "icd10cm", rid, label, start, end)


def recognize(path) -> Recognized:
    """What a file is, from its first rows and its name. Raises BadFileError."""
    path = pathlib.Path(path)
    reading.check_readable(path)
    head_bytes = reading.magic(path)
    if head_bytes == reading.OLE_MAGIC:
        raise BadFileError(path, "an Excel 97-2003 (.xls) workbook: CodeDesk reads the .xlsx, "
                           ".txt and .csv files CMS publishes. Use one of those.")
    if head_bytes == reading.ZIP_MAGIC:
        if path.suffix.lower() == ".zip":
            raise BadFileError(path, "a ZIP archive: unpack it first, then choose the files "
                               "inside it")
        fmt = "xlsx"
        rows = reading.workbook_head(path)
        head = "\n".join("\t".join(r) for r in rows)
    else:
        head = reading.head_text(path)
        if not head.strip():
            raise BadFileError(path, "the file is empty (only blank lines)")
        rows = _rows_of_text(head)
        fmt = "text"
    kind = content_kind(rows, head)
    if kind is None:
        raise BadFileError(path, "not a CMS file CodeDesk knows: expected NCCI PTP or MUE "
                           "edits, add-on code edits, a PPRRVU relative value file, OPPS "
                           "Addendum B, the HCPCS Level II file or ICD-10-CM (order file or "
                           "tabular XML)", line=None)
    if kind == "icd10cm" and head.lstrip("\ufeff \r\n\t").startswith("<"):
        fmt = "xml"
    if kind == "ptp":
        return _ptp(path, fmt)
    if kind == "mue":
        return _mue(path, fmt, rows)
    if kind == "pfs":
        return _pfs(path, fmt, rows)
    if kind == "aoc":
        return _aoc(path, fmt)
    if kind == "opps":
        return _opps(path, fmt, rows)
    if kind == "hcpcs":
        return _hcpcs(path, fmt)
    return _icd(path, fmt, head)
