"""Where each service of an encounter acts, so the engine can tell services that are at
different anatomic sites by their nature (a separate structure, modifier XS) from
those that may overlap (where only the record, i.e. the user's `distinct` answer,
can show distinctness).

The sites follow the code definitions of the CPT code set (source: ama-cpt-codeset):
the extremity codes act on limbs; 64616 on neck muscles (not the larynx); 64615 on
the facial, trigeminal, cervical spinal and accessory-nerve muscles of the head and
neck; 64617 on the larynx; 95860-95864 examine limbs "with related paraspinal areas";
95867/95868 examine cranial-nerve muscles (face, jaw, neck via the accessory nerve,
larynx via the vagus). Two services are separate by nature only when both sites are
known and share nothing. 64640 (any peripheral nerve), 95870 (a limited study of any
muscles) and other procedures have no known site: they need the user's answer.
Which muscles count as trunk is not settled (DOMAIN.md §3 "?"): the trunk codes are
taken to include the thoracic and lumbosacral paraspinal muscles, so that nothing
that may overlap is called separate.
"""

from __future__ import annotations

LIMB = "limb"
C_PARA, T_PARA, LS_PARA = "cervical paraspinal", "thoracic paraspinal", "lumbosacral paraspinal"

SITES_BY_KIND = {
    "extremity": frozenset({LIMB}),
    "trunk": frozenset({"trunk", T_PARA, LS_PARA}),
    "neck": frozenset({"neck", C_PARA}),
    "facial": frozenset({"face"}),
    "larynx": frozenset({"larynx"}),
    "migraine": frozenset({"face", "head", "neck", C_PARA}),
}

SITES_BY_EMG_CODE = {
    **{c: frozenset({LIMB, C_PARA, LS_PARA}) for c in ("95860", "95861", "95863", "95864")},
    "95865": frozenset({"larynx"}),
    "95866": frozenset({"diaphragm"}),
    "95867": frozenset({"face", "head", "neck", "larynx"}),
    "95868": frozenset({"face", "head", "neck", "larynx"}),
    "95869": frozenset({T_PARA}),
}


def sites_of(kind: str, code: str | None = None) -> frozenset[str] | None:
    if kind == "diagnostic_emg":
        return SITES_BY_EMG_CODE.get(code or "")
    return SITES_BY_KIND.get(kind)


def separate_by_nature(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    return bool(a) and bool(b) and not (a & b)


def describe(sites: frozenset[str] | None) -> str:
    return ", ".join(sorted(sites)) if sites else "site not known"
