"""The main window, driven through its real widgets on the real reference database and a
fresh user data folder: type-ahead, the code page, links and Back/Forward, the NCCI
table, notes and bookmarks across restarts, a damaged user file, ICD-10-CM pages, copy,
PDF, settings, the error dialog. Screenshots go to artifacts/ (looked at by a person)."""

from __future__ import annotations

import csv
import io
import pathlib

import pytest
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QLabel, QLineEdit,
                               QPlainTextEdit, QSpinBox, QToolButton)

from db import pagetext
from db.userdata import UserData
from ui import theme
from ui.mainwindow import TAB_MAP, TAB_NCCI, TAB_PAGE, MainWindow

ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "artifacts"


# -- helpers ------------------------------------------------------------------------------

def snap(widget, name: str) -> pathlib.Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert widget.grab().save(str(path)), path
    return path


def link_positions(browser, href: str) -> list[int]:
    """Document positions of characters inside the links to `href`."""
    out = []
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.isValid() and frag.charFormat().anchorHref() == href:
                out.append(frag.position() + frag.length() // 2)
            it += 1
        block = block.next()
    return out


def click_link(qtbot, browser, href: str) -> None:
    """Scroll to the first link to `href` and click it with the mouse where it is drawn."""
    positions = link_positions(browser, href)
    assert positions, f"no link to {href} on the page"
    cursor = QTextCursor(browser.document())
    cursor.setPosition(positions[0])
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    qtbot.mouseClick(browser.viewport(), Qt.LeftButton, pos=browser.cursorRect(cursor).center())


def make_window(qtbot, reference, userdata) -> MainWindow:
    w = MainWindow(reference, userdata)
    qtbot.addWidget(w)
    w.resize(1280, 860)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    # shortcuts and focus need the window active (the offscreen platform activates it
    # on the next turn of the event loop)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


@pytest.fixture(autouse=True)
def light_theme(qapp):
    theme.apply(qapp, theme.LIGHT, 100)
    yield
    theme.apply(qapp, theme.LIGHT, 100)



@pytest.fixture
def window(qtbot, reference, userdata):
    return make_window(qtbot, reference, userdata)


def wait_results(qtbot, window, text):
    qtbot.waitUntil(lambda: window.results_model.query == text, timeout=3000)
    return window.results_model.codes()


# -- search -------------------------------------------------------------------------------

def test_starts_with_focus_in_search_and_a_start_page_on_64643(window):
    assert window.search_field.hasFocus() or QApplication.focusWidget() is window.search_field
    text = window.browser.toPlainText()
    assert "64643" in text and "Corrections" not in text.split("The family")[1]
    for code in ("64642", "64644", "64645", "64616", "95874", "J0585"):
        assert link_positions(window.browser, f"code:{code}"), code
    assert window.page is None and window.windowTitle() == "CodeDesk"


def test_typing_chemo_arm_key_by_key_shows_64642_and_64643(qtbot, window):
    qtbot.keyClicks(window.search_field, "chemo arm")
    codes = wait_results(qtbot, window, "chemo arm")
    assert {"64642", "64643"} <= set(codes[:6])
    assert window.results_view.currentIndex().row() == 0
    assert "Results: " in window.results_label.text().replace("&", "")


def test_stale_answers_are_dropped(qtbot, window):
    ctl = window.search
    qtbot.keyClicks(window.search_field, "64643")
    wait_results(qtbot, window, "64643")
    before = window.results_model.codes()
    with qtbot.assertNotEmitted(ctl.results, wait=50):
        ctl._on_finished(ctl.generation - 1, "chemo", [])   # an answer for an older text
    assert ctl.dropped >= 1 and window.results_model.codes() == before


def test_fast_typing_ends_on_the_last_text(qtbot, window):
    for text in ("b", "bo", "bot", "botu", "botulinum", "botulinum n", "botulinum neck"):
        window.search_field.setText(text)
        window.search.set_text(text)
    codes = wait_results(qtbot, window, "botulinum neck")
    assert codes and codes[0] == "64616"


def test_up_down_move_and_enter_opens(qtbot, window):
    qtbot.keyClicks(window.search_field, "6464")
    codes = wait_results(qtbot, window, "6464")
    qtbot.keyClick(window.search_field, Qt.Key_Down)
    qtbot.keyClick(window.search_field, Qt.Key_Down)
    assert window.results_view.currentIndex().row() == 2
    qtbot.keyClick(window.search_field, Qt.Key_Up)
    assert window.results_view.currentIndex().row() == 1
    # the page follows the highlighted result on its own, slower timer
    qtbot.waitUntil(lambda: window.page is not None and window.page.code == codes[1],
                    timeout=2000)
    assert window.history.current is None   # a preview is not a visit
    qtbot.keyClick(window.search_field, Qt.Key_Return)
    assert window.page.code == codes[1] and window.history.current == codes[1]
    assert window.user.recent()[0] == codes[1]


def test_escape_clears_and_ctrl_k_returns_to_search(qtbot, window):
    qtbot.keyClicks(window.search_field, "torticollis")
    wait_results(qtbot, window, "torticollis")
    qtbot.keyClick(window.search_field, Qt.Key_Escape)
    assert window.search_field.text() == ""
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 0)
    window.browser.setFocus()
    qtbot.keyClick(window.browser, Qt.Key_K, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.search_field.hasFocus())
    window.browser.setFocus()
    qtbot.keyClick(window.browser, Qt.Key_L, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.search_field.hasFocus())


