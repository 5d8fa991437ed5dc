"""The coding rules and the modifier decision engine: pure functions over frozen
dataclasses, fed facts by db/. No Qt and no SQL here (a test enforces the first).

    from rules.encounter import parse_encounter, InvalidEncounter
    from rules.engine import decide

See docs/encounter.md for the encounter and decision forms and the rules applied.
"""
