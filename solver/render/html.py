"""The HTML edition of a sheet, converted from the very .tex that pdflatex typesets.

One source: the templates write the .tex once; this module reads that .tex (the small subset of LaTeX
hw6's templates use) and writes HTML with the same sentences: a heading per problem (``\\section*``)
and per part (``\\partlabel``), maths as MathML (latex2mathml, pure Python: no JavaScript, no
network), tables as ``<table>``, code as ``<pre>``, TikZ pictures as SVG with their labels as real
text plus a table describing every box and arrow, and the matplotlib figures as SVG (line plots) and
tables of the data they plot (:mod:`solver.io.figures` remembers what each figure shows). The page has the sheet's
language and title and ends with the footer's variant label.

A construct this converter does not know is a bug in hw6 (a template used new LaTeX): it raises
:class:`HtmlConversionError` naming it, so a test catches it before a student could see a gap.
Same .tex, same bytes.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..kernel.errors import Hw6Error

#: What the sheet's included figure (a path) shows: its data (None when unknown) and its SVG drawing (or None).
FigureData = Callable[[str], tuple[Any, bytes | None]]


class HtmlConversionError(Hw6Error, ValueError):
    """The .tex uses LaTeX the HTML converter does not handle: a template's bug, reported in one line (exit 2) like a
    LaTeX failure, with nothing written."""


# ---------------------------------------------------------------------------------------------------------------
# Reading LaTeX source


def _group_end(text: str, start: int, opening: str = "{", closing: str = "}") -> int:
    """Index just after the group that opens at ``text[start]`` (``opening``), braces and escapes respected."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return i + 1
        elif opening == "[" and char == "{":
            i = _group_end(text, i)
            continue
        i += 1
    raise HtmlConversionError(f"unbalanced {opening}{closing} in: {text[start : start + 60]!r}")


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n":
        i += 1
    return i


def _argument(text: str, i: int) -> tuple[str, int]:
    """The braced argument at ``i`` (spaces before it skipped), and the index after it."""
    i = _skip_spaces(text, i)
    if i >= len(text) or text[i] != "{":
        raise HtmlConversionError(f"expected an argument in braces at: {text[i : i + 60]!r}")
    end = _group_end(text, i)
    return text[i + 1 : end - 1], end


def _optional(text: str, i: int) -> tuple[str | None, int]:
    """The ``[...]`` argument at ``i`` if there is one."""
    j = _skip_spaces(text, i) if text[i : i + 1] == " " else i
    if j < len(text) and text[j] == "[":
        end = _group_end(text, j, "[", "]")
        return text[j + 1 : end - 1], end
    return None, i


