"""Draft lines for the single-site procedures, guidance, diagnostic EMG, other
procedures and the E/M visit (the code of each kind: CPT code set, ama-cpt-codeset)."""

from __future__ import annotations

from rules import kinds as K
from rules.anatomy import sites_of
from rules.bilateral import sided_lines
from rules.lines import Draft

CPT = "ama-cpt-codeset"
PROF = "prof-coding-guidance"
_WHAT = {
    "neck": "neck muscles (cervical dystonia)",
    "facial": "facial-nerve muscles (e.g. blepharospasm, hemifacial spasm)",
    "larynx": "laryngeal muscles",
    "migraine": "the chronic-migraine protocol muscles of the head and neck",
    "neurolysis": "Peripheral nerve neurolysis (destruction, not chemodenervation)",
}


def site_lines(index: int, s, facts, payer, warn) -> list[Draft]:
    code = K.SITE_CODES[s.kind]
    units = s.nerves if s.kind == "neurolysis" else 1
    d = Draft(code, units, s.kind, (index,), sites=sites_of(s.kind))
    if s.kind == "neurolysis":
        d.because(f"{_WHAT[s.kind]}: {code}, one unit per nerve or branch "
                  f"({s.nerves} per side named)", CPT)
        warn("documentation", f"64640: confirm the record names each nerve or branch "
             f"destroyed ({s.nerves} per side named) and the agent used", CPT)
    else:
        d.because(f"Chemodenervation of {_WHAT[s.kind]}: {code}, once per session", CPT)
    if s.kind == "migraine" and s.side != "both":
        if s.side in ("left", "right"):
            # Bilateral indicator 2: no RT/LT and no 50 on a code bilateral by definition.
            warn("payer", "64615 is bilateral by definition; done on one side only, some "
                 "payers want modifier 52 (reduced service): verify with the payer", PROF)
        return [d]
    return sided_lines(d, s.side, facts, payer, warn)


def guidance_line(index: int, s) -> Draft:
    code = K.GUIDANCE_METHODS[s.method]
    d = Draft(code, 1, "guidance", (index,))
    how = "needle EMG" if code == "95874" else "electrical stimulation"
    d.because(f"Guidance by {how} for chemodenervation: add-on {code}, once per session", CPT)
    return d


def emg_line(index: int, s) -> Draft:
    d = Draft(s.code, s.units, "diagnostic_emg", (index,), sites=sites_of("diagnostic_emg", s.code),
              distinct=s.distinct)
    d.because(f"Diagnostic needle EMG {s.code}, {s.units} unit{'s' * (s.units != 1)}", CPT)
    return d


def other_line(index: int, s, facts) -> Draft:
    d = Draft(s.code, s.units, "other_procedure", (index,), distinct=s.distinct)
    what = f"Other procedure {s.code}, {s.units} unit{'s' * (s.units != 1)}, as entered"
    if facts.code_row(s.code) is not None:
        d.because(what, facts.content_source(s.code))
    else:
        d.because(what + "; CodeDesk holds no data on this code (data not available)",
                  "codedesk-editorial")
    return d


def em_line(index: int, s) -> Draft:
    d = Draft(s.code, 1, "em_visit", (index,), significant_separate=s.significant_separate)
    d.because(f"Office or outpatient visit {s.code}", CPT)
    return d
