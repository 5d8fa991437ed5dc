"""The pinned Qt binding must not lose references to None/True.

PySide6 6.12.0 on Python 3.11 gave back None from every wrapped method returning nothing,
and True from every Signal.emit(), without taking a reference: a day of typing in the
window ended in "Fatal Python error: deallocating None". pyproject.toml pins 6.11.3,
which has no such bug; this test fails if a pin ever brings it back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLineEdit


class _Emitter(QObject):
    fired = Signal(int)


def test_void_calls_and_emits_keep_their_references(qapp):
    edit = QLineEdit()
    emitter = _Emitter()
    received = []
    emitter.fired.connect(received.append)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(20_000):
        edit.setText("64643")            # returns nothing
        emitter.fired.emit(i)            # returns True
    assert len(received) == 20_000
    assert abs(sys.getrefcount(None) - none_before) < 100
    assert abs(sys.getrefcount(True) - true_before) < 100
