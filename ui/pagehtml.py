"""The code page as HTML for a QTextBrowser (and for printing).

It shows what db/ returns and what rules/ derives; it decides nothing itself. Colours
come from the theme; sizes are relative (h1, h2, big, small) so the page follows the
text-size setting. Every code mentioned becomes a `code:` link; sources are numbered
and each reference jumps to its entry at the foot of the page.
"""

from __future__ import annotations

import html
import re

from db.models import DATA_NOT_AVAILABLE, CodePage
from db.pagetext import SETTING_WORDS
from rules.code_modifiers import current_pfs, modifiers_for
from ui.theme import PageColors

CODE_IN_TEXT = re.compile(r"(?<![\w.])([0-9]{5}|[A-Z][0-9]{4}|[A-Z][0-9]{2}(?:\.[0-9A-Z]{1,4})?)"
                          r"(?![\w])")
# CMS's definitions of the global-period values (PFS relative value file, field
# "global"): labels for the figures, not rules of our own.
GLOBAL_WORDS = {
    "000": "0 days: same-day post-operative care included",
    "010": "10 days of post-operative care included",
    "090": "90 days of post-operative care included",
    "ZZZ": "add-on: falls within the global period of its primary code",
    "XXX": "the global concept does not apply",
    "YYY": "global period set by the Medicare contractor",
    "MMM": "maternity global",
}
KIND_WORDS = {
    "primary": "Primary procedure code", "add-on": "Add-on code",
    "guidance": "Guidance add-on code", "diagnostic": "Diagnostic test code",
    "drug": "Drug-supply code (HCPCS Level II)", "evaluation": "Visit (E/M) code",
    "companion": "Code often reported on the same day",
}
RELATION_WORDS = {
    "add_on_of": "Add-on of", "has_add_on": "Add-on codes that may follow it",
    "guidance_for": "Guidance for", "guided_by": "Guidance that may be added",
    "drug_for": "Drug supplied for", "drug": "Drugs that may be supplied with it",
    "often_confused_with": "Often confused with", "see_also": "See also",
}
RELATION_ORDER = ("add_on_of", "has_add_on", "guided_by", "guidance_for", "drug", "drug_for",
                  "often_confused_with", "see_also")
NA = DATA_NOT_AVAILABLE


