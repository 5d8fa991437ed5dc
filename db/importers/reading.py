"""Reading official files: how they are encoded, their lines or spreadsheet rows, and
how far the reading has got (for the progress bar and Cancel).

CMS publishes text as Windows-1252 (cp1252) as often as UTF-8. A file is scanned once
in blocks before it is parsed: the scan hashes it (importing the same release twice
changes nothing), decides its encoding, and rejects a file that is neither, naming the
line of the first byte that fits no encoding. Memory stays constant whatever the size.
"""

from __future__ import annotations

import codecs
import hashlib
import pathlib
import re
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from db.importers.errors import BadFileError, ImportCancelled

BLOCK = 1 << 20
HEAD_BYTES = 64 * 1024
HEAD_ROWS = 40
# Bytes that Windows-1252 leaves undefined: a file holding one is neither UTF-8 nor cp1252.
_CP1252_HOLES = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"

ProgressCallback = Callable[[float, str], None]


class Monitor:
    """Progress over all bytes of an import, and the user's Cancel.

    `cancel` is a threading.Event, a callable returning True to cancel, or None. The
    callback gets (fraction 0..1, message) at most every 50 ms. The work runs in
    phases (scan, load, index), each mapped onto its own stretch of the bar.
    """

    def __init__(self, total_bytes: int = 0, callback: ProgressCallback | None = None,
                 cancel=None):
        self.total = max(total_bytes, 1)
        self.base = 0
        self.callback = callback
        if cancel is None:
            self._cancelled = lambda: False
        elif isinstance(cancel, threading.Event):
            self._cancelled = cancel.is_set
        else:
            self._cancelled = cancel
        self.message = ""
        self._last = 0.0
        self._span = (0.0, 1.0)
        self.fraction = 0.0

    def check(self) -> None:
        if self._cancelled():
            raise ImportCancelled()

    def phase(self, start: float, end: float, total_bytes: int | None = None) -> None:
        self._span = (start, end)
        self.base = 0
        if total_bytes is not None:
            self.total = max(total_bytes, 1)

    def start_file(self, message: str) -> None:
        self.message = message
        self.report(0, force=True)

    def report(self, pos: int, force: bool = False) -> None:
        """`pos` bytes of the current file are done (checks Cancel too)."""
        self.check()
        now = time.monotonic()
        if self.callback and (force or now - self._last >= 0.05):
            self._last = now
            start, end = self._span
            done = min((self.base + pos) / self.total, 1.0)
            self.fraction = start + (end - start) * done
            self.callback(self.fraction, self.message)

    def end_file(self, size: int) -> None:
        self.base += size
        self.report(0, force=True)

    def say(self, message: str, fraction: float | None = None) -> None:
        self.check()
        self.message = message
        if fraction is not None:
            self.fraction = fraction
        if self.callback:
            self.callback(self.fraction, message)


@dataclass(frozen=True)
class Scan:
    """What one pass over a file found: its size, hash and encoding (text files)."""

    size: int
    sha256: str
    encoding: str | None     # None for a workbook


