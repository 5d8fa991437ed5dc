"""Search and lookup speed over the built reference database.

    python benchmarks/bench_search.py

Every prefix of each query below is searched, as a coder typing one keystroke at a
time would (one-character prefixes included), and every family and companion code is
looked up (plus a sample of ICD-10-CM codes). The floor, measured in the same run on
the same connection, is a bare indexed primary-key SELECT. Targets on the reference
machine: search p95 under 5 ms, lookup under 1 ms.
"""

from __future__ import annotations

import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from db.codeset import CURATED  # noqa: E402
from db.reference import open_reference  # noqa: E402

QUERIES = [
    "64643", "64642", "64644", "64645", "64615", "J0585", "J0586", "G24.3", "G243",
    "g24.5", "95874", "99214", "I69.351", "G80.0", "L74.510",
    "chemodenervation arm", "chemo leg", "torticollis", "cervical dystonia",
    "blepharospasm", "emg guidance", "needle emg", "electrical stimulation",
    "botox", "dysport", "xeomin", "myobloc", "chronic migraine", "spasticity after stroke",
    "hemiplegia", "cerebral palsy", "trunk muscles", "larynx", "hyperhidrosis",
    "trigger point injection", "nerve block", "neurolysis", "spasmodic dysphonia",
    "multiple sclerosis", "office visit",
]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fn, *args, repeat=1):
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args)
        out.append((time.perf_counter() - t) * 1000)
    return out


def report(name, times, floor):
    med, p95 = statistics.median(times), percentile(times, 95)
    print(f"{name:<28} n={len(times):>5}  median {med:7.3f} ms  p95 {p95:7.3f} ms  "
          f"max {max(times):7.3f} ms  p95/floor {p95 / floor:8.1f}x")
    return med, p95


def main() -> int:
    ref = open_reference()
    prefixes = [q[:i] for q in QUERIES for i in range(1, len(q) + 1)]
    icd_sample = [r[0] for r in ref.con.execute(
        "SELECT code FROM codes WHERE system = 'ICD-10-CM' ORDER BY id LIMIT 200 OFFSET 30000")]

    # warm the caches once, as an app that has been open a moment would be
    for p in prefixes:
        ref.search(p, 50)

    floor_times = []
    for code in CURATED:
        floor_times += timed(lambda c: ref.con.execute(
            "SELECT * FROM codes WHERE id = (SELECT id FROM codes WHERE code = ?)",
            (c,)).fetchone(), code, repeat=20)
    floor = statistics.median(floor_times)
    print(f"queries: {len(QUERIES)}, prefixes typed: {len(prefixes)}; "
          f"floor (indexed primary-key SELECT) median {floor:.4f} ms")

    search_times = []
    for _ in range(3):
        for p in prefixes:
            search_times += timed(ref.search, p, 50)
    _, s95 = report("search (every prefix)", search_times, floor)

    lookup_times = []
    for _ in range(5):
        for code in CURATED:
            lookup_times += timed(ref.lookup, code)
    lmed, _ = report("lookup (family+companions)", lookup_times, floor)
    icd_times = []
    for _ in range(5):
        for code in icd_sample:
            icd_times += timed(ref.lookup, code)
    report("lookup (ICD-10-CM)", icd_times, floor)

    slow = sorted(((statistics.median(timed(ref.search, p, 50, repeat=5)), p)
                   for p in set(prefixes)), reverse=True)[:5]
    print("slowest prefixes:", ", ".join(f"{p!r} {t:.2f} ms" for t, p in slow))
    print(f"targets: search p95 < 5 ms: {'met' if s95 < 5 else 'MISSED'} ({s95:.2f} ms); "
          f"lookup median < 1 ms: {'met' if lmed < 1 else 'MISSED'} ({lmed:.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
