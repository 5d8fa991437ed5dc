"""The engine's table: encounters and the claim they must give (tests/test_engine.py and
benchmarks/bench_engine.py share it).

Each case: id, encounter JSON, expected claim lines as "CODE-MOD-MOD xUNITS" in
billing order, and the codes expected under `not_reported`. Dates of service are in
the third quarter of 2024 (the releases of db/content) unless a case is about dates.
"""

from __future__ import annotations

DOS = "2024-08-15"
NO_X = {"name": "Plan without X modifiers", "bilateral_format": "modifier_50_one_line",
        "accepts_x_modifiers": False}


def enc(*services, payer="medicare", setting="practitioner", dos=DOS) -> dict:
    return {"date_of_service": dos, "setting": setting, "payer": payer,
            "services": list(services)}


def limb(limb, muscles):
    return {"kind": "extremity", "limb": limb, "muscles": muscles}


def side(kind, s):
    return {"kind": kind, "side": s}


def emg(code, distinct=None, **extra):
    return {"kind": "diagnostic_emg", "code": code, **({"distinct": distinct} if distinct else {}),
            **extra}


def other(code, distinct=None, **extra):
    return {"kind": "other_procedure", "code": code, "distinct": distinct, **extra}


def em(code, significant):
    return {"kind": "em_visit", "code": code, "significant_separate": significant}


def drug(code, given, wasted):
    return {"kind": "drug", "code": code, "amount_administered": given,
            "amount_discarded": wasted}


MIGRAINE = {"kind": "migraine"}
NEEDLE = {"kind": "guidance", "method": "needle_emg"}
ESTIM = {"kind": "guidance", "method": "electrical_stimulation"}
TRUNK4, TRUNK6 = {"kind": "trunk", "muscles": 4}, {"kind": "trunk", "muscles": 6}

ISSUE_EXAMPLE = enc(
    limb("right_arm", 3), limb("left_leg", 5), TRUNK4, side("neck", "both"),
    side("facial", "left"), side("larynx", "right"), MIGRAINE,
    {"kind": "neurolysis", "nerves": 1, "side": "right"}, NEEDLE, emg("95860"),
    em("99214", True), other("20553", "separate_structure"), drug("J0585", 155, 45))

