"""The modifier wizard, driven through real widgets: three encounters walked page by page,
each result page compared with the engine's own decision; every page photographed."""

from __future__ import annotations

import pathlib

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QWizard

from rules.encounter import parse_encounter
from rules.engine import decide
from ui.wizard import DrugsPage, ModifierWizard, Page

ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "artifacts"



@pytest.fixture
def wizard(qtbot, reference, userdata):
    w = ModifierWizard(reference, userdata)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def snap(widget, name):
    ARTIFACTS.mkdir(exist_ok=True)
    widget.grab().save(str(ARTIFACTS / f"wizard-{name}.png"))


def next_page(qtbot, wizard):
    before = wizard.currentId()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() != before
    return wizard.currentId()


def table_lines(page):
    m = page.model
    return [(m.item(r, 0).text(), tuple(filter(None, m.item(r, 1).text().split("-"))),
             int(m.item(r, 2).text())) for r in range(m.rowCount())]


def check_against_engine(wizard, reference, userdata):
    page = wizard.pages[Page.RESULT]
    enc = wizard.encounter()
    expected = decide(parse_encounter(enc), reference, userdata.payer_profiles())
    assert table_lines(page) == expected.claim()
    text = page.details.toPlainText()
    for ln in expected.lines:
        for reason in ln.reasons:
            assert reason[:60] in text
    for nr in expected.not_reported:
        assert nr.code in text
    return expected


def test_stroke_arm_and_leg_with_emg_and_drug(qtbot, wizard, reference, userdata):
    setting = wizard.pages[Page.SETTING]
    setting.date.setDate(QDate(2024, 8, 15))
    snap(wizard, "1-setting")
    assert next_page(qtbot, wizard) == Page.INJECTIONS
    inj = wizard.pages[Page.INJECTIONS]
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    box, spin = inj.limbs["right_arm"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    spin.setValue(3)
    box, spin = inj.limbs["left_leg"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    spin.setValue(6)
    snap(wizard, "2-injections")
    assert next_page(qtbot, wizard) == Page.GUIDANCE
    wizard.pages[Page.GUIDANCE].group.button(1).setChecked(True)   # needle EMG
    snap(wizard, "3-guidance")
    assert next_page(qtbot, wizard) == Page.OTHER
    snap(wizard, "4-other")
    assert next_page(qtbot, wizard) == Page.DRUGS
    drugs: DrugsPage = wizard.pages[Page.DRUGS]
    drugs.drug.setCurrentIndex(drugs.drug.findData("J0585"))
    drugs.given.setValue(300)
    drugs.wasted.setValue(0)
    snap(wizard, "5-drugs")
    assert next_page(qtbot, wizard) == Page.RESULT
    snap(wizard, "6-result")
    decision = check_against_engine(wizard, reference, userdata)
    codes = [ln.code for ln in decision.lines]
    assert codes[0] == "64644" and "64643" in codes and "95874" in codes
    assert userdata.decisions(1)[0]["encounter"] == wizard.encounter()


def test_larynx_alone_skips_guidance_and_shows_the_engine_answer(qtbot, wizard, reference,
                                                                 userdata):
    next_page(qtbot, wizard)
    right, _left = wizard.pages[Page.INJECTIONS].sides["larynx"]
    qtbot.mouseClick(right, Qt.MouseButton.LeftButton)
    assert next_page(qtbot, wizard) == Page.OTHER       # no guidance question for 64617
    assert next_page(qtbot, wizard) == Page.DRUGS
    assert next_page(qtbot, wizard) == Page.RESULT
    decision = check_against_engine(wizard, reference, userdata)
    assert [ln.code for ln in decision.lines][0] == "64617"


def test_migraine_with_em_visit_and_trigger_points(qtbot, wizard, reference, userdata):
    setting = wizard.pages[Page.SETTING]
    setting.date.setDate(QDate(2024, 8, 15))
    setting.setting.setCurrentIndex(setting.setting.findData("outpatient_hospital"))
    next_page(qtbot, wizard)
    qtbot.mouseClick(wizard.pages[Page.INJECTIONS].migraine, Qt.MouseButton.LeftButton)
    assert next_page(qtbot, wizard) == Page.GUIDANCE
    assert next_page(qtbot, wizard) == Page.OTHER
    other = wizard.pages[Page.OTHER]
    other.em.setCurrentIndex(other.em.findData("99214"))
    other.em_separate.setChecked(True)
    other.other.setCurrentIndex(other.other.findData("20553"))
    other.distinct.setCurrentIndex(other.distinct.findData("separate_structure"))
    assert next_page(qtbot, wizard) == Page.DRUGS
    assert next_page(qtbot, wizard) == Page.RESULT
    decision = check_against_engine(wizard, reference, userdata)
    em = [ln for ln in decision.lines if ln.code == "99214"]
    assert em and "25" in em[0].modifiers


def test_prefilled_from_a_code_and_exports(qtbot, reference, userdata, tmp_path):
    w = ModifierWizard(reference, userdata, code="64645")
    qtbot.addWidget(w)
    w.show()
    inj = w.pages[Page.INJECTIONS]
    assert inj.limbs["right_arm"][0].isChecked() and inj.limbs["left_arm"][1].value() == 5
    for _ in range(4):
        if w.currentId() == Page.RESULT:
            break
        next_page(qtbot, w)
    while w.currentId() != Page.RESULT:
        next_page(qtbot, w)
    page = w.pages[Page.RESULT]
    assert page.csv_text().splitlines()[0] == "code,modifiers,units,reasons,sources"
    assert "64645" in page.csv_text()
    pdf = tmp_path / "decision.pdf"
    page.write_pdf(str(pdf))
    assert pdf.read_bytes()[:4] == b"%PDF"
    page.copy_text()
    from PySide6.QtGui import QGuiApplication
    assert "64645" in QGuiApplication.clipboard().text()


def test_history_reopens_a_saved_decision(qtbot, reference, userdata):
    enc = {"date_of_service": "2024-08-15", "setting": "practitioner", "payer": "medicare",
           "services": [{"kind": "neck", "side": "both"}]}
    w = ModifierWizard(reference, userdata, encounter=enc)
    qtbot.addWidget(w)
    assert w.encounter() == enc
