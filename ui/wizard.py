"""The modifier decision wizard: from what was done in an encounter to claim lines.

The pages only collect answers; which pages are asked comes from rules.questions and
every decision comes from rules.engine. The result page shows the claim lines, each
line's reasons and sources, what is not reported and why, and the warnings; it
prints, saves as PDF, copies as text and exports CSV. Each decision is kept in the
user's history (UserData.save_decision) and can be reopened.
"""

from __future__ import annotations

import csv
import html
import io
import logging
from enum import IntEnum

from PySide6.QtCore import QDate, QMarginsF, Qt, Signal
from PySide6.QtGui import (QGuiApplication, QKeySequence, QPageLayout, QPageSize,
                           QStandardItem, QStandardItemModel, QTextDocument)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QComboBox,
                               QDateEdit, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFileDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QListWidget, QListWidgetItem,
                               QMessageBox, QPushButton, QRadioButton, QSpinBox, QSplitter,
                               QTableView, QTextBrowser, QVBoxLayout, QWidget, QWizard,
                               QWizardPage)

from rules import kinds as K
from rules.encounter import InvalidEncounter, parse_encounter
from rules.engine import decide
from rules.questions import asks_drugs, asks_guidance, services_for_code

log = logging.getLogger("codedesk.ui.wizard")

LIMB_LABELS = {"right_arm": "Right &arm", "left_arm": "&Left arm",
               "right_leg": "Right le&g", "left_leg": "Left l&eg"}
SIDE_LABELS = {"left": "Left", "right": "Right", "both": "Both sides"}
DISTINCT_LABELS = {None: "Not distinct (same site, same session)",
                   "separate_encounter": "Separate encounter the same day (XE)",
                   "separate_structure": "Separate site or structure (XS)",
                   "separate_practitioner": "Separate practitioner (XP)",
                   "unusual_non_overlapping": "Unusual, non-overlapping service (XU)"}
OTHER_PROCEDURES = ("96372", "20552", "20553", "64400", "64450", "76942")


class Page(IntEnum):
    SETTING = 0
    INJECTIONS = 1
    GUIDANCE = 2
    OTHER = 3
    DRUGS = 4
    RESULT = 5


def _code_label(reference, code: str) -> str:
    return f"{code}  {reference.title(code) or ''}".strip()


# -- pages ------------------------------------------------------------------------------

class SettingPage(QWizardPage):
    def __init__(self, reference, userdata):
        super().__init__()
        self.setTitle("Setting and payer")
        self.setSubTitle("When, where and for whom: these choose the CMS tables and the "
                         "payer's rules for bilateral lines and distinct-service modifiers.")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.setting = QComboBox()
        self.setting.addItem("Practitioner (office or professional claim)", "practitioner")
        self.setting.addItem("Outpatient hospital (facility claim)", "outpatient_hospital")
        self.payer = QComboBox()
        for p in reference.payers():
            flag = "" if p.verified else "  (verify with the payer)"
            self.payer.addItem(p.name + flag, p.id)
        for pid, prof in sorted(userdata.payer_profiles().items()):
            self.payer.addItem(f"{prof.get('name', pid)}  (your profile)", pid)
        self.payer_note = QLabel()
        self.payer_note.setWordWrap(True)
        self.payer.currentIndexChanged.connect(lambda _i: self._show_payer(reference, userdata))
        form = QFormLayout(self)
        for label, widget in (("Date of &service:", self.date), ("Se&tting:", self.setting),
                              ("&Payer:", self.payer)):
            lab = QLabel(label)
            lab.setBuddy(widget)
            form.addRow(lab, widget)
        form.addRow("", self.payer_note)
        self._show_payer(reference, userdata)

    def _show_payer(self, reference, userdata) -> None:
        pid = self.payer.currentData()
        p = reference.payer(pid) if pid else None
        if p is None:
            prof = userdata.payer_profiles().get(pid, {})
            fmt = prof.get("bilateral_format", "unknown")
            x = prof.get("accepts_x_modifiers")
            self.payer_note.setText(f"Your own profile: bilateral format {fmt}; X modifiers "
                                    f"{'accepted' if x else 'not accepted' if x is False else 'not known'}.")
            return
        x = {True: "accepted", False: "not accepted (59 instead)",
             None: "not known: verify with the payer"}[p.accepts_x_modifiers]
        self.payer_note.setText(f"Bilateral lines: {p.bilateral_format.replace('_', ' ')}; "
                                f"X modifiers {x}. {p.note or ''}")


