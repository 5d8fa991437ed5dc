"""Bad input (issue 5): each is rejected with the file, the line and what was wrong, and
nothing is imported: the imported data already there stays byte for byte as it was."""

from __future__ import annotations

import codecs
import hashlib
import pathlib

import pytest

from db.importers import BadFileError, import_files
from tests import cmsfiles
from tests.test_import import curated_ptp, mue_rows, pfs_rows


def sha(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()



@pytest.fixture
def existing(reference_path, data_dir, tmp_path):
    """Imported data already in place (a MUE release), and its hash."""
    (tmp_path / "earlier").mkdir()
    path = cmsfiles.write_mue_csv(tmp_path / "earlier",
                                  mue_rows("practitioner", "mue-practitioner-2024-07-01"),
                                  eff="10-01-2024")
    import_files([path], reference_path=reference_path)
    db = data_dir / "imports.sqlite3"
    return db, sha(db)


def ptp_parts(folder, **kw):
    return cmsfiles.write_ptp_txt(folder, curated_ptp(), version="v303r0", **kw)


def edit_line(path: pathlib.Path, index: int, old: str, new: str, encoding="cp1252"):
    lines = path.read_text(encoding=encoding).splitlines(keepends=True)
    assert old in lines[index], lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    path.write_text("".join(lines), encoding=encoding)
    return index + 1


# Each case builds the files of one import and returns (files, file name, line, words).
def case_unknown_kind(folder):
    p = folder / "notes.csv"
    p.write_text("name,value\nalpha,1\nbeta,2\n", encoding="utf-8")
    return [p], "notes.csv", None, "not a CMS file CodeDesk knows"


def case_unknown_kind_beside_good_files(folder):
    files = ptp_parts(folder)
    p = folder / "readme.txt"
    p.write_text("Unzip the files and import them.\n", encoding="utf-8")
    return [*files, p], "readme.txt", None, "not a CMS file"


def case_truncated_ptp(folder):
    files = ptp_parts(folder)
    data = files[2].read_bytes()
    files[2].write_bytes(data[:data.rindex(b"\t2010") + 3])       # cut inside a date
    n = data[:data.rindex(b"\t2010")].count(b"\n") + 1
    return files, files[2].name, n, "truncated"


def case_truncated_ptp_in_the_rationale(folder):
    files = ptp_parts(folder)
    data = files[3].read_bytes()
    files[3].write_bytes(data[:-12])                               # the last rationale cut short
    return files, files[3].name, data[:-12].count(b"\n") + 1, "truncated"


def case_truncated_mue(folder):
    p = cmsfiles.write_mue_csv(folder, mue_rows("practitioner", "mue-practitioner-2024-07-01"),
                               eff="01-01-2025")
    data = p.read_bytes()
    p.write_bytes(data[:data.rindex(b",") - 2])
    return [p], p.name, data.count(b"\n"), "truncated"


def case_truncated_workbook(folder):
    p = cmsfiles.write_mue_xlsx(folder, mue_rows("practitioner", "mue-practitioner-2024-07-01"),
                                eff="01-01-2025")
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return [p], p.name, None, "truncated"


def case_utf16(folder):
    p = cmsfiles.write_mue_csv(folder, mue_rows("practitioner", "mue-practitioner-2024-07-01"),
                               eff="01-01-2025")
    p.write_bytes(codecs.BOM_UTF16_LE + p.read_text(encoding="utf-8").encode("utf-16-le"))
    return [p], p.name, 1, "UTF-16"


def case_byte_neither_utf8_nor_cp1252(folder):
    files = ptp_parts(folder)
    data = bytearray(files[0].read_bytes())
    at = data.index(b"CPT Manual") + 3
    data[at] = 0x81                                # undefined in Windows-1252
    files[0].write_bytes(bytes(data))
    return files, files[0].name, data[:at].count(b"\n") + 1, "neither UTF-8 nor Windows-1252"


def case_malformed_code(folder):
    files = ptp_parts(folder)
    n = edit_line(files[1], 7, files[1].read_text("cp1252").splitlines()[7][:5], "6464")
    return files, files[1].name, n, "malformed column 1 code '6464'"


def case_malformed_date(folder):
    files = ptp_parts(folder)
    n = edit_line(files[0], 9, "\t20100101\t", "\t20101301\t")
    return files, files[0].name, n, "malformed effective date '20101301'"


def case_malformed_indicator(folder):
    files = ptp_parts(folder)
    lines = files[3].read_text("cp1252").splitlines()
    cells = lines[4].split("\t")
    n = edit_line(files[3], 4, f"\t{cells[5]}\t", "\t2\t")
    return files, files[3].name, n, "modifier indicator '2'"


def case_malformed_mue_value(folder):
    rows = mue_rows("practitioner", "mue-practitioner-2024-07-01")
    rows[3] = (rows[3][0], "three", rows[3][2], rows[3][3])
    p = cmsfiles.write_mue_csv(folder, rows, eff="01-01-2025")
    return [p], p.name, 3 + 2 + 4, "malformed MUE value 'three'"   # copyright 3 lines, header 2


def case_malformed_rvu(folder):
    rows = pfs_rows()
    rows[2][5] = "1..2"
    p = cmsfiles.write_pprrvu_csv(folder, rows, name="PPRRVU24_OCT.csv", month="October")
    return [p], p.name, 13, "malformed work RVU '1..2'"


def case_empty(folder):
    p = folder / "ccipra-v303r0-f1.txt"
    p.write_bytes(b"")
    return [p], p.name, None, "the file is empty"


def case_blank_lines_only(folder):
    p = folder / "MCR_MUE_PractitionerServices_Eff_01-01-2025.csv"
    p.write_bytes(b"\r\n\r\n   \r\n")
    return [p], p.name, None, "empty"


def case_header_only(folder):
    files = ptp_parts(folder)
    lines = files[1].read_text("cp1252").splitlines(keepends=True)
    files[1].write_text("".join(lines[:3]), encoding="cp1252")
    return files, files[1].name, None, "no edits follow"


def case_ptp_columns_moved(folder):
    files = ptp_parts(folder)
    n = edit_line(files[2], 2, "Effective Date\tDeletion Date *=no data",
                  "Deletion Date *=no data\tEffective Date")
    return files, files[2].name, n, "columns are not where CMS puts them"


def case_mue_columns_moved(folder):
    p = cmsfiles.write_mue_csv(folder, mue_rows("practitioner", "mue-practitioner-2024-07-01"),
                               eff="01-01-2025")
    text = p.read_text(encoding="utf-8").replace(
        "Practitioner Services MUE Values,MUE Adjudication Indicator",
        "MUE Adjudication Indicator,Practitioner Services MUE Values")
    p.write_text(text, encoding="utf-8")
    return [p], p.name, 5, "columns are not where CMS puts them"


def case_pprrvu_columns_moved(folder):
    p = cmsfiles.write_pprrvu_csv(folder, pfs_rows(), name="PPRRVU24_OCT.csv", month="October")
    text = p.read_text(encoding="cp1252").replace("MULT,BILAT", "BILAT,MULT")
    text = text.replace("PROC,SURG,SURG,SURG,SURG", "SURG,PROC,SURG,SURG,SURG")
    p.write_text(text, encoding="cp1252")
    return [p], p.name, 10, "column 19 should be MULT PROC"


def case_missing_part(folder):
    files = ptp_parts(folder)
    return [files[0], files[1], files[3]], files[0].name, None, "part f3 is missing"


def case_same_part_twice(folder):
    files = ptp_parts(folder)
    other = folder / "copy"
    other.mkdir()
    dup = other / files[0].name
    dup.write_bytes(files[0].read_bytes())
    return [*files, dup], files[0].name, None, "part f1 of ccipra-v303r0 was chosen twice"


def case_zip_archive(folder):
    import zipfile
    p = folder / "ncci-ptp.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("ccipra-v303r0-f1.txt", "x")
    return [p], p.name, None, "unpack it first"


def case_name_without_release(folder):
    p = cmsfiles.write_mue_csv(folder, mue_rows("practitioner", "mue-practitioner-2024-07-01"),
                               name="mue practitioner.csv")
    return [p], p.name, None, "does not carry the effective date"


CASES = [case_unknown_kind, case_unknown_kind_beside_good_files, case_truncated_ptp,
         case_truncated_ptp_in_the_rationale, case_truncated_mue, case_truncated_workbook,
         case_utf16, case_byte_neither_utf8_nor_cp1252, case_malformed_code,
         case_malformed_date, case_malformed_indicator, case_malformed_mue_value,
         case_malformed_rvu, case_empty, case_blank_lines_only, case_header_only,
         case_ptp_columns_moved, case_mue_columns_moved, case_pprrvu_columns_moved,
         case_missing_part, case_same_part_twice, case_zip_archive, case_name_without_release]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__[5:] for c in CASES])
