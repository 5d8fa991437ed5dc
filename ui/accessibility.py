"""Small helpers for screen readers: Qt leaves some icon-only controls unnamed."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QToolButton


def name_clear_button(edit: QLineEdit, name: str) -> None:
    """A line edit's clear button is an icon with no name: give it one (and a tooltip)."""
    edit.setClearButtonEnabled(True)
    for action in edit.findChildren(QAction):
        if action.objectName() == "_q_qlineeditclearaction":
            action.setText(name)
            action.setToolTip(name)
    for button in edit.findChildren(QToolButton):
        button.setAccessibleName(name)
        button.setToolTip(name)
