"""Toolbar and menu icons: SVG files in resources/icons drawn in `currentColor`, tinted
from the palette so that they stay visible in dark mode (Zeal's iconhelper habit).

An icon engine draws each icon at the size and mode asked for, when first asked (a
sharp pixmap at any text size, nothing rendered before the first paint needs it),
through Qt's svg image-format plugin; disabled icons take the palette's disabled
colour.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import (QGuiApplication, QIcon, QIconEngine, QImageReader, QPainter,
                           QPalette, QPixmap)

import resources


@functools.cache
def _svg_text(name: str) -> str:
    return resources.path(f"icons/{name}.svg").read_text(encoding="utf-8")


@functools.cache
def _render(name: str, color: str, px: int) -> QPixmap:
    data = QByteArray(_svg_text(name).replace("currentColor", color).encode("utf-8"))
    buffer = QBuffer()
    buffer.setData(data)
    buffer.open(QIODevice.ReadOnly)
    reader = QImageReader(buffer, b"svg")
    reader.setScaledSize(QSize(px, px))   # drawn at this size: sharp, never scaled up
    image = reader.read()
    return QPixmap.fromImage(image) if not image.isNull() else QPixmap()


class TintedSvgEngine(QIconEngine):
    def __init__(self, name: str, role: QPalette.ColorRole):
        super().__init__()
        self.name, self.role = name, role

    def _color(self, mode) -> str:
        group = QPalette.Disabled if mode == QIcon.Disabled else QPalette.Active
        return QGuiApplication.palette().color(group, self.role).name()

    def pixmap(self, size: QSize, mode, state) -> QPixmap:  # noqa: D401 (Qt's name)
        app = QGuiApplication.instance()
        dpr = app.devicePixelRatio() if app is not None else 1.0
        side = min(size.width(), size.height())
        pm = QPixmap(_render(self.name, self._color(mode), max(1, round(side * dpr))))
        pm.setDevicePixelRatio(dpr)
        return pm

    def paint(self, painter: QPainter, rect: QRect, mode, state) -> None:
        side = min(rect.width(), rect.height())
        px = max(1, round(side * painter.device().devicePixelRatioF()))
        pm = _render(self.name, self._color(mode), px)
        target = QRect(0, 0, side, side)
        target.moveCenter(rect.center())
        painter.drawPixmap(target, pm)

    def actualSize(self, size: QSize, mode, state) -> QSize:  # noqa: N802
        side = min(size.width(), size.height())
        return QSize(side, side)

    def clone(self) -> QIconEngine:
        return TintedSvgEngine(self.name, self.role)

    def key(self) -> str:
        return "codedesk-tinted-svg"

    def isNull(self) -> bool:  # noqa: N802
        return False


def icon(name: str, role: QPalette.ColorRole = QPalette.ButtonText) -> QIcon:
    """A palette-tinted icon; ask again after a palette change (the colour is read then)."""
    _svg_text(name)   # a missing file fails here, at start, not at first paint
    return QIcon(TintedSvgEngine(name, role))


def pixmap(name: str, side: int, role: QPalette.ColorRole = QPalette.ButtonText) -> QPixmap:
    return icon(name, role).pixmap(side, side)