def test_models_pass_the_model_tester(qtmodeltester, window):
    window.search.search_now("chemo")
    window.open_code("64643")
    qtmodeltester.check(window.results_model)
    qtmodeltester.check(window.ptp_panel.model)
    qtmodeltester.check(window.recent_model)


# -- the code page ------------------------------------------------------------------------

def test_64643_shows_the_corrections_first_and_its_primaries(qtbot, window, reference):
    assert window.open_code("64643")
    page = reference.lookup("64643")
    text = window.browser.toPlainText()
    head = text[:text.index("What it is")]
    assert f"Corrections: {len(page.corrections)} published claims about 64643 are wrong" in head
    assert "64640" in head and "64616" in head   # neurolysis and torticollis corrected
    role = text[text.index("Role"):text.index("Clinical context")]
    assert "64642 or 64644" in role
    assert link_positions(window.browser, "code:64642")
    assert link_positions(window.browser, "code:64644")
    for section in ("Clinical context and documentation", "Reporting rules", "Modifiers",
                    "NCCI procedure-to-procedure edits", "Medically unlikely edits",
                    "Medicare payment by release", "Hospital outpatient (OPPS)",
                    "Related codes", "Payer notes", "Sources"):
        assert section in text, section
    mods = text[text.index("Modifiers"):text.index("NCCI procedure-to-procedure")]
    must_not = mods[mods.index("Must not be used"):]
    assert "50" in must_not and "add-on" in must_not.lower()
    assert "33.2875" in text and "$93.54" in text     # CF and a national amount by release
    assert "Bookmark" in window.act_bookmark.text()
    snap(window, "page-64643.png")


def test_follow_a_link_to_64642_and_come_back(qtbot, window):
    window.open_code("64643")
    click_link(qtbot, window.browser, "code:64642")
    qtbot.waitUntil(lambda: window.page.code == "64642")
    assert window.history.items() == ["64643", "64642"]
    qtbot.keyClick(window.browser, Qt.Key_Left, Qt.AltModifier)
    qtbot.waitUntil(lambda: window.page.code == "64643")
    qtbot.keyClick(window.browser, Qt.Key_Right, Qt.AltModifier)
    qtbot.waitUntil(lambda: window.page.code == "64642")
    # the mouse's own back button, anywhere over the page
    qtbot.mouseClick(window.browser.viewport(), Qt.BackButton)
    assert window.page.code == "64643"
    qtbot.mouseClick(window.browser.viewport(), Qt.ForwardButton)
    assert window.page.code == "64642"


