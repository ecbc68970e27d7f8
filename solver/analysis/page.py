"""The item-analysis page: one HTML file with its styles and figures inline, nothing fetched.

Every text from the results file (student-facing feedback, part ids, variant labels) is escaped.
"""

from __future__ import annotations

from html import escape

from .measures import Analysis, PartAnalysis
from .permutation import VariantTest
from .svg import bar_chart

STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1em; margin: 1.2em 0 0.3em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.flagged td { background: #fbe3dd; }
.verdict { font-weight: bold; } .part { display: flex; gap: 1.5em; align-items: flex-start; flex-wrap: wrap; }
.note { color: #555; font-size: 0.9em; }
"""


def page(analysis: Analysis, source: str) -> str:
    sections = [_summary(analysis, source), _totals(analysis), _variants(analysis), _parts_table(analysis)]
    sections += [_part(part) for part in analysis.parts]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'  # no favicon request
        "<title>Item analysis</title>"
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(sections) + "\n</body></html>\n"
    )


def _summary(analysis: Analysis, source: str) -> str:
    variants = len(analysis.variants)
    return (
        "<h1>Item analysis</h1>"
        f"<p>{analysis.students} students from <code>{escape(source)}</code>, {variants} variant"
        f"{'' if variants == 1 else 's'}, {len(analysis.parts)} graded parts"
        + (f" ({len(analysis.ungraded_parts)} more graded by hand)" if analysis.ungraded_parts else "")
        + ".</p>"
    )


def _totals(analysis: Analysis) -> str:
    s = analysis.total_summary
    bars = analysis.total_histogram
    chart = bar_chart(
        [b.label for b in bars], [b.count for b in bars], title="Class total", y_label="students", width=640
    )
    return (
        f"<h2>Class total</h2><p>In {escape(analysis.total_label)}: mean {s['mean']:.2f}, median {s['median']:.2f}, "
        f"standard deviation {s['sd']:.2f}, from {s['min']:.4g} to {s['max']:.4g}.</p>{chart}"
    )


def _variants(analysis: Analysis) -> str:
    test = analysis.test
    head = "<h2>Variants</h2>"
    if test is None:
        return head + (
            "<p>No test: it needs at least two variants each taken by several students "
            f"({len(analysis.variants)} variant(s) here). The mean per variant:</p>" + _variant_rows(analysis)
        )
    flagged = [v for v in test.variants if v.flagged]
    verdict = (
        f"{len(flagged)} variant{'s' if len(flagged) != 1 else ''} significantly off: "
        + ", ".join(f"{escape(v.label)} ({_direction(v)})" for v in flagged)
        if flagged
        else "no variant is significantly off"
    )
    text = (
        f"<p>Permutation test of whether the variant explains the totals ({test.shuffles:,} shuffles of the "
        f"variant labels among the {test.tested_students} students of variants taken by at least 3): "
        f"p = {test.p_value:.4f}. Per variant, its mean against the median of the variants' means, "
        f"Holm-adjusted over the variants at level {test.alpha:g}: <span class='verdict'>{verdict}</span>.</p>"
    )
    chart = bar_chart(
        [v.label for v in test.variants],
        [v.mean for v in test.variants],
        title="Mean total per variant",
        y_label=analysis.total_label.split(" (")[0],
        width=min(900, 200 + 40 * len(test.variants)),
        flagged=[v.flagged for v in test.variants],
        reference=test.variants[0].reference,
        value_format="{:.1f}",
    )
    rows = "".join(
        f"<tr{' class=flagged' if v.flagged else ''}><td>{escape(v.label)}</td><td class=n>{v.students}</td>"
        f"<td class=n>{v.mean:.2f}</td><td class=n>{v.mean - v.reference:+.2f}</td><td class=n>{v.p_value:.4f}</td>"
        f"<td class=n>{v.adjusted_p:.4f}</td><td>{_direction(v) if v.flagged else ''}</td></tr>"
        for v in test.variants
    )
    table = (
        "<table><tr><th>variant</th><th>students</th><th>mean</th><th>minus median mean</th><th>p</th>"
        f"<th>adjusted p</th><th>flag</th></tr>{rows}</table>"
    )
    untested = [label for label in analysis.variants if label not in {v.label for v in test.variants}]
    note = f"<p class=note>Not tested (fewer than 3 students each): {len(untested)} variant(s).</p>" if untested else ""
    return head + text + chart + table + note


def _direction(variant: VariantTest) -> str:
    return "harder" if variant.mean < variant.reference else "easier"


def _variant_rows(analysis: Analysis) -> str:
    rows = "".join(
        f"<tr><td>{escape(label)}</td><td class=n>{n}</td><td class=n>{analysis.variant_means[label]:.2f}</td></tr>"
        for label, n in analysis.variants.items()
    )
    return f"<table><tr><th>variant</th><th>students</th><th>mean</th></tr>{rows}</table>"


def _parts_table(analysis: Analysis) -> str:
    rows = []
    for part in analysis.parts:
        top = part.mistakes[0] if part.mistakes else None
        slip = f"{100 * top.share:.0f}%: {escape(top.feedback)}" if top else ""
        rows.append(
            f"<tr><td><a href='#part-{escape(part.part)}'>{escape(part.part)}</a></td><td class=n>{part.answers}</td>"
            f"<td class=n>{100 * part.mean:.0f}%</td>"
            + "".join(f"<td class=n>{_share(part, s)}</td>" for s in ("correct", "incorrect", "invalid"))
            + f"<td>{slip}</td></tr>"
        )
    return (
        "<h2>Parts</h2><table><tr><th>part</th><th>answers</th><th>mean score</th><th>correct</th>"
        "<th>incorrect</th><th>invalid</th><th>most common modelled mistake</th></tr>" + "".join(rows) + "</table>"
    )


def _share(part: PartAnalysis, status: str) -> str:
    return f"{100 * part.statuses.get(status, 0) / part.answers:.0f}%" if part.answers else "–"


def _part(part: PartAnalysis) -> str:
    bars = part.distribution
    chart = bar_chart(
        [b.label for b in bars], [b.count for b in bars], title=f"{part.part}: share of the points", y_label="students"
    )
    rows = "".join(
        f"<tr><td class=n>{m.index + 1}</td><td class=n>{m.count}</td><td class=n>{100 * m.share:.1f}%</td>"
        f"<td>{escape(m.feedback)}"
        + (f" <span class=note>({m.wordings} wordings)</span>" if m.wordings > 1 else "")
        + "</td></tr>"
        for m in part.mistakes
    )
    if part.other_incorrect:
        share = 100 * part.other_incorrect / part.answers
        rows += f"<tr><td>–</td><td class=n>{part.other_incorrect}</td><td class=n>{share:.1f}%</td>"
        rows += "<td>other wrong answers (no modelled mistake)</td></tr>"
    table = (
        "<table><tr><th>mistake</th><th>answers</th><th>share</th><th>feedback</th></tr>" + rows + "</table>"
        if rows
        else "<p class=note>No wrong answers.</p>"
    )
    return f"<h3 id='part-{escape(part.part)}'>{escape(part.part)}</h3><div class=part>{chart}<div>{table}</div></div>"
