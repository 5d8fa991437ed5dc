"""A list of codes with their titles (bookmarks, recent codes), as a model."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

CODE_ROLE = Qt.UserRole + 1


class CodeListModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []

    def set_codes(self, rows: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def codes(self) -> list[str]:
        return [c for c, _t in self._rows]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        code, title = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return f"{code}   {title}" if title else code
        if role in (Qt.ToolTipRole, Qt.AccessibleTextRole):
            return f"{code}: {title}" if title else code
        if role == CODE_ROLE:
            return code
        return None
