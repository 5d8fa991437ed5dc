"""Medically unlikely edits (MUE): units per code per date of service, from the MUE
table of the encounter's setting in force on the date (db.reference.mue).

What the engine does when the units exceed the MUE value depends on the MUE
adjudication indicator (MAI; cms-ncci-policy-manual):
- MAI 1 (per claim line): each line is checked; a warning says more units may go on
  another line with an appropriate modifier. Nothing is split automatically.
- MAI 2 (per day, absolute policy limit, no override): units above the limit cannot
  be paid and a line over the limit is denied whole, so the lines are cut to the
  limit and the cut units are listed under `not_reported`, with a warning. Lines whose
  units a bilateral format sets are never cut (warning only).
- MAI 3 (per day, clinical limit): the units stay as documented; a warning says the
  line will likely be denied and is payable on appeal with documentation.
A both-sided service of bilateral indicator 1 counts once (rules.bilateral).
"""

from __future__ import annotations

from rules.lines import Draft


def check_mue(by_code: dict[str, list[Draft]], facts, warn, not_reported) -> None:
    for code in sorted(by_code):
        lines = by_code[code]
        mue = facts.mue(code)
        if mue is None:
            continue
        if mue.mai == 1:
            for d in lines:
                if d.counted_units > mue.value:
                    warn("mue", f"{code}: {d.counted_units} units on one line exceed the MUE of "
                         f"{mue.value} (MAI 1, {mue.mai_meaning})", mue.release)
            continue
        total = sum(d.counted_units for d in lines)
        if total <= mue.value:
            continue
        head = (f"{code}: {total} units exceed the MUE of {mue.value} for the day "
                f"(MAI {mue.mai}, {mue.mai_meaning})")
        if mue.mai == 2:
            excess = total - mue.value
            cut = 0
            for d in reversed(lines):
                if d.mue_units is not None or excess == 0:
                    continue
                take = min(excess, d.units - (1 if d is lines[0] else 0))
                if take <= 0:
                    continue
                d.units -= take
                excess -= take
                cut += take
                d.because(f"Units cut by {take} to the MUE of {mue.value} (MAI 2: absolute "
                          "limit per day)", mue.release)
            if cut:
                not_reported(code, f"{cut} unit{'s' * (cut != 1)} above the MUE of {mue.value} "
                             "(MAI 2, an absolute per-day limit with no override: not payable)",
                             (mue.release,), tuple(i for d in lines for i in d.services))
            warn("mue", head + (f": the claim carries {mue.value}, the rest is listed as not "
                                "reported" if cut else ": confirm the units"), mue.release)
        else:
            warn("mue", head + ": the line is likely denied as a whole; report what was done "
                 "and appeal with the documentation of medical need" if mue.mai == 3
                 else head, mue.release)
