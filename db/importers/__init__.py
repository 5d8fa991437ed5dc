"""Importing the official CMS files offline (issue 5): NCCI PTP and MUE edits, add-on
code edits, the PPRRVU relative value file, OPPS Addendum B, HCPCS Level II and
ICD-10-CM, into CODEDESK_DATA_DIR/imports.sqlite3 beside the bundled data.

    from db.importers import import_files, prepare, recognize
    result = import_files(["ccipra-v302r0-f1.txt", ...], progress=cb, cancel=event)

One small module per kind of file; detect recognises them, store keeps the releases,
changes says what changed, run ties them together. No Qt here (docs/import.md).
"""

from db.importers.changes import Change, ReleaseChanges
from db.importers.changes import text as changes_text
from db.importers.detect import Recognized, recognize
from db.importers.errors import (BadFileError, ImportBusyError, ImportCancelled,
                                 ImportStorageError)
from db.importers.run import (ImportResult, PreparedImport, ReleaseOutcome, group_releases,
                              import_files, prepare, recognize_all)
from db.importers.store import ImportStore

__all__ = ["BadFileError", "Change", "ImportBusyError", "ImportCancelled", "ImportResult",
           "ImportStorageError", "ImportStore", "PreparedImport", "Recognized", "ReleaseChanges", "ReleaseOutcome",
           "changes_text", "group_releases", "import_files", "prepare", "recognize",
           "recognize_all"]
