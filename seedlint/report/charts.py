"""The report's pictures, as inline SVG: bar and line charts drawn by pygal (SVG is its native output,
so nothing is rasterised and nothing is fetched), and the neighbourhood of a document in the reference
graph, drawn here (a radial picture no charting library draws).

pygal writes its SVG with ElementTree, which escapes every label; its optional tooltip script would be
fetched from the network, so charts are made without it (`js=()`) and the configuration script pygal
still embeds is removed. Chart ids are numbered, so the same summary gives the same page.
"""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from html import escape
from typing import Any

import pygal  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

from seedlint.report.summary import Bucket, Group, Heatmap, History, Neighbourhood, RuleCount

SEVERITY_COLOURS = {"error": "#c62828", "warning": "#ef8f00", "info": "#1e73be"}
EDGE_COLOURS = {
    "ok": "#9e9e9e",
    "outside": "#bdbdbd",
    "stale": "#ef8f00",
    "dangling": "#c62828",
    "near-miss": "#c62828",
    "malformed": "#c62828",
    "missing-url": "#c62828",
    "self": "#7b1fa2",
    "duplicate": "#7b1fa2",
}
# Distinct, colour-blind-friendly hues (Okabe–Ito, then Tol's) for the lines of the trend chart.
LINE_COLOURS = (
    "#000000",
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#d55e00",
    "#0072b2",
    "#cc79a7",
    "#f0e442",
    "#882255",
    "#44aa99",
    "#999933",
    "#aa4499",
)
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def _style(colours: Sequence[str]) -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#888",
        font_family=FONT,
        label_font_family=FONT,
        major_label_font_family=FONT,
        value_font_family=FONT,
        value_label_font_family=FONT,
        title_font_family=FONT,
        legend_font_family=FONT,
        tooltip_font_family=FONT,
        label_font_size=13,
        major_label_font_size=13,
        value_font_size=13,
        value_label_font_size=13,
        legend_font_size=14,
        title_font_size=16,
        colors=tuple(colours),
        opacity="0.95",
        opacity_hover="1",
    )


