"""The family map: a drawn diagram of the chemodenervation family.

The layout (where each box sits, and its short caption in our own words) is fixed;
which add-on may follow which primary comes from the data: the CMS add-on code edits
the reference returns (`addon_primaries`). Arrows run from a primary to the add-ons
it allows; guidance add-ons are shown with the codes they may follow. Every box is a
link (click, or Tab to it and press Enter or Space); the current code is highlighted.
Sizes derive from the font, so the map grows with the text-size setting, and colours
from the palette, so it reads in dark mode.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen,
                           QPolygonF)
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsObject, QGraphicsScene, QGraphicsView,
                               QStyle)

# code: (column, row, caption). Columns and rows are in box units. Two arrangements of
# the same groups: tall for a tab beside the search column, wide for a landscape screen
# (presentation mode); the map takes the one that suits its shape.
LAYOUT_TALL = {
    "64642": (0, 0, "one limb, 1-4 muscles"),
    "64644": (2, 0, "one limb, 5+ muscles"),
    "64643": (1, 1.35, "each extra limb, 1-4 muscles"),
    "64645": (3, 1.35, "each extra limb, 5+ muscles"),
    "64612": (0, 3.25, "face (facial nerve), one side"),
    "64616": (1, 3.25, "neck, one side"),
    "64617": (2, 3.25, "larynx, one side"),
    "64615": (3, 3.25, "chronic migraine"),
    "64646": (0, 5.15, "trunk, 1-5 muscles"),
    "64647": (1, 5.15, "trunk, 6+ muscles"),
    "64640": (3, 5.15, "nerve destruction (neurolysis)"),
    "95873": (0, 7.05, "e-stim guidance"),
    "95874": (1, 7.05, "needle-EMG guidance"),
    "J0585": (0, 8.95, "onabotulinumtoxinA"),
    "J0586": (1, 8.95, "abobotulinumtoxinA"),
    "J0587": (2, 8.95, "rimabotulinumtoxinB"),
    "J0588": (3, 8.95, "incobotulinumtoxinA"),
}
# wide: trunk and neurolysis take a fifth column, the rows close up
_WIDE_MOVES = {"64643": (1, 1.25), "64645": (3, 1.25),
               "64646": (4.4, 0), "64647": (4.4, 1.25), "64640": (4.4, 2.95),
               "64612": (0, 2.95), "64616": (1, 2.95), "64617": (2, 2.95), "64615": (3, 2.95),
               "95873": (0, 4.65), "95874": (1, 4.65), "J0585": (0, 6.35),
               "J0586": (1, 6.35), "J0587": (2, 6.35), "J0588": (3, 6.35)}
LAYOUT_WIDE = {code: (*_WIDE_MOVES.get(code, (col, row)), caption)
               for code, (col, row, caption) in LAYOUT_TALL.items()}
LAYOUT = LAYOUT_TALL
WIDE_ASPECT = 1.5   # a view this much wider than high takes the wide arrangement

GROUPS = (
    ("Arms and legs (extremities)", ("64642", "64644", "64643", "64645")),
    ("Trunk", ("64646", "64647")),
    ("Head, neck and larynx", ("64612", "64616", "64617", "64615")),
    ("Not chemodenervation", ("64640",)),
    ("Guidance add-ons", ("95873", "95874")),
    ("Drug supply (HCPCS)", ("J0585", "J0586", "J0587", "J0588")),
)
ADDONS = ("64643", "64645")
GUIDANCE = ("95873", "95874")


class CodeBox(QGraphicsObject):
    """One clickable, focusable box."""

    activated = Signal(str)

    def __init__(self, code: str, caption: str, title: str, size, font: QFont, addon: bool,
                 badge: str = ""):
        super().__init__()
        self.code, self.caption, self.addon, self.badge = code, caption, addon, badge
        self._size = size
        self._font = font
        self.current = False
        self.colors: dict[str, QColor] = {}
        self.setFlag(QGraphicsItem.ItemIsFocusable, True)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.PointingHandCursor)
        self.setToolTip(f"{code}: {title}\nClick or press Enter to open.")
        self._hover = False

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._size.width(), self._size.height()).adjusted(-3, -3, 3, 3)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        c = self.colors
        rect = QRectF(0, 0, self._size.width(), self._size.height())
        fill = c["current"] if self.current else (c["hover"] if self._hover else c["box"])
        text = c["current_text"] if self.current else c["text"]
        pen = QPen(c["current"] if self.current else c["border"], 2.5 if self.current else 1.5)
        if self.addon:
            pen.setStyle(Qt.DashLine)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(rect, 6, 6)
        if self.hasFocus() or option.state & QStyle.State_HasFocus:
            painter.setPen(QPen(c["focus"], 2, Qt.DotLine))
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), 8, 8)
        bold = QFont(self._font)
        bold.setBold(True)
        fm = QFontMetricsF(bold)
        pad = fm.height() * 0.35
        painter.setPen(text)
        painter.setFont(bold)
        label = ("+" if self.addon else "") + self.code
        painter.drawText(QRectF(pad, pad, rect.width() - 2 * pad, fm.height()),
                         Qt.AlignLeft | Qt.AlignVCenter, label)
        if self.badge:
            painter.drawText(QRectF(pad, pad, rect.width() - 2 * pad, fm.height()),
                             Qt.AlignRight | Qt.AlignVCenter, self.badge)
        painter.setFont(self._font)
        painter.drawText(QRectF(pad, pad + fm.height(), rect.width() - 2 * pad,
                                rect.height() - fm.height() - 2 * pad),
                         Qt.AlignLeft | Qt.AlignTop | Qt.TextWordWrap, self.caption)

    def hoverEnterEvent(self, event):
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event):
        self._hover = False
        self.update()

    def focusInEvent(self, event):
        self.update()
        for view in self.scene().views() if self.scene() else []:
            view.ensureVisible(self, 10, 10)

    def focusOutEvent(self, event):
        self.update()

    def mousePressEvent(self, event):
        if event.button() == Qt.LeftButton:
            event.accept()
        else:
            event.ignore()

    def mouseReleaseEvent(self, event):
        if event.button() == Qt.LeftButton and self.boundingRect().contains(event.pos()):
            self.activated.emit(self.code)

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Space):
            self.activated.emit(self.code)
        else:
            event.ignore()


class FamilyMap(QGraphicsView):
    """The diagram. `code_activated(code)` when a box is chosen."""

    code_activated = Signal(str)

    def __init__(self, reference, parent=None):
        super().__init__(parent)
        self.ref = reference
        self.current = ""
        self.boxes: dict[str, CodeBox] = {}
        self.arrows: list[tuple[str, str]] = []
        self.guidance_follows: list[str] = []
        self._stale = False
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setAccessibleName("Family map of the chemodenervation codes")
        self.rebuild()

    # -- data ---------------------------------------------------------------------------

    def _relations(self) -> None:
        """Arrows and guidance primaries from the CMS add-on edits in force."""
        self.arrows = []
        for addon in ADDONS:
            for primary in self.ref.addon_primaries(addon):
                if primary in LAYOUT_TALL:
                    self.arrows.append((primary, addon))
        follows: set[str] = set()
        for g in GUIDANCE:
            follows |= set(self.ref.addon_primaries(g))
        self.guidance_follows = sorted(follows)

    def describe(self) -> str:
        """The relationships in words (the accessible description of the map)."""
        lines = []
        for addon in ADDONS:
            prims = [p for p, a in self.arrows if a == addon]
            lines.append(f"{addon} follows {' or '.join(prims) if prims else 'no primary'}")
        if self.guidance_follows:
            lines.append("95873 and 95874 may follow " + ", ".join(self.guidance_follows))
        return "; ".join(lines) + "."

    # -- drawing ------------------------------------------------------------------------

    def _colors(self) -> dict[str, QColor]:
        p = self.palette()
        box = QColor(p.color(p.ColorRole.Base))
        return {
            "box": box, "hover": QColor(p.color(p.ColorRole.AlternateBase)),
            "text": QColor(p.color(p.ColorRole.Text)),
            "border": QColor(p.color(p.ColorRole.Mid)),
            "current": QColor(p.color(p.ColorRole.Highlight)),
            "current_text": QColor(p.color(p.ColorRole.HighlightedText)),
            "focus": QColor(p.color(p.ColorRole.Link)),
            "arrow": QColor(p.color(p.ColorRole.WindowText)),
            "group": QColor(p.color(p.ColorRole.Window)),
            "muted": QColor(p.color(p.ColorRole.PlaceholderText)),
        }

    def rebuild(self) -> None:
        self._stale = False
        focused = next((c for c, b in self.boxes.items() if b.hasFocus()), None)
        scene = self.scene()
        scene.clear()
        self.boxes = {}
        self._relations()
        colors = self._colors()
        font = QFont(self.font())
        fm = QFontMetricsF(font)
        em = fm.horizontalAdvance("M")
        box_w, box_h = em * 13.5, fm.height() * 4.1
        gap_x, unit_y = em * 2.2, box_h
        scene.setBackgroundBrush(QBrush(colors["group"]))

        layout = self._choose_layout()
        self.layout_name = "wide" if layout is LAYOUT_WIDE else "tall"
        last_col = max(col for col, _row, _cap in layout.values())

        def pos(code):
            col, row, _ = layout[code]
            return QPointF(col * (box_w + gap_x), row * unit_y)

        size = QSizeF(box_w, box_h)
        # group frames with their headings
        head = QFont(font)
        head.setBold(True)
        hfm = QFontMetricsF(head)
        for title, codes in GROUPS:
            rect = QRectF()
            for code in codes:
                rect = rect.united(QRectF(pos(code), size))
            rect = rect.adjusted(-em * 0.6, -hfm.height() * 1.4, em * 0.6, em * 0.6)
            rect.setRight(max(rect.right(), rect.left() + hfm.horizontalAdvance(title) + em * 1.2))
            if title == "Guidance add-ons":
                rect.setRight(rect.left() + (box_w + gap_x) * last_col + box_w + em * 1.2)
            frame = scene.addRect(rect, QPen(colors["border"], 1, Qt.DotLine), Qt.NoBrush)
            frame.setZValue(-2)
            label = scene.addSimpleText(title, head)
            label.setBrush(colors["text"])
            label.setPos(rect.left() + em * 0.5, rect.top() + hfm.height() * 0.2)

        titles = {}
        for code in layout:
            titles[code] = self.ref.title(code) or ""
        for code, (_c, _r, caption) in layout.items():
            badge = "G" if code in self.guidance_follows else ""
            box = CodeBox(code, caption, titles[code], size, font,
                          addon=code in ADDONS or code in GUIDANCE, badge=badge)
            box.colors = colors
            box.current = code == self.current
            box.setPos(pos(code))
            box.activated.connect(self.code_activated)
            scene.addItem(box)
            self.boxes[code] = box

        pen = QPen(colors["arrow"], 1.8)
        for primary, addon in self.arrows:
            a, b = self.boxes[primary], self.boxes[addon]
            # an add-on with two primaries takes each arrow on its own side of the top edge
            prims = [p for p, x in self.arrows if x == addon]
            share = (prims.index(primary) + 1) / (len(prims) + 1)
            start = a.pos() + QPointF(box_w / 2, box_h)
            end = b.pos() + QPointF(box_w * share, 0)
            self._arrow(scene, start, end, pen, em * 0.8)

        # what guidance may follow, from the add-on edits
        g_left = self.boxes["95874"].pos().x() + box_w + gap_x
        text_w = (box_w + gap_x) * last_col + box_w - g_left
        never = [c for c in ("64617", "64640") if c not in self.guidance_follows]
        words = ("G marks the codes guidance may follow (CMS add-on edits): "
                 + ", ".join(self.guidance_follows) + "."
                 + (f" Not with {' or '.join(never)}." if never else "")
                 + " Report one guidance code per session, never both.")
        note = scene.addText(words, font)
        note.setDefaultTextColor(colors["text"])
        note.setTextWidth(text_w)
        note.setPos(g_left, self.boxes["95873"].pos().y() - fm.height() * 0.3)
        legend = scene.addText("Arrows: an add-on (dashed box) and the primary codes it may "
                               "follow. Click a box, or Tab to it and press Enter, to open "
                               "its page.", font)
        legend.setDefaultTextColor(colors["muted"])
        legend.setTextWidth(box_w * 4 + gap_x * 3)
        legend.setPos(0, self.boxes["J0585"].pos().y() + box_h + fm.height() * 1.2)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-em, -em, em, em))
        self.setAccessibleDescription(self.describe())
        if focused in self.boxes:
            self.boxes[focused].setFocus()

    @staticmethod
    def _arrow(scene, start: QPointF, end: QPointF, pen: QPen, head: float) -> None:
        path = QPainterPath(start)
        path.lineTo(end)
        scene.addPath(path, pen)
        angle = math.atan2(start.y() - end.y(), start.x() - end.x())
        p1 = end + QPointF(math.cos(angle + 0.45) * head, math.sin(angle + 0.45) * head)
        p2 = end + QPointF(math.cos(angle - 0.45) * head, math.sin(angle - 0.45) * head)
        scene.addPolygon(QPolygonF([end, p1, p2]), pen, QBrush(pen.color()))

    def _choose_layout(self) -> dict:
        vp = self.viewport()
        wide = vp.width() > WIDE_ASPECT * max(1, vp.height()) and vp.height() > 50
        return LAYOUT_WIDE if wide else LAYOUT_TALL

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        wanted = "wide" if self._choose_layout() is LAYOUT_WIDE else "tall"
        if self.boxes and wanted != getattr(self, "layout_name", wanted):
            self.rebuild()

    def set_current(self, code: str) -> None:
        self.current = code
        for c, box in self.boxes.items():
            if box.current != (c == code):
                box.current = c == code
                box.update()

    def focus_box(self, code: str) -> bool:
        box = self.boxes.get(code)
        if box is None:
            return False
        self.setFocus()
        box.setFocus()
        return True

    def changeEvent(self, event):
        # Colours and sizes come from palette and font: redraw when they change, at once
        # if the map is on screen, else when it is next shown.
        if event.type() in (QEvent.PaletteChange, QEvent.FontChange):
            if self.isVisible():
                self.rebuild()
            else:
                self._stale = True
        super().changeEvent(event)

    def showEvent(self, event):
        if self._stale:
            self.rebuild()
        super().showEvent(event)

    def focusInEvent(self, event):
        super().focusInEvent(event)
        if self.scene().focusItem() is None:
            first = self.boxes.get(self.current) or self.boxes.get("64642")
            if first is not None:
                first.setFocus()
