"""The sheets' plots as PDF bytes: deterministic, cached by what they show.

Plots are drawn on matplotlib ``Figure`` objects (no pyplot state, Agg-based
PDF backend) with the creation date and producer left out of the PDF, so the
same data give the same bytes. Each figure is cached under a hash of its data,
its layout version and matplotlib's version: a warm build imports no matplotlib.

Line plots (:class:`Plot` of :class:`Panel`s) are drawn here; a problem with
another kind of figure draws it itself with :func:`style` and :func:`pdf_bytes`
and caches it with :func:`cached_pdf`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np

from .cache import Cache, cache_key

FORMAT = 4  # bump when the drawing code changes
COLORS = ("#1f4e79", "#b03a2e", "#2e7d32", "#7b1fa2", "#ef6c00")
# The sheets' text block: letter paper less the 2.3 cm margins of templates/preamble.tex.j2. Plots are drawn at the
# width they are placed at (\linewidth, or 0.62\linewidth for one panel), so a font size here is the printed size.
TEXT_WIDTH_IN = (612 - 2 * 2.3 * 72 / 2.54) / 72
SINGLE_PANEL_FRACTION = 0.62
FONT_SIZE = 9  # tick labels, axis labels and titles; every text prints at 8 pt or more (legend 8.5)


@dataclass(frozen=True)
class Series:
    label: str
    y: Sequence[float] | np.ndarray
    dashed: bool = False
    color: int | None = None  # index into COLORS; None: the series' place in its panel. Set it so that one
    # network keeps one colour across the panels of a plot.


@dataclass(frozen=True)
class Panel:
    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    hlines: tuple[tuple[float, str], ...] = ()  # (value, label): thresholds
    log: bool = True  # logarithmic y axis

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "x": self.xlabel,
            "y": self.ylabel,
            "series": [[s.label, [float(v) for v in s.y], s.dashed, s.color] for s in self.series],
            "hlines": [list(h) for h in self.hlines],
        }
        if not self.log:  # only when set, so that the keys of log-scale plots stay as they were
            data["log"] = False
        return data


@dataclass(frozen=True)
class Plot:
    name: str  # file name without suffix
    panels: tuple[Panel, ...]

    def data(self) -> dict:
        return {"name": self.name, "panels": [p.data() for p in self.panels]}


#: The sheets' matplotlib settings. Computer Modern, as the sheets' Latin Modern text: matplotlib's own cmr10 for
#: text and its cm fontset for mathematics (tick labels go through mathtext, since cmr10 has no minus sign),
#: embedded as TrueType (Type 42) rather than Type 3.
RC: Any = {  # a plain mapping of matplotlib rc keys (Any: its stubs type the keys as literals)
    "font.family": "serif",
    "font.serif": ["cmr10"],
    "mathtext.fontset": "cm",
    "axes.formatter.use_mathtext": True,
    "axes.unicode_minus": True,
    "pdf.fonttype": 42,
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE,
    "legend.fontsize": 8.5,
    "pdf.compression": 6,
    "svg.hashsalt": "hw6",
    "svg.fonttype": "path",  # the cm fonts' glyphs are not at their Unicode places: SVG text would read as garbage
    "path.simplify": False,
}


@contextlib.contextmanager
def style() -> Iterator[Any]:
    """matplotlib with the sheets' fonts and deterministic output; yields the ``Figure`` class."""
    import matplotlib  # matplotlib (a second to import) only where a figure is drawn
    from matplotlib.figure import Figure

    # Subsetting cmr10 for Type 42 makes fontTools log that the font's own dates look low (they are 1970s
    # dates); nothing is wrong, and a build's stderr is for messages a user can act on.
    head_table = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    level = head_table.level
    head_table.setLevel(logging.ERROR)
    added = _computer_modern_partial()
    try:
        with matplotlib.rc_context(RC):
            yield Figure
    finally:
        head_table.setLevel(level)
        if added is not None:
            added.pop(PARTIAL, None)


PARTIAL = "\\partial"


def _computer_modern_partial() -> dict | None:
    """Let the cm fontset draw \\partial from cmmi10 (glyph 0x40) instead of falling back to STIX.

    matplotlib's table of Computer Modern symbols (a private module) lacks it; without that module, or when
    it already has the entry, nothing changes and the STIX glyph is used. Returns the table when it added the entry.
    """
    try:
        from matplotlib import _mathtext_data  # only where a figure is drawn, like matplotlib
    except ImportError:  # pragma: no cover - another matplotlib layout
        return None
    table = getattr(_mathtext_data, "latex_to_bakoma", None)
    if not isinstance(table, dict) or PARTIAL in table:
        return None
    table[PARTIAL] = ("cmmi10", 0x40)
    return table