class Charts:
    """Renders the charts of one page, numbering their ids."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def _svg(self, chart: Any, label: str) -> str:
        root = chart.render_tree()
        for parent in root.iter():
            for child in list(parent):
                if child.tag in ("script", "{http://www.w3.org/2000/svg}script") or not isinstance(child.tag, str):
                    parent.remove(child)  # pygal's configuration script, and comments
        uuid = root.get("id", "")
        number = f"chart-{next(self._ids)}"
        root.set("role", "img")
        root.set("aria-label", label)
        text = ElementTree.tostring(root, encoding="unicode")
        return text.replace(uuid, number) if uuid else text

    def _config(self, colours: Sequence[str], **options: Any) -> dict[str, Any]:
        config: dict[str, Any] = {
            "js": (),
            "disable_xml_declaration": True,
            "style": _style(colours),
            "width": 760,
            "margin": 8,
            "spacing": 8,
            "show_y_guides": True,
            "print_zeroes": False,
            "truncate_label": -1,
            "truncate_legend": -1,
            "legend_at_bottom": True,
        }
        config.update(options)
        return config

    def rules(self, rules: list[RuleCount]) -> str:
        """Findings per rule, a bar per rule coloured by severity."""
        shown = rules[:20]
        chart = pygal.HorizontalStackedBar(
            **self._config(
                [SEVERITY_COLOURS[s] for s in ("error", "warning", "info")],
                height=90 + 30 * len(shown),
                print_values=True,
                print_values_position="top",
                show_legend=True,
                legend_at_bottom_columns=3,
            )
        )
        labels = [f"{r.code} {r.name}" for r in reversed(shown)]
        chart.x_labels = labels
        for severity in ("error", "warning", "info"):
            chart.add(severity, [r.findings if r.severity == severity else None for r in reversed(shown)])
        return self._svg(chart, "Findings per rule")

    def groups(self, groups: list[Group], label: str, limit: int = 15) -> str:
        """Findings of each group (folder, provider), stacked by severity, largest first."""
        shown = [g for g in groups if g.findings][:limit]
        chart = pygal.HorizontalStackedBar(
            **self._config(
                [SEVERITY_COLOURS[s] for s in ("error", "warning", "info")],
                height=90 + 30 * max(1, len(shown)),
                print_values=False,
                show_legend=True,
                legend_at_bottom_columns=3,
            )
        )
        chart.x_labels = [g.name for g in reversed(shown)]
        chart.add("error", [g.errors or None for g in reversed(shown)])
        chart.add("warning", [g.warnings or None for g in reversed(shown)])
        chart.add("info", [g.infos or None for g in reversed(shown)])
        return self._svg(chart, label)

    def months(self, heatmap: Heatmap) -> str:
        """Documents published and findings, per month of publication."""
        chart = pygal.Bar(
            **self._config(
                ["#90a4ae", "#c62828"],
                height=360,
                x_label_rotation=-60,
                show_minor_x_labels=False,
                x_labels_major_every=max(1, math.ceil(len(heatmap.months) / 24)),
                show_legend=True,
                legend_at_bottom_columns=2,
            )
        )
        chart.x_labels = heatmap.months
        chart.add("documents published", heatmap.documents)
        chart.add("findings", heatmap.findings)
        return self._svg(chart, "Documents and findings per month of publication")

    def degrees(self, buckets: list[Bucket], label: str, colour: str) -> str:
        chart = pygal.Bar(
            **self._config(
                [colour], height=300, print_values=True, show_legend=False, x_title=label, y_title="documents"
            )
        )
        chart.x_labels = [b.label for b in buckets]
        chart.add("documents", [b.documents for b in buckets])
        return self._svg(chart, f"Documents by {label}")

    def _commit_axis(self, history: History, colours: Sequence[str], **options: Any) -> Any:
        commits = history.commits
        chart = pygal.Line(
            **self._config(
                colours,
                x_label_rotation=-40,
                show_minor_x_labels=False,
                x_labels_major_every=max(1, math.ceil(len(commits) / 20)),
                dots_size=3,
                **options,
            )
        )
        chart.x_labels = [c.sha[:7] for c in commits]
        return chart

    def trend(self, history: History) -> str:
        """All findings at each commit, oldest on the left (the axis starts near the lowest value, so
        that a change of a few percent shows)."""
        chart = self._commit_axis(history, ["#222222", SEVERITY_COLOURS["error"]], height=320, show_legend=True)
        chart.add("all findings", [c.findings for c in history.commits], stroke_style={"width": 3})
        return self._svg(chart, "Findings at each commit")

    def trend_rules(self, history: History, limit: int = 8) -> str:
        """Per rule, findings gained (above 0) or lost (below 0) since the oldest commit: the rules whose
        count changed the most."""
        first = history.commits[0].by_rule
        change = {
            code: [c.by_rule.get(code, 0) - first.get(code, 0) for c in history.commits] for code in history.rules
        }
        moved = sorted(
            (code for code in change if any(change[code])), key=lambda code: (-max(map(abs, change[code])), code)
        )
        chart = self._commit_axis(
            history,
            LINE_COLOURS[1:],
            height=380,
            show_legend=True,
            legend_at_bottom_columns=4,
            include_x_axis=True,
            y_title="findings gained or lost",
        )
        for code in moved[:limit]:
            chart.add(code, change[code])
        if not moved:
            chart.add("no change", [0 for _ in history.commits])
        return self._svg(chart, "Change in findings per rule since the oldest commit")

    def neighbourhood(self, hood: Neighbourhood) -> str:
        """A document in the middle, the documents it lists on the right, those listing it on the left;
        each edge coloured by what the rules found on it (grey: fine, orange: stale, red: dangling)."""
        rows = max(len(hood.out_edges), len(hood.in_edges), 1)
        row = 22
        height = max(160, rows * row + 70)
        width = 760
        cx, cy = width / 2, height / 2
        listed_by, lists = len(hood.in_edges) + hood.more_in, len(hood.out_edges) + hood.more_out
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="hood" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(hood.path)} and its related references">',
            f'<text x="{cx - 30:.0f}" y="18" text-anchor="end" class="side">listed by ({listed_by})</text>',
            f'<text x="{cx + 30:.0f}" y="18" class="side">lists ({lists})</text>',
        ]

        def column(edges: list, x: float, anchor: str, more: int) -> None:
            count = len(edges) + (1 if more else 0)
            top = cy - (count - 1) * row / 2
            for i, edge in enumerate(edges):
                y = top + i * row
                colour = EDGE_COLOURS.get(edge.state, "#9e9e9e")
                width_ = 1 if edge.state in ("ok", "outside") else 2.2
                dash = ' stroke-dasharray="4 3"' if edge.state == "outside" else ""
                parts.append(
                    f'<line x1="{cx:.0f}" y1="{cy:.0f}" x2="{x:.0f}" y2="{y:.1f}" stroke="{colour}" '
                    f'stroke-width="{width_}"{dash}><title>{escape(edge.state)}</title></line>'
                )
                parts.append(f'<circle cx="{x:.0f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
                name = edge.path.rsplit("/", 1)[-1]
                shown = name if len(name) <= 42 else name[:40] + "…"
                offset = 8 if anchor == "start" else -8
                tip = (
                    escape(edge.path) + (" — " + escape(edge.title) if edge.title else "") + f" ({escape(edge.state)})"
                )
                parts.append(
                    f'<text x="{x + offset:.0f}" y="{y + 4:.1f}" text-anchor="{anchor}" '
                    f'class="node {escape(edge.state)}">'
                    f"<title>{tip}</title>{escape(shown)}</text>"
                )
            if more:
                y = top + len(edges) * row
                parts.append(
                    f'<text x="{x:.0f}" y="{y + 4:.1f}" text-anchor="{anchor}" class="more">… {more} more</text>'
                )

        column(hood.in_edges, cx - 110, "end", hood.more_in)
        column(hood.out_edges, cx + 110, "start", hood.more_out)
        parts.append(
            f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="9" fill="#222"><title>{escape(hood.path)}</title></circle>'
        )
        name = hood.path.rsplit("/", 1)[-1]
        parts.append(
            f'<text x="{cx:.0f}" y="{cy + 24:.0f}" text-anchor="middle" class="centre">'
            f"{escape(name if len(name) <= 30 else name[:28] + '…')}</text>"
        )
        parts.append("</svg>")
        return "".join(parts)
