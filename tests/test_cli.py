"""The command line: `lookup` and `search`, their JSON forms and exit codes."""

from __future__ import annotations

import json

import pytest

import main


def run(capsys, *args):
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_lookup_64643_json(reference_path, capsys):
    code, out, _ = run(capsys, "lookup", "64643", "--json", "--date", "2024-08-15")
    assert code == 0
    data = json.loads(out)
    for key in ("code", "system", "title", "description", "role", "add_on_primaries",
                "global_days", "bilateral_indicator", "mue", "ptp_edits", "related",
                "corrections", "payer_notes", "sources"):
        assert key in data, key
    assert data["role"] == "add-on"
    assert data["add_on_primaries"] == ["64642", "64644"]
    assert data["global_days"] == "ZZZ" and data["bilateral_indicator"] == "0"
    prac = data["mue"]["practitioner"]
    assert (prac["value"], prac["mai"]) == (3, 2)
    assert prac["release"] == "mue-practitioner-2024-07-01"
    assert any(c["correct_code"] == "64640" for c in data["corrections"])
    edit = data["ptp_edits"][0]
    assert {"other_code", "column", "modifier_indicator", "rationale", "deletion_date",
            "release"} <= set(edit)
    assert {"code", "relationship"} <= set(data["related"][0])
    assert all(s["id"] and s["title"] for s in data["sources"])


def test_lookup_text(reference_path, capsys):
    code, out, _ = run(capsys, "lookup", "64643")
    assert code == 0
    assert "64640" in out and "64642" in out and "ZZZ" in out


def test_lookup_icd_json(reference_path, capsys):
    code, out, _ = run(capsys, "lookup", "g243", "--json")
    data = json.loads(out)
    assert code == 0 and data["code"] == "G24.3" and data["billable"] is True
    assert data["parents"][0]["code"] == "G24"


@pytest.mark.parametrize("bad", ["64699", "ZZZZZ", "64643x", "'; select"])
def test_unknown_code_exits_1_with_suggestions(reference_path, capsys, bad):
    code, out, err = run(capsys, "lookup", bad)
    assert code == 1
    assert "No code" in err and "Traceback" not in err


def test_unknown_code_json_has_suggestions(reference_path, capsys):
    code, out, _ = run(capsys, "lookup", "64649", "--json")
    data = json.loads(out)
    assert code == 1 and "64642" in [s["code"] for s in data["suggestions"]]


@pytest.mark.parametrize("query,expected", [
    ("torticollis", {"64616", "G24.3"}), ("G243", {"G24.3"}),
    ("chemodenervation arm", {"64642", "64643"}),
])
def test_search(reference_path, capsys, query, expected):
    code, out, _ = run(capsys, "search", query, "--json")
    assert code == 0
    hits = json.loads(out)
    assert expected <= {h["code"] for h in hits}
    assert all({"code", "system", "title"} <= set(h) for h in hits)


def test_search_limit_and_text(reference_path, capsys):
    code, out, _ = run(capsys, "search", "dystonia", "--limit", "3")
    assert code == 0 and len(out.strip().splitlines()) == 3


@pytest.mark.parametrize("args", [["lookup"], ["search"], ["search", "x", "--limit", "0"],
                                  ["search", "x", "--limit", "many"], ["frobnicate"],
                                  ["lookup", "64643", "--date", "yesterday"]])
def test_bad_arguments_exit_2(reference_path, capsys, args):
    with pytest.raises(SystemExit) as exc:
        main.main(args)
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_version(reference_path, capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and main.__version__ in out and "mue_practitioner" in out


def test_unexpected_error_prints_no_traceback(reference_path, capsys, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("simulated")
    monkeypatch.setattr(main, "cmd_search", boom)
    monkeypatch.setattr(main, "build_parser", _parser_with(boom))
    code, _out, err = run(capsys, "search", "x")
    assert code == main.EXIT_ERROR
    assert "unexpected error" in err and "Traceback" not in err


def _parser_with(handler):
    original = main.build_parser

    def build():
        parser = original()
        sub = next(a for a in parser._actions if a.dest == "command")
        sub.choices["search"].set_defaults(func=handler)
        return parser
    return build
