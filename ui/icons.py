"""Toolbar icons: SVG files in resources/icons drawn in `currentColor`, tinted from the
palette so that they stay visible in dark mode (Zeal's iconhelper habit).

The SVG is rendered through Qt's svg image-format plugin (no QtSvg import at start-up)
at each size a toolbar may ask for, times the screen's device-pixel ratio.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QGuiApplication, QIcon, QImageReader, QPalette, QPixmap

import resources

SIZES = (16, 20, 24, 32, 48)


@functools.cache
def _svg_text(name: str) -> str:
    return resources.path(f"icons/{name}.svg").read_text(encoding="utf-8")


@functools.cache
def _tinted(name: str, color: str, dpr: float) -> QIcon:
    data = QByteArray(_svg_text(name).replace("currentColor", color).encode("utf-8"))
    icon = QIcon()
    for size in SIZES:
        buffer = QBuffer()
        buffer.setData(data)
        buffer.open(QIODevice.ReadOnly)
        reader = QImageReader(buffer, b"svg")
        px = int(round(size * dpr))
        reader.setScaledSize(QSize(px, px))  # drawn at this size: sharp, not scaled up
        image = reader.read()
        if image.isNull():
            continue
        pm = QPixmap.fromImage(image)
        pm.setDevicePixelRatio(dpr)
        icon.addPixmap(pm)
    return icon


def icon(name: str, role: QPalette.ColorRole = QPalette.ButtonText) -> QIcon:
    app = QGuiApplication.instance()
    palette = QGuiApplication.palette()
    color = palette.color(QPalette.Active, role).name()
    dpr = app.devicePixelRatio() if app is not None else 1.0
    return _tinted(name, color, dpr)
