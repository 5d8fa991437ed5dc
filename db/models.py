"""Plain, frozen records the read layer hands to rules/ and ui/ (no Qt, no SQL)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

INDICATOR_WORDS = {
    0: "never together: no modifier bypasses this edit",
    1: "allowed with a distinct-service modifier when the services were truly distinct "
       "and documented",
    9: "not in force: the edit does not apply",
}
MAI_WORDS = {
    1: "per claim line: more units may go on another line with an appropriate modifier",
    2: "per day, absolute policy limit: no override",
    3: "per day, clinical limit: more may be paid on appeal with documentation",
}
BILATERAL_WORDS = {
    "0": "no bilateral payment rule: modifier 50 does not apply",
    "1": "150% bilateral rule: modifier 50 (or RT/LT, by payer format) applies",
    "2": "bilateral by definition: never modifier 50",
    "3": "each side paid at 100%: no 150% rule",
    "9": "the bilateral concept does not apply",
}
DATA_NOT_AVAILABLE = "data not available"


def as_dict(obj) -> dict:
    return dataclasses.asdict(obj)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str | None
    tier: str
    release: str | None
    date: str | None
    document: str | None
    url: str | None


@dataclass(frozen=True)
class Release:
    id: str
    dataset: str
    label: str
    effective_from: str
    effective_to: str | None
    source_id: str
    imported: bool = False


@dataclass(frozen=True)
class Hit:
    code: str
    system: str
    title: str
    kind: str


@dataclass(frozen=True)
class PtpEdit:
    column1: str
    column2: str
    other_code: str
    column: int              # which column the looked-up code is in (1 or 2)
    modifier_indicator: int
    indicator_meaning: str
    rationale: str | None
    effective_date: str | None
    deletion_date: str | None
    setting: str
    release: str

    def in_force(self, on_date: str) -> bool:
        """In force on a date: begun and not yet deleted (deletion date is the last day)."""
        if self.modifier_indicator == 9:
            return False
        if self.effective_date and on_date < self.effective_date:
            return False
        return not (self.deletion_date and on_date > self.deletion_date)


@dataclass(frozen=True)
class Mue:
    code: str
    setting: str
    value: int
    mai: int
    mai_meaning: str
    rationale: str | None
    release: str


@dataclass(frozen=True)
class Pfs:
    release: str
    release_label: str
    effective_from: str
    effective_to: str | None
    status: str | None
    work_rvu: float | None
    nonfac_pe_rvu: float | None
    fac_pe_rvu: float | None
    mp_rvu: float | None
    nonfac_total: float | None
    fac_total: float | None
    nonfac_na: str | None
    fac_na: str | None
    pctc: str | None
    global_days: str | None
    mult_proc: str | None
    bilateral: str | None
    assistant: str | None
    co_surgeon: str | None
    team: str | None
    conv_factor: float | None
    # National unadjusted payment = total RVUs x conversion factor (no GPCI).
    nonfac_payment: float | None
    fac_payment: float | None


@dataclass(frozen=True)
class Opps:
    release: str
    status_indicator: str | None
    payment_rate: float | None


@dataclass(frozen=True)
class Related:
    code: str
    relationship: str
    note: str
    title: str
    source_id: str


@dataclass(frozen=True)
class Correction:
    claim: str
    correction: str
    correct_code: str | None
    source_id: str


@dataclass(frozen=True)
class PayerNote:
    payer: str
    payer_name: str
    topic: str
    text: str
    tier: str
    date: str | None
    source_id: str
    settings: tuple[str, ...] = ()   # empty: the note applies in every setting


@dataclass(frozen=True)
class PayerProfile:
    id: str
    name: str
    bilateral_format: str
    accepts_x_modifiers: bool | None
    verified: bool
    note: str | None = None
    source_id: str | None = None
    user_defined: bool = False


@dataclass(frozen=True)
class Modifier:
    modifier: str
    title: str
    meaning: str
    applies: str
    must_not: str
    source_id: str


@dataclass(frozen=True)
class CodePage:
    """Everything CodeDesk knows of one code, as the code page and `lookup` show it."""

    code: str
    system: str
    kind: str
    title: str
    description: str
    role: str | None = None
    region: str | None = None
    family: bool = False
    patients: str | None = None
    procedure: str | None = None
    documentation: str | None = None
    unit_size: float | None = None
    unit_label: str | None = None
    brands: str | None = None
    hcpcs_text: str | None = None
    add_on_primaries: tuple[str, ...] = ()
    global_days: str | None = None
    bilateral_indicator: str | None = None
    bilateral_meaning: str | None = None
    where_performed: str | None = None
    mue: tuple[Mue, ...] = ()
    ptp_edits: tuple[PtpEdit, ...] = ()
    pfs: tuple[Pfs, ...] = ()
    opps: tuple[Opps, ...] = ()
    related: tuple[Related, ...] = ()
    corrections: tuple[Correction, ...] = ()
    payer_notes: tuple[PayerNote, ...] = ()
    sources: tuple[Source, ...] = ()
    # ICD-10-CM
    billable: bool | None = None
    parents: tuple[Hit, ...] = ()
    children: tuple[Hit, ...] = ()
    releases_used: tuple[str, ...] = field(default=())

    def to_json(self) -> dict:
        return as_dict(self)
