"""The modifier decision engine: an encounter in, a sourced decision out.

    decision = decide(encounter, reference, user_profiles=None)

`encounter` is an `Encounter` or its JSON form (parsed here); `reference` is a
db.reference.Reference; `user_profiles` the user's own payer profiles by id
(db.userdata.UserData.payer_profiles()). Raises only `InvalidEncounter`.

The steps, each in its own module and each naming its sources:
1. lines from the services (rules.extremity, rules.procedures, rules.bilateral,
   rules.drugs);
2. NCCI PTP edits in force on the date (rules.ptp) and CMS add-on edits (an add-on
   is reported only beside an allowed primary), repeated until nothing changes;
3. distinct-service modifiers and modifier 25 (rules.modifiers);
4. MUE (rules.mue); payer coverage notes; the releases used (rules.releases).
"""

from __future__ import annotations

from collections.abc import Mapping

from rules import kinds as K
from rules import ptp
from rules.decision import Decision, DecisionWarning, NotReported
from rules.drugs import drug_lines
from rules.encounter import Encounter, InvalidEncounter, parse_encounter
from rules.extremity import extremity_lines, trunk_line
from rules.facts import Facts
from rules.lines import Draft, cite
from rules.modifiers import apply_distinct, decide_em
from rules.mue import check_mue
from rules.payer import resolve_payer
from rules.procedures import em_line, emg_line, guidance_line, other_line, site_lines
from rules.releases import release_notes

CPT = "ama-cpt-codeset"
TOPIC_ORDER = ("release", "mue", "payer", "coverage", "data", "documentation")


class _Notes:
    """Warnings and not-reported entries, in a stable order, without repeats."""

    def __init__(self):
        self.warnings: dict[tuple[str, str], tuple[str, ...]] = {}
        self.not_reported: dict[str, list] = {}

    def warn(self, topic: str, text: str, *sources: str | None) -> None:
        self.warnings.setdefault((topic, text), tuple(s for s in sources if s))

    def drop(self, code: str, reason: str, sources=(), services=()) -> None:
        entry = self.not_reported.setdefault(code, [[], [], []])
        if not reason.endswith("]"):
            reason = cite(reason, *sources)[0]
        if reason not in entry[0]:
            entry[0].append(reason)
        entry[1] += [s for s in sources if s and s not in entry[1]]
        entry[2] += [i for i in services if i not in entry[2]]

    def frozen(self):
        warnings = sorted(self.warnings.items(), key=lambda kv: TOPIC_ORDER.index(kv[0][0]))
        return (tuple(NotReported(code, "; ".join(r), tuple(s), tuple(sorted(i)))
                      for code, (r, s, i) in self.not_reported.items()),
                tuple(DecisionWarning(t, text, src) for (t, text), src in warnings))


def decide(encounter, reference, user_profiles: Mapping | None = None) -> Decision:
    if not isinstance(encounter, Encounter):
        encounter = parse_encounter(encounter)
    if user_profiles is not None and not isinstance(user_profiles, Mapping):
        raise InvalidEncounter(["payer: the user's payer profiles are not readable"])
    payer = resolve_payer(encounter.payer, reference, user_profiles)
    facts = Facts(reference, encounter.date_of_service, encounter.setting)
    notes = _Notes()
    for dataset in (facts.ptp_dataset, facts.mue_dataset, "pfs", "aoc"):
        facts.release(dataset)

    drafts, alternatives = _draft_lines(encounter, facts, payer, notes)
    by_code: dict[str, list[Draft]] = {}
    for d in drafts:
        by_code.setdefault(d.code, []).append(d)

    edits = facts.ptp_in_force(set(by_code) | {a for a, _, _ in alternatives})
    outcome, orphans = _edits_to_fixed_point(by_code, edits, facts)
    kept = outcome.kept
    for code, reasons in outcome.removed.items():
        for text, sources in reasons:
            notes.drop(code, text, sources, _services(by_code[code]))
    for code in sorted(set(by_code) - kept):
        why = _orphan_reason(code, kept, facts)
        if why:
            notes.drop(code, *why, _services(by_code[code]))
    _alternatives(alternatives, edits, by_code, notes, facts)

    for code in sorted(outcome.distinct):
        if code in kept:
            apply_distinct(by_code[code], outcome.distinct[code], payer, notes.warn)
    for code in sorted(kept):
        if facts.is_addon(code):
            _addon_reason(by_code[code], kept, facts)
    for code in [c for c in sorted(kept) if by_code[c][0].group == "em_visit"]:
        em = by_code[code][0]
        kept_drafts = [d for c in kept for d in by_code[c]]
        why = decide_em(em, kept_drafts, outcome.em_edits.get(code, []), facts, notes.warn)
        if why:
            kept.discard(code)
            notes.drop(code, why[0], why[1], em.services)
    for code in [c for c in by_code if c not in kept and by_code[c][0].group == "em_visit"]:
        notes.warn("documentation", f"{code} is not reported: if the visit dealt with a "
                   "separate problem beyond the injection, the record must show it and the "
                   "visit is then significant and separately identifiable (modifier 25)",
                   "cms-claims-manual-ch12")

    reported = {c: by_code[c] for c in kept}
    check_mue(reported, facts, notes.warn, notes.drop)
    lines = sorted((d for ds in reported.values() for d in ds if d.units > 0),
                   key=Draft.sort_key)
    _payer_warnings(payer, lines, reference, facts, notes)
    releases = release_notes(facts.consulted(), encounter.date_of_service, notes.warn)
    not_reported, warnings = notes.frozen()
    return Decision(encounter.date_of_service, encounter.setting, payer,
                    tuple(d.freeze() for d in lines), not_reported, warnings, releases)


