"""Training mode with real widgets: practice, scores, presentation, scenario files,
handouts and the scenario form (ui/training*.py, ui/presentation.py)."""

from __future__ import annotations

import csv
import json
import pathlib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel

from rules import training as T
from ui.presentation import PresentationWindow
from ui.training import TrainingWindow
from ui.training_editor import ScenarioEditor
from ui.training_models import ClaimTableModel, ScenarioListModel

ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "artifacts"



@pytest.fixture
def window(qtbot, reference, userdata):
    w = TrainingWindow(reference, userdata)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _type(qtbot, text: str) -> None:
    """Keys go where the keyboard focus is (the first key opens the cell's editor)."""
    for ch in text:
        qtbot.keyClick(QApplication.focusWidget(), ch)


def _type_line(qtbot, w, row: int, code: str, mods: str, units: str) -> None:
    """Type one claim line the way a trainee does: type, Tab, type, Tab, type."""
    w.table.setFocus()
    w.table.setCurrentIndex(w.claim.index(row, 0))
    for text in (code, mods, units):
        _type(qtbot, text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)


def test_models_pass_the_model_tester(qtmodeltester, window):
    qtmodeltester.check(window.scenarios)
    claim = ClaimTableModel()
    claim.set_rows([("64642", "RT", "1"), ("J0585", "JZ", "100")])
    qtmodeltester.check(claim)
    empty = ScenarioListModel()
    qtmodeltester.check(empty)


def test_practice_one_right_one_wrong_answer(qtbot, window, tmp_path):
    w = window
    assert w.select_scenario("mistake-64643-alone")
    assert "cerebral palsy" in w.vignette.toPlainText()

    # a wrong answer, typed at the keyboard: 64643 alone
    _type_line(qtbot, w, 0, "64643", "", "1")
    with qtbot.waitSignal(w.graded) as sig:
        qtbot.keyClick(w.table, Qt.Key_Return, Qt.ControlModifier)
    wrong = sig.args[0]
    assert not wrong.all_right
    assert [m.verdict for m in wrong.marks] == [T.EXTRA, T.MISSING, T.MISSING]
    assert "never reported alone" in wrong.marks[0].reason
    assert w.claim.data(w.claim.index(0, 3)) == "✗ extra line"
    text = w.result.toPlainText()
    assert "The engine's walk-through" in text and "Line 1: 64642-LT x 1" in text
    assert "Teaching points" in text and "cms-aoc-2024" in text

    # the right answer: a new line added with the keyboard
    w.set_claim([("64642", "lt", "1")])
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key_Insert, Qt.ControlModifier)
    assert w.claim.rowCount() == 2
    _type(qtbot, "j0585")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
    _type(qtbot, "JZ")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
    _type(qtbot, "100")             # still in the editor: Submit commits it
    with qtbot.waitSignal(w.graded) as sig:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return, Qt.ControlModifier)
    right = sig.args[0]
    assert right.all_right and right.percent == 100
    assert [w.claim.data(w.claim.index(r, 3)) for r in range(2)] == ["✓ right"] * 2
    assert w.session.summary() == ("1 of 2 scenarios fully right; 2 of 5 lines right (40%)")
    assert "1 of 2 scenarios fully right" in w.score.text()

    out = w.export_scores(str(tmp_path / "scores.csv"))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["all_right"] for r in rows] == ["no", "yes"]
    data = json.loads(w.export_scores(str(tmp_path / "scores.json")).read_text())
    assert data["totals"] == {"attempts": 2, "scenarios_right": 1, "lines_right": 2,
                              "lines_possible": 5, "percent": 40}
    ARTIFACTS.mkdir(exist_ok=True)
    w.grab().save(str(ARTIFACTS / "training-practice.png"))


