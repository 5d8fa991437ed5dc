"""The main window: search as you type, the code page, the NCCI table, the family map,
notes, bookmarks and recent codes.

It shows what db/ and rules/ return. Search runs in ui.search's worker; the page for
the highlighted result follows on its own, slower timer; opening a code (Enter, a
click, a link) records it in Back/Forward and in the recent list.

The window can be built before the reference database is open (`reference=None`) and
given it with `attach_reference()`: ui.app paints the window first and opens the data
right after, so nothing the first paint does not need is imported before it.
"""

from __future__ import annotations

import base64
import datetime as _dt
import importlib.util
import logging
import pathlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QSize, Qt, QTimer
from PySide6.QtGui import (QAction, QActionGroup, QFontMetrics, QGuiApplication, QKeySequence,
                           QShortcut)
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QFrame, QHBoxLayout, QLabel,
                               QLineEdit, QListView, QMainWindow, QPlainTextEdit,
                               QPushButton, QSizePolicy, QSplitter, QTabWidget, QTextBrowser,
                               QToolBar, QVBoxLayout, QWidget)

from ui import theme
from ui.accessibility import name_clear_button
from ui.codelist import CODE_ROLE as LIST_CODE_ROLE
from ui.codelist import CodeListModel
from ui.history import History
from ui.search import CODE_ROLE, ResultsModel, SearchController

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl

    from db.models import CodePage
    from ui.pagehtml import PageRenderer
    from ui.ptptable import PtpPanel

log = logging.getLogger("codedesk.ui")

DETAIL_DELAY_MS = 150   # the page follows the highlighted result after a pause
NOTE_SAVE_DELAY_MS = 600
START_CODE = "64643"
TAB_PAGE, TAB_NCCI, TAB_MAP = range(3)
KEY_GEOMETRY = "ui.geometry"
KEY_SPLITTER = "ui.splitter"


