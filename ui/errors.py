"""Errors for humans: an unexpected error never closes the window silently and never
shows a traceback. A dialog says what happened, offers "Copy details" and names the
log file; the window stays open (qutebrowser's crashsignal, Anki's errors.py).

faulthandler writes hard crashes (a segfault in a library) to a file in the log folder;
the next start tells the user it happened and where the details are.
"""

from __future__ import annotations

import faulthandler
import logging
import pathlib
import sys

from PySide6.QtWidgets import QApplication

log = logging.getLogger("codedesk.ui")

FAULT_LOG = "faults.log"
_fault_file = None


def plain_summary(exc: BaseException) -> str:
    """One sentence for the user: the error's own message when it is meant for people."""
    from db.errors import CodeDeskError
    if isinstance(exc, CodeDeskError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "The computer ran out of memory."
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"A file could not be used: {exc.strerror}{where}."
    return ("Something inside CodeDesk went wrong (an internal error of type "
            f"{type(exc).__name__}).")


def details_text(exc_type, exc, tb, log_file) -> str:
    import datetime as _dt   # imported when an error happens, not at start-up
    import platform
    import traceback
    try:
        from resources import __version__
    except ImportError:  # a packaged app may not expose the entry script as a module
        __version__ = "(version unknown)"
    lines = [f"CodeDesk {__version__}", f"Python {platform.python_version()} on "
             f"{platform.platform()}", f"Time: {_dt.datetime.now().isoformat(timespec='seconds')}",
             f"Log file: {log_file or 'not available'}", ""]
    lines += traceback.format_exception(exc_type, exc, tb)
    return "\n".join(line.rstrip("\n") for line in lines)


class ExceptionHandler:
    """Installed as sys.excepthook while the window runs."""

    def __init__(self, log_file):
        self.log_file = log_file
        self.showing = False
        self.last_dialog = None

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        if self.showing or QApplication.instance() is None:
            return  # one dialog at a time; the rest are in the log
        self.showing = True
        try:
            from ui.errordialog import ErrorDialog   # built only when an error happens
            parent = QApplication.activeWindow()
            dialog = ErrorDialog(plain_summary(exc), details_text(exc_type, exc, tb,
                                                                  self.log_file), self.log_file,
                                 parent)
            self.last_dialog = dialog
            dialog.exec()
        finally:
            self.showing = False


def install(log_file) -> ExceptionHandler:
    handler = ExceptionHandler(log_file)
    sys.excepthook = handler
    return handler


def enable_faulthandler(log_dir: pathlib.Path | None) -> str | None:
    """Write hard crashes to faults.log; return a message if the last run crashed."""
    global _fault_file
    if log_dir is None:
        faulthandler.enable()
        return None
    import datetime as _dt
    path = log_dir / FAULT_LOG
    message = None
    try:
        if path.exists() and path.stat().st_size > 0:
            stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            kept = path.with_name(f"faults-{stamp}.log")
            path.rename(kept)
            message = (f"CodeDesk stopped unexpectedly the last time it ran. The details were "
                       f"saved in {kept}.")
        _fault_file = open(path, "w", encoding="utf-8")  # noqa: SIM115 (kept open for faults)
        faulthandler.enable(file=_fault_file, all_threads=True)
    except OSError:
        faulthandler.enable()
    return message