def test_bad_claim_line_is_named_and_nothing_is_scored(qtbot, window):
    w = window
    w.select_scenario("phenol-neurolysis")
    w.set_claim([("64640", "RT", "1"), ("64642", "ZZ", "1")])
    assert w.submit() is None
    assert "Line 2: unknown modifier ZZ" in w.message.text()
    assert w.session.attempts == [] and w.result.toPlainText() == ""


def test_presentation_steps_with_page_keys_and_reads_at_1920(qtbot, window):
    w = window
    w.select_scenario("migraine-and-arm")
    p = w.present(full_screen=False)
    qtbot.addWidget(p)
    p.resize(1920, 1080)
    qtbot.waitExposed(p)
    p.setFocus()
    kinds = [s.kind for s in p.slides]
    assert kinds[0] == "case" and kinds[-1] == "points" and "line" in kinds
    assert p.index == 0

    with qtbot.waitSignal(p.step_changed) as sig:
        qtbot.keyClick(p, Qt.Key_PageDown)
    assert sig.args == [1] and p.step_title.text() == "What was done"
    qtbot.keyClick(p, Qt.Key_PageDown)
    assert p.index == 2 and p.step_title.text().startswith("Line 1: 64642-XS-LT")
    assert "64642-XS-LT x 1" in p.claim_lines.text()
    assert "64615" not in p.claim_lines.text()           # not revealed yet
    assert p.map._codes == ("64642",)
    qtbot.keyClick(p, Qt.Key_PageDown)
    assert "64615 x 1" in p.claim_lines.text() and p.map._codes == ("64615",)
    qtbot.keyClick(p, Qt.Key_PageUp)
    assert p.index == 2 and "64615" not in p.claim_lines.text()
    qtbot.keyClick(p, Qt.Key_Right)
    qtbot.keyClick(p, Qt.Key_Left)
    assert p.index == 2
    qtbot.keyClick(p, Qt.Key_PageUp)
    qtbot.keyClick(p, Qt.Key_PageUp)
    qtbot.keyClick(p, Qt.Key_PageUp)             # stops at the first slide
    assert p.index == 0
    qtbot.keyClick(p, Qt.Key_End)
    assert p.index == len(p.slides) - 1 and p.step_title.text() == "Teaching points"

    # large text: every text widget's font is at least 24 px high
    ARTIFACTS.mkdir(exist_ok=True)
    for i in (0, 2, len(p.slides) - 2):
        p.go(i)
        p.grab().save(str(ARTIFACTS / f"presentation-{i:02d}.png"))
        assert p.grab().size().width() == 1920
        for label in p.findChildren(QLabel):
            if label.isVisible() and label.text():
                assert QFontMetrics(label.font()).height() >= 24, label.accessibleName()
    assert p.smallest_text_px() >= 24

    # the family map, enlarged: its text as drawn is still at least 24 px high
    p.go(2)
    qtbot.keyClick(p, Qt.Key_M)
    assert p.map_shown and p.map.isVisible()
    qtbot.waitUntil(lambda: p.map.rendered_scale() > 0.5)
    assert p.map.rendered_text_px() >= 24
    assert p.map.boxes["64642"].current and not p.map.boxes["64615"].current
    p.grab().save(str(ARTIFACTS / "presentation-map.png"))
    qtbot.keyClick(p, Qt.Key_M)
    assert not p.map_shown

    with qtbot.waitSignal(p.closed):
        qtbot.keyClick(p, Qt.Key_Escape)
    assert not p.isVisible()


def test_presentation_colours_are_high_contrast(qtbot, reference):
    p = PresentationWindow(reference)
    qtbot.addWidget(p)
    pal = p.palette()
    bg, fg = pal.color(pal.ColorRole.Window), pal.color(pal.ColorRole.WindowText)
    assert (bg.name(), fg.name()) == ("#000000", "#ffffff")


