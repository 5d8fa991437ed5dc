"""File > Import data files...: choose the official CMS files, see what each one is,
import them off the UI thread with a progress bar and Cancel, then read (and print)
what changed within the chemodenervation family.

The work is db.importers' (no SQL here): recognition reads only the start of each file,
so it runs as the files are chosen; the import itself (db.importers.prepare) runs in a
QThread and is swapped in (PreparedImport.commit, an atomic rename) back on the UI
thread, after which the reader is reloaded so every page uses the new release.
"""

from __future__ import annotations

import html
import logging
import pathlib
import threading

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFileDialog, QHBoxLayout,
                               QHeaderView, QLabel, QProgressBar, QPushButton, QTableView,
                               QTextBrowser, QVBoxLayout)

from db.errors import CodeDeskError
from db.importers import (BadFileError, ImportCancelled, group_releases, prepare, recognize)
from db.models import DATA_NOT_AVAILABLE

log = logging.getLogger("codedesk.ui.import")

FILE_FILTER = ("CMS data files (*.txt *.TXT *.csv *.CSV *.xlsx *.XLSX *.xml *.XML);;"
               "All files (*)")
COLUMNS = ("File", "What it is", "Release", "In force from")
SHORT_KIND = {"ptp": "NCCI PTP edits", "mue": "NCCI MUE table", "aoc": "NCCI add-on code edits",
              "pfs": "Fee schedule RVUs (PPRRVU)", "opps": "OPPS Addendum B",
              "hcpcs": "HCPCS Level II", "icd10cm": "ICD-10-CM"}
SETTING_WORDS = {"practitioner": "practitioner", "outpatient_hospital": "outpatient hospital",
                 "dme": "DME supplier"}


