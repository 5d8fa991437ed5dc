"""Extract the curated CMS facts for our code set from the CMS extracts in shared/.

A maintainer's tool, run by hand when the curated tables are refreshed:

    python -m db.curate_cms ../shared/data/cms

It writes db/content/releases.csv and the cms_*.csv tables, restricted to the codes of
db.codeset.CURATED, each row tagged with the release it came from. The output is
reviewed like any other content change; tests/test_content.py checks every row
against the CMS files again whenever they are present.
"""

from __future__ import annotations

import csv
import pathlib
import sys

from db.codeset import CURATED

CONTENT = pathlib.Path(__file__).with_name("content")
CODES = set(CURATED)

# release id, dataset, label, effective from, effective to, source id
PTP_FILES = {
    "ncci_ptp_practitioner_2024-07-01_family.csv": (
        "ptp-practitioner-2024-07-01", "ptp_practitioner", "practitioner",
        "NCCI PTP practitioner v30.2", "2024-07-01", "2024-09-30", "cms-ptp-practitioner-2024q3"),
    "ncci_ptp_practitioner_v301r0_2024q2_family.csv": (
        "ptp-practitioner-2024-04-01", "ptp_practitioner", "practitioner",
        "NCCI PTP practitioner v30.1", "2024-04-01", "2024-06-30", "cms-ptp-practitioner-2024q2"),
    "ncci_ptp_outpatient_hospital_2024-07-01_family.csv": (
        "ptp-outpatient_hospital-2024-07-01", "ptp_outpatient_hospital", "outpatient_hospital",
        "NCCI PTP outpatient hospital v30.2", "2024-07-01", "2024-09-30", "cms-ptp-hospital-2024q3"),
}
MUE_FILES = {
    "ncci_mue_eff_2024-07-01_family.csv": ("2024-07-01", "2024-09-30", "cms-mue-2024-07-01"),
    "ncci_mue_eff_2024-07-01_companions.csv": ("2024-07-01", "2024-09-30", "cms-mue-2024-07-01"),
    "ncci_mue_eff_2024-04-01_family.csv": ("2024-04-01", "2024-06-30", "cms-mue-2024-04-01"),
}
MUE_SETTINGS = {"Practitioner": "practitioner", "Outpatient Hospital": "outpatient_hospital",
                "DME Supplier": "dme"}
PFS_FILES = ("pfs_pprrvu_2023_family.csv", "pfs_pprrvu_2024_family.csv",
             "pfs_pprrvu_2024_companions.csv")
PFS_LABELS = {"a_jan": "January", "ar_jan": "January revised", "b_apr": "April",
              "c_jul": "July", "d_oct": "October"}
OPPS_FROM = "2024-01"


def _rows(path: pathlib.Path):
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _write(name: str, header: list[str], rows: list[list]) -> None:
    with (CONTENT / name).open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def _quarter_end(quarter: str) -> str:
    year, month = (int(p) for p in quarter.split("-"))
    end_month = month + 2
    last_day = {3: 31, 6: 30, 9: 30, 12: 31}.get(end_month, 30)
    return f"{year}-{end_month:02d}-{last_day}"


