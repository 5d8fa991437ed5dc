"""The distinct-service modifier of a line (59 or an X modifier) and modifier 25.

- 59 or, since 2015, XE/XS/XP/XU (cms-x-modifiers-2015). An X modifier only when the
  payer accepts them (payer data); when the payer does not, 59; when it is not known,
  59 and a warning to verify with the payer. Never 59 and an X modifier on one line,
  never either on an E/M line, and only where an indicator-1 edit calls for one
  (rules.ptp decides where).
- When edits on one line call for different X modifiers, one is used, the first of
  XE, XP, XS, XU: a separate session or practitioner is the stronger statement, and a
  line carries one distinct-service modifier.
- 25 on a significant, separately identifiable E/M on the day of a procedure with a
  global surgery period (000, 010, 090 in the fee schedule) or of an indicator-1
  edit with the E/M in column 2 (cms-claims-manual-ch12 §30.6.6; cms-ncci-policy-manual).
  An E/M that is not significant and separate is part of the procedure: not reported.
"""

from __future__ import annotations

from rules.lines import Draft

X_PRIORITY = ("XE", "XP", "XS", "XU")
X_MODS = "cms-x-modifiers-2015"
CLAIMS_CH12 = "cms-claims-manual-ch12"
NCCI = "cms-ncci-policy-manual"
GLOBAL_SURGERY = ("000", "010", "090")


def apply_distinct(lines: list[Draft], needs: list[tuple[str, str, tuple[str, ...]]], payer,
                   warn) -> None:
    """Give the lines of one column-2 code their distinct-service modifier."""
    kinds = {k for k, _, _ in needs}
    x = next(k for k in X_PRIORITY if k in kinds)
    if payer.accepts_x_modifiers is True:
        mod, how = x, f"{payer.name} accepts X modifiers"
    elif payer.accepts_x_modifiers is False:
        mod, how = "59", f"{payer.name} does not accept X modifiers ({x} would apply): 59"
    else:
        mod, how = "59", (f"whether {payer.name} accepts X modifiers is not known: 59 "
                          f"instead of {x}")
        warn("payer", f"{lines[0].code}-59: {payer.name} may accept {x} instead of 59; "
             "verify with the payer", X_MODS)
    for d in lines:
        d.add(mod)
        for _, text, sources in needs:
            d.because(f"{mod}: {text}", *sources)
        known = payer.accepts_x_modifiers is not None
        d.because(f"{mod}: {how}", payer.source if known else None, X_MODS)
    warn("documentation", f"{lines[0].code}-{mod}: the record must show the distinct "
         "service (separate site, session or practitioner) that the modifier claims", X_MODS)


def decide_em(em: Draft, kept: list[Draft], edit_reasons, facts, warn):
    """Returns None when the E/M is reported (with 25 added where due), or the reason
    and sources for not reporting it."""
    pfs = facts.release_id("pfs")
    procedures = [d for d in kept if d.group not in ("em_visit", "drug")]
    surgical = [d.code for d in procedures
                if facts.global_days(d.code) in GLOBAL_SURGERY or facts.global_days(d.code) is None]
    unknown = [c for c in surgical if facts.global_days(c) is None]
    if unknown:
        warn("data", "The global period of " + ", ".join(sorted(set(unknown))) + " is not "
             "available for the date of service (data not available): the visit is treated as "
             "beside a surgical procedure", pfs)
    if not surgical and not edit_reasons:
        em.because("No procedure with a global surgery period on the claim: modifier 25 is "
                   "not needed", pfs, CLAIMS_CH12)
        return None
    with_what = ", ".join(sorted(set(surgical))) or "the procedures"
    if not em.significant_separate:
        return ("the visit is not significant and separately identifiable from "
                f"{with_what}: the decision to inject and the usual pre- and post-procedure "
                "care are part of the procedure's global package", (pfs, CLAIMS_CH12))
    em.add("25")
    em.because(f"25: a significant, separately identifiable visit on the day of {with_what} "
               "(global surgery period)", pfs, CLAIMS_CH12)
    for text, sources in edit_reasons:
        em.because(f"25: {text}", *sources)
    warn("documentation", f"{em.code}-25: the record must show the visit's own history, "
         "examination or decision-making beyond the usual evaluation before the injection",
         CLAIMS_CH12)
    return None
