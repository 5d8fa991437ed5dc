"""Training mode without Qt: scenarios, grading a trainee's claim, scores, the
walk-through of the engine's decision, and the scenario file format (docs/training.md).

A scenario is a vignette (plain language, our own words), the encounter it describes
(the JSON form of docs/encounter.md), the expected claim lines and the codes that are
not reported, teaching points with the ids of their sources, and optional pitfalls:
tempting wrong lines with the reason they are wrong.

Grading compares the trainee's lines with the scenario's expected lines (which a test
keeps equal to the engine's decision for every shipped scenario) and gives each line a
verdict and a reason; the reasons quote the engine's own reasons and sources.

Nothing here guesses: a scenario or a file that is not valid raises InvalidScenario
listing every problem by its path (`scenarios[2].expected.lines[0].code: ...`).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import resources
from db.errors import CodeDeskError
from rules.decision import Decision, billing_order
from rules.encounter import InvalidEncounter, parse_encounter

FILE_FORMAT = "codedesk-scenarios"
FILE_VERSION = 1
SCORES_FORMAT = "codedesk-training-scores"
LIBRARY_FOLDER = "scenarios"
MAX_FILE_BYTES = 2_000_000
MAX_SCENARIOS_PER_FILE = 500
MAX_UNITS = 999
COMPUTED_BY = ("engine", "trainer")
CLAIM_SYSTEMS = ("CPT", "HCPCS")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_SCENARIO_KEYS = ("id", "title", "vignette", "topics", "encounter", "expected",
                  "teaching_points", "pitfalls", "author")
_EXPECTED_KEYS = ("lines", "not_reported", "computed_by")
_LINE_KEYS = ("code", "modifiers", "units")
_POINT_KEYS = ("text", "sources")
_PITFALL_KEYS = ("code", "modifiers", "why", "sources")
_LIMITS = {"title": 120, "vignette": 6000, "author": 120, "text": 1200, "why": 1200}


class InvalidScenario(CodeDeskError):
    """A scenario or scenario file that cannot be used; `problems` lists each one."""

    def __init__(self, problems: Iterable[str], where: str = ""):
        self.problems = tuple(problems)
        self.where = where
        head = f"{where}: " if where else ""
        super().__init__(f"{head}the scenario file was not accepted:\n"
                         + "\n".join(f"  - {p}" for p in self.problems))


class InvalidClaimEntry(CodeDeskError):
    """The trainee's claim lines cannot be graded; `problems` says which line and why."""

    def __init__(self, problems: Iterable[str]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


# -- the scenario ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimEntry:
    """One claim line: what a scenario expects, or what a trainee entered."""
    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1

    def label(self) -> str:
        mods = "-".join(self.modifiers)
        return f"{self.code}{'-' + mods if mods else ''} x {self.units}"

    def to_json(self) -> dict:
        return {"code": self.code, "modifiers": list(self.modifiers), "units": self.units}


@dataclass(frozen=True)
class TeachingPoint:
    text: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pitfall:
    """A tempting wrong line: `code` with at least `modifiers` (empty: any)."""
    code: str
    modifiers: tuple[str, ...]
    why: str
    sources: tuple[str, ...] = ()

    def matches(self, entry: ClaimEntry) -> bool:
        return entry.code == self.code and set(self.modifiers) <= set(entry.modifiers)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    vignette: str
    encounter: dict                                 # the JSON form (docs/encounter.md)
    lines: tuple[ClaimEntry, ...]                    # the expected claim
    not_reported: tuple[str, ...] = ()
    computed_by: str = "engine"
    teaching_points: tuple[TeachingPoint, ...] = ()
    pitfalls: tuple[Pitfall, ...] = ()
    topics: tuple[str, ...] = ()
    author: str = ""
    origin: str = "shipped"                          # shipped | user (not in the file)

    def to_json(self) -> dict:
        out = {"id": self.id, "title": self.title, "vignette": self.vignette,
               "topics": list(self.topics), "encounter": self.encounter,
               "expected": {"lines": [ln.to_json() for ln in self.lines],
                            "not_reported": list(self.not_reported),
                            "computed_by": self.computed_by},
               "teaching_points": [{"text": t.text, "sources": list(t.sources)}
                                   for t in self.teaching_points],
               "pitfalls": [{"code": p.code, "modifiers": list(p.modifiers), "why": p.why,
                             "sources": list(p.sources)} for p in self.pitfalls]}
        if self.author:
            out["author"] = self.author
        return out


# -- validation ----------------------------------------------------------------------------

class _Checker:
    """Collects problems while reading one file; knows the reference's codes and ids."""

    def __init__(self, reference, payer_ids: Iterable[str] | None = None):
        self.ref = reference
        self.problems: list[str] = []
        self.payer_ids = set(payer_ids) if payer_ids is not None else {
            p.id for p in reference.payers()}
        self.modifiers = {m.modifier for m in reference.modifiers()}
        self._codes: dict[str, bool] = {}
        self._sources: dict[str, bool] = {}

    def add(self, path: str, problem: str) -> None:
        self.problems.append(f"{path}: {problem}")

    def keys(self, obj: Mapping, allowed: Sequence[str], path: str) -> None:
        for key in obj:
            if key not in allowed:
                self.add(f"{path}.{str(key)[:40]}", "unknown field (expected: "
                         + ", ".join(allowed) + ")")

    def text(self, obj: Mapping, key: str, path: str, required: bool = True) -> str:
        value = obj.get(key)
        if key not in obj:
            if required:
                self.add(f"{path}.{key}", "missing")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(f"{path}.{key}", "must be a non-empty text")
            return ""
        limit = _LIMITS.get(key)
        if limit and len(value) > limit:
            self.add(f"{path}.{key}", f"at most {limit} characters (this one has {len(value)})")
            return ""
        return value.strip()

    def code(self, value, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.add(path, "must be a code as text, e.g. \"64642\"")
            return ""
        code = value.strip().upper()
        if code not in self._codes:
            row = self.ref.code_row(code) if len(code) <= 12 else None
            self._codes[code] = row is not None and row["system"] in CLAIM_SYSTEMS \
                and row["code"] == code
        if not self._codes[code]:
            self.add(path, f"unknown code {code[:20]!r}: not a CPT or HCPCS code in CodeDesk's "
                     "reference data")
            return ""
        return code

    def modifier_list(self, value, path: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(path, "must be a list of modifiers, e.g. [\"XS\", \"RT\"]")
            return ()
        out: list[str] = []
        for j, m in enumerate(value):
            mod = m.strip().upper() if isinstance(m, str) else None
            if not mod or mod not in self.modifiers:
                self.add(f"{path}[{j}]", f"unknown modifier {str(m)[:10]!r} (known: "
                         + ", ".join(sorted(self.modifiers)) + ")")
            elif mod in out:
                self.add(f"{path}[{j}]", f"modifier {mod} is listed twice")
            else:
                out.append(mod)
        return tuple(out)

    def sources(self, value, path: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            self.add(path, "must be a list of source ids, e.g. [\"ama-cpt-2014\"]")
            return ()
        out = []
        for j, sid in enumerate(value):
            if sid not in self._sources:
                self._sources[sid] = self.ref.source(sid) is not None
            if not self._sources[sid]:
                self.add(f"{path}[{j}]", f"unknown source id {sid[:60]!r} (see the sources "
                         "table: db/content/sources.toml)")
            else:
                out.append(sid)
        return tuple(out)

    def units(self, value, path: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_UNITS:
            return value
        self.add(path, f"must be a whole number from 1 to {MAX_UNITS}")
        return 1


def _scenario(obj, path: str, chk: _Checker, origin: str) -> Scenario | None:
    if not isinstance(obj, Mapping):
        chk.add(path, "must be an object (a scenario)")
        return None
    n = len(chk.problems)
    chk.keys(obj, _SCENARIO_KEYS, path)
    sid = obj.get("id")
    if not (isinstance(sid, str) and _ID.match(sid)):
        chk.add(f"{path}.id", "must be 2-64 lower-case letters, digits and hyphens, starting "
                "with a letter or digit (e.g. \"stroke-arm-leg\")")
        sid = ""
    title = chk.text(obj, "title", path)
    vignette = chk.text(obj, "vignette", path)
    author = chk.text(obj, "author", path, required=False)
    topics = obj.get("topics", [])
    if not (isinstance(topics, list) and all(isinstance(t, str) and 0 < len(t) <= 40
                                             for t in topics)):
        chk.add(f"{path}.topics", "must be a list of short texts")
        topics = []

    encounter = obj.get("encounter")
    if "encounter" not in obj:
        chk.add(f"{path}.encounter", "missing")
    else:
        try:
            parse_encounter(encounter, payer_ids=chk.payer_ids)
        except InvalidEncounter as exc:
            for p in exc.problems:
                chk.problems.append(f"{path}.encounter.{p}")

    lines: list[ClaimEntry] = []
    not_reported: list[str] = []
    computed_by = "engine"
    exp = obj.get("expected")
    epath = f"{path}.expected"
    if not isinstance(exp, Mapping):
        chk.add(epath, "missing" if "expected" not in obj else
                "must be an object with lines, not_reported and computed_by")
    else:
        chk.keys(exp, _EXPECTED_KEYS, epath)
        raw = exp.get("lines")
        if not isinstance(raw, list) or not raw:
            chk.add(f"{epath}.lines", "must list at least one claim line")
        else:
            for i, ln in enumerate(raw):
                lp = f"{epath}.lines[{i}]"
                if not isinstance(ln, Mapping):
                    chk.add(lp, "must be an object with code, modifiers and units")
                    continue
                chk.keys(ln, _LINE_KEYS, lp)
                code = chk.code(ln.get("code"), f"{lp}.code")
                mods = chk.modifier_list(ln.get("modifiers", []), f"{lp}.modifiers")
                units = chk.units(ln.get("units", 1), f"{lp}.units")
                if code:
                    lines.append(ClaimEntry(code, billing_order(mods), units))
            seen: dict[tuple, int] = {}
            for i, ln in enumerate(lines):
                key = (ln.code, frozenset(ln.modifiers))
                if key in seen:
                    chk.add(f"{epath}.lines[{i}]", f"the same code and modifiers as "
                            f"lines[{seen[key]}]: put the units on one line")
                seen.setdefault(key, i)
        raw_nr = exp.get("not_reported", [])
        if not isinstance(raw_nr, list):
            chk.add(f"{epath}.not_reported", "must be a list of codes")
        else:
            for i, c in enumerate(raw_nr):
                code = chk.code(c, f"{epath}.not_reported[{i}]")
                if code and code not in not_reported:
                    not_reported.append(code)
        computed_by = exp.get("computed_by", "engine")
        if computed_by not in COMPUTED_BY:
            chk.add(f"{epath}.computed_by", "must be \"engine\" or \"trainer\"")

    points: list[TeachingPoint] = []
    raw_points = obj.get("teaching_points", [])
    if not isinstance(raw_points, list):
        chk.add(f"{path}.teaching_points", "must be a list of {text, sources}")
    else:
        for i, tp in enumerate(raw_points):
            tpath = f"{path}.teaching_points[{i}]"
            if not isinstance(tp, Mapping):
                chk.add(tpath, "must be an object with text and sources")
                continue
            chk.keys(tp, _POINT_KEYS, tpath)
            points.append(TeachingPoint(chk.text(tp, "text", tpath),
                                        chk.sources(tp.get("sources", []), f"{tpath}.sources")))

    pitfalls: list[Pitfall] = []
    raw_pits = obj.get("pitfalls", [])
    if not isinstance(raw_pits, list):
        chk.add(f"{path}.pitfalls", "must be a list of {code, modifiers, why, sources}")
    else:
        for i, pf in enumerate(raw_pits):
            ppath = f"{path}.pitfalls[{i}]"
            if not isinstance(pf, Mapping):
                chk.add(ppath, "must be an object with code, modifiers, why and sources")
                continue
            chk.keys(pf, _PITFALL_KEYS, ppath)
            pitfalls.append(Pitfall(chk.code(pf.get("code"), f"{ppath}.code"),
                                    chk.modifier_list(pf.get("modifiers", []),
                                                      f"{ppath}.modifiers"),
                                    chk.text(pf, "why", ppath),
                                    chk.sources(pf.get("sources", []), f"{ppath}.sources")))

    if len(chk.problems) > n:
        return None
    return Scenario(sid, title, vignette, json.loads(json.dumps(encounter)), tuple(lines),
                    tuple(not_reported), computed_by, tuple(points), tuple(pitfalls),
                    tuple(topics), author, origin)


def scenario_from_json(obj, reference, payer_ids: Iterable[str] | None = None,
                       origin: str = "user") -> Scenario:
    """One scenario object (as kept in the user database), or InvalidScenario."""
    chk = _Checker(reference, payer_ids)
    sc = _scenario(obj, "scenario", chk, origin)
    if sc is None:
        raise InvalidScenario(chk.problems)
    return sc


def parse_scenario_file(text: str | bytes, reference, payer_ids: Iterable[str] | None = None,
                        origin: str = "user", where: str = "") -> list[Scenario]:
    """The scenarios of a scenario file (docs/training.md), all or none."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise InvalidScenario([f"the file is {len(text):,} bytes; a scenario file is at "
                                   f"most {MAX_FILE_BYTES:,}"], where)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidScenario([f"not a text file in UTF-8 (byte {exc.start})"],
                                  where) from None
    if len(text) > MAX_FILE_BYTES:
        raise InvalidScenario([f"the file is too large; a scenario file is at most "
                               f"{MAX_FILE_BYTES:,} bytes"], where)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidScenario([f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"],
                              where) from None
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise InvalidScenario([f"not a CodeDesk scenario file: expected an object with "
                               f"\"format\": \"{FILE_FORMAT}\" (see docs/training.md)"], where)
    problems = []
    for key in data:
        if key not in ("format", "version", "scenarios", "exported"):
            problems.append(f"{str(key)[:40]}: unknown field (expected: format, version, "
                            "exported, scenarios)")
    if data.get("version") != FILE_VERSION:
        problems.append(f"version: this CodeDesk reads version {FILE_VERSION} scenario files, "
                        f"not {str(data.get('version'))[:20]}")
    raw = data.get("scenarios")
    if not isinstance(raw, list) or not raw:
        problems.append("scenarios: must list at least one scenario")
        raw = []
    elif len(raw) > MAX_SCENARIOS_PER_FILE:
        problems.append(f"scenarios: at most {MAX_SCENARIOS_PER_FILE} in one file")
        raw = []
    chk = _Checker(reference, payer_ids)
    chk.problems = problems
    out: list[Scenario] = []
    ids: dict[str, int] = {}
    for i, obj in enumerate(raw):
        sc = _scenario(obj, f"scenarios[{i}]", chk, origin)
        if sc is None:
            continue
        if sc.id in ids:
            chk.add(f"scenarios[{i}].id", f"{sc.id!r} is already used by scenarios[{ids[sc.id]}]")
            continue
        ids[sc.id] = i
        out.append(sc)
    if chk.problems:
        raise InvalidScenario(chk.problems, where)
    return out


def scenario_file_text(scenarios: Iterable[Scenario]) -> str:
    """The JSON text of a scenario file holding `scenarios` (what export writes)."""
    return json.dumps({"format": FILE_FORMAT, "version": FILE_VERSION,
                       "exported": _dt.date.today().isoformat(),
                       "scenarios": [s.to_json() for s in scenarios]},
                      indent=2, ensure_ascii=False) + "\n"


def load_library(reference) -> list[Scenario]:
    """The shipped scenarios (resources/scenarios/*.json), in file-name order."""
    folder = resources.path(LIBRARY_FOLDER)
    out: list[Scenario] = []
    for path in sorted(folder.glob("*.json")):
        out += parse_scenario_file(path.read_bytes(), reference, origin="shipped",
                                   where=f"resources/scenarios/{path.name}")
    return out


def load_user_scenarios(stored: Mapping[str, dict], reference,
                        payer_ids: Iterable[str] | None = None) -> tuple[list[Scenario], list[str]]:
    """The user's scenarios (UserData.scenarios()), and a message for each one that no
    longer validates (kept in the database, left out of the list)."""
    good, bad = [], []
    for key, obj in sorted(stored.items()):
        try:
            good.append(scenario_from_json(obj, reference, payer_ids, origin="user"))
        except InvalidScenario as exc:
            bad.append(f"Your scenario {key!r} could not be read: " + "; ".join(exc.problems))
    return good, bad


# -- the engine's answer ----------------------------------------------------------------------

def decide_encounter(encounter: Mapping, reference, user_profiles: Mapping | None = None
                     ) -> Decision:
    from rules.engine import decide   # the engine module is loaded only when used
    return decide(encounter, reference, user_profiles=user_profiles)


def expected_from_decision(decision: Decision) -> tuple[tuple[ClaimEntry, ...], tuple[str, ...]]:
    """The claim lines and the not-reported codes of the engine's decision."""
    lines = tuple(ClaimEntry(c, tuple(m), u) for c, m, u in decision.claim())
    nr: list[str] = []
    for n in decision.not_reported:
        if n.code not in nr:
            nr.append(n.code)
    return lines, tuple(nr)


def agrees_with(scenario: Scenario, decision: Decision) -> list[str]:
    """How the scenario's answer differs from the engine's decision (empty: it agrees)."""
    lines, nr = expected_from_decision(decision)
    out = []
    want = sorted(ln.label() for ln in scenario.lines)
    got = sorted(ln.label() for ln in lines)
    if want != got:
        out.append(f"claim lines: the scenario expects {', '.join(want)}; the engine "
                   f"decides {', '.join(got) or 'none'}")
    if sorted(scenario.not_reported) != sorted(nr):
        out.append(f"not reported: the scenario lists {', '.join(sorted(scenario.not_reported)) or 'none'}; "
                   f"the engine lists {', '.join(sorted(nr)) or 'none'}")
    return out


# -- the trainee's claim ----------------------------------------------------------------------

def parse_entries(rows: Iterable[Sequence[str]], known_modifiers: Iterable[str]
                  ) -> list[ClaimEntry]:
    """The trainee's rows (code, modifiers text, units text) as claim lines; blank rows are
    skipped. Modifiers may be separated by spaces, commas or hyphens."""
    known = {m.upper() for m in known_modifiers}
    problems, out = [], []
    for n, row in enumerate(rows, 1):
        code, mods, units = (list(row) + ["", "", ""])[:3]
        code, mods, units = (code or "").strip().upper(), (mods or "").strip(), \
            (units or "").strip()
        if not code and not mods and not units:
            continue
        where = f"Line {n}"
        if not code:
            problems.append(f"{where}: enter a code")
            continue
        if not re.fullmatch(r"[0-9]{4}[0-9FTU]|[A-Z][0-9]{4}", code):
            problems.append(f"{where}: {code[:12]!r} is not a CPT or HCPCS code (5 characters, "
                            "e.g. 64642 or J0585)")
            continue
        parts = [p for p in re.split(r"[\s,;\-]+", mods.upper()) if p]
        bad = [p for p in parts if p not in known]
        if bad:
            problems.append(f"{where}: unknown modifier {', '.join(b[:6] for b in bad)} (known: "
                            + ", ".join(sorted(known)) + ")")
            continue
        if len(set(parts)) != len(parts):
            problems.append(f"{where}: a modifier is entered twice")
            continue
        if not units:
            units = "1"
        if not units.isdigit() or not 1 <= int(units) <= MAX_UNITS:
            problems.append(f"{where}: units must be a whole number from 1 to {MAX_UNITS}, "
                            f"not {units[:8]!r}")
            continue
        out.append(ClaimEntry(code, tuple(parts), int(units)))
    if problems:
        raise InvalidClaimEntry(problems)
    return out


# -- grading --------------------------------------------------------------------------------

RIGHT, WRONG_UNITS, WRONG_MODIFIERS, EXTRA, MISSING = (
    "right", "wrong units", "wrong modifiers", "extra line", "missing line")


@dataclass(frozen=True)
class LineMark:
    verdict: str                         # RIGHT, WRONG_UNITS, WRONG_MODIFIERS, EXTRA, MISSING
    entered: ClaimEntry | None           # None for a missing line
    expected: ClaimEntry | None          # None for an extra line
    reason: str
    sources: tuple[str, ...] = ()

    @property
    def right(self) -> bool:
        return self.verdict == RIGHT


@dataclass(frozen=True)
class Grade:
    marks: tuple[LineMark, ...]

    @property
    def right(self) -> int:
        return sum(m.right for m in self.marks)

    @property
    def expected(self) -> int:
        return sum(m.expected is not None for m in self.marks)

    @property
    def extra(self) -> int:
        return sum(m.verdict == EXTRA for m in self.marks)

    @property
    def missing(self) -> int:
        return sum(m.verdict == MISSING for m in self.marks)

    @property
    def possible(self) -> int:
        # An extra line costs as much as a missed one: padding a claim never pays.
        return self.expected + self.extra

    @property
    def all_right(self) -> bool:
        return self.right == self.possible

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.possible) if self.possible else 100


def _decision_line(decision: Decision | None, line: ClaimEntry):
    if decision is None:
        return None
    for ln in decision.lines:
        if ln.code == line.code and set(ln.modifiers) == set(line.modifiers):
            return ln
    for ln in decision.lines:
        if ln.code == line.code:
            return ln
    return None


def _why_line(decision: Decision | None, line: ClaimEntry) -> tuple[str, tuple[str, ...]]:
    ln = _decision_line(decision, line)
    if ln is None or not ln.reasons:
        return "", ()
    return "; ".join(ln.reasons), tuple(ln.sources)


def _mods(mods: Sequence[str]) -> str:
    return "-".join(billing_order(mods)) if mods else "none"


def grade(scenario: Scenario, entered: Sequence[ClaimEntry],
          decision: Decision | None = None) -> Grade:
    """Each entered line marked against the expected lines, and each expected line the
    trainee left out marked missing. `decision` (the engine's, for the scenario's
    encounter) supplies the reasons quoted."""
    expected = list(scenario.lines)
    left = list(range(len(expected)))
    marks: list[LineMark | None] = [None] * len(entered)

    def take(i_entered: int, j_expected: int, mark: LineMark) -> None:
        marks[i_entered] = mark
        left.remove(j_expected)

    # 1. exact lines (modifier order is not graded: it is shown in the answer)
    for i, e in enumerate(entered):
        for j in left:
            x = expected[j]
            if e.code == x.code and set(e.modifiers) == set(x.modifiers) and e.units == x.units:
                why, src = _why_line(decision, x)
                take(i, j, LineMark(RIGHT, e, x, ("Right. " + why).strip(), src))
                break
    # 2. the right code and modifiers, wrong units; 3. the right code, other modifiers
    for same_mods in (True, False):
        for i, e in enumerate(entered):
            if marks[i] is not None:
                continue
            candidates = [j for j in left if expected[j].code == e.code and
                          (set(expected[j].modifiers) == set(e.modifiers)) == same_mods]
            if not candidates:
                continue
            j = max(candidates, key=lambda j: (len(set(expected[j].modifiers)
                                                   & set(e.modifiers)),
                                               expected[j].units == e.units, -j))
            x = expected[j]
            why, src = _why_line(decision, x)
            pit = _pitfall(scenario, e)
            if same_mods:
                text = f"Units: you entered {e.units}, the answer is {x.units}."
                verdict = WRONG_UNITS
            else:
                missing = [m for m in x.modifiers if m not in e.modifiers]
                unwanted = [m for m in e.modifiers if m not in x.modifiers]
                text = f"Modifiers: you entered {_mods(e.modifiers)}, the answer is " \
                       f"{_mods(x.modifiers)}"
                bits = ([f"missing {', '.join(missing)}"] if missing else []) + \
                       ([f"not wanted {', '.join(unwanted)}"] if unwanted else [])
                text += f" ({'; '.join(bits)})." if bits else "."
                if e.units != x.units:
                    text += f" Units: you entered {e.units}, the answer is {x.units}."
                verdict = WRONG_MODIFIERS
            if pit:
                text += " " + pit.why
                src = tuple(dict.fromkeys(src + pit.sources))
            take(i, j, LineMark(verdict, e, x, f"{text} {why}".strip(), src))
    # 4. lines that should not be on the claim
    for i, e in enumerate(entered):
        if marks[i] is not None:
            continue
        pit = _pitfall(scenario, e)
        nr = _not_reported(decision, e.code)
        if pit:
            text, src = pit.why, pit.sources
        elif nr is not None:
            text, src = f"{e.code} is not reported here: {nr.reason}", tuple(nr.sources)
        elif e.code in scenario.not_reported:
            text, src = f"{e.code} is not reported for this encounter.", ()
        elif any(x.code == e.code for x in expected):
            same = [x.label() for x in expected if x.code == e.code]
            text, src = (f"The claim has {len(same)} line{'s' * (len(same) != 1)} of "
                         f"{e.code}: {', '.join(same)}."), ()
        else:
            text, src = f"No line for {e.code} belongs on this claim.", ()
        marks[i] = LineMark(EXTRA, e, None, f"Extra line. {text}".strip(), src)
    out = list(marks)
    # 5. what the trainee left out
    for j in left:
        x = expected[j]
        why, src = _why_line(decision, x)
        out.append(LineMark(MISSING, None, x, f"Missing line: {x.label()}. {why}".strip(), src))
    return Grade(tuple(out))


def _pitfall(scenario: Scenario, entry: ClaimEntry) -> Pitfall | None:
    """The most specific pitfall the line falls into (most modifiers named)."""
    found = [p for p in scenario.pitfalls if p.matches(entry)]
    return max(found, key=lambda p: len(p.modifiers)) if found else None


def _not_reported(decision: Decision | None, code: str):
    if decision is None:
        return None
    return next((n for n in decision.not_reported if n.code == code), None)


# -- scores -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attempt:
    scenario_id: str
    title: str
    when: str
    right: int
    expected: int
    extra: int
    missing: int
    percent: int
    all_right: bool
    entered: tuple[str, ...]


@dataclass
class Session:
    """The scores of one practice session (kept in memory; exported on request)."""
    trainee: str = ""
    started: str = field(default_factory=lambda: _dt.datetime.now().isoformat(
        timespec="seconds"))
    attempts: list[Attempt] = field(default_factory=list)

    def record(self, scenario: Scenario, entered: Sequence[ClaimEntry], result: Grade,
               when: str | None = None) -> Attempt:
        a = Attempt(scenario.id, scenario.title,
                    when or _dt.datetime.now().isoformat(timespec="seconds"), result.right,
                    result.expected, result.extra, result.missing, result.percent,
                    result.all_right, tuple(e.label() for e in entered))
        self.attempts.append(a)
        return a

    @property
    def scenarios_right(self) -> int:
        return sum(a.all_right for a in self.attempts)

    @property
    def lines_right(self) -> int:
        return sum(a.right for a in self.attempts)

    @property
    def lines_possible(self) -> int:
        return sum(a.expected + a.extra for a in self.attempts)

    @property
    def percent(self) -> int:
        p = self.lines_possible
        return round(100 * self.lines_right / p) if p else 0

    def summary(self) -> str:
        if not self.attempts:
            return "No answers yet this session."
        n = len(self.attempts)
        return (f"{self.scenarios_right} of {n} scenario{'s' * (n != 1)} fully right; "
                f"{self.lines_right} of {self.lines_possible} lines right ({self.percent}%)")

    CSV_FIELDS = ("when", "scenario_id", "title", "lines_right", "lines_expected",
                  "extra_lines", "missing_lines", "percent", "all_right", "entered")

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.CSV_FIELDS)
        for a in self.attempts:
            w.writerow([a.when, a.scenario_id, a.title, a.right, a.expected, a.extra,
                        a.missing, a.percent, "yes" if a.all_right else "no",
                        "; ".join(a.entered)])
        return buf.getvalue()

    def to_json(self) -> dict:
        return {"format": SCORES_FORMAT, "version": 1, "trainee": self.trainee,
                "started": self.started,
                "totals": {"attempts": len(self.attempts),
                           "scenarios_right": self.scenarios_right,
                           "lines_right": self.lines_right,
                           "lines_possible": self.lines_possible, "percent": self.percent},
                "attempts": [{"when": a.when, "scenario_id": a.scenario_id, "title": a.title,
                              "lines_right": a.right, "lines_expected": a.expected,
                              "extra_lines": a.extra, "missing_lines": a.missing,
                              "percent": a.percent, "all_right": a.all_right,
                              "entered": list(a.entered)} for a in self.attempts]}


# -- the walk-through ---------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One step of the engine's decision as practice and presentation show it."""
    kind: str                      # encounter | line | not_reported | warnings | claim
    title: str
    points: tuple[str, ...]
    sources: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()    # the codes the step is about (the family map shows them)


_LIMB = {"right_arm": "right arm", "left_arm": "left arm", "right_leg": "right leg",
         "left_leg": "left leg"}
_DISTINCT = {None: "no distinct-service answer", "separate_encounter": "a separate encounter",
             "separate_structure": "a separate structure",
             "separate_practitioner": "a separate practitioner",
             "unusual_non_overlapping": "unusual, non-overlapping"}
_SIDE = {"left": "left side", "right": "right side", "both": "both sides"}


def describe_service(s: Mapping) -> str:
    """A service of the encounter's JSON form in plain words."""
    kind = s.get("kind")
    n = s.get("muscles")
    if kind == "extremity":
        return f"Extremity: {_LIMB.get(s.get('limb'), s.get('limb'))}, {n} muscle{'s' * (n != 1)}"
    if kind == "trunk":
        return f"Trunk: {n} muscle{'s' * (n != 1)}"
    if kind in ("neck", "facial", "larynx"):
        what = {"neck": "Neck muscles", "facial": "Facial-nerve muscles (eyelids, face)",
                "larynx": "Larynx"}[kind]
        return f"{what}: {_SIDE.get(s.get('side'), s.get('side'))}"
    if kind == "migraine":
        side = s.get("side")
        return "Chronic migraine protocol" + (f" ({_SIDE.get(side, side)} only)" if side else "")
    if kind == "neurolysis":
        return f"Nerve destruction (neurolysis): {s.get('nerves')} nerve(s), " \
               f"{_SIDE.get(s.get('side'), s.get('side'))}"
    if kind == "guidance":
        return "Guidance: " + {"needle_emg": "needle EMG",
                               "electrical_stimulation": "electrical stimulation"}.get(
            s.get("method"), str(s.get("method")))
    if kind == "diagnostic_emg":
        extra = f", {_DISTINCT.get(s.get('distinct'), s.get('distinct'))}" \
            if s.get("distinct") else ""
        return f"Diagnostic needle EMG {s.get('code')}{extra}"
    if kind == "em_visit":
        sig = "significant and separately identifiable" if s.get("significant_separate") \
            else "not significant and separate"
        return f"E/M visit {s.get('code')}: {sig}"
    if kind == "other_procedure":
        units = s.get("units", 1)
        return f"Other procedure {s.get('code')}" + (f" x {units}" if units != 1 else "") + \
            f": {_DISTINCT.get(s.get('distinct'), s.get('distinct'))}"
    if kind == "drug":
        return f"Drug {s.get('code')}: {s.get('amount_administered'):g} units given, " \
               f"{s.get('amount_discarded'):g} discarded"
    return str(kind)


def describe_payer(payer) -> str:
    if isinstance(payer, Mapping):
        return f"{payer.get('name')} (own profile)"
    return str(payer)


def walkthrough(scenario: Scenario, decision: Decision) -> list[Step]:
    """The decision step by step: the encounter, each claim line with its reasons, each
    code not reported and why, the warnings, then the whole claim."""
    enc = scenario.encounter
    steps = [Step("encounter", "What was done",
                  (f"Date of service {enc.get('date_of_service')}; setting "
                   f"{str(enc.get('setting')).replace('_', ' ')}; payer "
                   f"{decision.payer.name}",)
                  + tuple(describe_service(s) for s in enc.get("services", [])))]
    for n, ln in enumerate(decision.lines, 1):
        entry = ClaimEntry(ln.code, tuple(ln.modifiers), ln.units)
        steps.append(Step("line", f"Line {n}: {entry.label()}", tuple(ln.reasons),
                          tuple(ln.sources), (ln.code,)))
    for nr in decision.not_reported:
        steps.append(Step("not_reported", f"Not reported: {nr.code}", (nr.reason,),
                          tuple(nr.sources), (nr.code,)))
    if decision.warnings:
        steps.append(Step("warnings", "Check before billing",
                          tuple(f"{w.topic}: {w.text}" for w in decision.warnings),
                          tuple(dict.fromkeys(s for w in decision.warnings for s in w.sources))))
    steps.append(Step("claim", "The claim",
                      tuple(f"{n}. {c}{'-' + '-'.join(m) if m else ''}  x {u}"
                            for n, (c, m, u) in enumerate(decision.claim(), 1)),
                      (), tuple(dict.fromkeys(ln.code for ln in decision.lines))))
    return steps
