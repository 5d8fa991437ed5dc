"""What goes wrong in an import, in words for the person who chose the files.

Every error names the file, the line (or spreadsheet row) where it can be seen, and
what was wrong; nothing of the import is kept when one is raised.
"""

from __future__ import annotations

import pathlib

from db.errors import CodeDeskError


class BadFileError(CodeDeskError):
    """A file that cannot be imported: unknown kind, truncated, wrong encoding, a
    malformed value on a line, empty, or its columns not where CMS puts them."""

    def __init__(self, path, problem: str, line: int | None = None, unit: str = "line"):
        self.path = pathlib.Path(path)
        self.file = self.path.name
        self.problem = problem
        self.line = line
        self.unit = unit
        where = f"{self.file}, {unit} {line}" if line else self.file
        super().__init__(f"{where}: {problem}")

    def to_json(self) -> dict:
        return {"error": str(self), "file": self.file, "line": self.line,
                "problem": self.problem}


class ImportCancelled(CodeDeskError):
    """The user cancelled: nothing was changed."""

    def __init__(self, message: str = "The import was cancelled; nothing was changed."):
        super().__init__(message)


class ImportBusyError(CodeDeskError):
    """Another import into the same data folder is running."""


class ImportStorageError(CodeDeskError):
    """The imported data could not be written (a full disk, a read-only folder)."""
