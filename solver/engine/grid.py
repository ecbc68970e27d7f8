"""Arrays as students paste them, read into one grid of entries: the one reader of every numeric part.

The measured numbers (:mod:`.numbers`), exact vectors (:mod:`.lists`, :mod:`.family`) and
matrices read an answer through :func:`read_grid`, so a CSV cell and an answers file, a
NumPy print and a LaTeX matrix, give the same entries in the same shape. Accepted:

- YAML/JSON lists (nested for a matrix), and a list whose only entry is a printed row
  (YAML reads ``[3 -1 -3]`` as the one text ``3 -1 -3``);
- Python, NumPy and torch prints: ``[ 2. -1.  3.]``, ``array([...], dtype=float32)``,
  ``tensor([...], requires_grad=True)``, ``tensor(0.25, grad_fn=<MeanBackward0>)``,
  tuples ``(tensor(0.2), tensor(0.4))``, ``print(x.tolist())``;
- LaTeX ``bmatrix``/``pmatrix``/``Bmatrix``/``matrix`` environments and ``\\left[ … \\right]``;
  ``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]`` around the whole;
- MATLAB rows ``[1 2; 3 4]``, one row per line without brackets, ``a; b``;
- a labelled output line (``3b predictions: 0.12 -0.33``, ``Out[4]: array(...)``).

Entries are separated by commas, or else by spaces: inside one group both at once
(``[3, -1 -3]``) cannot be read with certainty and is refused, and ``3 -1 -3`` is three
entries, never the expression 3 − 1 − 3. Entries stay text here; each grader reads them
(decimals for measured numbers, exact numbers or expressions for vectors). Nothing is
evaluated, and every limit is checked before anything is built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .answers import MAX_ENTRIES, describe_type, split_outside_brackets
from .limits import AnswerError
from .tokens import without_math_delimiters

MAX_TEXT = 100_000  # characters of a pasted array (1,000 float64 reprs with spaces fit)
RAGGED = "rows of different lengths"
MAX_DEPTH = 4  # a matrix, with leading singleton dimensions (a batch of one)

_WRAPPER = re.compile(
    r"(?:np\.|numpy\.|torch\.)?(?:array|tensor|asarray|matrix|Tensor|float(?:16|32|64)|int(?:8|16|32|64))\s*\("
)
_DECORATION = re.compile(r",\s*(?:dtype|device|requires_grad|grad_fn|layout)\s*=")
_OUTPUT_PROMPT = re.compile(r"^\s*(?:Out|In)\s*\[\s*\d*\s*\]\s*:\s*")
_LABEL = re.compile(r"^([^:=\[\]\n]*[A-Za-z_][^:=\[\]\n]*?)\s*[:=]\s*(?=\S)")
_LATEX_ENV = re.compile(r"\\begin\{([pbB]?matrix|array)\}(?:\{[^{}]*\})?(.*?)\\end\{\1\}", re.S)
_LATEX_SIZE = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)(?=[\[\]()|.])|\\(?:left|right)\\?\.?")
_LATEX_SPACE = re.compile(r"\\[,;:! ]|\\q?quad\b|~")
# One entry written without spaces: a decimal, a fraction, a LaTeX fraction, or a sign and one of them.
_NUMBER_LIKE = re.compile(
    r"[+\-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+\-]?\d+)?(?:/[+\-]?\d+)?|\\[dt]?frac\{[^{}]*\}\{[^{}]*\})"
)


@dataclass(frozen=True)
class Grid:
    """Entries in row-major order (text, or the numbers YAML built) and the shape given."""

    entries: tuple[Any, ...]
    shape: tuple[int, ...]  # () for one value written alone

    def squeezed(self) -> tuple[int, ...]:
        """The shape without leading singleton dimensions beyond two (a batch of one); AnswerError
        when more than two dimensions remain, or when deep nesting holds a single value."""
        shape = self.shape
        while len(shape) > 2 and shape[0] == 1:
            shape = shape[1:]
        if len(shape) > 2 or (len(self.shape) > 2 and len(self.entries) == 1):
            raise AnswerError("brackets are nested deeper than a matrix: give a vector or a matrix")
        return shape

    def as_vector(self, length: int | None = None) -> tuple[Any, ...] | None:
        """The entries when they form one row or one column (of ``length``), else None."""
        shape = self.squeezed()
        if len(shape) == 2 and 1 not in shape:
            return None
        if length is not None and len(self.entries) != length:
            return None
        return self.entries

    def as_matrix(self) -> list[list[Any]]:
        """The rows (a vector is one row, a value alone one row of one)."""
        shape = self.squeezed()
        rows, columns = shape if len(shape) == 2 else (1, len(self.entries))
        return [list(self.entries[r * columns : (r + 1) * columns]) for r in range(rows)]

    def described(self) -> str:
        shape = self.squeezed()
        if len(shape) == 2:
            return "{}×{}".format(*shape)
        if len(shape) > 2:
            return "×".join(map(str, shape))
        return f"{len(self.entries)} number" + ("" if len(self.entries) == 1 else "s")


def exact_entry(entry: Any) -> Any:
    """An entry for the exact readers: NumPy's ``2.`` is ``2``; other entries as they are."""
    if isinstance(entry, str):
        text = entry.strip()
        return text[:-1] if re.fullmatch(r"[+\-]?\d+\.", text) else text
    return entry


