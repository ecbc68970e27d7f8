"""What an answer may cost, and the error that says which limit it broke.

Every limit is checked while tokenizing and parsing (:mod:`.tokens`, :mod:`.syntax`)
or on the finished tree (:mod:`.budget`), before any algebra runs.
"""

from __future__ import annotations

MAX_LENGTH = 2_000  # characters
MAX_DEPTH = 100  # nested brackets, signs, exponents and fractions
MAX_NODES = 10_000  # syntax-tree nodes
MAX_INTEGER = 10**6  # largest number literal
MAX_DECIMALS = 12  # digits after a decimal point
MAX_EXPONENT = 1_000  # |exponent|, and the denominator of a fractional one
# What expanding the answer may cost, estimated from the tree (see budget.Measure):
MAX_TERMS = 20_000
MAX_DEGREE = 10_000
MAX_BITS = 40_000  # size of one coefficient
MAX_POWER_TERMS = 400  # terms of one expanded power of a sum: (w + 1)^399 at most

LIMITS = {
    "length": MAX_LENGTH,
    "depth": MAX_DEPTH,
    "nodes": MAX_NODES,
    "integer": MAX_INTEGER,
    "exponent": MAX_EXPONENT,
    "terms": MAX_TERMS,
    "degree": MAX_DEGREE,
    "bits": MAX_BITS,
    "power terms": MAX_POWER_TERMS,
}


class AnswerError(Exception):
    """An answer that cannot be read, with the 1-based column it points at."""

    def __init__(self, message: str, column: int | None = None):
        self.column = column
        super().__init__(message if column is None else f"{message} at column {column}")