def curate(src: pathlib.Path) -> None:
    releases: dict[str, list] = {}

    ptp = []
    for name, (rel, dataset, setting, label, start, end, source) in PTP_FILES.items():
        releases[rel] = [rel, dataset, label, start, end, source]
        for r in _rows(src / name):
            if r["column1"] in CODES and r["column2"] in CODES:
                ptp.append([rel, setting, r["column1"], r["column2"], r["deletion_date"],
                            r["modifier_indicator"], r["ptp_edit_rationale"]])
    _write("cms_ptp.csv", ["release", "setting", "column1", "column2", "deletion_date",
                           "modifier_indicator", "rationale"], sorted(ptp))

    mue = set()
    for name, (start, end, source) in MUE_FILES.items():
        for r in _rows(src / name):
            if r["hcpcs"] not in CODES:
                continue
            setting = MUE_SETTINGS[r["mue_service_type"]]
            rel = f"mue-{setting}-{start}"
            releases[rel] = [rel, f"mue_{setting}", f"NCCI MUE {r['mue_service_type']} {start}",
                             start, end, source]
            mue.add((rel, setting, r["hcpcs"], r["mue_value"], r["mai"], r["mue_rationale"]))
    _write("cms_mue.csv", ["release", "setting", "code", "value", "mai", "rationale"],
           sorted(mue))

    pfs = set()
    for name in PFS_FILES:
        for r in _rows(src / name):
            if r["hcpcs"] not in CODES or r["mod"]:
                continue
            sf = r["source_file"]  # e.g. rvu24ar_jan
            rel = f"pfs-{sf}"
            year = "20" + sf[3:5]
            releases[rel] = [rel, "pfs", f"PFS {year} {PFS_LABELS[sf[5:]]} ({sf[:6].upper()})",
                             r["date_start"], r["date_end"], f"cms-pfs-{year}"]
            pfs.add((rel, r["hcpcs"], r["status_code"], r["work_rvu"], r["non_fac_pe_rvu"],
                     r["facility_pe_rvu"], r["mp_rvu"], r["non_facility_total"],
                     r["facility_total"], r["non_fac_indicator"], r["facility_indicator"],
                     r["pctc_ind"], r["glob_days"], r["mult_proc"], r["bilat_surg"],
                     r["asst_surg"], r["co_surg"], r["team_surg"], r["conv_factor"]))
    _write("cms_pfs.csv", ["release", "code", "status", "work_rvu", "nonfac_pe_rvu",
                           "fac_pe_rvu", "mp_rvu", "nonfac_total", "fac_total", "nonfac_na",
                           "fac_na", "pctc", "global_days", "mult_proc", "bilateral",
                           "assistant", "co_surgeon", "team", "conv_factor"], sorted(pfs))

    rel = "aoc-2024-06-03"
    releases[rel] = [rel, "aoc", "NCCI add-on code edits 2024 (file of 2024-06-03)",
                     "2024-01-01", "", "cms-aoc-2024"]
    aoc = [[rel, r["primary_code"], r["add_on_code"], r["aoc_edit_type"]]
           for r in _rows(src / "ncci_aoc_2024-06-03_family.csv")
           if r["primary_code"] in CODES and r["add_on_code"] in CODES]
    _write("cms_aoc.csv", ["release", "primary_code", "addon_code", "edit_type"], sorted(aoc))

    opps: dict[tuple, set] = {}
    for r in _rows(src / "opps_addendum_b_softek_sample_family.csv"):
        q = r["source_quarter"]
        if r["hcpcs"] not in CODES or len(q) != 7 or q < OPPS_FROM:
            continue
        rel = f"opps-{q}"
        releases[rel] = [rel, "opps", f"OPPS Addendum B {q}", f"{q}-01", _quarter_end(q),
                         "cms-opps-addb"]
        opps.setdefault((rel, r["hcpcs"]), set()).add((r["status_indicator"], r["payment_rate"]))
    # A quarter published twice with different figures (a corrected file) is left out:
    # which one is final cannot be told from the extract, and we never guess a payment.
    _write("cms_opps.csv", ["release", "code", "status_indicator", "payment_rate"],
           sorted([*key, *next(iter(vals))] for key, vals in opps.items() if len(vals) == 1))

    rel = "hcpcs-2024-07"
    releases[rel] = [rel, "hcpcs", "HCPCS Level II July 2024", "2024-07-01", "2024-09-30",
                     "cms-hcpcs-2024jul"]
    hcpcs = [[rel, r["hcpcs"], r["long_description"], r["short_description"], r["date_added"]]
             for r in _rows(src / "hcpcs_level2_2024jul_family.csv") if r["hcpcs"] in CODES]
    _write("hcpcs_level2.csv", ["release", "code", "long_description", "short_description",
                                "date_added"], sorted(hcpcs))

    _write("releases.csv", ["release", "dataset", "label", "effective_from", "effective_to",
                            "source"], sorted(releases.values()))


if __name__ == "__main__":
    curate(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/cms"))
