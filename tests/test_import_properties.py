"""Properties of the PTP reader, with generated edits: whatever valid rows CMS writes come
back exactly; a damaged line is refused with its line number, never anything else."""

from __future__ import annotations

import datetime as _dt
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.importers import BadFileError, import_files
from tests import cmsfiles

CODE = st.from_regex(r"\A(?:[0-9]{5}|[0-9]{4}[FTU]|[A-V][0-9]{4})\Z")
DAY = st.dates(min_value=_dt.date(1996, 1, 1), max_value=_dt.date(2030, 12, 31))
RATIONALE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFG/-,().'éèü–“”’", min_size=0,
                    max_size=60).map(str.strip)


@st.composite
def edits(draw):
    c1, c2 = draw(CODE), draw(CODE)
    eff = draw(DAY)
    dele = draw(st.one_of(st.none(), st.dates(min_value=eff,
                                              max_value=_dt.date(2030, 12, 31))))
    return (c1, c2, eff.strftime("%Y%m%d"), dele.strftime("%Y%m%d") if dele else "*",
            draw(st.sampled_from("019")), draw(RATIONALE))


SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(rows=st.lists(edits(), min_size=4, max_size=40),
       encoding=st.sampled_from(["cp1252", "utf-8"]))
def test_valid_rows_come_back_exactly(tmp_path_factory, reference_path, rows, encoding):
    folder = tmp_path_factory.mktemp("media")
    data = tmp_path_factory.mktemp("data")
    from db.importers import ImportStore
    store = ImportStore(data / "imports.sqlite3")
    files = cmsfiles.write_ptp_txt(folder, rows, version="v303r0", encoding=encoding)
    result = import_files(files, store=store, reference_path=reference_path)
    assert result.releases[0].rows == len(rows)
    con = sqlite3.connect(data / "imports.sqlite3")
    got = con.execute("SELECT column1, column2, effective_date, deletion_date,"
                      " modifier_indicator, rationale FROM ptp ORDER BY id").fetchall()
    con.close()

    def iso(d):
        return f"{d[:4]}-{d[4:6]}-{d[6:]}"
    assert got == [(c1, c2, iso(e), None if d == "*" else iso(d), int(m), r or None)
                   for c1, c2, e, d, m, r in rows]


@SETTINGS
@given(rows=st.lists(edits(), min_size=16, max_size=24), line=st.integers(0, 3),
       junk=st.text(alphabet="0123456789ABZ*\t x-/", min_size=1, max_size=30))
def test_a_damaged_line_is_refused_by_its_number(tmp_path_factory, reference_path, rows, line,
                                                 junk):
    folder = tmp_path_factory.mktemp("media")
    data = tmp_path_factory.mktemp("data")
    from db.importers import ImportStore
    files = cmsfiles.write_ptp_txt(folder, rows, version="v303r0")
    lines = files[0].read_text(encoding="cp1252").splitlines(keepends=True)
    target = 3 + line
    lines[target] = junk + "\r\n"
    files[0].write_text("".join(lines), encoding="cp1252")
    try:
        import_files(files, store=ImportStore(data / "imports.sqlite3"),
                     reference_path=reference_path)
    except BadFileError as exc:
        assert exc.line == target + 1 and exc.file == files[0].name, str(exc)
        assert not (data / "imports.sqlite3").exists()
    else:   # the junk was blank, a legend-like row above the edits, or a valid edit line
        cells = junk.split("\t")
        legend = (target == 3 and not cells[0].strip()
                  and (len(cells) < 2 or not cells[1].strip()))
        assert not junk.strip() or legend or len(cells) >= 6, repr(junk)
