"""File > Import data files...: the dialog driven through its real widgets with real
files in the official layouts (the file chooser patched), off-thread import with a
progress bar and Cancel, what changed shown and saved as PDF. The screenshot goes to
artifacts/import_dialog.png (looked at by a person)."""

from __future__ import annotations

import hashlib
import pathlib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from db.reference import Reference
from tests import cmsfiles
from tests.test_import import curated_ptp, mue_rows
from ui import theme
from ui.importdialog import ImportDialog

ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "artifacts"
OCT = "2024-10-15"


@pytest.fixture(autouse=True)
def light_theme(qapp):
    theme.apply(qapp, theme.LIGHT, 100)


@pytest.fixture
def ref(reference_path, data_dir):
    # As the window opens it: the data folder has no imported releases yet.
    r = Reference(reference_path)
    assert not r.has_imports
    yield r
    r.close()


@pytest.fixture
def dialog(qtbot, ref):
    d = ImportDialog(ref)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


@pytest.fixture
def media(tmp_path) -> pathlib.Path:
    path = tmp_path / "media"
    path.mkdir()
    return path


def choose(qtbot, dialog, monkeypatch, files):
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(f) for f in files], "")))
    qtbot.mouseClick(dialog.choose_button, Qt.LeftButton)


def test_import_shows_what_changed_and_lookups_follow(qtbot, dialog, ref, media, monkeypatch,
                                                      tmp_path):
    files = cmsfiles.write_ptp_txt(media, curated_ptp(change={("64612", "95869"): ("*", "0"),
                                                              ("64644", "64642"): ("*", "1")}),
                                   version="v303r0")
    files.append(cmsfiles.write_mue_csv(
        media, mue_rows("practitioner", "mue-practitioner-2024-07-01", change={"64643": "2"}),
        eff="10-01-2024"))
    choose(qtbot, dialog, monkeypatch, files)
    assert dialog.model.rowCount() == 5 and dialog.model.all_ok()
    assert dialog.model.index(0, 1).data() == "NCCI PTP edits, practitioner, part 1"
    assert dialog.import_button.isEnabled() and "2 releases: ready" in dialog.status.text()
    assert not dialog.progress.isVisible()

    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    assert dialog.state == "running" and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=20000)
    assert dialog.progress.value() == 1000 and "2 releases imported" in dialog.status.text()
    text = dialog.summary.toPlainText()
    for words in ("NCCI PTP practitioner v30.3 r0", "64612 / 95869", "64644 / 64642",
                  "modifier indicator", "MUE value", "64643"):
        assert words in text, words
    # the reader in use now answers from the new release
    assert ref.release_in_force("ptp_practitioner", OCT).id == "imp-ptp-practitioner-v303r0"
    assert ref.mue("64643", "practitioner", OCT).value == 2

    ARTIFACTS.mkdir(exist_ok=True)
    dialog.resize(980, 720)
    qtbot.wait(50)
    assert dialog.grab().save(str(ARTIFACTS / "import_dialog.png"))

    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "changes.pdf"), "")))
    qtbot.mouseClick(dialog.pdf_button, Qt.LeftButton)
    pdf = (tmp_path / "changes.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_bad_files_are_shown_and_cannot_be_imported(qtbot, dialog, media, monkeypatch,
                                                    data_dir):
    files = cmsfiles.write_ptp_txt(media, curated_ptp(), version="v303r0")
    junk = media / "notes.csv"
    junk.write_text("a,b\n1,2\n", encoding="utf-8")
    choose(qtbot, dialog, monkeypatch, [*files[:3], junk])
    assert not dialog.model.all_ok() and not dialog.import_button.isEnabled()
    assert "not a CMS file" in dialog.model.index(3, 1).data()
    choose(qtbot, dialog, monkeypatch, files[:3])
    assert not dialog.import_button.isEnabled() and "part f4 is missing" in dialog.status.text()


def test_a_file_bad_inside_is_reported_and_nothing_changes(qtbot, dialog, media, monkeypatch,
                                                           data_dir, reference_path):
    files = cmsfiles.write_ptp_txt(media, curated_ptp(), version="v303r0")
    text = files[2].read_text(encoding="cp1252").replace("\t20100101\t", "\t20101301\t", 1)
    files[2].write_text(text, encoding="cp1252")
    choose(qtbot, dialog, monkeypatch, files)
    assert dialog.import_button.isEnabled()          # recognition reads only the start
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=20000)
    assert "ccipra-v303r0-f3.txt, line" in dialog.status.text()
    assert "malformed effective date" in dialog.status.text()
    assert "Nothing was imported" in dialog.status.text()
    assert not (data_dir / "imports.sqlite3").exists()


def test_cancel_stops_the_import_and_changes_nothing(qtbot, dialog, media, monkeypatch,
                                                     data_dir):
    earlier = media / "earlier"
    earlier.mkdir()
    mue = cmsfiles.write_mue_csv(earlier, mue_rows("dme", "mue-dme-2024-07-01"), setting="dme",
                                 eff="10-01-2024")
    choose(qtbot, dialog, monkeypatch, [mue])
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=20000)
    db = data_dir / "imports.sqlite3"
    before = hashlib.sha256(db.read_bytes()).hexdigest()

    rows = [(f"{10000 + i % 9000:05d}", f"{20000 + i // 9000:05d}", "20100101", "*", "1",
             "Standards of medical/surgical practice") for i in range(400_000)]
    big = media / "big"
    big.mkdir()
    files = cmsfiles.write_ptp_txt(big, rows, version="v310r0")
    choose(qtbot, dialog, monkeypatch, files)
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.progress.value() > 200, timeout=20000)
    qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=20000)
    assert "Cancelled. Nothing was changed." in dialog.status.text()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert dialog.import_button.isEnabled() and dialog.close_button.isEnabled()


def test_closing_while_importing_cancels_first(qtbot, dialog, media, monkeypatch):
    rows = [(f"{10000 + i % 9000:05d}", f"{20000 + i // 9000:05d}", "20100101", "*", "1",
             "Mutually exclusive procedures") for i in range(300_000)]
    files = cmsfiles.write_ptp_txt(media, rows, version="v310r0")
    choose(qtbot, dialog, monkeypatch, files)
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    dialog.reject()                                  # Escape / the window's close button
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=20000)
    dialog.reject()
    assert not dialog.isVisible()
