"""Item models of training mode: the scenario list and the editable claim-line table.

Both are reset in one step (never filled row by row from outside); the claim table
keeps the trainee's text as typed, and rules.training turns it into claim lines (or
names the line that is wrong) when it is submitted.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from rules import training as T

SCENARIO_ROLE = Qt.UserRole + 1


class ScenarioListModel(QAbstractListModel):
    """The shipped scenarios, then the user's own (marked "yours")."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list[T.Scenario] = []

    def set_scenarios(self, scenarios: list[T.Scenario]) -> None:
        self.beginResetModel()
        self._items = list(scenarios)
        self.endResetModel()

    def scenarios(self) -> list[T.Scenario]:
        return list(self._items)

    def scenario(self, row: int) -> T.Scenario | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, scenario_id: str) -> int:
        return next((i for i, s in enumerate(self._items) if s.id == scenario_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._items)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        s = self._items[index.row()]
        if role == Qt.DisplayRole:
            return s.title + ("  (yours)" if s.origin == "user" else "")
        if role == Qt.ToolTipRole:
            return f"{s.id}: " + (", ".join(s.topics) or "no topics")
        if role == Qt.AccessibleDescriptionRole:
            return "your own scenario" if s.origin == "user" else "shipped scenario"
        if role == SCENARIO_ROLE:
            return s
        return None


COLUMNS = ("Code", "Modifiers", "Units", "Result")
CODE, MODIFIERS, UNITS, RESULT = range(4)


class ClaimTableModel(QAbstractTableModel):
    """Claim lines as typed (code, modifiers, units), and after grading a result per row.

    Editing a row clears the results: they belong to the claim that was submitted.
    """

    def __init__(self, parent=None, graded: bool = True):
        super().__init__(parent)
        self._rows: list[list[str]] = []
        self._marks: list[T.LineMark | None] = []
        self.graded = graded
        self.colors = {"right": QColor("#1e7d3a"), "wrong": QColor("#b3261e")}

    # -- content ------------------------------------------------------------------------

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = [[str(c) for c in (list(r) + ["", "", ""])[:3]] for r in rows]
        self._marks = [None] * len(self._rows)
        self.endResetModel()

    def set_entries(self, entries) -> None:
        self.set_rows([(e.code, " ".join(e.modifiers), str(e.units)) for e in entries])

    def rows(self) -> list[tuple[str, str, str]]:
        return [tuple(r) for r in self._rows]

    def set_marks(self, marks_by_row: list[T.LineMark | None]) -> None:
        self._marks = list(marks_by_row) + [None] * (len(self._rows) - len(marks_by_row))
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, RESULT))

    def mark(self, row: int) -> T.LineMark | None:
        return self._marks[row] if 0 <= row < len(self._marks) else None

    def add_row(self, values=("", "", "1")) -> int:
        row = len(self._rows)
        self.insertRows(row, 1)
        self._rows[row] = [str(v) for v in values]
        self.dataChanged.emit(self.index(row, 0), self.index(row, RESULT))
        return row

    # -- Qt ---------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else (4 if self.graded else 3)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            return COLUMNS[section] if 0 <= section < self.columnCount() else None
        return str(section + 1)

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        return base if index.column() == RESULT else base | Qt.ItemIsEditable

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r, c = index.row(), index.column()
        if c == RESULT:
            m = self._marks[r] if r < len(self._marks) else None
            if m is None:
                return None
            if role in (Qt.DisplayRole, Qt.AccessibleTextRole):
                return ("✓ right" if m.right else f"✗ {m.verdict}")
            if role == Qt.ToolTipRole:
                return m.reason
            if role == Qt.ForegroundRole:
                return QBrush(self.colors["right" if m.right else "wrong"])
            return None
        if role in (Qt.DisplayRole, Qt.EditRole):
            return self._rows[r][c]
        if role == Qt.ToolTipRole:
            return {CODE: "A CPT or HCPCS code, e.g. 64642 or J0585",
                    MODIFIERS: "Modifiers separated by spaces, e.g. XS LT",
                    UNITS: "Units (a whole number; empty means 1)"}[c]
        return None

    def setData(self, index, value, role=Qt.EditRole) -> bool:  # noqa: N802
        if role != Qt.EditRole or not index.isValid() or index.column() == RESULT:
            return False
        text = str(value).strip()
        if index.column() in (CODE, MODIFIERS):
            text = text.upper()
        r = index.row()
        if self._rows[r][index.column()] == text:
            return True
        self._rows[r][index.column()] = text
        self.dataChanged.emit(index, index)
        if any(self._marks):
            self.set_marks([None] * len(self._rows))
        return True

    def insertRows(self, row, count, parent=QModelIndex()) -> bool:  # noqa: N802
        if parent.isValid() or not 0 <= row <= len(self._rows) or count < 1:
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        for _ in range(count):
            self._rows.insert(row, ["", "", "1"])
            self._marks.insert(row, None)
        self.endInsertRows()
        return True

    def removeRows(self, row, count, parent=QModelIndex()) -> bool:  # noqa: N802
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row:row + count]
        del self._marks[row:row + count]
        self.endRemoveRows()
        return True
