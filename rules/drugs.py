"""Drug-supply lines (botulinum toxins J0585-J0589).

- Billing units = amount administered / the code's unit size (HCPCS descriptor, kept
  as CodePage.unit_size), a part unit rounded up (cms-hcpcs-2024jul, cms-jw-jz-2023).
- From a single-dose vial (all these toxins), since July 2023 the discarded amount is
  its own line with JW, its units counted likewise; when nothing was discarded the
  administered line carries JZ (cms-jw-jz-2023).
"""

from __future__ import annotations

import math

from rules.lines import Draft

HCPCS = "cms-hcpcs-2024jul"
JWJZ = "cms-jw-jz-2023"


def _fmt(x: float) -> str:
    return f"{x:g}"


def drug_lines(index: int, s, facts, warn, not_reported) -> list[Draft]:
    size = facts.unit_size(s.code)
    source = facts.content_source(s.code) or HCPCS
    hcpcs = facts.release_id("hcpcs")
    if not size or size <= 0:
        not_reported(s.code, "the unit size of this code is not available (data not "
                     "available): billing units cannot be worked out", (source,), (index,))
        return []
    units = math.ceil(s.amount_administered / size)
    d = Draft(s.code, units, "drug", (index,))
    d.because(f"{_fmt(s.amount_administered)} units administered / {_fmt(size)} per billing "
              f"unit = {units} billing unit{'s' * (units != 1)}", source, hcpcs)
    lines = [d]
    if s.amount_discarded == 0:
        d.add("JZ")
        d.because("JZ: nothing was discarded from the single-dose vial", JWJZ)
        warn("documentation", f"{s.code}-JZ: the record must show that no drug was discarded",
             JWJZ)
    else:
        waste = math.ceil(s.amount_discarded / size)
        w = Draft(s.code, waste, "drug", (index,), side_order=1)
        w.add("JW")
        w.because(f"JW: {_fmt(s.amount_discarded)} units discarded from the single-dose vial "
                  f"/ {_fmt(size)} per billing unit = {waste} billing unit"
                  f"{'s' * (waste != 1)}, on its own line", source, JWJZ)
        d.because("The discarded amount is reported on its own JW line", JWJZ)
        warn("documentation", f"{s.code}-JW: the record must show the amount discarded, "
             "the vial size and the reason", JWJZ)
        lines.append(w)
    parts = [a for a in (s.amount_administered, s.amount_discarded) if a % size]
    if parts:
        warn("documentation", f"{s.code}: an amount is not a whole number of billing units "
             f"({_fmt(size)} units each) and was rounded up: confirm that administered and "
             "discarded billing units together do not exceed the vial", source, JWJZ)
    if facts.setting == "practitioner":
        warn("documentation", f"{s.code}: report the drug on the practitioner's claim only "
             "if the practice bought it (in a facility the facility reports it)", JWJZ)
    return lines