def test_source_references_jump_within_the_page(qtbot, window):
    window.open_code("64643")
    hrefs = [h for h in ("#src-prof-coding-guidance", "#src-cms-aoc-2024")
             if link_positions(window.browser, h)]
    assert hrefs
    window.browser.verticalScrollBar().setValue(0)
    window._link_clicked(QUrl(hrefs[0]))
    assert window.browser.verticalScrollBar().value() > 0
    assert window.page.code == "64643"


def test_filter_the_ncci_table(qtbot, window, reference):
    window.open_code("64643")
    page = reference.lookup("64643")
    qtbot.keyClick(window.browser, Qt.Key_F, Qt.ControlModifier | Qt.ShiftModifier)
    assert window.tabs.currentIndex() == TAB_NCCI
    panel = window.ptp_panel
    assert panel.proxy.rowCount() == len(page.ptp_edits)
    qtbot.keyClicks(panel.filter_edit, "99213")
    expected = [e for e in page.ptp_edits if e.other_code == "99213"]
    assert panel.proxy.rowCount() == len(expected) > 0
    assert all(panel.proxy.index(r, 0).data() == "99213" for r in range(panel.proxy.rowCount()))
    panel.in_force_box.setChecked(True)
    assert panel.proxy.rowCount() == sum(e.in_force(window.on_date) for e in expected)
    panel.filter_edit.clear()
    panel.setting_box.setCurrentIndex(panel.setting_box.findData("outpatient_hospital"))
    rows = panel.proxy.rowCount()
    assert 0 < rows < len(page.ptp_edits)
    assert all(panel.proxy.index(r, 4).data() == "outpatient hospital" for r in range(rows))
    # sort by the indicator column, then open the other code of a row with Enter
    panel.table.sortByColumn(2, Qt.DescendingOrder)
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.proxy.index(0, 0))
    other = panel.proxy.index(0, 0).data()
    qtbot.keyClick(panel.table, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.page.code == other)
    snap(window, "ncci-table.png")


def test_icd_page_g24_3(qtbot, window):
    assert window.open_code("G24.3")
    text = window.browser.toPlainText()
    assert "Spasmodic torticollis" in text and "Billable" in text
    assert link_positions(window.browser, "code:G24")
    click_link(qtbot, window.browser, "code:G24")
    qtbot.waitUntil(lambda: window.page.code == "G24")
    text = window.browser.toPlainText()
    assert "Header, not billable" in text and link_positions(window.browser, "code:G24.3")


def test_unknown_code_says_so_and_keeps_the_page(window):
    window.open_code("64643")
    assert not window.open_code("99999")
    assert window.page.code == "64643"
    assert "No code" in window.statusBar().currentMessage()


# -- the family map -----------------------------------------------------------------------

def test_family_map_draws_the_add_on_rules_and_opens_boxes(qtbot, window):
    window.open_code("64643")
    qtbot.keyClick(window.browser, Qt.Key_3, Qt.ControlModifier)
    assert window.tabs.currentIndex() == TAB_MAP
    fmap = window.family_map()
    assert {("64642", "64643"), ("64644", "64643"), ("64644", "64645")} == set(fmap.arrows)
    assert "64645 follows 64644;" in fmap.accessibleDescription()
    assert "64617" not in fmap.guidance_follows and "64642" in fmap.guidance_follows
    assert fmap.boxes["64643"].current and not fmap.boxes["64642"].current
    for code in ("64612", "64615", "64616", "64617", "64640", "64646", "64647", "95873",
                 "95874", "J0585", "J0588"):
        assert code in fmap.boxes
    snap(window, "family-map.png")
    box = fmap.boxes["64645"]
    centre = fmap.mapFromScene(box.sceneBoundingRect().center())
    qtbot.mouseClick(fmap.viewport(), Qt.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: window.page.code == "64645")
    assert fmap.boxes["64645"].current and not fmap.boxes["64643"].current
    # keyboard: a focused box opens with Enter
    assert fmap.focus_box("64616")
    qtbot.keyClick(fmap, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.page.code == "64616")


