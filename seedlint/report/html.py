"""The report as one self-contained HTML page: styles, the print script and every picture inline, nothing
fetched. Jinja2 renders it with autoescaping on, so every text that comes from a document (titles,
paths, messages, provider names) is escaped; only the SVG the report draws itself is marked safe.

Every number on the page is written by `num(path)` from the summary's own plain data, with the path in
a `data-num` attribute, so a test can read every number back and compare it with the JSON summary.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup, escape

from seedlint.escaping import inert
from seedlint.registry import FAMILIES
from seedlint.report.charts import EDGE_COLOURS, SEVERITY_COLOURS, Charts
from seedlint.report.summary import Summary


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path of the summary's plain data (`rules.0.findings`, `severities.error`)."""
    value = data
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("seedlint.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_inert,
    )


def _inert(value: object) -> object:
    """Every text the report shows, made inert as in every other output (seedlint/escaping.py) before it is
    HTML-escaped: a report printed on stdout lands in CI logs and terminals, where a title's line break, a
    workflow command (`::error`, `##[`) or an escape sequence would act. What the report draws itself (Markup)
    is kept."""
    return inert(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def render(summary: Summary) -> str:
    data = summary.to_data()

    def num(path: str, grouped: bool = True) -> Markup:
        """A number of the summary (with thousands separators unless `grouped` is false: line numbers)."""
        value = lookup(data, path)
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{path} is not a number: {value!r}")
        shown = f"{value:,}" if grouped else str(value)
        return Markup('<span class="num" data-num="{}">{}</span>').format(path, shown)

    def pct(part: str, whole: str) -> Markup:
        """part / whole as a percentage, with both paths, so a test can check it too."""
        a, b = lookup(data, part), lookup(data, whole)
        shown = f"{100 * a / b:.1f}%" if b else "–"
        return Markup('<span class="pct" data-part="{}" data-whole="{}">{}</span>').format(part, whole, shown)

    def heat(value: int, maximum: int) -> Markup:
        """A heat-map cell's background: white for 0, deep red for the largest cell (square-root scale)."""
        if not value or not maximum:
            return Markup("")
        level = (value / maximum) ** 0.5
        light = 96 - 56 * level
        return Markup(' style="background:hsl(4 75% {:.0f}%);color:{}"').format(light, "#fff" if light < 62 else "#222")

    charts = Charts()
    pictures = {
        "rules": charts.rules(summary.rules) if summary.rules else "",
        "folders": charts.groups(summary.folders, "Findings per folder") if len(summary.folders) > 1 else "",
        "providers": charts.groups(summary.providers, "Findings per provider")
        if any(g.findings for g in summary.providers)
        else "",
        "months": charts.months(summary.heatmap) if summary.heatmap.months else "",
        "in_degree": charts.degrees(summary.graph.in_degree, "references in (documents listing it)", "#1e73be"),
        "out_degree": charts.degrees(summary.graph.out_degree, "references out (corpus documents it lists)", "#5e35b1"),
        "trend": charts.trend(summary.history) if summary.history and summary.history.commits else "",
        "trend_rules": charts.trend_rules(summary.history) if summary.history and summary.history.commits else "",
        "hoods": [charts.neighbourhood(hood) for hood in summary.graph.neighbourhoods],
    }
    template = _environment().get_template("report.html.j2")
    return template.render(
        s=summary,
        data=data,
        num=num,
        pct=pct,
        heat=heat,
        svg={
            key: [Markup(v) for v in value] if isinstance(value, list) else Markup(value)
            for key, value in pictures.items()
        },
        severity_colours=SEVERITY_COLOURS,
        edge_colours=EDGE_COLOURS,
        families=FAMILIES,
        escape=escape,
    )
