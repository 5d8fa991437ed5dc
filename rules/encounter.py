"""The encounter: what was done, as frozen dataclasses, and its strict parser.

`parse_encounter(data)` takes the JSON form of docs/encounter.md and returns an
`Encounter`, or raises one `InvalidEncounter` listing every problem by its field
path (`services[3].muscles: must be a whole number of at least 1`). Nothing is
guessed: an unknown key, kind or code is a problem, not a default.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import ClassVar, Union

from db.errors import CodeDeskError
from rules import kinds as K

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"^(?:\d{4}[0-9FTU]|[A-Z]\d{4})$")


class InvalidEncounter(CodeDeskError):
    """The encounter cannot be decided; `problems` lists each one with its field path."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        super().__init__("the encounter is not valid:\n"
                         + "\n".join(f"  - {p}" for p in self.problems))


# -- the services ------------------------------------------------------------------------

@dataclass(frozen=True)
class Extremity:
    kind: ClassVar[str] = "extremity"
    limb: str
    muscles: int


@dataclass(frozen=True)
class Trunk:
    kind: ClassVar[str] = "trunk"
    muscles: int


@dataclass(frozen=True)
class Neck:
    kind: ClassVar[str] = "neck"
    side: str


@dataclass(frozen=True)
class Facial:
    kind: ClassVar[str] = "facial"
    side: str


@dataclass(frozen=True)
class Larynx:
    kind: ClassVar[str] = "larynx"
    side: str


@dataclass(frozen=True)
class Migraine:
    kind: ClassVar[str] = "migraine"
    side: str | None = None       # 64615 is bilateral by definition; one side is unusual


@dataclass(frozen=True)
class Neurolysis:
    kind: ClassVar[str] = "neurolysis"
    nerves: int                   # nerves (or branches) treated on each side named
    side: str


@dataclass(frozen=True)
class Guidance:
    kind: ClassVar[str] = "guidance"
    method: str


@dataclass(frozen=True)
class DiagnosticEmg:
    kind: ClassVar[str] = "diagnostic_emg"
    code: str
    distinct: str | None = None
    units: int = 1


@dataclass(frozen=True)
class EmVisit:
    kind: ClassVar[str] = "em_visit"
    code: str
    significant_separate: bool


@dataclass(frozen=True)
class OtherProcedure:
    kind: ClassVar[str] = "other_procedure"
    code: str
    distinct: str | None = None
    units: int = 1


@dataclass(frozen=True)
class Drug:
    kind: ClassVar[str] = "drug"
    code: str
    amount_administered: float
    amount_discarded: float


Service = Union[Extremity, Trunk, Neck, Facial, Larynx, Migraine, Neurolysis, Guidance,
                DiagnosticEmg, EmVisit, OtherProcedure, Drug]
SERVICE_CLASSES = {c.kind: c for c in (Extremity, Trunk, Neck, Facial, Larynx, Migraine,
                                       Neurolysis, Guidance, DiagnosticEmg, EmVisit,
                                       OtherProcedure, Drug)}


@dataclass(frozen=True)
class InlinePayer:
    """A payer profile given in the encounter itself (or kept in the user database)."""
    name: str
    bilateral_format: str
    accepts_x_modifiers: bool | None = None    # absent or null: not known


@dataclass(frozen=True)
class Encounter:
    date_of_service: str
    setting: str
    payer: str | InlinePayer
    services: tuple[Service, ...]

    def to_json(self) -> dict:
        payer = self.payer if isinstance(self.payer, str) else _fields(self.payer)
        return {"date_of_service": self.date_of_service, "setting": self.setting,
                "payer": payer,
                "services": [{"kind": s.kind, **_fields(s)} for s in self.services]}


def _fields(obj) -> dict:
    return {k: getattr(obj, k) for k in obj.__dataclass_fields__}


# -- the parser ----------------------------------------------------------------------------

# Per kind: field -> (required, checker). A checker returns (value, problem-or-None).
def _one_of(options):
    def check(v):
        if isinstance(v, str) and v in options:
            return v, None
        return None, "must be one of " + ", ".join(options)
    return check


def _optional_one_of(options):
    inner = _one_of(options)

    def check(v):
        if v is None:
            return None, None
        value, problem = inner(v)
        return value, problem and problem + ", or null"
    return check


def _whole(minimum=1):
    def check(v):
        if isinstance(v, int) and not isinstance(v, bool) and v >= minimum:
            return v, None
        return None, f"must be a whole number of at least {minimum}"
    return check


def _amount(minimum_exclusive):
    def check(v):
        ok = (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
              and (v > 0 if minimum_exclusive else v >= 0))
        if ok:
            return v, None
        return None, ("must be a number above 0" if minimum_exclusive
                      else "must be a number of at least 0")
    return check


