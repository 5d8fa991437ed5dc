"""Type-ahead search: a results model, and a controller that never shows a stale answer.

Each edit restarts a single-shot timer; when it fires the text gets a new generation
number and goes to a worker thread with its own read-only connection, so a slow query
never freezes typing. A worker skips requests that a newer one has overtaken, and
the controller drops any answer whose generation is not the latest (qutebrowser's
completer and Zeal's search sidebar do the same).
"""

from __future__ import annotations

import atexit
import logging
import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import (QAbstractListModel, QModelIndex, QObject, Qt, QThread, QTimer,
                            Signal, Slot)

if TYPE_CHECKING:   # db.models is not needed before the first paint
    from db.models import Hit

log = logging.getLogger("codedesk.ui.search")

# 0 ms: the search runs as soon as the keystrokes already queued have been handled, so
# a burst (paste, key repeat) costs one query and a typed key costs no added delay.
SEARCH_DELAY_MS = 0
RESULT_LIMIT = 50
# One or two characters match much of the code set: the first screenful is enough, and
# the query stays cheap (Zeal limits short queries the same way).
SHORT_QUERY_CHARS = 2
SHORT_QUERY_LIMIT = 20
CODE_ROLE = Qt.UserRole + 1
HIT_ROLE = Qt.UserRole + 2


_ROLES = frozenset((Qt.DisplayRole, Qt.ToolTipRole, Qt.AccessibleTextRole, CODE_ROLE,
                    HIT_ROLE))


class ResultsModel(QAbstractListModel):
    """The hits for one query, replaced in one step."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._display: list[str] = []
        self.query = ""

    def set_hits(self, query: str, hits: list[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        # display strings made once here: a paint asks data() many times per row
        self._display = [f"{h.code}   {h.title}" + ("" if h.system == "CPT"
                                                     else f"  ({h.system})") for h in hits]
        self.query = query
        self.endResetModel()

    def hits(self) -> list[Hit]:
        return list(self._hits)

    def codes(self) -> list[str]:
        return [h.code for h in self._hits]

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index, role=Qt.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._hits):
            return None
        if role == Qt.DisplayRole:
            return self._display[row]
        h = self._hits[row]
        if role in (Qt.ToolTipRole, Qt.AccessibleTextRole):
            return f"{h.code}, {h.system} {h.kind}: {h.title}"
        if role == CODE_ROLE:
            return h.code
        if role == HIT_ROLE:
            return h
        return None


class _Latest:
    """The newest generation, shared with the worker (an int read is atomic)."""

    value = 0


class _SearchWorker(QObject):
    finished = Signal(int, str, object)
    failed = Signal(int, str, str)

    def __init__(self, reference_factory, latest: _Latest):
        super().__init__()
        self._factory = reference_factory
        self._latest = latest
        self._ref = None
        self._stale_connection = False

    @Slot()
    def reopen(self) -> None:
        self._stale_connection = True

    @Slot()
    def close(self) -> None:
        if self._ref is not None:
            self._ref.close()
            self._ref = None

    @Slot(int, str, int)
    def run(self, generation: int, text: str, limit: int) -> None:
        if generation < self._latest.value:
            return  # overtaken by a newer request while queued
        try:
            if self._ref is None or self._stale_connection:
                self.close()
                self._ref = self._factory()
                self._stale_connection = False
            hits = self._ref.search(text, limit)
        except Exception as exc:  # shown as a plain message, logged with details
            log.exception("search for %r failed", text)
            self.failed.emit(generation, text, str(exc))
            return
        self.finished.emit(generation, text, hits)


class SearchController(QObject):
    """Turns edits into result lists; emits `results(text, hits)` for the latest text only."""

    results = Signal(str, list)
    failed = Signal(str)
    _request = Signal(int, str, int)
    _reopen = Signal()
    _close = Signal()

    def __init__(self, reference, parent=None, limit: int = RESULT_LIMIT):
        super().__init__(parent)
        self.limit = limit
        self.last_limit = limit
        self._latest = _Latest()
        self._pending = ""
        self.dropped = 0   # stale answers dropped (tests and the benchmark look at it)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._fire)
        path, imports = reference.path, getattr(reference, "imports_path", None)

        def factory():
            from db.reference import Reference
            return Reference(path, imports_path=imports)

        self._thread = QThread(self)
        self._thread.setObjectName("codedesk-search")
        self._worker = _SearchWorker(factory, self._latest)
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run)
        self._reopen.connect(self._worker.reopen)
        self._close.connect(self._worker.close)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()
        # a script that ends without quitting Qt must not leave the thread running
        ref = weakref.WeakMethod(self.shutdown)
        atexit.register(lambda: ref() and ref()())

    @property
    def generation(self) -> int:
        return self._latest.value

    def set_text(self, text: str) -> None:
        self._pending = text
        self._timer.start()

    def search_now(self, text: str) -> None:
        self._pending = text
        self._timer.stop()
        self._fire()

    def reload(self) -> None:
        """Imported releases changed: the worker reopens its connection before the next query."""
        self._reopen.emit()

    def _fire(self) -> None:
        self._latest.value += 1
        text = self._pending.strip()
        if not text:
            self.results.emit("", [])
            return
        self.last_limit = SHORT_QUERY_LIMIT if len(text) <= SHORT_QUERY_CHARS else self.limit
        self._request.emit(self._latest.value, text, self.last_limit)

    @Slot(int, str, object)
    def _on_finished(self, generation: int, text: str, hits) -> None:
        if generation != self._latest.value:
            self.dropped += 1
            return
        self.results.emit(text, list(hits))

    @Slot(int, str, str)
    def _on_failed(self, generation: int, text: str, message: str) -> None:
        if generation == self._latest.value:
            self.failed.emit(f"The search for “{text}” could not run: {message}")

    def shutdown(self) -> None:
        try:
            running = self._thread.isRunning()
        except RuntimeError:     # the C++ side is already gone
            return
        if running:
            self._latest.value += 1
            self._close.emit()
            self._thread.quit()
            self._thread.wait(5000)
