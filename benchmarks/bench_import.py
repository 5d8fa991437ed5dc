"""Importing a full-size NCCI PTP practitioner release in the official layout.

    python benchmarks/bench_import.py [--rows N] [--keep DIR]

Writes the four tab-delimited parts (ccipra-v302r0-f1..f4.txt) from the real
2024-07-01 table of 2,546,017 edits in ../shared/data/cms/full when it is there, else
from a synthetic table of 2.5 million rows, then, each in its own process:

- the import (db.importers.import_files into an empty data folder): wall time and
  peak memory (the process's maximum resident set, SQLite's cache included);
- the floor: a bare sqlite3 executemany of the same rows (parsed beforehand, not
  timed) into the same table in one transaction, with its two indexes;
- after the import, the time to fetch every edit of one code (Reference.ptp_edits,
  both columns, through the read layer the window uses).

Targets: import at most 2x the floor, peak memory at most 300 MB, one code's edits in
under 2 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FULL = ROOT.parent / "shared" / "data" / "cms" / "full" / \
    "ncci_ptp_practitioner_2024-07-01_all.csv.gz"
SYNTHETIC_ROWS = 2_500_000
CODES = ("64642", "64643", "95874", "20552", "99213")

IMPORT_CHILD = """
import json, pathlib, resource, sys, time
sys.path.insert(0, sys.argv[1])
from db.importers import import_files
files = [pathlib.Path(p) for p in sys.argv[3:]]
t = time.perf_counter()
result = import_files(files, reference_path=pathlib.Path(sys.argv[2]))
seconds = time.perf_counter() - t
try:    # Linux: this process image's own high-water mark (ru_maxrss may carry the parent's)
    status = pathlib.Path("/proc/self/status").read_text()
    peak = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1]) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "rows": result.releases[0].rows,
                  "release": result.releases[0].release_id}))
"""

WRITE_CHILD = """
import json, pathlib, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, str(pathlib.Path(sys.argv[1]) / "benchmarks"))
sys.argv = sys.argv[1:]
from bench_import import write_release
files, source = write_release(pathlib.Path(sys.argv[1]), int(sys.argv[2]) or None)
print(json.dumps({"files": [str(f) for f in files], "source": source}))
"""

FLOOR_CHILD = """
import json, pathlib, sqlite3, sys, time
files = sys.argv[2:]
rid, setting = "imp-ptp-practitioner-v302r0", "practitioner"
rows = []
for name in files:
    with open(name, encoding="cp1252", newline="") as fh:
        for n, line in enumerate(fh):
            if n < 3:
                continue
            c = line.rstrip("\\r\\n").split("\\t")
            d = None if c[4] == "*" else f"{c[4][:4]}-{c[4][4:6]}-{c[4][6:]}"
            rows.append((rid, setting, c[0], c[1], f"{c[3][:4]}-{c[3][4:6]}-{c[3][6:]}", d,
                         int(c[5]), c[6]))
db = pathlib.Path(sys.argv[1])
con = sqlite3.connect(db)
t = time.perf_counter()
con.execute("CREATE TABLE ptp (id INTEGER PRIMARY KEY, release_id TEXT NOT NULL,"
            " setting TEXT NOT NULL, column1 TEXT NOT NULL, column2 TEXT NOT NULL,"
            " effective_date TEXT, deletion_date TEXT, modifier_indicator INTEGER NOT NULL,"
            " rationale TEXT)")
with con:
    con.executemany("INSERT INTO ptp (release_id, setting, column1, column2, effective_date,"
                    " deletion_date, modifier_indicator, rationale) VALUES (?,?,?,?,?,?,?,?)",
                    rows)
    con.execute("CREATE INDEX ptp_col1 ON ptp(release_id, column1)")
    con.execute("CREATE INDEX ptp_col2 ON ptp(release_id, column2)")
con.close()
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(rows)}))
"""

FETCH_CHILD = """
import json, pathlib, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from db.reference import Reference
ref = Reference(pathlib.Path(sys.argv[2]), imports_path=pathlib.Path(sys.argv[3]))
out = {}
rid = ref.release_in_force("ptp_practitioner", "2024-08-15").id
sql = "SELECT * FROM imp.ptp WHERE release_id = ? AND column1 = ?"
sql2 = "SELECT * FROM imp.ptp WHERE release_id = ? AND column2 = ?"
for code in sys.argv[4:]:
    ref.ptp_edits(code, "practitioner", "2024-08-15")
    times, raw, n = [], [], 0
    for _ in range(50):
        t = time.perf_counter()
        n = len(ref.ptp_edits(code, "practitioner", "2024-08-15"))
        times.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        ref.con.execute(sql, (rid, code)).fetchall()
        ref.con.execute(sql2, (rid, code)).fetchall()
        raw.append((time.perf_counter() - t) * 1000)
    out[code] = {"edits": n, "median_ms": statistics.median(times), "max_ms": max(times),
                 "sql_ms": statistics.median(raw), "release": rid}
