"""Start the window: the QApplication (name, colour scheme, text size applied before the
window shows), the error dialog for anything unexpected, the reference and user data.

CODEDESK_QUIT_AFTER_PAINT=1 makes the app quit right after the window's first paint and
print the seconds since the process started (benchmarks/bench_ui.py uses it).
"""

from __future__ import annotations

import logging
import os
import sys
import time

log = logging.getLogger("codedesk.ui")

QUIT_AFTER_PAINT = "CODEDESK_QUIT_AFTER_PAINT"


def _process_start() -> float:
    """time.time() at which this process started.

    The benchmark passes the moment it spawned the process (CODEDESK_QUIT_AFTER_PAINT=<t>);
    otherwise Linux's process start time is used (10 ms resolution), else now.
    """
    value = os.environ.get(QUIT_AFTER_PAINT, "")
    try:
        if float(value) > 1e9:
            return float(value)
    except ValueError:
        pass
    try:
        with open(f"/proc/{os.getpid()}/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return time.time() - (uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.time()


def _qt_message_handler(mode, context, message) -> None:
    from PySide6.QtCore import QtMsgType
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING,
             QtMsgType.QtCriticalMsg: logging.ERROR,
             QtMsgType.QtFatalMsg: logging.CRITICAL}.get(mode, logging.WARNING)
    logging.getLogger("codedesk.qt").log(level, "%s", message)


def create_application(argv, userdata=None):
    """The QApplication with CodeDesk's name, colour scheme and text size."""
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from ui import theme
    app = QApplication.instance() or QApplication(list(argv))
    app.setApplicationName("CodeDesk")
    app.setOrganizationName("CodeDesk")
    app.setApplicationDisplayName("CodeDesk")
    app.setDesktopFileName("codedesk")
    qInstallMessageHandler(_qt_message_handler)
    scheme, scale = theme.SYSTEM, theme.DEFAULT_SCALE
    if userdata is not None:
        scheme = userdata.setting(theme.KEY_SCHEME, theme.SYSTEM)
        scale = userdata.setting(theme.KEY_SCALE, theme.DEFAULT_SCALE)
    theme.apply(app, scheme, scale)
    return app


class _AfterPaint:
    """Calls `callback` once, as soon as `widget` has painted for the first time."""

    def __init__(self, widget, callback):
        from PySide6.QtCore import QEvent, QObject, QTimer

        outer = self

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802
                if event.type() == QEvent.Paint:
                    obj.removeEventFilter(self)
                    QTimer.singleShot(0, outer.callback)
                return False

        self.callback = callback
        self.filter = Filter()
        widget.installEventFilter(self.filter)


def run_gui(argv) -> int:
    started = _process_start()
    from db.errors import CodeDeskError
    from db.logsetup import setup_logging
    from db.paths import log_dir
    from db.userdata import UserData

    log_file = setup_logging(gui=True)
    from ui import errors
    try:
        crash_message = errors.enable_faulthandler(log_dir())
    except OSError:
        crash_message = None
    handler = errors.install(log_file)

    userdata = None
    user_error = None
    try:
        userdata = UserData()
    except CodeDeskError as exc:
        user_error = str(exc)
    if userdata is None:
        # The data folder is unusable (read-only, full): carry on with a throw-away store
        # so the reference still works, and say so once the window is up.
        import pathlib
        import tempfile
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="codedesk-")) / "user.sqlite3"
        userdata = UserData(tmp)
        user_error = (f"{user_error} CodeDesk runs, but notes and bookmarks made now are kept "
                      f"only until you close it ({tmp}).")
    app = create_application(argv, userdata)

    from PySide6.QtWidgets import QMessageBox

    from ui.mainwindow import MainWindow
    window = MainWindow(None, userdata)
    probe = os.environ.get(QUIT_AFTER_PAINT)
    state = {"reference": None}

    def first_paint() -> None:
        if probe:
            print(f"first-paint {time.time() - started:.4f}", flush=True)
        # Opened after the first paint: the window shows at once, the data follows.
        try:
            from db.reference import open_reference
            state["reference"] = open_reference()
        except CodeDeskError as exc:
            log.error("reference database: %s", exc)
            QMessageBox.critical(window, "CodeDesk cannot start",
                                 f"{exc}\n\nLog file: {log_file}")
            app.exit(3)
            return
        window.attach_reference(state["reference"])
        if probe:
            _AfterPaint(window.browser.viewport(), ready)

    def ready() -> None:
        print(f"ready {time.time() - started:.4f}", flush=True)
        window.close()

    # the page's frame paints in the same pass as its text; asking for the viewport
    # itself here would cost PySide a burst of type set-up before the first paint
    after = _AfterPaint(window.browser, first_paint)  # noqa: F841 (kept alive)
    window.show()
    for message in (crash_message, user_error):
        if message:
            window.statusBar().showMessage(message, 30000)
            window._show_banner(message)
    code = app.exec()
    try:
        userdata.close()
        if state["reference"] is not None:
            state["reference"].close()
    except Exception:  # closing is best effort at exit
        log.exception("closing the databases")
    return code


if __name__ == "__main__":
    sys.exit(run_gui(sys.argv))