# -- notes, bookmarks, recent ---------------------------------------------------------------

def test_note_bookmark_and_recent_survive_a_restart(qtbot, reference, data_dir):
    store = UserData()
    w = make_window(qtbot, reference, store)
    w.open_code("64643")
    qtbot.keyClick(w.browser, Qt.Key_E, Qt.ControlModifier)
    assert w.note_edit.hasFocus()
    qtbot.keyClicks(w.note_edit, "Count limbs, not sites.")
    qtbot.keyClick(w.browser, Qt.Key_D, Qt.ControlModifier)
    assert w.act_bookmark.isChecked()
    assert "★ bookmarked" in w.browser.toPlainText()
    w.open_code("64642")
    w.close()
    store.close()

    store = UserData()
    w2 = make_window(qtbot, reference, store)
    assert w2.bookmarks_model.codes() == ["64643"]
    assert w2.recent_model.codes()[:2] == ["64642", "64643"]
    # open from the bookmarks list with the keyboard
    qtbot.keyClick(w2.search_field, Qt.Key_B, Qt.ControlModifier)
    assert w2.bookmarks_view.hasFocus()
    qtbot.keyClick(w2.bookmarks_view, Qt.Key_Return)
    qtbot.waitUntil(lambda: w2.page is not None and w2.page.code == "64643")
    assert w2.note_edit.toPlainText() == "Count limbs, not sites."
    assert w2.act_bookmark.isChecked()
    w2.close()
    store.close()


def test_damaged_user_database_is_set_aside_and_the_app_carries_on(qtbot, reference,
                                                                   data_dir):
    (data_dir / "user.sqlite3").write_bytes(b"this is not a database" * 200)
    store = UserData()
    assert store.recovered_from is not None and store.recovered_from.exists()
    w = make_window(qtbot, reference, store)
    assert w.banner.isVisible()
    assert str(store.recovered_from) in w.banner_text.text()
    w.open_code("64643")
    w.note_edit.setPlainText("after the repair")
    w.save_note()
    assert store.note("64643") == "after the repair"
    snap(w, "damaged-user-db.png")
    qtbot.mouseClick(w.banner_close, Qt.LeftButton)
    assert not w.banner.isVisible()


# -- copy, PDF ------------------------------------------------------------------------------

def test_copy_code_page_text_and_ncci_csv(qtbot, window, reference):
    window.open_code("64643")
    clip = QGuiApplication.clipboard()
    qtbot.keyClick(window.browser, Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)
    assert clip.text() == "64643"
    qtbot.keyClick(window.browser, Qt.Key_T, Qt.ControlModifier | Qt.ShiftModifier)
    assert clip.text() == pagetext.page_text(reference.lookup("64643"))
    window.ptp_panel.filter_edit.setText("9921")
    qtbot.keyClick(window.browser, Qt.Key_E, Qt.ControlModifier | Qt.ShiftModifier)
    rows = list(csv.DictReader(io.StringIO(clip.text())))
    assert len(rows) == window.ptp_panel.proxy.rowCount() > 0
    assert all(r["code"] == "64643" and r["other_code"].startswith("9921") for r in rows)
    assert {"modifier_indicator", "indicator_meaning", "effective_date", "deletion_date",
            "rationale", "setting", "release"} <= set(rows[0])


def test_save_page_as_pdf(qtbot, window, tmp_path, monkeypatch):
    window.open_code("64643")
    target = tmp_path / "page-64643"
    from PySide6.QtWidgets import QFileDialog
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "PDF files (*.pdf)")))
    qtbot.keyClick(window.browser, Qt.Key_S, Qt.ControlModifier | Qt.ShiftModifier)
    pdf = target.with_suffix(".pdf")
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 5000
    html = window.print_html()
    assert "Column 1 / column 2" in html          # paper gets the whole NCCI table
    assert "printed" in html and "64643" in html