class InjectionsPage(QWizardPage):
    """The body-region picker: each region a toggle laid out like the body (patient's
    right on the viewer's left), with the count or side it needs beside it."""

    def __init__(self):
        super().__init__()
        self.setTitle("What was injected where")
        self.setSubTitle("Choose every region treated in this session (at least one). Count "
                         "muscles, not injection sites or units of toxin.")
        grid = QGridLayout()
        for col, text in ((0, "Patient's right"), (2, "Patient's left")):
            head = QLabel(f"<b>{text}</b>")
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, 4, col)
        self.limbs: dict[str, tuple[QCheckBox, QSpinBox]] = {}
        positions = {"right_arm": (2, 0), "left_arm": (2, 2), "right_leg": (3, 0),
                     "left_leg": (3, 2)}
        for limb, (row, col) in positions.items():
            box = QCheckBox(LIMB_LABELS[limb])
            spin = self._muscles(f"Muscles injected in the {limb.replace('_', ' ')}")
            box.toggled.connect(spin.setEnabled)
            box.toggled.connect(self.completeChanged)
            self.limbs[limb] = (box, spin)
            grid.addWidget(self._region(box, spin), row, col)
        self.trunk = QCheckBox("&Trunk")
        self.trunk_muscles = self._muscles("Trunk muscles injected")
        self.trunk.toggled.connect(self.trunk_muscles.setEnabled)
        self.trunk.toggled.connect(self.completeChanged)
        grid.addWidget(self._region(self.trunk, self.trunk_muscles), 2, 1)
        self.sides: dict[str, tuple[QCheckBox, QCheckBox]] = {}
        for row, (kind, label) in enumerate((("facial", "&Face (facial nerve)"),
                                              ("neck", "&Neck"), ("larynx", "La&rynx"))):
            right, left = QCheckBox("right"), QCheckBox("left")
            for box in (right, left):
                box.toggled.connect(self.completeChanged)
                box.setAccessibleName(f"{label.replace('&', '')}, {box.text()} side")
            group = QGroupBox(label)
            lay = QHBoxLayout(group)
            lay.addWidget(right)
            lay.addWidget(left)
            self.sides[kind] = (right, left)
            grid.addWidget(group, row if kind != "larynx" else 1, 1 if kind != "larynx" else 2)
        self.migraine = QCheckBox("Chronic &migraine protocol (head and neck, both sides)")
        self.migraine.toggled.connect(self.completeChanged)
        grid.addWidget(self.migraine, 0, 0)
        self.neurolysis = QCheckBox("Ne&urolysis of a peripheral nerve")
        self.nerves = QSpinBox()
        self.nerves.setRange(1, 10)
        self.nerves.setEnabled(False)
        self.nerves.setAccessibleName("Nerves treated")
        self.neuro_side = QComboBox()
        for side, label in SIDE_LABELS.items():
            self.neuro_side.addItem(label, side)
        self.neuro_side.setEnabled(False)
        self.neuro_side.setAccessibleName("Side of the neurolysis")
        self.neurolysis.toggled.connect(self.nerves.setEnabled)
        self.neurolysis.toggled.connect(self.neuro_side.setEnabled)
        self.neurolysis.toggled.connect(self.completeChanged)
        neuro = QWidget()
        lay = QHBoxLayout(neuro)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.neurolysis)
        lay.addWidget(QLabel("nerves:"))
        lay.addWidget(self.nerves)
        lay.addWidget(self.neuro_side)
        lay.addStretch()
        outer = QVBoxLayout(self)
        outer.addLayout(grid)
        outer.addWidget(neuro)
        outer.addStretch()

    @staticmethod
    def _muscles(name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1, 30)
        spin.setSuffix(" muscles")
        spin.setEnabled(False)
        spin.setAccessibleName(name)
        return spin

    @staticmethod
    def _region(box: QCheckBox, spin: QSpinBox) -> QWidget:
        w = QGroupBox()
        lay = QHBoxLayout(w)
        lay.addWidget(box)
        lay.addWidget(spin)
        return w

    def isComplete(self) -> bool:  # noqa: N802 (Qt's name)
        return bool(self.services())

    def services(self) -> list[dict]:
        out: list[dict] = []
        for limb, (box, spin) in self.limbs.items():
            if box.isChecked():
                out.append({"kind": "extremity", "limb": limb, "muscles": spin.value()})
        if self.trunk.isChecked():
            out.append({"kind": "trunk", "muscles": self.trunk_muscles.value()})
        for kind, (right, left) in self.sides.items():
            if right.isChecked() or left.isChecked():
                side = ("both" if right.isChecked() and left.isChecked()
                        else "right" if right.isChecked() else "left")
                out.append({"kind": kind, "side": side})
        if self.migraine.isChecked():
            out.append({"kind": "migraine"})
        if self.neurolysis.isChecked():
            out.append({"kind": "neurolysis", "nerves": self.nerves.value(),
                        "side": self.neuro_side.currentData()})
        return out

    def load(self, services: list[dict]) -> None:
        for s in services:
            kind = s.get("kind")
            if kind == "extremity" and s.get("limb") in self.limbs:
                box, spin = self.limbs[s["limb"]]
                box.setChecked(True)
                spin.setValue(int(s.get("muscles", 1)))
            elif kind == "trunk":
                self.trunk.setChecked(True)
                self.trunk_muscles.setValue(int(s.get("muscles", 1)))
            elif kind in self.sides:
                right, left = self.sides[kind]
                right.setChecked(s.get("side") in ("right", "both"))
                left.setChecked(s.get("side") in ("left", "both"))
            elif kind == "migraine":
                self.migraine.setChecked(True)
            elif kind == "neurolysis":
                self.neurolysis.setChecked(True)
                self.nerves.setValue(int(s.get("nerves", 1)))
                self.neuro_side.setCurrentIndex(max(0, self.neuro_side.findData(s.get("side"))))


class GuidancePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("Guidance")
        self.setSubTitle("How were the muscles located? Guidance is one add-on per session "
                         "(95873 or 95874, never both).")
        self.group = QButtonGroup(self)
        lay = QVBoxLayout(self)
        for i, (method, label) in enumerate(((None, "&No guidance (or ultrasound only)"),
                                              ("needle_emg", "Needle &EMG guidance (95874)"),
                                              ("electrical_stimulation",
                                               "Electrical &stimulation guidance (95873)"))):
            button = QRadioButton(label)
            button.setProperty("method", method)
            self.group.addButton(button, i)
            lay.addWidget(button)
        self.group.button(0).setChecked(True)
        lay.addStretch()

    def services(self) -> list[dict]:
        method = self.group.checkedButton().property("method")
        return [{"kind": "guidance", "method": method}] if method else []

    def load(self, services: list[dict]) -> None:
        for s in services:
            if s.get("kind") == "guidance":
                for b in self.group.buttons():
                    b.setChecked(b.property("method") == s.get("method"))


class OtherPage(QWizardPage):
    def __init__(self, reference):
        super().__init__()
        self.setTitle("Other services the same day")
        self.setSubTitle("Diagnostic EMG, an office visit, or another procedure on the same "
                         "date of service.")
        self.emg = QComboBox()
        self.emg.addItem("None", None)
        for code in K.DIAGNOSTIC_EMG_CODES:
            self.emg.addItem(_code_label(reference, code), code)
        self.em = QComboBox()
        self.em.addItem("None", None)
        for code in K.EM_CODES:
            self.em.addItem(_code_label(reference, code), code)
        self.em_separate = QCheckBox("Significant and separately &identifiable from the "
                                     "injection (documented)")
        self.other = QComboBox()
        self.other.addItem("None", None)
        for code in OTHER_PROCEDURES:
            self.other.addItem(_code_label(reference, code), code)
        self.distinct = QComboBox()
        for value, label in DISTINCT_LABELS.items():
            self.distinct.addItem(label, value)
        for combo in (self.emg, self.em, self.other):
            combo.currentIndexChanged.connect(self.completeChanged)
        form = QFormLayout(self)
        for label, widget in (("&Diagnostic needle EMG:", self.emg),
                              ("&Office visit (E/M):", self.em), ("", self.em_separate),
                              ("Other p&rocedure:", self.other),
                              ("How it was &distinct:", self.distinct)):
            lab = QLabel(label)
            lab.setBuddy(widget)
            form.addRow(lab, widget)

    def services(self) -> list[dict]:
        out: list[dict] = []
        if self.emg.currentData():
            out.append({"kind": "diagnostic_emg", "code": self.emg.currentData()})
        if self.em.currentData():
            out.append({"kind": "em_visit", "code": self.em.currentData(),
                        "significant_separate": self.em_separate.isChecked()})
        if self.other.currentData():
            out.append({"kind": "other_procedure", "code": self.other.currentData(),
                        "distinct": self.distinct.currentData()})
        return out

    def load(self, services: list[dict]) -> None:
        for s in services:
            kind = s.get("kind")
            if kind == "diagnostic_emg":
                self.emg.setCurrentIndex(max(0, self.emg.findData(s.get("code"))))
            elif kind == "em_visit":
                self.em.setCurrentIndex(max(0, self.em.findData(s.get("code"))))
                self.em_separate.setChecked(bool(s.get("significant_separate")))
            elif kind == "other_procedure":
                self.other.setCurrentIndex(max(0, self.other.findData(s.get("code"))))
                self.distinct.setCurrentIndex(max(0, self.distinct.findData(s.get("distinct"))))