def read_vector(raw: Any) -> list:
    """The entries of a vector answer (one row or one column), for the exact readers."""
    grid = read_grid(raw)
    entries = grid.as_vector()
    if entries is None:
        raise AnswerError(f"expected one row or one column of entries, got {grid.described()}")
    return [exact_entry(entry) for entry in entries]


def read_matrix(raw: Any) -> list[list]:
    """The rows of a matrix answer, for the exact readers."""
    return [[exact_entry(entry) for entry in row] for row in read_grid(raw).as_matrix()]


def read_grid(raw: Any) -> Grid:
    """The entries of an answer and the shape they were given in, or AnswerError saying why not."""
    if isinstance(raw, str):
        return _from_text(raw)
    if isinstance(raw, (list, tuple)):
        return _from_nested(_expand(list(raw), 1))
    if isinstance(raw, bool) or raw is None or isinstance(raw, Mapping):
        raise AnswerError(f"expected numbers, got {describe_type(raw)}")
    return Grid((raw,), ())


def _expand(items: list, depth: int) -> list:
    """YAML lists whose one entry is a printed row (``[3 -1 -3]``) take that row's entries."""
    if depth > MAX_DEPTH:
        raise AnswerError(f"lists are nested deeper than {MAX_DEPTH}")
    if len(items) > MAX_ENTRIES:
        raise AnswerError(f"more than {MAX_ENTRIES:,} entries")
    if len(items) == 1 and isinstance(items[0], str) and len(items[0]) <= MAX_TEXT:
        inner = _nested_text(items[0])
        if isinstance(inner, list) and len(inner) > 1:
            return inner
    out = []
    for index, item in enumerate(items):
        if isinstance(item, (list, tuple)):
            out.append(_expand(list(item), depth + 1))
        elif isinstance(item, str) and len(items) > 1 and _several_numbers(item):
            raise AnswerError(f"entry {index + 1} ({_shown(item)}) looks like several numbers: {_ONE_SEPARATOR}")
        elif isinstance(item, str) and len(item) <= MAX_TEXT and _WRAPPER.search(item):
            inner = _nested_text(item)  # [np.float64(0.25), ...] or [tensor([0.1, 0.2]), ...] in YAML
            out.append(inner[0] if isinstance(inner, list) and len(inner) == 1 else inner)
        else:
            out.append(item)
    return out


_ONE_SEPARATOR = "separate entries with commas, or with spaces, not both"


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 24 else text[:23] + "…")


def _several_numbers(text: str) -> bool:
    pieces = text.split()
    return len(pieces) > 1 and all(_NUMBER_LIKE.fullmatch(piece) for piece in pieces)


def _from_nested(rows: list) -> Grid:
    if not rows:
        raise AnswerError("empty answer")
    entries: list[Any] = []
    shape = _shape(rows, entries, 1)
    return Grid(tuple(entries), shape)


def _shape(node: Any, entries: list, depth: int) -> tuple[int, ...]:
    if not isinstance(node, list):
        entries.append(node)
        if len(entries) > MAX_ENTRIES:
            raise AnswerError(f"more than {MAX_ENTRIES:,} entries")
        return ()
    if depth > MAX_DEPTH:
        raise AnswerError(f"brackets are nested deeper than {MAX_DEPTH}: give a vector or a matrix")
    if not node:
        raise AnswerError("an empty row")
    shapes = {_shape(child, entries, depth + 1) for child in node}
    if len(shapes) != 1:
        raise AnswerError(RAGGED)
    return (len(node), *shapes.pop())


# --------------------------------------------------------------------------- text


def _from_text(text: str) -> Grid:
    nested = _nested_text(text)
    if isinstance(nested, list):
        return _from_nested(nested)
    return Grid((nested,), ())


def _nested_text(text: str) -> Any:
    """Text -> one entry (text) or nested lists of entries."""
    if len(text) > MAX_TEXT:
        raise AnswerError(f"answer is {len(text):,} characters long; the limit is {MAX_TEXT:,}")
    text = _unwrap(text.replace("\u2212", "-").replace("\u2013", "-").strip())
    text = _latex(text)
    lines = [_unlabel(line) for line in text.splitlines() if line.strip()]
    text = "\n".join(lines)
    if not text:
        raise AnswerError("empty answer")
    text = _unwrap_calls(text)
    if "[" not in text and "]" not in text:
        if len(lines) > 1:  # one row per line, without brackets
            return [_entries(line, "") for line in lines]
        if text.startswith("(") and _closing(text) == len(text) - 1 and _top_level(text[1:-1], ","):
            text = text[1:-1]  # a tuple (a, b)
        entries = _entries(text, "")
        return entries if len(entries) != 1 else entries[0]
    if text.startswith("(") and _closing(text) == len(text) - 1:
        text = "[" + text[1:-1] + "]"  # a tuple of rows
    root, rest = _group(text, 0, 0)
    if text[rest:].strip():
        raise AnswerError(f"unexpected {text[rest:].strip()[:20]!r} after the closing ']'")
    return root


