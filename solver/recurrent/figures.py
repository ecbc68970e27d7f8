"""The sheet's plots as PDF bytes: deterministic, log-scale, cached by what they show.

Plots are drawn on matplotlib ``Figure`` objects (no pyplot state, Agg-based
PDF backend) with the creation date and producer left out of the PDF, so the
same data give the same bytes. Each figure is cached under a hash of its data,
its layout version and matplotlib's version: a warm build imports no matplotlib.
"""

from __future__ import annotations

import io
from importlib import metadata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..cache import Cache, cache_key

CACHE_KIND = "rnn_lstm-figures"
FORMAT = 2  # bump when the drawing code changes
COLORS = ("#1f4e79", "#b03a2e", "#2e7d32", "#7b1fa2", "#ef6c00")


@dataclass(frozen=True)
class Series:
    label: str
    y: Sequence[float]
    dashed: bool = False


@dataclass(frozen=True)
class Panel:
    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    hlines: tuple[tuple[float, str], ...] = ()  # (value, label): thresholds


@dataclass(frozen=True)
class Plot:
    name: str  # file name without suffix
    panels: tuple[Panel, ...]

    def data(self) -> dict:
        return {
            "name": self.name,
            "panels": [
                {
                    "title": p.title,
                    "x": p.xlabel,
                    "y": p.ylabel,
                    "series": [[s.label, [float(v) for v in s.y], s.dashed] for s in p.series],
                    "hlines": [list(h) for h in p.hlines],
                }
                for p in self.panels
            ],
        }


def render(plot: Plot) -> bytes:
    """Draw ``plot`` and return the PDF's bytes (same data, same bytes)."""
    import matplotlib

    from matplotlib.figure import Figure

    style = {
        "font.size": 8,
        "axes.titlesize": 8.5,
        "legend.fontsize": 7,
        "pdf.compression": 6,
        "svg.hashsalt": "hw6",
        "path.simplify": False,
    }
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(3.15 * len(plot.panels) + (0.45 if len(plot.panels) == 1 else 0.0), 2.35))
        axes = figure.subplots(1, len(plot.panels), squeeze=False)[0]
        for ax, panel in zip(axes, plot.panels):
            for k, series in enumerate(panel.series):
                y = np.asarray(series.y, dtype=np.float64)
                x = np.arange(1, len(y) + 1)
                ax.plot(x, y, color=COLORS[k % len(COLORS)], linewidth=1.3, linestyle="--" if series.dashed else "-", label=series.label)
            for value, label in panel.hlines:
                ax.axhline(value, color="0.45", linewidth=0.8, linestyle=":", label=label)
            ax.set_yscale("log")
            ax.set_title(panel.title)
            ax.set_xlabel(panel.xlabel)
            ax.set_ylabel(panel.ylabel)
            ax.grid(True, which="major", linewidth=0.3, color="0.85")
            ax.legend(frameon=False, loc="best")
        figure.tight_layout(pad=0.4, w_pad=1.2)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="pdf", metadata={"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None})
    return buffer.getvalue()


def render_cached(plots: Sequence[Plot], cache: Cache) -> dict[str, bytes]:
    """``{name: PDF bytes}``, drawing only the plots the cache does not hold."""
    out = {}
    matplotlib_version = metadata.version("matplotlib")  # without importing it
    for plot in plots:
        key = cache_key(CACHE_KIND, {"format": FORMAT, "matplotlib": matplotlib_version, "plot": plot.data()})
        pdf = cache.read_bytes(CACHE_KIND, key, "pdf")
        if pdf is None or not pdf.startswith(b"%PDF"):
            pdf = render(plot)
            cache.write_bytes(CACHE_KIND, key, "pdf", pdf)
        out[plot.name] = pdf
    return out
