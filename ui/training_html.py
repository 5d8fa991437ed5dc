"""HTML of training mode: the graded answer with the engine's walk-through, and the
printable handout of a scenario (with or without its answer), saved as PDF through
ui.printing (QPrinter PdfFormat over a QTextDocument).

Colours come from ui.theme.page_colors so the practice view reads in dark mode; the
handout is always printed dark on white.
"""

from __future__ import annotations

import datetime as _dt
import html
import pathlib

from rules import training as T
from ui import theme

e = html.escape


def _src(ids) -> str:
    return (" <span class='src'>[" + ", ".join(e(s) for s in ids) + "]</span>") if ids else ""


def _style(c: theme.PageColors) -> str:
    return (f"<style>body{{color:{c.text};}} td,th{{padding:4px 8px;vertical-align:top;}} "
            f"th{{background:{c.table_head};text-align:left;}} .src{{color:{c.muted};}} "
            f".ok{{color:{c.ok_border};font-weight:bold;}} "
            f".no{{color:{c.no_border};font-weight:bold;}} h3{{margin-top:14px;}} "
            f".muted{{color:{c.muted};}}</style>")


def sources_list(reference, ids) -> str:
    """The sources cited, by id with title and tier."""
    rows = []
    for sid in dict.fromkeys(ids):
        s = reference.source(sid)
        if s is None:
            continue      # a release id of CMS data: its label is in the reason itself
        rows.append(f"<li><b>{e(s.id)}</b>: {e(s.title)} ({e(s.publisher or '')}; tier "
                    f"{e(s.tier)})</li>")
    return ("<h3>Sources</h3><ul>" + "".join(rows) + "</ul>") if rows else ""


def _steps_html(steps) -> str:
    out = []
    for st in steps:
        out.append(f"<p><b>{e(st.title)}</b></p><ul>"
                   + "".join(f"<li>{e(p)}</li>" for p in st.points) + "</ul>")
    return "".join(out)


def _points_html(scenario: T.Scenario) -> str:
    if not scenario.teaching_points:
        return ""
    return "<h3>Teaching points</h3><ul>" + "".join(
        f"<li>{e(tp.text)}{_src(tp.sources)}</li>" for tp in scenario.teaching_points) + "</ul>"


def result_html(scenario: T.Scenario, grade: T.Grade, steps, reference,
                mode: str = theme.LIGHT, differences=()) -> str:
    """The marks line by line, then the engine's walk-through and the teaching points."""
    c = theme.page_colors(mode)
    verdict = ("<p class='ok'>All lines right.</p>" if grade.all_right else
               f"<p class='no'>{grade.right} of {grade.possible} right ({grade.percent}%).</p>")
    rows = []
    for m in grade.marks:
        line = m.entered.label() if m.entered else "(not entered)"
        cls, word = ("ok", "✓ right") if m.right else ("no", f"✗ {m.verdict}")
        rows.append(f"<tr><td>{e(line)}</td><td class='{cls}'>{e(word)}</td>"
                    f"<td>{e(m.reason)}</td></tr>")
    parts = [_style(c), f"<h3>Your answer</h3>{verdict}",
             "<table cellspacing='0' border='1'><tr><th>Your line</th><th>Result</th>"
             "<th>Why</th></tr>" + "".join(rows) + "</table>"]
    if differences:
        parts.append("<p class='no'>This scenario's answer differs from the engine's decision: "
                     + e("; ".join(differences)) + "</p>")
    parts.append("<h3>The engine's walk-through</h3>" + _steps_html(steps))
    parts.append(_points_html(scenario))
    ids = [s for st in steps for s in st.sources] + \
          [s for tp in scenario.teaching_points for s in tp.sources]
    parts.append(sources_list(reference, ids))
    return "".join(parts)


def vignette_html(scenario: T.Scenario, mode: str = theme.LIGHT) -> str:
    c = theme.page_colors(mode)
    topics = ", ".join(scenario.topics)
    return (_style(c) + f"<h2>{e(scenario.title)}</h2><p>{e(scenario.vignette)}</p>"
            + (f"<p class='muted'>Topics: {e(topics)}</p>" if topics else "")
            + ("<p class='muted'>Your own scenario"
               + (f" by {e(scenario.author)}" if scenario.author else "") + ".</p>"
               if scenario.origin == "user" else ""))


def handout_html(scenario: T.Scenario, reference, decision=None,
                 with_answer: bool = False) -> str:
    """A printable page: the case and an empty claim form; with the answer, the expected
    lines, what is not reported, the walk-through and the teaching points."""
    c = theme.page_colors(theme.LIGHT)
    enc = scenario.encounter
    today = _dt.date.today().isoformat()
    parts = [_style(c), f"<p class='muted'>CodeDesk training handout · {e(scenario.id)} · "
             f"printed {today}" + (" · with the answer" if with_answer else "") + "</p><hr/>",
             f"<h2>{e(scenario.title)}</h2><p>{e(scenario.vignette)}</p>",
             f"<p>Date of service {e(str(enc.get('date_of_service')))}; setting "
             f"{e(str(enc.get('setting')).replace('_', ' '))}; payer "
             f"{e(_payer_name(reference, enc.get('payer')))}.</p>"]
    if not with_answer:
        blank = "<tr><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td></tr>"
        parts.append("<h3>Your claim lines</h3><table cellspacing='0' border='1' width='100%'>"
                     "<tr><th width='8%'>#</th><th width='30%'>Code</th><th width='42%'>"
                     "Modifiers</th><th width='20%'>Units</th></tr>" + blank * 6 + "</table>"
                     "<p>Codes not reported, and why:</p><p>&nbsp;</p><p>&nbsp;</p>")
        return "".join(parts)
    lines = scenario.lines
    if decision is not None and not T.agrees_with(scenario, decision):
        lines = T.expected_from_decision(decision)[0]     # the order the reasons follow
    parts.append("<h3>The answer</h3><table cellspacing='0' border='1'><tr><th>#</th>"
                 "<th>Code</th><th>Modifiers</th><th>Units</th></tr>" + "".join(
                     f"<tr><td>{n}</td><td>{e(ln.code)}</td><td>{e('-'.join(ln.modifiers))}"
                     f"</td><td>{ln.units}</td></tr>"
                     for n, ln in enumerate(lines, 1)) + "</table>")
    if scenario.not_reported:
        parts.append("<p>Not reported: " + e(", ".join(scenario.not_reported)) + "</p>")
    steps = [s for s in (T.walkthrough(scenario, decision) if decision is not None else [])
             if s.kind in ("line", "not_reported")]
    if steps:
        parts.append("<h3>Why</h3>" + _steps_html(steps))
    parts.append(_points_html(scenario))
    parts.append(sources_list(reference, [s for st in steps for s in st.sources]
                              + [s for tp in scenario.teaching_points for s in tp.sources]))
    if decision is not None and decision.releases:
        parts.append("<p class='muted'>Data releases: " + e(", ".join(
            r.label for r in decision.releases)) + "</p>")
    return "".join(parts)


def _payer_name(reference, payer) -> str:
    if isinstance(payer, str):
        bundled = reference.payer(payer)
        return bundled.name if bundled is not None else payer
    return T.describe_payer(payer)


def write_handout_pdf(path, scenario: T.Scenario, reference, decision=None,
                      with_answer: bool = False, font=None) -> pathlib.Path:
    from PySide6.QtGui import QFont

    from ui.printing import save_pdf
    return save_pdf(handout_html(scenario, reference, decision, with_answer), path,
                    font or QFont(), title=f"CodeDesk handout: {scenario.title}")
