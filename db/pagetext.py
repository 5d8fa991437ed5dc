"""A code page as JSON (the public `lookup --json` form, docs/cli.md) and as plain text
(the terminal, and the window's "copy page as text"). Qt-free."""

from __future__ import annotations

from db.models import DATA_NOT_AVAILABLE, INDICATOR_WORDS, CodePage, as_dict

SETTING_WORDS = {"practitioner": "practitioner", "outpatient_hospital": "outpatient hospital",
                 "dme": "DME supplier"}


def page_json(page: CodePage) -> dict:
    data = as_dict(page)
    data["mue"] = {m.setting: {"value": m.value, "mai": m.mai, "mai_meaning": m.mai_meaning,
                               "rationale": m.rationale, "release": m.release}
                   for m in page.mue}
    data["ptp_edits"] = [{"other_code": e.other_code, "column": e.column,
                          "column1": e.column1, "column2": e.column2,
                          "modifier_indicator": e.modifier_indicator,
                          "indicator_meaning": e.indicator_meaning, "rationale": e.rationale,
                          "effective_date": e.effective_date, "deletion_date": e.deletion_date,
                          "setting": e.setting, "release": e.release} for e in page.ptp_edits]
    data["related"] = [{"code": r.code, "relationship": r.relationship, "title": r.title,
                        "note": r.note, "source": r.source_id} for r in page.related]
    data["corrections"] = [{"claim": c.claim, "correction": c.correction,
                            "correct_code": c.correct_code, "source": c.source_id}
                           for c in page.corrections]
    data["payer_notes"] = [{"payer": n.payer, "payer_name": n.payer_name, "topic": n.topic,
                            "text": n.text, "tier": n.tier, "date": n.date,
                            "source": n.source_id, "settings": list(n.settings)}
                           for n in page.payer_notes]
    for key in ("add_on_primaries", "releases_used"):
        data[key] = list(data[key])
    return data


def _wrap(text: str, indent: str = "  ", width: int = 88) -> str:
    import textwrap
    return textwrap.fill(text or DATA_NOT_AVAILABLE, width=width, initial_indent=indent,
                         subsequent_indent=indent)


def page_text(page: CodePage) -> str:
    out = [f"{page.code}  {page.title}", f"{page.system} · {page.kind}"
           + (f" · {page.region}" if page.region else ""), ""]
    if page.system == "ICD-10-CM":
        out.append("Billable" if page.billable else "Header: not billable; use a code below it")
        out.append(_wrap(page.description))
        if page.parents:
            out.append("\nUnder:")
            out += [f"  {h.code:<9} {h.title}" for h in page.parents]
        if page.children:
            out.append("\nCodes below it:")
            out += [f"  {h.code:<9} {h.title}" for h in page.children]
        out.append(f"\nSource: {', '.join(page.releases_used)}")
        return "\n".join(out)

    if page.corrections:
        out.append("CORRECTIONS of claims in circulation:")
        for c in page.corrections:
            out.append(_wrap(f"Claim: {c.claim}"))
            out.append(_wrap(f"Fact: {c.correction} [{c.source_id}]", indent="    "))
        out.append("")
    out.append(_wrap(page.description, indent=""))
    if page.hcpcs_text:
        out.append(f"HCPCS text: {page.hcpcs_text}")
    if page.add_on_primaries:
        out.append(f"\nAdd-on code: report only with {', '.join(page.add_on_primaries)} "
                   "on the same claim and date.")
    for label, value in (("Patients", page.patients), ("What is done", page.procedure),
                         ("Documentation", page.documentation)):
        if value:
            out.append(f"\n{label}:\n{_wrap(value)}")
    out.append("\nMedicare fee schedule (release in force):")
    if page.pfs:
        cur = next((p for p in page.pfs if p.release in page.releases_used), page.pfs[-1])
        out.append(f"  global days {cur.global_days}, bilateral indicator {cur.bilateral} "
                   f"({page.bilateral_meaning}), multiple procedure {cur.mult_proc}, "
                   f"assistant {cur.assistant}, PC/TC {cur.pctc} [{cur.release_label}]")
        if page.where_performed:
            out.append(f"  where: {page.where_performed}")
        out.append("  release            work    PE nf   PE f    MP     CF        "
                   "national nf  national f")
        for p in page.pfs:
            out.append(f"  {p.release:<18} {_n(p.work_rvu):>6} {_n(p.nonfac_pe_rvu):>6} "
                       f"{_n(p.fac_pe_rvu):>6} {_n(p.mp_rvu):>6} {_n(p.conv_factor, 4):>9} "
                       f"{_money(p.nonfac_payment):>11} {_money(p.fac_payment):>11}")
    else:
        out.append(f"  {DATA_NOT_AVAILABLE}")
    out.append("\nMedically unlikely edits (units per day):")
    out += [f"  {SETTING_WORDS[m.setting]:<20} {m.value:>4}  MAI {m.mai}: {m.mai_meaning} "
            f"[{m.release}]" for m in page.mue] or [f"  {DATA_NOT_AVAILABLE}"]
    if page.opps:
        o = page.opps[-1]
        out.append(f"\nOPPS: status {o.status_indicator}, payment {_money(o.payment_rate)} "
                   f"[{o.release}]")
    out.append("\nNCCI procedure-to-procedure edits:")
    if page.ptp_edits:
        for e in page.ptp_edits:
            gone = f", deleted {e.deletion_date}" if e.deletion_date else ""
            out.append(f"  {SETTING_WORDS[e.setting]:<20} {e.column1} / {e.column2}  "
                       f"indicator {e.modifier_indicator}: "
                       f"{INDICATOR_WORDS.get(e.modifier_indicator, '')}{gone} [{e.release}]")
    else:
        out.append("  none between this code and the codes CodeDesk curates")
    if page.related:
        out.append("\nRelated codes:")
        out += [f"  {r.relationship:<20} {r.code:<7} {r.title}"
                + (f"\n{_wrap(r.note, indent='      ')}" if r.note else "")
                for r in page.related]
    out.append("\nPayer notes:")
    out += [f"  {n.payer_name} — {n.topic} ({n.tier}, {n.date or 'undated'}): {n.text} "
            f"[{n.source_id}]" for n in page.payer_notes] or [f"  {DATA_NOT_AVAILABLE}"]
    out.append("\nSources:")
    out += [f"  [{s.id}] {s.title}" + (f", {s.release}" if s.release else "")
            + (f" ({s.document})" if s.document else "") for s in page.sources]
    return "\n".join(out)


def _n(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _money(value) -> str:
    return "—" if value is None else f"${value:,.2f}"
