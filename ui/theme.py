"""Colour scheme and text size: light, dark or the system's; 100% to 200% text.

Both are applied to the QApplication (palette and font) so that every widget, the
code page HTML and the family map follow them. Fusion is used everywhere: it honours
a palette fully on every platform, so dark mode looks the same on Windows and Linux.
The HTML of the code page takes its colours from `page_colors()`, never hard-coded.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

LIGHT, DARK, SYSTEM = "light", "dark", "system"
SCHEMES = (SYSTEM, LIGHT, DARK)
SCHEME_LABELS = {SYSTEM: "Follow the system", LIGHT: "Light", DARK: "Dark"}
MIN_SCALE, MAX_SCALE, SCALE_STEP = 100, 200, 10
DEFAULT_SCALE = 100

# Settings keys in UserData
KEY_SCHEME = "ui.color_scheme"
KEY_SCALE = "ui.text_scale"

_base_point_size: float | None = None


def clamp_scale(value) -> int:
    try:
        value = int(round(float(value)))
    except (TypeError, ValueError):
        return DEFAULT_SCALE
    return max(MIN_SCALE, min(MAX_SCALE, value))


def normalise_scheme(value) -> str:
    return value if value in SCHEMES else SYSTEM


def system_is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    # Light or Unknown (a platform that does not say): light.
    return False


def resolve(scheme: str) -> str:
    """LIGHT or DARK for a scheme setting (SYSTEM asks the platform)."""
    scheme = normalise_scheme(scheme)
    if scheme == SYSTEM:
        return DARK if system_is_dark() else LIGHT
    return scheme


def _palette(dark: bool) -> QPalette:
    p = QPalette()
    if dark:
        colors = {
            # Fields a step lighter than the window: Fusion's dark frames are faint, so
            # an input must stand out by its own fill.
            QPalette.Window: "#1e1f22", QPalette.WindowText: "#e8eaed",
            QPalette.Base: "#2a2c30", QPalette.AlternateBase: "#32353a",
            QPalette.ToolTipBase: "#2d2f33", QPalette.ToolTipText: "#e8eaed",
            QPalette.PlaceholderText: "#9aa0a6", QPalette.Text: "#e8eaed",
            QPalette.Button: "#2d2f33", QPalette.ButtonText: "#e8eaed",
            QPalette.BrightText: "#ff8a80", QPalette.Light: "#3c4043",
            QPalette.Midlight: "#34373b", QPalette.Mid: "#7a7f85", QPalette.Dark: "#111214",
            QPalette.Shadow: "#000000", QPalette.Highlight: "#8ab4f8",
            QPalette.HighlightedText: "#10131a", QPalette.Link: "#8ab4f8",
            QPalette.LinkVisited: "#c58af9", QPalette.Accent: "#8ab4f8",
        }
        disabled = "#80868b"
    else:
        colors = {
            QPalette.Window: "#f3f3f3", QPalette.WindowText: "#1f1f1f",
            QPalette.Base: "#ffffff", QPalette.AlternateBase: "#f5f7fa",
            QPalette.ToolTipBase: "#ffffdc", QPalette.ToolTipText: "#1f1f1f",
            QPalette.PlaceholderText: "#6b6b6b", QPalette.Text: "#1f1f1f",
            QPalette.Button: "#ececec", QPalette.ButtonText: "#1f1f1f",
            QPalette.BrightText: "#b00020", QPalette.Light: "#ffffff",
            QPalette.Midlight: "#e3e3e3", QPalette.Mid: "#a0a0a0", QPalette.Dark: "#8a8a8a",
            QPalette.Shadow: "#5a5a5a", QPalette.Highlight: "#1a5fb4",
            QPalette.HighlightedText: "#ffffff", QPalette.Link: "#0b57d0",
            QPalette.LinkVisited: "#6a1b9a", QPalette.Accent: "#1a5fb4",
        }
        disabled = "#8a8a8a"
    for role, color in colors.items():
        p.setColor(QPalette.All, role, QColor(color))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, QColor(disabled))
    return p


def apply(app, scheme: str, scale: int) -> str:
    """Apply colour scheme and text size to the application; returns LIGHT or DARK."""
    global _base_point_size
    if app.style() is None or app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    mode = resolve(scheme)
    app.setPalette(_palette(mode == DARK))
    if _base_point_size is None:
        size = app.font().pointSizeF()
        _base_point_size = size if size > 0 else 10.0
    font = QFont(app.font())
    font.setPointSizeF(_base_point_size * clamp_scale(scale) / 100.0)
    app.setFont(font)
    app.setProperty("codedesk_mode", mode)
    return mode


def current_mode(app) -> str:
    return app.property("codedesk_mode") or LIGHT


class PageColors(NamedTuple):
    """Colours for the generated HTML, chosen for contrast in both schemes."""

    text: str
    muted: str
    base: str
    link: str
    rule: str
    table_head: str
    alt_row: str
    warn_bg: str
    warn_border: str
    warn_text: str
    ok_bg: str
    ok_border: str
    no_bg: str
    no_border: str
    badge: str


def page_colors(mode: str) -> PageColors:
    if mode == DARK:
        return PageColors(text="#e8eaed", muted="#b8bdc2", base="#2a2c30", link="#8ab4f8",
                          rule="#6b7075", table_head="#3a3d42", alt_row="#303236",
                          warn_bg="#3a2a10", warn_border="#f9ab00", warn_text="#fde293",
                          ok_bg="#132a1c", ok_border="#5bb974", no_bg="#3a1a1a",
                          no_border="#f28b82", badge="#fdd663")
    return PageColors(text="#1f1f1f", muted="#555555", base="#ffffff", link="#0b57d0",
                      rule="#c4c7c5", table_head="#eef1f5", alt_row="#f7f8fa",
                      warn_bg="#fff4d6", warn_border="#b26a00", warn_text="#4a2c00",
                      ok_bg="#e9f6ec", ok_border="#1e7d3a", no_bg="#fdecea",
                      no_border="#b3261e", badge="#8a5300")
