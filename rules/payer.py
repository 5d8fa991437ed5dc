"""The payer profile of an encounter: inline in the encounter, one of the user's own
profiles (db.userdata: these win over a bundled profile of the same id, since that is
how a user edits one), or a bundled profile (db/content/payers.toml)."""

from __future__ import annotations

from collections.abc import Mapping

from rules.decision import PayerUsed
from rules.encounter import InlinePayer, InvalidEncounter, parse_payer_profile


def resolve_payer(payer, reference, user_profiles: Mapping | None = None) -> PayerUsed:
    if isinstance(payer, InlinePayer):
        return PayerUsed(None, payer.name, "inline", payer.bilateral_format,
                         payer.accepts_x_modifiers, None)
    user_profiles = user_profiles or {}
    if payer in user_profiles:
        problems: list[str] = []
        profile = parse_payer_profile(user_profiles[payer], f"payer ({payer}, your profile)",
                                      problems)
        if profile is None:
            raise InvalidEncounter(problems)
        raw = user_profiles[payer]
        verified = raw.get("verified") if isinstance(raw.get("verified"), bool) else None
        return PayerUsed(payer, profile.name, "user", profile.bilateral_format,
                         profile.accepts_x_modifiers, verified)
    bundled = reference.payer(payer)
    if bundled is None:
        known = sorted({p.id for p in reference.payers()} | set(user_profiles))
        raise InvalidEncounter([f"payer: unknown payer id {str(payer)[:40]!r} (known: "
                                + (", ".join(known) or "none") + ")"])
    return PayerUsed(bundled.id, bundled.name, "bundled", bundled.bilateral_format,
                     bundled.accepts_x_modifiers, bundled.verified, bundled.source_id)