def test_bad_input_is_rejected_and_nothing_is_imported(case, existing, folder, reference_path,
                                                       data_dir):
    db, before = existing
    files, name, line, words = case(folder)
    with pytest.raises(BadFileError) as info:
        import_files(files, reference_path=reference_path)
    err = info.value
    assert err.file == name, str(err)
    assert words in err.problem, str(err)
    if line is not None:
        assert err.line == line, str(err)
        assert str(err).startswith(f"{name}, {err.unit} {line}: ")
    assert sha(db) == before
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".imports-building")]


def test_a_good_file_beside_a_bad_one_is_not_imported_either(existing, folder, reference_path):
    db, before = existing
    good = cmsfiles.write_mue_csv(folder, mue_rows("dme", "mue-dme-2024-07-01"), setting="dme",
                                  eff="01-01-2025")
    files, *_ = case_malformed_date(folder)
    with pytest.raises(BadFileError):
        import_files([good, *files], reference_path=reference_path)
    assert sha(db) == before


def test_windows_1252_files_are_read_as_such(folder, reference_path, data_dir):
    rows = curated_ptp()
    rows[0] = (*rows[0][:5], "Misuse of column two code – “see” note")
    files = cmsfiles.write_ptp_txt(folder, rows, version="v303r0", encoding="cp1252")
    import_files(files, reference_path=reference_path)
    from db.reference import Reference
    ref = Reference(reference_path, imports_path=data_dir / "imports.sqlite3")
    edits = ref.ptp_between([rows[0][0], rows[0][1]], "practitioner", "2024-10-15")
    assert any(e.rationale == "Misuse of column two code – “see” note" for e in edits)
    ref.close()


def test_a_folder_that_cannot_be_written_is_reported(folder, reference_path, data_dir,
                                                     monkeypatch):
    from db.importers import ImportStorageError
    from db.importers.store import SideDatabase

    def full_disk(self, *a, **k):
        raise __import__("sqlite3").OperationalError("database or disk is full")
    monkeypatch.setattr(SideDatabase, "load", full_disk)
    files = ptp_parts(folder)
    with pytest.raises(ImportStorageError, match="disk full"):
        import_files(files, reference_path=reference_path)
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".imports")]


def test_text_that_only_mentions_cms_files_is_not_taken_for_one(folder, reference_path):
    p = folder / "SHA256SUMS.txt"
    p.write_text("ab12  opps_addendum_b_2023-01_full_family.csv\ncd34  PPRRVU23_JAN.csv\n"
                 "The 2023 physician fee schedule relative value file\n", encoding="utf-8")
    with pytest.raises(BadFileError, match="not a CMS file CodeDesk knows"):
        import_files([p], reference_path=reference_path)
