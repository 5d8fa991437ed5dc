"""The README's table of keyboard shortcuts matches the app: every key in the table is a
QAction or QShortcut of the main window, and every shortcut of the window is in the
table (so the table can neither promise a key that does nothing nor hide one)."""

from __future__ import annotations

import pathlib
import re

import pytest
from PySide6.QtGui import QAction, QKeySequence, QShortcut

from db.userdata import UserData
from ui.mainwindow import MainWindow

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def readme_keys() -> dict[str, str]:
    """{portable key text: what the table says it does} from the section "## The window"."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^## The window\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, "README has no '## The window' section"
    keys = {}
    for line in match.group(1).splitlines():
        if not line.startswith("| `"):
            continue
        first, what = line.strip("|").split("|", 1)[0], line.split("|")[2].strip()
        for key in re.findall(r"`([^`]+)`", first):
            seq = QKeySequence(key)
            assert not seq.isEmpty(), f"README key {key!r} is not a key sequence"
            keys[seq.toString(QKeySequence.PortableText)] = what
    assert len(keys) > 20, keys
    if "Enter" in keys:
        # People call both keys Enter; Qt names the main one Return, the keypad's Enter.
        keys["Return"] = keys["Enter"]
    return keys


@pytest.fixture
def window(qtbot, reference, data_dir):
    store = UserData()
    w = MainWindow(reference, store)
    qtbot.addWidget(w)
    yield w
    w.close()
    store.close()


def app_keys(window) -> set[str]:
    keys = set()
    for action in window.findChildren(QAction):
        keys |= {k.toString(QKeySequence.PortableText) for k in action.shortcuts()}
    for shortcut in window.findChildren(QShortcut):
        keys |= {k.toString(QKeySequence.PortableText) for k in shortcut.keys()}
    return keys - {""}


def test_every_key_in_the_readme_exists_in_the_app(window):
    missing = sorted(set(readme_keys()) - app_keys(window))
    assert not missing, f"README lists shortcuts the app does not have: {missing}"


def test_every_shortcut_of_the_window_is_in_the_readme(window):
    undocumented = sorted(app_keys(window) - set(readme_keys()))
    assert not undocumented, f"shortcuts missing from the README table: {undocumented}"


def test_no_key_does_two_things(window):
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for k in action.shortcuts():
            key = k.toString(QKeySequence.PortableText)
            assert key not in seen, f"{key} is both {seen[key]!r} and {action.text()!r}"
            seen[key] = action.text()
