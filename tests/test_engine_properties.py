"""Properties of the engine over generated encounters (hypothesis): the "never" rules of
DOMAIN.md §3 hold, the decision is deterministic, and nothing but InvalidEncounter is
ever raised, whatever the input."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import kinds as K
from rules.decision import Decision
from rules.encounter import InvalidEncounter, parse_encounter
from rules.engine import decide

DISTINCT_MODS = {"59", "XE", "XS", "XP", "XU"}
X_MODS = {"XE", "XS", "XP", "XU"}
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

distinct = st.one_of(st.none(), st.sampled_from(K.DISTINCT_ANSWERS))
side = st.sampled_from(K.SIDES)
service = st.one_of(
    st.builds(lambda limb, m: {"kind": "extremity", "limb": limb, "muscles": m},
              st.sampled_from(K.LIMBS), st.integers(1, 12)),
    st.builds(lambda m: {"kind": "trunk", "muscles": m}, st.integers(1, 10)),
    *[st.builds(lambda s, k=k: {"kind": k, "side": s}, side) for k in ("neck", "facial", "larynx")],
    st.one_of(st.just({"kind": "migraine"}),
              st.builds(lambda s: {"kind": "migraine", "side": s}, side)),
    st.builds(lambda n, s: {"kind": "neurolysis", "nerves": n, "side": s},
              st.integers(1, 7), side),
    st.builds(lambda m: {"kind": "guidance", "method": m},
              st.sampled_from(tuple(K.GUIDANCE_METHODS))),
    st.builds(lambda c, d, u: {"kind": "diagnostic_emg", "code": c, "distinct": d, "units": u},
              st.sampled_from(K.DIAGNOSTIC_EMG_CODES), distinct, st.integers(1, 5)),
    st.builds(lambda c, s: {"kind": "em_visit", "code": c, "significant_separate": s},
              st.sampled_from(K.EM_CODES), st.booleans()),
    st.builds(lambda c, d, u: {"kind": "other_procedure", "code": c, "distinct": d, "units": u},
              st.sampled_from(("96372", "20552", "20553", "64400", "64450", "76942", "11900")),
              distinct, st.integers(1, 3)),
    st.builds(lambda c, a, w: {"kind": "drug", "code": c, "amount_administered": a,
                               "amount_discarded": w},
              st.sampled_from(K.DRUG_CODES),
              st.one_of(st.integers(1, 900), st.floats(0.5, 900, allow_nan=False)),
              st.one_of(st.just(0), st.integers(0, 300), st.floats(0, 300, allow_nan=False))),
)


def _key(s):
    kind = s["kind"]
    if kind == "extremity":
        return (kind, s["limb"])
    if kind == "guidance":
        return (kind, s["method"])
    if kind in ("diagnostic_emg", "other_procedure", "drug"):
        return (kind, s["code"])
    return (kind,)


inline_payer = st.builds(
    lambda f, x: {"name": "Generated plan", "bilateral_format": f, "accepts_x_modifiers": x},
    st.sampled_from(K.BILATERAL_FORMATS), st.one_of(st.none(), st.booleans()))
payer = st.one_of(st.sampled_from(("medicare", "uhc", "aetna", "bcbs", "bcbs-rt-lt",
                                   "bcbs-two-units")), inline_payer)
encounter = st.builds(
    lambda d, s, p, services: {"date_of_service": d.isoformat(), "setting": s, "payer": p,
                               "services": services},
    st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31)), st.sampled_from(K.SETTINGS), payer,
    st.lists(service, min_size=1, max_size=9, unique_by=_key))

json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
              st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)


def _check_never_rules(reference, enc: dict, d: Decision) -> None:
    dos, setting = enc["date_of_service"], enc["setting"]
    reported = {ln.code for ln in d.lines}
    edits = [e for e in reference.ptp_between(reported, setting, dos) if e.in_force(dos)]
    for ln in d.lines:
        mods = set(ln.modifiers)
        assert ln.units >= 1 and ln.reasons and ln.sources
        assert len(ln.modifiers) == len(mods)
        if "50" in mods:
            pfs = reference.pfs(ln.code, dos)
            assert not reference.addon_primaries(ln.code, dos), ln
            assert pfs is not None and pfs.bilateral == "1" and pfs.global_days != "ZZZ", ln
        assert not ("59" in mods and mods & X_MODS), ln
        assert len(mods & DISTINCT_MODS) <= 1, ln
        is_em = ln.code in K.EM_CODES
        if is_em:
            assert not mods & DISTINCT_MODS, ln
        else:
            assert "25" not in mods, ln
        if mods & DISTINCT_MODS:
            assert any(e.column2 == ln.code and e.modifier_indicator == 1
                       and e.column1 in reported for e in edits), ln
        primaries = reference.addon_primaries(ln.code, dos)
        if primaries:
            assert set(primaries) & reported, ln
    if "64645" in reported:
        assert "64644" in reported and "64642" not in reported
    assert not {"64642", "64644"} <= reported and not {"64646", "64647"} <= reported


@SETTINGS
@given(enc=encounter)
def test_never_rules_hold(reference, enc):
    d = decide(enc, reference)
    _check_never_rules(reference, enc, d)


@SETTINGS
@given(enc=encounter)
def test_decision_is_deterministic(reference, enc):
    first = decide(enc, reference).to_json()
    again = decide(json.loads(json.dumps(enc)), reference).to_json()
    parsed = decide(parse_encounter(enc), reference).to_json()
    assert first == again == parsed
    json.dumps(first)     # the JSON form is plain JSON


@SETTINGS
@given(data=json_value)
def test_garbage_raises_only_invalid_encounter(reference, data):
    try:
        decide(data, reference)
    except InvalidEncounter as err:
        assert err.problems and all(isinstance(p, str) and ":" in p for p in err.problems)


@SETTINGS
@given(enc=encounter, data=st.data())
def test_damaged_encounters_raise_only_invalid_encounter(reference, enc, data):
    where = data.draw(st.sampled_from(["top", "service"]))
    junk = data.draw(json_value)
    if where == "top":
        key = data.draw(st.sampled_from(["date_of_service", "setting", "payer", "services", "x"]))
        enc = {**enc, key: junk}
    else:
        i = data.draw(st.integers(0, len(enc["services"]) - 1))
        s = dict(enc["services"][i])
        key = data.draw(st.sampled_from(sorted(s) + ["extra"]))
        s[key] = junk
        enc = {**enc, "services": enc["services"][:i] + [s] + enc["services"][i + 1:]}
    try:
        d = decide(enc, reference)
    except InvalidEncounter as err:
        assert err.problems
    else:
        _check_never_rules(reference, enc, d)
