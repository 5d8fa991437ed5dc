"""Training mode without Qt: the shipped library against the engine, grading, scores and
the scenario file format (rules/training.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest

import resources
from rules import training as T
from rules.engine import decide

LIBRARY_FILES = sorted(p.name for p in resources.path("scenarios").glob("*.json"))


@pytest.fixture(scope="module")
def library(reference):
    return {s.id: s for s in T.load_library(reference)}


def test_library_has_the_cases_the_issue_asks_for(library):
    assert len(library) >= 15
    assert len(LIBRARY_FILES) == len(library)      # one scenario per file
    kinds = {sv["kind"] for s in library.values() for sv in s.encounter["services"]}
    assert {"extremity", "neck", "migraine", "facial", "larynx", "trunk", "guidance",
            "diagnostic_emg", "em_visit", "other_procedure", "drug"} <= kinds
    for wanted in ("mistake-64643-alone", "mistake-modifier-50-on-64643",
                   "mistake-95873-with-95874", "mistake-torticollis-as-64643"):
        assert wanted in library
    mods = {m for s in library.values() for ln in s.lines for m in ln.modifiers}
    assert {"JW", "JZ", "25", "XS", "59", "50", "RT", "LT"} <= mods


@pytest.mark.parametrize("file_name", LIBRARY_FILES)
def test_shipped_scenario_equals_the_engine(file_name, reference):
    (scenario,) = T.parse_scenario_file(resources.path(f"scenarios/{file_name}").read_bytes(),
                                        reference, origin="shipped")
    decision = decide(scenario.encounter, reference)
    assert T.agrees_with(scenario, decision) == []
    assert sorted(T.expected_from_decision(decision)[0], key=repr) == \
        sorted(scenario.lines, key=repr)


def test_every_teaching_point_has_a_known_source(library, reference):
    for s in library.values():
        assert s.teaching_points, s.id
        for tp in s.teaching_points + tuple(s.pitfalls):
            assert tp.sources, (s.id, tp)
            assert all(reference.source(x) is not None for x in tp.sources)


def test_the_expected_answer_grades_all_right_and_each_pitfall_wrong(library, reference):
    for s in library.values():
        d = decide(s.encounter, reference)
        assert T.grade(s, s.lines, d).all_right, s.id
        for p in s.pitfalls:
            if any(ln.code == p.code and set(ln.modifiers) == set(p.modifiers)
                   for ln in s.lines):
                continue     # a pitfall of units only (64647 x 6): graded by its units
            g = T.grade(s, [T.ClaimEntry(p.code, p.modifiers, 1)], d)
            assert p.why in g.marks[0].reason and not g.marks[0].right, (s.id, p)


# -- grading -----------------------------------------------------------------------------

def _entries(*rows):
    return T.parse_entries(rows, ["25", "50", "59", "JW", "JZ", "LT", "RT", "XS"])


def test_grade_all_right_in_any_order_and_modifier_order(library, reference):
    s = library["migraine-and-arm"]
    d = decide(s.encounter, reference)
    g = T.grade(s, _entries(("j0585", "jw", "50"), ("64642", "LT XS", "1"), ("64615", "", ""),
                            ("J0585", "", "250")), d)
    assert [m.verdict for m in g.marks] == [T.RIGHT] * 4
    assert g.all_right and g.percent == 100
    assert "64615/64642" in g.marks[1].reason and "cms-x-modifiers-2015" in g.marks[1].sources


def test_grade_wrong_modifier_units_extra_and_missing(library, reference):
    s = library["mistake-modifier-50-on-64643"]
    d = decide(s.encounter, reference)
    g = T.grade(s, _entries(("64643", "50", "1"), ("J0585", "JZ", "2"), ("95874", "", "1")), d)
    by = {m.verdict: m for m in g.marks}
    assert by[T.WRONG_MODIFIERS].entered.code == "64643"
    assert "never goes on an add-on" in by[T.WRONG_MODIFIERS].reason     # the pitfall
    assert "missing LT; not wanted 50" in by[T.WRONG_MODIFIERS].reason
    assert "you entered 2, the answer is 200" in by[T.WRONG_UNITS].reason
    assert by[T.EXTRA].entered.code == "95874"
    assert by[T.MISSING].expected.label() == "64642-RT x 1"
    assert (g.right, g.possible, g.all_right) == (0, 4, False)


def test_extra_line_quotes_the_engines_not_reported_reason(library, reference):
    s = library["laryngeal-dystonia"]
    s = T.Scenario(**{**s.__dict__, "pitfalls": ()})
    d = decide(s.encounter, reference)
    g = T.grade(s, _entries(("64617", "RT", "1"), ("95874", "", "1")), d)
    extra = [m for m in g.marks if m.verdict == T.EXTRA][0]
    assert "64617/95874" in extra.reason and "indicator 0" in extra.reason


@pytest.mark.parametrize("rows, message", [
    ([("6464", "", "1")], "Line 1: '6464' is not a CPT or HCPCS code"),
    ([("64642", "", "1"), ("64643", "ZZ", "1")], "Line 2: unknown modifier ZZ"),
    ([("64642", "RT RT", "1")], "Line 1: a modifier is entered twice"),
    ([("64642", "", "0")], "Line 1: units must be a whole number from 1 to 999"),
    ([("64642", "", "one")], "Line 1: units must be a whole number"),
    ([("", "RT", "1")], "Line 1: enter a code"),
])
def test_bad_claim_entries_are_named_by_line(rows, message):
    with pytest.raises(T.InvalidClaimEntry) as exc:
        _entries(*rows)
    assert message in str(exc.value)


def test_blank_rows_are_skipped_and_units_default_to_one():
    assert _entries(("", "", ""), (" 64642 ", "rt", "")) == [T.ClaimEntry("64642", ("RT",), 1)]


# -- scores ---------------------------------------------------------------------------------

def test_session_scores_export_as_csv_and_json(library, reference):
    session = T.Session(trainee="A. Coder")
    s = library["mistake-64643-alone"]
    d = decide(s.encounter, reference)
    for rows in ([("64642", "LT", "1"), ("J0585", "JZ", "100")], [("64643", "", "1")]):
        e = _entries(*rows)
        session.record(s, e, T.grade(s, e, d), when="2024-09-01T10:00:00")
    assert session.scenarios_right == 1 and session.lines_right == 2
    assert session.lines_possible == 5 and session.percent == 40
    rows = list(csv.DictReader(io.StringIO(session.to_csv())))
    assert [r["all_right"] for r in rows] == ["yes", "no"]
    assert rows[1]["entered"] == "64643 x 1"
    data = json.loads(json.dumps(session.to_json()))
    assert data["format"] == T.SCORES_FORMAT and data["totals"]["percent"] == 40
    assert "1 of 2 scenarios fully right" in session.summary()


# -- the file format ---------------------------------------------------------------------------

def test_file_round_trip(library, reference):
    picked = [library["stroke-arm-leg-emg"], library["four-limbs"]]
    text = T.scenario_file_text(picked)
    back = T.parse_scenario_file(text, reference)
    assert [b.to_json() for b in back] == [p.to_json() for p in picked]
    assert all(b.origin == "user" for b in back)


def _file(**changes):
    sc = {"id": "my-case", "title": "A case", "vignette": "Something happened.",
          "encounter": {"date_of_service": "2024-08-15", "setting": "practitioner",
                        "payer": "medicare",
                        "services": [{"kind": "extremity", "limb": "left_arm", "muscles": 2}]},
          "expected": {"lines": [{"code": "64642", "modifiers": ["LT"], "units": 1}],
                       "not_reported": [], "computed_by": "trainer"},
          "teaching_points": [{"text": "One limb, 1-4 muscles.", "sources": ["ama-cpt-2014"]}]}
    sc.update(changes)
    return json.dumps({"format": T.FILE_FORMAT, "version": 1, "scenarios": [sc]})


@pytest.mark.parametrize("text, problem", [
    ("not json at all", "not JSON: Expecting value at line 1, column 1"),
    ('{"scenarios": []}', "not a CodeDesk scenario file"),
    (b"\xff\xfe\x00bad", "not a text file in UTF-8"),
    (json.dumps({"format": T.FILE_FORMAT, "version": 7, "scenarios": [{}]}),
     "version: this CodeDesk reads version 1"),
    (_file(expected={"lines": [{"code": "64699", "modifiers": [], "units": 1}]}),
     "scenarios[0].expected.lines[0].code: unknown code '64699'"),
    (_file(expected={"lines": [{"code": "64642", "modifiers": ["QQ"], "units": 1}]}),
     "scenarios[0].expected.lines[0].modifiers[0]: unknown modifier 'QQ'"),
    (_file(expected={"lines": [{"code": "G24.3", "modifiers": [], "units": 1}]}),
     "not a CPT or HCPCS code"),
    (_file(encounter={"date_of_service": "2024-02-30", "setting": "practitioner",
                      "payer": "medicare",
                      "services": [{"kind": "extremity", "limb": "tail", "muscles": 0}]}),
     "scenarios[0].encounter.date_of_service: must be a date"),
    (_file(encounter={"date_of_service": "2024-08-15", "setting": "practitioner",
                      "payer": "nobody", "services": [{"kind": "wing"}]}),
     "scenarios[0].encounter.services[0].kind: unknown kind 'wing'"),
    (_file(teaching_points=[{"text": "x", "sources": ["wikipedia"]}]),
     "scenarios[0].teaching_points[0].sources[0]: unknown source id 'wikipedia'"),
    (_file(id="Bad Id!"), "scenarios[0].id: must be 2-64 lower-case"),
    (_file(extra=1), "scenarios[0].extra: unknown field"),
])
def test_bad_files_are_rejected_with_the_place_of_each_problem(text, problem, reference):
    with pytest.raises(T.InvalidScenario) as exc:
        T.parse_scenario_file(text, reference, where="class.json")
    assert problem in str(exc.value)
    assert str(exc.value).startswith("class.json: the scenario file was not accepted")


def test_an_invalid_encounter_lists_every_problem(reference):
    text = _file(encounter={"date_of_service": "soon", "setting": "practitioner",
                            "payer": "medicare",
                            "services": [{"kind": "extremity", "limb": "tail", "muscles": 0}]})
    with pytest.raises(T.InvalidScenario) as exc:
        T.parse_scenario_file(text, reference)
    joined = "\n".join(exc.value.problems)
    assert "encounter.date_of_service" in joined and "encounter.services[0].limb" in joined
    assert "encounter.services[0].muscles" in joined


def test_duplicate_ids_in_one_file_are_rejected(reference):
    one = json.loads(_file())["scenarios"][0]
    text = json.dumps({"format": T.FILE_FORMAT, "version": 1, "scenarios": [one, one]})
    with pytest.raises(T.InvalidScenario, match=r"scenarios\[1\]\.id: 'my-case' is already"):
        T.parse_scenario_file(text, reference)


def test_user_scenarios_that_no_longer_validate_are_reported_not_dropped_silently(reference):
    good = json.loads(_file())["scenarios"][0]
    bad = {**good, "id": "broken", "expected": {"lines": []}}
    ok, problems = T.load_user_scenarios({"my-case": good, "broken": bad}, reference)
    assert [s.id for s in ok] == ["my-case"]
    assert len(problems) == 1 and "'broken'" in problems[0]


def test_walkthrough_has_each_decision_with_its_reason_and_source(library, reference):
    s = library["mistake-95873-with-95874"]
    d = decide(s.encounter, reference)
    steps = T.walkthrough(s, d)
    assert steps[0].kind == "encounter" and "Extremity: left leg, 5 muscles" in steps[0].points
    lines = [st for st in steps if st.kind == "line"]
    assert [st.title for st in lines] == ["Line 1: 64644-LT x 1", "Line 2: 95874 x 1",
                                          "Line 3: J0585-JZ x 300"]
    assert all(st.points and st.sources for st in lines)
    nr = [st for st in steps if st.kind == "not_reported"]
    assert nr[0].codes == ("95873",) and "indicator 0" in nr[0].points[0]
    assert steps[-1].kind == "claim"


# -- hostile files ----------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                     | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.sampled_from(
                         ["id", "title", "vignette", "encounter", "expected", "lines", "code",
                          "modifiers", "units", "services", "kind", "x"]), inner, max_size=5),
                     max_leaves=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenarios=st.lists(_json, min_size=1, max_size=3))
def test_any_file_is_read_or_rejected_with_problems_never_a_crash(reference, scenarios):
    text = json.dumps({"format": T.FILE_FORMAT, "version": 1, "scenarios": scenarios})
    try:
        out = T.parse_scenario_file(text, reference)
    except T.InvalidScenario as exc:
        assert exc.problems and all(isinstance(p, str) and ": " in p for p in exc.problems)
    else:
        assert all(isinstance(s, T.Scenario) for s in out)
