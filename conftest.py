"""Root test configuration: no display, and never the user's real data folder."""

import os
import tempfile

# Before any QApplication exists: without a platform Qt aborts the whole run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every test run gets a throw-away data folder unless a test sets its own.
os.environ["CODEDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="codedesk-test-data-")
