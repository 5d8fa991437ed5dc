"""The scenario form: trainers write their own scenarios, kept in the user database.

The encounter is built by picking services (a kind, then only the fields of that kind);
the expected lines are computed by the engine or typed by the trainer. Saving validates
the whole scenario with rules.training: a problem is shown with its place and nothing
is saved. Pitfalls are kept as they were (they are written in scenario files).
"""

from __future__ import annotations

import json
import re

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog,
                               QDialogButtonBox, QDoubleSpinBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QPlainTextEdit, QPushButton, QSpinBox, QStackedWidget,
                               QTableView, QVBoxLayout, QWidget)

from rules import kinds as K
from rules import training as T
from rules.encounter import InvalidEncounter
from ui.training_models import ClaimTableModel

KIND_LABELS = {"extremity": "Extremity (arm or leg)", "trunk": "Trunk muscles",
               "neck": "Neck muscles (cervical dystonia)",
               "facial": "Facial-nerve muscles (blepharospasm, hemifacial spasm)",
               "larynx": "Larynx", "migraine": "Chronic migraine protocol",
               "neurolysis": "Nerve destruction (neurolysis)", "guidance": "Guidance",
               "diagnostic_emg": "Diagnostic needle EMG", "em_visit": "E/M visit",
               "other_procedure": "Other procedure (e.g. trigger points)",
               "drug": "Drug (botulinum toxin)"}
DISTINCT_LABELS = {None: "not distinct (or not documented)",
                   "separate_encounter": "separate encounter",
                   "separate_structure": "separate structure or site",
                   "separate_practitioner": "separate practitioner",
                   "unusual_non_overlapping": "unusual, non-overlapping"}
_POINT = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]\s*$")


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (s[:64].rstrip("-") or "my-scenario") if len(s) >= 2 else "my-scenario"


def parse_points(text: str) -> list[dict]:
    """Teaching points typed one per line as "text [source-id, source-id]"."""
    out = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•* ").strip()
        if not line:
            continue
        m = _POINT.match(line)
        if m:
            out.append({"text": m.group(1).strip(),
                        "sources": [s.strip() for s in m.group(2).split(",") if s.strip()]})
        else:
            out.append({"text": line, "sources": []})
    return out


def points_text(points) -> str:
    return "\n".join(tp.text + (f" [{', '.join(tp.sources)}]" if tp.sources else "")
                     for tp in points)


class _Combo(QComboBox):
    def __init__(self, items: dict):
        super().__init__()
        for value, label in items.items():
            self.addItem(label, value)

    def value(self):
        return self.currentData()

    def set_value(self, value) -> None:
        i = self.findData(value)
        if i >= 0:
            self.setCurrentIndex(i)


