"""Untrusted answer text -> tokens, without ``eval``.

A hand-written tokenizer: the only names that exist are the ones a part
declares, so ``__import__('os')`` is an unexpected character, not code.
Accepted: numbers (``3``, ``0.5``), the part's names (``w``, ``u1``; ``u_1``
and ``u_{1}`` too), ``+ - * / ^ **``, parentheses, the Unicode minus and en
dash, ``×``, ``·``, superscript exponents (``w²``, ``w⁻¹``) and light LaTeX
(``\\cdot``, ``\\times``, ``^{…}``, ``\\frac{…}{…}``, ``\\left( … \\right)``, spacing).
Length, literals and bracket nesting are checked here (see :mod:`.limits`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from .limits import MAX_DECIMALS, MAX_DEPTH, MAX_EXPONENT, MAX_INTEGER, MAX_LENGTH, AnswerError


@dataclass(frozen=True)
class Grammar:
    """What one part lets a student write.

    ``names`` are the symbols (``w``, ``u1``) and substitutable names (``p``,
    ``dy/dq``); ``functions`` are allowed function names (``log``, ``O``);
    ``fold_case`` matches names case-insensitively. ``trusted`` reads answer-key
    text: every identifier is a name and the length limit is off.
    """

    names: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    fold_case: bool = False
    trusted: bool = False

    def describe(self) -> str:
        shown = [n for n in self.names if "/" not in n] or list(self.names)
        return ", ".join(shown) if shown else "no symbols (numbers only)"


@dataclass(frozen=True)
class Token:
    kind: str  # num, name, func, op, open, close, sup, frac, end
    text: str
    column: int
    value: object = None


_OPEN = {"(": ")", "{": "}"}  # braces group in LaTeX (^{12}); square brackets are for lists
_CLOSE = {")", "}"}
_TIMES = {"*", "\u00d7", "\u00b7", "\u22c5", "\u2219", "\u2217"}  # * × · ⋅ ∙ ∗
_MINUS = {"-", "\u2212", "\u2013"}  # - − –
_SPACE = {" ", "\t", "\n", "\r", "\u00a0", "\u2009", "\u202f", "\u2002", "\u2003"}
_SUPERSCRIPT = {
    "\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4",
    "\u2075": "5", "\u2076": "6", "\u2077": "7", "\u2078": "8", "\u2079": "9",
    "\u207b": "-", "\u207a": "+",
}  # fmt: skip
_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"
_SUBSCRIPT_DIGITS = str.maketrans(_SUBSCRIPTS, "0123456789")
_GROWTH = {"\u0398", "\u03a9", "\u2126"}  # Θ Ω Ω (ohm sign)
_LATEX_TIMES = {"cdot", "times", "ast"}
_LATEX_SPACE = {",", ";", ":", "!", " ", "quad", "qquad"}
_LATEX_IGNORED = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "displaystyle"}
_LATEX_FRAC = {"frac", "dfrac", "tfrac"}
# \frac{\partial y}{\partial q} or \frac{dy}{dq}: a derivative name such as dy/dq, when the part has it
_LATEX_PARTIAL = re.compile(r"\s*\{\s*(?:\\partial\s*|d)([A-Za-z]\w*)\s*\}\s*\{\s*(?:\\partial\s*|d)([A-Za-z]\w*)\s*\}")


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"  # str.isdigit() also accepts '²' and '٣'


def _is_letter(ch: str) -> bool:
    return "a" <= ch <= "z" or "A" <= ch <= "Z"


def _describe_char(ch: str) -> str:
    if " " <= ch <= "~":
        return repr(ch)
    name = unicodedata.name(ch, "")
    return f"{ch!r} (U+{ord(ch):04X}{' ' + name if name else ''})"


class _Names:
    """Longest-match lookup of declared names inside a run of letters and digits."""

    def __init__(self, grammar: Grammar):
        self.grammar = grammar
        self.declared = set(grammar.names)
        fold = str.lower if grammar.fold_case else (lambda s: s)
        self.fold = fold
        self.canonical: dict[str, tuple[str, str]] = {}  # folded text -> (kind, canonical name)
        for name in grammar.names:
            self.canonical[fold(name)] = ("name", name)
        for name in grammar.functions:
            self.canonical[fold(name)] = ("func", name)
        # Names with characters other than letters and digits (dy/dq) are matched literally.
        self.special = sorted(((fold(n), n) for n in grammar.names if not n.isalnum()), key=lambda item: -len(item[0]))
        for folded, name in list(self.special):
            if folded.startswith("d") and "/d" in folded:  # dy/dq may be written ∂y/∂q
                self.special.append((folded.replace("d", "\u2202", 1).replace("/d", "/\u2202", 1), name))
        self.special.sort(key=lambda item: -len(item[0]))
        self.by_first: dict[str, list[str]] = {}  # longest first, so u12 wins over u1
        for text in sorted((t for t in self.canonical if t.isalnum()), key=len, reverse=True):
            self.by_first.setdefault(text[0], []).append(text)

    def match_special(self, text: str, i: int) -> tuple[str, int] | None:
        lowered = self.fold(text[i : i + 40])
        for folded, name in self.special:
            if lowered.startswith(folded):
                return name, len(folded)
        return None

    def split(self, run: str, column: int) -> list[Token]:
        """Split ``wu1u2`` into declared names; a name may not run into a digit."""
        if self.grammar.trusted:
            kind, name = self.canonical.get(run, ("name", run))
            return [Token(kind, run, column, name)]
        folded = self.fold(run)
        tokens, pos = [], 0
        while pos < len(run):
            for candidate in self.by_first.get(folded[pos], ()):
                end = pos + len(candidate)
                if folded.startswith(candidate, pos) and not (end < len(run) and _is_digit(run[end])):
                    kind, name = self.canonical[candidate]
                    tokens.append(Token(kind, run[pos:end], column + pos, name))
                    pos = end
                    break
            else:
                bad = run if pos == 0 or _is_digit(run[pos]) else run[pos:]
                where = column if bad is run else column + pos
                raise AnswerError(f"unknown symbol '{bad}' — this part uses {self.grammar.describe()}", where)
        return tokens


MATH_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))


def without_math_delimiters(text: str) -> str:
    """``$…$``, ``$$…$$``, ``\\(…\\)`` or ``\\[…\\]`` around the whole answer become spaces
    (so columns in messages still point at the student's text)."""
    body = text.strip()
    for opening, closing in MATH_DELIMITERS:
        inner = body[len(opening) : len(body) - len(closing)]
        if (
            len(body) > len(opening) + len(closing)
            and body.startswith(opening)
            and body.endswith(closing)
            and opening not in inner
            and closing not in inner
        ):
            start = text.index(opening)
            end = text.rindex(closing)
            return text[:start] + " " * len(opening) + text[start + len(opening) : end] + " " * len(closing)
    return text


def tokenize(text: str, grammar: Grammar) -> list[Token]:
    """Tokens with 1-based columns; checks length, literals and bracket nesting."""
    if not grammar.trusted and len(text) > MAX_LENGTH:
        raise AnswerError(f"answer is {len(text):,} characters long; the limit is {MAX_LENGTH:,}")
    if not grammar.trusted:
        text = without_math_delimiters(text)
    return _Tokenizer(text, grammar).run()


@functools.lru_cache(maxsize=256)
def _names(grammar: Grammar) -> _Names:
    return _Names(grammar)


class _Tokenizer:
    def __init__(self, text: str, grammar: Grammar):
        self.text, self.grammar, self.names = text, grammar, _names(grammar)
        self.tokens: list[Token] = []
        self.open: list[Token] = []  # brackets not yet closed: nesting depth and matching
        self.i = 0

    def run(self) -> list[Token]:
        text, n = self.text, len(self.text)
        while self.i < n:
            ch = text[self.i]
            if ch in _SPACE:
                self.i += 1
            elif _is_digit(ch) or (ch == "." and self.i + 1 < n and _is_digit(text[self.i + 1])):
                self.number()
            elif (special := self.names.match_special(text, self.i)) is not None:
                name, length = special
                self.push("name", text[self.i : self.i + length], name)
                self.i += length
            elif _is_letter(ch):
                self.identifier()
            elif ch in _GROWTH and self.grammar.functions:
                self.push("func", ch, "O")  # Θ(TkM), Ω(TkM)
                self.i += 1
            elif ch in _SUPERSCRIPT:
                self.superscript()
            elif ch == "\\":
                self.latex()
            elif ch == "+" or ch in _MINUS:
                self.push("op", "-" if ch in _MINUS else "+")
                self.i += 1
            elif ch == "*" and text.startswith("**", self.i):
                self.push("op", "^")
                self.i += 2
            elif ch in _TIMES or ch in "/\u00f7^":
                self.push("op", "*" if ch in _TIMES else "^" if ch == "^" else "/")
                self.i += 1
            elif ch in _OPEN or ch in _CLOSE:
                self.push("open" if ch in _OPEN else "close", ch)
                self.i += 1
            else:
                raise AnswerError(f"unexpected character {_describe_char(ch)}", self.i + 1)
        if self.open:
            raise AnswerError(f"'{self.open[-1].text}' is never closed", self.open[-1].column)
        self.tokens.append(Token("end", "", n + 1))
        return self.tokens

    def push(self, kind: str, text: str, value: object = None, column: int | None = None) -> None:
        token = Token(kind, text, column or self.i + 1, value)
        self.tokens.append(token)
        if kind == "open":
            self.open.append(token)
            if len(self.open) > MAX_DEPTH:
                raise AnswerError(f"brackets are nested deeper than {MAX_DEPTH}", token.column)
        elif kind == "close":
            if not self.open:
                raise AnswerError(f"unexpected '{text}'", token.column)
            opener = self.open.pop()
            if _OPEN[opener.text] != text:
                raise AnswerError(
                    f"'{text}' at column {token.column} does not match '{opener.text}' at column {opener.column}"
                )

    def digits(self, j: int) -> int:
        while j < len(self.text) and _is_digit(self.text[j]):
            j += 1
        return j

    def number(self) -> None:
        text, i = self.text, self.i
        j = self.digits(i)
        whole, decimals = text[i:j], ""
        if j + 1 < len(text) and text[j] == "." and _is_digit(text[j + 1]):
            k = self.digits(j + 1)
            decimals, j = text[j + 1 : k], k
        shown = text[i:j][:20]
        if self.grammar.trusted:
            pass  # the key's own numbers (1b at T = 1000 has 1000 w^999 u1)
        elif len(whole.lstrip("0")) > len(str(MAX_INTEGER)) or int(whole or "0") > MAX_INTEGER:
            raise AnswerError(f"number {shown} is larger than {MAX_INTEGER:,}", i + 1)
        elif len(decimals) > MAX_DECIMALS:
            raise AnswerError(f"number {shown} has more than {MAX_DECIMALS} decimal places", i + 1)
        scale = 10 ** len(decimals)
        self.push("num", text[i:j], Fraction(int(whole or "0") * scale + int(decimals or "0"), scale))
        self.i = j

    def identifier(self) -> None:
        """A run of letters and digits, with a LaTeX subscript (u_1, u_{12}) glued on."""
        text, i, n = self.text, self.i, len(self.text)
        j = i
        while j < n and (_is_letter(text[j]) or _is_digit(text[j])):
            j += 1
        run = text[i:j]
        if j < n and text[j] in _SUBSCRIPTS and not self.grammar.trusted:  # u₁ from a PDF
            k = j
            while k < n and text[k] in _SUBSCRIPTS:
                k += 1
            run, j = run + text[j:k].translate(_SUBSCRIPT_DIGITS), k
        elif j < n and text[j] == "_" and not self.grammar.trusted:
            braced = j + 1 < n and text[j + 1] == "{"
            start = j + 1 + braced
            k = self.digits(start)
            if k == start or (braced and (k >= n or text[k] != "}")):
                raise AnswerError("a subscript must be digits, like u_1 or u_{1}", j + 1)
            if self.names.canonical.get(self.names.fold(run), ("",))[0] != "func":
                run += text[start:k]  # log_2 k: the base of a logarithm does not matter here
            j = k + braced
        for token in self.names.split(run, i + 1):
            self.tokens.append(token)
        self.i = j

    def log_base(self, j: int) -> int:
        """Skip the base of a logarithm (\\log_2 k, \\log_{10} k): it is a constant factor."""
        text = self.text
        if j < len(text) and text[j] == "_":
            if text.startswith("{", j + 1):
                end = self.digits(j + 2)
                if end > j + 2 and text.startswith("}", end):
                    return end + 1
            elif (end := self.digits(j + 1)) > j + 1:
                return end
            raise AnswerError("the base of a logarithm must be digits, like \\log_2", j + 1)
        return j

    def superscript(self) -> None:
        text, i = self.text, self.i
        j = i
        while j < len(text) and text[j] in _SUPERSCRIPT:
            j += 1
        digits = "".join(_SUPERSCRIPT[c] for c in text[i:j])
        sign, body = (digits[0], digits[1:]) if digits[0] in "+-" else ("", digits)
        if not body.isdigit():
            raise AnswerError(f"cannot read the superscript '{text[i:j]}'", i + 1)
        if int(body) > MAX_EXPONENT:
            raise AnswerError(f"exponent {sign}{body} is larger than {MAX_EXPONENT:,} in absolute value", i + 1)
        self.push("sup", text[i:j], int(sign + body))
        self.i = j

    def latex(self) -> None:
        text, i, n = self.text, self.i, len(self.text)
        j = i + 1
        if j < n and _is_letter(text[j]):
            while j < n and _is_letter(text[j]):
                j += 1
        else:
            j = min(j + 1, n)
        command = text[i + 1 : j]
        functions = bool(self.grammar.functions)
        if command in _LATEX_TIMES:
            self.push("op", "*")
        elif command == "div":
            self.push("op", "/")
        elif command in _LATEX_FRAC:
            match = _LATEX_PARTIAL.match(text, j)
            if match and f"d{match[1]}/d{match[2]}" in self.names.declared:
                self.push("name", text[i : match.end()], f"d{match[1]}/d{match[2]}")
                j = match.end()
            else:
                self.push("frac", text[i:j])
        elif functions and command in ("log", "ln", "lg"):
            self.push("func", text[i:j], "log")
            j = self.log_base(j)
        elif functions and command in ("Theta", "Omega"):
            self.push("func", text[i:j], "O")
        elif functions and command in ("mathcal", "operatorname", "mathrm"):
            # \mathcal{O}, \mathcal O: the O of big-O notation
            rest = text[j : j + 8]
            stripped = rest.lstrip()
            skipped = len(rest) - len(stripped)
            inner = "O" if stripped.startswith("O") else "{O}" if stripped.replace(" ", "").startswith("{O}") else ""
            if not inner:
                raise AnswerError(f"unsupported LaTeX command '\\{command}'", i + 1)
            j += skipped + (1 if inner == "O" else stripped.index("}") + 1)
            self.push("func", text[i:j], "O")
        elif command not in _LATEX_SPACE and command not in _LATEX_IGNORED:
            raise AnswerError(f"unsupported LaTeX command '\\{command[:20]}'", i + 1)
        self.i = j
