"""Build the bundled reference database from the curated content and ICD-10-CM.

    python -m db.build            # build resources/reference.sqlite3 if missing or stale
    python -m db.build --force    # rebuild regardless

The build is deterministic: the same content files, schema and ICD-10-CM package
version give the same content hash and the same rows in the same order. It writes
to a temporary file beside the target and renames it into place only when complete,
so a reader never sees a half-built database.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.metadata
import json
import logging
import os
import pathlib
import sqlite3
import sys
import tempfile
import tomllib
import warnings

import resources
from db.codeset import COMPANIONS, FAMILY

log = logging.getLogger("codedesk.db.build")

SCHEMA_VERSION = 1
CONTENT_DIR = pathlib.Path(__file__).with_name("content")
SCHEMA_FILE = pathlib.Path(__file__).with_name("schema.sql")
ICD_PACKAGE = "simple-icd-10-cm"
ICD_RELEASE = "icd10cm-fy2026"
TOML_FILES = ("sources", "codes", "modifiers", "corrections", "payers")
CSV_FILES = ("releases", "relationships", "cms_pfs", "cms_mue", "cms_ptp", "cms_aoc",
             "cms_opps", "hcpcs_level2")


def norm_code(code: str) -> str:
    """A code as the index stores it: no dots or spaces, upper case."""
    return code.replace(".", "").replace(" ", "").upper()


def content_hash(content_dir: pathlib.Path = CONTENT_DIR) -> str:
    """Hash of every input of the build: content files, schema, build version, ICD."""
    h = hashlib.sha256()
    h.update(f"schema={SCHEMA_VERSION}\n".encode())
    h.update(SCHEMA_FILE.read_bytes())
    h.update(f"{ICD_PACKAGE}={importlib.metadata.version(ICD_PACKAGE)}\n".encode())
    for p in sorted(content_dir.iterdir()):
        if p.suffix in (".toml", ".csv"):
            h.update(p.name.encode() + b"\0")
            h.update(p.read_bytes().replace(b"\r\n", b"\n"))
    return h.hexdigest()


def _toml(content_dir: pathlib.Path, name: str) -> dict:
    with (content_dir / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def _csv(content_dir: pathlib.Path, name: str) -> list[dict]:
    with (content_dir / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _none(value: str | None):
    return value if value not in ("", None) else None


def _num(value: str | None):
    return float(value) if value not in ("", None) else None


def _icd_rows():
    """(code, kind, title, billable, parent) for the whole ICD-10-CM code set, sorted."""
    with warnings.catch_warnings():
        # The package loads its data through importlib.resources' legacy calls.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as cm
        all_codes = cm.get_all_codes(True)

    rows, seen = [], set()
    for code in all_codes:
        if code in seen:
            continue
        seen.add(code)
        # A few blocks share their name with their only category (B10, C7A): kept once,
        # as the category, under the block's chapter.
        parent = cm.get_parent(code) or None
        if cm.is_chapter(code):
            kind = "chapter"
        elif cm.is_category(code):
            kind = "category"
            if parent == code:
                parent = cm.get_ancestors(code)[-1]
        elif cm.is_block(code):
            kind = "block"
        else:
            kind = "code"
        billable = 1 if kind in ("category", "code") and cm.is_leaf(code) else 0
        rows.append((code, kind, cm.get_description(code), billable, parent))
    # Chapters and blocks after the codes, codes in their natural order: search
    # returns ICD hits in this (rowid) order when a query matches too many to rank.
    rows.sort(key=lambda r: (r[1] in ("chapter", "block"), r[0]))
    return rows


def _insert_content(con: sqlite3.Connection, content_dir: pathlib.Path) -> None:
    sources = _toml(content_dir, "sources")["source"]
    con.executemany(
        "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?)",
        [(s["id"], s["title"], s.get("publisher"), s["tier"], s.get("release"), s.get("date"),
          s.get("document"), s.get("url"), s.get("note")) for s in sources])
    con.executemany(
        "INSERT INTO releases VALUES (?,?,?,?,?,?)",
        [(r["release"], r["dataset"], r["label"], r["effective_from"],
          _none(r["effective_to"]), r["source"]) for r in _csv(content_dir, "releases")])

    order = {code: i for i, code in enumerate(FAMILY + COMPANIONS)}
    entries = sorted(_toml(content_dir, "codes")["code"], key=lambda c: order.get(c["code"], 999))
    for c in entries:
        clinical = c.get("clinical", {})
        brands = c.get("brands", [])
        keywords = " ".join(c.get("keywords", []) + brands)
        cur = con.execute(
            "INSERT INTO codes (code, norm, system, kind, title, description, region, sort_rank,"
            " keywords, patients, procedure, documentation, unit_size, unit_label, brands,"
            " source_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (c["code"], norm_code(c["code"]), c["system"], c["role"], c["title"],
             c["description"], c.get("region"), 0 if c.get("family") else 1, keywords,
             clinical.get("patients"), clinical.get("procedure"), clinical.get("documentation"),
             c.get("unit_size"), c.get("unit_label"), ", ".join(brands) or None, c["source"]))
        con.execute("INSERT INTO curated_fts (rowid, code, title, description, keywords)"
                    " VALUES (?,?,?,?,?)",
                    (cur.lastrowid, f"{c['code']} {norm_code(c['code'])}", c["title"],
                     c["description"], keywords))

    for code, kind, title, billable, parent in _icd_rows():
        cur = con.execute(
            "INSERT INTO codes (code, norm, system, kind, title, sort_rank, billable, parent,"
            " source_id) VALUES (?,?,?,?,?,?,?,?,?)",
            (code, norm_code(code), "ICD-10-CM", kind, title, 2, billable, parent, ICD_RELEASE))
        con.execute("INSERT INTO icd_fts (rowid, title) VALUES (?,?)", (cur.lastrowid, title))

    rels = [(r["code"], r["other"], r["kind"], r["note"], r["source"])
            for r in _csv(content_dir, "relationships")]
    aoc = _csv(content_dir, "cms_aoc")
    rel_source = {r["release"]: r["source"] for r in _csv(content_dir, "releases")}
    rels += [(a["addon_code"], a["primary_code"], "add_on_of", "", rel_source[a["release"]])
             for a in aoc]
    con.executemany("INSERT INTO relationships VALUES (?,?,?,?,?)", rels)

    con.executemany(
        "INSERT INTO pfs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(r["release"], r["code"], r["status"], _num(r["work_rvu"]), _num(r["nonfac_pe_rvu"]),
          _num(r["fac_pe_rvu"]), _num(r["mp_rvu"]), _num(r["nonfac_total"]),
          _num(r["fac_total"]), _none(r["nonfac_na"]), _none(r["fac_na"]), r["pctc"],
          r["global_days"], r["mult_proc"], r["bilateral"], r["assistant"], r["co_surgeon"],
          r["team"], _num(r["conv_factor"])) for r in _csv(content_dir, "cms_pfs")])
    con.executemany(
        "INSERT INTO mue VALUES (?,?,?,?,?,?)",
        [(r["release"], r["setting"], r["code"], int(r["value"]), int(r["mai"]), r["rationale"])
         for r in _csv(content_dir, "cms_mue")])
    con.executemany(
        "INSERT INTO ptp (release_id, setting, column1, column2, effective_date, deletion_date,"
        " modifier_indicator, rationale) VALUES (?,?,?,?,?,?,?,?)",
        [(r["release"], r["setting"], r["column1"], r["column2"], None,
          _none(r["deletion_date"]), int(r["modifier_indicator"]), r["rationale"])
         for r in _csv(content_dir, "cms_ptp")])
    con.executemany("INSERT INTO aoc VALUES (?,?,?,?)",
                    [(a["release"], a["primary_code"], a["addon_code"], int(a["edit_type"]))
                     for a in aoc])
    con.executemany("INSERT INTO opps VALUES (?,?,?,?)",
                    [(r["release"], r["code"], _none(r["status_indicator"]),
                      _num(r["payment_rate"])) for r in _csv(content_dir, "cms_opps")])
    con.executemany("INSERT INTO hcpcs_level2 VALUES (?,?,?,?,?)",
                    [(r["release"], r["code"], r["long_description"], r["short_description"],
                      _none(r["date_added"])) for r in _csv(content_dir, "hcpcs_level2")])

    con.executemany(
        "INSERT INTO modifiers VALUES (?,?,?,?,?,?)",
        [(m["modifier"], m["title"], m["meaning"], m["applies"], m["must_not"], m["source"])
         for m in _toml(content_dir, "modifiers")["modifier"]])
    con.executemany(
        "INSERT INTO corrections (code, claim, correction, correct_code, source_id)"
        " VALUES (?,?,?,?,?)",
        [(c["code"], c["claim"], c["correction"], c.get("correct_code"), c["source"])
         for c in _toml(content_dir, "corrections")["correction"]])
    payers = _toml(content_dir, "payers")
    con.executemany(
        "INSERT INTO payers VALUES (?,?,?,?,?,?,?)",
        [(p["id"], p["name"], p["bilateral_format"],
          None if "accepts_x_modifiers" not in p else int(p["accepts_x_modifiers"]),
          int(p.get("verified", False)), p.get("note"), p["source"]) for p in payers["payer"]])
    con.executemany(
        "INSERT INTO payer_notes (payer_id, codes, settings, topic, text, tier, date,"
        " source_id) VALUES (?,?,?,?,?,?,?,?)",
        [(n["payer"], " ".join(n.get("codes", [])), " ".join(n.get("settings", [])),
          n["topic"], n["text"], n["tier"], n.get("date"), n["source"])
         for n in payers.get("note", [])])


def build(target: pathlib.Path, content_dir: pathlib.Path = CONTENT_DIR) -> str:
    """Build the database at `target` (atomically); returns its content hash."""
    digest = content_hash(content_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".build-", suffix=".sqlite3", dir=target.parent)
    os.close(fd)
    tmp = pathlib.Path(tmp_name)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.executescript(SCHEMA_FILE.read_text(encoding="utf-8"))
            with con:
                _insert_content(con, content_dir)
                releases = [r[0] for r in con.execute("SELECT id FROM releases ORDER BY id")]
                meta = {
                    "schema_version": str(SCHEMA_VERSION),
                    "content_hash": digest,
                    "icd10cm": f"{ICD_RELEASE} ({ICD_PACKAGE} "
                               f"{importlib.metadata.version(ICD_PACKAGE)})",
                    "releases": json.dumps(releases),
                }
                con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
                con.execute("INSERT INTO curated_fts(curated_fts) VALUES ('optimize')")
                con.execute("INSERT INTO icd_fts(icd_fts) VALUES ('optimize')")
            problems = con.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise ValueError(f"content refers to missing rows: {problems[:5]}")
            con.execute("PRAGMA journal_mode=DELETE")
            con.execute("VACUUM")
        finally:
            con.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    sidecar = target.with_name(target.name + ".sha256")
    sidecar.write_text(file_sha256(target) + "\n", encoding="ascii")
    return digest


def file_sha256(path: pathlib.Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stored_hash(target: pathlib.Path) -> str | None:
    """The content hash a built database records, or None if it has none or is unreadable."""
    if not target.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key='content_hash'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def ensure_reference_db(target: pathlib.Path | None = None) -> pathlib.Path:
    """Build the reference database when it is missing or older than its inputs.

    In a packaged app the content files are not shipped; the database is then taken
    as bundled and verified elsewhere (db.reference.verify_bundle).
    """
    target = target or resources.reference_db_path()
    if not (CONTENT_DIR / "codes.toml").exists():
        return target
    if stored_hash(target) != content_hash():
        log.info("building the reference database at %s", target)
        build(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.build", description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--output", type=pathlib.Path, default=resources.reference_db_path())
    args = parser.parse_args(argv)
    if args.force or stored_hash(args.output) != content_hash():
        print(f"built {args.output} ({build(args.output)[:12]})")
    else:
        print(f"{args.output} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