class ServiceForm(QWidget):
    """A kind, then the fields of that kind; `service()` is its JSON form."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = _Combo(KIND_LABELS)
        self.kind.setAccessibleName("Kind of service")
        self.stack = QStackedWidget()
        self.fields: dict[str, dict[str, QWidget]] = {}
        sides = {"left": "left", "right": "right", "both": "both sides"}
        distinct = dict(DISTINCT_LABELS)
        for kind in K.KINDS:
            f: dict[str, QWidget] = {}
            if kind == "extremity":
                f["limb"] = _Combo({v: v.replace("_", " ") for v in K.LIMBS})
            if kind in ("extremity", "trunk"):
                f["muscles"] = self._spin(1, 40)
            if kind in ("neck", "facial", "larynx", "neurolysis"):
                f["side"] = _Combo(sides)
            if kind == "migraine":
                f["side"] = _Combo({None: "both (the protocol)", "left": "left only",
                                    "right": "right only"})
            if kind == "neurolysis":
                f["nerves"] = self._spin(1, 10)
            if kind == "guidance":
                f["method"] = _Combo({"needle_emg": "needle EMG (95874)",
                                      "electrical_stimulation": "electrical stimulation (95873)"})
            if kind == "diagnostic_emg":
                f["code"] = _Combo({c: c for c in K.DIAGNOSTIC_EMG_CODES})
                f["distinct"] = _Combo(distinct)
            if kind == "em_visit":
                f["code"] = _Combo({c: c for c in K.EM_CODES})
                f["significant_separate"] = QCheckBox("significant and separately identifiable")
            if kind == "other_procedure":
                f["code"] = QLineEdit()
                f["code"].setPlaceholderText("e.g. 20552")
                f["distinct"] = _Combo(distinct)
                f["units"] = self._spin(1, 99)
            if kind == "drug":
                f["code"] = _Combo({c: c for c in K.DRUG_CODES})
                f["amount_administered"] = self._amount()
                f["amount_discarded"] = self._amount()
                f["amount_discarded"].setMinimum(0)
            page = QWidget()
            form = QFormLayout(page)
            form.setContentsMargins(0, 0, 0, 0)
            for name, w in f.items():
                label = QLabel(name.replace("_", " ").capitalize() + ":")
                label.setBuddy(w)
                w.setAccessibleName(name.replace("_", " "))
                form.addRow(label, w)
            self.fields[kind] = f
            self.stack.addWidget(page)
        self.kind.currentIndexChanged.connect(self.stack.setCurrentIndex)
        lay = QFormLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        kl = QLabel("&Kind:")
        kl.setBuddy(self.kind)
        lay.addRow(kl, self.kind)
        lay.addRow(self.stack)

    @staticmethod
    def _spin(lo: int, hi: int) -> QSpinBox:
        s = QSpinBox()
        s.setRange(lo, hi)
        return s

    @staticmethod
    def _amount() -> QDoubleSpinBox:
        s = QDoubleSpinBox()
        s.setRange(0.1, 100000)
        s.setDecimals(1)
        s.setValue(100)
        return s

    def set_kind(self, kind: str) -> None:
        self.kind.set_value(kind)

    def widget(self, name: str) -> QWidget:
        return self.fields[self.kind.value()][name]

    def service(self) -> dict:
        kind = self.kind.value()
        out: dict = {"kind": kind}
        for name, w in self.fields[kind].items():
            if isinstance(w, _Combo):
                value = w.value()
                if kind == "migraine" and value is None:
                    continue
                out[name] = value
            elif isinstance(w, QCheckBox):
                out[name] = w.isChecked()
            elif isinstance(w, QSpinBox):
                out[name] = w.value()
            elif isinstance(w, QDoubleSpinBox):
                v = w.value()
                out[name] = int(v) if v == int(v) else v
            elif isinstance(w, QLineEdit):
                out[name] = w.text().strip().upper()
        return out


class ScenarioEditor(QDialog):
    """Write a new scenario, or edit one of the user's (a shipped one is copied)."""

    saved = Signal(str)            # the id of the scenario saved

    def __init__(self, reference, userdata, scenario: T.Scenario | None = None,
                 shipped_ids=(), parent=None):
        super().__init__(parent)
        self.ref, self.user = reference, userdata
        self.shipped_ids = set(shipped_ids)
        self.original_id = scenario.id if scenario is not None and scenario.origin == "user" \
            else None
        self.pitfalls = list(scenario.pitfalls) if scenario is not None else []
        self.services: list[dict] = []
        self._engine_answer: tuple | None = None
        self._id_edited = False
        self.setWindowTitle("Edit scenario" if self.original_id else "New scenario")
        self._build()
        if scenario is not None:
            self.load(scenario, copy=self.original_id is None)
        self.resize(980, 860)

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLineEdit()
        self.id = QLineEdit()
        self.id.setPlaceholderText("lower-case letters, digits and hyphens")
        self.author = QLineEdit()
        self.topics = QLineEdit()
        self.topics.setPlaceholderText("comma-separated, e.g. extremity, guidance")
        self.vignette = QPlainTextEdit()
        self.vignette.setPlaceholderText("The case in plain words, as a trainee reads it.")
        self.title.textEdited.connect(self._title_edited)
        self.id.textEdited.connect(lambda _t: setattr(self, "_id_edited", True))

        self.date = QDateEdit(QDate(2024, 8, 15))
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        self.setting = _Combo({s: s.replace("_", " ") for s in K.SETTINGS})
        payers = {p.id: f"{p.name} ({p.id})" for p in self.ref.payers()}
        for pid, prof in (self.user.payer_profiles() if self.user else {}).items():
            payers.setdefault(pid, f"{prof.get('name', pid)} ({pid}, yours)")
        self.payer = _Combo(payers)
        self.payer.set_value("medicare")

        self.service_form = ServiceForm()
        self.service_list = QListWidget()
        self.service_list.setAccessibleName("Services of the encounter")
        self.btn_add_service = QPushButton("&Add service")
        self.btn_remove_service = QPushButton("Re&move service")
        self.btn_add_service.clicked.connect(self.add_service)
        self.btn_remove_service.clicked.connect(self.remove_service)

        self.expected = ClaimTableModel(self, graded=False)
        self.expected.set_rows([])
        self.expected_view = QTableView()
        self.expected_view.setModel(self.expected)
        self.expected_view.setAccessibleName("Expected claim lines")
        self.expected_view.setEditTriggers(QAbstractItemView.AnyKeyPressed
                                           | QAbstractItemView.DoubleClicked
                                           | QAbstractItemView.EditKeyPressed)
        self.expected_view.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.btn_compute = QPushButton("&Compute with the engine")
        self.btn_compute.clicked.connect(self.compute)
        self.btn_add_line = QPushButton("Add &line")
        self.btn_add_line.clicked.connect(lambda: self.expected.add_row())
        self.btn_remove_line = QPushButton("Remove li&ne")
        self.btn_remove_line.clicked.connect(self._remove_line)
        self.not_reported = QLineEdit()
        self.not_reported.setPlaceholderText("codes separated by spaces, e.g. 95873")
        self.points = QPlainTextEdit()
        self.points.setPlaceholderText("One per line: the point in your words "
                                       "[source-id, source-id]")

        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        self.problems.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.problems.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        about = QFormLayout()
        for text, w in (("&Title:", self.title), ("&Id:", self.id), ("A&uthor:", self.author),
                        ("To&pics:", self.topics), ("&Vignette:", self.vignette)):
            lab = QLabel(text)
            lab.setBuddy(w)
            about.addRow(lab, w)
        enc = QGroupBox("The encounter")
        el = QVBoxLayout(enc)
        top = QHBoxLayout()
        for text, w in (("&Date of service:", self.date), ("Settin&g:", self.setting),
                        ("Pa&yer:", self.payer)):
            lab = QLabel(text)
            lab.setBuddy(w)
            top.addWidget(lab)
            top.addWidget(w)
        top.addStretch()
        el.addLayout(top)
        row = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.service_form)
        left.addWidget(self.btn_add_service)
        left.addStretch()
        right = QVBoxLayout()
        right.addWidget(self.service_list)
        right.addWidget(self.btn_remove_service)
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        el.addLayout(row)

        exp = QGroupBox("The expected answer")
        xl = QVBoxLayout(exp)
        xl.addWidget(self.expected_view)
        br = QHBoxLayout()
        for b in (self.btn_compute, self.btn_add_line, self.btn_remove_line):
            br.addWidget(b)
        br.addStretch()
        xl.addLayout(br)
        nrl = QLabel("Not &reported:")
        nrl.setBuddy(self.not_reported)
        nr = QHBoxLayout()
        nr.addWidget(nrl)
        nr.addWidget(self.not_reported, 1)
        xl.addLayout(nr)
        pl = QLabel("Teaching p&oints (one per line, sources in brackets):")
        pl.setBuddy(self.points)
        xl.addWidget(pl)
        xl.addWidget(self.points)

        lay = QVBoxLayout(self)
        lay.addLayout(about)
        lay.addWidget(enc)
        lay.addWidget(exp)
        lay.addWidget(self.problems)
        lay.addWidget(self.buttons)

    def _title_edited(self, text: str) -> None:
        if not self._id_edited and self.original_id is None:
            self.id.setText(slug(text))

    # -- content -----------------------------------------------------------------------------

    def load(self, s: T.Scenario, copy: bool = False) -> None:
        self.title.setText(s.title + (" (copy)" if copy else ""))
        self.id.setText(f"{s.id}-copy" if copy else s.id)
        self._id_edited = True
        self.author.setText(s.author)
        self.topics.setText(", ".join(s.topics))
        self.vignette.setPlainText(s.vignette)
        enc = s.encounter
        self.date.setDate(QDate.fromString(enc.get("date_of_service", ""), "yyyy-MM-dd"))
        self.setting.set_value(enc.get("setting"))
        payer = enc.get("payer")
        if isinstance(payer, str):
            self.payer.set_value(payer)
        else:
            self.inline_payer = payer
            self.payer.insertItem(0, f"{payer.get('name')} (in the scenario)", "__inline__")
            self.payer.setCurrentIndex(0)
        self.services = [dict(sv) for sv in enc.get("services", [])]
        self._refresh_services()
        self.expected.set_entries(s.lines)
        self.not_reported.setText(" ".join(s.not_reported))
        self.points.setPlainText(points_text(s.teaching_points))
        if s.computed_by == "engine":
            self._engine_answer = (json.dumps(self.encounter(), sort_keys=True),
                                   self.expected.rows())

    def _refresh_services(self) -> None:
        self.service_list.clear()
        for sv in self.services:
            self.service_list.addItem(T.describe_service(sv))

    def add_service(self) -> dict:
        sv = self.service_form.service()
        self.services.append(sv)
        self._refresh_services()
        self.service_list.setCurrentRow(len(self.services) - 1)
        return sv

    def remove_service(self) -> None:
        row = self.service_list.currentRow()
        if 0 <= row < len(self.services):
            del self.services[row]
            self._refresh_services()

    def _remove_line(self) -> None:
        row = self.expected_view.currentIndex().row()
        if row < 0:
            row = self.expected.rowCount() - 1
        if row >= 0:
            self.expected.removeRows(row, 1)

    def encounter(self) -> dict:
        payer = self.payer.value()
        if payer == "__inline__":
            payer = self.inline_payer
        return {"date_of_service": self.date.date().toString("yyyy-MM-dd"),
                "setting": self.setting.value(), "payer": payer,
                "services": [dict(s) for s in self.services]}

    def compute(self) -> bool:
        """Fill the expected lines and the codes not reported from the engine's decision."""
        try:
            decision = T.decide_encounter(self.encounter(), self.ref,
                                          self.user.payer_profiles() if self.user else None)
        except InvalidEncounter as exc:
            self._show(["The engine cannot decide this encounter:"]
                       + [f"encounter.{p}" for p in exc.problems])
            return False
        lines, nr = T.expected_from_decision(decision)
        self.expected.set_entries(lines)
        self.not_reported.setText(" ".join(nr))
        self._engine_answer = (json.dumps(self.encounter(), sort_keys=True),
                               self.expected.rows())
        self._show([])
        return True

    def scenario_json(self) -> dict:
        """The scenario as the form holds it (not yet validated)."""
        lines = []
        for code, mods, units in self.expected.rows():
            if not (code or mods or units.strip() not in ("", "1")):
                continue
            u = units.strip() or "1"
            lines.append({"code": code, "modifiers": [m for m in re.split(r"[\s,\-]+", mods) if m],
                          "units": int(u) if u.isdigit() else u})
        engine = self._engine_answer == (json.dumps(self.encounter(), sort_keys=True),
                                         self.expected.rows())
        out = {"id": self.id.text().strip(), "title": self.title.text().strip(),
               "vignette": self.vignette.toPlainText().strip(),
               "topics": [t.strip() for t in self.topics.text().split(",") if t.strip()],
               "encounter": self.encounter(),
               "expected": {"lines": lines, "not_reported": self.not_reported.text().split(),
                            "computed_by": "engine" if engine else "trainer"},
               "teaching_points": parse_points(self.points.toPlainText()),
               "pitfalls": [{"code": p.code, "modifiers": list(p.modifiers), "why": p.why,
                             "sources": list(p.sources)} for p in self.pitfalls]}
        if self.author.text().strip():
            out["author"] = self.author.text().strip()
        return out

    def save(self) -> bool:
        data = self.scenario_json()
        sid = data["id"]
        problems = []
        if sid in self.shipped_ids:
            problems.append(f"scenario.id: {sid!r} is the id of a shipped scenario; choose "
                            "another")
        elif sid != self.original_id and self.user is not None and sid in self.user.scenarios():
            problems.append(f"scenario.id: you already have a scenario {sid!r}; choose another")
        payer_ids = {p.id for p in self.ref.payers()} | set(
            self.user.payer_profiles() if self.user else {})
        try:
            T.scenario_from_json(data, self.ref, payer_ids)
        except T.InvalidScenario as exc:
            problems += list(exc.problems)
        if problems:
            self._show(["Not saved:"] + problems)
            return False
        if self.original_id and self.original_id != sid:
            self.user.delete_scenario(self.original_id)
        self.user.save_scenario(sid, data)
        self.saved.emit(sid)
        self.accept()
        return True

    def _show(self, lines: list[str]) -> None:
        self.problems.setText("\n".join(lines))
        self.problems.setVisible(bool(lines))