def _boolean(v):
    if isinstance(v, bool):
        return v, None
    return None, "must be true or false"


def _code_from(allowed, what):
    def check(v):
        code = v.strip().upper() if isinstance(v, str) else None
        if code in allowed:
            return code, None
        return None, f"must be {what}"
    return check


def _other_code(v):
    code = v.strip().upper() if isinstance(v, str) else None
    if code is None or not _CODE.match(code):
        return None, "must be a CPT or HCPCS code (5 characters, e.g. 20553)"
    if code in K.CHOSEN_BY_KIND:
        return None, (f"{code} is not an other procedure: enter it as kind "
                      f"'{K.CHOSEN_BY_KIND[code]}' (the engine chooses that code)")
    return code, None


_EMG_WHAT = "a diagnostic needle EMG code 95860-95870 (" + ", ".join(K.DIAGNOSTIC_EMG_CODES) + ")"
_FIELDS = {
    "extremity": {"limb": (True, _one_of(K.LIMBS)), "muscles": (True, _whole())},
    "trunk": {"muscles": (True, _whole())},
    "neck": {"side": (True, _one_of(K.SIDES))},
    "facial": {"side": (True, _one_of(K.SIDES))},
    "larynx": {"side": (True, _one_of(K.SIDES))},
    "migraine": {"side": (False, _optional_one_of(K.SIDES))},
    "neurolysis": {"nerves": (True, _whole()), "side": (True, _one_of(K.SIDES))},
    "guidance": {"method": (True, _one_of(tuple(K.GUIDANCE_METHODS)))},
    "diagnostic_emg": {"code": (True, _code_from(K.DIAGNOSTIC_EMG_CODES, _EMG_WHAT)),
                       "distinct": (False, _optional_one_of(K.DISTINCT_ANSWERS)),
                       "units": (False, _whole())},
    "em_visit": {"code": (True, _code_from(K.EM_CODES, "an office E/M code 99202-99205 or "
                                           "99211-99215")),
                 "significant_separate": (True, _boolean)},
    "other_procedure": {"code": (True, _other_code),
                        "distinct": (True, _optional_one_of(K.DISTINCT_ANSWERS)),
                        "units": (False, _whole())},
    "drug": {"code": (True, _code_from(K.DRUG_CODES, "a botulinum toxin code J0585-J0589")),
             "amount_administered": (True, _amount(True)),
             "amount_discarded": (True, _amount(False))},
}
_PAYER_FIELDS = {"name": (True, None), "bilateral_format": (True, _one_of(K.BILATERAL_FORMATS)),
                 "accepts_x_modifiers": (False, None)}
_TOP = ("date_of_service", "setting", "payer", "services")


def _typename(v) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false",
            type(None): "null"}.get(type(v), "a number")


def _check_fields(obj: Mapping, spec: dict, path: str, problems: list, skip=()) -> dict:
    values = {}
    for key in obj:
        if key not in spec and key not in skip:
            problems.append(f"{path}.{key}: unknown field (expected: "
                            + ", ".join(spec) + ")")
    for key, (required, check) in spec.items():
        if key not in obj:
            if required:
                problems.append(f"{path}.{key}: missing")
            continue
        value, problem = check(obj[key])
        if problem:
            problems.append(f"{path}.{key}: {problem}")
        else:
            values[key] = value
    return values


def parse_payer_profile(obj, path: str, problems: list) -> InlinePayer | None:
    """An inline (or user-kept) payer profile; problems are appended to `problems`."""
    if not isinstance(obj, Mapping):
        problems.append(f"{path}: must be a payer id or a payer profile object")
        return None
    spec = dict(_PAYER_FIELDS)
    spec["name"] = (True, lambda v: (v.strip(), None) if isinstance(v, str) and v.strip()
                    else (None, "must be a non-empty text"))
    spec["accepts_x_modifiers"] = (False, lambda v: (v, None) if v is None or isinstance(v, bool)
                                   else (None, "must be true, false or null (not known)"))
    # Profiles kept in the user database may carry bookkeeping fields of their own.
    skip = ("id", "verified", "note", "source") if path != "payer" else ()
    n = len(problems)
    values = _check_fields(obj, spec, path, problems, skip)
    if len(problems) > n:
        return None
    return InlinePayer(values["name"], values["bilateral_format"],
                       values.get("accepts_x_modifiers"))


