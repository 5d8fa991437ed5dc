"""Which modifiers apply to one code, and which must not be used on it, each with why.

Derived only from facts the read layer returns for the code (add-on status from the
CMS add-on edits, the fee-schedule indicators of the release in force, the NCCI PTP
edits in force, the code's role) and the curated modifier list. No Qt, no SQL: the
code page and the command line show what this returns.

A modifier for which the data gives no verdict on this code (for example 76/77, repeat
procedures) is left out rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from db.models import BILATERAL_WORDS, CodePage, Modifier, Pfs

APPLIES = "applies"
MUST_NOT = "must not"

DISTINCT = ("59", "XE", "XS", "XP", "XU")
_SOURCE_PFS = "cms-mpfs-indicators"
_SOURCE_AOC = "cms-aoc-2024"


@dataclass(frozen=True)
class ModifierAdvice:
    modifier: str
    title: str
    verdict: str          # APPLIES or MUST_NOT
    why: str              # our reason for this code, from its data
    detail: str           # the curated general text for the verdict (applies / must_not)
    source_id: str
    codes: tuple[str, ...] = ()   # the other codes the reason names (links on the page)


def current_pfs(page: CodePage) -> Pfs | None:
    """The fee-schedule row of the release in force (the one the page used)."""
    for p in page.pfs:
        if p.release in page.releases_used:
            return p
    return None


def _is_addon(page: CodePage) -> bool:
    pfs = current_pfs(page)
    return bool(page.add_on_primaries) or (pfs is not None and pfs.global_days == "ZZZ")


def _join(codes: Iterable[str]) -> str:
    codes = list(codes)
    if len(codes) <= 1:
        return "".join(codes)
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def modifiers_for(page: CodePage, modifiers: Iterable[Modifier],
                  on_date: str) -> tuple[list[ModifierAdvice], list[ModifierAdvice]]:
    """(apply, must_not) for a CPT/HCPCS code page; both empty for ICD-10-CM."""
    if page.system == "ICD-10-CM":
        return [], []
    pfs = current_pfs(page)
    addon = _is_addon(page)
    drug = page.kind == "drug"
    visit = page.kind == "evaluation"
    rel = f" ({pfs.release_label})" if pfs else ""
    apply_, must = [], []

    def add(m: Modifier, verdict: str, why: str, source: str | None = None,
            codes: tuple[str, ...] = ()):
        detail = m.applies if verdict == APPLIES else m.must_not
        item = ModifierAdvice(m.modifier, m.title, verdict, why, detail,
                              source or m.source_id, codes)
        (apply_ if verdict == APPLIES else must).append(item)

    in_force = [e for e in page.ptp_edits if e.in_force(on_date)]
    as_col2_bypass = sorted({e.column1 for e in in_force
                             if e.column == 2 and e.modifier_indicator == 1})
    as_col1_bypass = sorted({e.column2 for e in in_force
                             if e.column == 1 and e.modifier_indicator == 1})
    never = sorted({e.other_code for e in in_force if e.modifier_indicator == 0})

    for m in modifiers:
        code = m.modifier
        if code == "25":
            if visit:
                add(m, APPLIES, "This is a visit (E/M) code: 25 shows a significant, separately "
                    "identifiable visit on the day of a procedure.")
            else:
                add(m, MUST_NOT, "25 belongs on the E/M line only, never on a procedure, "
                    "add-on, guidance or drug line.")
        elif code in ("26", "TC"):
            if pfs is None or pfs.pctc is None:
                continue
            if pfs.pctc == "1":
                add(m, APPLIES, f"PC/TC indicator 1{rel}: the fee schedule splits this code "
                    "into professional and technical parts.", _SOURCE_PFS)
            else:
                add(m, MUST_NOT, f"PC/TC indicator {pfs.pctc}{rel}: no professional/technical "
                    "split, so the modifier does not apply.", _SOURCE_PFS)
        elif code == "50":
            if addon:
                add(m, MUST_NOT, "Add-on code: modifier 50 never goes on an add-on. Each extra "
                    "side or limb is its own unit.", _SOURCE_AOC)
            elif pfs is None or pfs.bilateral is None:
                continue
            elif pfs.bilateral == "1":
                add(m, APPLIES, f"Bilateral indicator 1{rel}: "
                    f"{BILATERAL_WORDS['1']}.", _SOURCE_PFS)
            else:
                add(m, MUST_NOT, f"Bilateral indicator {pfs.bilateral}{rel}: "
                    f"{BILATERAL_WORDS.get(pfs.bilateral, 'no bilateral rule')}.", _SOURCE_PFS)
        elif code == "51":
            if addon:
                add(m, MUST_NOT, "Add-on code: exempt from modifier 51; it is already valued "
                    "as additional work.", _SOURCE_AOC)
            elif pfs is None or pfs.mult_proc is None:
                continue
            elif pfs.mult_proc in ("2", "3", "4", "5", "6", "7"):
                add(m, APPLIES, f"Multiple-procedure indicator {pfs.mult_proc}{rel}: the "
                    "multiple-procedure reduction applies when it is not the first procedure; "
                    "whether the claim carries 51 is payer-specific.", _SOURCE_PFS)
            else:
                add(m, MUST_NOT, f"Multiple-procedure indicator {pfs.mult_proc}{rel}: no "
                    "multiple-procedure reduction applies to this code.", _SOURCE_PFS)
        elif code == "52":
            if pfs is not None and pfs.bilateral == "2" and not addon:
                add(m, APPLIES, f"Bilateral by definition (indicator 2{rel}): some payers want "
                    "52 when only one side was treated. Check the payer.", _SOURCE_PFS)
        elif code in DISTINCT:
            if visit:
                add(m, MUST_NOT, "Never on an E/M line: a same-day visit takes 25.")
            elif as_col2_bypass:
                add(m, APPLIES, f"Only with {_join(as_col2_bypass)}: NCCI edits in force list "
                    "this code in column 2 with modifier indicator 1, and only when the "
                    "services were truly distinct and documented.", codes=tuple(as_col2_bypass))
            else:
                why = "No NCCI edit in force lists this code in column 2 with indicator 1: " \
                      "adding a distinct-service modifier by default is an audit risk."
                if as_col1_bypass:
                    why += (f" With {_join(as_col1_bypass)} the modifier goes on the other "
                            "code's line (column 2), not on this one.")
                add(m, MUST_NOT, why, codes=tuple(as_col1_bypass))
            if never and code == "59":
                must.append(ModifierAdvice(
                    m.modifier, m.title, MUST_NOT,
                    f"No modifier bypasses the edits in force with {_join(never)} (modifier "
                    "indicator 0): these codes are never paid together.", m.must_not,
                    m.source_id, tuple(never)))
        elif code in ("LT", "RT"):
            if drug or addon and page.region != "extremity":
                add(m, MUST_NOT, "Not an anatomic service: the side is shown on the procedure "
                    "line.")
            elif pfs is not None and pfs.bilateral == "1":
                add(m, APPLIES, "One-sided code (bilateral indicator 1): shows the side "
                    "treated; some payers take a bilateral service as RT and LT lines.",
                    _SOURCE_PFS)
            elif page.region == "extremity":
                add(m, APPLIES, "Limb code: shows which limb, where the payer asks for it.")
        elif code in ("JW", "JZ"):
            if drug:
                add(m, APPLIES, "Drug code: from a single-dose vial, JW reports the discarded "
                    "amount on its own line and JZ says nothing was discarded.")
            else:
                add(m, MUST_NOT, "Drug-waste modifiers go only on drug (J-code) lines.")
    return apply_, must
