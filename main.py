"""CodeDesk: the composition root.

    python main.py                      open the window
    python main.py lookup CODE [--json] a code's page
    python main.py search TEXT [--json] [--limit N]
    (further commands: see `python main.py --help` and docs/cli.md)

Command-line handlers stay thin: they parse, call db/ or rules/, and print. No
traceback ever reaches the user: known errors print their message, anything else
is logged with its details and summarised.
"""

from __future__ import annotations

import json
import logging
import os
import sys

from resources import __version__  # noqa: F401 (codedesk --version, packaging)

log = logging.getLogger("codedesk")

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3


def _parser_class():
    # argparse is imported only when there are arguments to parse: the window's start
    # (no arguments) does without it.
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message):  # argparse's own exit code for usage errors is 2, kept
            self.print_usage(sys.stderr)
            self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")
    return _Parser


def _emit_json(data) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def _open_reference():
    from db.reference import open_reference
    return open_reference()


def cmd_lookup(args) -> int:
    from db import pagetext
    ref = _open_reference()
    page = ref.lookup(args.code, on_date=args.date)
    if page is None:
        close = ref.suggest(args.code)
        if args.json:
            _emit_json({"error": f"unknown code: {args.code}",
                        "suggestions": [{"code": h.code, "system": h.system, "title": h.title}
                                        for h in close]})
        else:
            print(f"No code {args.code!r} in CodeDesk's reference data.", file=sys.stderr)
            if close:
                print("Did you mean:", file=sys.stderr)
                for h in close:
                    print(f"  {h.code:<9} {h.title}", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.json:
        _emit_json(pagetext.page_json(page))
    else:
        print(pagetext.page_text(page))
    return EXIT_OK


def cmd_search(args) -> int:
    ref = _open_reference()
    hits = ref.search(args.text, limit=args.limit)
    if args.json:
        _emit_json([{"code": h.code, "system": h.system, "title": h.title, "kind": h.kind}
                    for h in hits])
    else:
        if not hits:
            print(f"Nothing found for {args.text!r}.")
        for h in hits:
            print(f"{h.code:<9} {h.system:<10} {h.title}")
    return EXIT_OK


MAX_ENCOUNTER_BYTES = 1_000_000


def _read_encounter(path: str):
    """The decoded JSON of an encounter file ('-' for standard input), or (None, message)."""
    try:
        if path == "-":
            text = sys.stdin.read(MAX_ENCOUNTER_BYTES + 1)
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read(MAX_ENCOUNTER_BYTES + 1)
    except FileNotFoundError:
        return None, f"no such file: {path}"
    except IsADirectoryError:
        return None, f"{path} is a folder, not an encounter file"
    except PermissionError:
        return None, f"{path} cannot be read (permission denied)"
    except UnicodeDecodeError:
        return None, f"{path} is not a UTF-8 text file"
    except OSError as exc:
        return None, f"{path} cannot be read: {exc.strerror or exc}"
    if len(text) > MAX_ENCOUNTER_BYTES:
        return None, f"{path} is too large for an encounter (over 1 MB)"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, (f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                      f"column {exc.colno}")
    except RecursionError:
        return None, f"{path} is not valid JSON: nested too deeply"


def _user_payer_profiles() -> dict:
    from db.errors import UserDataError
    from db.userdata import UserData
    try:
        store = UserData()
    except UserDataError as exc:
        print(f"codedesk: your own payer profiles are not available: {exc}", file=sys.stderr)
        return {}
    try:
        return store.payer_profiles()
    finally:
        store.close()


def cmd_wizard(args) -> int:
    from rules.encounter import InvalidEncounter, parse_encounter
    from rules.engine import decide

    def fail(message: str, problems=()) -> int:
        if args.json:
            _emit_json({"error": message, "problems": list(problems)})
        else:
            print(f"codedesk: {message}", file=sys.stderr)
            for p in problems:
                print(f"  - {p}", file=sys.stderr)
        return EXIT_USAGE

    data, problem = _read_encounter(args.encounter)
    if problem:
        return fail(problem)
    ref = _open_reference()
    profiles = _user_payer_profiles()
    try:
        encounter = parse_encounter(data, payer_ids={p.id for p in ref.payers()} | set(profiles))
        decision = decide(encounter, ref, profiles)
    except InvalidEncounter as exc:
        return fail(f"the encounter in {args.encounter} is not valid", exc.problems)
    if args.json:
        _emit_json(decision.to_json())
    else:
        print(decision.to_text())
    return EXIT_OK


def _import_progress():
    """A one-line progress display on a terminal (none when output is redirected)."""
    if not sys.stderr.isatty():
        return None
    state = {"text": ""}

    def show(fraction: float, message: str) -> None:
        text = f"\r{fraction * 100:5.1f}%  {message[:60]:<60}"
        if text != state["text"]:
            state["text"] = text
            sys.stderr.write(text)
            sys.stderr.flush()
    return show


def cmd_import(args) -> int:
    from db.build import ensure_reference_db
    from db.errors import CodeDeskError
    from db.importers import BadFileError, import_files

    progress = None if args.json else _import_progress()
    try:
        result = import_files(args.files, progress=progress,
                              reference_path=ensure_reference_db())
    except CodeDeskError as exc:
        if progress:
            sys.stderr.write("\n")
        if args.json:
            _emit_json(exc.to_json() if isinstance(exc, BadFileError) else {"error": str(exc)})
        print(f"codedesk: {exc}\nNothing was imported; the data in use is unchanged.",
              file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, BadFileError) else EXIT_ERROR
    if progress:
        sys.stderr.write("\n")
    if args.json:
        _emit_json(result.to_json())
    else:
        print(result.summary_text(), end="")
    return EXIT_OK


def _positive_int(value: str) -> int:
    import argparse
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if not 1 <= n <= 500:
        raise argparse.ArgumentTypeError(f"expected 1 to 500, got {n}")
    return n


def _iso_date(value: str) -> str:
    import argparse
    import datetime
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def build_parser():
    _Parser = _parser_class()  # noqa: N806 (a class)
    parser = _Parser(prog="codedesk", description="CodeDesk: an offline reference for coding "
                     "chemodenervation (CPT 64643 and its family). With no command, opens the "
                     "window.")
    parser.add_argument("--version", action="store_true", help="print the version and the "
                        "data releases, then exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("lookup", help="show everything known about a code")
    p.add_argument("code", help="a CPT, HCPCS or ICD-10-CM code (any case, dot optional)")
    p.add_argument("--json", action="store_true", help="print JSON (see docs/cli.md)")
    p.add_argument("--date", type=_iso_date, default=None,
                   help="use the data releases in force on this date (default: today)")
    p.set_defaults(func=cmd_lookup)

    p = sub.add_parser("search", help="find codes by code, prefix or words")
    p.add_argument("text", help="a code, a code prefix or a few words")
    p.add_argument("--json", action="store_true", help="print JSON (see docs/cli.md)")
    p.add_argument("--limit", type=_positive_int, default=20, help="at most N hits (1-500)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("wizard", help="decide the claim lines and modifiers for an encounter",
                       description="Decide the claim lines, modifiers and units for an "
                       "encounter given as JSON (docs/encounter.md). Exit 0 with the decision, "
                       "2 when the file or the encounter is not valid.")
    p.add_argument("encounter", help="the encounter JSON file ('-' reads standard input)")
    p.add_argument("--json", action="store_true", help="print the decision as JSON "
                   "(docs/encounter.md)")
    p.set_defaults(func=cmd_wizard)

    p = sub.add_parser("import", help="import official CMS data files (NCCI, MUE, PFS, OPPS, "
                       "HCPCS, ICD-10-CM)",
                       description="Import the official CMS files as published (docs/import.md):"
                       " the kind and release of each file are recognized from its content and "
                       "name. All or nothing: exit 0 when imported (or already imported), 2 when "
                       "a file is not valid (nothing is imported).")
    p.add_argument("files", nargs="+", metavar="FILE", help="the files; the four parts of an "
                   "NCCI PTP release together")
    p.add_argument("--json", action="store_true", help="print what was recognized, imported "
                   "and changed as JSON (docs/import.md)")
    p.set_defaults(func=cmd_import)
    return parser


def version_text() -> str:
    ref = _open_reference()
    lines = [f"CodeDesk {__version__}", "Data releases:"]
    lines += [f"  {r.dataset:<24} {r.label} (from {r.effective_from})"
              + (" [imported]" if r.imported else "") for r in ref.releases_in_use()]
    lines.append(f"  {'icd10cm':<24} {ref.meta.get('icd10cm', '')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from db.errors import CodeDeskError
    from db.logsetup import setup_logging

    argv = sys.argv[1:] if argv is None else argv
    # No arguments: the window, straight away (nothing to parse).
    args = build_parser().parse_args(argv) if argv else None
    gui = args is None or (args.command is None and not args.version)
    log_file = setup_logging(gui=gui)
    try:
        if gui:
            from ui.app import run_gui
            return run_gui(sys.argv[:1])
        if args.version:
            print(version_text())
            return EXIT_OK
        status = args.func(args)
        sys.stdout.flush()
        return status
    except CodeDeskError as exc:
        print(f"codedesk: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `codedesk lookup 64643 | head`: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception:  # the last line of defence: no traceback in the user's face
        log.exception("unexpected error")
        print(f"codedesk: an unexpected error stopped the command; the details are in "
              f"{log_file}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
