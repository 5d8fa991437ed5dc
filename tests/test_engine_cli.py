"""`python main.py wizard ENCOUNTER.json [--json]`: exit codes, text and JSON forms."""

from __future__ import annotations

import io
import json

import main
from db.userdata import UserData
from tests.engine_cases import ISSUE_EXAMPLE, MIGRAINE, enc, limb, side


def run(capsys, *args):
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, data, name="encounter.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_text_decision(reference_path, data_dir, tmp_path, capsys):
    code, out, err = run(capsys, "wizard", write(tmp_path, ISSUE_EXAMPLE))
    assert code == 0 and not err
    assert out.startswith("Decision for 2024-08-15, setting practitioner")
    assert "64644  XS-LT" in out and "J0585  JW" in out
    assert "  - 64612: NCCI PTP edit 64615/64612, modifier indicator 0" in out
    assert "ptp-practitioner-2024-07-01: NCCI PTP practitioner v30.2" in out


def test_json_decision(reference_path, data_dir, tmp_path, capsys):
    code, out, _ = run(capsys, "wizard", write(tmp_path, enc(side("neck", "both"))), "--json")
    assert code == 0
    data = json.loads(out)
    assert [(ln["code"], ln["modifiers"], ln["units"]) for ln in data["lines"]] == [
        ("64616", ["50"], 1)]
    assert data["payer"]["id"] == "medicare" and data["not_reported"] == []
    assert {r["id"] for r in data["releases"]} >= {"ptp-practitioner-2024-07-01"}


def test_standard_input(reference_path, data_dir, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(enc(MIGRAINE))))
    code, out, _ = run(capsys, "wizard", "-", "--json")
    assert code == 0 and json.loads(out)["lines"][0]["code"] == "64615"


def test_invalid_encounter_lists_every_problem(reference_path, data_dir, tmp_path, capsys):
    bad = enc(limb("right_arm", 0), limb("right_arm", 2), {"kind": "eyelid"}, payer="acme",
              dos="2024-02-30")
    code, out, err = run(capsys, "wizard", write(tmp_path, bad))
    assert code == 2 and not out
    assert "is not valid" in err and "Traceback" not in err
    for problem in ("date_of_service: must be a date", "payer: unknown payer id 'acme'",
                    "services[0].muscles: must be a whole number of at least 1",
                    "services[1].limb: right_arm is already listed at services[0]",
                    "services[2].kind: unknown kind 'eyelid'"):
        assert f"  - {problem}" in err


def test_invalid_encounter_as_json(reference_path, data_dir, tmp_path, capsys):
    code, out, _ = run(capsys, "wizard", write(tmp_path, enc()), "--json")
    assert code == 2
    assert json.loads(out)["problems"] == ["services: must list at least one service"]


def test_unreadable_files(reference_path, data_dir, tmp_path, capsys):
    cases = [(str(tmp_path / "missing.json"), "no such file"),
             (str(tmp_path), "is a folder"),
             (write(tmp_path, '{"date_of_service": ', "cut.json"), "is not valid JSON"),
             (write(tmp_path, "", "empty.json"), "is not valid JSON")]
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00{")
    cases.append((str(binary), "not a UTF-8 text file"))
    for path, message in cases:
        code, out, err = run(capsys, "wizard", path)
        assert code == 2 and message in err and "Traceback" not in err, (path, err)
    code, out, _ = run(capsys, "wizard", str(tmp_path / "missing.json"), "--json")
    assert code == 2 and "no such file" in json.loads(out)["error"]


def test_users_own_payer_profile(reference_path, data_dir, tmp_path, capsys):
    store = UserData()
    store.save_payer_profile("myplan", {"name": "My plan", "bilateral_format": "rt_lt_two_lines",
                                        "accepts_x_modifiers": False})
    store.close()
    code, out, _ = run(capsys, "wizard", write(tmp_path, enc(side("facial", "both"),
                                                            payer="myplan")), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["payer"]["origin"] == "user"
    assert [(ln["code"], ln["modifiers"]) for ln in data["lines"]] == [("64612", ["RT"]),
                                                                        ("64612", ["LT"])]
