"""Tokens -> a syntax tree of frozen dataclass nodes, read elsewhere with ``match``.

A hand-written precedence-climbing parser: nothing here calls ``eval``,
``sympify`` or ``parse_expr``. Implicit multiplication binds like ``*``
(``1/2w`` is ``w/2``); a leading sign covers its whole operand. Sums and
products are flat tuples, so long answers make wide trees, never deep ones.
Depth and node count are limited while parsing (see :mod:`.limits`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .limits import MAX_DEPTH, MAX_NODES, AnswerError
from .tokens import Grammar, Token, tokenize


@dataclass(frozen=True, slots=True)
class Num:
    column: int
    value: Fraction


@dataclass(frozen=True, slots=True)
class Name:
    column: int
    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    column: int
    operand: Node


@dataclass(frozen=True, slots=True)
class Sum:
    column: int
    terms: tuple[tuple[int, Node], ...]  # (sign +1/-1, term)


@dataclass(frozen=True, slots=True)
class Prod:
    column: int
    factors: tuple[tuple[bool, Node], ...]  # (divide, factor)


@dataclass(frozen=True, slots=True)
class Pow:
    column: int
    base: Node
    exponent: Node


@dataclass(frozen=True, slots=True)
class Call:
    column: int
    function: str  # "O" or "log"
    argument: Node


Node = Num | Name | Neg | Sum | Prod | Pow | Call


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

    def count(self, column: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES and not self.trusted:
            raise AnswerError(f"answer has more than {MAX_NODES:,} parts", column)

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

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise AnswerError("empty answer")
        tree = self.expression()
        if self.token.kind != "end":
            raise self.unexpected()
        return tree

    def expression(self) -> Node:
        column = self.token.column
        terms = [(1, self.signed())]
        while self.token.kind == "op" and self.token.text in "+-":
            sign = 1 if self.advance().text == "+" else -1
            terms.append((sign, self.signed()))
        if len(terms) == 1:
            return terms[0][1]
        self.count(column)
        return Sum(column, tuple(terms))

    def signed(self, operand=None) -> Node:
        """A leading sign covers the whole operand: -w^2 u1 is -(w^2 u1); right of ^ the
        operand is a power, so 2^-1 and 2^2^3 = 2^(2^3) read as written."""
        operand = operand or self.term
        if self.token.kind == "op" and self.token.text in "+-":
            token = self.advance()
            self.enter(token.column)
            inner = self.signed(operand)
            self.depth -= 1
            if token.text == "+":
                return inner
            self.count(token.column)
            return Neg(token.column, inner)
        return operand()

    def term(self) -> Node:
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
        if len(factors) == 1:
            return factors[0][1]
        self.count(column)
        return Prod(column, tuple(factors))

    def power(self) -> Node:
        base = self.postfix()
        if self.token.kind == "op" and self.token.text == "^":
            token = self.advance()
            self.enter(token.column)
            exponent = self.signed(self.power)
            self.depth -= 1
            self.count(base.column)
            return Pow(base.column, base, exponent)  # located where the power starts
        return base

    def postfix(self) -> Node:
        base = self.primary()
        while self.token.kind == "sup":
            token = self.advance()
            self.count(token.column)
            self.count(base.column)
            base = Pow(base.column, base, Num(token.column, Fraction(int(str(token.value)))))
        return base

    def primary(self) -> Node:
        token = self.token
        if token.kind == "num":
            self.advance()
            self.count(token.column)
            return Num(token.column, token.value)  # type: ignore[arg-type]
        if token.kind == "name":
            self.advance()
            self.count(token.column)
            return Name(token.column, str(token.value))
        if token.kind == "open":
            return self.group()
        if token.kind == "frac":
            self.advance()
            self.enter(token.column)
            numerator = self.group("{")
            denominator = self.group("{")
            self.depth -= 1
            self.count(token.column)
            return Prod(token.column, ((False, numerator), (True, denominator)))
        if token.kind == "func":
            self.advance()
            self.enter(token.column)
            argument = self.postfix()
            self.depth -= 1
            self.count(token.column)
            return Call(token.column, str(token.value), argument)
        raise self.unexpected()

    def group(self, opener: str | None = None) -> Node:
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


def parse(text: str, grammar: Grammar) -> Node:
    """The syntax tree of ``text``, or :class:`AnswerError` naming the position."""
    return _Parser(tokenize(text, grammar), grammar.trusted).parse()


def children(node: Node) -> tuple[Node, ...]:
    """The node's direct subtrees."""
    match node:
        case Neg(operand=operand):
            return (operand,)
        case Sum(terms=terms):
            return tuple(child for _, child in terms)
        case Prod(factors=factors):
            return tuple(child for _, child in factors)
        case Pow(base=base, exponent=exponent):
            return (base, exponent)
        case Call(argument=argument):
            return (argument,)
    return ()


def names_in(tree: Node) -> set[str]:
    """Every name the tree uses."""
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            found.add(node.name)
        else:
            stack.extend(children(node))
    return found