def _draft_lines(encounter, facts, payer, notes):
    limbs = [(i, s) for i, s in enumerate(encounter.services) if s.kind == "extremity"]
    drafts, alternatives = extremity_lines(limbs, facts)
    for i, s in enumerate(encounter.services):
        if s.kind == "trunk":
            d, alts = trunk_line(i, s)
            drafts.append(d)
            alternatives += alts
        elif s.kind in K.SITE_CODES:
            drafts += site_lines(i, s, facts, payer, notes.warn)
        elif s.kind == "guidance":
            drafts.append(guidance_line(i, s))
        elif s.kind == "diagnostic_emg":
            drafts.append(emg_line(i, s))
        elif s.kind == "other_procedure":
            drafts.append(other_line(i, s, facts))
            if facts.code_row(s.code) is None:
                notes.warn("data", f"{s.code} is outside CodeDesk's data (the chemodenervation "
                           "family and its companions): its NCCI edits, MUE and fee-schedule "
                           "indicators are data not available; check them in the CMS tables")
        elif s.kind == "em_visit":
            drafts.append(em_line(i, s))
        elif s.kind == "drug":
            facts.release("hcpcs")
            drafts += drug_lines(i, s, facts, notes.warn, notes.drop)
    return drafts, alternatives


def _edits_to_fixed_point(by_code, edits, facts):
    """PTP edits, then add-on edits on what is left, until no add-on loses its primary."""
    excluded: set[str] = set()
    while True:
        outcome = ptp.resolve({c: ds for c, ds in by_code.items() if c not in excluded},
                              edits, facts)
        orphans = {c for c in outcome.kept if _orphan_reason(c, outcome.kept, facts)}
        if not orphans:
            return outcome, excluded
        excluded |= orphans


def _orphan_reason(code, kept, facts):
    """Why an add-on cannot be reported (no allowed primary among `kept`), or None."""
    primaries = facts.addon_primaries(code)
    if not primaries or set(primaries) & kept:
        return None
    text, sources = cite(f"add-on {code} is reported only beside an allowed primary on the "
                         f"same claim ({', '.join(primaries)}); none is reported",
                         facts.release_id("aoc"), CPT)
    return text, sources


def _addon_reason(lines, kept, facts):
    primaries = sorted(set(facts.addon_primaries(lines[0].code)) & kept)
    for d in lines:
        if primaries:
            d.because(f"Add-on code, reported with its primary {', '.join(primaries)} on the same "
                      "claim; exempt from modifier 51", facts.release_id("aoc"), CPT)
        else:
            d.because("Add-on code: the add-on edits for the date of service are data not "
                      "available; confirm its primary is on the claim", CPT)


def _alternatives(alternatives, edits, by_code, notes, facts):
    """Codes a coder might add beside the engine's choice: cite the edit that forbids it."""
    for alt, chosen, reason in alternatives:
        edit = next((e for e in edits if e.column1 == chosen and e.column2 == alt), None)
        edit_text = (f"NCCI PTP edit {chosen}/{alt}, modifier indicator "
                     f"{edit.modifier_indicator}" if edit else None)
        if reason:
            text = reason + (f"; {edit_text}" if edit_text else "")
            notes.drop(alt, *cite(text, "ama-cpt-2014", facts.release_id("aoc"),
                                  edit.release if edit else None),
                       _services(by_code.get(chosen, [])))
        elif edit and chosen in by_code:
            for d in by_code[chosen]:
                d.because(f"{alt} is never reported beside {chosen}: {edit_text}", edit.release)


def _payer_warnings(payer, lines, reference, facts, notes):
    if payer.origin == "bundled" and payer.verified is False:
        notes.warn("payer", f"The {payer.name} profile is not verified: verify its bilateral "
                   "format and X-modifier acceptance with the payer", payer.source)
    if payer.id is None or payer.id not in facts.payer_ids:
        return
    found: dict[tuple, list[str]] = {}
    for code in dict.fromkeys(d.code for d in lines):
        for n in reference.payer_notes(code, payer.id):
            if n.settings and facts.setting not in n.settings:
                continue  # e.g. a prior authorization that applies to hospital claims only
            found.setdefault((n.payer_name, n.topic, n.text, n.tier, n.date, n.source_id),
                             []).append(code)
    for (name, topic, text, tier, date, source), codes in found.items():
        when = f", {date}" if date else ""
        notes.warn("coverage", f"{name}, {topic} (for {', '.join(codes)}): {text} "
                   f"[tier {tier}{when}]", source)


def _services(drafts) -> tuple[int, ...]:
    return tuple(sorted({i for d in drafts for i in d.services}))