print(json.dumps(out))
"""


def synthetic_rows(n: int):
    """A table shaped like the real one: ~12k column-1 codes, rationales and indicators
    in the real proportions, a third of the edits deleted."""
    rationales = ("CPT Manual or CMS manual coding instruction",
                  "Misuse of Column Two code with Column One code",
                  "Standards of medical/surgical practice",
                  "Standard preparation/monitoring services for anesthesia",
                  "Mutually exclusive procedures")
    per_code = max(1, n // 12_000)
    for i in range(n):
        c1 = f"{10021 + i // per_code:05d}"
        c2 = f"{(i * 7919) % 89_000 + 10000:05d}"
        dele = "*" if i % 3 else f"{2000 + i % 24}1231"
        yield (c1, c2, "19960101" if i % 5 == 0 else f"{2000 + i % 24}0101", dele,
               "019"[(i % 10 > 3) + (i % 25 == 0)], rationales[i % 5])


def write_release(folder: pathlib.Path, rows_limit: int | None) -> tuple[list[pathlib.Path], str]:
    from tests import cmsfiles
    if FULL.exists():
        source = f"real NCCI PTP practitioner 2024-07-01 table ({FULL.name})"
        rows = list(cmsfiles.real_ptp_rows(FULL))
    else:
        source = "synthetic table (../shared/data/cms/full is not present)"
        rows = list(synthetic_rows(rows_limit or SYNTHETIC_ROWS))
    if rows_limit:
        rows = rows[:rows_limit]
    files = cmsfiles.write_ptp_txt(folder, rows, version="v302r0")
    return files, f"{source}, {len(rows):,} rows"


def child(script: str, *args) -> dict:
    proc = subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if proc.returncode:
        raise SystemExit(f"benchmark step failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=None, help="use only the first N rows")
    parser.add_argument("--keep", type=pathlib.Path, default=None,
                        help="write the files and databases here and keep them")
    args = parser.parse_args(argv)

    from db.build import ensure_reference_db
    reference = ensure_reference_db()
    work = args.keep or pathlib.Path(tempfile.mkdtemp(prefix="codedesk-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        media, data = work / "media", work / "data"
        media.mkdir(exist_ok=True)
        if data.exists():
            shutil.rmtree(data)
        data.mkdir()
        t = time.perf_counter()
        written = child(WRITE_CHILD, ROOT, media, args.rows or 0)   # keeps this process small
        files, source = [pathlib.Path(f) for f in written["files"]], written["source"]
        size = sum(f.stat().st_size for f in files) / 1e6
        print(f"input: {source}; four parts, {size:.0f} MB, written in "
              f"{time.perf_counter() - t:.1f} s (not timed)")

        os.environ["CODEDESK_DATA_DIR"] = str(data)
        floor = child(FLOOR_CHILD, work / "floor.sqlite3", *files)
        imp = child(IMPORT_CHILD, ROOT, reference, *files)
        fetch = child(FETCH_CHILD, ROOT, reference, data / "imports.sqlite3", *CODES)
        ratio = imp["seconds"] / floor["seconds"]
        db_mb = (data / "imports.sqlite3").stat().st_size / 1e6

        print(f"\n{'measure':<44} {'value':>12}  target")
        print(f"{'floor: bare executemany + 2 indexes':<44} {floor['seconds']:>10.2f} s")
        print(f"{'import (recognize, check, load, index, swap)':<44} {imp['seconds']:>10.2f} s")
        print(f"{'import / floor':<44} {ratio:>11.2f}x  <= 2x: "
              f"{'met' if ratio <= 2 else 'NOT met'}")
        print(f"{'import peak memory (max RSS)':<44} {imp['peak_mb']:>9.0f} MB  <= 300 MB: "
              f"{'met' if imp['peak_mb'] <= 300 else 'NOT met'}")
        print(f"{'rows imported':<44} {imp['rows']:>12,}")
        print(f"{'imports.sqlite3 size':<44} {db_mb:>9.0f} MB")
        for code, f in fetch.items():
            ok = "met" if f["median_ms"] < 2 else "NOT met"
            label = f"every edit of {code} ({f['edits']:,} edits)"
            print(f"{label:<44} {f['median_ms']:>9.2f} ms  < 2 ms: {ok} "
                  f"(max {f['max_ms']:.2f} ms; the two indexed SELECTs alone "
                  f"{f['sql_ms']:.2f} ms)")
        assert imp["rows"] == floor["rows"]
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