class DrugsPage(QWizardPage):
    def __init__(self, reference):
        super().__init__()
        self.setTitle("Toxin supplied")
        self.setSubTitle("The drug the practice supplied, in units of toxin: CodeDesk converts "
                         "them to billing units and adds the JW or JZ line.")
        self.drug = QComboBox()
        self.drug.addItem("None (the drug was not supplied by the practice)", None)
        for code in K.DRUG_CODES:
            page = reference.lookup(code)
            brands = f" ({page.brands})" if page and page.brands else ""
            self.drug.addItem(f"{code}  {reference.title(code)}{brands}", code)
        self.given = QDoubleSpinBox()
        self.given.setRange(0, 10_000)
        self.given.setDecimals(1)
        self.given.setSuffix(" units injected")
        self.wasted = QDoubleSpinBox()
        self.wasted.setRange(0, 10_000)
        self.wasted.setDecimals(1)
        self.wasted.setSuffix(" units discarded")
        form = QFormLayout(self)
        for label, widget in (("&Drug:", self.drug), ("Amount &injected:", self.given),
                              ("Amount dis&carded:", self.wasted)):
            lab = QLabel(label)
            lab.setBuddy(widget)
            form.addRow(lab, widget)

    def services(self) -> list[dict]:
        if not self.drug.currentData():
            return []
        return [{"kind": "drug", "code": self.drug.currentData(),
                 "amount_administered": self.given.value(),
                 "amount_discarded": self.wasted.value()}]

    def load(self, services: list[dict]) -> None:
        for s in services:
            if s.get("kind") == "drug":
                self.drug.setCurrentIndex(max(0, self.drug.findData(s.get("code"))))
                self.given.setValue(float(s.get("amount_administered", 0)))
                self.wasted.setValue(float(s.get("amount_discarded", 0)))