class RecognizedModel(QAbstractTableModel):
    """The chosen files: what each was recognized as, or why it cannot be imported."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str, bool]] = []

    def set_files(self, items) -> None:
        """items: (path, Recognized or BadFileError)."""
        self.beginResetModel()
        self._rows = []
        for path, what in items:
            if isinstance(what, BadFileError):
                self._rows.append((path.name, what.problem, "", "", False))
            else:
                desc = ", ".join(x for x in (
                    SHORT_KIND[what.kind], SETTING_WORDS.get(what.setting or ""),
                    what.variant, f"part {what.part}" if what.part else "") if x)
                self._rows.append((path.name, desc, what.label, what.effective_from, True))
        self.endResetModel()

    def all_ok(self) -> bool:
        return bool(self._rows) and all(r[4] for r in self._rows)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.DisplayRole, Qt.ToolTipRole, Qt.AccessibleTextRole):
            return row[index.column()]
        if role == Qt.ForegroundRole and not row[4] and index.column() == 1:
            from PySide6.QtGui import QColor
            return QColor("#b3261e")
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None


class ImportWorker(QObject):
    """Runs db.importers.prepare in its thread; the result comes back by signal."""

    progress = Signal(float, str)
    prepared = Signal(object)
    failed = Signal(object)

    def __init__(self, paths, cancel: threading.Event, reference_path=None):
        super().__init__()
        self.paths = paths
        self.cancel = cancel
        self.reference_path = reference_path

    @Slot()
    def run(self) -> None:
        try:
            result = prepare(self.paths, progress=self.progress.emit, cancel=self.cancel,
                             reference_path=self.reference_path)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the dialog
            if not isinstance(exc, CodeDeskError):
                log.exception("import failed")
            self.failed.emit(exc)
        else:
            self.prepared.emit(result)


def changes_html(result) -> str:
    """What changed, for the window and for printing (our words; data with releases)."""
    esc = html.escape
    out = ["<h2>Imported data</h2>"]
    for o in result.releases:
        status = {"imported": "imported", "replaced": "imported (replaces an earlier copy)",
                  "unchanged": "already imported: nothing to do",
                  "skipped": "not imported"}.get(o.status, o.status)
        rows = f", {o.rows:,} rows" if o.status in ("imported", "replaced") else ""
        out.append(f"<p><b>{esc(o.label)}</b> [{esc(o.release_id)}], in force from "
                   f"{esc(o.effective_from)}: {esc(status)}{rows}."
                   + (f"<br/><i>{esc(o.note)}</i>" if o.note else "") + "</p>")
    out.append("<h2>What changed in the chemodenervation family</h2>")
    any_changes = False
    for rc in result.changes:
        any_changes = True
        out.append(f"<h3>{esc(rc.label)}</h3>")
        if not rc.previous_id:
            out.append(f"<p>{esc(rc.note or DATA_NOT_AVAILABLE)}</p>")
            continue
        origin = "imported" if rc.previous_imported else "bundled with CodeDesk"
        out.append(f"<p>Compared with {esc(rc.previous_label)} [{esc(rc.previous_id)}, "
                   f"{origin}]. Scope: {esc(rc.scope)}."
                   + (f" {esc(rc.note)}." if rc.note else "") + "</p>")
        if not rc.changes:
            out.append("<p>No changes.</p>")
            continue
        out.append("<table border='1' cellspacing='0' cellpadding='3'>"
                   "<tr><th align='left'>Change</th><th align='left'>Code(s)</th>"
                   "<th align='left'>What</th><th align='left'>Before</th>"
                   "<th align='left'>After</th></tr>")
        words = {"added": "added", "deleted": "deleted", "changed": "changed"}
        for c in rc.changes:
            after = c.after or ""
            if c.note:
                after = f"{after} ({c.note})" if after else c.note
            out.append(f"<tr><td>{words.get(c.kind, c.kind)}</td><td>{esc(c.item)}</td>"
                       f"<td>{esc(c.what)}</td><td>{esc(c.before or '')}</td>"
                       f"<td>{esc(after)}</td></tr>")
        out.append("</table>")
    if not any_changes:
        out.append("<p>Nothing new was imported.</p>")
    return "".join(out)


class ImportDialog(QDialog):
    """Choose files, import them (progress, Cancel), then see and print what changed."""

    def __init__(self, reference, parent=None):
        super().__init__(parent)
        self.reference = reference
        self.setWindowTitle("Import data files")
        self.setObjectName("importDialog")
        self.resize(880, 620)
        self.paths: list[pathlib.Path] = []
        self.result = None
        self._thread: QThread | None = None
        self._worker: ImportWorker | None = None
        self._cancel = threading.Event()
        self._build()
        self._set_state("empty")

    # -- widgets ------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel("Choose the official CMS files as published: NCCI PTP edits (all four "
                       "parts of a release together), MUE tables, add-on code edits, the "
                       "PPRRVU relative value file, OPPS Addendum B, HCPCS Level II or "
                       "ICD-10-CM. CodeDesk recognizes each file and its release; the data in "
                       "use changes only when the whole import has succeeded.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        top = QHBoxLayout()
        self.choose_button = QPushButton("&Choose files...")
        self.choose_button.clicked.connect(self.choose_files)
        top.addWidget(self.choose_button)
        top.addStretch(1)
        layout.addLayout(top)

        self.files_label = QLabel("&Files chosen:")
        layout.addWidget(self.files_label)
        self.model = RecognizedModel(self)
        self.files_view = QTableView()
        self.files_view.setModel(self.model)
        self.files_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.files_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.files_view.verticalHeader().setVisible(False)
        header = self.files_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.files_view.setWordWrap(False)
        self.files_view.setAccessibleName("Files chosen and what each one is")
        self.files_label.setBuddy(self.files_view)
        layout.addWidget(self.files_view, 1)

        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.status.setAccessibleName("Import status")
        layout.addWidget(self.status)

        row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%p%")
        self.progress.setAccessibleName("Import progress")
        row.addWidget(self.progress, 1)
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.setAccessibleName("Cancel the import")
        self.cancel_button.clicked.connect(self.cancel_import)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)

        self.summary_label = QLabel("&What changed:")
        layout.addWidget(self.summary_label)
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        self.summary.setAccessibleName("What changed")
        self.summary_label.setBuddy(self.summary)
        layout.addWidget(self.summary, 4)

        buttons = QHBoxLayout()
        self.pdf_button = QPushButton("Save as &PDF...")
        self.pdf_button.clicked.connect(self.save_pdf_dialog)
        self.print_button = QPushButton("&Print...")
        self.print_button.setShortcut(QKeySequence.Print)
        self.print_button.clicked.connect(self.print_summary)
        self.import_button = QPushButton("&Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def _set_state(self, state: str) -> None:
        self.state = state
        running = state == "running"
        self.choose_button.setEnabled(not running)
        self.import_button.setEnabled(state == "ready")
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)
        self.progress.setVisible(state in ("running", "done", "failed"))
        done = state == "done"
        self.pdf_button.setEnabled(done)
        self.print_button.setEnabled(done)
        self.summary.setVisible(done)
        self.summary_label.setVisible(done)

    # -- choosing -----------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Choose CMS data files", "", FILE_FILTER)
        if names:
            self.set_files(names)

    def set_files(self, names) -> None:
        """Show what each file is; enable Import when all of them can be imported."""
        self.paths = [pathlib.Path(n) for n in names]
        items, recs = [], []
        for p in self.paths:
            try:
                rec = recognize(p)
                recs.append(rec)
                items.append((p, rec))
            except BadFileError as exc:
                items.append((p, exc))
        self.model.set_files(items)
        self.result = None
        self.summary.clear()
        problem = None
        if not self.model.all_ok():
            problem = "Some files cannot be imported (see above): choose again."
        else:
            try:
                group_releases(recs)
            except BadFileError as exc:
                problem = str(exc)
        if problem:
            self.status.setText(problem)
            self._set_state("empty")
        else:
            n = len({r.release_id for r in recs})
            self.status.setText(f"{len(recs)} file{'s' if len(recs) != 1 else ''}, "
                                f"{n} release{'s' if n != 1 else ''}: ready to import.")
            self._set_state("ready")

    # -- importing ----------------------------------------------------------------------

    def start_import(self) -> None:
        if self.state != "ready":
            return
        self._cancel = threading.Event()
        self.progress.setValue(0)
        self.status.setText("Importing...")
        self._set_state("running")
        self._thread = QThread(self)
        self._worker = ImportWorker(list(self.paths), self._cancel,
                                    getattr(self.reference, "path", None))
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.prepared.connect(self._on_prepared)
        self._worker.failed.connect(self._on_failed)
        self._worker.prepared.connect(self._thread.quit)
        self._worker.failed.connect(self._thread.quit)
        self._thread.finished.connect(self._worker.deleteLater)
        self._thread.start()

    def cancel_import(self) -> None:
        if self.state == "running":
            self._cancel.set()
            self.status.setText("Cancelling...")
            self.cancel_button.setEnabled(False)

    @Slot(float, str)
    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        if not self._cancel.is_set():
            self.status.setText(message)

    @Slot(object)
    def _on_prepared(self, prepared) -> None:
        self._join()
        self.reference.detach_imports()   # this reader's own handle must not block the swap
        try:
            self.result = prepared.commit()
        except CodeDeskError as exc:
            self.reference.reload()
            self._on_failed(exc)
            return
        except OSError as exc:
            self.reference.reload()
            self._on_failed(CodeDeskError(f"The imported data could not be put in place "
                                          f"({exc.strerror or exc}); nothing was changed."))
            return
        self.reference.reload()
        self.progress.setValue(1000)
        written = sum(o.status in ("imported", "replaced") for o in self.result.releases)
        self.status.setText(f"Done: {written} release{'s' if written != 1 else ''} imported."
                            if written else "Nothing new: these releases were already "
                            "imported.")
        self.summary.setHtml(changes_html(self.result))
        self._set_state("done")
        self.summary.setFocus()

    @Slot(object)
    def _on_failed(self, exc) -> None:
        self._join()
        if isinstance(exc, ImportCancelled):
            text = "Cancelled. Nothing was changed."
        elif isinstance(exc, CodeDeskError):
            text = f"{exc}\nNothing was imported; the data in use is unchanged."
        else:
            text = ("An unexpected error stopped the import (the details are in the log "
                    "file). Nothing was imported; the data in use is unchanged.")
        self.status.setText(text)
        self._set_state("ready" if self.model.all_ok() else "empty")

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None
            self._worker = None

    # -- the summary ----------------------------------------------------------------------

    def summary_html(self) -> str:
        from ui.printing import print_header
        releases = ", ".join(o.release_id for o in self.result.releases) if self.result else ""
        return print_header("data import", releases) + changes_html(self.result)

    def save_pdf(self, path) -> pathlib.Path:
        from ui.printing import save_pdf
        return save_pdf(self.summary_html(), path, QFont(self.font()),
                        title="CodeDesk data import")

    def save_pdf_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save what changed as PDF",
                                              "codedesk-import.pdf", "PDF (*.pdf)")
        if name:
            self.save_pdf(name)
            self.status.setText(f"Saved {name}")

    def print_summary(self) -> None:
        from ui.printing import print_with_dialog
        print_with_dialog(self.summary_html(), QFont(self.font()), self,
                          title="CodeDesk data import")

    # -- closing --------------------------------------------------------------------------

    def reject(self) -> None:
        if self.state == "running":
            self.cancel_import()
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.state == "running":
            self.cancel_import()
            event.ignore()
            return
        super().closeEvent(event)
