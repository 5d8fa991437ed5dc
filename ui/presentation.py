"""Presentation mode: a scenario and the engine's decision for a class, step by step.

Full screen, white and yellow on black, text never under 24 px. The trainer steps
with Page Down / Page Up (what a presenter clicker sends), the arrow keys, Space or
Backspace; Home and End jump; M shows the family map enlarged with the step's codes
highlighted; Esc leaves. The slides are rules.training.walkthrough's steps, framed by
the case before them and the teaching points after; the claim builds up beside them.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (QFrame, QGraphicsTextItem, QHBoxLayout, QLabel, QSizePolicy,
                               QStackedLayout, QVBoxLayout, QWidget)

from rules import training as T
from ui.familymap import FamilyMap

e = html.escape

# Pixel sizes: the smallest (the key help and the map) still reads from the back of a room.
TITLE_PX, STEP_TITLE_PX, BODY_PX, MIN_BODY_PX, SMALL_PX, MAP_PX = 44, 36, 30, 26, 26, 24
COLORS = {"bg": "#000000", "text": "#ffffff", "accent": "#ffd400", "source": "#8fd3ff",
          "muted": "#e0e0e0", "panel": "#111111", "rule": "#ffffff", "no": "#ff9e9e",
          "ok": "#7dff9a"}
MAX_WARNINGS_SHOWN = 6
_SOURCE_TAIL = re.compile(r"^(.*?)\s*(\[[^\[\]]*\])\s*$", re.S)

NEXT_KEYS = (Qt.Key_PageDown, Qt.Key_Right, Qt.Key_Down, Qt.Key_Space, Qt.Key_Return,
             Qt.Key_Enter, Qt.Key_N)
BACK_KEYS = (Qt.Key_PageUp, Qt.Key_Left, Qt.Key_Up, Qt.Key_Backspace, Qt.Key_P)


def high_contrast_palette() -> QPalette:
    p = QPalette()
    c = {QPalette.Window: COLORS["bg"], QPalette.WindowText: COLORS["text"],
         QPalette.Base: COLORS["bg"], QPalette.AlternateBase: "#222222",
         QPalette.Text: COLORS["text"], QPalette.Button: COLORS["bg"],
         QPalette.ButtonText: COLORS["text"], QPalette.Highlight: COLORS["accent"],
         QPalette.HighlightedText: "#000000", QPalette.Mid: COLORS["rule"],
         QPalette.PlaceholderText: COLORS["muted"], QPalette.Link: COLORS["source"],
         QPalette.ToolTipBase: COLORS["bg"], QPalette.ToolTipText: COLORS["text"]}
    for role, color in c.items():
        p.setColor(QPalette.All, role, QColor(color))
    return p


def _font(px: int, bold: bool = False, base: QFont | None = None) -> QFont:
    f = QFont(base) if base is not None else QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def _reason_html(text: str) -> str:
    """A reason with its trailing [sources] shown in the source colour."""
    m = _SOURCE_TAIL.match(text)
    if not m:
        return e(text)
    return f"{e(m.group(1))} <span style='color:{COLORS['source']}'>{e(m.group(2))}</span>"


class PresenterMap(FamilyMap):
    """The main window's family map, fitted to its space, several codes highlighted, and
    not interactive (the keys belong to the presentation)."""

    _codes: tuple[str, ...] = ()

    def __init__(self, reference, parent=None):
        super().__init__(reference, parent)
        self.setFocusPolicy(Qt.NoFocus)
        self.setAttribute(Qt.WA_TransparentForMouseEvents, True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.NoFrame)
        self.setAlignment(Qt.AlignCenter)

    def set_codes(self, codes) -> None:
        self._codes = tuple(codes)
        self.current = self._codes[0] if self._codes else ""
        for code, box in self.boxes.items():
            on = code in self._codes
            if box.current != on:
                box.current = on
                box.update()

    def rebuild(self) -> None:
        super().rebuild()
        # The map's legend invites clicks; nothing here is clicked, and the room it
        # takes is better spent on larger boxes.
        for item in self.scene().items():
            if isinstance(item, QGraphicsTextItem) and item.toPlainText().startswith("Arrows:"):
                self.scene().removeItem(item)
        self.scene().setSceneRect(self.scene().itemsBoundingRect().adjusted(-8, -8, 8, 8))
        self.set_codes(self._codes)
        self._fit()

    def _fit(self) -> None:
        rect = self.scene().sceneRect()
        if rect.isEmpty() or self.viewport().width() < 10:
            return
        self.resetTransform()
        scale = min(self.viewport().width() / rect.width(),
                    self.viewport().height() / rect.height())
        self.scale(scale, scale)
        self.centerOn(rect.center())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def rendered_scale(self) -> float:
        return self.transform().m11()

    def rendered_text_px(self) -> float:
        """The height of the map's text as drawn on screen (font height x the fit scale)."""
        return QFontMetrics(self.font()).height() * self.rendered_scale()


