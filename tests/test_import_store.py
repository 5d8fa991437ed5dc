"""The imports database mirrors the bundled tables, so that db.reference reads an
imported release exactly as a bundled one."""

from __future__ import annotations

import sqlite3

from db.importers import ImportStore, import_files
from db.importers.store import RELEASE_TABLES
from tests import cmsfiles
from tests.test_import import curated_ptp

SHARED_TABLES = ("sources", "releases", "ptp", "mue", "pfs", "aoc", "opps", "hcpcs_level2")


def columns(con, schema, table):
    return [(r[1], r[2].upper(), r[3]) for r in
            con.execute(f"PRAGMA {schema}.table_info({table})")]


def test_imported_tables_have_the_bundled_columns(reference_path, data_dir, tmp_path):
    import_files(cmsfiles.write_ptp_txt(tmp_path, curated_ptp(), version="v303r0"),
                 reference_path=reference_path)
    con = sqlite3.connect(f"file:{reference_path}?mode=ro", uri=True)
    con.execute("ATTACH DATABASE ? AS imp", (f"file:{data_dir / 'imports.sqlite3'}?mode=ro",))
    for table in SHARED_TABLES:
        assert columns(con, "imp", table) == columns(con, "main", table), table
    # the lookups' indexes exist after the bulk load
    names = {r[0] for r in con.execute("SELECT name FROM imp.sqlite_master WHERE type='index'")}
    assert {"ptp_col1", "ptp_col2", "aoc_addon", "aoc_primary"} <= names
    plan = " ".join(r[3] for r in con.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM imp.ptp WHERE release_id = ? AND column2 = ?",
        ("x", "64642")))
    assert "ptp_col2" in plan
    assert con.execute("PRAGMA imp.journal_mode").fetchone()[0] == "delete"
    con.close()
    assert set(RELEASE_TABLES) >= set(SHARED_TABLES) - {"sources", "releases"}


def test_store_lists_imported_releases_with_their_files(reference_path, data_dir, tmp_path):
    import_files(cmsfiles.write_ptp_txt(tmp_path, curated_ptp(), version="v303r0"),
                 reference_path=reference_path)
    (r,) = ImportStore().releases()
    assert r["id"] == "imp-ptp-practitioner-v303r0" and r["rows"] == len(curated_ptp())
    assert "ccipra-v303r0-f4.txt" in r["files"]
    assert ImportStore().changes(r["id"])["previous_id"] == "ptp-practitioner-2024-07-01"
