"""A guard against a reference-count bug of PySide6 6.12.0 on Python 3.11.

Measured on this project's pinned stack (PySide6-Essentials 6.12.0, CPython 3.11): every
call of a wrapped Qt method that returns nothing gives back `None` without taking a
reference to it, and every `Signal.emit()` does the same with `True`. On Python 3.12+
those objects are immortal (PEP 683) and nothing happens; on 3.11 their counts fall by
one per call until Python aborts with "Fatal Python error: none_dealloc: deallocating
None" (None starts near 4,000 references, True near 50). A coder typing all day makes
far more calls than that: benchmarks/bench_ui.py died after a few thousand keystrokes.

The guard makes None, True and False as good as immortal, which is what Python 3.12
does for every program: it adds 2**40 to their counts once, at start. Nothing is
allocated, and nothing is undone at exit (so an exit cannot trip over them either).
It does nothing on 3.12+, on other interpreters and on debug builds.

Remove it once PySide6 is fixed or the project moves to Python 3.12+
(tests/test_ui_window.py checks that the guard holds).
"""

from __future__ import annotations

import ctypes
import sys

MARGIN = 1 << 40
_installed = False


def needed() -> bool:
    return (sys.implementation.name == "cpython" and sys.version_info < (3, 12)
            and not hasattr(sys, "gettotalrefcount"))


def install() -> bool:
    """Idempotent; True when the counts were raised (now or before)."""
    global _installed
    if _installed or not needed():
        return _installed
    for obj in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython 3.11
        count = ctypes.c_ssize_t.from_address(id(obj))
        count.value += MARGIN
    _installed = True
    return True