def test_scenario_export_import_round_trip(qtbot, window, userdata, tmp_path):
    w = window
    mine = T.scenario_file_text([w.shipped[0]]).replace(w.shipped[0].id, "class-case-1")
    f = tmp_path / "in.json"
    f.write_text(mine, encoding="utf-8")
    imported = w.import_scenarios(str(f))
    assert [s.id for s in imported] == ["class-case-1"]
    assert "Imported 1 scenario from in.json" in w.message.text()
    assert w.scenario.id == "class-case-1" and w.scenario.origin == "user"
    assert "(yours)" in w.scenarios.data(w.scenarios.index(w.list.currentIndex().row(), 0))

    out = w.export_scenarios(str(tmp_path / "out.json"), scope="mine")
    exported = T.parse_scenario_file(out.read_bytes(), w.ref)
    assert [s.to_json() for s in exported] == [imported[0].to_json()]

    assert w.delete_scenario(confirm=False)
    assert "class-case-1" not in userdata.scenarios()
    again = w.import_scenarios(str(out))
    assert again[0].to_json() == imported[0].to_json()
    assert userdata.scenarios()["class-case-1"] == imported[0].to_json()


@pytest.mark.parametrize("content, expected", [
    ("{ not json", "not JSON"),
    (json.dumps({"hello": "world"}), "not a CodeDesk scenario file"),
    (None, "unknown code '64699'"),
    ("invalid-encounter", "scenarios[0].encounter.services[0].muscles"),
    ("shipped-id", "is the id of a shipped scenario"),
])
def test_bad_scenario_file_is_rejected_and_nothing_changes(qtbot, window, userdata, tmp_path,
                                                           content, expected):
    w = window
    userdata.save_scenario("kept", json.loads(T.scenario_file_text(
        [w.shipped[1]]).replace(w.shipped[1].id, "kept"))["scenarios"][0])
    w.reload_scenarios()
    before_rows = w.scenarios.rowCount()
    before_data = userdata.scenarios()
    w.select_scenario("kept")
    base = json.loads(T.scenario_file_text([w.shipped[0]]))
    sc = base["scenarios"][0]
    sc["id"] = "new-case"
    if content is None:
        sc["expected"]["lines"][0]["code"] = "64699"
        content = json.dumps(base)
    elif content == "invalid-encounter":
        sc["encounter"]["services"][0]["muscles"] = 0
        content = json.dumps(base)
    elif content == "shipped-id":
        sc["id"] = w.shipped[2].id
        content = json.dumps(base)
    f = tmp_path / "bad.json"
    f.write_text(content, encoding="utf-8")
    assert w.import_scenarios(str(f)) == []
    assert expected in w.message.text()
    assert "bad.json was not accepted, nothing changed" in w.message.text()
    assert userdata.scenarios() == before_data
    assert w.scenarios.rowCount() == before_rows and w.scenario.id == "kept"


@pytest.mark.parametrize("with_answer", [False, True])
def test_handout_pdf_is_written(window, tmp_path, with_answer):
    w = window
    w.select_scenario("four-limbs")
    out = w.save_handout(str(tmp_path / "handout.pdf"), with_answer=with_answer)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    from ui.training_html import handout_html
    html = handout_html(w.scenario, w.ref, w.decision, with_answer)
    assert ("64645" in html) == with_answer
    assert ("Your claim lines" in html) != with_answer


