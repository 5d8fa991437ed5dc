"""ICD-10-CM code-set releases: the order file (icd10cm-order-2026.txt) or the
tabular XML (icd10cm-tabular-2026.xml), from CDC/CMS, public domain.

Order file layout (fixed width): order number (5), space, code without its dot (7),
space, 1 billable / 0 header, space, short title (60), space, long title. The XML
nests <diag> elements (<name>, <desc>, child <diag>s); a diag without children is a
billable code. Codes are stored with their dot (G24.3), as the bundled code set has.

The imported codes are kept in the imports database (table icd10cm) with their
release; what changed lists the codes added, removed or retitled under the diagnoses
the family's coverage policies name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from db.importers import reading
from db.importers.detect import Recognized
from db.importers.errors import BadFileError
from db.importers.fields import Line

TABLE = "icd10cm"
COLUMNS = ("release_id", "code", "norm", "billable", "short_title", "title")
_ORDER_CODE = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}")
_CODE = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")


def dotted(norm: str) -> str:
    return norm if len(norm) <= 3 else f"{norm[:3]}.{norm[3:]}"


def rows(rec: Recognized, encoding: str | None, monitor) -> Iterator[tuple]:
    if rec.fmt == "xml":
        yield from _xml_rows(rec, monitor)
    else:
        yield from _order_rows(rec, encoding, monitor)


def _order_rows(rec, encoding, monitor) -> Iterator[tuple]:
    path = rec.path
    seen = set()
    count = 0
    for n, line in reading.text_lines(path, encoding, monitor):
        if not line.strip():
            continue
        text = line.rstrip("\r\n")
        where = Line(path, n)
        # Fixed width: order 1-5, code 7-13, flag 15, short title 17-76, long title 78-.
        norm = text[6:13].strip()
        ok = (len(text) >= 18 and text[:5].isdigit() and text[5] == " " and text[13] == " "
              and text[14] in "01" and text[15] == " " and _ORDER_CODE.fullmatch(norm))
        if not ok:
            if not line.endswith("\n"):
                raise where.error("the line stops short: the file seems truncated. Copy it "
                                  "again from the CMS download.")
            raise where.error(f"not an ICD-10-CM order-file line: expected the order number, "
                              f"the code, 0 or 1 and the titles; found {text.strip()[:40]!r}")
        short = text[16:76].strip()
        title = text[77:].strip() or short
        if norm in seen:
            raise where.error(f"code {dotted(norm)} appears twice")
        seen.add(norm)
        count += 1
        yield (rec.release_id, dotted(norm), norm, int(text[14]), short or None, title)
    if not count:
        raise BadFileError(path, "no ICD-10-CM codes in the file")


def _xml_rows(rec, monitor) -> Iterator[tuple]:
    import xml.etree.ElementTree as ET
    path = rec.path
    stack: list[list] = []         # [has a child diag]
    count = 0
    seen = set()
    size = path.stat().st_size
    try:
        with path.open("rb") as fh:
            for event, elem in ET.iterparse(fh, events=("start", "end")):
                if elem.tag != "diag":
                    if event == "end" and elem.tag == "chapter":
                        elem.clear()        # constant memory: a chapter at a time
                    continue
                if event == "start":
                    if stack:
                        stack[-1][0] = True
                    stack.append([False])
                    continue
                has_child = stack.pop()[0]
                name = (elem.findtext("name") or "").strip()
                desc = " ".join((elem.findtext("desc") or "").split())
                if not _CODE.fullmatch(name) or not desc:
                    raise BadFileError(path, f"a <diag> with a malformed code {name!r} or no "
                                       "description", line=None)
                norm = name.replace(".", "")
                if norm not in seen:
                    seen.add(norm)
                    count += 1
                    yield (rec.release_id, name, norm, 0 if has_child else 1, None, desc)
                for child in list(elem):
                    if child.tag != "diag":
                        elem.remove(child)
                if count % 2048 == 0 and monitor:
                    monitor.report(min(fh.tell(), size))
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        detail = getattr(exc, "msg", None) or str(exc)
        raise BadFileError(path, f"the XML is damaged or truncated ({detail})",
                           line=line) from None
    if not count:
        raise BadFileError(path, "no <diag> codes in the XML")