class ResultPage(QWizardPage):
    decided = Signal(object)

    def __init__(self, reference, userdata):
        super().__init__()
        self.reference, self.userdata = reference, userdata
        self.setTitle("Claim lines")
        self.setSubTitle("Every line with its reasons and sources; what is not reported and "
                         "why; what to check.")
        self.decision = None
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Code", "Modifiers", "Units"])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Claim lines")
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setAccessibleName("Reasons, sources and warnings")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setSizes([160, 340])
        buttons = QHBoxLayout()
        self.actions = {}
        for key, label, shortcut, slot in (
                ("copy", "&Copy as text", "Ctrl+Shift+C", self.copy_text),
                ("csv", "Export C&SV...", "Ctrl+E", self.export_csv),
                ("pdf", "Save as P&DF...", "Ctrl+Shift+S", self.save_pdf),
                ("print", "P&rint...", QKeySequence.StandardKey.Print, self.print_)):
            b = QPushButton(label)
            b.setShortcut(QKeySequence(shortcut))
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.actions[key] = b
        buttons.addStretch()
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        lay.addLayout(buttons)

    def initializePage(self) -> None:  # noqa: N802 (Qt's name)
        self.show_encounter(self.wizard().encounter(), save=True)

    def show_encounter(self, encounter: dict, save: bool) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.decision = None
        try:
            enc = parse_encounter(encounter)
            self.decision = decide(enc, self.reference, self.userdata.payer_profiles())
        except InvalidEncounter as exc:
            self.details.setHtml("<h3>The encounter cannot be decided</h3><ul>"
                                 + "".join(f"<li>{html.escape(p)}</li>" for p in exc.problems)
                                 + "</ul><p>Go back and correct the answers.</p>")
            self._enable(False)
            return
        for ln in self.decision.lines:
            row = [QStandardItem(ln.code), QStandardItem("-".join(ln.modifiers)),
                   QStandardItem(str(ln.units))]
            self.model.appendRow(row)
        self.details.setHtml(decision_html(self.decision))
        self._enable(True)
        if save:
            codes = " ".join(ln.code for ln in self.decision.lines) or "no lines"
            title = f"{encounter['date_of_service']} · {self.decision.payer.name} · {codes}"
            self.userdata.save_decision(title, encounter, self.decision.to_json())
        self.decided.emit(self.decision)

    def _enable(self, on: bool) -> None:
        for b in self.actions.values():
            b.setEnabled(on)

    def copy_text(self) -> None:
        if self.decision:
            QGuiApplication.clipboard().setText(self.decision.to_text())

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "modifiers", "units", "reasons", "sources"])
        for ln in self.decision.lines:
            writer.writerow([ln.code, " ".join(ln.modifiers), ln.units, " | ".join(ln.reasons),
                             " ".join(ln.sources)])
        return out.getvalue()

    def export_csv(self) -> None:
        if not self.decision:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export claim lines", "claim-lines.csv",
                                              "CSV files (*.csv)")
        if path:
            self._write(path, lambda p: open(p, "w", encoding="utf-8", newline="").write(
                self.csv_text()))

    def _document(self) -> QTextDocument:
        doc = QTextDocument()
        doc.setHtml(decision_html(self.decision, printable=True))
        return doc

    def write_pdf(self, path: str) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.Letter),
                                          QPageLayout.Orientation.Portrait,
                                          QMarginsF(15, 15, 15, 15),
                                          QPageLayout.Unit.Millimeter))
        self._document().print_(printer)

    def save_pdf(self) -> None:
        if not self.decision:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save as PDF", "claim-lines.pdf",
                                              "PDF files (*.pdf)")
        if path:
            self._write(path, self.write_pdf)

    def print_(self) -> None:
        if not self.decision:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self._document().print_(printer)

    def _write(self, path: str, writer) -> None:
        try:
            writer(path)
        except OSError as exc:
            QMessageBox.warning(self, "Not saved", f"Could not write {path}:\n{exc.strerror}")


# -- the decision as HTML ------------------------------------------------------------------

def _sources(ids) -> str:
    return " ".join(f"<span class='src'>[{html.escape(s)}]</span>" for s in ids)


