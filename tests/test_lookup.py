"""lookup(): a code's whole page, for curated and ICD-10-CM codes."""

from __future__ import annotations

import pytest


def test_64643_is_an_addon_of_64642_and_64644(reference):
    page = reference.lookup("64643", on_date="2024-08-15")
    assert page.role == "add-on"
    assert page.add_on_primaries == ("64642", "64644")
    assert page.global_days == "ZZZ"
    assert page.bilateral_indicator == "0"
    mue = {m.setting: m for m in page.mue}
    assert (mue["practitioner"].value, mue["practitioner"].mai) == (3, 2)
    assert mue["practitioner"].release == "mue-practitioner-2024-07-01"
    assert "aoc-2024-06-03" in page.releases_used


def test_64643_shows_the_neurolysis_correction(reference):
    page = reference.lookup("64643")
    assert any(c.correct_code == "64640" and "64640" in c.correction
               for c in page.corrections)
    assert {c.source_id for c in page.corrections} <= {s.id for s in page.sources}


def test_64645_follows_64644_only(reference):
    assert reference.lookup("64645").add_on_primaries == ("64644",)


def test_guidance_addon_primaries_exclude_larynx(reference):
    primaries = reference.lookup("95874").add_on_primaries
    assert "64617" not in primaries
    assert {"64612", "64615", "64616", "64642", "64643", "64644", "64645", "64646",
            "64647"} <= set(primaries)


def test_ptp_edits_carry_indicator_release_and_deletion_date(reference):
    page = reference.lookup("64615", on_date="2024-08-15")
    edits = {(e.column1, e.column2, e.setting): e for e in page.ptp_edits if not e.deletion_date}
    e = edits[("64615", "64612", "practitioner")]
    assert e.modifier_indicator == 0 and e.column == 1 and e.other_code == "64612"
    assert e.release == "ptp-practitioner-2024-07-01"
    assert "never" in e.indicator_meaning
    deleted = [e for e in page.ptp_edits if e.deletion_date]
    assert deleted and all(not e.in_force("2024-08-15") for e in deleted)


def test_release_follows_the_date(reference):
    assert reference.lookup("64643", on_date="2024-05-01").mue[0].release == \
        "mue-practitioner-2024-04-01"
    pfs_2023 = reference.pfs("64643", "2023-05-01")
    assert pfs_2023.release == "pfs-rvu23b_apr" and pfs_2023.conv_factor == 33.8872
    assert reference.pfs("64643", "2019-01-01") is None  # before any release: no figure


def test_national_payment_is_rvus_times_conversion_factor(reference):
    pfs = reference.pfs("64642", "2024-08-01")
    assert pfs.nonfac_payment == round(pfs.nonfac_total * pfs.conv_factor, 2)
    assert pfs.fac_payment == round(pfs.fac_total * pfs.conv_factor, 2)


def test_drug_code_has_public_domain_text_and_unit_size(reference):
    page = reference.lookup("j0585")
    assert page.code == "J0585" and page.unit_size == 1
    assert page.hcpcs_text == "Injection, onabotulinumtoxina, 1 unit"
    assert "Botox" in page.brands


def test_payer_notes_say_data_not_available_or_name_a_source(reference):
    notes = reference.lookup("64612").payer_notes
    assert notes
    assert any(n.payer == "medicare" and "prior auth" in (n.topic + n.text).lower()
               for n in notes)
    assert all(n.source_id for n in notes)


@pytest.mark.parametrize("text", ["G24.3", "g24.3", "G243", " g243 "])
def test_icd_code_any_form(reference, text):
    page = reference.lookup(text)
    assert page.code == "G24.3" and page.system == "ICD-10-CM"
    assert page.title == "Spasmodic torticollis" and page.billable is True
    assert [p.code for p in page.parents][:2] == ["G24", "G20-G26"]


def test_icd_header_has_children(reference):
    page = reference.lookup("G35")
    assert page.billable is False
    assert {"G35.A", "G35.B", "G35.C", "G35.D"} <= {c.code for c in page.children}


@pytest.mark.parametrize("text", ["", "99999", "6464", "X" * 50, "'; DROP TABLE codes;--"])
def test_unknown_codes_are_none(reference, text):
    assert reference.lookup(text) is None


def test_suggest_close_codes(reference):
    assert "64642" in [h.code for h in reference.suggest("64649")]