def test_print_goes_through_the_print_dialog(qtbot, window, monkeypatch):
    from PySide6.QtPrintSupport import QPrintDialog
    seen = {}

    def fake_exec(dialog):
        seen["printer"] = dialog.printer()
        return QDialog.Rejected
    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    window.open_code("64642")
    qtbot.keyClick(window.browser, Qt.Key_P, Qt.ControlModifier)
    assert "64642" in seen["printer"].docName()


# -- settings, theme, text size -------------------------------------------------------------

def test_settings_dialog_choices_are_applied_and_remembered(qtbot, qapp, reference, data_dir,
                                                           monkeypatch):
    store = UserData()
    w = make_window(qtbot, reference, store)
    w.open_code("64643")
    base = qapp.font().pointSizeF()
    from ui.settingsdialog import SettingsDialog

    def fill(dialog):
        dialog.scheme_box.setCurrentIndex(dialog.scheme_box.findData(theme.DARK))
        dialog.scale_box.setValue(150)
        return QDialog.Accepted
    monkeypatch.setattr(SettingsDialog, "exec", fill)
    qtbot.keyClick(w.browser, Qt.Key_Comma, Qt.ControlModifier)
    assert theme.current_mode(qapp) == theme.DARK
    qtbot.waitUntil(lambda: w.palette().window().color().lightness() < 80)
    assert abs(qapp.font().pointSizeF() - base * 1.5) < 0.01
    assert w.scheme_actions[theme.DARK].isChecked()
    w.close()
    store.close()
    store = UserData()
    assert store.setting(theme.KEY_SCHEME) == theme.DARK
    assert store.setting(theme.KEY_SCALE) == "150"
    store.close()


def test_dark_mode_page_and_200_percent_text(qtbot, qapp, window):
    window.open_code("64643")
    window.set_appearance(scheme=theme.DARK, scale=100)
    html = window.browser.toHtml()
    dark = theme.page_colors(theme.DARK)
    assert dark.warn_border in html.lower() or dark.warn_text in html.lower()
    qtbot.waitUntil(lambda: window.browser.palette().base().color().lightness() < 80)
    snap(window, "dark-mode.png")
    window.show_tab(TAB_MAP)
    snap(window, "dark-mode-family-map.png")
    window.show_tab(TAB_PAGE)
    window.set_appearance(scheme=theme.LIGHT, scale=100)
    size100 = window.browser.font().pointSizeF()
    qtbot.keyClick(window.browser, Qt.Key_Equal, Qt.ControlModifier)   # Ctrl+= (larger)
    assert window.scale() == 110
    window.set_appearance(scale=200)
    qtbot.waitUntil(lambda: abs(window.browser.font().pointSizeF() - 2 * size100) < 0.01)
    assert window.toolbar.iconSize().height() > 30
    back = window.toolbar.widgetForAction(window.act_back)
    qtbot.waitUntil(lambda: back.width() >= back.sizeHint().width()
                    and back.sizeHint().height() > 30)   # measured again at 200%
    snap(window, "text-200.png")
    window.show_tab(TAB_MAP)
    snap(window, "text-200-family-map.png")
    qtbot.keyClick(window.browser, Qt.Key_0, Qt.ControlModifier)
    assert window.scale() == 100
    window.set_appearance(scale=500)
    assert window.scale() == theme.MAX_SCALE


# -- keyboard and accessibility ---------------------------------------------------------------

