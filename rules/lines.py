"""Draft claim lines: what the rule modules build and amend before the engine freezes
them into `ClaimLine`s. Internal to rules/."""

from __future__ import annotations

from dataclasses import dataclass, field

from rules.decision import ClaimLine, billing_order

# Billing order of lines: procedures (primaries before their add-ons), guidance,
# diagnostic tests, other procedures, the visit, then the drug supply.
GROUP_ORDER = ("extremity", "extremity_addon", "trunk", "neck", "facial", "larynx",
               "migraine", "neurolysis", "guidance", "diagnostic_emg", "other_procedure",
               "em_visit", "drug")


def cite(text: str, *sources: str | None) -> tuple[str, tuple[str, ...]]:
    ids = tuple(s for s in sources if s)
    return (f"{text} [{', '.join(ids)}]" if ids else text), ids


@dataclass
class Draft:
    code: str
    units: int
    group: str                             # one of GROUP_ORDER
    services: tuple[int, ...]
    sites: frozenset[str] | None = None     # anatomic sites (rules.anatomy); None = not known
    distinct: str | None = None            # the user's `distinct` answer, if any
    significant_separate: bool | None = None
    modifiers: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    mue_units: int | None = None           # units the MUE counts (None: `units`)
    side_order: int = 0                    # RT before LT among lines of one code

    def because(self, text: str, *sources: str | None) -> None:
        line, ids = cite(text, *sources)
        self.reasons.append(line)
        for s in ids:
            if s not in self.sources:
                self.sources.append(s)

    def add(self, modifier: str) -> None:
        if modifier not in self.modifiers:
            self.modifiers.append(modifier)

    @property
    def counted_units(self) -> int:
        return self.units if self.mue_units is None else self.mue_units

    def sort_key(self):
        return (GROUP_ORDER.index(self.group), self.services[:1], self.side_order, self.code)

    def freeze(self) -> ClaimLine:
        return ClaimLine(self.code, billing_order(self.modifiers), self.units,
                         tuple(self.reasons), tuple(self.sources), self.services)
