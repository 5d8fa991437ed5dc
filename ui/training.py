"""Training mode: practise on scenarios, keep the session's scores, write and share
scenarios, print handouts, and present a scenario to a class (ui.presentation).

Everything that decides (validation, grading, the engine's answer, file formats) is in
rules.training; this window shows it. Bad input (a claim line, a scenario file) gives
one clear message saying what and where, and changes nothing else.
"""

from __future__ import annotations

import json
import logging
import pathlib

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QApplication,
                               QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QListView, QMainWindow, QMessageBox, QPushButton, QSplitter,
                               QTableView, QTextBrowser, QVBoxLayout, QWidget)

from rules import training as T
from rules.encounter import InvalidEncounter
from ui import theme
from ui.training_html import result_html, vignette_html, write_handout_pdf
from ui.training_models import CODE, ClaimTableModel, ScenarioListModel

log = logging.getLogger("codedesk.ui.training")

MAX_PROBLEMS_SHOWN = 8


class TrainingWindow(QMainWindow):
    """Practice on the left and right; scenario, session and view menus."""

    graded = Signal(object)          # the Grade of a submitted answer

    def __init__(self, reference, userdata, parent=None):
        super().__init__(parent)
        self.ref, self.user = reference, userdata
        self.setWindowTitle("CodeDesk training")
        self.setObjectName("trainingwindow")
        self.session = T.Session()
        self.scenario: T.Scenario | None = None
        self.decision = None
        self.steps: list[T.Step] = []
        self.last_grade: T.Grade | None = None
        self.presentation = None
        self.shipped = T.load_library(reference)
        self._build()
        self._build_actions()
        self._update_score()
        self.reload_scenarios()
        self.resize(1200, 800)

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.scenarios = ScenarioListModel(self)
        self.list = QListView()
        self.list.setModel(self.scenarios)
        self.list.setAccessibleName("Scenarios")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._select_row(cur.row()))
        list_label = QLabel("Sc&enarios")
        list_label.setBuddy(self.list)
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(list_label)
        lay.addWidget(self.list)

        self.vignette = QTextBrowser()
        self.vignette.setAccessibleName("The case")
        self.vignette.setOpenLinks(False)

        self.claim = ClaimTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.claim)
        self.table.setAccessibleName("Your claim lines")
        self.table.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.AnyKeyPressed
                                   | QAbstractItemView.DoubleClicked
                                   | QAbstractItemView.EditKeyPressed)
        self.table.setTabKeyNavigation(True)
        head = self.table.horizontalHeader()
        for col, mode in enumerate((QHeaderView.ResizeToContents, QHeaderView.Stretch,
                                    QHeaderView.ResizeToContents, QHeaderView.Stretch)):
            head.setSectionResizeMode(col, mode)
        claim_label = QLabel("Your &claim lines (code, modifiers separated by spaces, units)")
        claim_label.setBuddy(self.table)

        self.btn_add = QPushButton("&Add line")
        self.btn_remove = QPushButton("&Remove line")
        self.btn_submit = QPushButton("S&ubmit")
        self.btn_next = QPushButton("&Next scenario")
        self.btn_submit.setDefault(True)
        self.btn_add.clicked.connect(self.add_line)
        self.btn_remove.clicked.connect(self.remove_line)
        self.btn_submit.clicked.connect(self.submit)
        self.btn_next.clicked.connect(self.next_scenario)
        buttons = QHBoxLayout()
        for b in (self.btn_add, self.btn_remove, self.btn_submit, self.btn_next):
            buttons.addWidget(b)
        buttons.addStretch()

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message.setAccessibleName("Message")
        self.message.hide()

        self.result = QTextBrowser()
        self.result.setAccessibleName("Result and walk-through")
        self.result.setOpenLinks(False)

        self.score = QLabel()
        self.score.setAccessibleName("Session score")
        self.btn_export_scores = QPushButton("E&xport scores...")
        self.btn_export_scores.clicked.connect(lambda: self.export_scores())
        score_row = QHBoxLayout()
        score_row.addWidget(self.score, 1)
        score_row.addWidget(self.btn_export_scores)

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.vignette, 2)
        tl.addWidget(claim_label)
        tl.addWidget(self.table, 2)
        tl.addLayout(buttons)
        tl.addWidget(self.message)
        right = QSplitter(Qt.Vertical)
        right.addWidget(top)
        right.addWidget(self.result)
        right.setSizes([460, 340])
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([360, 840])
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.addWidget(split, 1)
        cl.addLayout(score_row)
        self.setCentralWidget(central)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.setStatusTip(tip or text.replace("&", "").rstrip("."))
        act.triggered.connect(lambda _checked=False: slot())
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        A = self._action
        self.act_new = A("&New scenario...", self.new_scenario, "Ctrl+Shift+N",
                         "Write a scenario of your own")
        self.act_edit = A("&Edit scenario...", self.edit_scenario, "Ctrl+Shift+E",
                          "Edit your scenario (a shipped one is copied first)")
        self.act_delete = A("&Delete scenario", self.delete_scenario, None,
                            "Delete your own scenario")
        self.act_import = A("&Import scenarios...", self.import_scenarios, "Ctrl+O",
                            "Add scenarios from a file a trainer shared")
        self.act_export_one = A("E&xport this scenario...", lambda: self.export_scenarios(
            scope="current"), "Ctrl+S", "Save the selected scenario as a file to share")
        self.act_export_mine = A("Export &all my scenarios...", lambda: self.export_scenarios(
            scope="mine"), "Ctrl+Shift+S", "Save all your own scenarios as one file")
        self.act_handout = A("&Handout as PDF...", lambda: self.save_handout(
            with_answer=False), "Ctrl+P", "The case and an empty claim form")
        self.act_handout_answer = A("Handout with the ans&wer as PDF...", lambda:
                                    self.save_handout(with_answer=True), "Ctrl+Shift+P",
                                    "The case, the answer, the reasons and teaching points")
        self.act_close = A("&Close", self.close, "Ctrl+W")
        self.act_add = A("&Add line", self.add_line, "Ctrl+Ins", "Add a claim line")
        self.act_remove = A("&Remove line", self.remove_line, "Ctrl+Del",
                            "Remove the current claim line")
        self.act_submit = A("S&ubmit", self.submit, "Ctrl+Return", "Grade your claim lines")
        self.act_next = A("&Next scenario", self.next_scenario, "Ctrl+PgDown")
        self.act_prev = A("&Previous scenario", self.previous_scenario, "Ctrl+PgUp")
        self.act_list = A("Go to the scenario &list", self.list.setFocus, "Ctrl+L")
        self.act_scores = A("E&xport scores...", self.export_scores, "Ctrl+E",
                            "Save this session's scores as CSV or JSON")
        self.act_reset = A("&New session", self.new_session, None,
                           "Start the scores again")
        self.act_present = A("&Presentation mode", self.present, "F11",
                             "Full screen, large text, the decision step by step")

        bar = self.menuBar()
        m = bar.addMenu("&Scenario")
        m.addActions([self.act_new, self.act_edit, self.act_delete])
        m.addSeparator()
        m.addActions([self.act_import, self.act_export_one, self.act_export_mine])
        m.addSeparator()
        m.addActions([self.act_handout, self.act_handout_answer])
        m.addSeparator()
        m.addAction(self.act_close)
        m = bar.addMenu("&Practice")
        m.addActions([self.act_add, self.act_remove, self.act_submit])
        m.addSeparator()
        m.addActions([self.act_next, self.act_prev, self.act_list])
        m = bar.addMenu("Sess&ion")
        m.addActions([self.act_scores, self.act_reset])
        m = bar.addMenu("&View")
        m.addAction(self.act_present)

    # -- scenarios -------------------------------------------------------------------------

    def payer_profiles(self) -> dict:
        return self.user.payer_profiles() if self.user is not None else {}

    def payer_ids(self) -> set[str]:
        return {p.id for p in self.ref.payers()} | set(self.payer_profiles())

    def user_scenarios(self) -> list[T.Scenario]:
        if self.user is None:
            return []
        good, bad = T.load_user_scenarios(self.user.scenarios(), self.ref, self.payer_ids())
        for text in bad:
            log.warning("%s", text)
        return good

    def reload_scenarios(self, select_id: str | None = None) -> None:
        keep = select_id or (self.scenario.id if self.scenario else None)
        self.scenarios.set_scenarios(self.shipped + self.user_scenarios())
        row = self.scenarios.row_of(keep) if keep else -1
        self.select_row(max(row, 0))

    def select_row(self, row: int) -> None:
        index = self.scenarios.index(row, 0)
        if not index.isValid():
            self._select_row(-1)
            return
        self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.ClearAndSelect)
        if self.scenario is None or self.scenarios.scenario(row) != self.scenario:
            self._select_row(row)

    def select_scenario(self, scenario_id: str) -> bool:
        row = self.scenarios.row_of(scenario_id)
        if row < 0:
            return False
        self.select_row(row)
        return True

    def _select_row(self, row: int) -> None:
        self.scenario = self.scenarios.scenario(row)
        self.decision, self.steps, self.last_grade = None, [], None
        self.claim.set_rows([("", "", "1")])
        self.result.clear()
        self._say("")
        mode = theme.current_mode(self._app())
        if self.scenario is None:
            self.vignette.setHtml("<p>No scenario.</p>")
            return
        self.vignette.setHtml(vignette_html(self.scenario, mode))
        try:
            self.decision = T.decide_encounter(self.scenario.encounter, self.ref,
                                               self.payer_profiles())
            self.steps = T.walkthrough(self.scenario, self.decision)
        except InvalidEncounter as exc:
            self._say("The engine cannot decide this scenario's encounter: "
                      + "; ".join(exc.problems), error=True)
        is_user = self.scenario.origin == "user"
        self.act_delete.setEnabled(is_user)
        self.act_edit.setText("&Edit scenario..." if is_user else "&Edit a copy of this scenario...")
        if self.presentation is not None and self.presentation.isVisible():
            self.presentation.show_scenario(self.scenario, self.decision)

    @staticmethod
    def _app():
        return QApplication.instance()

    def next_scenario(self) -> None:
        row = self.list.currentIndex().row()
        if row + 1 < self.scenarios.rowCount():
            self.select_row(row + 1)

    def previous_scenario(self) -> None:
        row = self.list.currentIndex().row()
        if row > 0:
            self.select_row(row - 1)

    # -- the claim lines --------------------------------------------------------------------

    def add_line(self) -> None:
        row = self.claim.add_row()
        index = self.claim.index(row, CODE)
        self.table.setFocus()
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_line(self) -> None:
        row = self.table.currentIndex().row()
        if row < 0:
            row = self.claim.rowCount() - 1
        if row >= 0:
            self.claim.removeRows(row, 1)
        if self.claim.rowCount() == 0:
            self.claim.add_row()

    def commit_editing(self) -> None:
        """The cell being typed in belongs to the answer (Ctrl+Return while editing)."""
        if self.table.state() != QAbstractItemView.EditingState:
            return
        editor = QApplication.focusWidget()
        if editor is not None and self.table.isAncestorOf(editor):
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.NoHint)

    def set_claim(self, rows) -> None:
        """Replace the claim lines (tests and 'try again' use it)."""
        self.claim.set_rows(rows)

    def submit(self) -> T.Grade | None:
        self.commit_editing()
        if self.scenario is None:
            return None
        try:
            entries = T.parse_entries(self.claim.rows(), [m.modifier for m in self.ref.modifiers()])
        except T.InvalidClaimEntry as exc:
            self._say("Not graded: " + "; ".join(exc.problems), error=True)
            return None
        if not entries:
            self._say("Not graded: enter at least one claim line.", error=True)
            return None
        result = T.grade(self.scenario, entries, self.decision)
        self.last_grade = result
        self.session.record(self.scenario, entries, result)
        c = theme.page_colors(theme.current_mode(self._app()))
        self.claim.colors = {"right": QColor(c.ok_border), "wrong": QColor(c.no_border)}
        self.claim.set_entries(entries)
        self.claim.set_marks([m for m in result.marks if m.entered is not None])
        diffs = T.agrees_with(self.scenario, self.decision) if self.decision else []
        self.result.setHtml(result_html(self.scenario, result, self.steps, self.ref,
                                        theme.current_mode(self._app()), diffs))
        self._say("All lines right." if result.all_right else
                  f"{result.right} of {result.possible} right: see why below.",
                  error=not result.all_right)
        self._update_score()
        self.graded.emit(result)
        return result

    # -- scores -----------------------------------------------------------------------------

    def _update_score(self) -> None:
        self.score.setText("This session: " + self.session.summary())
        self.act_scores.setEnabled(bool(self.session.attempts))
        self.btn_export_scores.setEnabled(bool(self.session.attempts))

    def new_session(self) -> None:
        self.session = T.Session()
        self._update_score()

    def export_scores(self, path: str | None = None) -> pathlib.Path | None:
        if not self.session.attempts:
            self._say("No scores to export yet: submit an answer first.", error=True)
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export scores", "training-scores.csv",
                "CSV files (*.csv);;JSON files (*.json)")
            if not path:
                return None
        p = pathlib.Path(path)
        text = (json.dumps(self.session.to_json(), indent=2, ensure_ascii=False) + "\n"
                if p.suffix.lower() == ".json" else self.session.to_csv())
        return self._write(p, text, "Scores saved")

    # -- files ------------------------------------------------------------------------------

    def _write(self, path: pathlib.Path, text: str, done: str) -> pathlib.Path | None:
        try:
            path.write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            self._say(f"Not saved: could not write {path}: {exc.strerror or exc}", error=True)
            return None
        self._say(f"{done}: {path}")
        return path

    def export_scenarios(self, path: str | None = None, scope: str = "current"
                         ) -> pathlib.Path | None:
        if scope == "mine":
            picked = [s for s in self.scenarios.scenarios() if s.origin == "user"]
            if not picked:
                self._say("You have no scenarios of your own to export yet.", error=True)
                return None
            default = "my-scenarios.json"
        else:
            if self.scenario is None:
                return None
            picked, default = [self.scenario], f"{self.scenario.id}.json"
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export scenarios", default,
                                                  "CodeDesk scenario files (*.json)")
            if not path:
                return None
        n = len(picked)
        return self._write(pathlib.Path(path), T.scenario_file_text(picked),
                           f"{n} scenario{'s' * (n != 1)} exported")

    def import_scenarios(self, path: str | None = None) -> list[T.Scenario]:
        """Add the scenarios of a file to the user's own; all or none."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import scenarios", "",
                                                  "CodeDesk scenario files (*.json);;"
                                                  "All files (*)")
            if not path:
                return []
        p = pathlib.Path(path)
        try:
            size = p.stat().st_size
            if size > T.MAX_FILE_BYTES:
                raise T.InvalidScenario([f"the file is {size:,} bytes; a scenario file is at "
                                         f"most {T.MAX_FILE_BYTES:,}"], p.name)
            data = p.read_bytes()
            scenarios = T.parse_scenario_file(data, self.ref, self.payer_ids(),
                                              origin="user", where=p.name)
            shipped = {s.id for s in self.shipped}
            clash = [f"scenarios[{i}].id: {s.id!r} is the id of a shipped scenario; give "
                     "yours another id" for i, s in enumerate(scenarios) if s.id in shipped]
            if clash:
                raise T.InvalidScenario(clash, p.name)
        except OSError as exc:
            self._say(f"Not imported: could not read {p}: {exc.strerror or exc}", error=True)
            return []
        except T.InvalidScenario as exc:
            shown = list(exc.problems[:MAX_PROBLEMS_SHOWN])
            more = len(exc.problems) - len(shown)
            self._say(f"Not imported: {p.name} was not accepted, nothing changed.\n- "
                      + "\n- ".join(shown) + (f"\n- and {more} more" if more else ""),
                      error=True)
            return []
        existing = set(self.user.scenarios())
        for s in scenarios:
            self.user.save_scenario(s.id, s.to_json())
        replaced = sum(s.id in existing for s in scenarios)
        self.reload_scenarios(select_id=scenarios[0].id)
        n = len(scenarios)
        self._say(f"Imported {n} scenario{'s' * (n != 1)} from {p.name}"
                  + (f" ({replaced} of yours replaced)" if replaced else "") + ".")
        return scenarios

    def save_handout(self, path: str | None = None, with_answer: bool = False
                     ) -> pathlib.Path | None:
        if self.scenario is None:
            return None
        if path is None:
            suffix = "-answer" if with_answer else ""
            path, _ = QFileDialog.getSaveFileName(
                self, "Save handout as PDF", f"{self.scenario.id}{suffix}.pdf",
                "PDF files (*.pdf)")
            if not path:
                return None
        try:
            out = write_handout_pdf(path, self.scenario, self.ref, self.decision,
                                    with_answer, self.font())
        except OSError as exc:
            self._say(f"Not saved: {exc}", error=True)
            return None
        if not out.exists() or out.stat().st_size == 0:
            self._say(f"Not saved: the PDF could not be written to {out}", error=True)
            return None
        self._say(f"Handout saved: {out}")
        return out

    # -- trainers' scenarios -------------------------------------------------------------------

    def new_scenario(self) -> None:
        self._open_editor(None)

    def edit_scenario(self) -> None:
        if self.scenario is not None:
            self._open_editor(self.scenario)

    def _open_editor(self, scenario: T.Scenario | None):
        from ui.training_editor import ScenarioEditor
        editor = ScenarioEditor(self.ref, self.user, scenario=scenario,
                                shipped_ids={s.id for s in self.shipped}, parent=self)
        editor.saved.connect(lambda sid: self.reload_scenarios(select_id=sid))
        editor.open()
        self.editor = editor
        return editor

    def delete_scenario(self, confirm: bool = True) -> bool:
        s = self.scenario
        if s is None or s.origin != "user":
            self._say("Only your own scenarios can be deleted.", error=True)
            return False
        if confirm and QMessageBox.question(
                self, "Delete scenario", f"Delete your scenario “{s.title}”?",
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return False
        self.user.delete_scenario(s.id)
        self.scenario = None
        self.reload_scenarios()
        self._say(f"Deleted “{s.title}”.")
        return True

    # -- presentation ------------------------------------------------------------------------

    def present(self, full_screen: bool = True):
        if self.scenario is None:
            return None
        from ui.presentation import PresentationWindow
        if self.presentation is None:
            self.presentation = PresentationWindow(self.ref)
            self.presentation.closed.connect(self._presentation_closed)
        self.presentation.show_scenario(self.scenario, self.decision)
        if full_screen:
            self.presentation.showFullScreen()
        else:
            self.presentation.show()
        self.presentation.activateWindow()
        self.presentation.setFocus()
        return self.presentation

    def _presentation_closed(self) -> None:
        self.activateWindow()

    # -- messages ------------------------------------------------------------------------------

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        c = theme.page_colors(theme.current_mode(self._app()))
        self.message.setStyleSheet(f"color: {c.no_border if error else c.text};")
        self.message.setVisible(bool(text))

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.presentation is not None:
            self.presentation.close()
        super().closeEvent(event)


def open_training(parent, reference, userdata) -> TrainingWindow:
    """The training window of `parent` (one per main window), raised."""
    window = getattr(parent, "_training_window", None)
    if window is None:
        window = TrainingWindow(reference, userdata)
        parent._training_window = window
    if window.isVisible() and QApplication.platformName() != "offscreen":
        window.raise_()          # already open behind the main window: bring it up
    window.show()
    window.activateWindow()
    return window


def open_presentation(parent, reference, userdata):
    """Presentation mode from the main window: the training window's current scenario."""
    window = open_training(parent, reference, userdata)
    return window.present()
