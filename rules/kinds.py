"""The vocabulary of an encounter: service kinds, the codes each kind may carry, and
the answers each field accepts. Shared by the parser and the engine so they agree.

Code ranges follow the CPT code set (source: ama-cpt-codeset) and HCPCS Level II
(source: cms-hcpcs-2024jul); which codes CodeDesk curates is db.codeset.
"""

from __future__ import annotations

SETTINGS = ("practitioner", "outpatient_hospital")

LIMBS = ("right_arm", "left_arm", "right_leg", "left_leg")
SIDES = ("left", "right", "both")
GUIDANCE_METHODS = {"electrical_stimulation": "95873", "needle_emg": "95874"}
DISTINCT_ANSWERS = ("separate_encounter", "separate_structure", "separate_practitioner",
                    "unusual_non_overlapping")
BILATERAL_FORMATS = ("modifier_50_one_line", "modifier_50_two_units", "rt_lt_two_lines",
                     "unknown")

# Diagnostic needle EMG 95860-95870 (95862 does not exist in CPT).
DIAGNOSTIC_EMG_CODES = ("95860", "95861", "95863", "95864", "95865", "95866", "95867",
                        "95868", "95869", "95870")
EM_CODES = ("99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215")
DRUG_CODES = ("J0585", "J0586", "J0587", "J0588", "J0589")

# Codes the engine chooses itself from a kind: never accepted as `other_procedure`.
CHOSEN_BY_KIND = {
    "64642": "extremity", "64643": "extremity", "64644": "extremity", "64645": "extremity",
    "64646": "trunk", "64647": "trunk", "64616": "neck", "64612": "facial",
    "64617": "larynx", "64615": "migraine", "64640": "neurolysis",
    "95873": "guidance", "95874": "guidance",
    **{c: "diagnostic_emg" for c in DIAGNOSTIC_EMG_CODES},
    **{c: "em_visit" for c in EM_CODES},
    **{c: "drug" for c in DRUG_CODES},
}

# The fixed code of the single-site kinds (CPT code set; DOMAIN.md §2).
SITE_CODES = {"neck": "64616", "facial": "64612", "larynx": "64617", "migraine": "64615",
              "neurolysis": "64640"}

KINDS = ("extremity", "trunk", "neck", "facial", "larynx", "migraine", "neurolysis",
         "guidance", "diagnostic_emg", "em_visit", "other_procedure", "drug")
# Kinds reported at most once per encounter (CPT: once per session; one E/M per day).
ONCE_PER_ENCOUNTER = ("trunk", "neck", "facial", "larynx", "migraine", "neurolysis",
                      "em_visit")
MAX_SERVICES = 60
