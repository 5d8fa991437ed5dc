"""The build of the reference database: deterministic, complete, read-only at run time."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from db import build
from db.errors import ReferenceDatabaseError
from db.reference import Reference


def _dump(path):
    con = sqlite3.connect(path)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    d = tmp_path_factory.mktemp("builds")
    return (build.build(d / "a.sqlite3"), build.build(d / "b.sqlite3"), d)


def test_same_inputs_same_hash_and_same_bytes(two_builds):
    hash_a, hash_b, d = two_builds
    assert hash_a == hash_b == build.content_hash()
    assert build.file_sha256(d / "a.sqlite3") == build.file_sha256(d / "b.sqlite3")
    assert (d / "a.sqlite3.sha256").read_text().strip() == build.file_sha256(d / "a.sqlite3")


def test_a_content_change_changes_the_hash(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(build.CONTENT_DIR, content)
    before = build.content_hash(content)
    with (content / "modifiers.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n# a reviewer's comment\n")
    assert build.content_hash(content) != before


def test_built_database_holds_everything(reference):
    con = reference.con
    counts = dict(con.execute(
        "SELECT system, count(*) FROM codes GROUP BY system").fetchall())
    assert counts["ICD-10-CM"] > 95_000
    assert counts["CPT"] + counts["HCPCS"] == 44
    assert con.execute("SELECT count(*) FROM ptp").fetchone()[0] > 500
    assert reference.meta["schema_version"] == str(build.SCHEMA_VERSION)
    assert reference.meta["content_hash"] == build.content_hash()
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_stale_database_is_rebuilt(tmp_path):
    target = tmp_path / "ref.sqlite3"
    build.build(target)
    con = sqlite3.connect(target)
    with con:
        con.execute("UPDATE meta SET value = 'old' WHERE key = 'content_hash'")
    con.close()
    assert build.stored_hash(target) == "old"
    build.ensure_reference_db(target)
    assert build.stored_hash(target) == build.content_hash()


def test_reference_is_opened_read_only(reference):
    with pytest.raises(sqlite3.OperationalError):
        reference.con.execute("DELETE FROM codes")


def test_missing_or_damaged_database_gives_a_clear_message(tmp_path):
    with pytest.raises(ReferenceDatabaseError, match="missing"):
        Reference(tmp_path / "nope.sqlite3")
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ReferenceDatabaseError, match="cannot be read"):
        Reference(bad)


def test_data_dir_variable_moves_user_data(data_dir):
    from db import paths
    from db.userdata import UserData
    assert paths.data_dir() == data_dir
    store = UserData()
    store.set_note("64643", "check the primary")
    store.close()
    assert (data_dir / "user.sqlite3").exists()


def test_bundle_verification(tmp_path, data_dir):
    from db.bundle import verify_reference
    target = tmp_path / "ref.sqlite3"
    build.build(target)
    verify_reference(target)          # hashes and remembers
    verify_reference(target)          # remembered
    data = bytearray(target.read_bytes())
    data[5000] ^= 0xFF
    target.write_bytes(bytes(data))   # a changed file is hashed again
    with pytest.raises(ReferenceDatabaseError, match="damaged"):
        verify_reference(target)
    target.unlink()
    with pytest.raises(ReferenceDatabaseError, match="missing"):
        verify_reference(target)