def esc(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def code_link(code: str, label: str | None = None) -> str:
    return f'<a href="code:{esc(code)}">{esc(label or code)}</a>'


def _money(value) -> str:
    return "—" if value is None else f"${value:,.2f}"


def _num(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


class PageRenderer:
    """Builds page HTML from a Reference (for titles, sources, release labels)."""

    def __init__(self, reference, colors: PageColors):
        self.ref = reference
        self.c = colors
        self._known: dict[str, bool] = {}
        self.own_code = ""

    # -- helpers ------------------------------------------------------------------------

    def _is_code(self, code: str) -> bool:
        if code not in self._known:
            self._known[code] = self.ref.title(code) is not None
        return self._known[code]

    def linkify(self, text) -> str:
        """Escape prose and turn every code CodeDesk knows into a link (the page's own
        code is set in bold instead: a link to the page you are on is noise)."""
        out, last = [], 0
        text = "" if text is None else str(text)
        for m in CODE_IN_TEXT.finditer(text):
            out.append(esc(text[last:m.start()]))
            code = m.group(1)
            if code == self.own_code:
                out.append(f"<b>{esc(code)}</b>")
            else:
                out.append(code_link(code) if self._is_code(code) else esc(code))
            last = m.end()
        out.append(esc(text[last:]))
        return "".join(out)

    def _release_label(self, release_id: str) -> str:
        rel = self.ref.release(release_id)
        return rel.label + (" (imported)" if rel and rel.imported else "") if rel else release_id

    def _style(self) -> str:
        c = self.c
        return f"""<style>
body {{ color: {c.text}; }}
a {{ color: {c.link}; }}
h1 {{ margin-bottom: 0; }}
h2 {{ margin-top: 18px; margin-bottom: 4px; border-bottom: 1px solid {c.rule}; }}
h3 {{ margin-top: 10px; margin-bottom: 2px; }}
.muted {{ color: {c.muted}; }}
.lede {{ font-size: large; }}
th {{ background-color: {c.table_head}; text-align: left; }}
td, th {{ padding: 3px 6px; }}
.ref {{ color: {c.muted}; }}
</style>"""

    def _table(self, head: list[str] | None, rows: list[list[str]],
               widths: list[int] | None = None) -> str:
        """A bordered table; `widths` in percent per column, where the text is uneven."""
        c = self.c
        parts = [f'<table width="99%" cellspacing="0" cellpadding="4" border="1" '
                 f'style="border-collapse: collapse; border-color: {c.rule};">']
        if head:
            ws = widths or [None] * len(head)
            parts.append("<tr>" + "".join(
                f'<th width="{w}%">{h}</th>' if w else f"<th>{h}</th>"
                for h, w in zip(head, ws)) + "</tr>")
        for i, row in enumerate(rows):
            bg = f' bgcolor="{c.alt_row}"' if i % 2 else ""
            parts.append(f"<tr{bg}>" + "".join(f'<td valign="top">{cell}</td>' for cell in row)
                         + "</tr>")
        parts.append("</table>")
        return "".join(parts)

    def _box(self, inner: str, bg: str, border: str, width: int = 2) -> str:
        # the fill goes on the cell: QTextDocument ignores a table's own bgcolor here
        return (f'<table width="100%" cellspacing="0" cellpadding="10" border="{width}" '
                f'style="border-collapse: collapse; border-style: solid; border-color: {border};"'
                f'><tr><td bgcolor="{bg}">{inner}</td></tr></table>')

    class _Refs:
        def __init__(self):
            self.order: list[str] = []

        def ref(self, source_id: str | None) -> str:
            if not source_id:
                return ""
            if source_id not in self.order:
                self.order.append(source_id)
            n = self.order.index(source_id) + 1
            return f' <a href="#src-{esc(source_id)}" class="ref">[{n}]</a>'

    # -- pages --------------------------------------------------------------------------

    def page(self, page: CodePage, on_date: str, *, for_print: bool = False,
             bookmarked: bool = False, note: str = "", wizard: bool = False) -> str:
        self.own_code = page.code
        if page.system == "ICD-10-CM":
            return self.icd_page(page, bookmarked=bookmarked, note=note, for_print=for_print)
        return self.curated_page(page, on_date, for_print=for_print, bookmarked=bookmarked,
                                 note=note, wizard=wizard and not for_print)

    def _header(self, page: CodePage, bookmarked: bool) -> str:
        bits = [esc(page.system), esc(KIND_WORDS.get(page.kind, page.kind))]
        if page.region and page.region != "any":
            bits.append(esc(page.region))
        star = f' &nbsp;<span style="color: {self.c.badge};">★ bookmarked</span>' \
            if bookmarked else ""
        return (f'<h1>{esc(page.code)}</h1>'
                f'<p class="lede"><b>{esc(page.title)}</b></p>'
                f'<p class="muted">{" · ".join(bits)}{star}</p>')

    def curated_page(self, page: CodePage, on_date: str, *, for_print: bool = False,
                     bookmarked: bool = False, note: str = "", wizard: bool = False) -> str:
        c, refs = self.c, self._Refs()
        out = [self._style(), self._header(page, bookmarked)]

        if page.corrections:
            items = []
            for corr in page.corrections:
                fix = (f" &nbsp;→ see {code_link(corr.correct_code)}"
                       if corr.correct_code and self._is_code(corr.correct_code) else "")
                items.append(f'<li><p><b>Claim in circulation:</b> {self.linkify(corr.claim)}'
                             f'<br/><b>Correct:</b> {self.linkify(corr.correction)}{fix}'
                             f'{refs.ref(corr.source_id)}</p></li>')
            n = len(page.corrections)
            inner = (f'<p style="color: {c.warn_text};"><big><b>⚠ Corrections: {n} '
                     f'published claim{"s" if n != 1 else ""} about {esc(page.code)} '
                     f'{"are" if n != 1 else "is"} wrong</b></big></p>'
                     f'<ul style="color: {c.warn_text};">{"".join(items)}</ul>')
            out.append('<a name="corrections"></a>' + self._box(inner, c.warn_bg, c.warn_border, 3))

        out.append("<h2>What it is</h2>")
        out.append(f"<p>{self.linkify(page.description) or NA}</p>")
        if page.hcpcs_text:
            out.append(f'<p class="muted">HCPCS Level II text (public domain): '
                       f'{esc(page.hcpcs_text)}</p>')

        out.append("<h2>Role</h2>")
        out.append(self._role(page, refs))

        out.append("<h2>Clinical context and documentation</h2>")
        rows = []
        for label, value in (("Patients", page.patients), ("What is done", page.procedure),
                             ("Documentation that supports it", page.documentation)):
            rows.append([f"<b>{label}</b>", self.linkify(value) if value else NA])
        if page.kind == "drug" or page.unit_size:
            unit = (f"{page.unit_size:g} {esc(page.unit_label or '')}" if page.unit_size
                    else NA)
            rows.append(["<b>Billing unit</b>", unit])
            rows.append(["<b>Products</b>", esc(page.brands) if page.brands else NA])
        out.append(self._table(None, rows))

        out.append("<h2>Reporting rules</h2>")
        out.append(self._reporting(page))

        out.append("<h2>Modifiers</h2>")
        if wizard:
            out.append(f'<p><a href="wizard:{esc(page.code)}">Work out the modifiers of an '
                       f'encounter with the wizard, starting from {esc(page.code)}</a> '
                       '(Ctrl+Shift+W).</p>')
        out.append(self._modifiers(page, on_date, refs))

        out.append('<a name="ncci"></a><h2>NCCI procedure-to-procedure edits</h2>')
        out.append(self._ncci(page, on_date, for_print))

        out.append("<h2>Medically unlikely edits (units per day)</h2>")
        out.append(self._mue(page))

        out.append("<h2>Medicare payment by release</h2>")
        out.append(self._pfs(page))

        out.append("<h2>Hospital outpatient (OPPS)</h2>")
        out.append(self._opps(page))

        out.append("<h2>Related codes</h2>")
        out.append(self._related(page, refs))

        out.append("<h2>Payer notes</h2>")
        out.append(self._payers(page, refs))

        if note.strip():
            out.append("<h2>Your note</h2>")
            out.append(f"<p>{self.linkify(note).replace(chr(10), '<br/>')}</p>")

        out.append("<h2>Sources</h2>")
        out.append(self._sources(page, refs))
        return "".join(out)

    def _role(self, page: CodePage, refs) -> str:
        related = {}
        for r in page.related:
            related.setdefault(r.relationship, []).append(r.code)
        aoc = self.ref.release_in_force("aoc")
        aoc_ref = refs.ref(aoc.source_id) if aoc else ""
        parts = [f"<p><b>{esc(KIND_WORDS.get(page.kind, page.kind))}.</b>"]
        if page.add_on_primaries:
            links = " or ".join(code_link(p) for p in page.add_on_primaries)
            parts.append(f" Never reported alone: report it only with {links} on the same "
                         f"claim and date (CMS add-on code edits"
                         f"{', ' + esc(aoc.label) if aoc else ''}){aoc_ref}.")
        elif page.kind in ("add-on", "guidance"):
            parts.append(f" Allowed primary codes: {NA}.")
        addons = related.get("has_add_on", [])
        if addons:
            parts.append(" Add-on codes that may follow it: "
                         + ", ".join(code_link(a) for a in addons) + ".")
        guides = related.get("guided_by", [])
        if guides and not page.add_on_primaries:
            parts.append(" Guidance that may be added: "
                         + ", ".join(code_link(g) for g in guides) + ".")
        drug_for = related.get("drug_for", [])
        if drug_for:
            parts.append(" Billed with the injection procedure: "
                         + ", ".join(code_link(d) for d in drug_for) + ".")
        parts.append("</p>")
        return "".join(parts)

    def _reporting(self, page: CodePage) -> str:
        pfs = current_pfs(page)
        rel = f' <span class="muted">({esc(pfs.release_label)})</span>' if pfs else ""
        rows = []
        if pfs:
            g = pfs.global_days
            rows.append(["<b>Global period</b>",
                         f"{esc(g)}: {esc(GLOBAL_WORDS.get(g, ''))}{rel}" if g else NA])
            b = page.bilateral_indicator
            rows.append(["<b>Bilateral</b>",
                         f"indicator {esc(b)}: {esc(page.bilateral_meaning)}{rel}" if b else NA])
            rows.append(["<b>Multiple procedures</b>",
                         f"indicator {esc(pfs.mult_proc)}{rel}" if pfs.mult_proc else NA])
            rows.append(["<b>Professional / technical split</b>",
                         f"PC/TC indicator {esc(pfs.pctc)}{rel}" if pfs.pctc else NA])
            rows.append(["<b>Where performed</b>", esc(page.where_performed or NA)])
        else:
            rows.append(["<b>Medicare fee schedule</b>", NA])
        if page.mue:
            units = "; ".join(f"{SETTING_WORDS.get(m.setting, m.setting)}: {m.value}"
                              for m in page.mue)
            rows.append(["<b>Units per day (MUE)</b>", esc(units)])
        else:
            rows.append(["<b>Units per day (MUE)</b>", NA])
        return self._table(None, rows)

    def _modifiers(self, page: CodePage, on_date: str, refs) -> str:
        apply_, must = modifiers_for(page, self.ref.modifiers(), on_date)
        if not apply_ and not must:
            return f"<p>{NA}</p>"
        c = self.c

        def grouped(items):
            groups: list[tuple[list[str], object]] = []
            for a in items:
                for mods, first in groups:
                    if first.why == a.why and first.source_id == a.source_id:
                        mods.append(a.modifier)
                        break
                else:
                    groups.append(([a.modifier], a))
            return [[f"<b>{esc(', '.join(mods))}</b><br/>"
                     f'<span class="muted">{esc(first.title if len(mods) == 1 else "")}</span>',
                     self.linkify(first.why) + refs.ref(first.source_id)]
                    for mods, first in groups]

        out = []
        if apply_:
            out.append(f'<h3 style="color: {c.ok_border};">✔ May apply, when the case fits</h3>')
            out.append(self._table(["Modifier", "Why, for this code"], grouped(apply_),
                                   [28, 72]))
        if must:
            out.append(f'<h3 style="color: {c.no_border};">✘ Must not be used</h3>')
            out.append(self._table(["Modifier", "Why, for this code"], grouped(must),
                                   [28, 72]))
        return "".join(out)

    def _ncci(self, page: CodePage, on_date: str, for_print: bool) -> str:
        if not page.ptp_edits:
            return ("<p>None in the releases in force between this code and the codes "
                    "CodeDesk holds.</p>")
        in_force = [e for e in page.ptp_edits if e.in_force(on_date)]
        counts = {}
        for e in in_force:
            counts[e.modifier_indicator] = counts.get(e.modifier_indicator, 0) + 1
        releases = sorted({e.release for e in page.ptp_edits})
        lines = [f"<p>{len(page.ptp_edits)} edits name {esc(page.code)} "
                 f"({len(in_force)} in force today) in "
                 + ", ".join(esc(self._release_label(r)) for r in releases) + ".</p><ul>"]
        words = {0: "never together: no modifier bypasses the edit",
                 1: "allowed with a distinct-service modifier when truly distinct and "
                    "documented"}
        for ind in sorted(counts):
            others = sorted({e.other_code for e in in_force if e.modifier_indicator == ind})
            lines.append(f"<li><b>indicator {ind}</b>, {esc(words.get(ind, ''))}: "
                         + ", ".join(code_link(o) for o in others) + "</li>")
        lines.append("</ul>")
        if not for_print:
            lines.append('<p><a href="tab:ncci">Open the sortable, filterable table of edits '
                         '(Ctrl+2)</a></p>')
        else:
            rows = [[esc(SETTING_WORDS.get(e.setting, e.setting)),
                     f"{esc(e.column1)} / {esc(e.column2)}",
                     f"{e.modifier_indicator}: {esc(e.indicator_meaning)}",
                     esc(e.effective_date or "—"), esc(e.deletion_date or "—"),
                     esc(e.rationale or "")] for e in page.ptp_edits]
            lines.append(self._table(["Setting", "Column 1 / column 2", "Modifier indicator",
                                      "Effective", "Deleted", "Rationale"], rows))
        return "".join(lines)

    def _mue(self, page: CodePage) -> str:
        by_setting = {m.setting: m for m in page.mue}
        rows = []
        for setting in ("practitioner", "outpatient_hospital", "dme"):
            m = by_setting.get(setting)
            if m is None:
                rows.append([esc(SETTING_WORDS[setting]), NA, "", ""])
            else:
                rows.append([esc(SETTING_WORDS[setting]), f"<b>{m.value}</b>",
                             f"MAI {m.mai}: {esc(m.mai_meaning)}",
                             esc(self._release_label(m.release))])
        return self._table(["Table", "Units", "Adjudication indicator", "Release"], rows)

    def _pfs(self, page: CodePage) -> str:
        if not page.pfs:
            return f"<p>{NA}</p>"
        cur = current_pfs(page)
        rows = []
        for p in reversed(page.pfs):          # newest first: the one in force is near the top
            mark = " <b>(in force)</b>" if cur and p.release == cur.release else ""
            rows.append([esc(p.release_label) + mark, esc(p.status or "—"), _num(p.work_rvu),
                         _num(p.nonfac_pe_rvu),
                         _num(p.fac_pe_rvu), _num(p.mp_rvu), _num(p.conv_factor, 4),
                         _money(p.nonfac_payment), _money(p.fac_payment)])
        note = ""
        if cur and cur.status and cur.status != "A":
            if not (cur.nonfac_total or cur.fac_total):
                note = (f" Status {esc(cur.status)} and no RVUs in the release in force: "
                        "the code is not paid under the physician fee schedule.")
            else:
                note = (f" Status {esc(cur.status)} in the release in force (A is an active "
                        "code paid under the fee schedule).")
        return (self._table(["Release", "Status", "Work RVU", "PE RVU office",
                             "PE RVU facility", "MP RVU", "Conversion factor",
                             "National, office", "National, facility"], rows,
                            [22, 7, 8, 9, 9, 8, 11, 13, 13])
                + '<p class="muted">National unadjusted amount = total RVUs × conversion '
                  'factor, before the locality (GPCI) adjustment. "Office" is the '
                  f'non-facility price.{note}</p>')

    def _opps(self, page: CodePage) -> str:
        if not page.opps:
            return f"<p>{NA}</p>"
        rows = [[esc(self._release_label(o.release)), esc(o.status_indicator or NA),
                 _money(o.payment_rate) if o.payment_rate is not None
                 else "no separate payment rate listed"] for o in reversed(page.opps)]
        return self._table(["Release", "Status indicator", "Payment rate"], rows)

    def _related(self, page: CodePage, refs) -> str:
        if not page.related:
            return f"<p>{NA}</p>"
        groups: dict[str, list] = {}
        for r in page.related:
            groups.setdefault(r.relationship, []).append(r)
        out = []
        for kind in sorted(groups, key=lambda k: (RELATION_ORDER.index(k)
                                                  if k in RELATION_ORDER else 99, k)):
            out.append(f"<h3>{esc(RELATION_WORDS.get(kind, kind.replace('_', ' ')))}</h3><ul>")
            for r in groups[kind]:
                note = f"<br/>{self.linkify(r.note)}{refs.ref(r.source_id)}" if r.note else ""
                out.append(f"<li>{code_link(r.code)} {esc(r.title)}{note}</li>")
            out.append("</ul>")
        return "".join(out)

    def _payers(self, page: CodePage, refs) -> str:
        if not page.payer_notes:
            return f"<p>{NA}</p>"
        rows = [[f"<b>{esc(n.payer_name)}</b>", esc(n.topic), self.linkify(n.text),
                 esc(n.tier), esc(n.date or "undated") + refs.ref(n.source_id)]
                for n in page.payer_notes]
        return self._table(["Payer", "Topic", "Note", "Tier", "Date, source"], rows,
                           [17, 13, 50, 10, 10])

    def _sources(self, page: CodePage, refs) -> str:
        by_id = {s.id: s for s in page.sources}
        for sid in refs.order:
            if sid not in by_id and (s := self.ref.source(sid)):
                by_id[sid] = s
        order = refs.order + sorted(s for s in by_id if s not in refs.order)
        items = []
        for n, sid in enumerate(order, 1):
            s = by_id.get(sid)
            if s is None:
                items.append(f'<li><a name="src-{esc(sid)}"></a>[{n}] {esc(sid)}: {NA}</li>')
                continue
            bits = [f"<b>{esc(s.title)}</b>"]
            for value in (s.publisher, s.release, s.document, s.date):
                if value:
                    bits.append(esc(value))
            bits.append(f"tier {esc(s.tier)}")
            if s.url:
                bits.append(f'<span class="muted">{esc(s.url)}</span>')
            items.append(f'<li><a name="src-{esc(sid)}"></a>[{n}] {", ".join(bits)}</li>')
        used = ", ".join(esc(self._release_label(r)) for r in page.releases_used)
        return (f'<ul style="list-style-type: none;">{"".join(items)}</ul>'
                f'<p class="muted">Data releases used on this page: {used or NA}.</p>')

    def icd_page(self, page: CodePage, *, bookmarked: bool = False, note: str = "",
                 for_print: bool = False) -> str:
        c = self.c
        self.own_code = page.code
        out = [self._style()]
        star = f' &nbsp;<span style="color: {c.badge};">★ bookmarked</span>' if bookmarked else ""
        out.append(f"<h1>{esc(page.code)}</h1><p class='lede'><b>{esc(page.title)}</b></p>"
                   f"<p class='muted'>ICD-10-CM · {esc(page.kind)}{star}</p>")
        if page.billable:
            out.append(self._box(f"<b>Billable</b>: this code can go on a claim.",
                                 c.ok_bg, c.ok_border, 1))
        else:
            out.append(self._box("<b>Header, not billable</b>: report one of the codes "
                                 "below it.", c.warn_bg, c.warn_border, 1))
        out.append("<h2>Description</h2>")
        out.append(f"<p>{esc(page.description) or NA}</p>")
        out.append("<h2>Under</h2>")
        if page.parents:
            chain = list(reversed(page.parents))
            out.append("<p>" + " › ".join(f"{code_link(h.code)} {esc(h.title)}" for h in chain)
                       + "</p>")
        else:
            out.append("<p>Top of the code set.</p>")
        out.append("<h2>Codes below it</h2>")
        if page.children:
            out.append("<ul>" + "".join(f"<li>{code_link(h.code)} {esc(h.title)}</li>"
                                        for h in page.children) + "</ul>")
        else:
            out.append("<p>None: this is the most specific code.</p>")
        if note.strip():
            out.append("<h2>Your note</h2>")
            out.append(f"<p>{self.linkify(note).replace(chr(10), '<br/>')}</p>")
        out.append("<h2>Sources</h2>")
        srcs = "".join(f"<li>{esc(s.title)}{', ' + esc(s.release) if s.release else ''}</li>"
                       for s in page.sources)
        used = ", ".join(esc(r) for r in page.releases_used)
        out.append(f"<ul>{srcs}</ul><p class='muted'>Code set: {used or NA}.</p>")
        return "".join(out)

    def start_page(self, focus_code: str = "64643") -> str:
        c = self.c
        self.own_code = ""
        out = [self._style(), "<h1>CodeDesk</h1>",
               "<p class='lede'>Type a code (64643, J0585, G24.3) or a few words (chemo arm, "
               "torticollis) in the search field: <b>Ctrl+K</b> takes you there from "
               "anywhere.</p>"]
        page = self.ref.lookup(focus_code)
        if page is not None:
            inner = [f"<p><big><b>{code_link(page.code)} &nbsp;{esc(page.title)}</b></big></p>",
                     f"<p>{self.linkify(page.description)}</p>"]
            if page.corrections:
                n = len(page.corrections)
                inner.append(f'<p style="color: {c.warn_text};"><b>⚠ {n} published claim'
                             f'{"s" if n != 1 else ""} about {esc(page.code)} '
                             f'{"are" if n != 1 else "is"} wrong.</b> '
                             f'<a href="code:{esc(page.code)}">Open {esc(page.code)}</a> to see '
                             'the corrections.</p>')
            if page.add_on_primaries:
                inner.append("<p>Reported only with " + " or ".join(
                    code_link(p) for p in page.add_on_primaries) + ".</p>")
            out.append(self._box("".join(inner), c.warn_bg if page.corrections else c.base,
                                 c.warn_border if page.corrections else c.rule, 2))
        out.append("<h2>The family</h2>")
        groups: dict[str, list] = {}
        for h in self.ref.family_codes():
            groups.setdefault(h.kind, []).append(h)
        names = {"primary": "Primary procedures", "add-on": "Add-on codes (extra limbs)",
                 "guidance": "Guidance add-ons", "diagnostic": "Diagnostic EMG",
                 "drug": "Botulinum toxin drug codes"}
        for kind in ("primary", "add-on", "guidance", "diagnostic", "drug"):
            if kind in groups:
                out.append(f"<h3>{names[kind]}</h3><ul>")
                out += [f"<li>{code_link(h.code)} &nbsp;{esc(h.title)}</li>" for h in groups[kind]]
                out.append("</ul>")
        out.append("<p class='muted'>The family map (Ctrl+3) draws how these codes go "
                   "together.</p>")
        return "".join(out)
