"""The modifier decision engine over the real reference data: the encounter table of
tests/engine_cases.py, the rules' reasons and sources, warnings, payers and the parser."""

from __future__ import annotations

import json

import pytest

from rules.encounter import InvalidEncounter, parse_encounter
from rules.engine import decide
from tests.engine_cases import (CASES, DOS, ISSUE_EXAMPLE, MIGRAINE, NEEDLE, NO_X, TRUNK6,
                                drug, em, emg, enc, limb, line_text, other, side)


def _decide(reference, encounter, **kw):
    return decide(encounter, reference, **kw)


@pytest.mark.parametrize("encounter,lines,not_reported",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_encounter_table(reference, encounter, lines, not_reported):
    d = _decide(reference, encounter)
    assert [line_text(*t) for t in d.claim()] == lines
    assert sorted(n.code for n in d.not_reported) == sorted(not_reported)


def test_the_table_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("encounter", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_every_reason_names_a_known_source(reference, encounter):
    d = _decide(reference, encounter)
    known = {r.id for r in reference.releases()}
    for ln in d.lines:
        assert ln.reasons and ln.sources
        for reason in ln.reasons:
            assert reason.endswith("]"), reason
        for s in ln.sources:
            assert s in known or reference.source(s) is not None, s
    for n in d.not_reported:
        assert n.sources and n.reason.endswith("]")
        assert all(s in known or reference.source(s) for s in n.sources)
    for w in d.warnings:
        assert all(s in known or reference.source(s) for s in w.sources), w


def _reasons(decision, code):
    return " ".join(r for ln in decision.lines if ln.code == code for r in ln.reasons)


def test_trunk_choice_cites_the_edit_between_the_trunk_codes(reference):
    d = _decide(reference, enc(TRUNK6))
    text = _reasons(d, "64647")
    assert "NCCI PTP edit 64647/64646, modifier indicator 0" in text
    assert "ptp-practitioner-2024-07-01" in d.lines[0].sources


def test_mixed_limbs_cite_64644_64642_and_the_add_on_rule(reference):
    d = _decide(reference, enc(limb("right_arm", 3), limb("left_leg", 5)))
    (nr,) = d.not_reported
    assert nr.code == "64642" and "NCCI PTP edit 64644/64642, modifier indicator 0" in nr.reason
    assert "aoc-2024-06-03" in nr.sources
    assert "64645 may only be reported with 64644" in _reasons(d, "64644")


def test_deleted_edit_exists_in_the_data_but_no_longer_applies(reference):
    edits = reference.ptp_between(["64612", "95869"], "practitioner", DOS)
    assert edits and all(e.deletion_date == "2013-03-31" for e in edits)
    assert not any(e.in_force(DOS) for e in edits)
    assert any(e.in_force("2013-03-31") for e in edits)   # the deletion date is the last day
    d = _decide(reference, enc(side("facial", "left"), emg("95869")))
    assert d.claim() == [("64612", ("LT",), 1), ("95869", (), 1)]


def test_deleted_em_edits_beside_active_ones(reference):
    edits = reference.ptp_between(["64612", "99213"], "practitioner", DOS)
    assert {e.deletion_date for e in edits} == {None, "2019-12-31"}
    d = _decide(reference, enc(side("facial", "right"), em("99213", True)))
    reasons = _reasons(d, "99213")
    assert reasons.count("NCCI PTP edit 64612/99213") == 1


def test_indicator_0_names_no_bypass(reference):
    d = _decide(reference, enc(MIGRAINE, side("facial", "left")))
    (nr,) = d.not_reported
    assert "modifier indicator 0" in nr.reason and "no modifier bypasses" in nr.reason
    assert nr.sources[0] == "ptp-practitioner-2024-07-01"


def test_not_distinct_says_which_answer_would_change_it(reference):
    d = _decide(reference, enc(side("neck", "right"), emg("95860")))
    (nr,) = d.not_reported
    assert "services[1].distinct" in nr.reason


def test_guidance_with_64617_gives_both_reasons(reference):
    d = _decide(reference, enc(side("larynx", "right"), NEEDLE))
    (nr,) = d.not_reported
    assert "64617/95874, modifier indicator 0" in nr.reason
    assert "allowed primary" in nr.reason and "aoc-2024-06-03" in nr.sources


def _warnings(d, topic):
    return [w for w in d.warnings if w.topic == topic]


def test_release_warnings(reference):
    old = _decide(reference, enc(MIGRAINE, dos="2025-03-01"))
    texts = " ".join(w.text for w in _warnings(old, "release"))
    assert "ptp-practitioner-2024-07-01" in texts and "before the date of service" in texts
    missing = _decide(reference, enc(side("facial", "left"), emg("95860"),
                                     setting="outpatient_hospital", dos="2024-05-01"))
    assert any("No ptp_outpatient_hospital release in force" in w.text
               for w in _warnings(missing, "release"))
    current = _decide(reference, enc(MIGRAINE))
    assert not _warnings(current, "release")
    assert {r.id for r in current.releases} == {
        "ptp-practitioner-2024-07-01", "mue-practitioner-2024-07-01", "pfs-rvu24c_jul",
        "aoc-2024-06-03"}


def test_mue_warnings_say_what_the_mai_means(reference):
    d = _decide(reference, enc({"kind": "neurolysis", "nerves": 6, "side": "right"}))
    (w,) = _warnings(d, "mue")
    assert "MUE of 5" in w.text and "MAI 3" in w.text and "appeal" in w.text
    d = _decide(reference, enc(limb("right_arm", 2), other("20553", "separate_structure", units=2)))
    (w,) = _warnings(d, "mue")
    assert "MAI 2" in w.text and "no override" in w.text
    assert [n.reason for n in d.not_reported if n.code == "20553"][0].startswith("1 unit above")
    d = _decide(reference, enc(limb("right_arm", 2), drug("J0585", 700, 0)))
    assert d.claim()[-1] == ("J0585", ("JZ",), 700)
    assert any("MUE of 600" in w.text for w in _warnings(d, "mue"))


def test_bilateral_formats_beyond_the_cms_mue_are_warned(reference):
    d = _decide(reference, enc(side("facial", "both"), payer="bcbs-two-units"))
    assert any("assumes one line with modifier 50 and 1 unit" in w.text
               for w in _warnings(d, "mue"))
    assert not _warnings(_decide(reference, enc(side("facial", "both"))), "mue")


def test_payer_x_acceptance_unknown_is_warned(reference):
    d = _decide(reference, enc(MIGRAINE, limb("right_arm", 2), payer="uhc"))
    assert any("verify with the payer" in w.text and "XS" in w.text for w in _warnings(d, "payer"))
    d = _decide(reference, enc(MIGRAINE, limb("right_arm", 2), payer=NO_X))
    assert not any("XS instead" in w.text for w in d.warnings)
    assert "does not accept X modifiers" in _reasons(d, "64642")


def test_unverified_bundled_payer_is_warned(reference):
    d = _decide(reference, enc(limb("right_arm", 2), payer="aetna"))
    assert any("not verified" in w.text for w in _warnings(d, "payer"))
    assert not _warnings(_decide(reference, enc(limb("right_arm", 2))), "payer")


def test_coverage_notes_from_the_payer(reference):
    d = _decide(reference, enc(MIGRAINE, drug("J0585", 155, 0), setting="outpatient_hospital"))
    prior = [w for w in _warnings(d, "coverage") if "prior authorization" in w.text]
    assert prior and prior[0].sources == ("noridian-je-opd-pa",)
    inline = _decide(reference, enc(MIGRAINE, payer=NO_X))
    assert not _warnings(inline, "coverage")


def test_visit_not_significant_is_warned(reference):
    d = _decide(reference, enc(limb("right_arm", 2), em("99212", False)))
    assert [n.code for n in d.not_reported] == ["99212"]
    assert any("99212 is not reported" in w.text for w in _warnings(d, "documentation"))


def test_drug_units_come_from_the_reference(reference):
    assert reference.lookup("J0586").unit_size == 5
    d = _decide(reference, enc(limb("right_leg", 6), drug("J0586", 502, 8)))
    assert d.claim()[1:] == [("J0586", (), 101), ("J0586", ("JW",), 2)]
    assert any("rounded up" in w.text for w in _warnings(d, "documentation"))


def test_one_sided_migraine_mentions_52(reference):
    d = _decide(reference, enc({"kind": "migraine", "side": "left"}))
    assert d.claim() == [("64615", (), 1)]
    assert any("52" in w.text for w in _warnings(d, "payer"))


def test_issue_example_json_form(reference):
    d = _decide(reference, ISSUE_EXAMPLE)
    data = json.loads(json.dumps(d.to_json()))
    assert set(data) == {"date_of_service", "setting", "payer", "lines", "not_reported",
                         "warnings", "releases"}
    assert data["lines"][0] == {**data["lines"][0], "code": "64644", "modifiers": ["XS", "LT"],
                                "units": 1}
    assert {"code", "reason", "sources", "services"} <= set(data["not_reported"][0])
    text = d.to_text()
    assert "64644  XS-LT" in text and "Not reported:" in text and "Data releases used:" in text


# -- payers from the user's profiles and inline ----------------------------------------------

def test_user_profile_by_id(reference):
    mine = {"myplan": {"name": "My plan", "bilateral_format": "rt_lt_two_lines",
                       "accepts_x_modifiers": False}}
    d = _decide(reference, enc(side("neck", "both"), MIGRAINE, limb("left_arm", 1),
                               payer="myplan"), user_profiles=mine)
    assert d.payer.origin == "user" and d.payer.name == "My plan"
    assert ("64642", ("59", "LT"), 1) in d.claim()


def test_user_profile_overrides_a_bundled_one(reference):
    mine = {"medicare": {"name": "Medicare (my MAC)", "bilateral_format": "modifier_50_two_units",
                         "accepts_x_modifiers": True}}
    d = _decide(reference, enc(side("neck", "both")), user_profiles=mine)
    assert d.claim() == [("64616", ("50",), 2)]


def test_broken_user_profile_is_an_invalid_encounter(reference):
    mine = {"myplan": {"name": "", "bilateral_format": "sideways"}}
    with pytest.raises(InvalidEncounter) as err:
        _decide(reference, enc(MIGRAINE, payer="myplan"), user_profiles=mine)
    assert any(p.startswith("payer (myplan, your profile).name") for p in err.value.problems)


def test_unknown_payer_id(reference):
    with pytest.raises(InvalidEncounter) as err:
        _decide(reference, enc(MIGRAINE, payer="acme"))
    assert err.value.problems[0].startswith("payer: unknown payer id 'acme'")


# -- the parser --------------------------------------------------------------------------

BAD = [
    ("unknown kind", enc({"kind": "eyelid"}), ["services[0].kind: unknown kind 'eyelid'"]),
    ("missing kind", enc({"limb": "right_arm"}), ["services[0].kind: missing"]),
    ("same limb twice", enc(limb("left_leg", 2), limb("left_leg", 3)),
     ["services[1].limb: left_leg is already listed at services[0]"]),
    ("fifth limb", enc(limb("right_arm", 1), limb("left_arm", 1), limb("right_leg", 1),
                       limb("left_leg", 1), limb("right_arm", 2)),
     ["services[4]: a fifth extremity", "services[4].limb: right_arm is already listed"]),
    ("muscles zero", enc(limb("right_arm", 0)),
     ["services[0].muscles: must be a whole number of at least 1"]),
    ("muscles fraction, text, boolean", enc(limb("right_arm", 2.5),
                                            {"kind": "trunk", "muscles": "3"},
                                            limb("left_arm", True)),
     ["services[0].muscles: must be a whole number", "services[1].muscles: must be a whole number",
      "services[2].muscles: must be a whole number"]),
    ("EMG code of the wrong kind", enc(emg("99213")),
     ["services[0].code: must be a diagnostic needle EMG code 95860-95870"]),
    ("E/M code of the wrong kind", enc(em("95860", True)),
     ["services[0].code: must be an office E/M code"]),
    ("drug code of the wrong kind", enc(drug("J9999", 10, 0)),
     ["services[0].code: must be a botulinum toxin code J0585-J0589"]),
    ("family code as other procedure", enc(other("64642")),
     ["services[0].code: 64642 is not an other procedure: enter it as kind 'extremity'"]),
    ("date not a date", {**enc(MIGRAINE), "date_of_service": "2024-02-30"},
     ["date_of_service: must be a date as YYYY-MM-DD"]),
    ("date in US form", {**enc(MIGRAINE), "date_of_service": "08/15/2024"},
     ["date_of_service: must be a date"]),
    ("date compact", {**enc(MIGRAINE), "date_of_service": "20240815"},
     ["date_of_service: must be a date"]),
    ("unknown keys", {**enc({**MIGRAINE, "muscles": 3}), "patient": "x"},
     ["patient: unknown field", "services[0].muscles: unknown field"]),
    ("missing fields", {"services": [{"kind": "neck"}, {"kind": "drug", "code": "J0585"}]},
     ["date_of_service: missing", "setting: missing", "payer: missing", "services[0].side: missing",
      "services[1].amount_administered: missing", "services[1].amount_discarded: missing"]),
    ("bad setting and side", enc(side("neck", "up"), setting="office"),
     ["setting: must be one of practitioner, outpatient_hospital",
      "services[0].side: must be one of"]),
    ("services not a list", {**enc(), "services": {"kind": "neck"}}, ["services: must be a list"]),
    ("no services", enc(), ["services: must list at least one service"]),
    ("once-per-session kinds twice", enc(TRUNK6, TRUNK6, em("99213", True), em("99214", True),
                                         NEEDLE, NEEDLE),
     ["services[1]: trunk is already listed at services[0]",
      "services[3]: em_visit is already listed at services[2]",
      "services[5]: guidance needle_emg is already listed at services[4]"]),
    ("bad distinct, method and amounts", enc(other("20553", "elsewhere"),
                                             {"kind": "guidance", "method": "ultrasound"},
                                             drug("J0585", 0, -1)),
     ["services[0].distinct: must be one of", "services[1].method: must be one of",
      "services[2].amount_administered: must be a number above 0",
      "services[2].amount_discarded: must be a number of at least 0"]),
    ("bad inline payer", enc(MIGRAINE, payer={"name": "X", "bilateral_format": "one",
                                              "accepts_x_modifiers": "yes", "fee": 1}),
     ["payer.fee: unknown field", "payer.bilateral_format: must be one of",
      "payer.accepts_x_modifiers: must be true, false or null"]),
    ("not an object", [1, 2], ["encounter: must be a JSON object"]),
]


@pytest.mark.parametrize("data,expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_invalid_encounters_list_every_problem(data, expected):
    with pytest.raises(InvalidEncounter) as err:
        parse_encounter(data)
    problems = err.value.problems
    assert len(problems) == len(expected), problems
    for want, got in zip(sorted(expected), sorted(problems)):
        assert got.startswith(want), (want, got)


def test_unknown_payer_id_when_the_ids_are_known():
    with pytest.raises(InvalidEncounter) as err:
        parse_encounter(enc(MIGRAINE, payer="acme"), payer_ids={"medicare"})
    assert err.value.problems == ("payer: unknown payer id 'acme' (known: medicare)",)


@pytest.mark.parametrize("encounter", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_encounter_json_round_trip(encounter):
    parsed = parse_encounter(encounter)
    assert parse_encounter(json.loads(json.dumps(parsed.to_json()))) == parsed


def test_hospital_only_prior_authorization_is_not_warned_on_a_practitioner_claim(reference):
    from rules.engine import decide
    enc = {"date_of_service": "2024-08-15", "payer": "medicare",
           "services": [{"kind": "migraine"}]}
    texts = {}
    for setting in ("practitioner", "outpatient_hospital"):
        d = decide({**enc, "setting": setting}, reference)
        texts[setting] = " ".join(w.text for w in d.warnings if w.topic == "coverage")
    assert "prior authorization" not in texts["practitioner"]
    assert "prior authorization" in texts["outpatient_hospital"]
