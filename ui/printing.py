"""Print a code page, or save it as PDF, through QPrinter (QtPrintSupport, loaded only
when the user prints: it is not needed for the first window)."""

from __future__ import annotations

import datetime as _dt
import pathlib

from PySide6.QtGui import QTextDocument


def _document(html: str, font) -> QTextDocument:
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setHtml(html)
    return doc


def print_header(code: str, releases: str) -> str:
    today = _dt.date.today().isoformat()
    return (f"<p style='color:#555555'>CodeDesk · {code} · printed {today} · data: "
            f"{releases}</p><hr/>")


def save_pdf(html: str, path: pathlib.Path | str, font, title: str = "") -> pathlib.Path:
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter
    path = pathlib.Path(path)
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageSize(QPageSize(QPageSize.Letter))
    printer.setPageOrientation(QPageLayout.Portrait)
    if title:
        printer.setDocName(title)
    _document(html, font).print_(printer)
    return path


def print_with_dialog(html: str, font, parent, title: str = "") -> bool:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    printer = QPrinter(QPrinter.HighResolution)
    if title:
        printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"Print {title}" if title else "Print")
    if dialog.exec() != QPrintDialog.Accepted:
        return False
    _document(html, font).print_(printer)
    return True