def test_trainer_writes_a_scenario_by_picking_services(qtbot, window, userdata):
    w = window
    editor = w._open_editor(None)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.title, "Arm and leg after a stroke")
    assert editor.id.text() == "arm-and-leg-after-a-stroke"
    editor.vignette.setPlainText("Right arm, three muscles; left leg, six; needle EMG.")
    f = editor.service_form
    f.set_kind("extremity")
    f.widget("limb").set_value("right_arm")
    f.widget("muscles").setValue(3)
    editor.btn_add_service.click()
    f.widget("limb").set_value("left_leg")
    f.widget("muscles").setValue(6)
    editor.btn_add_service.click()
    f.set_kind("guidance")
    editor.btn_add_service.click()
    assert editor.service_list.count() == 3
    assert editor.service_list.item(1).text() == "Extremity: left leg, 6 muscles"
    editor.points.setPlainText("The 5+ limb is the primary [ama-cpt-2014, cms-aoc-2024]")

    # unknown source: not saved, the place of the problem is named
    editor.points.setPlainText("A point [no-such-source]")
    assert not editor.save()
    assert "teaching_points[0].sources[0]: unknown source id" in editor.problems.text()
    editor.points.setPlainText("The 5+ limb is the primary [ama-cpt-2014, cms-aoc-2024]")

    assert editor.compute()
    assert editor.expected.rows() == [("64644", "LT", "1"), ("64643", "RT", "1"),
                                      ("95874", "", "1")]
    with qtbot.waitSignal(editor.saved):
        assert editor.save()
    stored = userdata.scenarios()["arm-and-leg-after-a-stroke"]
    assert stored["expected"]["computed_by"] == "engine"
    assert stored["teaching_points"][0]["sources"] == ["ama-cpt-2014", "cms-aoc-2024"]
    assert w.scenario.id == "arm-and-leg-after-a-stroke"
    assert T.agrees_with(w.scenario, w.decision) == []

    # editing the expected answer by hand makes it the trainer's
    again = ScenarioEditor(w.ref, userdata, scenario=w.scenario)
    qtbot.addWidget(again)
    again.expected.setData(again.expected.index(2, 0), "95873")
    assert again.save()
    assert userdata.scenarios()["arm-and-leg-after-a-stroke"]["expected"]["computed_by"] \
        == "trainer"


def test_editor_rejects_an_unknown_expected_code_and_saves_nothing(qtbot, window, userdata):
    editor = ScenarioEditor(window.ref, userdata, shipped_ids={"four-limbs"})
    qtbot.addWidget(editor)
    editor.title.setText("Case")
    editor.id.setText("four-limbs")
    editor.vignette.setPlainText("Text.")
    editor.service_form.set_kind("neck")
    editor.add_service()
    editor.expected.set_rows([("64699", "", "1")])
    assert not editor.save()
    text = editor.problems.text()
    assert "'four-limbs' is the id of a shipped scenario" in text
    assert "expected.lines[0].code: unknown code '64699'" in text
    assert userdata.scenarios() == {}
    ARTIFACTS.mkdir(exist_ok=True)
    editor.show()
    qtbot.waitExposed(editor)
    editor.grab().save(str(ARTIFACTS / "training-editor.png"))


def test_editing_a_shipped_scenario_makes_a_copy(qtbot, window, userdata):
    w = window
    w.select_scenario("four-limbs")
    editor = w._open_editor(w.scenario)
    qtbot.addWidget(editor)
    assert editor.id.text() == "four-limbs-copy" and editor.title.text().endswith("(copy)")
    assert editor.service_list.count() == 6
    assert editor.save()
    assert "four-limbs-copy" in userdata.scenarios()
    assert w.scenarios.row_of("four-limbs") >= 0


def test_main_window_menus_open_training_and_presentation(qtbot, reference, userdata):
    from ui.mainwindow import MainWindow
    mw = MainWindow(reference, userdata)
    qtbot.addWidget(mw)
    mw.show()
    qtbot.waitExposed(mw)
    tools = [a.text() for a in mw.menuBar().actions() if a.text() == "&Tools"]
    assert tools
    mw.act_training.trigger()
    tw = mw._training_window
    qtbot.addWidget(tw)
    assert tw.isVisible() and tw.scenario is not None
    mw.act_present.trigger()
    p = tw.presentation
    qtbot.addWidget(p)
    qtbot.waitUntil(p.isVisible)
    assert p.index == 0 and p.slides[0].kind == "case"
    with qtbot.waitSignal(p.closed):
        qtbot.keyClick(p, Qt.Key_Escape)
