"""Extremity and trunk chemodenervation: which codes, how many units.

- One primary extremity code per session: 64644 when any limb has 5 or more muscles,
  else 64642 (CPT 2014, ama-cpt-2014). 64645 may only be reported with 64644 (CMS
  add-on edits), so an encounter with any 5+ muscle limb takes 64644 as its primary.
- Each additional limb is one unit of an add-on: 64643 (1-4 muscles) or 64645 (5+).
- Trunk: 64646 (1-5 muscles) or 64647 (6 or more), once (ama-cpt-2014).
- Muscles are counted, not injection sites or toxin units (prof-coding-guidance).
- RT/LT go on each extremity line for the side of its limb(s): informational HCPCS
  modifiers (prof-coding-guidance). Add-on limbs on the same side share a line (one
  unit per limb); limbs on the two sides take separate lines, so no two lines are alike.
"""

from __future__ import annotations

from rules.anatomy import sites_of
from rules.lines import Draft

CPT = "ama-cpt-2014"
PROF = "prof-coding-guidance"
SIDE_MODIFIER = {"right": "RT", "left": "LT"}
_LIMB_WORDS = {"right_arm": "right arm", "left_arm": "left arm", "right_leg": "right leg",
               "left_leg": "left leg"}


def _side(limb: str) -> str:
    return limb.split("_")[0]


def extremity_lines(limbs: list[tuple[int, object]], facts) -> tuple[list[Draft], list]:
    """Drafts for the limbs [(service index, Extremity)], and the codes a coder might
    wrongly add beside them as (code, chosen code, reason) for `not_reported`."""
    if not limbs:
        return [], []
    aoc = facts.release_id("aoc")
    five_plus = [(i, s) for i, s in limbs if s.muscles >= 5]
    if five_plus:
        # The primary is the limb with the most muscles (ties: the first listed).
        pi, primary = max(five_plus, key=lambda t: (t[1].muscles, -t[0]))
        code = "64644"
    else:
        pi, primary = max(limbs, key=lambda t: (t[1].muscles, -t[0]))
        code = "64642"
    sites = sites_of("extremity")
    head = Draft(code, 1, "extremity", (pi,), sites=sites)
    head.add(SIDE_MODIFIER[_side(primary.limb)])
    head.because(f"Primary extremity code for the {_LIMB_WORDS[primary.limb]} "
                 f"({primary.muscles} muscle{'s' * (primary.muscles != 1)}): {code} is one "
                 f"extremity with {'5 or more' if code == '64644' else '1-4'} muscles, "
                 "one per session", CPT)
    if code == "64644" and len(limbs) > 1:
        head.because("64644 is the primary because a limb has 5 or more muscles and the "
                     "add-on 64645 may only be reported with 64644", CPT, aoc)
    head.because(f"{SIDE_MODIFIER[_side(primary.limb)]}: the side of the limb "
                 "(informational anatomic modifier)", PROF)

    groups: dict[tuple[str, str], list] = {}
    for i, s in limbs:
        if i == pi:
            continue
        addon = "64645" if s.muscles >= 5 else "64643"
        groups.setdefault((addon, _side(s.limb)), []).append((i, s))
    drafts = [head]
    for (addon, side), members in sorted(groups.items(),
                                         key=lambda kv: (kv[0][0], kv[0][1] != "right")):
        d = Draft(addon, len(members), "extremity_addon", tuple(i for i, _ in members),
                  sites=sites, side_order=0 if side == "right" else 1)
        d.add(SIDE_MODIFIER[side])
        for _, s in members:
            d.because(f"Additional extremity, {_LIMB_WORDS[s.limb]} with {s.muscles} "
                      f"muscle{'s' * (s.muscles != 1)}: one unit of {addon} "
                      f"({'5 or more' if addon == '64645' else '1-4'} muscles)", CPT)
        d.because(f"{SIDE_MODIFIER[side]}: the side of the limb"
                  f"{'s' if len(members) > 1 else ''} (informational anatomic modifier)", PROF)
        drafts.append(d)
    drafts[0].because("Muscles are counted, not injection sites or toxin units", PROF)

    alternatives = []
    if code == "64644" and any(s.muscles < 5 for _, s in limbs):
        alternatives.append(("64642", "64644", "64642 is not reported: with a 5+ muscle limb "
                             "the primary is 64644, and each 1-4 muscle limb is an additional "
                             "extremity (64643)"))
    return drafts, alternatives


def trunk_line(index: int, trunk) -> tuple[Draft, list]:
    code = "64647" if trunk.muscles >= 6 else "64646"
    d = Draft(code, 1, "trunk", (index,), sites=sites_of("trunk"))
    d.because(f"Trunk muscles, {trunk.muscles} muscle{'s' * (trunk.muscles != 1)}: {code} "
              f"({'6 or more' if code == '64647' else '1-5'} muscles), once per session", CPT)
    d.because("Muscles are counted, not injection sites or toxin units", PROF)
    other = "64646" if code == "64647" else "64647"
    return d, [(other, code, None)]
