"""The NCCI procedure-to-procedure edits of one code: a sortable, filterable table.

A table model over the PtpEdit records db/ returns, a proxy that filters by text, by
setting and by "in force today", and a panel with labelled controls. Copy as CSV
writes the rows as shown (filter and sort applied).
"""

from __future__ import annotations

import csv
import functools
import io
from typing import TYPE_CHECKING

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt,
                            Signal)
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout,
                               QWidget)

from ui.accessibility import name_clear_button

if TYPE_CHECKING:
    from db.models import PtpEdit


@functools.cache
def _setting_words() -> dict[str, str]:
    from db.pagetext import SETTING_WORDS   # loaded with the first table, not at start-up
    return SETTING_WORDS

# The indicator in a few words for the table; the full sentence (db.models) is the tooltip.
INDICATOR_SHORT = {0: "never together", 1: "allowed with a distinct-service modifier "
                   "when documented", 9: "not in force"}
SORT_ROLE = Qt.UserRole + 1
CODE_ROLE = Qt.UserRole + 2

COLUMNS = ("Other code", "This code is", "Modifier indicator", "Status", "Setting",
           "Effective", "Deleted", "Rationale", "Release")
(COL_OTHER, COL_COLUMN, COL_INDICATOR, COL_STATUS, COL_SETTING, COL_EFFECTIVE, COL_DELETED,
 COL_RATIONALE, COL_RELEASE) = range(len(COLUMNS))


def status_words(edit: PtpEdit, on_date: str) -> str:
    if edit.modifier_indicator == 9:
        return "not in force (indicator 9)"
    if edit.deletion_date and on_date > edit.deletion_date:
        return f"not in force: deleted {edit.deletion_date}"
    if edit.effective_date and on_date < edit.effective_date:
        return f"not yet in force: from {edit.effective_date}"
    return "in force"


class PtpTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._edits: list[PtpEdit] = []
        self.code = ""
        self.on_date = ""
        self._labels: dict[str, str] = {}

    def set_edits(self, code: str, edits, on_date: str, release_labels: dict[str, str]):
        self.beginResetModel()
        self.code = code
        self._edits = list(edits)
        self.on_date = on_date
        self._labels = dict(release_labels)
        self.endResetModel()

    def edit(self, row: int) -> PtpEdit | None:
        return self._edits[row] if 0 <= row < len(self._edits) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._edits)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def _text(self, e: PtpEdit, col: int) -> str:
        if col == COL_OTHER:
            return e.other_code
        if col == COL_COLUMN:
            return ("column 1 (comprehensive)" if e.column == 1
                    else "column 2 (component)")
        if col == COL_INDICATOR:
            return f"{e.modifier_indicator}: " + INDICATOR_SHORT.get(e.modifier_indicator,
                                                                   e.indicator_meaning)
        if col == COL_STATUS:
            return status_words(e, self.on_date)
        if col == COL_SETTING:
            return _setting_words().get(e.setting, e.setting)
        if col == COL_EFFECTIVE:
            return e.effective_date or "—"
        if col == COL_DELETED:
            return e.deletion_date or "—"
        if col == COL_RATIONALE:
            return e.rationale or ""
        if col == COL_RELEASE:
            return self._labels.get(e.release, e.release)
        return ""

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        e = self.edit(index.row())
        if e is None:
            return None
        col = index.column()
        if role == Qt.ToolTipRole and col == COL_INDICATOR:
            return f"Modifier indicator {e.modifier_indicator}: {e.indicator_meaning}"
        if role in (Qt.DisplayRole, Qt.ToolTipRole, Qt.AccessibleTextRole):
            return self._text(e, col)
        if role == SORT_ROLE:
            if col == COL_INDICATOR:
                return e.modifier_indicator
            if col in (COL_EFFECTIVE, COL_DELETED):
                return (e.effective_date if col == COL_EFFECTIVE else e.deletion_date) or ""
            return self._text(e, col)
        if role == CODE_ROLE:
            return e.other_code
        return None

    def in_force(self, row: int) -> bool:
        e = self.edit(row)
        return e is not None and e.in_force(self.on_date)


class PtpFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self._setting = ""
        self._only_in_force = False
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = [w.casefold() for w in text.split()]
        self.endFilterChange()

    def set_setting(self, setting: str) -> None:
        self.beginFilterChange()
        self._setting = setting
        self.endFilterChange()

    def set_only_in_force(self, on: bool) -> None:
        self.beginFilterChange()
        self._only_in_force = on
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802
        model = self.sourceModel()
        e = model.edit(row)
        if e is None:
            return False
        if self._setting and e.setting != self._setting:
            return False
        if self._only_in_force and not model.in_force(row):
            return False
        if self._words:
            hay = " ".join(model._text(e, c) for c in range(len(COLUMNS))).casefold()
            return all(w in hay for w in self._words)
        return True


class PtpPanel(QWidget):
    """Filter controls above the table. Enter or double-click on a row opens its other code."""

    code_activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = PtpTableModel(self)
        self.proxy = PtpFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("code, indicator, rationale…")
        name_clear_button(self.filter_edit, "Clear the filter")
        filter_label = QLabel("Fi&lter edits:", self)
        filter_label.setBuddy(self.filter_edit)
        self.setting_box = QComboBox(self)
        for label, value in (("All settings", ""), ("Practitioner", "practitioner"),
                             ("Outpatient hospital", "outpatient_hospital")):
            self.setting_box.addItem(label, value)
        setting_label = QLabel("&Applies to:", self)
        setting_label.setBuddy(self.setting_box)
        self.in_force_box = QCheckBox("Only edits &in force today", self)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_OTHER, Qt.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        self.table.setAccessibleName("NCCI edits table")
        self.table.doubleClicked.connect(self._open_row)
        self.table.activated.connect(self._open_row)

        controls = QHBoxLayout()
        controls.addWidget(filter_label)
        controls.addWidget(self.filter_edit, 2)
        controls.addWidget(setting_label)
        controls.addWidget(self.setting_box)
        controls.addWidget(self.in_force_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addLayout(controls)
        layout.addWidget(self.table, 1)

        self.filter_edit.textChanged.connect(self._filter_changed)
        self.setting_box.currentIndexChanged.connect(
            lambda _i: self._refilter(lambda: self.proxy.set_setting(self.setting_box.currentData())))
        self.in_force_box.toggled.connect(
            lambda on: self._refilter(lambda: self.proxy.set_only_in_force(on)))

    def _filter_changed(self, text: str) -> None:
        self._refilter(lambda: self.proxy.set_text(text))

    def _refilter(self, change) -> None:
        change()
        self._update_caption()

    def set_edits(self, code: str, edits, on_date: str, release_labels: dict[str, str]):
        self.model.set_edits(code, edits, on_date, release_labels)
        self.table.resizeColumnsToContents()
        for col in (COL_RATIONALE,):
            self.table.setColumnWidth(col, min(self.table.columnWidth(col),
                                               self.fontMetrics().horizontalAdvance("M") * 28))
        self._update_caption()

    def _update_caption(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        code = self.model.code
        if not code:
            self.caption.setText("No code open.")
        elif total == 0:
            self.caption.setText(f"No NCCI procedure-to-procedure edits name {code} in the "
                                 "releases in force.")
        else:
            self.caption.setText(f"NCCI edits naming {code}: showing {shown} of {total}. "
                                 "Sort by a column heading; Enter on a row opens the other "
                                 "code.")

    def _open_row(self, index) -> None:
        code = index.siblingAtColumn(COL_OTHER).data(Qt.DisplayRole)
        if code:
            self.code_activated.emit(code)

    def visible_rows_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["code", "other_code", "column_of_code", "column1", "column2",
                         "modifier_indicator", "indicator_meaning", "status", "setting",
                         "effective_date", "deletion_date", "rationale", "release"])
        for r in range(self.proxy.rowCount()):
            src = self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            e = self.model.edit(src)
            writer.writerow([self.model.code, e.other_code, e.column, e.column1, e.column2,
                             e.modifier_indicator, e.indicator_meaning,
                             status_words(e, self.model.on_date), e.setting,
                             e.effective_date or "", e.deletion_date or "", e.rationale or "",
                             e.release])
        return buf.getvalue()
