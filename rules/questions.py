"""Which questions the modifier wizard asks, given the answers so far, and the services
a code page pre-fills. Qt-free, so that the wizard's page flow is a rule, tested here.

Sources: guidance 95873/95874 is an add-on of the chemodenervation primaries but not of
64617 or 64640 (CMS add-on code edits, cms-aoc-2024); drug supply lines go with toxin
injections (HCPCS Level II J0585-J0589, cms-hcpcs-2024jul).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rules import kinds as K

# Toxin injections: the kinds whose codes 95873/95874 may follow (not larynx 64617,
# whose own code includes needle-EMG guidance, and not neurolysis 64640).
GUIDED_KINDS = frozenset({"extremity", "trunk", "neck", "facial", "migraine"})
TOXIN_KINDS = GUIDED_KINDS | {"larynx"}


def _kinds(services: Iterable[Mapping]) -> set[str]:
    return {s.get("kind") for s in services if isinstance(s, Mapping)}


def asks_guidance(services: Iterable[Mapping]) -> bool:
    """Guidance matters only when a service it may be reported with was done."""
    return bool(_kinds(services) & GUIDED_KINDS)


def asks_drugs(services: Iterable[Mapping]) -> bool:
    """Toxin supply matters only when toxin was injected."""
    return bool(_kinds(services) & TOXIN_KINDS)


def services_for_code(code: str) -> list[dict]:
    """A starting encounter for the wizard opened from a code page (the user adjusts it)."""
    code = (code or "").upper()
    kind = K.CHOSEN_BY_KIND.get(code)
    if kind == "extremity":
        first = {"kind": "extremity", "limb": "right_arm",
                 "muscles": 5 if code in ("64644", "64645") else 2}
        if code in ("64643", "64645"):  # an add-on: there is a first limb and another
            return [first, {"kind": "extremity", "limb": "left_arm",
                            "muscles": 5 if code == "64645" else 2}]
        return [first]
    if kind == "trunk":
        return [{"kind": "trunk", "muscles": 6 if code == "64647" else 3}]
    if kind in ("neck", "facial", "larynx"):
        return [{"kind": kind, "side": "right"}]
    if kind == "migraine":
        return [{"kind": "migraine"}]
    if kind == "neurolysis":
        return [{"kind": "neurolysis", "nerves": 1, "side": "right"}]
    if kind == "guidance":
        method = next(m for m, c in K.GUIDANCE_METHODS.items() if c == code)
        return [{"kind": "extremity", "limb": "right_arm", "muscles": 2},
                {"kind": "guidance", "method": method}]
    if kind == "diagnostic_emg":
        return [{"kind": "diagnostic_emg", "code": code}]
    if kind == "em_visit":
        return [{"kind": "em_visit", "code": code, "significant_separate": True}]
    if kind == "drug":
        return [{"kind": "extremity", "limb": "right_arm", "muscles": 2},
                {"kind": "drug", "code": code, "amount_administered": 100,
                 "amount_discarded": 0}]
    if code in ("96372", "20552", "20553", "64400", "64450", "76942"):
        return [{"kind": "other_procedure", "code": code, "distinct": None}]
    return []
