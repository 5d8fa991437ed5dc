"""HCPCS Level II: the alpha-numeric file (HCPCyyyy_MON_ANWEB_*.txt), fixed width.

Record layout (CMS HCPCS record layout, 320 characters a record; positions 1-based):
1-5 code, 6-10 sequence number, 11 record identification (3 first line of a code,
4 its continuation, 7 first line of a modifier, 8 its continuation), 12-91 long
description, 92-119 short description, ..., 270-277 code added date, 278-285 action
effective date, 286-293 termination date (YYYYMMDD). Long descriptions run over
continuation records. Modifiers are not kept; codes terminated before the release
took effect are not kept. HCPCS Level II text is public domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from db.importers import fields, reading
from db.importers.detect import Recognized
from db.importers.errors import BadFileError
from db.importers.fields import Line

TABLE = "hcpcs_level2"
COLUMNS = ("release_id", "code", "long_description", "short_description", "date_added")
MIN_LENGTH = 119            # through the short description
_LEVEL2 = re.compile(r"[A-V][0-9]{4}")


def _date(text: str, where: Line, what: str) -> str | None:
    text = text.strip()
    return fields.yyyymmdd(text, where, what) if text else None


def rows(rec: Recognized, encoding: str | None, monitor) -> Iterator[tuple]:
    path = rec.path
    current = None
    count = 0
    line = ""
    for n, line in reading.text_lines(path, encoding, monitor):
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        where = Line(path, n)
        if len(text) < MIN_LENGTH:
            if not line.endswith("\n"):
                raise where.error(f"the record stops after {len(text)} characters: the file "
                                  "seems truncated. Copy it again from the CMS download.")
            raise where.error(f"a record of {len(text)} characters; the HCPCS layout has 320")
        kind = text[10]
        if kind not in "3478":
            raise where.error(f"malformed record identification code {kind!r} in column 11: "
                              "expected 3, 4, 7 or 8")
        if kind in "78":
            continue            # modifiers
        code = text[0:5].strip()
        if kind == "4":
            if current is None or current[0] != code:
                raise where.error(f"a continuation record for {code} without its first line")
            current[1].append(text[11:91].ljust(80))
            continue
        if not _LEVEL2.fullmatch(code):
            raise where.error(f"malformed HCPCS Level II code {text[0:5]!r}: expected a "
                              "letter and four digits")
        if current is not None:
            out = _finish(rec, current)
            if out:
                count += 1
                yield out
        added = _date(text[269:277], where, "code added date")
        ended = _date(text[285:293], where, "termination date")
        current = [code, [text[11:91].ljust(80)], text[91:119].strip(), added, ended]
    if current is not None:
        out = _finish(rec, current)
        if out:
            count += 1
            yield out
    if not count:
        raise BadFileError(path, "no HCPCS Level II codes in force in the file")


def _finish(rec: Recognized, current) -> tuple | None:
    code, pieces, short, added, ended = current
    if ended and ended < rec.effective_from:
        return None
    # The pieces are 80-character fields: joined as they stand (a word may run over the
    # edge of one into the next), then the padding is squeezed out.
    return (rec.release_id, code, " ".join("".join(pieces).split()), short or None, added)
