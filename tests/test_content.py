"""Content integrity: every fact has a source, and every curated CMS fact agrees with
the CMS extracts in ../shared/data/cms when they are present."""

from __future__ import annotations

import csv
import tomllib

import pytest

from db.build import CONTENT_DIR
from db.codeset import COMPANIONS, CURATED, FAMILY


def _toml(name):
    with (CONTENT_DIR / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def _csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


SOURCES = {s["id"]: s for s in _toml("sources")["source"]}
CODES = {c["code"]: c for c in _toml("codes")["code"]}


def test_every_curated_code_has_an_entry_and_nothing_else():
    assert set(CODES) == set(CURATED)


@pytest.mark.parametrize("code", CURATED)
def test_code_entry_complete(code):
    entry = CODES[code]
    assert entry["title"].strip() and entry["description"].strip()
    assert entry["system"] in ("CPT", "HCPCS")
    assert entry["role"] in ("primary", "add-on", "guidance", "diagnostic", "drug",
                             "evaluation", "companion")
    assert entry["source"] in SOURCES
    assert entry["family"] is (code in FAMILY)
    if entry["system"] == "CPT" and entry["role"] not in ("evaluation",):
        clinical = entry["clinical"]
        for key in ("patients", "procedure", "documentation"):
            assert len(clinical[key]) > 40, f"{code}: {key} too thin"
    if entry["role"] == "drug":
        assert entry["unit_size"] > 0 and entry["brands"]


def test_sources_are_complete():
    for sid, s in SOURCES.items():
        assert s["title"].strip(), sid
        assert s["tier"] in ("CMS", "A", "B", "unverified"), sid


@pytest.mark.parametrize("name,key", [("modifiers", "modifier"), ("corrections", "correction"),
                                      ("payers", "payer"), ("payers", "note")])
def test_every_toml_fact_names_a_known_source(name, key):
    rows = _toml(name)[key]
    assert rows
    for row in rows:
        assert row["source"] in SOURCES, row


@pytest.mark.parametrize("name", ["relationships", "releases"])
def test_every_csv_fact_names_a_known_source(name):
    for row in _csv(CONTENT_DIR / f"{name}.csv"):
        assert row["source"] in SOURCES, row


def test_every_cms_row_belongs_to_a_known_release():
    releases = {r["release"] for r in _csv(CONTENT_DIR / "releases.csv")}
    for name in ("cms_pfs", "cms_mue", "cms_ptp", "cms_aoc", "cms_opps", "hcpcs_level2"):
        rows = _csv(CONTENT_DIR / f"{name}.csv")
        assert rows, name
        assert {r["release"] for r in rows} <= releases, name


def test_modifier_reference_is_complete():
    mods = {m["modifier"] for m in _toml("modifiers")["modifier"]}
    assert mods >= set("25 26 TC 50 51 52 59 76 77 XE XS XP XU LT RT JW JZ".split())


def test_relationships_name_curated_codes():
    for row in _csv(CONTENT_DIR / "relationships.csv"):
        assert row["code"] in CURATED and row["other"] in CURATED, row
    confused = {r["other"] for r in _csv(CONTENT_DIR / "relationships.csv")
                if r["code"] == "64643" and r["kind"] == "often_confused_with"}
    assert confused >= {"64640", "64616", "64642", "64645"}


# -- against the CMS extracts -----------------------------------------------------------

def test_ptp_edits_agree_with_cms(shared_cms):
    from db.curate_cms import PTP_FILES
    curated = {(r["release"], r["column1"], r["column2"], r["deletion_date"]): r
               for r in _csv(CONTENT_DIR / "cms_ptp.csv")}
    expected = {}
    for name, (release, *_rest) in PTP_FILES.items():
        for r in _csv(shared_cms / name):
            if r["column1"] in CURATED and r["column2"] in CURATED:
                expected[(release, r["column1"], r["column2"], r["deletion_date"])] = r
    assert set(curated) == set(expected)
    for key, row in curated.items():
        assert row["modifier_indicator"] == expected[key]["modifier_indicator"], key
        assert row["rationale"] == expected[key]["ptp_edit_rationale"], key


def test_mue_values_agree_with_cms(shared_cms):
    settings = {"Practitioner": "practitioner", "Outpatient Hospital": "outpatient_hospital",
                "DME Supplier": "dme"}
    expected = {}
    for name in ("ncci_mue_eff_2024-07-01_family.csv", "ncci_mue_eff_2024-07-01_companions.csv",
                 "ncci_mue_eff_2024-04-01_family.csv"):
        date = name.split("_")[3]
        for r in _csv(shared_cms / name):
            if r["hcpcs"] in CURATED:
                setting = settings[r["mue_service_type"]]
                expected[(f"mue-{setting}-{date}", r["hcpcs"])] = (r["mue_value"], r["mai"],
                                                                   r["mue_rationale"])
    curated = {(r["release"], r["code"]): (r["value"], r["mai"], r["rationale"])
               for r in _csv(CONTENT_DIR / "cms_mue.csv")}
    assert curated == expected


PFS_FIELDS = {"status": "status_code", "work_rvu": "work_rvu", "nonfac_pe_rvu": "non_fac_pe_rvu",
              "fac_pe_rvu": "facility_pe_rvu", "mp_rvu": "mp_rvu",
              "nonfac_total": "non_facility_total", "fac_total": "facility_total",
              "nonfac_na": "non_fac_indicator", "fac_na": "facility_indicator",
              "pctc": "pctc_ind", "global_days": "glob_days", "mult_proc": "mult_proc",
              "bilateral": "bilat_surg", "assistant": "asst_surg", "co_surgeon": "co_surg",
              "team": "team_surg", "conv_factor": "conv_factor"}


def test_fee_schedule_indicators_and_rvus_agree_with_cms(shared_cms):
    expected = {}
    for name in ("pfs_pprrvu_2023_family.csv", "pfs_pprrvu_2024_family.csv",
                 "pfs_pprrvu_2024_companions.csv"):
        for r in _csv(shared_cms / name):
            if r["hcpcs"] in CURATED and not r["mod"]:
                expected[(f"pfs-{r['source_file']}", r["hcpcs"])] = r
    curated = {(r["release"], r["code"]): r for r in _csv(CONTENT_DIR / "cms_pfs.csv")}
    assert set(curated) == set(expected)
    for key, row in curated.items():
        for ours, theirs in PFS_FIELDS.items():
            assert row[ours] == expected[key][theirs], (key, ours)


def test_addon_edits_agree_with_cms(shared_cms):
    expected = {(r["primary_code"], r["add_on_code"], r["aoc_edit_type"])
                for r in _csv(shared_cms / "ncci_aoc_2024-06-03_family.csv")
                if r["primary_code"] in CURATED and r["add_on_code"] in CURATED}
    curated = {(r["primary_code"], r["addon_code"], r["edit_type"])
               for r in _csv(CONTENT_DIR / "cms_aoc.csv")}
    assert curated == expected


def test_opps_rows_agree_with_cms(shared_cms):
    seen = {}
    for r in _csv(shared_cms / "opps_addendum_b_softek_sample_family.csv"):
        seen.setdefault((f"opps-{r['source_quarter']}", r["hcpcs"]), set()).add(
            (r["status_indicator"], r["payment_rate"]))
    for r in _csv(CONTENT_DIR / "cms_opps.csv"):
        assert seen[(r["release"], r["code"])] == {(r["status_indicator"], r["payment_rate"])}


def test_hcpcs_text_agrees_with_cms(shared_cms):
    expected = {r["hcpcs"]: r["long_description"]
                for r in _csv(shared_cms / "hcpcs_level2_2024jul_family.csv")}
    for r in _csv(CONTENT_DIR / "hcpcs_level2.csv"):
        assert r["long_description"] == expected[r["code"]]


def test_domain_primer_figures(reference):
    """The figures DOMAIN.md §2 states, as the built database answers them."""
    table = {  # code: (global, bilateral, practitioner MUE, MAI)
        "64612": ("010", "1", 1, 2), "64615": ("010", "2", 1, 2), "64616": ("010", "1", 1, 2),
        "64617": ("010", "1", 1, 2), "64640": ("010", "1", 5, 3), "64642": ("000", "0", 1, 2),
        "64643": ("ZZZ", "0", 3, 2), "64644": ("000", "0", 1, 2), "64645": ("ZZZ", "0", 3, 2),
        "64646": ("000", "0", 1, 2), "64647": ("000", "0", 1, 2), "95873": ("ZZZ", "0", 1, 2),
        "95874": ("ZZZ", "0", 1, 2), "95870": ("XXX", "0", 4, 3),
    }
    for code, (glob, bilat, mue, mai) in table.items():
        pfs = reference.pfs(code, "2024-08-01")
        assert (pfs.global_days, pfs.bilateral) == (glob, bilat), code
        m = reference.mue(code, "practitioner", "2024-08-01")
        assert (m.value, m.mai) == (mue, mai), code
    work = {"64642": 1.65, "64643": 1.22, "64644": 1.82, "64645": 1.39, "64616": 1.53,
            "64615": 1.85, "95874": 0.37}
    for code, rvu in work.items():
        pfs = reference.pfs(code, "2024-08-01")
        assert pfs.work_rvu == rvu and pfs.conv_factor == 33.2875, code
    for code, mue in {"J0585": 600, "J0586": 300, "J0587": 300, "J0588": 600}.items():
        assert reference.mue(code, "practitioner", "2024-08-01").value == mue
