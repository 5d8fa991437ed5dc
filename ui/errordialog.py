"""The error dialog: what happened, "Copy details", the log file (see ui/errors.py)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout)


def _html(text: str) -> str:
    return html.escape(text)


class ErrorDialog(QDialog):
    def __init__(self, summary: str, details: str, log_file, parent=None):
        super().__init__(parent)
        self.setWindowTitle("CodeDesk: something went wrong")
        self.details = details
        message = QLabel(
            f"<p><b>{_html(summary)}</b></p>"
            "<p>CodeDesk is still open and your notes and bookmarks are saved. You can "
            "carry on; if this keeps happening, send the details to your IT support.</p>"
            f"<p>The log file is <b>{_html(str(log_file) if log_file else 'not available')}"
            "</b>.</p>", self)
        message.setWordWrap(True)
        message.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.details_view = QPlainTextEdit(details, self)
        self.details_view.setReadOnly(True)
        self.details_view.setVisible(False)
        self.details_view.setAccessibleName("Technical details")
        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copy details", self)
        self.show_button = QPushButton("&Show details", self)
        self.show_button.setCheckable(True)
        close = buttons.addButton(QDialogButtonBox.Close)
        close.setDefault(True)
        buttons.addButton(self.copy_button, QDialogButtonBox.ActionRole)
        buttons.addButton(self.show_button, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_details)
        self.show_button.toggled.connect(self.details_view.setVisible)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 40, self.sizeHint().height())

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")
