"""The decision engine's speed over the encounter table of the tests.

    python benchmarks/bench_engine.py [--rounds N]

Each encounter of tests/engine_cases.py is decided N times (parse and decide, as the
wizard does); the figure is the median time per encounter. The baseline, measured in
the same run on the same reference, is one `Reference.lookup("64643")`, the code page
a coder opens. Target on the reference machine: under 2 ms per encounter.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db.reference import open_reference  # noqa: E402
from rules.encounter import parse_encounter  # noqa: E402
from rules.engine import decide  # noqa: E402
from tests.engine_cases import CASES  # noqa: E402

TARGET_MS = 2.0


def _median_ms(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    ref = open_reference()
    for _, encounter, _, _ in CASES:            # warm the caches once, as a session would
        decide(parse_encounter(encounter), ref)

    baseline = _median_ms(lambda: ref.lookup("64643", on_date="2024-08-15"), args.rounds * 5)
    per_case = []
    for name, encounter, _, _ in CASES:
        ms = _median_ms(lambda e=encounter: decide(parse_encounter(e), ref), args.rounds)
        per_case.append((ms, name, len(encounter["services"])))
    medians = [ms for ms, _, _ in per_case]
    median = statistics.median(medians)

    print(f"baseline: Reference.lookup('64643')       {baseline:7.3f} ms")
    print(f"engine: median per encounter ({len(CASES)} cases) {median:7.3f} ms "
          f"= {median / baseline:.2f} x baseline (target < {TARGET_MS} ms: "
          f"{'met' if median < TARGET_MS else 'NOT met'})")
    slowest = max(per_case)
    print(f"engine: slowest encounter                 {slowest[0]:7.3f} ms "
          f"= {slowest[0] / baseline:.2f} x baseline ({slowest[2]} services: {slowest[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