def decision_html(decision, printable: bool = False) -> str:
    """The whole decision for the result page, the PDF and the printer."""
    e = html.escape
    p = decision.payer
    parts = ["<style>td,th{padding:3px 8px;} .src{color:#666;} "
             "h3{margin-top:12px;} .warn{font-weight:bold;}</style>"]
    if printable:
        parts.append(f"<h2>CodeDesk modifier decision</h2><p>Date of service "
                     f"{e(decision.date_of_service)}, setting {e(decision.setting)}, payer "
                     f"{e(p.name)}.</p>")
        parts.append("<table border='1' cellspacing='0'><tr><th>Code</th><th>Modifiers</th>"
                     "<th>Units</th></tr>" + "".join(
                         f"<tr><td>{e(ln.code)}</td><td>{e('-'.join(ln.modifiers))}</td>"
                         f"<td>{ln.units}</td></tr>" for ln in decision.lines) + "</table>")
    parts.append("<h3>Why each line</h3>")
    if not decision.lines:
        parts.append("<p>No line can be reported for this encounter.</p>")
    for n, ln in enumerate(decision.lines, 1):
        mods = "-".join(ln.modifiers)
        parts.append(f"<p><b>{n}. {e(ln.code)}{(' ' + e(mods)) if mods else ''} × {ln.units}"
                     f"</b></p><ul>" + "".join(f"<li>{e(r)}</li>" for r in ln.reasons)
                     + f"</ul><p>Sources: {_sources(ln.sources)}</p>")
    if decision.not_reported:
        parts.append("<h3>Not reported</h3><ul>" + "".join(
            f"<li><b>{e(n.code)}</b>: {e(n.reason)} {_sources(n.sources)}</li>"
            for n in decision.not_reported) + "</ul>")
    if decision.warnings:
        parts.append("<h3>Check before you bill</h3><ul>" + "".join(
            f"<li><span class='warn'>{e(w.topic)}</span>: {e(w.text)} {_sources(w.sources)}</li>"
            for w in decision.warnings) + "</ul>")
    x = {True: "accepted", False: "not accepted", None: "not known"}[p.accepts_x_modifiers]
    parts.append(f"<h3>Payer</h3><p>{e(p.name)} ({e(p.origin)}): bilateral format "
                 f"{e(p.bilateral_format)}; X modifiers {x}.</p>")
    parts.append("<h3>Data releases used</h3><ul>" + "".join(
        f"<li>{e(r.label)} ({e(r.id)}, from {e(r.effective_from)})"
        f"{' [imported]' if r.imported else ''}</li>" for r in decision.releases) + "</ul>")
    return "".join(parts)


# -- the wizard ----------------------------------------------------------------------------

