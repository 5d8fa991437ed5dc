"""The wizard's page flow and code pre-fill (rules/questions.py)."""

import pytest

from rules.encounter import parse_encounter
from rules.questions import asks_drugs, asks_guidance, services_for_code


@pytest.mark.parametrize("kinds,guidance,drugs", [
    (["extremity"], True, True), (["larynx"], False, True), (["neurolysis"], False, False),
    (["migraine"], True, True), (["em_visit"], False, False), ([], False, False),
    (["larynx", "neck"], True, True),
])
def test_which_pages_are_asked(kinds, guidance, drugs):
    services = [{"kind": k} for k in kinds]
    assert asks_guidance(services) is guidance
    assert asks_drugs(services) is drugs


@pytest.mark.parametrize("code", ["64642", "64643", "64644", "64645", "64646", "64647",
                                  "64612", "64615", "64616", "64617", "64640", "95873",
                                  "95874", "95860", "99214", "J0585", "20553", "96372"])
def test_prefill_is_a_valid_encounter_using_the_code(code):
    services = services_for_code(code)
    assert services
    enc = parse_encounter({"date_of_service": "2024-08-15", "setting": "practitioner",
                           "payer": "medicare", "services": services})
    assert enc.services


def test_unknown_code_prefills_nothing():
    assert services_for_code("G24.3") == []
