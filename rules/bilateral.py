"""Sides: RT/LT on one-sided services, and the bilateral format on both-sided ones.

MPFS bilateral surgery indicator (PFS release in force; cms-mpfs-indicators):
0 no bilateral rule (no 50); 1 the 150% rule (50, or RT+LT, or 2 units: the payer's
format); 2 bilateral by definition (never 50); 3 each side at 100%; 9 not applicable.
Add-on codes never take 50. The payer's bilateral format is payer data: Medicare one
line -50 x1; some plans -50 x2 or RT and LT lines (surgical-society-bilateral).

CMS sets the MUE of a code with indicator 1 for one line with 50 and 1 unit, so a
both-sided service counts for the MUE as the units of that one line, whatever the
payer's format (cms-ncci-policy-manual); the engine warns when the payer's format
puts more units on the claim than the CMS MUE allows.
"""

from __future__ import annotations

from rules.extremity import SIDE_MODIFIER
from rules.lines import Draft

MPFS = "cms-mpfs-indicators"
PROF = "prof-coding-guidance"
PAYER_FORMATS = "surgical-society-bilateral"


def sided_lines(draft: Draft, side: str | None, facts, payer, warn) -> list[Draft]:
    """The draft as one or two lines for its side; `warn(topic, text, *sources)`."""
    if side in SIDE_MODIFIER:
        draft.add(SIDE_MODIFIER[side])
        draft.because(f"{SIDE_MODIFIER[side]}: one side, the {side} (informational anatomic "
                      "modifier)", PROF)
        return [draft]
    if side != "both":
        return [draft]
    code, pfs_rel = draft.code, facts.release_id("pfs")
    indicator = facts.bilateral_indicator(code)
    if indicator == "2":
        draft.because(f"Bilateral indicator 2: {code} is bilateral by definition; never "
                      "modifier 50, one unit", pfs_rel, MPFS)
        return [draft]
    if indicator == "1" and not facts.is_addon(code):
        return _bilateral_format(draft, facts, payer, warn, pfs_rel)
    what = ("not available for the date of service" if indicator is None
            else f"{indicator}: modifier 50 does not apply")
    draft.because(f"Bilateral indicator {what}; both sides are reported as an RT line and "
                  "an LT line", pfs_rel, MPFS)
    if indicator is None:
        warn("data", f"The bilateral indicator of {code} is not available for the date of "
             "service (data not available): confirm how the payer wants both sides reported",
             MPFS)
    return _rt_lt(draft)


def _rt_lt(draft: Draft, count_once: bool = False) -> list[Draft]:
    right, left = draft, Draft(**{**draft.__dict__, "modifiers": list(draft.modifiers),
                                  "reasons": list(draft.reasons),
                                  "sources": list(draft.sources)})
    right.add("RT")
    left.add("LT")
    left.side_order = 1
    if count_once:
        left.mue_units = 0      # indicator 1: the MUE counts the bilateral service once
    return [right, left]


def _bilateral_format(draft: Draft, facts, payer, warn, pfs_rel) -> list[Draft]:
    fmt = payer.bilateral_format
    payer_src = payer.source or PAYER_FORMATS
    base = ("Both sides, bilateral indicator 1 (150% rule), in the payer's bilateral format "
            f"({payer.name})")
    units = draft.units
    draft.mue_units = units
    if fmt == "modifier_50_two_units":
        draft.add("50")
        draft.units = units * 2
        draft.because(base + ": one line with modifier 50 and 2 units", pfs_rel, MPFS, payer_src)
        lines = [draft]
    elif fmt == "rt_lt_two_lines":
        draft.because(base + ": an RT line and an LT line, 1 unit each", pfs_rel, MPFS,
                      payer_src)
        lines = _rt_lt(draft, count_once=True)
    else:
        draft.add("50")
        if fmt == "modifier_50_one_line":
            draft.because(base + ": one line with modifier 50 and 1 unit", pfs_rel, MPFS,
                          payer_src)
        else:
            draft.because(f"Both sides, bilateral indicator 1: the bilateral format of "
                          f"{payer.name} is not known, so the CMS format is used: one line with "
                          "modifier 50 and 1 unit", pfs_rel, MPFS)
            warn("payer", f"{payer.name}: bilateral format not known for {draft.code}; "
                 "verify with the payer (one line -50 x1, -50 x2, or RT and LT lines)",
                 PAYER_FORMATS)
        return [draft]
    mue = facts.mue(draft.code)
    if mue is not None and units * 2 > mue.value:
        warn("mue", f"{draft.code}: the bilateral format of {payer.name} puts {units * 2} units "
             f"on the claim; the CMS MUE of {mue.value} (MAI {mue.mai}) assumes one line with "
             "modifier 50 and 1 unit. Confirm the payer's own unit limits",
             mue.release, "cms-ncci-policy-manual")
    return lines