class ModifierWizard(QWizard):
    def __init__(self, reference, userdata, code: str | None = None,
                 encounter: dict | None = None, parent=None):
        super().__init__(parent)
        self.reference, self.userdata = reference, userdata
        self.setWindowTitle("Modifier wizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.HaveHelpButton, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.helpRequested.connect(self.show_help)
        self.pages = {
            Page.SETTING: SettingPage(reference, userdata),
            Page.INJECTIONS: InjectionsPage(),
            Page.GUIDANCE: GuidancePage(),
            Page.OTHER: OtherPage(reference),
            Page.DRUGS: DrugsPage(reference),
            Page.RESULT: ResultPage(reference, userdata),
        }
        for pid, page in self.pages.items():
            self.setPage(pid, page)
        self.history_button = QPushButton("&History...")
        self.setButton(QWizard.WizardButton.CustomButton1, self.history_button)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.customButtonClicked.connect(lambda _which: self.open_history())
        self.resize(860, 640)
        if encounter:
            self.load(encounter)
        elif code:
            self.load({"services": services_for_code(code)})

    def services(self) -> list[dict]:
        p = self.pages
        return (p[Page.INJECTIONS].services() + p[Page.GUIDANCE].services()
                + p[Page.OTHER].services() + p[Page.DRUGS].services())

    def encounter(self) -> dict:
        setting = self.pages[Page.SETTING]
        services = self.pages[Page.INJECTIONS].services()
        if asks_guidance(services):
            services += self.pages[Page.GUIDANCE].services()
        services += self.pages[Page.OTHER].services()
        if asks_drugs(services):
            services += self.pages[Page.DRUGS].services()
        return {"date_of_service": setting.date.date().toString("yyyy-MM-dd"),
                "setting": setting.setting.currentData(),
                "payer": setting.payer.currentData(), "services": services}

    def load(self, encounter: dict) -> None:
        setting = self.pages[Page.SETTING]
        if encounter.get("date_of_service"):
            setting.date.setDate(QDate.fromString(encounter["date_of_service"], "yyyy-MM-dd"))
        if encounter.get("setting"):
            setting.setting.setCurrentIndex(max(0, setting.setting.findData(encounter["setting"])))
        if isinstance(encounter.get("payer"), str):
            setting.payer.setCurrentIndex(max(0, setting.payer.findData(encounter["payer"])))
        services = encounter.get("services", [])
        for pid in (Page.INJECTIONS, Page.GUIDANCE, Page.OTHER, Page.DRUGS):
            self.pages[pid].load(services)

    def nextId(self) -> int:  # noqa: N802 (Qt's name): the flow is a rule (rules.questions)
        current = self.currentId()
        injected = self.pages[Page.INJECTIONS].services()
        if current == Page.SETTING:
            return Page.INJECTIONS
        if current == Page.INJECTIONS:
            return Page.GUIDANCE if asks_guidance(injected) else Page.OTHER
        if current == Page.GUIDANCE:
            return Page.OTHER
        if current == Page.OTHER:
            return Page.DRUGS if asks_drugs(injected) else Page.RESULT
        if current == Page.DRUGS:
            return Page.RESULT
        return -1

    def show_help(self) -> None:
        texts = {
            Page.SETTING: "The date chooses the CMS releases in force; the setting chooses the "
                          "practitioner or outpatient-hospital NCCI and MUE tables; the payer "
                          "decides how bilateral lines are written and whether X modifiers "
                          "are accepted.",
            Page.INJECTIONS: "Tick each region treated. For a limb, give the number of muscles "
                             "injected in it: 1-4 and 5 or more are different codes. CodeDesk "
                             "chooses the primary and add-on codes itself.",
            Page.GUIDANCE: "Guidance is reported once per session. It is not asked for the "
                           "larynx (64617 includes EMG) or nerve destruction alone.",
            Page.OTHER: "A same-day visit is reported only when significant and separately "
                        "identifiable (modifier 25). For another procedure, say how it was "
                        "distinct: a modifier is added only where an NCCI edit calls for one.",
            Page.DRUGS: "Amounts are units of toxin. Billing units are the amount divided by "
                        "the code's unit size; discarded drug from a single-dose vial goes on "
                        "its own JW line, no waste is marked JZ.",
            Page.RESULT: "Each line shows why, with its source. Nothing is guessed: where the "
                         "data does not say, you are told to check.",
        }
        QMessageBox.information(self, "Help", texts.get(Page(self.currentId()), ""))

    def open_history(self) -> None:
        dialog = HistoryDialog(self.userdata, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen:
            self.restart()
            self.load(dialog.chosen["encounter"])


class HistoryDialog(QDialog):
    """The saved decisions, newest first; Open loads one's encounter into the wizard."""

    def __init__(self, userdata, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Saved decisions")
        self.chosen = None
        self.items = userdata.decisions(200)
        self.list = QListWidget()
        self.list.setAccessibleName("Saved decisions")
        for d in self.items:
            item = QListWidgetItem(f"{d['created'].replace('T', ' ')}   {d['title']}")
            item.setData(Qt.ItemDataRole.UserRole, d["id"])
            self.list.addItem(item)
        if not self.items:
            self.list.addItem("No saved decisions yet.")
        label = QLabel("&Decisions:")
        label.setBuddy(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._open)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _i: self._open())
        lay = QVBoxLayout(self)
        lay.addWidget(label)
        lay.addWidget(self.list)
        lay.addWidget(buttons)
        self.resize(640, 420)

    def _open(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.items):
            self.chosen = self.items[row]
            self.accept()


def open_wizard(window, reference, userdata, code: str | None = None) -> ModifierWizard:
    """Open the wizard (non-modal) from the main window, pre-filled from a code if given."""
    wizard = ModifierWizard(reference, userdata, code=code, parent=window)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    wizard.show()
    return wizard

