"""Writers of files in the official CMS layouts, for the import tests and the benchmark.

Each writes what CMS publishes (preamble rows, header, delimiters, encodings, names),
filled with the rows a test gives it. No CPT descriptor text is ever written: the
PPRRVU DESCRIPTION column of CPT rows stays blank, as in shared/data/cms.
"""

from __future__ import annotations

import csv
import gzip
import pathlib
import zlib

PTP_PREAMBLE = ("CPT codes, descriptions and other data only are copyright 2023 American "
                "Medical Association.  All Rights Reserved.  Applicable FARS/DFARS Apply.")
PTP_HEADER = ("Column 1", "Column 2", "*=in existence prior to 1996", "Effective Date",
              "Deletion Date *=no data", "Modifier 0=not allowed 1=allowed 9=not applicable",
              "PTP Edit Rationale")
MUE_COPYRIGHT = ("CPT codes, descriptions and other data only are copyright 2023 American "
                 "Medical Association. All Rights Reserved.\nApplicable FARS/DFARS Apply.\n"
                 "The MUE values are published for claims processing.")
MUE_VALUES = {"practitioner": "Practitioner Services MUE Values",
              "outpatient_hospital": "Outpatient Hospital Services MUE Values",
              "dme": "DME Supplier Services MUE Values"}
MUE_NAMES = {"practitioner": "PractitionerServices",
             "outpatient_hospital": "OutpatientHospitalServices", "dme": "DMESupplierServices"}
MAI_TEXT = {1: "1 Line Edit", 2: "2 Date of Service Edit: Policy",
            3: "3 Date of Service Edit: Clinical"}