def pdf_bytes(figure: Any, *, tight: bool = False) -> bytes:
    """The figure as PDF bytes without dates or producer (same drawing, same bytes).

    ``tight`` crops the page to what is drawn (long tick labels that ``tight_layout`` misjudges).
    """
    buffer = io.BytesIO()
    extra = {"bbox_inches": "tight", "pad_inches": 0.03} if tight else {}
    figure.savefig(
        buffer,
        format="pdf",
        metadata={"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        **extra,
    )
    return buffer.getvalue()


def svg_bytes(figure: Any) -> bytes:
    """The figure as SVG bytes for the HTML edition, glyphs drawn as in the PDF, no date (same bytes); the page
    gives its text alternative (a title and the tables of the data)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def render(plot: Plot) -> bytes:
    """Draw ``plot`` and return the PDF's bytes (same data, same bytes)."""
    return render_both(plot)[0]


def render_both(plot: Plot) -> tuple[bytes, bytes]:
    """Draw ``plot`` once; its PDF (the sheet's) and SVG (the HTML edition's) bytes."""
    with style() as Figure:
        width = TEXT_WIDTH_IN * (SINGLE_PANEL_FRACTION if len(plot.panels) == 1 else 1.0)
        figure = Figure(figsize=(width, 2.5))
        axes = figure.subplots(1, len(plot.panels), squeeze=False)[0]
        for ax, panel in zip(axes, plot.panels, strict=False):
            for k, series in enumerate(panel.series):
                y = np.asarray(series.y, dtype=np.float64)
                x = np.arange(1, len(y) + 1)
                ax.plot(
                    x,
                    y,
                    color=COLORS[(k if series.color is None else series.color) % len(COLORS)],
                    linewidth=1.3,
                    linestyle="--" if series.dashed else "-",
                    label=series.label,
                )
            for value, label in panel.hlines:
                ax.axhline(value, color="0.45", linewidth=0.8, linestyle=":", label=label)
            if panel.log:
                ax.set_yscale("log")
            ax.set_title(panel.title)
            ax.set_xlabel(panel.xlabel)
            ax.set_ylabel(panel.ylabel)
            ax.grid(True, which="major", linewidth=0.3, color="0.85")
            ax.legend(frameon=False, loc="best")
        figure.tight_layout(pad=0.4, w_pad=1.2)
        return pdf_bytes(figure), svg_bytes(figure)


@functools.cache
def _matplotlib_version() -> str:
    """Read once: importlib.metadata parses the package's METADATA file on every call."""
    return metadata.version("matplotlib")  # the version without importing matplotlib


def cached_pdf(cache: Cache, kind: str, config: Any, draw: Callable[[], bytes]) -> bytes:
    """The PDF ``draw()`` makes, read from ``cache`` when an entry for ``config`` (JSON data) exists.

    The figure's data are remembered for :func:`shown_data` (the HTML edition's text alternative)."""
    key = cache_key(kind, {"format": FORMAT, "matplotlib": _matplotlib_version(), **config})
    pdf = cache.read_bytes(kind, key, "pdf")
    if pdf is None or not pdf.startswith(b"%PDF"):
        pdf = draw()
        cache.write_bytes(kind, key, "pdf", pdf)
    _remember(pdf, config, None)
    return pdf


def _remember(pdf: bytes, config: Any, svg: bytes | None) -> None:
    with _SHOWN_LOCK:
        _SHOWN[hashlib.sha256(pdf).hexdigest()] = (config, svg)
        while len(_SHOWN) > _SHOWN_LIMIT:
            del _SHOWN[next(iter(_SHOWN))]


#: What each recent figure shows, by the SHA-256 of its PDF: the HTML edition of a sheet prints a figure's data
#: as tables, and it only holds the PDF's bytes. Bounded: a batch makes a few figures per student.
_SHOWN: dict[str, tuple[Any, bytes | None]] = {}
_SHOWN_LIMIT = 256
_SHOWN_LOCK = threading.Lock()


def shown_data(pdf: bytes) -> Any | None:
    """The data (``config`` of :func:`cached_pdf`) of a figure this process drew or read, or None."""
    return shown(pdf)[0]


def shown(pdf: bytes) -> tuple[Any | None, bytes | None]:
    """(data, SVG) of a figure this process drew or read; the SVG only for line plots (:func:`render_cached`)."""
    with _SHOWN_LOCK:
        return _SHOWN.get(hashlib.sha256(pdf).hexdigest(), (None, None))


def render_cached(plots: Sequence[Plot], cache: Cache, kind: str) -> dict[str, bytes]:
    """``{name: PDF bytes}`` of line plots, drawing only the ones the cache does not hold; each plot's SVG (the HTML
    edition's picture, cached beside the PDF) is remembered for :func:`shown`."""
    out = {}
    for plot in plots:
        config = {"plot": plot.data()}
        drawn: dict[str, bytes] = {}

        def draw(plot: Plot = plot, drawn: dict[str, bytes] = drawn) -> bytes:
            drawn["pdf"], drawn["svg"] = render_both(plot)
            return drawn["pdf"]

        pdf = cached_pdf(cache, kind, config, draw)
        key = cache_key(kind, {"format": FORMAT, "matplotlib": _matplotlib_version(), "svg": True, **config})
        svg = drawn.get("svg") or cache.read_bytes(kind, key, "svg")
        if svg is None or not svg.startswith(b"<?xml"):
            svg = render_both(plot)[1]
        if "svg" in drawn or cache.read_bytes(kind, key, "svg") != svg:
            cache.write_bytes(kind, key, "svg", svg)
        _remember(pdf, config, svg)
        out[plot.name] = pdf
    return out
