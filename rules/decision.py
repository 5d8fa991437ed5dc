"""The decision: claim lines, what is not reported, warnings and the data releases
used, as frozen dataclasses with a JSON form and a plain-text form (docs/encounter.md).

Every reason ends with the ids of its sources in brackets: a release id of CMS data
(e.g. `ptp-practitioner-2024-07-01`) or a content source id (e.g. `cms-x-modifiers-2015`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

# Billing order of modifiers: the pricing modifier first (Medicare Claims Processing
# Manual ch. 12: pricing modifiers directly after the code), then the payment/edit
# modifiers, then the informational anatomic and drug-waste modifiers.
MODIFIER_ORDER = ("50", "52", "25", "59", "XE", "XS", "XP", "XU", "RT", "LT", "JW", "JZ")


def billing_order(modifiers) -> tuple[str, ...]:
    return tuple(sorted(set(modifiers), key=MODIFIER_ORDER.index))


@dataclass(frozen=True)
class ClaimLine:
    code: str
    modifiers: tuple[str, ...]
    units: int
    reasons: tuple[str, ...]
    sources: tuple[str, ...]
    services: tuple[int, ...]      # indexes of the encounter's services behind the line


@dataclass(frozen=True)
class NotReported:
    code: str
    reason: str
    sources: tuple[str, ...]
    services: tuple[int, ...] = ()


@dataclass(frozen=True)
class DecisionWarning:
    topic: str          # mue | release | coverage | payer | documentation | data
    text: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReleaseUsed:
    id: str
    dataset: str
    label: str
    effective_from: str
    effective_to: str | None
    imported: bool = False


@dataclass(frozen=True)
class PayerUsed:
    id: str | None
    name: str
    origin: str                      # bundled | user | inline
    bilateral_format: str
    accepts_x_modifiers: bool | None
    verified: bool | None
    source: str | None = None


@dataclass(frozen=True)
class Decision:
    date_of_service: str
    setting: str
    payer: PayerUsed
    lines: tuple[ClaimLine, ...]
    not_reported: tuple[NotReported, ...]
    warnings: tuple[DecisionWarning, ...]
    releases: tuple[ReleaseUsed, ...]

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    def claim(self) -> list[tuple[str, tuple[str, ...], int]]:
        """The claim lines as (code, modifiers, units): what tests and exports compare."""
        return [(ln.code, ln.modifiers, ln.units) for ln in self.lines]

    def to_text(self) -> str:
        p = self.payer
        x = {True: "accepts X modifiers", False: "does not accept X modifiers (59 instead)",
             None: "X modifier acceptance not known"}[p.accepts_x_modifiers]
        out = [f"Decision for {self.date_of_service}, setting {self.setting}",
               f"Payer: {p.name}" + (f" ({p.id}, {p.origin})" if p.id else f" ({p.origin})")
               + f"; bilateral format {p.bilateral_format}; {x}", "", "Claim lines:"]
        if not self.lines:
            out.append("  (none)")
        for n, ln in enumerate(self.lines, 1):
            mods = "-".join(ln.modifiers)
            out.append(f"  {n:>2}. {ln.code:<6} {mods:<12} units {ln.units}")
            out += [f"        - {r}" for r in ln.reasons]
        if self.not_reported:
            out += ["", "Not reported:"]
            out += [f"  - {n.code}: {n.reason}" for n in self.not_reported]
        if self.warnings:
            out += ["", "Warnings:"]
            out += [f"  - [{w.topic}] {w.text}"
                    + (f" [{', '.join(w.sources)}]" if w.sources else "") for w in self.warnings]
        out += ["", "Data releases used:"]
        for r in self.releases:
            span = f"from {r.effective_from}" + (f" to {r.effective_to}" if r.effective_to else "")
            out.append(f"  - {r.id}: {r.label} ({span})" + (" [imported]" if r.imported else ""))
        if not self.releases:
            out.append("  (none in force on the date of service)")
        return "\n".join(out)