def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class MainWindow(QMainWindow):
    def __init__(self, reference, userdata, *, on_date: str | None = None, parent=None):
        super().__init__(parent)
        self.ref = None
        self.search: SearchController | None = None
        self.user = userdata
        self.on_date = on_date or _dt.date.today().isoformat()
        self.history = History()
        self.page: CodePage | None = None
        self._note_code: str | None = None
        self._setting_results = False
        self._family_map = None
        self._closed = False
        self.setWindowTitle("CodeDesk")
        self.setObjectName("CodeDeskMainWindow")

        self._build_widgets()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_search_keys()

        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._preview_current)
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.save_note)

        if getattr(userdata, "recovered_from", None):
            self._show_banner(
                f"Your CodeDesk data file could not be read, so it was set aside as "
                f"{userdata.recovered_from} and a fresh one was started. Notes, bookmarks "
                "and recent codes from the old file are not shown; IT support may be able "
                "to recover them from that file.")
        self._restore_geometry()
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._system_scheme_changed)
        self.search_field.setFocus()
        if reference is not None:
            self.attach_reference(reference)
        else:
            self.browser.setHtml("<h1>CodeDesk</h1><p>Opening the reference data…</p>")
            self._update_nav_actions()

    def attach_reference(self, reference) -> None:
        """Give the window its reference data: search, start page, lists, status bar."""
        self.ref = reference
        self.search = SearchController(reference, self)
        # the worker thread must end before Qt tears down, however the app quits
        QApplication.instance().aboutToQuit.connect(self.search.shutdown)
        self.search.results.connect(self._show_results)
        self.search.failed.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        self._update_status_releases()
        self._refresh_lists()
        self.show_start_page()
        self._finish_setup()
        if self.search_field.text().strip():      # typed while the data was opening
            self.search.set_text(self.search_field.text())

    # -- construction ---------------------------------------------------------------------

    def _build_widgets(self) -> None:
        # left column: search, results, bookmarks / recent
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("search")
        self.search_field.setPlaceholderText("64643, J0585, G24.3, chemo arm…")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setAccessibleName("Search codes and words")
        search_label = QLabel("&Search codes and words:", self)
        search_label.setBuddy(self.search_field)
        self.search_field.textEdited.connect(self._text_edited)

        self.results_model = ResultsModel(self)
        self.results_view = QListView(self)
        self.results_view.setObjectName("results")
        self.results_view.setModel(self.results_model)
        self.results_view.setUniformItemSizes(True)
        self.results_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.results_view.setAccessibleName("Search results")
        self.results_label = QLabel("Res&ults", self)
        self.results_label.setBuddy(self.results_view)
        self.results_view.clicked.connect(self._open_index)
        self.results_view.activated.connect(self._open_index)
        self.results_view.selectionModel().currentChanged.connect(self._current_result_changed)

        self.bookmarks_model = CodeListModel(self)
        self.bookmarks_view = QListView(self)
        self.bookmarks_view.setModel(self.bookmarks_model)
        self.bookmarks_view.setAccessibleName("Bookmarked codes")
        self.recent_model = CodeListModel(self)
        self.recent_view = QListView(self)
        self.recent_view.setModel(self.recent_model)
        self.recent_view.setAccessibleName("Recent codes")
        for view in (self.bookmarks_view, self.recent_view):
            view.setUniformItemSizes(True)     # long titles are elided, not scrolled
            view.setEditTriggers(QAbstractItemView.NoEditTriggers)
            view.clicked.connect(self._open_list_index)
            view.activated.connect(self._open_list_index)
        self.lists_tabs = QTabWidget(self)
        self.lists_tabs.addTab(self.bookmarks_view, "&Bookmarks")
        self.lists_tabs.addTab(self.recent_view, "&Recent")
        self.lists_tabs.setAccessibleName("Bookmarks and recent codes")

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(search_label)
        left_layout.addWidget(self.search_field)
        left_layout.addWidget(self.results_label)
        left_layout.addWidget(self.results_view, 3)
        left_layout.addWidget(self.lists_tabs, 2)

        # right: page / NCCI / family map tabs, then notes
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("codepage")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName("Code page")
        self.browser.anchorClicked.connect(self._link_clicked)
        self.browser.highlighted.connect(self._link_hovered)
        # the NCCI table and the family map are built when first needed
        self._ptp_panel = None
        self.ptp_holder = QWidget(self)
        QVBoxLayout(self.ptp_holder).setContentsMargins(0, 0, 0, 0)
        self.map_holder = QWidget(self)
        QVBoxLayout(self.map_holder).setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.browser, "&Page")
        self.tabs.addTab(self.ptp_holder, "N&CCI edits")
        self.tabs.addTab(self.map_holder, "Family &map")
        self.tabs.setAccessibleName("Code views")
        self.tabs.currentChanged.connect(self._tab_changed)

        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("note")
        self.note_edit.setPlaceholderText("Your own note on this code: kept on this computer, "
                                          "saved as you type.")
        self.note_edit.setTabChangesFocus(True)
        self.note_label = QLabel("&Notes:", self)
        self.note_label.setBuddy(self.note_edit)
        self.note_edit.textChanged.connect(self._note_changed)
        notes = QWidget(self)
        notes_layout = QVBoxLayout(notes)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_layout.addWidget(self.note_label)
        notes_layout.addWidget(self.note_edit)

        self.right_split = QSplitter(Qt.Vertical, self)
        self.right_split.addWidget(self.tabs)
        self.right_split.addWidget(notes)
        self.right_split.setStretchFactor(0, 5)
        self.right_split.setStretchFactor(1, 1)
        self.right_split.setChildrenCollapsible(False)

        self.main_split = QSplitter(Qt.Horizontal, self)
        self.main_split.addWidget(left)
        self.main_split.addWidget(self.right_split)
        self.main_split.setStretchFactor(0, 2)
        self.main_split.setStretchFactor(1, 5)
        self.main_split.setChildrenCollapsible(False)

        # banner for messages that must not be missed (a damaged user file)
        self.banner = QFrame(self)
        self.banner.setObjectName("banner")
        self.banner.setFrameShape(QFrame.StyledPanel)
        self.banner_text = QLabel(self.banner)
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextInteractionFlags(Qt.TextSelectableByMouse
                                                 | Qt.TextSelectableByKeyboard)
        self.banner_close = QPushButton("&Dismiss", self.banner)
        self.banner_close.clicked.connect(self.banner.hide)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.banner_close)
        self.banner.hide()

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.main_split, 1)
        self.setCentralWidget(central)

        self.releases_label = QLabel(self)
        self.releases_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.releases_label.setAccessibleName("Data releases in use")
        self.statusBar().addPermanentWidget(self.releases_label, 1)

    def _action(self, text: str, slot, shortcuts=(), icon: str | None = None,
                tip: str = "", checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if icon:
            action.setProperty("icon_name", icon)   # drawn by _apply_icons()
        action.setCheckable(checkable)
        plain = text.replace("&", "").rstrip(".…")
        keys = ", ".join(QKeySequence(s).toString(QKeySequence.NativeText) for s in shortcuts)
        action.setToolTip(f"{tip or plain} ({keys})" if keys else (tip or plain))
        action.setStatusTip(tip or plain)
        action.setShortcutContext(Qt.WindowShortcut)
        (action.toggled if checkable else action.triggered).connect(slot)
        self.addAction(action)   # reachable by keyboard even when its menu is hidden
        return action

    def _build_actions(self) -> None:
        A = self._action
        self.act_search = A("&Search", self.focus_search, ("Ctrl+K", "Ctrl+L"), "search",
                            "Go to the search field")
        self.act_back = A("&Back", self.go_back, ("Alt+Left",), "back", "Back to the previous code")
        self.act_forward = A("&Forward", self.go_forward, ("Alt+Right",), "forward",
                             "Forward to the next code")
        self.act_home = A("S&tart page", self.show_start_page, ("Alt+Home",), "home",
                          "The start page: 64643 and its family")
        self.act_bookmark = A("&Bookmark this code", self.set_bookmarked, ("Ctrl+D",),
                              "bookmark", "Bookmark the open code", checkable=True)
        self.act_bookmarks = A("Boo&kmarks list", lambda: self._focus_list(0), ("Ctrl+B",),
                               tip="Go to the bookmarks list")
        self.act_recent = A("R&ecent codes", lambda: self._focus_list(1), ("Ctrl+H",),
                            tip="Go to the list of recent codes")
        self.act_note = A("Edit &note", self.focus_note, ("Ctrl+E",), "note",
                          "Write a note on the open code")
        self.act_copy_code = A("Copy &code", self.copy_code, ("Ctrl+Shift+C",), "copy",
                               "Copy the open code")
        self.act_copy_text = A("Copy page as &text", self.copy_page_text, ("Ctrl+Shift+T",),
                               "copy-text", "Copy the whole page as plain text")
        self.act_copy_csv = A("Copy NCCI edits as CS&V", self.copy_ncci_csv, ("Ctrl+Shift+E",),
                              "table", "Copy the NCCI edits shown in the table as CSV")
        self.act_print = A("&Print…", self.print_page, ("Ctrl+P",), "print", "Print the page")
        self.act_pdf = A("Save page as P&DF…", self.save_pdf_dialog, ("Ctrl+Shift+S",), "pdf",
                         "Save the page as a PDF file")
        self.act_import = A("&Import data files…", self.import_data, ("Ctrl+I",),
                            tip="Import CMS data files (NCCI, MUE, fee schedule…)")
        self.act_settings = A("Se&ttings…", self.open_settings, ("Ctrl+,",), "settings",
                              "Appearance and text size")
        self.act_quit = A("&Quit", self.close, ("Ctrl+Q",), tip="Quit CodeDesk")
        self.act_tab_page = A("&Page", lambda: self.show_tab(TAB_PAGE), ("Ctrl+1",),
                              tip="Show the code page")
        self.act_tab_ncci = A("N&CCI edits table", lambda: self.show_tab(TAB_NCCI), ("Ctrl+2",),
                              tip="Show the NCCI edits table")
        self.act_tab_map = A("Family &map", lambda: self.show_tab(TAB_MAP), ("Ctrl+3",), "map",
                             "Show the family map")
        self.act_filter = A("&Filter NCCI edits", self.focus_ncci_filter, ("Ctrl+Shift+F",),
                            tip="Go to the filter of the NCCI edits table")
        self.act_bigger = A("&Larger text", lambda: self.change_scale(+theme.SCALE_STEP),
                            ("Ctrl++", "Ctrl+="), tip="Make the text larger")
        self.act_smaller = A("&Smaller text", lambda: self.change_scale(-theme.SCALE_STEP),
                             ("Ctrl+-",), tip="Make the text smaller")
        self.act_normal = A("&Normal text size", lambda: self.set_appearance(scale=100),
                            ("Ctrl+0",), tip="Text at 100%")
        self.act_wizard = A("Modifier &wizard…", lambda: self.open_wizard(None), ("Ctrl+W",),
                            "wizard", "Open the modifier wizard")
        self.act_wizard_code = A("Wizard &from this code…", lambda: self.open_wizard(
            self.page.code if self.page else None), ("Ctrl+Shift+W",), "wizard",
            "Open the modifier wizard for the open code")
        self.act_training = A("&Training: practice and scenarios…", self.open_training,
                              ("Ctrl+T",), None,
                              "Practise coding on scenarios; write, share and print scenarios")
        self.act_present = A("&Presentation mode", self.open_presentation, ("F11",), None,
                             "Full screen, large text: a scenario's decision step by step")
        self.act_shortcuts = A("&Keyboard shortcuts", self.show_shortcuts, ("F1",),
                               tip="List every keyboard shortcut")
        self.act_releases = A("&Data releases", self.show_releases, (),
                              tip="The data releases in use")
        self.act_about = A("&About CodeDesk", self.show_about, (), tip="Version and folders")

        self.scheme_group = QActionGroup(self)
        self.scheme_actions = {}
        for value in theme.SCHEMES:
            act = QAction(theme.SCHEME_LABELS[value], self, checkable=True)
            act.setData(value)
            act.triggered.connect(lambda _c=False, v=value: self.set_appearance(scheme=v))
            self.scheme_group.addAction(act)
            self.scheme_actions[value] = act

        self.wizard_available = _module_available("ui.wizard")
        self.import_available = _module_available("ui.importdialog")
        for act, ok, what in ((self.act_wizard, self.wizard_available, "modifier wizard"),
                              (self.act_wizard_code, self.wizard_available, "modifier wizard"),
                              (self.act_import, self.import_available, "data import")):
            if not ok:
                act.setEnabled(False)
                act.setStatusTip(f"The {what} is not part of this build.")

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("&File")
        m.addActions([self.act_print, self.act_pdf])
        m.addSeparator()
        m.addAction(self.act_import)
        m.addAction(self.act_settings)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = bar.addMenu("&Edit")
        m.addActions([self.act_copy_code, self.act_copy_text, self.act_copy_csv])
        m.addSeparator()
        m.addActions([self.act_bookmark, self.act_note])
        m = bar.addMenu("&View")
        m.addActions([self.act_tab_page, self.act_tab_ncci, self.act_tab_map])
        m.addSeparator()
        m.addActions([self.act_bigger, self.act_smaller, self.act_normal])
        appearance = m.addMenu("&Appearance")
        appearance.addActions(list(self.scheme_actions.values()))
        m = bar.addMenu("&Go")
        m.addActions([self.act_search, self.act_back, self.act_forward, self.act_home])
        m.addSeparator()
        m.addActions([self.act_bookmarks, self.act_recent, self.act_filter])
        m = bar.addMenu("&Tools")
        m.addActions([self.act_wizard, self.act_wizard_code])
        m.addSeparator()
        m.addActions([self.act_training, self.act_present])
        m = bar.addMenu("&Help")
        m.addActions([self.act_shortcuts, self.act_releases, self.act_about])

        tb = QToolBar("Main toolbar", self)
        tb.setObjectName("maintoolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        for act in (self.act_back, self.act_forward, self.act_home, None, self.act_bookmark,
                    self.act_copy_code, self.act_copy_text, None, self.act_print, self.act_pdf,
                    None, self.act_wizard_code):
            if act is None:
                tb.addSeparator()
            else:
                tb.addAction(act)
        short = {self.act_back: "Back", self.act_forward: "Forward", self.act_home: "Start",
                 self.act_bookmark: "Bookmark", self.act_copy_code: "Copy code",
                 self.act_copy_text: "Copy text", self.act_print: "Print",
                 self.act_pdf: "PDF", self.act_wizard_code: "Wizard"}
        for act, label in short.items():
            act.setIconText(label)   # the toolbar's label; menus keep the full text
        self.toolbar = tb
        self.addToolBar(Qt.TopToolBarArea, tb)
        h = round(QFontMetrics(QApplication.font()).height() * 1.2)
        tb.setIconSize(QSize(h, h))

    def _finish_setup(self) -> None:
        """What the first paint does not need, done right after it (ui.app opens the data
        then): the first lookup of a Qt-internal widget (a viewport, a toolbar button)
        costs PySide a burst of type set-up, and icons need the SVG renderer."""
        self._apply_icons()
        # The mouse's back/forward buttons: a press that no child uses reaches
        # mousePressEvent; the scroll areas' viewports use every press, so they are
        # watched directly (an application-wide filter would put every event of the app
        # through Python).
        for view in (self.browser, self.results_view, self.bookmarks_view, self.recent_view):
            self._watch_mouse_buttons(view.viewport())
        name_clear_button(self.search_field, "Clear the search")
        self._name_toolbar_buttons()

    def _name_toolbar_buttons(self) -> None:
        """Screen readers get each button's full name, not its short toolbar label."""
        for act in self.toolbar.actions():
            button = self.toolbar.widgetForAction(act)
            if button is not None and not act.isSeparator():
                button.setAccessibleName(act.text().replace("&", "").rstrip(".…"))
        self._update_nav_actions()

    def _build_search_keys(self) -> None:
        """Keys that act on the search field only: Esc clears, Up/Down move, Enter opens."""
        def key(seq, slot):
            sc = QShortcut(QKeySequence(seq), self.search_field)
            sc.setContext(Qt.WidgetShortcut)
            sc.activated.connect(slot)
            return sc
        self.search_keys = [
            key("Esc", self.clear_search),
            key("Down", lambda: self.move_result(+1)),
            key("Up", lambda: self.move_result(-1)),
            key("PgDown", lambda: self.move_result(+10)),
            key("PgUp", lambda: self.move_result(-10)),
            key("Return", self.open_current_result),
            key("Enter", self.open_current_result),
        ]

    # -- search -------------------------------------------------------------------------

    def _text_edited(self, text: str) -> None:
        if self.search is not None:
            self.search.set_text(text)

    def _show_results(self, text: str, hits: list) -> None:
        self._setting_results = True     # a new list is not the user moving in it
        self.results_model.set_hits(text, hits)
        if hits:
            self.results_view.setCurrentIndex(self.results_model.index(0))
        self._setting_results = False
        if hits:
            self.results_label.setText(f"Res&ults: {len(hits)}"
                                       + ("+" if len(hits) >= self.search.last_limit else ""))
        elif text:
            self.results_label.setText(f"Res&ults: nothing matches “{text}”")
        else:
            self.results_label.setText("Res&ults")

    def move_result(self, step: int) -> None:
        n = self.results_model.rowCount()
        if n == 0:
            return
        row = self.results_view.currentIndex().row()
        row = max(0, min(n - 1, (row if row >= 0 else -1) + step))
        self.results_view.setCurrentIndex(self.results_model.index(row))
        self.results_view.scrollTo(self.results_model.index(row))

    def _current_result_changed(self, current: QModelIndex, _previous) -> None:
        if not self._setting_results and current.isValid():
            self._detail_timer.start()

    def _preview_current(self) -> None:
        index = self.results_view.currentIndex()
        code = index.data(CODE_ROLE) if index.isValid() else None
        if code and (self.page is None or self.page.code != code):
            self.show_code(code, record=False)

    def open_current_result(self) -> None:
        index = self.results_view.currentIndex()
        if not index.isValid() and self.results_model.rowCount():
            index = self.results_model.index(0)
        code = index.data(CODE_ROLE) if index.isValid() else self.search_field.text().strip()
        if code and self.open_code(code):
            self.browser.setFocus()
            self.show_tab(TAB_PAGE)

    def _open_index(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self.open_code(code)

    def _open_list_index(self, index: QModelIndex) -> None:
        code = index.data(LIST_CODE_ROLE)
        if code:
            self.open_code(code)

    def clear_search(self) -> None:
        self.search_field.clear()
        if self.search is not None:
            self.search.search_now("")

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.ShortcutFocusReason)
        self.search_field.selectAll()

    # -- showing codes ------------------------------------------------------------------

    def renderer(self, mode: str | None = None) -> PageRenderer:
        from ui.pagehtml import PageRenderer
        mode = mode or theme.current_mode(QApplication.instance())
        return PageRenderer(self.ref, theme.page_colors(mode))

    def open_code(self, code: str) -> bool:
        """Open a code: show it and record it in Back/Forward and the recent list."""
        return self.show_code(code, record=True)

    def show_code(self, code: str, record: bool = True) -> bool:
        self._detail_timer.stop()
        if self.ref is None or not code:
            return False
        page = self.ref.lookup(code, on_date=self.on_date)
        if page is None:
            self.statusBar().showMessage(f"No code “{code}” in CodeDesk's reference data.", 6000)
            return False
        self.save_note()
        self.page = page
        self._render_page()
        if self._ptp_panel is not None:
            self._fill_ptp_panel()
        if self._family_map is not None:
            self._family_map.set_current(page.code)
        self._load_note(page.code)
        self.act_bookmark.blockSignals(True)
        self.act_bookmark.setChecked(self.user.is_bookmarked(page.code))
        self.act_bookmark.blockSignals(False)
        self._update_bookmark_icon()
        self.setWindowTitle(f"CodeDesk — {page.code}")
        if record:
            self.history.visit(page.code)
            try:
                self.user.add_recent(page.code)
            except Exception as exc:  # a full disk must not stop reading
                log.warning("recent list not saved: %s", exc)
            self._refresh_lists(bookmarks=False)
        self._update_nav_actions()
        return True

    def _render_page(self) -> None:
        if self.ref is None:
            return
        r = self.renderer()
        if self.page is None:
            html = r.start_page(START_CODE)
        else:
            html = r.page(self.page, self.on_date, bookmarked=self.user.is_bookmarked(
                self.page.code), wizard=self.wizard_available)
        scroll = self.browser.verticalScrollBar().value()
        same = self.browser.property("shown_code") == (self.page.code if self.page else "")
        self.browser.setHtml(html)
        self.browser.setProperty("shown_code", self.page.code if self.page else "")
        if same:
            self.browser.verticalScrollBar().setValue(scroll)

    def show_start_page(self) -> None:
        if self.ref is None:
            return
        self.save_note()
        self.page = None
        self._render_page()
        if self._ptp_panel is not None:
            self._fill_ptp_panel()
        if self._family_map is not None:
            self._family_map.set_current("")
        self._load_note(None)
        self.act_bookmark.blockSignals(True)
        self.act_bookmark.setChecked(False)
        self.act_bookmark.blockSignals(False)
        self.setWindowTitle("CodeDesk")
        self._update_nav_actions()

    def _release_label(self, release_id: str) -> str:
        rel = self.ref.release(release_id)
        return rel.label if rel else release_id

    def _link_clicked(self, url: QUrl) -> None:
        scheme = url.scheme()
        if scheme == "code":
            self.open_code(url.path())
        elif scheme == "tab":
            self.show_tab({"ncci": TAB_NCCI, "map": TAB_MAP}.get(url.path(), TAB_PAGE))
        elif scheme == "wizard":
            self.open_wizard(url.path() or None)
        elif url.hasFragment() and not scheme:
            self.browser.scrollToAnchor(url.fragment())
        else:
            self.statusBar().showMessage("CodeDesk works offline and opens no web links; the "
                                         "address is shown on the page to copy.", 6000)

    def _link_hovered(self, url: QUrl) -> None:
        if url.scheme() == "code" and self.ref is not None:
            title = self.ref.title(url.path())
            self.statusBar().showMessage(f"Open {url.path()}: {title}" if title else "", 4000)

    # -- history ------------------------------------------------------------------------

    def go_back(self) -> None:
        current = self.history.current
        shown = self.page.code if self.page else None
        if current and shown != current:     # a preview or the start page is showing
            self.show_code(current, record=False)
            return
        if self.history.can_back():
            self.show_code(self.history.back(), record=False)

    def go_forward(self) -> None:
        if self.history.can_forward():
            self.show_code(self.history.forward(), record=False)

    def _update_nav_actions(self) -> None:
        shown = self.page.code if self.page else None
        self.act_back.setEnabled(self.history.can_back()
                                 or (self.history.current is not None
                                     and shown != self.history.current))
        self.act_forward.setEnabled(self.history.can_forward())
        has_page = self.page is not None
        for act in (self.act_bookmark, self.act_copy_code, self.act_copy_text, self.act_print,
                    self.act_pdf, self.act_note):
            act.setEnabled(has_page)
        self.act_copy_csv.setEnabled(has_page and bool(self.page.ptp_edits))
        self.act_wizard_code.setEnabled(has_page and self.wizard_available
                                        and self.page.system != "ICD-10-CM")

    def _watch_mouse_buttons(self, widget: QWidget) -> None:
        widget.installEventFilter(self)

    def _mouse_nav(self, event) -> bool:
        if event.button() == Qt.BackButton:
            self.go_back()
            return True
        if event.button() == Qt.ForwardButton:
            self.go_forward()
            return True
        return False

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.MouseButtonPress and self._mouse_nav(event):
            return True
        return super().eventFilter(obj, event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if not self._mouse_nav(event):
            super().mousePressEvent(event)

    # -- tabs, family map ---------------------------------------------------------------

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        widget = {TAB_PAGE: self.browser, TAB_NCCI: self.ptp_panel.table,
                  TAB_MAP: self.family_map}.get(index)
        if callable(widget):
            widget = widget()
        if widget is not None:
            widget.setFocus(Qt.ShortcutFocusReason)

    def family_map(self):
        """Built on first use: the first window paints without it."""
        if self._family_map is None and self.ref is not None:
            from ui.familymap import FamilyMap
            self._family_map = FamilyMap(self.ref, self.map_holder)
            self._family_map.code_activated.connect(self.open_code)
            self.map_holder.layout().addWidget(self._family_map)
            self._watch_mouse_buttons(self._family_map.viewport())
            self._family_map.show()
            self._family_map.set_current(self.page.code if self.page else "")
        return self._family_map

    @property
    def ptp_panel(self) -> PtpPanel:
        return self.ensure_ptp_panel()

    def ensure_ptp_panel(self) -> PtpPanel:
        """The NCCI edits table, built on first use."""
        if self._ptp_panel is None:
            from ui.ptptable import PtpPanel
            self._ptp_panel = PtpPanel(self.ptp_holder)
            self._ptp_panel.code_activated.connect(self.open_code)
            self.ptp_holder.layout().addWidget(self._ptp_panel)
            self._watch_mouse_buttons(self._ptp_panel.table.viewport())
            self._ptp_panel.show()
            self._fill_ptp_panel()
        return self._ptp_panel

    def _fill_ptp_panel(self) -> None:
        page = self.page if self.page is not None and self.page.system != "ICD-10-CM" \
            else None
        if page is None:
            self._ptp_panel.set_edits(self.page.code if self.page else "", [], self.on_date, {})
            return
        labels = {r: self._release_label(r) for r in {e.release for e in page.ptp_edits}}
        self._ptp_panel.set_edits(page.code, page.ptp_edits, self.on_date, labels)

    def _tab_changed(self, index: int) -> None:
        if index == TAB_MAP:
            self.family_map()
        elif index == TAB_NCCI:
            self.ensure_ptp_panel()

    def focus_ncci_filter(self) -> None:
        self.tabs.setCurrentIndex(TAB_NCCI)
        self.ptp_panel.filter_edit.setFocus(Qt.ShortcutFocusReason)
        self.ptp_panel.filter_edit.selectAll()

    # -- notes, bookmarks, recent ---------------------------------------------------------

    def _load_note(self, code: str | None) -> None:
        self._note_timer.stop()
        self._note_code = None
        self.note_edit.blockSignals(True)
        self.note_edit.setPlainText(self.user.note(code) if code else "")
        self.note_edit.blockSignals(False)
        self.note_edit.setEnabled(code is not None)
        self.note_label.setText(f"&Notes on {code} (saved as you type):" if code
                                else "&Notes (open a code to write one):")
        self._note_code = code

    def _note_changed(self) -> None:
        if self._note_code:
            self._note_timer.start()

    def save_note(self) -> None:
        self._note_timer.stop()
        code = self._note_code
        if not code:
            return
        text = self.note_edit.toPlainText()
        if text == self.user.note(code):
            return
        try:
            self.user.set_note(code, text)
            self.statusBar().showMessage(f"Note on {code} saved.", 2000)
        except Exception as exc:
            log.exception("note on %s not saved", code)
            self.statusBar().showMessage(f"Your note on {code} could not be saved: {exc}", 10000)

    def focus_note(self) -> None:
        if self.note_edit.isEnabled():
            self.note_edit.setFocus(Qt.ShortcutFocusReason)

    def set_bookmarked(self, on: bool) -> None:
        if self.page is None:
            return
        try:
            self.user.set_bookmark(self.page.code, on)
        except Exception as exc:
            log.exception("bookmark not saved")
            self.statusBar().showMessage(f"The bookmark could not be saved: {exc}", 10000)
            return
        self._update_bookmark_icon()
        self._refresh_lists(recent=False)
        self._render_page()
        self.statusBar().showMessage(
            f"{self.page.code} {'bookmarked' if on else 'removed from bookmarks'}.", 3000)

    def _update_bookmark_icon(self) -> None:
        name = "bookmarked" if self.act_bookmark.isChecked() else "bookmark"
        from ui import icons   # the SVG renderer loads after the first paint
        self.act_bookmark.setIcon(icons.icon(name))
        self.act_bookmark.setProperty("icon_name", name)

    def _refresh_lists(self, bookmarks: bool = True, recent: bool = True) -> None:
        if self.ref is None:
            return

        def rows(codes):
            return [(c, self.ref.title(c) or "") for c in codes]
        if bookmarks:
            self.bookmarks_model.set_codes(rows(self.user.bookmarks()))
        if recent:
            self.recent_model.set_codes(rows(self.user.recent()))

    def _focus_list(self, index: int) -> None:
        self.lists_tabs.setCurrentIndex(index)
        view = self.bookmarks_view if index == 0 else self.recent_view
        view.setFocus(Qt.ShortcutFocusReason)
        if not view.currentIndex().isValid() and view.model().rowCount():
            view.setCurrentIndex(view.model().index(0, 0))

    # -- copy, print, PDF -----------------------------------------------------------------

    def copy_code(self) -> None:
        if self.page:
            QGuiApplication.clipboard().setText(self.page.code)
            self.statusBar().showMessage(f"Copied {self.page.code}.", 3000)

    def copy_page_text(self) -> None:
        if self.page:
            from db import pagetext
            QGuiApplication.clipboard().setText(pagetext.page_text(self.page))
            self.statusBar().showMessage(f"Copied the page of {self.page.code} as text.", 3000)

    def copy_ncci_csv(self) -> None:
        if self.page:
            QGuiApplication.clipboard().setText(self.ptp_panel.visible_rows_csv())
            n = self.ptp_panel.proxy.rowCount()
            self.statusBar().showMessage(f"Copied {n} NCCI edits of {self.page.code} as CSV.",
                                         3000)

    def print_html(self) -> str:
        """The page for paper: light colours, the full NCCI table, a header line."""
        from ui.printing import print_header
        r = self.renderer(theme.LIGHT)
        releases = "; ".join(rel.label for rel in self.ref.releases_in_use(self.on_date))
        body = r.page(self.page, self.on_date, for_print=True, note=self.user.note(
            self.page.code)) if self.page else r.start_page(START_CODE)
        return print_header(self.page.code if self.page else "start page", releases) + body

    def _print_font(self):
        font = QApplication.font()
        font.setPointSizeF(10)
        return font

    def save_pdf(self, path) -> pathlib.Path:
        from ui.printing import save_pdf
        out = save_pdf(self.print_html(), path, self._print_font(),
                       title=f"CodeDesk {self.page.code}" if self.page else "CodeDesk")
        self.statusBar().showMessage(f"Saved {out}.", 6000)
        return out

    def save_pdf_dialog(self) -> None:
        from PySide6.QtWidgets import QMessageBox
        if self.page is None:
            return
        from PySide6.QtWidgets import QFileDialog
        default = pathlib.Path.home() / f"CodeDesk-{self.page.code}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Save page as PDF", str(default),
                                              "PDF files (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            self.save_pdf(path)
        except OSError as exc:
            QMessageBox.warning(self, "PDF not saved", f"The PDF could not be saved to "
                                f"{path}: {exc.strerror or exc}.")

    def print_page(self) -> None:
        if self.page is None:
            return
        from ui.printing import print_with_dialog
        if print_with_dialog(self.print_html(), self._print_font(), self,
                             title=f"CodeDesk {self.page.code}"):
            self.statusBar().showMessage(f"Sent {self.page.code} to the printer.", 4000)

    # -- settings -------------------------------------------------------------------------

    def scheme(self) -> str:
        return theme.normalise_scheme(self.user.setting(theme.KEY_SCHEME, theme.SYSTEM))

    def scale(self) -> int:
        return theme.clamp_scale(self.user.setting(theme.KEY_SCALE, theme.DEFAULT_SCALE))

    def set_appearance(self, scheme: str | None = None, scale: int | None = None) -> None:
        scheme = theme.normalise_scheme(scheme or self.scheme())
        scale = theme.clamp_scale(self.scale() if scale is None else scale)
        try:
            self.user.set_setting(theme.KEY_SCHEME, scheme)
            self.user.set_setting(theme.KEY_SCALE, str(scale))
        except Exception as exc:
            log.exception("settings not saved")
            self.statusBar().showMessage(f"Settings could not be saved: {exc}", 10000)
        theme.apply(QApplication.instance(), scheme, scale)
        self._after_theme_change()
        self.statusBar().showMessage(f"{theme.SCHEME_LABELS[scheme]}, text {scale}%.", 3000)

    def change_scale(self, step: int) -> None:
        self.set_appearance(scale=self.scale() + step)

    def open_settings(self) -> None:
        from ui.settingsdialog import SettingsDialog
        dialog = SettingsDialog(self.scheme(), self.scale(), self)
        if dialog.exec():
            self.set_appearance(dialog.scheme(), dialog.scale())

    def _system_scheme_changed(self, *_args) -> None:
        if self.scheme() == theme.SYSTEM:
            theme.apply(QApplication.instance(), theme.SYSTEM, self.scale())
            self._after_theme_change()

    def _scale_toolbar(self) -> None:
        """Icons grow with the text size, so a projected toolbar stays legible; bars are
        laid out again once the new font has reached every widget."""
        h = round(QFontMetrics(QApplication.font()).height() * 1.2)
        self.toolbar.setIconSize(QSize(h, h))
        QTimer.singleShot(0, self._relayout_bars)

    def _relayout_bars(self) -> None:
        if self._closed:
            return
        # tool buttons cache their size hint: a style round trip makes them measure again
        style = self.toolbar.toolButtonStyle()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonIconOnly)
        self.toolbar.setToolButtonStyle(style)
        for bar in (self.toolbar, self.statusBar()):
            for child in bar.findChildren(QWidget):
                child.updateGeometry()
            if bar.layout() is not None:
                bar.layout().invalidate()
            bar.updateGeometry()
        self.statusBar().setMinimumHeight(self.releases_label.sizeHint().height() + 6)

    def _apply_icons(self) -> None:
        """Icons tinted for the palette in use. The first time, right after the first
        paint: the SVG renderer is not loaded before the window shows."""
        from ui import icons
        for act in self.actions():
            name = act.property("icon_name")
            if name:
                act.setIcon(icons.icon(name))

    def _after_theme_change(self) -> None:
        self._scale_toolbar()
        if self.banner.isVisible():
            self._style_banner()
        for value, act in self.scheme_actions.items():
            act.setChecked(value == self.scheme())
        self._apply_icons()
        self._render_page()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.PaletteChange and hasattr(self, "browser") \
                and not self._closed:
            self._render_page()
        super().changeEvent(event)

    # -- other windows --------------------------------------------------------------------

    def import_data(self) -> None:
        if self.ref is None:
            return
        try:
            from ui.importdialog import ImportDialog
        except ImportError:
            self.statusBar().showMessage("The data import is not part of this build.", 6000)
            return
        dialog = ImportDialog(self.ref, self)
        dialog.exec()
        self.reload_reference()

    def reload_reference(self) -> None:
        self.ref.reload()
        self.search.reload()
        self._update_status_releases()
        if self.page is not None:
            self.show_code(self.page.code, record=False)
        if self._family_map is not None:
            self._family_map.rebuild()

    def open_wizard(self, code: str | None = None) -> None:
        if self.ref is None:
            return
        try:
            from ui.wizard import open_wizard
        except ImportError:
            self.statusBar().showMessage("The modifier wizard is not part of this build.", 6000)
            return
        open_wizard(self, self.ref, self.user, code=code)

    def open_training(self) -> None:
        if self.ref is None:
            return
        from ui.training import open_training
        open_training(self, self.ref, self.user)

    def open_presentation(self) -> None:
        if self.ref is None:
            return
        from ui.training import open_presentation
        open_presentation(self, self.ref, self.user)

    def _update_status_releases(self) -> None:
        rels = self.ref.releases_in_use(self.on_date)
        icd = self.ref.meta.get("icd10cm", "")
        labels = [r.label + (" (imported)" if r.imported else "") for r in rels]
        if icd:
            labels.append(f"ICD-10-CM {icd}")
        self.releases_label.setText("Data: " + " · ".join(labels))
        self.releases_label.setToolTip("Data releases in use:\n" + "\n".join(labels))

    def show_releases(self) -> None:
        from PySide6.QtWidgets import QMessageBox
        if self.ref is None:
            return
        rels = self.ref.releases_in_use(self.on_date)
        rows = "".join(f"<tr><td>{r.dataset}</td><td>{r.label}</td><td>{r.effective_from}"
                       f"</td><td>{'imported' if r.imported else 'bundled'}</td></tr>"
                       for r in rels)
        box = QMessageBox(QMessageBox.Information, "Data releases in use",
                          "<table cellpadding='3'><tr><th align='left'>Data</th>"
                          "<th align='left'>Release</th><th align='left'>From</th>"
                          f"<th align='left'></th></tr>{rows}</table><p>ICD-10-CM: "
                          f"{self.ref.meta.get('icd10cm', 'data not available')}</p>",
                          QMessageBox.Close, self)
        box.exec()

    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows = []
        for act in self.actions():
            keys = [k.toString(QKeySequence.NativeText) for k in act.shortcuts()]
            if keys:
                rows.append((act.text().replace("&", "").rstrip(".…"), ", ".join(keys)))
        rows += [("In the search field: clear", "Esc"),
                 ("In the search field: move through results", "Up, Down, PgUp, PgDown"),
                 ("In the search field: open the highlighted result", "Enter")]
        return rows

    def show_shortcuts(self) -> None:
        from PySide6.QtWidgets import QMessageBox
        rows = "".join(f"<tr><td>{name}</td><td><b>{keys}</b></td></tr>"
                       for name, keys in self.shortcut_rows())
        box = QMessageBox(QMessageBox.NoIcon, "Keyboard shortcuts",
                          f"<table cellpadding='3'>{rows}</table>", QMessageBox.Close, self)
        box.exec()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox
        from db import paths
        from db.logsetup import setup_logging
        from resources import __version__
        log_file = setup_logging(gui=True)
        releases = "".join(f"<li>{r.label} (from {r.effective_from})"
                           f"{' [imported]' if r.imported else ''}</li>"
                           for r in self.ref.releases_in_use()) if self.ref else ""
        QMessageBox.about(self, "About CodeDesk",
                          f"<p><b>CodeDesk {__version__}</b>: an offline reference for coding "
                          "chemodenervation (CPT 64643 and its family).</p>"
                          f"<p>Data releases in use today:</p><ul>{releases}</ul>"
                          f"<p>ICD-10-CM: {self.ref.meta.get('icd10cm', '') if self.ref else ''}"
                          "</p>"
                          f"<p>Your data (notes, bookmarks, settings): {paths.data_dir()}</p>"
                          f"<p>Log file: {log_file or 'not available'}</p>"
                          "<p>CPT is a registered trademark of the American Medical "
                          "Association. CodeDesk shows its own plain-language descriptions, "
                          "not CPT descriptors.</p>")

    def _show_banner(self, text: str) -> None:
        self.banner_text.setText(text)
        self.banner.setAccessibleName("Important message")
        self._style_banner()
        self.banner.show()

    def _style_banner(self) -> None:
        c = theme.page_colors(theme.current_mode(QApplication.instance()))
        self.banner.setStyleSheet(
            f"#banner {{ background-color: {c.warn_bg}; border: 2px solid {c.warn_border}; }}"
            f"#banner QLabel {{ color: {c.warn_text}; }}")

    # -- window state ---------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.user.setting(KEY_GEOMETRY)
        if geometry:
            self.restoreGeometry(base64.b64decode(geometry))
        else:
            self.resize(QSize(1280, 820))
        state = self.user.setting(KEY_SPLITTER)
        if state:
            self.main_split.restoreState(base64.b64decode(state))
        else:
            self.main_split.setSizes([380, 900])

    def closeEvent(self, event) -> None:  # noqa: N802
        self.save_note()
        try:
            self.user.set_setting(KEY_GEOMETRY, bytes(self.saveGeometry().toBase64()).decode())
            self.user.set_setting(KEY_SPLITTER,
                                  bytes(self.main_split.saveState().toBase64()).decode())
        except Exception as exc:
            log.warning("window state not saved: %s", exc)
        if self.search is not None:
            self.search.shutdown()
        self._closed = True
        super().closeEvent(event)
