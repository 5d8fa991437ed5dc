"""An import killed midway (power cut, Task Manager) leaves the previous imported data
exactly as it was, and the next import cleans up and succeeds (issue 5)."""

from __future__ import annotations

import hashlib
import os
import pathlib
import signal
import subprocess
import sys
import textwrap

import pytest

from db.importers import import_files
from db.reference import Reference
from tests import cmsfiles
from tests.test_import import curated_ptp

ROOT = pathlib.Path(__file__).resolve().parent.parent
ROWS = 300_000

CHILD = textwrap.dedent("""
    import pathlib
    import sys
    from db.importers import import_files

    def progress(fraction, message):
        print(f"{fraction:.3f} {message}", flush=True)

    import_files(sys.argv[2:], progress=progress, reference_path=pathlib.Path(sys.argv[1]))
    print("FINISHED", flush=True)
""")


def sha(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def synthetic_rows(n: int):
    rationale = ("Standards of medical/surgical practice", "Mutually exclusive procedures")
    return [(f"{10000 + i % 8000:05d}", f"{20000 + i // 8000:05d}", "20100101",
             "*" if i % 7 else "20191231", "01"[i % 2], rationale[i % 2]) for i in range(n)]


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_killed_import_leaves_previous_data_intact(reference_path, data_dir, tmp_path):
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    import_files(cmsfiles.write_ptp_txt(earlier, curated_ptp(), version="v303r0"),
                 reference_path=reference_path)
    db = data_dir / "imports.sqlite3"
    before, stamp = sha(db), db.stat().st_mtime_ns

    big = tmp_path / "big"
    big.mkdir()
    files = cmsfiles.write_ptp_txt(big, synthetic_rows(ROWS), version="v310r0")
    env = dict(os.environ, CODEDESK_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(reference_path),
                              *map(str, files)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        killed_at = None
        for line in child.stdout:
            if line.startswith("FINISHED"):
                break
            fraction, message = line.split(" ", 1)
            if float(fraction) > 0.4 and message.startswith("Reading"):
                child.send_signal(signal.SIGKILL)
                killed_at = line.strip()
                break
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert killed_at, "the import finished before it could be killed"
    assert child.returncode == -signal.SIGKILL

    # The previous data: the same bytes, and readable as before.
    assert sha(db) == before and db.stat().st_mtime_ns == stamp
    leftovers = [p for p in data_dir.iterdir() if p.name.startswith(".imports-building")]
    assert leftovers, "the killed import was building aside"
    ref = Reference(reference_path, imports_path=db)
    assert [r.id for r in ref.releases("ptp_practitioner") if r.imported] == [
        "imp-ptp-practitioner-v303r0"]
    ref.close()

    # The next import removes what the killed one left and completes.
    result = import_files(files, reference_path=reference_path)
    assert result.releases[0].rows == ROWS
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".imports-building")]
    ref = Reference(reference_path, imports_path=db)
    assert ref.release_in_force("ptp_practitioner", "2025-02-01").id == \
        "imp-ptp-practitioner-v310r0"
    assert len(ref.ptp_edits("20003", "practitioner", "2025-02-01")) == 8000
    ref.close()
