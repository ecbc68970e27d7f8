"""Bar charts as inline SVG text: no plotting library, no fonts or files to load, the same bytes every time.

Coordinates are printed with one decimal, so the output does not depend on float formatting
details; every label goes through :func:`html.escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FILL, FLAGGED_FILL, AXIS, LINE = "#4878a8", "#c8553d", "#444", "#2a9d3f"


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    y_label: str,
    width: int = 420,
    height: int = 220,
    flagged: Sequence[bool] = (),
    reference: float | None = None,
    value_format: str = "{:g}",
) -> str:
    """Vertical bars with their values on top; ``flagged`` bars are drawn in another colour,
    ``reference`` as a horizontal line (e.g. the median of the variants' means)."""
    left, right, top, bottom = 48, 10, 28, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([*values, reference or 0.0, 0.0]) or 1.0
    step = plot_w / max(1, len(values))
    bar_w = max(1.0, 0.8 * step)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{width / 2:.1f}" y="16" text-anchor="middle" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{AXIS}"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{AXIS}"/>',
        f'<text x="{left - 6}" y="{top + plot_h:.1f}" text-anchor="end" font-size="10">0</text>',
        f'<text x="{left - 6}" y="{top + 8}" text-anchor="end" font-size="10">{escape(value_format.format(highest))}</text>',
        f'<text x="12" y="{top + plot_h / 2:.1f}" font-size="10" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">{escape(y_label)}</text>',
    ]
    rotate = len(labels) > 6 or max((len(label) for label in labels), default=0) > 6
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * step + (step - bar_w) / 2
        h = plot_h * value / highest
        colour = FLAGGED_FILL if index < len(flagged) and flagged[index] else FILL
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
            f"<title>{escape(label)}: {escape(value_format.format(value))}</title></rect>"
        )
        centre = x + bar_w / 2
        if len(values) <= 24:
            parts.append(
                f'<text x="{centre:.1f}" y="{top + plot_h - h - 3:.1f}" text-anchor="middle" font-size="9">'
                f"{escape(value_format.format(value))}</text>"
            )
        label_y = top + plot_h + 12
        turn = f' transform="rotate(-40 {centre:.1f} {label_y})"' if rotate else ""
        anchor = "end" if rotate else "middle"
        parts.append(
            f'<text x="{centre:.1f}" y="{label_y}" text-anchor="{anchor}" font-size="9"{turn}>{escape(label)}</text>'
        )
    if reference is not None:
        y = top + plot_h - plot_h * reference / highest
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{LINE}" stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
