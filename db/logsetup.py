"""Logging to a rotated file in the data folder; warnings also to stderr for commands."""

from __future__ import annotations

import logging
import logging.handlers
import pathlib
import sys

from db import paths

LOG_NAME = "codedesk.log"


class _NoTraceback(logging.Formatter):
    """The terminal gets the message; the traceback goes only to the log file."""

    def format(self, record: logging.LogRecord) -> str:
        return self.formatMessage(record) if record.exc_info is None else (
            f"codedesk: {record.getMessage()} (details in the log file)")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (Qt-free, std name)
        record.message = record.getMessage()
        return super().formatMessage(record)


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (it may be replaced after set-up)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def setup_logging(gui: bool = False) -> pathlib.Path | None:
    root = logging.getLogger("codedesk")
    if root.handlers:
        return getattr(root, "log_file", None)
    root.setLevel(logging.INFO)
    log_file = None
    try:
        log_file = paths.log_dir() / LOG_NAME
        handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=1_000_000,
                                                       backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    except OSError:
        log_file = None
    if not gui:
        err = _CurrentStderr()
        err.setLevel(logging.WARNING)
        err.setFormatter(_NoTraceback("codedesk: %(message)s"))
        root.addHandler(err)
    root.log_file = log_file
    return log_file
