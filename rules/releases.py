"""Warnings about the data behind a decision: a dataset with no release in force on the
date of service, or whose release in force ended before it (a newer quarter exists
at CMS that CodeDesk does not hold: import it)."""

from __future__ import annotations

from rules.decision import ReleaseUsed

WHAT = {"ptp": "NCCI PTP edits", "mue": "MUE values", "pfs": "fee-schedule indicators "
        "(bilateral, global period)", "aoc": "add-on code edits", "hcpcs": "HCPCS Level II codes"}


def release_notes(consulted: dict, dos: str, warn) -> tuple[ReleaseUsed, ...]:
    used = []
    for dataset, rel in consulted.items():
        what = WHAT.get(dataset.split("_")[0], dataset)
        if rel is None:
            warn("release", f"No {dataset} release in force on {dos} in CodeDesk's data: "
                 f"{what} were not checked (data not available). Import the release in force "
                 "for that date")
            continue
        used.append(ReleaseUsed(rel.id, rel.dataset, rel.label, rel.effective_from,
                                rel.effective_to, rel.imported))
        if rel.effective_to and rel.effective_to < dos:
            warn("release", f"{rel.label} ({rel.id}) was in force until {rel.effective_to}, "
                 f"before the date of service {dos}: newer {what} may apply. Import the "
                 "release in force for that date", rel.id)
    return tuple(used)