def _service(obj, i: int, problems: list):
    path = f"services[{i}]"
    if not isinstance(obj, Mapping):
        problems.append(f"{path}: must be an object with a kind, not {_typename(obj)}")
        return None
    kind = obj.get("kind")
    if not (isinstance(kind, str) and kind in _FIELDS):
        shown = repr(kind) if isinstance(kind, str) else _typename(kind)
        problems.append(f"{path}.kind: " + ("missing" if "kind" not in obj else
                        f"unknown kind {shown[:40]}") + " (expected one of "
                        + ", ".join(K.KINDS) + ")")
        return None
    n = len(problems)
    values = _check_fields(obj, _FIELDS[kind], path, problems, skip=("kind",))
    if len(problems) > n:
        return None
    return SERVICE_CLASSES[kind](**values)


def _cross_checks(raw: list, problems: list) -> None:
    """What no single service can show: limbs, and services reported once per session.
    Read from the raw entries, so that a duplicate is found even beside other problems."""
    seen: dict[tuple, int] = {}
    limbs = 0

    def valid(s, key, options):
        v = s.get(key)
        return v.strip().upper() if key == "code" and isinstance(v, str) else (
            v if isinstance(v, str) and (options is None or v in options) else None)

    for i, s in enumerate(raw):
        kind = s.get("kind") if isinstance(s, Mapping) else None
        if not isinstance(kind, str) or kind not in _FIELDS:
            continue
        path = f"services[{i}]"
        if kind == "extremity":
            limbs += 1
            if limbs == len(K.LIMBS) + 1:
                problems.append(f"{path}: a fifth extremity: a patient has four limbs")
            limb = valid(s, "limb", K.LIMBS)
            if limb is None:
                continue
            if ("extremity", limb) in seen:
                problems.append(f"{path}.limb: {limb} is already listed at "
                                f"services[{seen[('extremity', limb)]}] (one entry per limb: "
                                "count its muscles together)")
            else:
                seen[("extremity", limb)] = i
            continue
        if kind in K.ONCE_PER_ENCOUNTER:
            key, label = (kind,), kind
            why = ("one E/M visit per encounter" if kind == "em_visit"
                   else "reported once per session; use side 'both' or count the muscles "
                        "together")
        elif kind == "guidance":
            method = valid(s, "method", K.GUIDANCE_METHODS)
            if method is None:
                continue
            key, label = (kind, method), f"guidance {method}"
            why = "guidance is reported once per session"
        elif kind in ("diagnostic_emg", "other_procedure", "drug"):
            code = valid(s, "code", None)
            if not code:
                continue
            key, label = (kind, code), f"{kind} {code}"
            why = "one entry per code: use units or amounts"
        else:
            continue
        if key in seen:
            problems.append(f"{path}: {label} is already listed at services[{seen[key]}] ({why})")
        else:
            seen[key] = i


def parse_encounter(data, payer_ids: Collection[str] | None = None) -> Encounter:
    """The encounter of `data` (the decoded JSON), or InvalidEncounter with every problem.

    `payer_ids`, when given, are the payer profile ids that exist (bundled and the
    user's own); a payer id outside them is a problem. Without it the id is checked
    when the engine resolves it.
    """
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise InvalidEncounter([f"encounter: must be a JSON object, not {_typename(data)}"])
    for key in data:
        if key not in _TOP:
            problems.append(f"{str(key)[:40]}: unknown field (expected: " + ", ".join(_TOP) + ")")
    for key in _TOP:
        if key not in data:
            problems.append(f"{key}: missing")

    dos = data.get("date_of_service")
    if "date_of_service" in data:
        if not (isinstance(dos, str) and _DATE.match(dos) and _is_date(dos)):
            problems.append("date_of_service: must be a date as YYYY-MM-DD (e.g. 2024-08-15)")
            dos = None

    setting = data.get("setting")
    if "setting" in data and setting not in K.SETTINGS:
        problems.append("setting: must be one of " + ", ".join(K.SETTINGS))

    payer = data.get("payer")
    if "payer" in data:
        if isinstance(payer, str):
            payer = payer.strip()
            if not payer:
                problems.append("payer: must be a payer id or a payer profile object")
            elif payer_ids is not None and payer not in payer_ids:
                problems.append(f"payer: unknown payer id {payer[:40]!r} (known: "
                                + ", ".join(sorted(payer_ids)) + ")")
        else:
            payer = parse_payer_profile(payer, "payer", problems)

    raw = data.get("services")
    services: list = []
    if "services" in data:
        if not isinstance(raw, list):
            problems.append(f"services: must be a list, not {_typename(raw)}")
        elif not raw:
            problems.append("services: must list at least one service")
        elif len(raw) > K.MAX_SERVICES:
            problems.append(f"services: at most {K.MAX_SERVICES} services in one encounter")
        else:
            services = [_service(s, i, problems) for i, s in enumerate(raw)]
            _cross_checks(raw, problems)

    if problems:
        raise InvalidEncounter(problems)
    return Encounter(dos, setting, payer, tuple(services))


def _is_date(text: str) -> bool:
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
