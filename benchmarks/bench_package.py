"""The packaged app: its size on disk, and its start to the first painted window as a
ratio to `python main.py` measured in the same run (target at most 1.2x).

    bash packaging/build.sh                # builds dist/codedesk first
    python benchmarks/bench_package.py [--runs N] [--bundle dist/codedesk]

Both programs are started N times, interleaved, with CODEDESK_QUIT_AFTER_PAINT set to
the moment each was spawned: the app prints the seconds from the spawn to its first
paint ("first-paint") and to the start page being ready ("ready"), then quits.
Without a display the offscreen platform is used.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def size_on_disk(path: pathlib.Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def start(cmd: list[str], data_dir: str) -> dict[str, float]:
    env = dict(os.environ, CODEDESK_DATA_DIR=data_dir,
               QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               CODEDESK_QUIT_AFTER_PAINT=repr(time.time()))
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {proc.stderr.strip()[-400:]}")
    marks = {}
    for line in proc.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name in ("first-paint", "ready"):
            marks[name] = float(value)
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--bundle", type=pathlib.Path, default=ROOT / "dist" / "codedesk")
    args = parser.parse_args()
    exe = args.bundle / ("codedesk.exe" if sys.platform == "win32" else "codedesk")
    if not exe.exists():
        print(f"no bundle at {args.bundle}: run `bash packaging/build.sh` first")
        return 2
    print(f"bundle {args.bundle}: {size_on_disk(args.bundle) / 1e6:.1f} MB on disk")
    for deb in sorted((ROOT / "dist").glob("codedesk_*.deb")):
        print(f"package {deb.name}: {deb.stat().st_size / 1e6:.1f} MB")

    programs = {"python main.py": [sys.executable, str(ROOT / "main.py")],
                "packaged codedesk": [str(exe)]}
    with tempfile.TemporaryDirectory() as data_dir:
        for cmd in programs.values():        # one unmeasured run each: user data, caches
            start(cmd, data_dir)
        times = {name: {"first-paint": [], "ready": []} for name in programs}
        for _ in range(args.runs):
            for name, cmd in programs.items():
                for mark, value in start(cmd, data_dir).items():
                    times[name][mark].append(value)
    for mark in ("first-paint", "ready"):
        base = statistics.median(times["python main.py"][mark])
        for name in programs:
            med = statistics.median(times[name][mark])
            print(f"{mark:<12} {name:<18} median {med * 1000:7.1f} ms  "
                  f"ratio {med / base:5.2f}x")
    ratio = (statistics.median(times["packaged codedesk"]["first-paint"])
             / statistics.median(times["python main.py"]["first-paint"]))
    print(f"target: packaged first paint at most 1.2x python main.py: "
          f"{'met' if ratio <= 1.2 else 'MISSED'} ({ratio:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