def _unwrap(text: str) -> str:
    return without_math_delimiters(text).strip()


def _latex(text: str) -> str:
    if "\\" not in text:
        return text

    def environment(match: re.Match) -> str:
        rows = [row for row in re.split(r"\\\\", match.group(2)) if row.strip()]
        return "[" + ", ".join("[" + ", ".join(cell.strip() for cell in row.split("&")) + "]" for row in rows) + "]"

    text = _LATEX_ENV.sub(environment, text)
    text = _LATEX_SIZE.sub("", text)
    return _LATEX_SPACE.sub(" ", text)


def _unlabel(line: str) -> str:
    """``3b predictions: 0.1 0.2`` -> ``0.1 0.2``; a wrapper's keywords are not labels."""
    line = _OUTPUT_PROMPT.sub("", line).strip()
    match = _LABEL.match(line)
    if match and not _WRAPPER.search(match.group(1)) and "(" not in match.group(1).split()[0]:
        return line[match.end() :]
    return line


def _unwrap_calls(text: str) -> str:
    """``array([1, 2], dtype=int64)`` -> ``[1, 2]``, ``tensor(0.25)`` -> ``[0.25]``: a wrapper of a
    bracketed array is dropped, a wrapper of one value becomes brackets, keywords (dtype=, grad_fn=<…>) go."""
    out: list[str] = []
    # For each open parenthesis: "[" a wrapper of one value (tensor(0.25) -> [0.25]), "" a wrapper
    # of a bracketed array (array([1, 2]) -> [1, 2]), ")" an ordinary parenthesis.
    stack: list[str] = []
    skipping = 0  # depth of the stack at which a wrapper's keywords are being dropped (0: none)
    i = 0
    while i < len(text):
        match = _WRAPPER.match(text, i)
        if match and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "._")):
            opening = "" if text[match.end() :].lstrip().startswith("[") else "["
            stack.append(opening)
            if not skipping:
                out.append(opening)
            i = match.end()
            continue
        ch = text[i]
        if ch == "," and stack and stack[-1] != ")" and not skipping and _DECORATION.match(text, i):
            skipping = len(stack)
        elif ch == "(":
            stack.append(")")
            if not skipping:
                out.append(ch)
        elif ch == ")" and stack:
            kind = stack.pop()
            if skipping and len(stack) < skipping:
                skipping = 0
            if not skipping:
                out.append({"[": "]", "": "", ")": ")"}[kind])
        elif not skipping:
            out.append(ch)
        i += 1
    return "".join(out)


def _closing(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _top_level(text: str, separator: str) -> bool:
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == separator and depth == 0:
            return True
    return False


def _group(text: str, start: int, depth: int) -> tuple[list, int]:
    """The bracket group opening at text[start] ('['), parsed to its ']': (items, index after)."""
    if depth >= MAX_DEPTH:
        raise AnswerError(f"brackets are nested deeper than {MAX_DEPTH}: give a vector or a matrix")
    i = start + 1
    items: list = []
    piece_start = i
    nesting = 0  # parentheses inside an entry
    groups_seen = False
    while i < len(text):
        ch = text[i]
        if ch == "[" and nesting == 0:
            if text[piece_start:i].strip(" \t\n,;"):
                raise AnswerError(f"unexpected {text[piece_start:i].strip()[:20]!r} before '['")
            child, i = _group(text, i, depth + 1)
            items.append(child)
            groups_seen = True
            piece_start = i
            continue
        if ch == "]" and nesting == 0:
            body = text[piece_start:i]
            if groups_seen:
                if body.strip(" \t\n,;"):
                    raise AnswerError(f"unexpected {body.strip()[:20]!r} after ']'")
                return items, i + 1
            return _entries(body, "[]"), i + 1
        if ch in "({":
            nesting += 1
        elif ch in ")}":
            nesting -= 1
            if nesting < 0:
                raise AnswerError(f"unexpected {ch!r}")
        i += 1
    raise AnswerError("'[' is never closed")


def _entries(body: str, brackets: str) -> list:
    """The entries of one group's text: MATLAB rows (;), else commas, else spaces."""
    if _top_level(body, ";"):
        rows = [row for row in split_outside_brackets(body, ";") if row.strip()]
        return [_row(row) for row in rows]
    return _row(body)


def _row(body: str) -> list:
    if _top_level(body, ","):
        pieces = split_outside_brackets(body, ",")
        if not pieces[-1].strip():
            pieces = pieces[:-1]  # (0.25,) and [1, 2, ]
        for index, piece in enumerate(pieces):
            if not piece.strip():
                raise AnswerError(f"entry {index + 1} is empty")
            if _several_numbers(piece):
                raise AnswerError(f"entry {index + 1} ({_shown(piece)}) looks like several numbers: {_ONE_SEPARATOR}")
        return [piece.strip() for piece in pieces]
    if not body.strip():
        raise AnswerError("an empty row")
    if _several_numbers(body):
        return body.split()
    return [body.strip()]
