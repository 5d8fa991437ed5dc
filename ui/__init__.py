"""CodeDesk's window: Qt widgets only. Calls db/ and rules/; never SQL, never a coding rule.

Importing the package installs the guard against PySide6 6.12.0's reference-count bug
on Python 3.11 (ui/pyside_refcount.py): every process that shows a CodeDesk window or
dialog, tests included, goes through here first.
"""

from ui import pyside_refcount as _pyside_refcount

_pyside_refcount.install()
