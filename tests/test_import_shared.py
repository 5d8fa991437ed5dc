"""Real CMS rows (../shared/data/cms, when present) imported from the official layouts:
the verbatim PPRRVU23_JAN file as it is, the other extracts written out as CMS
publishes them. What is imported must equal what the bundled data says of the same
release, and lookups must then answer from the imported release."""

from __future__ import annotations

import csv
import pathlib

import pytest

from db.codeset import CURATED, FAMILY
from db.importers import import_files
from tests import cmsfiles
from tests.test_import import content_rows

AUG = "2024-08-15"
SETTINGS = {"Practitioner": "practitioner", "Outpatient Hospital": "outpatient_hospital",
            "DME Supplier": "dme"}


def read(path: pathlib.Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def ptp_rows(path: pathlib.Path):
    return [(r["column1"], r["column2"],
             cmsfiles.synthetic_effective(r["column1"], r["column2"], r["deletion_date"]),
             r["deletion_date"].replace("-", "") or "*", r["modifier_indicator"],
             r["ptp_edit_rationale"]) for r in read(path)]



def test_verbatim_pprrvu23_jan_layout(shared_cms, reference_path, reader):
    path = shared_cms / "pfs_PPRRVU23_JAN_layout_family.csv"
    result = import_files([path], reference_path=reference_path)
    (o,) = result.releases
    assert (o.release_id, o.effective_from) == ("imp-pfs-2023-jan", "2023-01-01")
    assert "released 2023-01-30" in o.label
    r = reader()
    with path.open(newline="", encoding="cp1252") as fh:
        in_file = {row[0] for row in list(csv.reader(fh))[10:] if row and not row[1]}
    bundled = {row["code"]: row for row in content_rows("cms_pfs", "pfs-rvu23a_jan")
               if row["code"] in in_file}
    assert len(bundled) > 25 and set(FAMILY) <= in_file
    for code, want in bundled.items():
        got = r.pfs(code, "2023-02-01")
        assert got is not None and got.release == "imp-pfs-2023-jan", code
        for field in ("work_rvu", "nonfac_pe_rvu", "fac_pe_rvu", "mp_rvu", "nonfac_total",
                      "fac_total", "conv_factor"):
            assert getattr(got, field) == float(want[field]), (code, field)
        for field in ("status", "global_days", "bilateral", "mult_proc", "pctc", "assistant",
                      "co_surgeon", "team"):
            assert (getattr(got, field) or "") == want[field], (code, field)
    assert r.pfs("64643", "2023-02-01").global_days == "ZZZ"


def test_real_ptp_edits_of_two_quarters(shared_cms, reference_path, reader, tmp_path):
    q2, q3 = tmp_path / "q2", tmp_path / "q3"
    q2.mkdir()
    q3.mkdir()
    old = ptp_rows(shared_cms / "ncci_ptp_practitioner_v301r0_2024q2_family.csv")
    new = ptp_rows(shared_cms / "ncci_ptp_practitioner_2024-07-01_family.csv")
    first = import_files(cmsfiles.write_ptp_txt(q2, old, version="v301r0"),
                         reference_path=reference_path)
    assert first.releases[0].rows == len(old) == 11_515
    # v30.1 against the bundled v30.1 (the curated pairs): the same edits
    assert first.changes[0].previous_id is None or not first.changes[0].changes
    second = import_files(cmsfiles.write_ptp_txt(q3, new, version="v302r0"),
                          reference_path=reference_path)
    (ch,) = second.changes
    assert ch.previous_id == "imp-ptp-practitioner-v301r0" and ch.previous_imported

    def state(rows, start):
        out = {}
        for c1, c2, _eff, dele, mi, _ in rows:
            if c1 in FAMILY or c2 in FAMILY:
                active = dele == "*" or f"{dele[:4]}-{dele[4:6]}-{dele[6:]}" >= start
                if active or (c1, c2) not in out:
                    out[(c1, c2)] = (mi, active)
        return out
    a, b = state(old, "2024-04-01"), state(new, "2024-07-01")
    added = {k for k in b if b[k][1] and not (k in a and a[k][1])}
    deleted = {k for k in a if a[k][1] and not (k in b and b[k][1])}
    changed = {k for k in a.keys() & b.keys() if a[k][1] and b[k][1] and a[k][0] != b[k][0]}
    got = {c.kind: set() for c in ch.changes}
    for c in ch.changes:
        if c.what in ("PTP edit", "modifier indicator"):
            got.setdefault(c.kind, set()).add(tuple(c.item.split(" / ")))
    assert got.get("added", set()) == added
    assert got.get("deleted", set()) == deleted
    assert got.get("changed", set()) == changed
    assert added or deleted or changed           # a quarter always moves something

    r = reader()
    bundled = {(x["column1"], x["column2"], int(x["modifier_indicator"]),
                x["deletion_date"] or None)
               for x in content_rows("cms_ptp", "ptp-practitioner-2024-07-01")}
    for code in ("64642", "64643", "64616", "95874", "95860"):
        edits = r.ptp_edits(code, "practitioner", AUG)
        assert {e.release for e in edits} == {"imp-ptp-practitioner-v302r0"}
        curated = {(e.column1, e.column2, e.modifier_indicator, e.deletion_date)
                   for e in edits if e.other_code in CURATED}
        assert curated == {b for b in bundled if code in b[:2]}, code


def test_real_hospital_ptp_mue_aoc_opps_hcpcs(shared_cms, reference_path, reader, tmp_path):
    files = cmsfiles.write_ptp_txt(
        tmp_path, ptp_rows(shared_cms / "ncci_ptp_outpatient_hospital_2024-07-01_family.csv"),
        setting="outpatient_hospital", version="v302r0")
    by_setting: dict[str, list] = {}
    for name in ("ncci_mue_eff_2024-07-01_family.csv", "ncci_mue_eff_2024-07-01_companions.csv"):
        for x in read(shared_cms / name):
            by_setting.setdefault(SETTINGS[x["mue_service_type"]], []).append(
                (x["hcpcs"], x["mue_value"], x["mai"], x["mue_rationale"]))
    for setting, rows in by_setting.items():
        files.append(cmsfiles.write_mue_csv(tmp_path, rows, setting=setting, eff="07-01-2024",
                                            encoding="cp1252"))
    aoc = [(x["add_on_code"], x["primary_code"], x["aoc_edit_type"], "20140101", "")
           for x in read(shared_cms / "ncci_aoc_2024-06-03_family.csv")]
    files.append(cmsfiles.write_aoc_xlsx(tmp_path, aoc, quarter="2024Q3"))
    opps = [(x["HCPCS Code"], x["SI"], x["APC"], x["Relative Weight"], x["Payment Rate"])
            for x in read(shared_cms / "opps_addendum_b_2023-01_full_family.csv")]
    files.append(cmsfiles.write_addendum_b_csv(tmp_path, opps, name="January_2023_Addendum_B.csv",
                                               title="OPPS Addendum B January 2023"))
    hcpcs = [(x["hcpcs"], x["long_description"], x["short_description"],
              x["date_added"].replace("-", ""), x["date_term"].replace("-", ""))
             for x in read(shared_cms / "hcpcs_level2_2024jul_family.csv")]
    files.append(cmsfiles.write_hcpcs_txt(tmp_path, hcpcs, name="HCPC2024_JUL_ANWEB_06072024.txt"))

    result = import_files(files, reference_path=reference_path)
    assert {o.release_id for o in result.releases} == {
        "imp-ptp-outpatient_hospital-v302r0", "imp-mue-practitioner-2024-07-01",
        "imp-mue-outpatient_hospital-2024-07-01", "imp-mue-dme-2024-07-01", "imp-aoc-2024q3",
        "imp-opps-2023-01", "imp-hcpcs-2024-07"}
    r = reader()
    for x in content_rows("cms_mue", "mue-practitioner-2024-07-01"):
        m = r.mue(x["code"], "practitioner", AUG)
        assert (m.value, m.mai, m.release) == (int(x["value"]), int(x["mai"]),
                                               "imp-mue-practitioner-2024-07-01"), x["code"]
    for addon in ("64643", "64645", "95873", "95874"):
        want = sorted({x["primary_code"] for x in content_rows("cms_aoc", "aoc-2024-06-03")
                       if x["addon_code"] == addon})
        assert r.addon_primaries(addon, AUG) == want
    hosp = r.ptp_between(["64642", "64644"], "outpatient_hospital", AUG)
    assert {e.release for e in hosp} == {"imp-ptp-outpatient_hospital-v302r0"}
    assert any(h.release == "imp-opps-2023-01" and h.payment_rate == 271.89
               for h in r.opps_history("20552"))