CASES = [
    # -- extremity code choice (CPT 2014; 64645 only with 64644: CMS add-on edits) ------
    ("one limb 1-4 muscles", enc(limb("right_arm", 3)), ["64642-RT x1"], []),
    ("one limb 5+ muscles", enc(limb("left_leg", 6)), ["64644-LT x1"], []),
    ("two limbs 1-4", enc(limb("right_arm", 2), limb("left_arm", 3)),
     ["64642-LT x1", "64643-RT x1"], []),
    ("a 5+ limb makes 64644 primary (PTP 64644/64642 0)",
     enc(limb("right_arm", 3), limb("left_leg", 5)), ["64644-LT x1", "64643-RT x1"], ["64642"]),
    ("four limbs, all 5+", enc(limb("right_arm", 6), limb("left_arm", 5), limb("right_leg", 5),
                               limb("left_leg", 7)),
     ["64644-LT x1", "64645-RT x2", "64645-LT x1"], []),
    ("four limbs, mixed", enc(limb("right_arm", 2), limb("left_arm", 3), limb("right_leg", 5),
                              limb("left_leg", 1)),
     ["64644-RT x1", "64643-RT x1", "64643-LT x2"], ["64642"]),
    # -- trunk --------------------------------------------------------------------------
    ("trunk 1-5 muscles", enc({"kind": "trunk", "muscles": 5}), ["64646 x1"], []),
    ("trunk 6+ muscles (PTP 64647/64646 0)", enc(TRUNK6), ["64647 x1"], []),
    # -- PTP indicator 0 ----------------------------------------------------------------
    ("migraine with facial (PTP 64615/64612 0)", enc(MIGRAINE, side("facial", "left")),
     ["64615 x1"], ["64612"]),
    ("migraine with neck (PTP 64615/64616 0)", enc(MIGRAINE, side("neck", "both")),
     ["64615 x1"], ["64616"]),
    ("facial with 95860, indicator 0 beats an answer (PTP 64612/95860 0)",
     enc(side("facial", "right"), emg("95860", "separate_structure")), ["64612-RT x1"], ["95860"]),
    ("neurolysis with 95860 (PTP 64640/95860 0)",
     enc({"kind": "neurolysis", "nerves": 1, "side": "left"}, emg("95860")),
     ["64640-LT x1"], ["95860"]),
    ("larynx with needle guidance (PTP 64617/95874 0)", enc(side("larynx", "right"), NEEDLE),
     ["64617-RT x1"], ["95874"]),
    ("larynx with stimulation guidance (PTP 64617/95873 0)", enc(side("larynx", "left"), ESTIM),
     ["64617-LT x1"], ["95873"]),
    ("guidance never both (PTP 95874/95873 0)", enc(limb("right_arm", 2), NEEDLE, ESTIM),
     ["64642-RT x1", "95874 x1"], ["95873"]),
    ("guidance never with diagnostic EMG (PTP 95860/95874 0)",
     enc(limb("right_arm", 2), NEEDLE, emg("95860")), ["64642-RT x1", "95860 x1"], ["95874"]),
    ("other procedure 64400 with 64642 (PTP 64642/64400 0)",
     enc(limb("right_arm", 2), other("64400", "separate_structure")), ["64642-RT x1"], ["64400"]),
    # -- add-on edits -------------------------------------------------------------------
    ("guidance with no allowed primary (64640)",
     enc({"kind": "neurolysis", "nerves": 1, "side": "right"}, NEEDLE), ["64640-RT x1"],
     ["95874"]),
    ("guidance with neck", enc(side("neck", "right"), NEEDLE), ["64616-RT x1", "95874 x1"], []),
    ("guidance with trunk and limbs", enc(TRUNK4, limb("left_arm", 2), limb("right_leg", 1), ESTIM),
     ["64642-LT x1", "64643-RT x1", "64646 x1", "95873 x1"], []),
    # -- PTP indicator 1: separate by nature, by answer, or not reported ----------------
    ("migraine with a limb: XS (PTP 64615/64642 1)", enc(MIGRAINE, limb("right_arm", 2)),
     ["64642-XS-RT x1", "64615 x1"], []),
    ("migraine with 64644, 64645, 64643: XS on each (PTP 64615/6464x 1)",
     enc(MIGRAINE, limb("right_leg", 6), limb("left_leg", 5), limb("right_arm", 2)),
     ["64644-XS-RT x1", "64645-XS-LT x1", "64643-XS-RT x1", "64615 x1"], ["64642"]),
    ("migraine with trunk 1-5: XS on 64646 (PTP 64615/64646 1)", enc(MIGRAINE, TRUNK4),
     ["64646-XS x1", "64615 x1"], []),
    ("trunk 6+ with migraine: XS on 64615 (PTP 64647/64615 1)", enc(TRUNK6, MIGRAINE),
     ["64647 x1", "64615-XS x1"], []),
    ("neck with 95860, nothing shows it distinct (PTP 64616/95860 1)",
     enc(side("neck", "right"), emg("95860")), ["64616-RT x1"], ["95860"]),
    ("neck with 95861 on a separate structure", enc(side("neck", "left"),
                                                    emg("95861", "separate_structure")),
     ["64616-LT x1", "95861-XS x1"], []),
    ("neck with 95869: separate by nature (PTP 64616/95869 1)",
     enc(side("neck", "right"), emg("95869")), ["64616-RT x1", "95869-XS x1"], []),
    ("neck with 95870, separate session (PTP 64616/95870 1)",
     enc(side("neck", "right"), emg("95870", "separate_encounter")),
     ["64616-RT x1", "95870-XE x1"], []),
    ("other procedure, separate practitioner",
     enc(limb("left_arm", 4), other("20553", "separate_practitioner")),
     ["64642-LT x1", "20553-XP x1"], []),
    ("other procedure, unusual non-overlapping", enc(limb("left_arm", 4),
                                                     other("96372", "unusual_non_overlapping")),
     ["64642-LT x1", "96372-XU x1"], []),
    ("other procedure without an answer", enc(limb("left_arm", 4), other("20552")),
     ["64642-LT x1"], ["20552"]),
    ("no edit, no modifier even with an answer", enc(limb("left_arm", 4),
                                                     other("76942", "separate_structure")),
     ["64642-LT x1", "76942 x1"], []),
    # -- payers: X modifiers ------------------------------------------------------------
    ("payer without X modifiers: 59", enc(MIGRAINE, limb("right_arm", 2), payer=NO_X),
     ["64642-59-RT x1", "64615 x1"], []),
    ("payer whose X acceptance is unknown: 59", enc(MIGRAINE, limb("right_arm", 2), payer="uhc"),
     ["64642-59-RT x1", "64615 x1"], []),
    # -- bilateral ----------------------------------------------------------------------
    ("Medicare bilateral: one line -50 x1", enc(side("neck", "both")), ["64616-50 x1"], []),
    ("RT/LT payer bilateral: two lines", enc(side("neck", "both"), payer="bcbs-rt-lt"),
     ["64616-RT x1", "64616-LT x1"], []),
    ("two-unit payer bilateral: -50 x2", enc(side("facial", "both"), payer="bcbs-two-units"),
     ["64612-50 x2"], []),
    ("unknown bilateral format: CMS format", enc(side("larynx", "both"), payer="bcbs"),
     ["64617-50 x1"], []),
    ("64615 bilateral by definition: never 50", enc({"kind": "migraine", "side": "both"}),
     ["64615 x1"], []),
    ("neurolysis both sides, Medicare", enc({"kind": "neurolysis", "nerves": 2, "side": "both"}),
     ["64640-50 x2"], []),
    # -- E/M and 25 ---------------------------------------------------------------------
    ("significant separate visit: 25", enc(limb("right_arm", 2), em("99213", True)),
     ["64642-RT x1", "99213-25 x1"], []),
    ("visit not significant: not reported", enc(side("facial", "right"), em("99213", False)),
     ["64612-RT x1"], ["99213"]),
    ("visit with a diagnostic test only: no 25", enc(emg("95860"), em("99204", True)),
     ["95860 x1", "99204 x1"], []),
    # -- drugs --------------------------------------------------------------------------
    ("Botox with waste: JW line", enc(limb("right_arm", 2), drug("J0585", 155, 45)),
     ["64642-RT x1", "J0585 x155", "J0585-JW x45"], []),
    ("Dysport without waste: JZ, 5 units each", enc(limb("right_leg", 6), drug("J0586", 500, 0)),
     ["64644-RT x1", "J0586-JZ x100"], []),
    ("Myobloc part units rounded up", enc(side("neck", "right"), drug("J0587", 2450, 50)),
     ["64616-RT x1", "J0587 x25", "J0587-JW x1"], []),
    # -- MUE ----------------------------------------------------------------------------
    ("MUE MAI 3 exceeded: kept, warned", enc({"kind": "neurolysis", "nerves": 6, "side": "right"}),
     ["64640-RT x6"], []),
    ("MUE MAI 2 exceeded: cut to the limit", enc(limb("right_arm", 2), other("20553",
                                                                             "separate_structure",
                                                                             units=2)),
     ["64642-RT x1", "20553-XS x1"], ["20553"]),
    # -- settings and dates -------------------------------------------------------------
    ("hospital: 64612 with 95860 is indicator 1, face and limb",
     enc(side("facial", "left"), emg("95860"), setting="outpatient_hospital"),
     ["64612-LT x1", "95860-XS x1"], []),
    ("hospital: 64640 with 95860 is indicator 1, site unknown",
     enc({"kind": "neurolysis", "nerves": 1, "side": "left"}, emg("95860"),
         setting="outpatient_hospital"), ["64640-LT x1"], ["95860"]),
    ("hospital: migraine with a limb, XS", enc(MIGRAINE, limb("left_leg", 5),
                                              setting="outpatient_hospital"),
     ["64644-XS-LT x1", "64615 x1"], []),
    ("edit deleted before the date of service (64612/95869, deleted 2013-03-31)",
     enc(side("facial", "left"), emg("95869")), ["64612-LT x1", "95869 x1"], []),
    ("no hospital PTP release in force yet: edits not checked, warned",
     enc(side("facial", "left"), emg("95860"), setting="outpatient_hospital", dos="2024-05-01"),
     ["64612-LT x1", "95860 x1"], []),
    ("April release in force", enc(MIGRAINE, side("facial", "left"), dos="2024-05-15"),
     ["64615 x1"], ["64612"]),
    ("release older than the date of service", enc(MIGRAINE, side("facial", "left"),
                                                   dos="2025-03-01"),
     ["64615 x1"], ["64612"]),
    ("the issue's example", ISSUE_EXAMPLE,
     ["64644-XS-LT x1", "64643-XS-RT x1", "64646-XS x1", "64617-RT x1", "64615-XS x1",
      "64640-RT x1", "20553-XS x1", "99214-25 x1", "J0585 x155", "J0585-JW x45"],
     ["64612", "64616", "95860", "95874", "64642"]),
]


def line_text(code: str, modifiers, units: int) -> str:
    return "-".join((code, *modifiers)) + f" x{units}"
