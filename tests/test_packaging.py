"""The packaged app (slow: run once by .ci/run; skip with -m "not packaging").

Builds the PyInstaller onedir bundle and the .deb, installs the .deb with apt-get, runs
the installed `codedesk` (lookup, search, wizard, import, --version, the window
offscreen), then removes the package and checks nothing is left behind.
"""

from __future__ import annotations

import glob
import json
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.packaging

ENCOUNTER = {"date_of_service": "2024-08-15", "setting": "practitioner", "payer": "medicare",
             "services": [{"kind": "extremity", "limb": "right_arm", "muscles": 3},
                          {"kind": "extremity", "limb": "left_arm", "muscles": 2},
                          {"kind": "guidance", "method": "needle_emg"}]}


def _can_install() -> str | None:
    if os.geteuid() != 0:
        return "installing a .deb needs root"
    if not shutil.which("dpkg-deb") or not shutil.which("apt-get"):
        return "not a Debian system"
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return "PyInstaller is not installed (pip install -e '.[package]')"
    if subprocess.run(["dpkg-query", "-W", "codedesk"], capture_output=True).returncode == 0:
        return "a codedesk package is already installed on this machine; not touching it"
    return None


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    why = _can_install()
    if why:
        pytest.skip(why)
    subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], cwd=ROOT, check=True,
                   capture_output=True, timeout=900)
    debs = sorted(glob.glob(str(ROOT / "dist" / "codedesk_*.deb")))
    assert debs, "no .deb was built"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    proc = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", debs[-1]],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    try:
        yield tmp_path_factory.mktemp("packaged-data")
    finally:
        subprocess.run(["apt-get", "remove", "-y", "--purge", "codedesk"], env=env,
                       capture_output=True, timeout=600)


def run(data_dir, *args, extra_env=None):
    env = dict(os.environ, CODEDESK_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH="", **(extra_env or {}))
    return subprocess.run(["codedesk", *args], capture_output=True, text=True, timeout=120,
                          env=env, cwd="/")


def test_installed_layout(installed):
    assert pathlib.Path("/usr/bin/codedesk").resolve() == pathlib.Path("/opt/codedesk/codedesk")
    assert pathlib.Path("/usr/share/applications/codedesk.desktop").exists()
    assert pathlib.Path("/usr/share/icons/hicolor/scalable/apps/codedesk.svg").exists()
    internal = pathlib.Path("/opt/codedesk/_internal")
    assert (internal / "resources" / "reference.sqlite3").exists()
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    assert not list(internal.rglob("libQt6Qml*"))  # unused Qt left out


def test_lookup_and_search(installed):
    proc = run(installed, "lookup", "64643", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["add_on_primaries"] == ["64642", "64644"]
    proc = run(installed, "search", "torticollis", "--json")
    assert {"64616", "G24.3"} <= {h["code"] for h in json.loads(proc.stdout)}


def test_version_names_the_data_releases(installed):
    proc = run(installed, "--version")
    assert proc.returncode == 0 and "CodeDesk" in proc.stdout and "ptp_practitioner" in proc.stdout


def test_wizard(installed, tmp_path):
    enc = tmp_path / "encounter.json"
    enc.write_text(json.dumps(ENCOUNTER))
    proc = run(installed, "wizard", str(enc), "--json")
    assert proc.returncode == 0, proc.stderr
    codes = [ln["code"] for ln in json.loads(proc.stdout)["lines"]]
    assert codes[:2] == ["64642", "64643"] and "95874" in codes


def test_import(installed, tmp_path):
    mue = tmp_path / "MCR_MUE_PractitionerServices_Eff_10-01-2024.csv"
    mue.write_text(
        '"CPT codes and descriptions only are copyright American Medical Association."\n'
        '"HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator",'
        '"MUE Rationale"\n'
        '64643,3,"2 Date of Service Edit: Policy","Code Descriptor / CPT Instruction"\n'
        '64642,1,"2 Date of Service Edit: Policy","Code Descriptor / CPT Instruction"\n',
        encoding="cp1252")
    proc = run(installed, "import", str(mue), "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run(installed, "lookup", "64643", "--json", "--date", "2024-10-15")
    assert json.loads(proc.stdout)["mue"]["practitioner"]["release"] != \
        "mue-practitioner-2024-07-01"


def test_window_opens_offscreen_and_closes(installed):
    proc = run(installed, extra_env={"CODEDESK_QUIT_AFTER_PAINT": "1"})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_damaged_database_gives_a_clear_message(installed, tmp_path):
    # Work on a copy of the installed tree: the package itself stays intact.
    copy = tmp_path / "codedesk"
    shutil.copytree("/opt/codedesk", copy, symlinks=True)
    db = copy / "_internal" / "resources" / "reference.sqlite3"
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0xFF
    db.write_bytes(bytes(data))
    proc = subprocess.run([str(copy / "codedesk"), "lookup", "64643"], capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, CODEDESK_DATA_DIR=str(tmp_path / "d")))
    assert proc.returncode != 0
    assert "damaged" in proc.stderr and "Traceback" not in proc.stderr


def test_removal_is_clean(installed):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    proc = subprocess.run(["apt-get", "remove", "-y", "--purge", "codedesk"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert not pathlib.Path("/opt/codedesk").exists()
    assert not pathlib.Path("/usr/bin/codedesk").exists()
    assert not pathlib.Path("/usr/share/applications/codedesk.desktop").exists()