def test_every_input_has_a_label_with_a_mnemonic_and_icon_buttons_have_names(window):
    window.family_map()
    labelled = {}
    for label in window.findChildren(QLabel):
        if label.buddy() is not None:
            labelled[label.buddy()] = label.text()
    for kind in (QLineEdit, QPlainTextEdit, QComboBox, QSpinBox):
        for widget in window.findChildren(kind):
            if widget.parent() is not None and isinstance(widget.parent(), (QComboBox,
                                                                           QSpinBox)):
                continue   # the editor inside a combo or spin box
            assert widget in labelled, f"{widget.objectName() or widget} has no label"
            assert "&" in labelled[widget], labelled[widget]
    for button in window.findChildren(QToolButton):   # toolbar and the fields' clear buttons
        if button.isVisibleTo(window) or button.defaultAction() is not None:
            assert button.accessibleName() or button.text(), button
    for view in (window.results_view, window.browser, window.bookmarks_view,
                 window.recent_view, window.ptp_panel.table, window.family_map()):
        assert view.accessibleName()


def test_every_menu_action_has_a_keyboard_path(window):
    for menu_action in window.menuBar().actions():
        assert "&" in menu_action.text()
        for act in menu_action.menu().actions():
            if act.isSeparator() or act.menu() is not None:
                continue
            assert "&" in act.text() or act.shortcuts() or act.actionGroup(), act.text()
    # search-field keys exist as shortcuts bound to the field
    keys = {sc.key().toString() for sc in window.findChildren(QShortcut)}
    assert {"Esc", "Up", "Down", "Return", "Enter"} <= keys


def test_error_dialog_names_the_log_and_copies_details(qtbot, window, monkeypatch, tmp_path):
    from ui import errors
    handler = errors.ExceptionHandler(tmp_path / "codedesk.log")
    shown = {}

    def fake_exec(dialog):
        shown["dialog"] = dialog
        dialog.copy_button.click()
        return QDialog.Rejected
    from ui.errordialog import ErrorDialog
    monkeypatch.setattr(ErrorDialog, "exec", fake_exec)
    try:
        raise ValueError("boom in a slot")
    except ValueError as exc:
        handler(type(exc), exc, exc.__traceback__)
    dialog = shown["dialog"]
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert str(tmp_path / "codedesk.log") in text
    assert "Traceback" not in text and "still open" in text
    clip = QGuiApplication.clipboard().text()
    assert "ValueError: boom in a slot" in clip and "Log file:" in clip
    assert window.isVisible()


def test_wizard_and_import_open_lazily(qtbot, window, monkeypatch, reference):
    import sys
    import types
    calls = []
    fake = types.ModuleType("ui.wizard")
    fake.open_wizard = lambda win, ref, user, code=None: calls.append((win, code))
    monkeypatch.setitem(sys.modules, "ui.wizard", fake)
    window.wizard_available = True
    window.open_code("64643")
    window.act_wizard_code.setEnabled(True)
    window.act_wizard_code.trigger()
    window.act_wizard.trigger()
    assert calls == [(window, "64643"), (window, None)]
    window._render_page()
    click_link(qtbot, window.browser, "wizard:64643")      # the link on the code page
    assert calls[-1] == (window, "64643")

    opened = []

    class FakeImport:
        def __init__(self, ref, parent):
            opened.append((ref, parent))

        def exec(self):
            return 0
    imp = types.ModuleType("ui.importdialog")
    imp.ImportDialog = FakeImport
    monkeypatch.setitem(sys.modules, "ui.importdialog", imp)
    window.import_data()
    assert opened == [(reference, window)]
    assert window.page.code == "64643"                 # refreshed after the import
    assert window.releases_label.text().startswith("Data: ")


def test_status_bar_names_the_releases_in_use(window, reference):
    text = window.releases_label.text()
    for rel in reference.releases_in_use():
        assert rel.label in text
    assert "ICD-10-CM" in text


def test_about_names_the_version_and_the_data_releases(window, reference, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from resources import __version__
    shown = {}
    monkeypatch.setattr(QMessageBox, "about",
                        lambda parent, title, text: shown.update(title=title, text=text))
    window.act_about.trigger()
    assert f"CodeDesk {__version__}" in shown["text"]
    for rel in reference.releases_in_use():
        assert rel.label in shown["text"]
