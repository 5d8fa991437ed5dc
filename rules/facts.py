"""The CMS facts one encounter needs, asked of db.reference for its date of service and
setting, cached, and remembered by release so the decision can list what it used."""

from __future__ import annotations

from functools import cached_property

from db.models import Mue, Pfs, PtpEdit, Release


class Facts:
    def __init__(self, reference, date_of_service: str, setting: str):
        self.ref = reference
        self.dos = date_of_service
        self.setting = setting
        self._releases: dict[str, Release | None] = {}
        self._pfs: dict[str, Pfs | None] = {}
        self._mue: dict[str, Mue | None] = {}
        self._aoc: dict[str, tuple[str, ...]] = {}
        self._rows: dict[str, object] = {}

    # -- releases -----------------------------------------------------------------------

    @property
    def ptp_dataset(self) -> str:
        return f"ptp_{self.setting}"

    @property
    def mue_dataset(self) -> str:
        return f"mue_{self.setting}"

    def release(self, dataset: str) -> Release | None:
        """The release of a dataset in force on the date of service (recorded as consulted)."""
        if dataset not in self._releases:
            self._releases[dataset] = self.ref.release_in_force(dataset, self.dos)
        return self._releases[dataset]

    def release_id(self, dataset: str) -> str | None:
        rel = self.release(dataset)
        return rel.id if rel else None

    def consulted(self) -> dict[str, Release | None]:
        return dict(sorted(self._releases.items()))

    # -- facts ----------------------------------------------------------------------------

    def pfs(self, code: str) -> Pfs | None:
        if code not in self._pfs:
            self.release("pfs")
            self._pfs[code] = self.ref.pfs(code, self.dos)
        return self._pfs[code]

    def bilateral_indicator(self, code: str) -> str | None:
        row = self.pfs(code)
        return row.bilateral if row else None

    def global_days(self, code: str) -> str | None:
        row = self.pfs(code)
        return row.global_days if row else None

    def mue(self, code: str) -> Mue | None:
        if code not in self._mue:
            self.release(self.mue_dataset)
            self._mue[code] = self.ref.mue(code, self.setting, self.dos)
        return self._mue[code]

    def addon_primaries(self, code: str) -> tuple[str, ...]:
        if code not in self._aoc:
            self.release("aoc")
            self._aoc[code] = tuple(self.ref.addon_primaries(code, self.dos))
        return self._aoc[code]

    def code_row(self, code: str):
        if code not in self._rows:
            self._rows[code] = self.ref.code_row(code)
        return self._rows[code]

    def is_addon(self, code: str) -> bool:
        """An add-on by the CMS add-on edits, or (when they say nothing for the date) by
        the fee schedule's global period ZZZ or the code's curated role."""
        if self.addon_primaries(code):
            return True
        row = self.code_row(code)
        role = row["kind"] if row is not None else None
        return self.global_days(code) == "ZZZ" or role in ("add-on", "guidance")

    def unit_size(self, code: str) -> float | None:
        row = self.code_row(code)
        return row["unit_size"] if row is not None else None

    def content_source(self, code: str) -> str | None:
        row = self.code_row(code)
        return row["source_id"] if row is not None else None

    def ptp_in_force(self, codes) -> list[PtpEdit]:
        """Edits between the codes, of the release in force, in force on the date of
        service: an edit past its deletion date, or with indicator 9, no longer applies."""
        self.release(self.ptp_dataset)
        return [e for e in self.ref.ptp_between(codes, self.setting, self.dos)
                if e.in_force(self.dos)]

    @cached_property
    def payer_ids(self) -> set[str]:
        return {p.id for p in self.ref.payers()}
