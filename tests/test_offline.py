"""CodeDesk never touches the network: every command runs with sockets disabled."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SUPPORT = pathlib.Path(__file__).with_name("support")


def run(args, data_dir, **kwargs):
    env = dict(os.environ, PYTHONPATH=f"{SUPPORT}{os.pathsep}{ROOT}",
               CODEDESK_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT, **kwargs)


def test_the_socket_block_works(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(SUPPORT))
    proc = subprocess.run([sys.executable, "-c", "import socket; socket.socket()"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "never use the network" in proc.stderr


@pytest.mark.parametrize("args", [
    ["lookup", "64643", "--json"], ["lookup", "G24.3"], ["search", "chemo arm", "--json"],
    ["search", "torticollis"], ["--version"], ["lookup", "99999"],
])
def test_commands_run_without_network(reference_path, tmp_path, args):
    proc = run(args, tmp_path)
    assert "never use the network" not in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    if "--json" in args:
        json.loads(proc.stdout)


def test_every_registered_command_runs_without_network(reference_path, tmp_path):
    """Commands added later (wizard, import) are covered too: each prints its help."""
    sys.path.insert(0, str(ROOT))
    import main
    sub = next(a for a in main.build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        proc = run([name, "--help"], tmp_path)
        assert proc.returncode == 0, (name, proc.stderr)
        assert "never use the network" not in proc.stderr