class PresentationWindow(QWidget):
    """The slides of one scenario. `index` is the slide shown; `slides` their content."""

    closed = Signal()
    step_changed = Signal(int)

    def __init__(self, reference, parent=None):
        super().__init__(parent)
        self.ref = reference
        self.setWindowTitle("CodeDesk presentation")
        self.setObjectName("presentation")
        self.setPalette(high_contrast_palette())
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.StrongFocus)
        self.scenario: T.Scenario | None = None
        self.decision = None
        self.slides: list[T.Step] = []
        self.index = 0
        self.map_shown = False
        self._build()

    # -- building -------------------------------------------------------------------------

    def _label(self, px: int, bold: bool = False, color: str = COLORS["text"],
               name: str = "") -> QLabel:
        lab = QLabel()
        lab.setFont(_font(px, bold, self.font()))
        lab.setWordWrap(True)
        lab.setTextFormat(Qt.RichText)
        lab.setStyleSheet(f"color: {color}; background: transparent;")
        lab.setFocusPolicy(Qt.NoFocus)
        lab.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        if name:
            lab.setAccessibleName(name)
        return lab

    def _build(self) -> None:
        self.title = self._label(TITLE_PX, True, COLORS["accent"], "Scenario")
        self.counter = self._label(SMALL_PX, False, COLORS["muted"], "Step")
        self.counter.setAlignment(Qt.AlignRight | Qt.AlignTop)
        self.counter.setWordWrap(False)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.counter, 0)

        self.step_title = self._label(STEP_TITLE_PX, True, COLORS["text"], "Step title")
        self.body = self._label(BODY_PX, False, COLORS["text"], "Step")
        self.body.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        left = QVBoxLayout()
        left.addWidget(self.step_title)
        left.addSpacing(12)
        left.addWidget(self.body, 1)

        self.claim_title = self._label(STEP_TITLE_PX, True, COLORS["accent"], "The claim")
        self.claim_title.setText("The claim")
        self.claim_lines = self._label(BODY_PX, False, COLORS["text"], "Claim lines so far")
        self.claim_lines.setFont(_font(BODY_PX, False, QFont("DejaVu Sans Mono")))
        self.claim_lines.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        panel = QFrame()
        panel.setObjectName("claimpanel")
        panel.setStyleSheet(f"#claimpanel {{ border: 3px solid {COLORS['rule']}; "
                            f"background: {COLORS['panel']}; }}")
        pl = QVBoxLayout(panel)
        pl.setContentsMargins(24, 18, 24, 18)
        pl.addWidget(self.claim_title)
        pl.addWidget(self.claim_lines, 1)

        body = QHBoxLayout()
        body.addLayout(left, 60)
        body.addSpacing(36)
        body.addWidget(panel, 40)
        steps_page = QWidget()
        sl = QVBoxLayout(steps_page)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addLayout(body)

        self.map = PresenterMap(self.ref)
        self.map.setFont(_font(MAP_PX, False, self.font()))
        self.map.setAccessibleName("Family map, enlarged")
        map_page = QWidget()
        ml = QVBoxLayout(map_page)
        ml.setContentsMargins(0, 0, 0, 0)
        self.map_caption = self._label(STEP_TITLE_PX, True, COLORS["text"], "Step title")
        ml.addWidget(self.map_caption)
        ml.addWidget(self.map, 1)

        self.pages = QStackedLayout()
        self.pages.addWidget(steps_page)
        self.pages.addWidget(map_page)

        self.keys = self._label(SMALL_PX, False, COLORS["muted"], "Keys")
        self.keys.setText("Page Down / → next  ·  Page Up / ← back  ·  M family map  ·  "
                          "Esc leave")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(56, 36, 56, 28)
        outer.addLayout(head)
        line = QFrame()
        line.setFrameShape(QFrame.HLine)
        line.setStyleSheet(f"color: {COLORS['rule']}; background: {COLORS['rule']};")
        line.setFixedHeight(3)
        outer.addWidget(line)
        outer.addSpacing(20)
        outer.addLayout(self.pages, 1)
        outer.addSpacing(12)
        outer.addWidget(self.keys)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(1920, 1080)

    # -- content ---------------------------------------------------------------------------

    def show_scenario(self, scenario: T.Scenario, decision) -> None:
        self.scenario, self.decision = scenario, decision
        case = T.Step("case", "The case", (scenario.vignette,))
        steps = T.walkthrough(scenario, decision) if decision is not None else [
            T.Step("claim", "The expected claim", tuple(ln.label() for ln in scenario.lines),
                   (), tuple(ln.code for ln in scenario.lines))]
        points = T.Step("points", "Teaching points",
                        tuple(tp.text + (f" [{', '.join(tp.sources)}]" if tp.sources else "")
                              for tp in scenario.teaching_points),
                        tuple(s for tp in scenario.teaching_points for s in tp.sources))
        self.slides = [case] + [self._condensed(s) for s in steps] + \
            ([points] if scenario.teaching_points else [])
        self.title.setText(e(scenario.title))
        self.go(0)

    @staticmethod
    def _condensed(step: T.Step) -> T.Step:
        """The warnings step as it fits a screen: coverage notes counted, not listed."""
        if step.kind != "warnings":
            return step
        coverage = [p for p in step.points if p.startswith("coverage:")
                    and "prior authorization" not in p]
        rest = [p if len(p) <= 400 else p[:397].rstrip() + "…"
                for p in step.points if p not in coverage]
        shown = rest[:MAX_WARNINGS_SHOWN]
        if len(rest) > len(shown):
            shown.append(f"and {len(rest) - len(shown)} more notes in the practice result")
        if coverage:
            shown.append(f"coverage: {len(coverage)} notes on LCDs and billing articles "
                         "(CodeDesk has not reviewed their content): see the practice result")
        return T.Step(step.kind, step.title, tuple(shown), step.sources, step.codes)

    # -- stepping ----------------------------------------------------------------------------

    def go(self, index: int) -> None:
        if not self.slides:
            return
        index = max(0, min(index, len(self.slides) - 1))
        self.index = index
        step = self.slides[index]
        self.step_title.setText(e(step.title))
        if step.kind == "case":
            self.body.setText(f"<p style='line-height:130%'>{e(step.points[0])}</p>")
        else:
            self.body.setText("<ul style='margin-left:0'>" + "".join(
                f"<li style='margin-bottom:10px'>{_reason_html(p)}</li>"
                for p in step.points) + "</ul>")
        self.claim_lines.setText(self._claim_so_far())
        self._update_counter()
        self.map.set_codes(self._codes_so_far() if step.kind == "claim" else step.codes)
        self._fit_body()
        self.step_changed.emit(index)

    def next(self) -> None:
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)

    def _lines_revealed(self) -> int:
        return sum(s.kind == "line" for s in self.slides[:self.index + 1])

    def _codes_so_far(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for s in self.slides[:self.index + 1]
                                   if s.kind == "line" for c in s.codes))

    def _claim_so_far(self) -> str:
        if self.decision is None:
            return e("data not available: the engine could not decide this encounter")
        shown = self._lines_revealed()
        current = self.slides[self.index]
        rows = []
        for n, ln in enumerate(self.decision.lines[:shown], 1):
            label = T.ClaimEntry(ln.code, tuple(ln.modifiers), ln.units).label()
            mark = current.kind == "line" and n == shown
            color = COLORS["accent"] if mark else COLORS["text"]
            rows.append(f"<div style='color:{color}'>{'▶ ' if mark else '&nbsp;&nbsp;'}"
                        f"{e(label)}</div>")
        past_nr = [s for s in self.slides[:self.index + 1] if s.kind == "not_reported"]
        for s in past_nr:
            code = s.codes[0] if s.codes else ""
            rows.append(f"<div style='color:{COLORS['no']}'>&nbsp;&nbsp;<s>{e(code)}</s> "
                        "not reported</div>")
        if not rows:
            return (f"<span style='color:{COLORS['muted']}'>Builds here, line by line.</span>")
        return "".join(rows)

    def _fit_body(self) -> None:
        """Shrink the body text to fit its space, never under MIN_BODY_PX."""
        width = self.body.width()
        height = self.body.height()
        if width < 50 or height < 50:
            return
        for px in range(BODY_PX, MIN_BODY_PX - 1, -2):
            self.body.setFont(_font(px, False, self.font()))
            if self.body.heightForWidth(width) <= height:
                break

    def _update_counter(self) -> None:
        self.counter.setText(f"{self.index + 1} / {len(self.slides)}")
        if self.slides:
            self.map_caption.setText(e(self.slides[self.index].title))

    def toggle_map(self) -> None:
        self.map_shown = not self.map_shown
        self.pages.setCurrentIndex(1 if self.map_shown else 0)
        # the map gets the whole height the key line took
        self.keys.setVisible(not self.map_shown)
        self._update_counter()

    def text_widgets(self) -> list[QWidget]:
        """Every widget that shows text (tests check their size)."""
        return [self.title, self.counter, self.step_title, self.body, self.claim_title,
                self.claim_lines, self.keys, self.map_caption, self.map]

    def smallest_text_px(self) -> int:
        return min(QFontMetrics(w.font()).height() for w in self.text_widgets())

    # -- keys -------------------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key in NEXT_KEYS:
            self.next()
        elif key in BACK_KEYS:
            self.previous()
        elif key == Qt.Key_Home:
            self.go(0)
        elif key == Qt.Key_End:
            self.go(len(self.slides) - 1)
        elif key == Qt.Key_M:
            self.toggle_map()
        elif key in (Qt.Key_Escape, Qt.Key_Q):
            self.close()
        elif key == Qt.Key_F11:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_body()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.isFullScreen():
            self.showNormal()
        super().closeEvent(event)
        self.closed.emit()
