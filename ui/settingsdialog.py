"""Settings: colour scheme (light, dark, follow the system) and text size (100-200%)."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QSpinBox, QVBoxLayout)

from ui import theme


class SettingsDialog(QDialog):
    def __init__(self, scheme: str, scale: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle("CodeDesk settings")
        self.scheme_box = QComboBox(self)
        for value in theme.SCHEMES:
            self.scheme_box.addItem(theme.SCHEME_LABELS[value], value)
        self.scheme_box.setCurrentIndex(max(0, self.scheme_box.findData(
            theme.normalise_scheme(scheme))))
        self.scale_box = QSpinBox(self)
        self.scale_box.setRange(theme.MIN_SCALE, theme.MAX_SCALE)
        self.scale_box.setSingleStep(theme.SCALE_STEP)
        self.scale_box.setSuffix(" %")
        self.scale_box.setValue(theme.clamp_scale(scale))
        self.scale_box.setAccessibleDescription("Text size from 100 to 200 percent")

        form = QFormLayout()
        scheme_label = QLabel("&Appearance:", self)
        scheme_label.setBuddy(self.scheme_box)
        scale_label = QLabel("&Text size:", self)
        scale_label.setBuddy(self.scale_box)
        form.addRow(scheme_label, self.scheme_box)
        form.addRow(scale_label, self.scale_box)
        hint = QLabel("Text size also changes with Ctrl++ and Ctrl+- from the main window. "
                      "200% suits a projector.", self)
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def scheme(self) -> str:
        return self.scheme_box.currentData()

    def scale(self) -> int:
        return self.scale_box.value()