def split(rows: list, parts: int) -> list[list]:
    """Consecutive chunks whose sizes differ by at most one."""
    size, extra = divmod(len(rows), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (i < extra)
        out.append(rows[start:end])
        start = end
    return out


# -- NCCI PTP ------------------------------------------------------------------------

def ptp_line(c1, c2, eff, dele, mi, rationale) -> str:
    pre = "*" if eff <= "19960101" else ""
    return f"{c1}\t{c2}\t{pre}\t{eff}\t{dele}\t{mi}\t{rationale}\r\n"


def write_ptp_txt(folder: pathlib.Path, rows, setting="practitioner", version="v302r0",
                  parts=4, encoding="cp1252") -> list[pathlib.Path]:
    """The four tab-delimited parts of one release, ccipra-v302r0-f1.txt ... f4.txt.

    `rows` is a list (split evenly) or, for the benchmark, an iterator of lists per part.
    """
    prefix = "ccipra" if setting == "practitioner" else "ccioph"
    chunks = split(list(rows), parts) if isinstance(rows, list) else rows
    out = []
    for i, chunk in enumerate(chunks, 1):
        path = folder / f"{prefix}-{version}-f{i}.txt"
        with path.open("w", encoding=encoding, newline="") as fh:
            fh.write(PTP_PREAMBLE + "\r\n\r\n")
            fh.write("\t".join(PTP_HEADER) + "\r\n")
            fh.writelines(ptp_line(*r) for r in chunk)
        out.append(path)
    return out


def write_ptp_xlsx(folder: pathlib.Path, rows, setting="practitioner", version="v302r0",
                   parts=4) -> list[pathlib.Path]:
    import openpyxl
    prefix = "ccipra" if setting == "practitioner" else "ccioph"
    out = []
    for i, chunk in enumerate(split(list(rows), parts), 1):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append([PTP_PREAMBLE])
        ws.append(["Column1/Column2 Edits"])
        ws.append(["Column 1", "Column 2", "*=in existence prior to 1996", "Effective Date",
                   "Deletion Date", "Modifier", "PTP Edit Rationale"])
        ws.append([None, None, None, None, "*=no data", "0=not allowed", None])
        ws.append([None, None, None, None, None, "1=allowed", None])
        ws.append([None, None, None, None, None, "9=not applicable", None])
        for c1, c2, eff, dele, mi, rationale in chunk:
            ws.append([int(c1) if c1.isdigit() else c1, c2, "*" if eff <= "19960101" else None,
                       int(eff), dele if dele == "*" else int(dele), int(mi), rationale])
        path = folder / f"{prefix}-{version}-f{i}.xlsx"
        wb.save(path)
        out.append(path)
    return out


def real_ptp_rows(gz_path: pathlib.Path):
    """The shared 2024-07-01 practitioner table as PTP rows, with the effective date and
    pre-1996 mark the extract lacks made up deterministically (never after deletion)."""
    with gzip.open(gz_path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for c1, c2, dele, mi, rationale in reader:
            yield (c1, c2, synthetic_effective(c1, c2, dele), dele.replace("-", "") or "*",
                   mi, rationale)


def synthetic_effective(c1: str, c2: str, dele: str) -> str:
    year = 1996 + zlib.crc32(f"{c1}{c2}".encode()) % 28
    eff = f"{year}{(zlib.crc32(c2.encode()) % 4) * 3 + 1:02d}01"
    limit = dele.replace("-", "") if dele else "20240701"
    return min(eff, limit)


# -- MUE -------------------------------------------------------------------------------

def write_mue_csv(folder: pathlib.Path, rows, setting="practitioner", eff="07-01-2024",
                  encoding="utf-8", name=None) -> pathlib.Path:
    """rows: (code, value, mai, rationale)."""
    path = folder / (name or f"MCR_MUE_{MUE_NAMES[setting]}_Eff_{eff}.csv")
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow([MUE_COPYRIGHT, "", "", ""])
        w.writerow(["HCPCS/\nCPT Code", MUE_VALUES[setting], "MUE Adjudication Indicator",
                    "MUE Rationale"])
        for code, value, mai, rationale in rows:
            w.writerow([code, value, MAI_TEXT[int(mai)], rationale])
    return path


def write_mue_xlsx(folder: pathlib.Path, rows, setting="practitioner", eff="07-01-2024"):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([MUE_COPYRIGHT])
    ws.append(["HCPCS/\nCPT Code", MUE_VALUES[setting], "MUE Adjudication Indicator",
               "MUE Rationale"])
    for code, value, mai, rationale in rows:
        ws.append([int(code) if code.isdigit() else code, int(value), MAI_TEXT[int(mai)],
                   rationale])
    path = folder / f"MCR_MUE_{MUE_NAMES[setting]}_Eff_{eff}.xlsx"
    wb.save(path)
    return path


# -- add-on code edits ----------------------------------------------------------------

AOC_HEADER = ("Add-On Code", "AOC_DEL_DT", "Primary Code", "Primary Code Del Dt",
              "AOC Edit Type", "AOC Edit Eff Dt", "AOC Edit Del Dt",
              "Special Instruction Notes")


def write_aoc_xlsx(folder: pathlib.Path, rows, quarter="2024Q3", order=None):
    """rows: (addon, primary, edit_type, edit_eff, edit_del). `order` permutes columns."""
    import openpyxl
    order = order or list(range(len(AOC_HEADER)))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([AOC_HEADER[i] for i in order])
    for addon, primary, kind, eff, dele in rows:
        full = [addon, "", primary, "", int(kind), eff, dele, ""]
        ws.append([full[i] for i in order])
    path = folder / f"AOC_V{quarter}-MCR.xlsx"
    wb.save(path)
    return path


def write_aoc_txt(folder: pathlib.Path, rows, quarter="2024Q3", order=None,
                  encoding="cp1252"):
    order = order or list(range(len(AOC_HEADER)))
    path = folder / f"AOC_V{quarter}-MCR.txt"
    with path.open("w", encoding=encoding, newline="") as fh:
        fh.write("\t".join(AOC_HEADER[i] for i in order) + "\r\n")
        for addon, primary, kind, eff, dele in rows:
            full = [addon, "", primary, "", str(kind), eff, dele, ""]
            fh.write("\t".join(full[i] for i in order) + "\r\n")
    return path


# -- PPRRVU ------------------------------------------------------------------------------

PPRRVU_STACK = [
    ",, , ,,,,,,,,,,,,,,,,,,,,,,,,,NON-FACILITY,FACILITY,",
    ",,,,NOT USED,,,,,,,,,,,,,,,,,,,,,PHYSICIAN,,DIAGNOSTIC,PE USED,PE USED,MP USED",
    ",,,,FOR,,,NON-FAC,,FACILITY ,,,,,,,,,,,,,,,,SUPERVISION OF,,IMAGING,FOR OPPS,FOR OPPS,"
    "FOR OPPS",
    ",,,STATUS,MEDICARE ,WORK,NON-FAC,NA,FACILITY,NA,MP,NON-FACILITY,FACILITY,PCTC,GLOB,PRE,"
    "INTRA,POST,MULT,BILAT,ASST,CO-,TEAM,ENDO,CONV,DIAGNOSTIC,CALCULATION,FAMILY,PAYMENT,"
    "PAYMENT,PAYMENT",
    "HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,PE RVU,INDICATOR,PE RVU,INDICATOR,RVU,TOTAL,TOTAL,"
    "IND,DAYS,OP,OP,OP,PROC,SURG,SURG,SURG,SURG,BASE,FACTOR,PROCEDURES,FLAG,INDICATOR,AMOUNT,"
    "AMOUNT,AMOUNT",
]


def pprrvu_row(code, work=1.0, status="A", cf=33.2875, glob="010", bilat="1", mod="",
               description="", nonfac_na="", fac_na="") -> list[str]:
    """A 31-column PPRRVU row; totals are made from the RVUs given."""
    pe_nf, pe_f, mp = round(work * 1.2, 2), round(work * 0.8, 2), round(work * 0.1, 2)
    return [code, mod, description, status, "", f"{work:.2f}", f"{pe_nf:.2f}", nonfac_na,
            f"{pe_f:.2f}", fac_na, f"{mp:.2f}", f"{work + pe_nf + mp:.2f}",
            f"{work + pe_f + mp:.2f}", "0", glob, "0.10", "0.80", "0.10", "2", bilat, "1", "0",
            "0", "", f"{cf:.4f}", "09", "0", "99", "0.00", "0.00", "0.00"]


def write_pprrvu_csv(folder: pathlib.Path, rows, name="PPRRVU24_JUL.csv", year=2024,
                     month="July", released="06/28/2024", encoding="cp1252",
                     variant_title=""):
    path = folder / name
    title = (f",,{year} National Physician Fee Schedule Relative Value File {month} Release"
             f"{variant_title}" + "," * 28)
    lines = [title,
             ",,CPT codes and descriptions only are copyright 2023 American Medical "
             "Association.  All Rights Reserved.  Applicable FARS/DFARS Apply. " + "," * 28,
             ",,Dental codes (D codes) are copyright 2024 American Dental Association.  All "
             "Rights Reserved." + "," * 28,
             ",, " + "," * 28, f",,RELEASED {released}" + "," * 28, *PPRRVU_STACK]
    with path.open("w", encoding=encoding, newline="") as fh:
        fh.write("\r\n".join(lines) + "\r\n")
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerows(rows)
    return path


# -- OPPS Addendum B -------------------------------------------------------------------

def write_addendum_b_csv(folder: pathlib.Path, rows, name="January_2025_Addendum_B.csv",
                         title="OPPS Addendum B.-- Final OPPS Payment by HCPCS Code for CY 2025",
                         encoding="cp1252"):
    """rows: (code, si, apc, weight, rate)."""
    path = folder / name
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow([title])
        w.writerow(["CPT codes and descriptions only are copyright 2024 American Medical "
                    "Association. All Rights Reserved."])
        w.writerow([])
        w.writerow(["HCPCS Code", "Short Descriptor", "SI", "APC", "Relative Weight",
                    "Payment Rate", "National Unadjusted Copayment",
                    "Minimum Unadjusted Copayment", "Note", "* Indicates a Change"])
        for code, si, apc, weight, rate in rows:
            w.writerow([code, "", si, apc, weight, rate, "", "", "", ""])
    return path


# -- HCPCS Level II (fixed width) -----------------------------------------------------

def hcpcs_record(code, seq, rid, long_desc, short_desc="", added="", term="") -> str:
    rec = [" "] * 320
    def put(pos, text):   # 1-based start
        for i, ch in enumerate(text):
            rec[pos - 1 + i] = ch
    put(1, code.ljust(5))
    put(6, f"{seq:05d}")
    put(11, rid)
    put(12, long_desc[:80].ljust(80))
    put(92, short_desc[:28].ljust(28))
    put(270, added.ljust(8))
    put(286, term.ljust(8))
    return "".join(rec)


def write_hcpcs_txt(folder: pathlib.Path, codes, name="HCPC2024_JUL_ANWEB_06072024.txt",
                    encoding="cp1252"):
    """codes: (code, long description, short description, added YYYYMMDD, term)."""
    path = folder / name
    lines = []
    for code, long_desc, short_desc, added, term in codes:
        pieces = [long_desc[i:i + 80] for i in range(0, len(long_desc), 80)] or [""]
        for k, piece in enumerate(pieces):
            lines.append(hcpcs_record(code, 100 + k, "3" if k == 0 else "4", piece,
                                      short_desc if k == 0 else "", added, term))
    lines.append(hcpcs_record("25", 100, "7", "Significant, separately identifiable e/m "
                              "service", "Sig sep e/m same day"))
    with path.open("w", encoding=encoding, newline="") as fh:
        fh.write("\r\n".join(lines) + "\r\n")
    return path


# -- ICD-10-CM -------------------------------------------------------------------------

def write_icd_order(folder: pathlib.Path, codes, name="icd10cm-order-2027.txt"):
    """codes: (code without dot, billable 0/1, title)."""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        for i, (code, billable, title) in enumerate(codes, 1):
            fh.write(f"{i:05d} {code:<7} {billable} {title[:60]:<60} {title}\n")
    return path


def write_icd_xml(folder: pathlib.Path, tree, name="icd10cm-tabular-2027.xml", version="2027"):
    """tree: {category: (title, {code: title})}."""
    from xml.sax.saxutils import escape
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<ICD10CM.tabular>\n'
             f"<version>{version}</version>\n<chapter><name>6</name>"
             "<desc>Diseases of the nervous system (G00-G99)</desc>\n"]
    for cat, (title, children) in tree.items():
        parts.append(f"<diag><name>{cat}</name><desc>{escape(title)}</desc>")
        for code, ctitle in children.items():
            parts.append(f"<diag><name>{code}</name><desc>{escape(ctitle)}</desc></diag>")
        parts.append("</diag>\n")
    parts.append("</chapter>\n</ICD10CM.tabular>\n")
    path = folder / name
    path.write_text("".join(parts), encoding="utf-8")
    return path
