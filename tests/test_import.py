"""Importing the official CMS files (issue 5): each kind in its official layout, written
by the test; lookups and wizard decisions follow the imported release; importing the
same release again changes nothing; what changed."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import threading

import pytest

from db.importers import (BadFileError, ImportCancelled, ImportStore, import_files, prepare,
                          recognize)
from rules.engine import decide
from tests import cmsfiles
from tests.engine_cases import emg, enc, side

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONTENT = ROOT / "db" / "content"
OCT = "2024-10-15"          # a date in force for the imported releases of 2024-10-01
AUG = "2024-08-15"          # a date the bundled 2024-07-01 releases cover


def content_rows(name: str, release: str) -> list[dict]:
    with (CONTENT / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["release"] == release]


def curated_ptp(release="ptp-practitioner-2024-07-01", change=None):
    """The bundled family edits as official PTP rows; `change` maps (c1, c2) to
    (deletion YYYYMMDD or '*', indicator)."""
    out = []
    for r in content_rows("cms_ptp", release):
        dele = r["deletion_date"].replace("-", "") or "*"
        mi = r["modifier_indicator"]
        key = (r["column1"], r["column2"])
        if change and key in change:
            dele, mi = change[key]
        eff = "20100101" if dele == "*" or dele >= "20100101" else "19960101"
        out.append((r["column1"], r["column2"], eff, dele, mi, r["rationale"]))
    return out


def sha(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()



@pytest.fixture
def run(reference_path, data_dir):
    def _run(paths, **kw):
        return import_files(paths, reference_path=reference_path, **kw)
    return _run



# -- NCCI PTP ---------------------------------------------------------------------------

def test_ptp_parts_import_as_one_release_and_lookups_follow(run, reader, folder, reference):
    rows = curated_ptp(change={("64612", "95869"): ("*", "0")})
    files = cmsfiles.write_ptp_txt(folder, rows, version="v303r0")
    result = run(files)
    (o,) = result.releases
    assert (o.release_id, o.status, o.rows) == ("imp-ptp-practitioner-v303r0", "imported",
                                                len(rows))
    assert (o.effective_from, o.effective_to) == ("2024-10-01", "2024-12-31")
    assert result.written and [r.part for r in result.recognized] == [1, 2, 3, 4]

    ref = reader()
    assert ref.release_in_force("ptp_practitioner", OCT).id == "imp-ptp-practitioner-v303r0"
    assert ref.release_in_force("ptp_practitioner", AUG).id == "ptp-practitioner-2024-07-01"
    edits = ref.ptp_between(["64612", "95869"], "practitioner", OCT)
    assert [(e.modifier_indicator, e.deletion_date, e.release) for e in edits] == [
        (0, None, "imp-ptp-practitioner-v303r0")]
    assert edits[0].effective_date == "2010-01-01"
    page = ref.lookup("64612", OCT)
    assert "imp-ptp-practitioner-v303r0" in page.releases_used
    assert any(s.id == "import:imp-ptp-practitioner-v303r0" and "ccipra-v303r0-f1.txt"
               in s.document for s in page.sources)
    # the bundled release still answers for its own quarter
    assert all(e.release == "ptp-practitioner-2024-07-01"
               for e in ref.ptp_edits("64612", "practitioner", AUG))

    # what changed: the edit deleted in 2013 is back, with indicator 0
    (ch,) = result.changes
    assert ch.previous_id == "ptp-practitioner-2024-07-01" and not ch.previous_imported
    assert [(c.kind, c.item) for c in ch.changes] == [("added", "64612 / 95869")]
    assert "indicator 0" in ch.changes[0].after


def test_wizard_decisions_follow_the_imported_release(run, reader, folder, reference):
    encounter = enc(side("facial", "left"), emg("95869"), dos=OCT)
    before = decide(encounter, reference)
    assert [c[0] for c in before.claim()] == ["64612", "95869"]
    run(cmsfiles.write_ptp_txt(folder, curated_ptp(change={("64612", "95869"): ("*", "0")}),
                               version="v303r0"))
    after = decide(encounter, reader())
    assert [c[0] for c in after.claim()] == ["64612"]
    (dropped,) = after.not_reported
    assert dropped.code == "95869" and "imp-ptp-practitioner-v303r0" in dropped.sources


def test_importing_the_same_release_again_changes_nothing(run, data_dir, folder):
    files = cmsfiles.write_ptp_txt(folder, curated_ptp(), version="v303r0")
    run(files)
    db = data_dir / "imports.sqlite3"
    before, stamp = sha(db), db.stat().st_mtime_ns
    again = run(list(reversed(files)))
    assert not again.written
    assert [(o.status, o.rows) for o in again.releases] == [("unchanged", len(curated_ptp()))]
    assert again.releases[0].changes is not None          # the stored summary is shown again
    assert sha(db) == before and db.stat().st_mtime_ns == stamp


def test_ptp_workbooks_and_the_hospital_table(run, reader, folder):
    rows = curated_ptp("ptp-outpatient_hospital-2024-07-01")
    files = cmsfiles.write_ptp_xlsx(folder, rows, setting="outpatient_hospital",
                                    version="v303r0")
    (o,) = run(files).releases
    assert (o.release_id, o.rows) == ("imp-ptp-outpatient_hospital-v303r0", len(rows))
    ref = reader()
    got = {(e.column1, e.column2, e.modifier_indicator, e.deletion_date)
           for e in ref.ptp_edits("64642", "outpatient_hospital", OCT)}
    want = {(e.column1, e.column2, e.modifier_indicator, e.deletion_date)
            for e in ref.ptp_edits("64642", "outpatient_hospital", AUG)}
    assert got == want and got


def test_a_later_revision_replaces_an_earlier_one_and_not_the_reverse(run, reader, folder):
    (folder / "r0").mkdir()
    (folder / "r1").mkdir()
    run(cmsfiles.write_ptp_txt(folder / "r0", curated_ptp(), version="v303r0"))
    changed = curated_ptp(change={("64644", "64642"): ("*", "1")})
    r1 = run(cmsfiles.write_ptp_txt(folder / "r1", changed, version="v303r1"))
    assert [(o.status, o.replaced) for o in r1.releases] == [("replaced",
                                                               ["imp-ptp-practitioner-v303r0"])]
    again = run(sorted((folder / "r0").iterdir()))
    assert again.releases[0].status == "skipped" and "later revision" in again.releases[0].note
    assert not again.written
    ref = reader()
    assert ref.release_in_force("ptp_practitioner", OCT).id == "imp-ptp-practitioner-v303r1"
    assert [r.id for r in ref.releases("ptp_practitioner") if r.imported] == [
        "imp-ptp-practitioner-v303r1"]


def test_the_next_quarter_compares_with_the_imported_one(run, folder):
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    run(cmsfiles.write_ptp_txt(folder / "a", curated_ptp(), version="v303r0"))
    older = run(cmsfiles.write_ptp_txt(folder / "b", curated_ptp(), version="v310r0"))
    (ch,) = older.changes
    assert ch.previous_id == "imp-ptp-practitioner-v303r0" and ch.previous_imported
    assert ch.scope.startswith("every edit naming")


# -- MUE ------------------------------------------------------------------------------

def mue_rows(setting, release, change=None):
    out = []
    for r in content_rows("cms_mue", release):
        if r["setting"] == setting:
            value = (change or {}).get(r["code"], r["value"])
            out.append((r["code"], value, r["mai"], r["rationale"]))
    return out


@pytest.mark.parametrize("setting", ["practitioner", "outpatient_hospital", "dme"])
def test_mue_tables(run, reader, folder, setting):
    rows = mue_rows(setting, f"mue-{setting}-2024-07-01", change={"64643": "2", "J0585": "500"})
    path = cmsfiles.write_mue_csv(folder, rows, setting=setting, eff="10-01-2024")
    result = run([path])
    (o,) = result.releases
    assert o.release_id == f"imp-mue-{setting}-2024-10-01" and o.rows == len(rows)
    ref = reader()
    code = "J0585" if setting == "dme" else "64643"
    m = ref.mue(code, setting, OCT)
    assert m.release == o.release_id and m.value == (500 if setting == "dme" else 2)
    assert ref.mue(code, setting, AUG).release == f"mue-{setting}-2024-07-01"
    changed = {(c.item, c.what, c.before, c.after) for c in result.changes[0].changes}
    if setting == "dme":
        assert ("J0585", "MUE value", "0", "500") in changed
    else:
        assert ("64643", "MUE value", "3", "2") in changed


def test_mue_workbook_and_windows_1252_text(run, reader, folder):
    rows = mue_rows("practitioner", "mue-practitioner-2024-07-01")
    rows = [(c, v, m, "Clinical: Données – “anatomic”" if c == "64642" else r)
            for c, v, m, r in rows]
    csv_path = cmsfiles.write_mue_csv(folder, rows, eff="10-01-2024", encoding="cp1252")
    assert b"\x93anatomic\x94" in csv_path.read_bytes()
    run([csv_path])
    got = reader().mue("64642", "practitioner", OCT).rationale
    assert got == "Clinical: Données – “anatomic”"
    xlsx = cmsfiles.write_mue_xlsx(folder, rows, eff="01-01-2025")
    (o,) = run([xlsx]).releases
    assert o.release_id == "imp-mue-practitioner-2025-01-01" and o.rows == len(rows)
    assert reader().mue("64643", "practitioner", "2025-02-01").value == 3


# -- PFS ------------------------------------------------------------------------------

def pfs_rows(release="pfs-rvu24c_jul", work=None, cf=33.2875, desc=""):
    out = []
    for r in content_rows("cms_pfs", release):
        w = float((work or {}).get(r["code"], r["work_rvu"] or 0))
        out.append(cmsfiles.pprrvu_row(r["code"], work=w, status=r["status"], cf=cf,
                                       glob=r["global_days"], bilat=r["bilateral"],
                                       description=desc if r["code"][0].isdigit() else ""))
        if r["code"] == "95860":      # a component row, as the real file has for some codes
            out.append(cmsfiles.pprrvu_row("95860", work=0.5, mod="26", cf=cf))
    return out


def test_pprrvu_csv(run, reader, folder):
    marker = "descriptor-placeholder-never-stored"
    rows = pfs_rows(work={"64642": "1.70"}, cf=33.2875, desc=marker)
    path = cmsfiles.write_pprrvu_csv(folder, rows, name="PPRRVU24_OCT.csv", month="October",
                                     released="09/30/2024")
    result = run([path])
    (o,) = result.releases
    assert o.release_id == "imp-pfs-2024-oct" and "released 2024-09-30" in o.label
    assert o.rows == len({r[0] for r in rows})            # global rows only
    ref = reader()
    p = ref.pfs("64642", "2024-11-01")
    assert p.release == "imp-pfs-2024-oct" and p.work_rvu == 1.70 and p.global_days == "000"
    assert p.nonfac_payment == round(p.nonfac_total * 33.2875, 2)
    assert ref.pfs("64642", AUG).release == "pfs-rvu24c_jul"
    changed = {(c.item, c.what, c.before, c.after) for c in result.changes[0].changes}
    assert ("64642", "work RVU", "1.65", "1.7") in changed
    raw = (pathlib.Path(os.environ["CODEDESK_DATA_DIR"]) / "imports.sqlite3").read_bytes()
    assert marker.encode() not in raw                      # CPT descriptors never stored


def test_pprrvu_2026_qpp_and_non_qpp(run, reader, folder):
    non = cmsfiles.write_pprrvu_csv(folder, pfs_rows(cf=33.4009),
                                    name="PPRRVU2026_Jan_nonQPP.csv", year=2026,
                                    month="January", released="12/29/2025")
    qpp = cmsfiles.write_pprrvu_csv(folder, pfs_rows(cf=33.5675),
                                    name="PPRRVU2026_Jan_QPP.csv", year=2026, month="January",
                                    released="12/29/2025")
    result = run([non, qpp])
    assert {(o.dataset, o.release_id) for o in result.releases} == {
        ("pfs", "imp-pfs-2026-jan"), ("pfs_qpp", "imp-pfs-2026-jan-qpp")}
    ref = reader()
    assert ref.pfs("64642", "2026-02-01").conv_factor == 33.4009
    assert ref.release_in_force("pfs_qpp", "2026-02-01").id == "imp-pfs-2026-jan-qpp"


# -- add-on code edits, OPPS, HCPCS, ICD-10-CM ------------------------------------------

def aoc_rows(extra=()):
    rows = [(r["addon_code"], r["primary_code"], r["edit_type"], "20140101", "")
            for r in content_rows("cms_aoc", "aoc-2024-06-03")]
    return rows + list(extra)


@pytest.mark.parametrize("writer,order", [
    ("write_aoc_xlsx", None),
    ("write_aoc_xlsx", [2, 3, 0, 1, 6, 5, 4, 7]),
    ("write_aoc_txt", [4, 0, 2, 1, 3, 5, 6, 7]),
])
def test_add_on_code_edits_in_any_column_order(run, reader, folder, writer, order):
    rows = aoc_rows(extra=[("64645", "64642", "1", "20140101", "20231231"),   # deleted
                           ("64643", "64646", "1", "20240101", "")])          # fictional, new
    path = getattr(cmsfiles, writer)(folder, rows, quarter="2024Q4", order=order)
    result = run([path])
    (o,) = result.releases
    assert o.release_id == "imp-aoc-2024q4" and o.rows == len(rows) - 1
    ref = reader()
    assert ref.addon_primaries("64643", OCT) == ["64642", "64644", "64646"]
    assert ref.addon_primaries("64645", OCT) == ["64644"]
    assert ref.addon_primaries("64643", AUG) == ["64642", "64644"]
    assert [(c.kind, c.item) for c in result.changes[0].changes] == [
        ("added", "+64643 with 64646")]


def test_opps_addendum_b(run, reader, folder):
    rows = [(r["code"], r["status_indicator"], "5441", "3.1", r["payment_rate"] or "")
            for r in content_rows("cms_opps", "opps-2025-10")]
    rows = [(c, "J1" if c == "64642" else si, a, w, rate) for c, si, a, w, rate in rows]
    path = cmsfiles.write_addendum_b_csv(folder, rows, name="January_2026_Addendum_B.csv")
    result = run([path])
    (o,) = result.releases
    assert o.release_id == "imp-opps-2026-01" and o.effective_from == "2026-01-01"
    hist = reader().opps_history("64642")
    assert hist[-1].release in ("imp-opps-2026-01", "opps-2026-04")
    assert any(h.release == "imp-opps-2026-01" and h.status_indicator == "J1" for h in hist)
    assert ("64642", "status indicator", "T", "J1") in {
        (c.item, c.what, c.before, c.after) for c in result.changes[0].changes}


def test_hcpcs_level2_fixed_width(run, data_dir, folder):
    long = ("Injection, onabotulinumtoxina, 1 unit, with a description long enough to run "
            "over into a continuation record of the file")
    codes = [("J0585", long, "Injection,onabotulinumtoxina", "19910101", ""),
             ("J0586", "Injection, abobotulinumtoxina, 5 units", "Abobotulinumtoxina",
              "20100101", ""),
             ("J0599", "An ended code", "Ended", "20000101", "20200101")]
    path = cmsfiles.write_hcpcs_txt(folder, codes, name="HCPC2024_OCT_ANWEB_09302024.txt")
    result = run([path])
    (o,) = result.releases
    assert (o.release_id, o.rows) == ("imp-hcpcs-2024-10", 2)
    con = ImportStore()._read()
    got = dict(con.execute("SELECT code, long_description FROM hcpcs_level2"))
    con.close()
    assert got == {"J0585": long, "J0586": "Injection, abobotulinumtoxina, 5 units"}
    assert ("J0585", "description") in {(c.item, c.what) for c in result.changes[0].changes}


def test_icd10cm_order_file_and_tabular_xml(run, data_dir, folder):
    order = [("G24", 0, "Dystonia"), ("G243", 1, "Spasmodic torticollis (renamed)"),
             ("G245", 1, "Blepharospasm"), ("G24A", 1, "A new dystonia code")]
    result = run([cmsfiles.write_icd_order(folder, order)])
    (o,) = result.releases
    assert (o.release_id, o.effective_from, o.rows) == ("imp-icd10cm-fy2027", "2026-10-01", 4)
    (ch,) = result.changes
    assert ch.previous_id == "icd10cm-fy2026" and not ch.previous_imported
    items = {(c.kind, c.item) for c in ch.changes}
    assert ("added", "G24.A") in items and ("changed", "G24.3") in items
    assert ("deleted", "G24.1") in items                  # not in this small file
    con = ImportStore()._read()
    row = con.execute("SELECT short_title, title, billable FROM icd10cm"
                      " WHERE code = 'G24.3'").fetchone()
    assert tuple(row) == ("Spasmodic torticollis (renamed)",
                          "Spasmodic torticollis (renamed)", 1)
    con.close()
    xml = cmsfiles.write_icd_xml(folder, {"G24": ("Dystonia", {
        "G24.3": "Spasmodic torticollis", "G24.5": "Blepharospasm"})},
        name="icd10cm-tabular-April-1-2027.xml")
    (o2,) = run([xml]).releases
    assert (o2.release_id, o2.effective_from, o2.rows) == ("imp-icd10cm-fy2027-apr",
                                                           "2027-04-01", 3)
    con = ImportStore()._read()
    assert con.execute("SELECT billable FROM icd10cm WHERE code = 'G24' AND release_id = ?",
                       (o2.release_id,)).fetchone()[0] == 0
    con.close()


# -- recognition -----------------------------------------------------------------------

@pytest.mark.parametrize("name,writer,expect", [
    ("ccioph-v293r0-f2.txt", "ptp", ("ptp", "ptp_outpatient_hospital",
                                     "imp-ptp-outpatient_hospital-v293r0", "2023-10-01")),
    ("MCR_MUE_DMESupplierServices_Eff_01-01-2025.csv", "mue",
     ("mue", "mue_dme", "imp-mue-dme-2025-01-01", "2025-01-01")),
    ("PPRRVU25_APR.csv", "pfs", ("pfs", "pfs", "imp-pfs-2025-apr", "2025-04-01")),
    ("renamed by IT.csv", "pfs", ("pfs", "pfs", "imp-pfs-2024-jul", "2024-07-01")),
    ("AOC_V2025Q1-MCR.xlsx", "aoc", ("aoc", "aoc", "imp-aoc-2025q1", "2025-01-01")),
    ("2024_october_web_addendum_b.09302024.csv", "opps",
     ("opps", "opps", "imp-opps-2024-10", "2024-10-01")),
    ("HCPC2025_JAN_ANWEB_12172024.txt", "hcpcs",
     ("hcpcs", "hcpcs", "imp-hcpcs-2025-01", "2025-01-01")),
    ("icd10cm_order_2026.txt", "icd", ("icd10cm", "icd10cm", "imp-icd10cm-fy2026",
                                       "2025-10-01")),
])
def test_recognition_from_content_and_name(folder, name, writer, expect):
    if writer == "ptp":
        path = cmsfiles.write_ptp_txt(folder, curated_ptp()[:8], parts=1)[0].rename(folder / name)
    elif writer == "mue":
        path = cmsfiles.write_mue_csv(folder, [("J0585", "0", "3", "CMS Policy")], setting="dme",
                                      name=name)
    elif writer == "pfs":
        path = cmsfiles.write_pprrvu_csv(folder, pfs_rows()[:3], name=name)
    elif writer == "aoc":
        path = cmsfiles.write_aoc_xlsx(folder, aoc_rows(), quarter="2025Q1")
    elif writer == "opps":
        path = cmsfiles.write_addendum_b_csv(folder, [("64642", "T", "5441", "3", "300")],
                                             name=name)
    elif writer == "hcpcs":
        path = cmsfiles.write_hcpcs_txt(folder, [("J0585", "Injection", "Inj", "", "")],
                                        name=name)
    else:
        path = cmsfiles.write_icd_order(folder, [("G243", 1, "Spasmodic torticollis")],
                                        name=name)
    rec = recognize(path)
    assert (rec.kind, rec.dataset, rec.release_id, rec.effective_from) == expect


# -- the progress bar and Cancel ----------------------------------------------------------

def test_progress_and_cancel_leave_the_previous_data_as_it_was(run, data_dir, folder):
    run(cmsfiles.write_ptp_txt(folder, curated_ptp(), version="v303r0"))
    db = data_dir / "imports.sqlite3"
    before = sha(db)
    big = folder / "big"
    big.mkdir()
    rows = [(f"{10000 + i % 9000:05d}", f"{20000 + i // 9000:05d}", "20100101", "*", "1",
             "Standards of medical/surgical practice") for i in range(120_000)]
    files = cmsfiles.write_ptp_txt(big, rows, version="v310r0")
    seen = []
    cancel = threading.Event()

    def progress(fraction, message):
        seen.append((fraction, message))
        if fraction > 0.4:
            cancel.set()
    with pytest.raises(ImportCancelled):
        run(files, progress=progress, cancel=cancel)
    assert sha(db) == before
    assert [p.name for p in data_dir.iterdir() if p.name.startswith(".imports")] == []
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and any("Reading ccipra-v310r0-f" in m for _, m in seen)
    # and the same files import fine afterwards, with a callable as the cancel flag
    assert run(files, cancel=lambda: False).releases[0].rows == len(rows)


def test_prepare_then_discard_writes_nothing(reference_path, data_dir, folder):
    files = cmsfiles.write_ptp_txt(folder, curated_ptp(), version="v303r0")
    with prepare(files, reference_path=reference_path) as prepared:
        assert prepared.result.releases[0].rows == len(curated_ptp())
    assert not (data_dir / "imports.sqlite3").exists()
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".imports-building")]


def test_only_one_import_at_a_time(reference_path, data_dir, folder):
    from db.importers import ImportBusyError
    files = cmsfiles.write_ptp_txt(folder, curated_ptp(), version="v303r0")
    with prepare(files, reference_path=reference_path):
        with pytest.raises(ImportBusyError):
            import_files(files, reference_path=reference_path)


# -- the command line ----------------------------------------------------------------------

def _cli(args, data_dir):
    env = dict(os.environ, CODEDESK_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "import", *args], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_cli_import_json_and_text(reference_path, data_dir, folder):
    files = cmsfiles.write_ptp_txt(folder, curated_ptp(change={("64612", "95869"): ("*", "0")}),
                                   version="v303r0")
    proc = _cli([*map(str, files), "--json"], data_dir)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["written"] and [f["part"] for f in data["files"]] == [1, 2, 3, 4]
    (rel,) = data["releases"]
    assert rel["release"] == "imp-ptp-practitioner-v303r0" and rel["status"] == "imported"
    assert rel["changes"]["changes"][0]["item"] == "64612 / 95869"
    proc = _cli(list(map(str, files)), data_dir)
    assert proc.returncode == 0 and "unchanged" in proc.stdout
    assert "+ 64612 / 95869: PTP edit added" in proc.stdout


def test_cli_bad_file_exits_2_with_file_and_line(reference_path, data_dir, folder):
    files = cmsfiles.write_ptp_txt(folder, curated_ptp(), version="v303r0")
    text = files[1].read_text(encoding="cp1252").splitlines(keepends=True)
    text[5] = text[5].replace("\t2010", "\t2O10", 1)
    files[1].write_text("".join(text), encoding="cp1252")
    proc = _cli([*map(str, files), "--json"], data_dir)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    err = json.loads(proc.stdout)
    assert (err["file"], err["line"]) == ("ccipra-v303r0-f2.txt", 6)
    assert "effective date" in err["problem"]
    assert "Nothing was imported" in proc.stderr
    assert not (data_dir / "imports.sqlite3").exists()


def test_bad_file_error_carries_file_and_line():
    e = BadFileError(pathlib.Path("/x/ccipra-v302r0-f1.txt"), "malformed code", line=7)
    assert str(e) == "ccipra-v302r0-f1.txt, line 7: malformed code"


def test_code_page_shows_the_hcpcs_text_of_the_release_in_force(run, reader, folder):
    codes = [("J0585", "Injection, onabotulinumtoxina, 1 unit (imported wording)",
              "Injection,onabotulinumtoxina", "19910101", "")]
    run([cmsfiles.write_hcpcs_txt(folder, codes, name="HCPC2024_OCT_ANWEB_09302024.txt")])
    ref = reader()
    assert ref.lookup("J0585", OCT).hcpcs_text == codes[0][1]
    assert ref.lookup("J0585", AUG).hcpcs_text == "Injection, onabotulinumtoxina, 1 unit"


def test_icd10cm_lookups_follow_the_imported_code_set(run, reader, folder):
    order = [("G24", 0, "Dystonia"), ("G243", 1, "Spasmodic torticollis (renamed)"),
             ("G245", 1, "Blepharospasm"), ("G24A", 1, "A new dystonia code")]
    run([cmsfiles.write_icd_order(folder, order)])
    ref = reader()
    renamed = ref.lookup("G24.3", on_date="2026-11-01")
    assert renamed.title == "Spasmodic torticollis (renamed)"
    assert renamed.releases_used == ("imp-icd10cm-fy2027",)
    assert ref.lookup("G24.3", on_date="2026-01-01").title == "Spasmodic torticollis"
    new = ref.lookup("g24a", on_date="2026-11-01")
    assert new.code == "G24.A" and new.billable and new.parents[0].code == "G24"
    assert ref.lookup("G24A", on_date="2026-01-01") is None
    gone = ref.lookup("G24.1", on_date="2026-11-01")
    assert gone.billable is False and "Not in" in gone.description


def test_detach_lets_go_of_the_imports_file_and_reload_takes_it_back(run, reader, folder):
    run([cmsfiles.write_icd_order(folder, [("G24", 0, "Dystonia"),
                                            ("G243", 1, "Spasmodic torticollis (renamed)")])])
    ref = reader()
    assert ref.release("imp-icd10cm-fy2027") is not None
    ref.detach_imports()
    assert not ref.has_imports and ref.release("imp-icd10cm-fy2027") is None
    assert [r[1] for r in ref.con.execute("PRAGMA database_list")] == ["main"]
    ref.reload()
    assert ref.release("imp-icd10cm-fy2027") is not None