def magic(path: pathlib.Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(4)


def check_readable(path: pathlib.Path) -> int:
    if not path.exists():
        raise BadFileError(path, "no such file")
    if path.is_dir():
        raise BadFileError(path, "this is a folder; choose the files inside it")
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as exc:
        raise BadFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise BadFileError(path, "the file is empty")
    return size


def _line_of(data: bytes, offset: int, lines_before: int) -> int:
    return lines_before + data.count(b"\n", 0, offset) + 1


def scan(path: pathlib.Path, monitor: Monitor | None = None, workbook: bool = False) -> Scan:
    """Hash the file and decide its encoding in one streaming pass.

    UTF-8 (with or without BOM) is taken as such; otherwise Windows-1252. UTF-16, NUL
    bytes and bytes undefined in cp1252 are rejected with their line number.
    """
    size = check_readable(path)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    lines = 0
    seen_text = False
    bad_nul = bad_hole = None
    pos = 0
    with path.open("rb") as fh:
        first = True
        while True:
            block = fh.read(BLOCK)
            if not block:
                break
            digest.update(block)
            if not workbook:
                if first and (block.startswith(codecs.BOM_UTF16_LE)
                              or block.startswith(codecs.BOM_UTF16_BE)):
                    raise BadFileError(path, "the file is encoded as UTF-16; CMS files are "
                                       "UTF-8 or Windows-1252 (cp1252) text. Use the file as "
                                       "CMS published it.", line=1)
                if bad_nul is None and b"\x00" in block:
                    bad_nul = _line_of(block, block.index(b"\x00"), lines)
                if utf8_ok:
                    try:
                        decoder.decode(block)
                    except UnicodeDecodeError:
                        utf8_ok = False
                if not utf8_ok and bad_hole is None:
                    m = _CP1252_HOLES.search(block)
                    if m:
                        bad_hole = (_line_of(block, m.start(), lines), block[m.start()])
                if not seen_text and block.strip():
                    seen_text = True
                lines += block.count(b"\n")
            first = False
            pos += len(block)
            if monitor:
                monitor.report(pos)
    if workbook:
        return Scan(size, digest.hexdigest(), None)
    if bad_nul is not None:
        raise BadFileError(path, "the file holds NUL bytes: it is binary or UTF-16, not the "
                           "text file CMS publishes", line=bad_nul)
    if not seen_text:
        raise BadFileError(path, "the file is empty (only blank lines)")
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise BadFileError(path, "the file ends in the middle of a character: it seems "
                               "truncated. Copy it again from the CMS download.",
                               line=lines + 1) from None
        return Scan(size, digest.hexdigest(), "utf-8-sig")
    if bad_hole is not None:
        line, byte = bad_hole
        raise BadFileError(path, f"byte 0x{byte:02X} is neither UTF-8 nor Windows-1252 "
                           "(cp1252) text: unexpected encoding", line=line)
    return Scan(size, digest.hexdigest(), "cp1252")


def head_text(path: pathlib.Path, nbytes: int = HEAD_BYTES) -> str:
    """The start of a text file, decoded leniently, for recognising what it is."""
    with path.open("rb") as fh:
        raw = fh.read(nbytes)
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 3:      # a character cut by the head's end
            return raw[:exc.start].decode("utf-8-sig", errors="replace")
        return raw.decode("cp1252", errors="replace")


def text_lines(path: pathlib.Path, encoding: str, monitor: Monitor | None,
               every: int = 8192) -> Iterator[tuple[int, str]]:
    """(line number, line with its ending) in constant memory."""
    with path.open("r", encoding=encoding, newline="") as fh:
        raw = fh.buffer
        n = 0
        for n, line in enumerate(fh, 1):
            if monitor and n % every == 0:
                monitor.report(raw.tell())
            yield n, line


def open_workbook(path: pathlib.Path):
    """An openpyxl workbook in read-only (streaming) mode, or a clear error."""
    import openpyxl
    if not zipfile.is_zipfile(path):
        raise BadFileError(path, "the workbook is damaged or truncated (it is not a complete "
                           ".xlsx file). Copy it again from the CMS download.")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadFileError(path, f"the workbook cannot be read ({exc}): it may be damaged or "
                           "truncated") from None
    except Exception as exc:  # openpyxl raises a variety of parser errors on bad XML
        raise BadFileError(path, f"the workbook cannot be read ({type(exc).__name__}): it may "
                           "be damaged or truncated") from None


def workbook_rows(path: pathlib.Path, monitor: Monitor | None, size: int = 0,
                  every: int = 2048) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of the first worksheet, streamed."""
    wb = open_workbook(path)
    try:
        ws = wb.worksheets[0]
        try:
            total = ws.max_row or 0
        except Exception:  # noqa: BLE001 - a sheet without dimensions
            total = 0
        try:
            for n, row in enumerate(ws.iter_rows(values_only=True), 1):
                if monitor and n % every == 0 and total:
                    monitor.report(int(size * min(n / total, 1.0)))
                yield n, [cell_text(v) for v in row]
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise BadFileError(path, f"the workbook ends early ({exc}): it seems truncated",
                               line=None) from None
        except BadFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - malformed sheet XML
            if type(exc).__name__ in ("ParseError", "XMLSyntaxError"):
                raise BadFileError(path, "the worksheet is damaged or truncated",
                                   line=None) from None
            raise
    finally:
        wb.close()


def cell_text(value) -> str:
    """A spreadsheet cell as the text the TXT/CSV version of the file would hold."""
    import datetime as _dt
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y%m%d")
    if isinstance(value, _dt.date):
        return value.strftime("%Y%m%d")
    return str(value).strip()


def workbook_head(path: pathlib.Path, rows: int = HEAD_ROWS) -> list[list[str]]:
    out = []
    for n, cells in workbook_rows(path, None):
        out.append(cells)
        if n >= rows:
            break
    return out


def records(path: pathlib.Path, fmt: str, encoding: str | None, monitor: Monitor | None,
            delimiter: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line or row number, cells) of a delimited text file or a workbook, streamed.

    Text is read with the csv module (quoted cells may hold commas and line breaks, as
    the MUE header does); the delimiter is a tab when the file's first lines hold more
    tabs than commas.
    """
    import csv
    if fmt == "xlsx":
        yield from workbook_rows(path, monitor, path.stat().st_size)
        return
    if delimiter is None:
        sample = head_text(path, 16 * 1024)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    with path.open("r", encoding=encoding, newline="") as fh:
        raw = fh.buffer
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        n = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = reader.line_num
                if "end of data" in str(exc):
                    raise BadFileError(path, "the file ends inside a quoted cell: it seems "
                                       "truncated. Copy it again from the CMS download.",
                                       line=line) from None
                kind = "tab-delimited" if delimiter == "\t" else "CSV"
                raise BadFileError(path, f"malformed {kind} line ({exc})", line=line) from None
            n += 1
            if monitor and n % 2048 == 0:
                monitor.report(raw.tell())
            yield reader.line_num, cells


def last_line_unterminated(path: pathlib.Path) -> bool:
    """True when the file's last byte is not a line ending (a cut-off copy, often)."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            return False
        fh.seek(-1, 2)
        return fh.read(1) not in (b"\n", b"\r")


def find_header(records, header: Callable, *, path, unit: str, within: int, missing: str,
                first: str = "code", whole: str = "file") -> tuple[int, object]:
    """Read `records` ((number, cells) pairs) up to the header row: `header(n, cells)`
    returns the header's value, or None for a row above it (it may also refuse a header
    whose columns moved, by raising). Returns (n, value); the records go on after it.

    No header within `within` rows: `missing` says which layout the file is not. The
    file ending first: it is truncated.
    """
    for n, cells in records:
        found = header(n, cells)
        if found is not None:
            return n, found
        if n >= within:
            raise BadFileError(path, missing, line=n, unit=unit)
    raise BadFileError(path, f"the {whole} ends before its first {first}: it seems truncated")
