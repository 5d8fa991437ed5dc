"""Every command of the command line is documented in docs/cli.md (sqlite-utils' habit)."""

from __future__ import annotations

import pathlib

import main

CLI_DOC = (pathlib.Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text()


def test_every_command_and_option_is_documented():
    parser = main.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices, "no commands registered"
    for name, subparser in sub.choices.items():
        assert f"## `{name}" in CLI_DOC, f"command {name!r} missing from docs/cli.md"
        for action in subparser._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in CLI_DOC, f"{name} {flag} missing from docs/cli.md"


def test_data_dir_variable_is_documented():
    assert "CODEDESK_DATA_DIR" in CLI_DOC