def _environment_end(text: str, name: str, start: int) -> tuple[int, int]:
    """(start of ``\\end{name}``, index after it) for the environment whose body starts at ``start``."""
    pattern = re.compile(r"\\(begin|end)\{" + re.escape(name) + r"\}")
    depth = 1
    for match in pattern.finditer(text, start):
        depth += 1 if match.group(1) == "begin" else -1
        if depth == 0:
            return match.start(), match.end()
    raise HtmlConversionError(f"\\begin{{{name}}} without \\end{{{name}}}")


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` where it is outside braces and maths."""
    parts, depth, math, start, i = [], 0, False, 0, 0
    while i < len(text):
        if text.startswith(separator, i) and depth == 0 and not math:
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        char = text[i]
        if char == "\\" and not text.startswith(separator, i):
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "$":
            math = not math
        i += 1
    parts.append(text[start:])
    return parts


def _strip_comments(text: str) -> str:
    return re.sub(r"(?<!\\)%[^\n]*", "", text)


# ---------------------------------------------------------------------------------------------------------------
# Maths


@functools.lru_cache(
    maxsize=8192
)  # a batch converts the same small formulas (k = 2, a log-probability) again and again
def math_to_mathml(source: str, *, display: bool = False) -> str:
    """MathML for a LaTeX formula, the few constructs latex2mathml lacks rewritten first."""
    from latex2mathml.converter import convert

    source = re.sub(r"\\setlength\{\\arraycolsep\}\{[^}]*\}", "", source)
    source = re.sub(r"\\makebox\[[^\]]*\]\{\$(.*?)\$\}", r"{\1}", source)
    source = source.replace(r"\textsf{", r"\mathsf{").replace(r"\dfrac", r"\frac")
    source = source.replace(r"\lVert", r"\Vert").replace(r"\rVert", r"\Vert")
    mathml = convert(source, display="block" if display else "inline")
    if "merror" in mathml:
        raise HtmlConversionError(f"latex2mathml cannot read: {source[:80]!r}")
    return mathml


def _aligned_to_array(body: str) -> str:
    r"""``align*`` rows as an ``array``: the left side right-aligned, the rest left-aligned, ``\tag`` a third column."""
    rows = []
    for row in _split_top(body, "\\\\"):
        if not row.strip():
            continue
        tag_match = re.search(r"\\tag\{", row)
        tag = ""
        if tag_match:
            tag_body, end = _argument(row, tag_match.end() - 1)
            row = row[: tag_match.start()] + row[end:]
            tag = r"\qquad (" + tag_body.strip().strip("$") + ")"
        cells = _split_top(row, "&")
        left, right = cells[0], "".join(cells[1:])
        rows.append((left, right.strip(), tag))
    tagged = any(tag for _, _, tag in rows)
    lines = [f"{left} & {{}}{right}" + (f" & {tag or '{}'}" if tagged else "") for left, right, tag in rows]
    return r"\begin{array}{" + ("rll" if tagged else "rl") + "} " + r" \\ ".join(lines) + r" \end{array}"


# ---------------------------------------------------------------------------------------------------------------
# Figures: TikZ as SVG with a description table; data plots as tables


CM = 42.0  # SVG pixels per TikZ centimetre
_COLOURS = {
    "hwaccent": "#b03a2e",
    "hwmuted": "#5a5a5a",
    "hwmuted!45": "#8c8c8c",  # lighter than the PDF's grey would fall below 3:1 contrast (WCAG 1.4.11)
    "blue!60!black": "#264d8c",
    "blue!10": "#e6ecf6",
    "black!70": "#4d4d4d",
    "white": "#ffffff",
}
#: What a TikZ style says about a box or an arrow, in words for the description table.
STYLE_WORDS = {
    "add": "addition node",
    "mul": "multiplication node",
    "input": "input",
    "param": "the shared weight",
    "kept": "kept",
    "pruned": "scored and pruned",
    "unreached": "never reached",
    "optimal": "on the path to the most likely sequence",
    "returned": "the sequence beam search returns",
    "weight": "carries the weight",
    "optimal edge": "on the path to the most likely sequence",
}


@dataclass
class _Node:
    id: str
    x: float
    y: float
    styles: list[str]
    lines: list[str]
    keys: dict[str, str]

    @property
    def circle(self) -> bool:
        return "circle" in self.keys

    @property
    def half_width(self) -> float:
        if self.circle:
            return 16.0
        widest = max((len(line) for line in self.lines), default=1)
        return max(27.0, 3.6 * widest + 6)

    @property
    def half_height(self) -> float:
        return 16.0 if self.circle else 7.0 + 7.0 * len(self.lines)


def _style_keys(definitions: Mapping[str, str], names: list[str]) -> dict[str, str]:
    """The TikZ keys (``key`` or ``key=value``) that ``names`` resolve to through ``definitions``."""
    keys: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name in definitions:
            keys.update(_style_keys(definitions, _split_top(definitions[name], ",")))
            continue
        key, _, value = name.partition("=")
        keys[key.strip()] = value.strip()
    return keys


def _math_text(source: str) -> str:
    """A formula in a figure label as plain text (u_{1} -> u1, -0.36 -> −0.36)."""
    text = re.sub(r"\\(?:scriptsize|small|footnotesize)\b", "", source)
    text = text.replace("-", "\u2212")
    text = re.sub(r"[{}_^$]", "", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: {"cdot": "·", "sigma": "σ"}.get(m.group(1), m.group(1)), text)
    return " ".join(text.split())


def _label_lines(converter: Converter, source: str) -> list[str]:
    lines = []
    for part in _split_top(re.sub(r"\\\\\[[^\]]*\]", r"\\\\", source), "\\\\"):
        converter.math_as_text = True
        try:
            text = converter.plain(part)
        finally:
            converter.math_as_text = False
        text = " ".join(text.split())
        if text:
            lines.append(text)
    return lines


_NODE = re.compile(
    r"\\node\s*\[(?P<style>[^\]]*)\]\s*(?:\((?P<id>[^)]*)\)\s*)?at\s*\((?P<x>[-\d.]+),\s*(?P<y>[-\d.]+)\)\s*"
)
_DRAW = re.compile(r"\\draw\s*\[(?P<style>[^\]]*)\]\s*\((?P<a>[\w.]+)\)\s*--\s*(?:node\s*\[(?P<nstyle>[^\]]*)\]\s*)?")


def tikz_to_svg(converter: Converter, options: str, body: str, figure_id: str) -> str:
    """An SVG drawing of a TikZ picture made of ``\\node ... at (x, y) {...}`` and ``\\draw (a) -- (b)``,
    with a table listing every box and arrow in words (the drawing's text alternative)."""
    definitions = {}
    for item in _split_top(_strip_comments(options), ","):
        name, _, value = item.partition("/.style=")
        if value:
            definitions[name.strip()] = value.strip()[1:-1]
    body = _strip_comments(body)
    nodes: dict[str, _Node] = {}
    headers: list[_Node] = []
    edges: list[tuple[str, str, list[str], str, dict[str, str]]] = []
    for statement in _split_top(body, ";"):
        statement = statement.strip()
        if not statement:
            continue
        if match := _NODE.match(statement):
            text, _ = _argument(statement, match.end())
            names = _split_top(match.group("style"), ",")
            node = _Node(
                match.group("id") or "",
                float(match.group("x")),
                float(match.group("y")),
                [n.strip() for n in names],
                _label_lines(converter, text),
                _style_keys(definitions, names),
            )
            if node.id:
                nodes[node.id] = node
            else:
                headers.append(node)
        elif match := _DRAW.match(statement):
            rest = statement[match.end() :]
            label = ""
            if match.group("nstyle") is not None:
                label_source, end = _argument(rest, 0)
                label = " ".join(_label_lines(converter, label_source))
                rest = rest[end:]
            target = re.fullmatch(r"\s*\(([\w.]+)\)\s*", rest)
            if not target:
                raise HtmlConversionError(f"TikZ path the HTML edition cannot draw: {statement[:80]!r}")
            names = _split_top(match.group("style"), ",")
            keys = _style_keys(definitions, names)
            keys["__position__"] = match.group("nstyle") or ""
            edges.append(
                (
                    match.group("a").split(".")[0],
                    target.group(1).split(".")[0],
                    [n.strip() for n in names],
                    label,
                    keys,
                )
            )
        else:
            raise HtmlConversionError(f"TikZ statement the HTML edition cannot draw: {statement[:80]!r}")
    everything = [*nodes.values(), *headers]
    if not everything:
        raise HtmlConversionError("an empty TikZ picture")
    left = min(n.x * CM - n.half_width for n in everything) - 8
    right = max(n.x * CM + n.half_width for n in everything) + 8
    top = min(-n.y * CM - n.half_height for n in everything) - 8
    bottom = max(-n.y * CM + n.half_height for n in everything) + 8
    width, height = right - left, bottom - top
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{figure_id}-title" '
        f'aria-describedby="{figure_id}-table" viewBox="{_n(left)} {_n(top)} {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" class="drawing" font-family="serif" font-size="12">',
        f'<title id="{figure_id}-title">Diagram of {len(nodes)} boxes and {len(edges)} arrows; '
        "the table after it lists them.</title>",
        '<defs><marker id="' + figure_id + '-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>',
    ]
    for source, target_id, _names, label, keys in edges:
        a, b = nodes[source], nodes[target_id]
        x1, y1, x2, y2 = _edge_ends(a, b)
        colour = _colour(keys.get("draw") or next((k for k in keys if k in _COLOURS), "black"))
        stroke = _stroke_width(keys)
        arrow = f' marker-end="url(#{figure_id}-arrow)"' if "->" in keys else ""
        out.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{colour}" '
            f'stroke-width="{stroke}"{arrow}/>'
        )
        if label:
            mx, my = x1 + 0.6 * (x2 - x1), y1 + 0.6 * (y2 - y1)
            above = "below" not in keys.get("__position__", "")
            out.append(
                f'<text x="{_n(mx)}" y="{_n(my - 4 if above else my + 12)}" text-anchor="middle" '
                f'font-size="10" fill="#000000">{html.escape(label)}</text>'
            )
    for node in everything:
        out.append(_node_svg(node))
    out.append("</svg>")
    out.append(_describe(figure_id, nodes, edges))
    return "".join(out)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _colour(name: str) -> str:
    return _COLOURS.get(name, "#000000")


def _stroke_width(keys: Mapping[str, str]) -> str:
    return "2.4" if "very thick" in keys else "1.6" if "thick" in keys else "1"


def _edge_ends(a: _Node, b: _Node) -> tuple[float, float, float, float]:
    ax, ay, bx, by = a.x * CM, -a.y * CM, b.x * CM, -b.y * CM
    if not a.circle and not b.circle and bx > ax + a.half_width + b.half_width:  # east -> west anchors
        return ax + a.half_width, ay, bx - b.half_width, by
    dx, dy = bx - ax, by - ay
    length = max((dx * dx + dy * dy) ** 0.5, 1e-9)

    def reach(node: _Node) -> float:
        if node.circle:
            return node.half_width
        ux, uy = abs(dx) / length, abs(dy) / length
        return min(node.half_width / ux if ux else 1e9, node.half_height / uy if uy else 1e9)

    ra, rb = reach(a), reach(b)
    return ax + dx * ra / length, ay + dy * ra / length, bx - dx * rb / length, by - dy * rb / length


def _node_svg(node: _Node) -> str:
    keys = node.keys
    cx, cy = node.x * CM, -node.y * CM
    out = []
    if "draw" in keys or node.circle or "rectangle" in keys:
        stroke = _colour(keys.get("draw") or "black")
        fill = _colour(keys.get("fill", "white"))
        dash = ' stroke-dasharray="4 2"' if "dashed" in keys else ""
        width = _stroke_width(keys)
        if node.circle:
            out.append(
                f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(node.half_width)}" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{width}"{dash}/>'
            )
        else:
            w, h = node.half_width, node.half_height
            out.append(
                f'<rect x="{_n(cx - w)}" y="{_n(cy - h)}" width="{_n(2 * w)}" height="{_n(2 * h)}" rx="3" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>'
            )
            if "double" in keys:
                out.append(
                    f'<rect x="{_n(cx - w + 3)}" y="{_n(cy - h + 3)}" width="{_n(2 * w - 6)}" '
                    f'height="{_n(2 * h - 6)}" rx="2" fill="none" stroke="{stroke}" stroke-width="1"/>'
                )
    first = cy - 7.0 * (len(node.lines) - 1) + 4
    for k, line in enumerate(node.lines):
        weight = ' font-weight="bold"' if "\\bfseries" in keys.get("font", "") else ""
        out.append(
            f'<text x="{_n(cx)}" y="{_n(first + 14 * k)}" text-anchor="middle" fill="#000000"{weight}>'
            f"{html.escape(line)}</text>"
        )
    return "".join(out)


def _describe(figure_id: str, nodes: Mapping[str, _Node], edges: list) -> str:
    """The table after a drawing: one row per arrow. In a tree whose boxes repeat a label (Problem 2's tokens) a box
    is named by its path from the root, as the sheet writes a sequence (``[neural network]``), then its other lines."""
    parents: dict[str, list[str]] = {}
    for source, target, _names, _label, _keys in edges:
        parents.setdefault(target, []).append(source)
    firsts = [node.lines[0] if node.lines else node.id for node in nodes.values()]
    by_path = all(len(p) == 1 for p in parents.values()) and len(set(firsts)) < len(firsts)

    def path(node: _Node) -> list[str]:
        if node.id not in parents:
            return []
        return [*path(nodes[parents[node.id][0]]), node.lines[0] if node.lines else node.id]

    def name(node: _Node) -> str:
        if not by_path or node.id not in parents:
            return " ".join(node.lines) or node.id
        rest = " ".join(node.lines[1:])
        return "[" + " ".join(path(node)) + "]" + (f" ({rest})" if rest else "")

    def words(styles: list[str]) -> str:
        return ", ".join(STYLE_WORDS[s] for s in styles if s in STYLE_WORDS)

    rows = []
    for source, target, names, label, _keys in edges:
        a, b = nodes[source], nodes[target]
        marks = "; ".join(m for m in (words(b.styles), words(names)) if m)
        rows.append(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in (name(a), name(b), label, marks)) + "</tr>"
        )
    roots = [n for n in nodes.values() if n.id not in parents]
    root_text = "; ".join(f"{name(n)}" + (f" ({words(n.styles)})" if words(n.styles) else "") for n in roots)
    return (
        f'<table class="figure-data" id="{figure_id}-table"><caption>The arrows of the diagram'
        f" (starting points: {html.escape(root_text)})</caption>"
        '<thead><tr><th scope="col">from</th><th scope="col">to</th><th scope="col">label</th>'
        '<th scope="col">marks</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


def _figure_title(config: Mapping[str, Any]) -> str:
    titles = [_math_text(panel["title"]).replace("\u2212", "-") for panel in config.get("plot", {}).get("panels", [])]
    return (
        "Plot: " + "; ".join(titles) + ". Its data are in the table" + ("s" if len(titles) > 1 else "") + " after it."
    )


def _inline_svg(svg: bytes, figure_id: str, title: str, described: str) -> str:
    """matplotlib's SVG inside the page: its ids prefixed (several plots share one page), a title, the tables of
    its data as its description."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{figure_id}-{m.group(1)}"', text)
    text = re.sub(r'(xlink:href="#|url\(#)([^")]+)', lambda m: f"{m.group(1)}{figure_id}-{m.group(2)}", text)
    opening = text.index(">")
    return (
        text[:opening]
        + f' role="img" class="plot" aria-labelledby="{figure_id}-title" aria-describedby="{described}">'
        + f'<title id="{figure_id}-title">{html.escape(title)}</title>'
        + text[opening + 1 :].strip()
    )


def _figure_tables(config: Mapping[str, Any], figure_id: str) -> str:
    """The data a matplotlib figure plots, as tables (its text alternative)."""
    if "plot" in config:
        tables = []
        for number, panel in enumerate(config["plot"]["panels"], start=1):
            series = panel["series"]
            lines = panel.get("hlines", [])
            length = max(len(s[1]) for s in series)
            head = f'<th scope="col">{_label(panel["x"])}</th>' + "".join(
                f'<th scope="col">{_label(s[0])}</th>' for s in series
            )
            body = []
            for k in range(length):
                cells = "".join(f"<td>{_value(s[1][k]) if k < len(s[1]) else ''}</td>" for s in series)
                body.append(f'<tr><th scope="row">{k + 1}</th>{cells}</tr>')
            note = "".join(f"; {_label(label)}: {_value(value)}" for value, label in lines)
            tables.append(
                f'<table class="figure-data" id="{figure_id}-data-{number}"><caption>{_label(panel["title"])}: '
                f"{_label(panel['y'])} by {_label(panel['x'])}{note}</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            )
        return "".join(tables)
    if "confusion" in config and "languages" in config:
        languages = config["languages"]
        head = '<th scope="col">true \\ predicted</th>' + "".join(
            f'<th scope="col">{html.escape(name)}</th>' for name in languages
        )
        rows = "".join(
            f'<tr><th scope="row">{html.escape(name)}</th>' + "".join(f"<td>{int(c)}</td>" for c in row) + "</tr>"
            for name, row in zip(languages, config["confusion"], strict=True)
        )
        return (
            f'<table class="figure-data" id="{figure_id}-data-1"><caption>Confusion matrix of the test names: rows are the true languages, '
            f"columns the predictions</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        )
    raise HtmlConversionError("a figure whose data the HTML edition cannot show")


def _label(text: str) -> str:
    """A matplotlib label as HTML: its ``$...$`` parts (mathtext) as MathML, the rest as text."""
    pieces = re.split(r"(?<!\\)\$", text)
    if len(pieces) % 2 == 0:
        return html.escape(text)
    out = []
    for k, piece in enumerate(pieces):
        if k % 2:
            out.append(math_to_mathml(piece.replace(r"\|", r"\Vert ")))
        else:
            out.append(html.escape(piece.replace("\\$", "$")))
    return "".join(out)


def _value(value: float) -> str:
    return f"{value:.6g}".replace("-", "\u2212")


# ---------------------------------------------------------------------------------------------------------------
# The converter

_SYMBOLS = {
    "textbackslash": "\\",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textquotedbl": '"',
    "textquoteright": "\u2019",
    "textasciigrave": "`",
    "textperiodcentered": "\u00b7",
    "dots": "\u2026",
    "ldots": "\u2026",
    "quad": "\u2003",
    "qquad": "\u2003\u2003",
    "enspace": "\u2002",
    "hfill": " ",
    "times": "\u00d7",
    "textemdash": "\u2014",
    "textendash": "\u2013",
}
_ESCAPED = {"&": "&amp;", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", ",": "\u2009", " ": " "}
#: Commands that only change the look on paper: nothing in HTML.
_IGNORED = {
    "noindent", "medskip", "smallskip", "bigskip", "centering", "large", "Large", "small", "footnotesize",
    "scriptsize", "normalsize", "itshape", "bfseries", "ttfamily", "FloatBarrier", "clearpage", "newpage",
    "relax", "allowbreak", "null",
}  # fmt: skip
_IGNORED_WITH_ARGUMENT = {"vspace": 1, "setlength": 2, "needspace": 1, "color": 1, "hspace": 1}
_WRAPPERS = {"textbf": "strong", "emph": "em", "textit": "em", "texttt": "code"}


@dataclass
class _Output:
    """Blocks of a page; inline pieces collect into the open paragraph."""

    blocks: list[str] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)

    def text(self, piece: str) -> None:
        self.inline.append(piece)

    def paragraph(self) -> None:
        content = "".join(self.inline).strip()
        self.inline = []
        if content:
            self.blocks.append(f"<p>{content}</p>")

    def block(self, piece: str) -> None:
        self.paragraph()
        self.blocks.append(piece)

    def html(self) -> str:
        self.paragraph()
        return "\n".join(self.blocks)


