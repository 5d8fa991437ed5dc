"""NCCI procedure-to-procedure (PTP) edits between the codes of one encounter.

Only edits in force on the date of service count: from the release in force for the
setting, begun and not past their deletion date, indicator not 9 (PtpEdit.in_force).
For an edit column1/column2 with both codes on the claim (cms-ncci-policy-manual):

- indicator 0: the column-2 code is not reported; no modifier bypasses the edit;
- indicator 1: the column-2 code is reported only if the services were truly distinct,
  with a distinct-service modifier on the column-2 line; an E/M in column 2 is
  reported only when significant and separately identifiable, with modifier 25
  (never 59 or an X modifier on an E/M line). Distinct means: the user's `distinct`
  answer on either service, or services at different anatomic sites by their nature
  (rules.anatomy: a separate structure, XS). Otherwise the column-2 code is not
  reported, and the reason says which answer would change that.

A code that is itself not reported does not trigger edits: edits are applied from the
codes that nothing removes, until nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rules.anatomy import describe, separate_by_nature
from rules.lines import Draft

NCCI = "cms-ncci-policy-manual"
X_MODS = "cms-x-modifiers-2015"
X_FOR_ANSWER = {"separate_encounter": "XE", "separate_structure": "XS",
                "separate_practitioner": "XP", "unusual_non_overlapping": "XU"}
_ANSWER_WORDS = {"separate_encounter": "a separate encounter (session)",
                 "separate_structure": "a separate organ or structure",
                 "separate_practitioner": "a different practitioner",
                 "unusual_non_overlapping": "an unusual service that does not overlap"}


@dataclass
class PtpOutcome:
    kept: set[str]
    removed: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    # column-2 code -> [(X modifier kind, reason, sources)] from indicator-1 edits
    distinct: dict[str, list[tuple[str, str, tuple[str, ...]]]] = field(default_factory=dict)
    # E/M code -> [(reason, sources)]: indicator-1 edits its modifier 25 answers
    em_edits: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)


def _sites(drafts: list[Draft]):
    if any(d.sites is None for d in drafts):
        return None
    return frozenset().union(*(d.sites for d in drafts))


def _answer(drafts: list[Draft]):
    for d in drafts:
        if d.distinct:
            return d.distinct, d.services[0]
    return None


def _judge(edit, by_code: dict[str, list[Draft]]):
    """For an indicator-1 edit: (X kind, why) when the services are distinct, else
    (None, why not)."""
    c1, c2 = edit.column1, edit.column2
    a, b = by_code[c1], by_code[c2]
    if b[0].group == "em_visit":
        if b[0].significant_separate:
            return "25", "the visit is significant and separately identifiable"
        return None, ("the visit is not significant and separately identifiable, so it is "
                      "part of the procedure")
    answer = _answer(b) or _answer(a)
    if answer:
        value, index = answer
        return X_FOR_ANSWER[value], (f"the record shows {_ANSWER_WORDS[value]} "
                                     f"(services[{index}].distinct)")
    sa, sb = _sites(a), _sites(b)
    if separate_by_nature(sa, sb):
        return "XS", (f"{c1} ({describe(sa)}) and {c2} ({describe(sb)}) are at different "
                      "anatomic sites by their nature: separate structures")
    askable = [d for d in b + a if d.group in ("diagnostic_emg", "other_procedure")]
    hint = (f"; if the record shows a separate session, structure or practitioner, set "
            f"services[{askable[0].services[0]}].distinct" if askable else "")
    return None, (f"{c1} ({describe(sa)}) and {c2} ({describe(sb)}) may overlap and nothing "
                  f"shows them distinct{hint}")


def resolve(by_code: dict[str, list[Draft]], edits, facts) -> PtpOutcome:
    codes = set(by_code)
    unique = {}
    for e in edits:     # one edit per pair (a pair may repeat across rows of a release)
        if e.column1 in codes and e.column2 in codes and e.column1 != e.column2:
            unique.setdefault((e.column1, e.column2), e)
    edits = list(unique.values())
    rel = facts.release_id(facts.ptp_dataset)
    judged = {}
    removing = []
    for e in edits:
        if e.modifier_indicator == 1:
            judged[(e.column1, e.column2)] = _judge(e, by_code)
            if judged[(e.column1, e.column2)][0] is None:
                removing.append(e)
        else:
            removing.append(e)

    out = PtpOutcome(kept=set(codes))
    while True:
        active = [e for e in removing if e.column1 in out.kept and e.column2 in out.kept]
        if not active:
            break
        blocked = {e.column2 for e in active}
        roots = [e for e in active if e.column1 not in blocked] or active[:1]
        for e in roots:
            out.kept.discard(e.column2)
            pair = f"{e.column1}/{e.column2}"
            if e.modifier_indicator == 0:
                text = (f"NCCI PTP edit {pair}, modifier indicator 0: {e.column2} is not "
                        f"reported with {e.column1}; no modifier bypasses this edit")
            else:
                text = (f"NCCI PTP edit {pair}, modifier indicator 1: {e.column2} is reported "
                        f"beside {e.column1} only when truly distinct; "
                        + judged[(e.column1, e.column2)][1])
            out.removed.setdefault(e.column2, []).append((text, (e.release or rel, NCCI)))

    for e in edits:
        if e.modifier_indicator != 1 or e.column1 not in out.kept or e.column2 not in out.kept:
            continue
        kind, why = judged[(e.column1, e.column2)]
        pair = f"NCCI PTP edit {e.column1}/{e.column2}, modifier indicator 1"
        if kind == "25":
            out.em_edits.setdefault(e.column2, []).append(
                (f"{pair}: {why}", (e.release or rel, NCCI)))
        else:
            out.distinct.setdefault(e.column2, []).append(
                (kind, f"{pair}: {why}", (e.release or rel, X_MODS)))
    return out
