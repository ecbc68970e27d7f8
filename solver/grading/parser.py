"""Untrusted answer text -> a small syntax tree, without ``eval``.

A hand-written tokenizer and precedence-climbing parser. Nothing here calls
``eval``, ``sympify`` or ``parse_expr``: the only names that exist are the ones
a part declares, so ``__import__('os')`` is an unexpected character, not code.

Accepted: numbers (``3``, ``0.5``), the part's names (``w``, ``u1``; ``u_1``
and ``u_{1}`` too), ``+ - * / ^ **``, parentheses, implicit multiplication
(``2w``, ``w u3``, ``w(u2 + w u1)``), the Unicode minus and en dash, ``×``,
``·``, superscript exponents (``w²``, ``w⁻¹``) and light LaTeX (``\\cdot``,
``\\times``, ``^{…}``, ``\\frac{…}{…}``, ``\\left( … \\right)``, spacing).
Implicit multiplication binds like ``*`` (``1/2w`` is ``w/2``).

Every limit is checked while tokenizing and parsing, or by :func:`measure`
on the finished tree, before any algebra runs (see :data:`LIMITS`).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from fractions import Fraction

MAX_LENGTH = 2_000  # characters
MAX_DEPTH = 100  # nested brackets, signs, exponents and fractions
MAX_NODES = 10_000  # syntax-tree nodes
MAX_INTEGER = 10**6  # largest number literal
MAX_DECIMALS = 12  # digits after a decimal point
MAX_EXPONENT = 1_000  # |exponent|, and the denominator of a fractional one
# What expanding the answer may cost, estimated from the tree (see measure()):
MAX_TERMS = 20_000
MAX_DEGREE = 10_000
MAX_BITS = 40_000  # size of one coefficient

LIMITS = {
    "length": MAX_LENGTH,
    "depth": MAX_DEPTH,
    "nodes": MAX_NODES,
    "integer": MAX_INTEGER,
    "exponent": MAX_EXPONENT,
    "terms": MAX_TERMS,
    "degree": MAX_DEGREE,
    "bits": MAX_BITS,
}


class AnswerError(Exception):
    """An answer that cannot be read, with the 1-based column it points at."""

    def __init__(self, message: str, column: int | None = None):
        self.column = column
        super().__init__(message if column is None else f"{message} at column {column}")


# --------------------------------------------------------------------------- tokens


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


def tokenize(text: str, grammar: Grammar) -> list[Token]:
    """Tokens with 1-based columns; checks length, literals and bracket nesting."""
    if not grammar.trusted and len(text) > MAX_LENGTH:
        raise AnswerError(f"answer is {len(text):,} characters long; the limit is {MAX_LENGTH:,}")
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
        elif functions and command == "Theta":
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


# --------------------------------------------------------------------------- syntax tree
# Nodes are tuples (kind, column, ...): ("num", c, Fraction), ("name", c, str),
# ("neg", c, node), ("sum", c, [(sign, node), ...]), ("prod", c, [(divide, node), ...]),
# ("pow", c, base, exponent), ("call", c, function, argument). Sums and products are
# flat lists, so long answers make wide trees, never deep ones.


class _Parser:
    def __init__(self, tokens: list[Token], trusted: bool):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.nodes = 0
        self.trusted = trusted

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def node(self, *parts) -> tuple:
        self.nodes += 1
        if self.nodes > MAX_NODES and not self.trusted:
            raise AnswerError(f"answer has more than {MAX_NODES:,} parts", parts[1])
        return parts

    def enter(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise AnswerError(f"answer is nested deeper than {MAX_DEPTH}", column)

    def unexpected(self) -> AnswerError:
        token = self.token
        if token.kind == "end":
            previous = self.tokens[self.pos - 1] if self.pos else None
            after = f" after '{previous.text}'" if previous is not None else ""
            return AnswerError(f"answer ends too early{after}", token.column)
        return AnswerError(f"unexpected '{token.text}'", token.column)

    def parse(self) -> tuple:
        if self.token.kind == "end":
            raise AnswerError("empty answer")
        tree = self.expression()
        if self.token.kind != "end":
            raise self.unexpected()
        return tree

    def expression(self) -> tuple:
        column = self.token.column
        terms = [(1, self.signed())]
        while self.token.kind == "op" and self.token.text in "+-":
            sign = 1 if self.advance().text == "+" else -1
            terms.append((sign, self.signed()))
        return terms[0][1] if len(terms) == 1 else self.node("sum", column, terms)

    def signed(self, operand=None) -> tuple:
        """A leading sign covers the whole operand: -w^2 u1 is -(w^2 u1); right of ^ the
        operand is a power, so 2^-1 and 2^2^3 = 2^(2^3) read as written."""
        operand = operand or self.term
        if self.token.kind == "op" and self.token.text in "+-":
            token = self.advance()
            self.enter(token.column)
            inner = self.signed(operand)
            self.depth -= 1
            return inner if token.text == "+" else self.node("neg", token.column, inner)
        return operand()

    def term(self) -> tuple:
        column = self.token.column
        factors = [(False, self.power())]
        while True:
            token = self.token
            if token.kind == "op" and token.text in "*/":
                self.advance()
                factors.append((token.text == "/", self.power()))
            elif not self.trusted and (
                token.kind in ("name", "func", "open", "frac")
                or (token.kind == "num" and self.tokens[self.pos - 1].kind != "num")
            ):
                factors.append((False, self.power()))  # implicit multiplication
            else:
                break
        return factors[0][1] if len(factors) == 1 else self.node("prod", column, factors)

    def power(self) -> tuple:
        base = self.postfix()
        if self.token.kind == "op" and self.token.text == "^":
            token = self.advance()
            self.enter(token.column)
            exponent = self.signed(self.power)
            self.depth -= 1
            return self.node("pow", base[1], base, exponent)  # located where the power starts
        return base

    def postfix(self) -> tuple:
        base = self.primary()
        while self.token.kind == "sup":
            token = self.advance()
            base = self.node("pow", base[1], base, self.node("num", token.column, Fraction(token.value)))
        return base

    def primary(self) -> tuple:
        token = self.token
        if token.kind == "num":
            self.advance()
            return self.node("num", token.column, token.value)
        if token.kind == "name":
            self.advance()
            return self.node("name", token.column, token.value)
        if token.kind == "open":
            return self.group()
        if token.kind == "frac":
            self.advance()
            self.enter(token.column)
            numerator = self.group("{")
            denominator = self.group("{")
            self.depth -= 1
            return self.node("prod", token.column, [(False, numerator), (True, denominator)])
        if token.kind == "func":
            self.advance()
            self.enter(token.column)
            argument = self.postfix()
            self.depth -= 1
            return self.node("call", token.column, token.value, argument)
        raise self.unexpected()

    def group(self, opener: str | None = None) -> tuple:
        token = self.token
        if token.kind != "open" or (opener is not None and token.text != opener):
            if token.kind == "end":
                raise self.unexpected()
            raise AnswerError(f"expected '{opener or '('}' but found '{token.text}'", token.column)
        self.advance()
        self.enter(token.column)
        if self.token.kind == "close":
            raise AnswerError("empty brackets", token.column)
        inner = self.expression()
        if self.token.kind != "close":
            raise self.unexpected()
        self.advance()
        self.depth -= 1
        return inner


def parse(text: str, grammar: Grammar) -> tuple:
    """The syntax tree of ``text``, or :class:`AnswerError` naming the position."""
    return _Parser(tokenize(text, grammar), grammar.trusted).parse()


def names_in(tree: tuple) -> set[str]:
    """Every name the tree uses."""
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        kind = node[0]
        if kind == "name":
            found.add(node[2])
        elif kind == "neg":
            stack.append(node[2])
        elif kind in ("sum", "prod"):
            stack.extend(child for _, child in node[2])
        elif kind == "pow":
            stack += [node[2], node[3]]
        elif kind == "call":
            stack.append(node[3])
    return found


# --------------------------------------------------------------------------- size before algebra


@dataclass(frozen=True)
class Size:
    """Upper bounds for an expression written as numerator / denominator polynomials.

    ``terms``/``degree`` bound the numerator, ``den_terms``/``den_degree`` the
    denominator, ``bits`` one coefficient; ``symbols`` are the variables it can
    involve; ``constant`` is the exact value of a constant subtree (needed for
    exponents), ``rational`` whether the value is a rational function (no
    fractional powers of non-constants).
    """

    terms: int
    degree: int
    den_terms: int = 1
    den_degree: int = 0
    bits: int = 1
    symbols: frozenset = frozenset()
    constant: Fraction | None = None
    rational: bool = True

    @property
    def polynomial(self) -> bool:
        return self.den_terms == 1 and self.den_degree == 0


def _bits(value: Fraction) -> int:
    return abs(value.numerator).bit_length() + value.denominator.bit_length()


def _number_size(value: Fraction) -> Size:
    return Size(1 if value else 0, 0, bits=_bits(value), constant=value)


class Measure:
    """Bounds every node of a tree and raises AnswerError where a limit is broken.

    ``leaves`` gives the :class:`Size` of each name: 1 term of degree 1 for a
    symbol, the substituted value's size for a node name such as ``p``.
    """

    def __init__(self, leaves: dict[str, Size]):
        self.leaves = leaves

    def check(self, size: Size, column: int) -> Size:
        if size.degree + size.den_degree > MAX_DEGREE:
            raise AnswerError(f"answer would expand to degree above {MAX_DEGREE:,}", column)
        if size.bits > MAX_BITS:
            raise AnswerError(f"answer would need numbers longer than {MAX_BITS:,} bits", column)
        if size.terms <= MAX_TERMS and size.den_terms <= MAX_TERMS:
            return size
        # Products overestimate: (w + 1)^40 has 41 terms, not 2^40. Cap by the number of
        # monomials of that degree in the symbols involved.
        variables = len(size.symbols)
        terms = min(size.terms, math.comb(variables + size.degree, variables))
        den_terms = min(size.den_terms, math.comb(variables + size.den_degree, variables))
        if max(terms, den_terms) > MAX_TERMS:
            raise AnswerError(f"answer would expand to more than {MAX_TERMS:,} terms", column)
        return replace(size, terms=terms, den_terms=den_terms)

    def __call__(self, node: tuple) -> Size:
        kind, column = node[0], node[1]
        if kind == "num":
            return _number_size(node[2])
        if kind == "name":
            return self.leaves[node[2]]
        if kind == "neg":
            inner = self(node[2])
            return replace(inner, constant=-inner.constant if inner.constant is not None else None)
        if kind == "call":
            return replace(self(node[3]), terms=1, degree=1, rational=False, constant=None)
        if kind == "sum":
            return self.check(self._sum([(s, self(child)) for s, child in node[2]]), column)
        if kind == "prod":
            return self.check(self._product([(d, self(child)) for d, child in node[2]], column), column)
        if kind == "pow":
            return self.check(self._power(self(node[2]), node[3], column), column)
        raise AssertionError(kind)

    def _sum(self, items: list[tuple[int, Size]]) -> Size:
        sizes = [size for _, size in items]
        common = {
            "symbols": frozenset().union(*(s.symbols for s in sizes)),
            "rational": all(s.rational for s in sizes),
            "constant": None,
        }
        if all(s.constant is not None for s in sizes):
            common["constant"] = sum((sign * s.constant for sign, s in items), Fraction(0))
        if all(s.polynomial for s in sizes):
            bits = max(s.bits for s in sizes) + len(sizes).bit_length()
            return Size(sum(s.terms for s in sizes), max(s.degree for s in sizes), bits=bits, **common)
        den_terms = math.prod(s.den_terms for s in sizes)
        den_degree = sum(s.den_degree for s in sizes)
        terms = sum(s.terms * den_terms // max(s.den_terms, 1) for s in sizes)
        degree = max(s.degree + den_degree - s.den_degree for s in sizes)
        bits = sum(s.bits for s in sizes) + len(sizes).bit_length()
        return Size(terms, degree, den_terms, den_degree, bits, **common)

    def _product(self, items: list[tuple[bool, Size]], column: int) -> Size:
        size = Size(1, 0, bits=0, constant=Fraction(1))
        for divide, s in items:
            if divide and s.constant == 0:
                raise AnswerError("division by zero", column)
            top, bottom = (
                ((s.den_terms, s.den_degree), (s.terms, s.degree))
                if divide
                else ((s.terms, s.degree), (s.den_terms, s.den_degree))
            )
            constant = None
            if size.constant is not None and s.constant is not None:
                constant = size.constant / s.constant if divide else size.constant * s.constant
            size = Size(
                size.terms * top[0], size.degree + top[1], size.den_terms * bottom[0], size.den_degree + bottom[1],
                size.bits + s.bits + min(s.terms, 1 << 20).bit_length(), size.symbols | s.symbols,
                constant, size.rational and s.rational,
            )  # fmt: skip
            if size.terms > MAX_TERMS or size.den_terms > MAX_TERMS:  # keep the counts small
                size = self.check(size, column)
        return size

    def _power(self, base: Size, exponent_node: tuple, column: int) -> Size:
        exponent = self(exponent_node).constant
        if exponent is None:
            raise AnswerError("an exponent must be a number", exponent_node[1])
        if abs(exponent) > MAX_EXPONENT or exponent.denominator > MAX_EXPONENT:
            shown = str(exponent) if _bits(exponent) < 64 else "a huge number"
            raise AnswerError(f"exponent {shown} is larger than {MAX_EXPONENT:,} in absolute value", exponent_node[1])
        if exponent < 0 and base.constant == 0:
            raise AnswerError("division by zero", column)
        whole = math.ceil(abs(exponent))
        bits = base.bits * whole + whole * min(base.terms, 1 << 20).bit_length()
        if bits > MAX_BITS:
            raise AnswerError(f"answer would need numbers longer than {MAX_BITS:,} bits", column)
        constant = exact_power(base.constant, exponent) if base.constant is not None else None
        if constant is not None:
            return _number_size(constant)
        if exponent.denominator != 1:
            # A fractional power of a non-constant is evaluated numerically, never expanded.
            return replace(base, terms=1, degree=whole, den_terms=1, den_degree=0, bits=bits, rational=False)
        size = replace(
            base,
            terms=_power_count(base.terms, whole), degree=base.degree * whole,
            den_terms=_power_count(base.den_terms, whole), den_degree=base.den_degree * whole, bits=bits,
        )  # fmt: skip
        if exponent < 0:
            size = replace(
                size, terms=size.den_terms, degree=size.den_degree, den_terms=size.terms, den_degree=size.degree
            )
        return size


def _power_count(terms: int, exponent: int) -> int:
    """terms ** exponent, saturating just above MAX_TERMS without computing huge numbers."""
    if terms <= 1 or exponent == 0:
        return terms if exponent else 1
    if exponent * math.log2(terms) > math.log2(MAX_TERMS + 1):
        return MAX_TERMS + 1
    return terms**exponent


def exact_power(base: Fraction, exponent: Fraction) -> Fraction | None:
    """base ** exponent when it is rational (4^(1/2) = 2), else None. Sizes are checked first."""
    if exponent.denominator == 1:
        if exponent < 0 and base == 0:
            return None
        return base ** int(exponent)
    if base < 0:
        return None  # even roots of negatives are not real; odd ones are left to numeric checks
    root = exponent.denominator
    p, q = _nth_root(base.numerator, root), _nth_root(base.denominator, root)
    if p is None or q is None:
        return None
    value = Fraction(p, q) ** abs(exponent.numerator)
    return value if exponent > 0 else (1 / value if value else None)


def _nth_root(value: int, n: int) -> int | None:
    """The exact integer n-th root of value >= 0, or None."""
    if value < 2:
        return value
    root = 1 << -(-value.bit_length() // n)  # an upper bound; Newton's method descends from it
    while True:
        better = ((n - 1) * root + value // root ** (n - 1)) // n
        if better >= root:
            break
        root = better
    return root if root**n == value else None