class Converter:
    """Converts the body of a generated sheet; ``figure_data`` says what an included figure (by path) shows."""

    def __init__(self, macros: Mapping[str, tuple[int, str]], figure_data: FigureData, labels: Mapping[str, int]):
        self.macros = macros
        self.figure_data = figure_data
        self.labels = labels  # \label key -> the number LaTeX gives the figure it names (see figure_numbers)
        self.captions = 0  # captions converted so far: the figure counter, as LaTeX counts it
        self.figures = 0
        self.math_as_text = False  # figure labels: SVG text, not MathML

    # -- blocks -----------------------------------------------------------------------------------------------
    def blocks(self, text: str) -> str:
        out = _Output()
        self._convert(text, out, inline_only=False)
        return out.html()

    def inline(self, text: str) -> str:
        out = _Output()
        self._convert(text, out, inline_only=True)
        return "".join(out.inline).strip(" \t\n")  # a \quad that indents a line (Algorithm 1) stays

    def plain(self, text: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", self.inline(text)))

    def _convert(self, text: str, out: _Output, *, inline_only: bool) -> None:  # noqa: C901 - one dispatch
        i = 0
        n = len(text)
        while i < n:
            char = text[i]
            if char == "%":
                end = text.find("\n", i)
                i = n if end < 0 else end + 1
            elif char == "\n" and re.match(r"\n[ \t]*\n", text[i:]):
                match = re.match(r"(\n[ \t]*)+", text[i:])
                assert match is not None
                i += match.end()
                if inline_only:
                    out.text(" ")
                else:
                    out.paragraph()
            elif char == "$":
                end = text.find("$", i + 1)
                while end > 0 and text[end - 1] == "\\":
                    end = text.find("$", end + 1)
                if end < 0:
                    raise HtmlConversionError(f"unclosed $ at: {text[i : i + 60]!r}")
                formula = text[i + 1 : end]
                out.text(html.escape(_math_text(formula)) if self.math_as_text else math_to_mathml(formula))
                i = end + 1
            elif char == "{":
                end = _group_end(text, i)
                inner = text[i + 1 : end - 1]
                if inner.lstrip().startswith("\\LARGE"):
                    heading = self.inline(inner.lstrip()[len("\\LARGE") :])
                    out.block(f"<h1>{heading}</h1>")
                else:
                    self._convert(inner, out, inline_only=inline_only)
                i = end
            elif char == "}":
                raise HtmlConversionError(f"unbalanced }} at: {text[max(0, i - 60) : i + 1]!r}")
            elif char == "~":
                out.text("\u00a0")
                i += 1
            elif char == "\\":
                i = self._command(text, i, out, inline_only)
            elif char in "<>&":
                out.text(html.escape(char))
                i += 1
            elif text.startswith("``", i) or text.startswith("''", i):
                out.text("\u201c" if char == "`" else "\u201d")
                i += 2
            elif text.startswith("---", i):
                out.text("\u2014")
                i += 3
            elif text.startswith("--", i):
                out.text("\u2013")
                i += 2
            else:
                j = i
                while j < n and text[j] not in "%$\\{}~<>&-\n`'":
                    j += 1
                if j == i:
                    j = i + 1
                out.text(text[i:j])
                i = j

    def _command(self, text: str, i: int, out: _Output, inline_only: bool) -> int:  # noqa: C901 - one dispatch
        if text.startswith("\\\\", i):
            _, after = _optional(text, i + 2)
            out.text("<br>")
            return after
        if text.startswith("\\[", i):
            end = text.find("\\]", i)
            if end < 0:
                raise HtmlConversionError("\\[ without \\]")
            self._display(math_to_mathml(text[i + 2 : end], display=True), out, inline_only)
            return end + 2
        if i + 1 < len(text) and not text[i + 1].isalpha():
            symbol = text[i + 1]
            if symbol not in _ESCAPED:
                raise HtmlConversionError(f"unknown control symbol \\{symbol}")
            out.text(_ESCAPED[symbol])
            return i + 2
        match = re.compile(r"[A-Za-z]+\*?").match(text, i + 1)
        assert match is not None
        name, after = match.group(), match.end()
        if name in _SYMBOLS:
            if text.startswith("{}", after):
                after += 2
            out.text(html.escape(_SYMBOLS[name], quote=False))
            return after
        if name in _IGNORED:
            return after
        if name in _IGNORED_WITH_ARGUMENT:
            for _ in range(_IGNORED_WITH_ARGUMENT[name]):
                _, after = _argument(text, after)
            return after
        if name in _WRAPPERS:
            argument, after = _argument(text, after)
            tag = _WRAPPERS[name]
            out.text(f"<{tag}>{self.inline(argument)}</{tag}>")
            return after
        if name == "textsf":
            argument, after = _argument(text, after)
            out.text(f'<span class="sf">{self.inline(argument)}</span>')
            return after
        if name == "textcolor":
            _, after = _argument(text, after)
            argument, after = _argument(text, after)
            self._convert(argument, out, inline_only=True)
            return after
        if name == "url":
            argument, after = _argument(text, after)
            out.text(f'<a href="{html.escape(argument)}">{html.escape(argument)}</a>')
            return after
        if name == "adjustbox":  # scaling on paper; its content as it is
            _, after = _argument(text, after)
            argument, after = _argument(text, after)
            self._convert(argument, out, inline_only=inline_only)
            return after
        if name == "caption":
            argument, after = _argument(text, after)
            self.captions += 1
            out.block(f"<figcaption>Figure {self.captions}: {self.inline(argument)}</figcaption>")
            return after
        if name == "label":  # numbered by figure_numbers before the conversion; nothing to show
            _, after = _argument(text, after)
            return after
        if name == "ref":
            key, after = _argument(text, after)
            if key not in self.labels:
                raise HtmlConversionError(f"\\ref{{{key}}} names no \\label")
            out.text(str(self.labels[key]))
            return after
        if name == "par":
            if not inline_only:
                out.paragraph()
            return after
        if name == "section*":
            argument, after = _argument(text, after)
            out.block(f"<h2>{self.inline(argument)}</h2>")
            return after
        if name == "partlabel":
            argument, after = _argument(text, after)
            out.block(f"<h3>({self.inline(argument)})</h3>")
            return after
        if name == "begin":
            return self._environment(text, after, out, inline_only)
        if name == "includegraphics":
            _, after = _optional(text, after)
            path, after = _argument(text, after)
            self._include(self.plain(path), out)
            return after
        if name in self.macros:
            count, body = self.macros[name]
            arguments = []
            for _ in range(count):
                argument, after = _argument(text, after)
                arguments.append(argument)
            expanded = re.sub(r"#(\d)", lambda m: arguments[int(m.group(1)) - 1], body)
            self._convert(expanded, out, inline_only=inline_only)
            return after
        raise HtmlConversionError(f"the HTML edition does not know \\{name}")

    def _display(self, mathml: str, out: _Output, inline_only: bool) -> None:
        if inline_only:
            out.text(mathml)
        else:
            out.block(f'<div class="display" tabindex="0">{mathml}</div>')

    def _environment(self, text: str, i: int, out: _Output, inline_only: bool) -> int:
        name, i = _argument(text, i)
        body_start = i
        end, after = _environment_end(text, name, body_start)
        body = text[body_start:end]
        if name == "lstlisting":
            options, start = _optional(body, 0)
            title = ""
            if options:
                match = re.match(r"\s*title=", options)
                if match:
                    title_source, _ = _argument(options, match.end())
                    title = f"<figcaption>{self.inline(title_source)}</figcaption>"
            code = body[start:].strip("\n")
            out.block(f'<figure class="code">{title}<pre tabindex="0"><code>{html.escape(code)}</code></pre></figure>')
        elif name in ("tabular", "longtable"):
            spec, start = _argument(body, 0)
            aligns = ["l" if a.startswith("p") else a for a in re.findall(r"[lrc]|p\{[^}]*\}", spec)]
            out.block(self._table(body[start:], aligns))
        elif name == "align*":
            self._display(math_to_mathml(_aligned_to_array(body), display=True), out, inline_only)
        elif name in ("center", "adjustbox", "minipage"):
            if name != "center":
                _, body_start_inner = _argument(body, 0)
                body = body[body_start_inner:]
            inner = self.blocks(body)
            if inner:
                out.block(f'<div class="{name}" tabindex="0">{inner}</div>' if name == "center" else inner)
        elif name in ("sheetfigure", "figure"):
            _, start = _optional(body, 0)
            out.block(f'<figure tabindex="0">{self.blocks(body[start:])}</figure>')
        elif name == "itemize":
            _, start = _optional(body, 0)
            items = re.split(r"\\item\b", body[start:])
            if items[0].strip():
                raise HtmlConversionError("text before the first \\item")
            out.block("<ul>" + "".join(f"<li>{self.inline(item)}</li>" for item in items[1:]) + "</ul>")
        elif name == "tikzpicture":
            options, start = _optional(body, 0)
            self.figures += 1
            out.block(tikz_to_svg(self, options or "", body[start:], f"figure-{self.figures}"))
        else:
            raise HtmlConversionError(f"the HTML edition does not know the environment {name}")
        return after

    def _table(self, body: str, aligns: list[str]) -> str:
        body = re.sub(r"\\(?:toprule|bottomrule|endhead|hline)\b", "", body)
        head_source, has_head, rest = body.partition("\\midrule")
        if not has_head:
            head_source, rest = "", body
        rows_html = []
        for part, cell_tag in ((head_source, "th"), (rest, "td")):
            for row in _split_top(part, "\\\\"):
                if not row.strip():
                    continue
                cells = [self.inline(cell) for cell in _split_top(row, "&")]
                tags = []
                for k, cell in enumerate(cells):
                    align = f' class="{aligns[k]}"' if k < len(aligns) and aligns[k] != "r" else ""
                    if cell_tag == "th" and cell:
                        tags.append(f'<th scope="col"{align}>{cell}</th>')
                    else:
                        tags.append(f"<td{align}>{cell}</td>")
                rows_html.append("<tr>" + "".join(tags) + "</tr>")
        head_rows = len([r for r in _split_top(head_source, "\\\\") if r.strip()])
        return (
            "<table>"
            + (f"<thead>{''.join(rows_html[:head_rows])}</thead>" if head_rows else "")
            + f"<tbody>{''.join(rows_html[head_rows:])}</tbody></table>"
        )

    def _include(self, path: str, out: _Output) -> None:
        data, svg = self.figure_data(path)
        if data is None:
            raise HtmlConversionError(f"no data for the figure {path}")
        self.figures += 1
        figure_id = f"figure-{self.figures}"
        tables = _figure_tables(data, figure_id)
        if svg is not None:
            described = " ".join(re.findall(r'<table class="figure-data" id="([^"]+)"', tables))
            out.block(_inline_svg(svg, figure_id, _figure_title(data), described))
        rows = tables.count("<tr>")
        out.block(
            f"<details><summary>The data of the plot ({rows} rows)</summary>{tables}</details>" if svg else tables
        )


# ---------------------------------------------------------------------------------------------------------------
# The page

_NEWCOMMAND = re.compile(r"\\newcommand\{\\(?P<name>[A-Za-z]+)\}(?:\[(?P<count>\d)\])?")
STYLE = """
body { font-family: serif; max-width: 48rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.45; color: #111; }
h1 { font-size: 1.6rem; text-align: center; } h2 { font-size: 1.3rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin-bottom: 0.2rem; }
.center, .display { text-align: center; overflow-x: auto; } .display { margin: 0.6rem 0; }
table { border-collapse: collapse; margin: 0.6rem auto; } caption { font-style: italic; padding: 0.2rem; }
th, td { padding: 0.15rem 0.5rem; text-align: right; } thead th { border-bottom: 1px solid #444; }
th.l, td.l { text-align: left; } th.c, td.c { text-align: center; }
figure { margin: 1rem 0; overflow-x: auto; } pre { border: 1px solid #666; padding: 0.4rem; overflow-x: auto; }
figcaption { font-style: italic; } .sf { font-family: sans-serif; } svg.drawing { display: block; margin: auto; }
svg.plot { display: block; margin: auto; max-width: 100%; height: auto; }
table.figure-data { font-size: 0.85rem; } summary { text-align: center; cursor: pointer; } footer { margin-top: 2rem; border-top: 1px solid #666; font-size: 0.9rem; }
"""


def _macros(preamble: str) -> dict[str, tuple[int, str]]:
    macros = {}
    for match in _NEWCOMMAND.finditer(preamble):
        body, _ = _argument(preamble, match.end())
        macros[match.group("name")] = (int(match.group("count") or 0), body)
    return macros


def figure_numbers(body: str) -> dict[str, int]:
    """Each ``\\label`` key with the number of the figure it follows, counted as LaTeX counts captions, so a
    ``\\ref`` reads the same before its figure as after it."""
    numbers: dict[str, int] = {}
    count = 0
    for match in re.finditer(r"\\caption\b|\\label\{([^}]*)\}", _strip_comments(body)):
        if match.group(1) is None:
            count += 1
        elif count == 0:
            raise HtmlConversionError(f"\\label{{{match.group(1)}}} before any \\caption")
        else:
            numbers[match.group(1)] = count
    return numbers


def tex_to_html(tex: str, figure_data: FigureData) -> str:
    """The HTML page of a generated sheet; ``figure_data(path)`` is what an included figure shows."""
    preamble, marker, rest = tex.partition("\\begin{document}")
    if not marker:
        raise HtmlConversionError("no \\begin{document}")
    body, marker, _ = rest.partition("\\end{document}")
    if not marker:
        raise HtmlConversionError("no \\end{document}")
    macros = _macros(preamble)
    language = re.search(r"pdflang=([A-Za-z-]+)", preamble)
    title = re.search(r"pdftitle=\{", preamble)
    converter = Converter({k: v for k, v in macros.items() if k != "partlabel"}, figure_data, figure_numbers(body))
    main = converter.blocks(body)
    footer = converter.inline(macros["sheetfooter"][1]) if "sheetfooter" in macros else ""
    if language is None or title is None:
        raise HtmlConversionError("the preamble sets no pdflang or pdftitle")
    page_title = converter.plain(_argument(preamble, title.end() - 1)[0])
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{language.group(1)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(page_title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{main}\n</main>\n"
        + (f"<footer><p>{footer}</p></footer>\n" if footer else "")
        + "</body>\n</html>\n"
    )
