"""Problem 2's parameters: the vocabulary, beam width, length and the tree of log-probabilities.

The homework's figure did not survive, so hw6 defines the canonical tree
(:func:`default_tree`): with k = 2 and T = 3 beam search keeps
[neural network network] (-1.38) while [network neural neural] (-1.32) is the
most likely sequence, its prefix [network neural] pruned at step 2 by 0.03.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from ...kernel.errors import InputWarning, ParamsError
from ...kernel.exact import exact_text
from ...kernel.params import Number, ParamsBase, join, param

SECTION = "beam_search"
MAX_VOCABULARY = 50
MAX_TOKEN_CHARACTERS = 30
MAX_SEQUENCES = 20_000  # M^T: the exhaustive search and brute force enumerate them all
NORMALIZATION_TOLERANCE = 0.01  # rows are rounded in the homework's figure

_DEFAULT_ROWS = {
    "": {"neural": "-0.36", "network": "-1.20"},
    "neural": {"neural": "-0.92", "network": "-0.51"},
    "network": {"neural": "-0.11", "network": "-2.30"},
    "neural neural": {"neural": "-0.80", "network": "-0.60"},
    "neural network": {"neural": "-0.92", "network": "-0.51"},
    "network neural": {"neural": "-0.01", "network": "-4.61"},
    "network network": {"neural": "-0.36", "network": "-1.20"},
}


def default_tree() -> dict[str, dict[str, sp.Rational]]:
    """hw6's canonical tree (the homework's Figure 2 did not survive)."""
    return {
        prefix: {token: sp.Rational(value) for token, value in row.items()} for prefix, row in _DEFAULT_ROWS.items()
    }


@dataclass(frozen=True)
class Params(ParamsBase):
    vocabulary: tuple[str, ...] = param(("neural", "network"), "the M tokens; their order breaks ties")
    beam_width: int = param(2, "beam width k", minimum=1, maximum=1000)
    length: int = param(3, "sequence length T (steps of the search)", minimum=1, maximum=20)
    tree: dict[str, dict[str, Number]] = param(
        default_factory=default_tree,
        doc='prefix (tokens joined by one space, "" at the start) -> next-token log-probabilities',
    )

    def validate(self) -> None:
        index = self._check_vocabulary()
        depth = self._check_rows(index)
        vocab_size = len(self.vocabulary)
        if self.length > depth:
            raise ParamsError(
                "length",
                f"at most {depth}, the depth of the tree (its longest prefix has {depth - 1} tokens)",
                self.length,
            )
        if vocab_size**self.length > MAX_SEQUENCES:
            raise ParamsError(
                "length",
                f"a length whose {vocab_size}^T sequences number at most {MAX_SEQUENCES:,} (they are all searched)",
                self.length,
            )
        for t in range(self.length):
            for prefix in itertools.product(self.vocabulary, repeat=t):
                if " ".join(prefix) not in self.tree:
                    raise ParamsError(
                        join("tree", " ".join(prefix)),
                        f"the next-token log-probabilities after this prefix, which are missing "
                        f"(the search over all sequences of length {self.length} needs every prefix of up to "
                        f"{self.length - 1} tokens)",
                    )
        self._warn_unnormalized()

    def _check_vocabulary(self) -> dict[str, int]:
        if not 1 <= len(self.vocabulary) <= MAX_VOCABULARY:
            raise ParamsError("vocabulary", f"a list of 1 to {MAX_VOCABULARY} tokens", list(self.vocabulary))
        index: dict[str, int] = {}
        for position, token in enumerate(self.vocabulary):
            field = join("vocabulary", position)
            if (
                not token
                or len(token) > MAX_TOKEN_CHARACTERS
                or not token.isprintable()
                or any(c.isspace() for c in token)
            ):
                raise ParamsError(
                    field,
                    f"a token of 1 to {MAX_TOKEN_CHARACTERS} printable characters without spaces",
                    token,
                    has_got=True,
                )
            if token in index:
                raise ParamsError(field, "a token not listed before", token)
            index[token] = position
        return index

    def _check_rows(self, index: Mapping[str, int]) -> int:
        """Check every row's prefix, tokens and log-probabilities; returns the tree's depth."""
        if "" not in self.tree:
            raise ParamsError(join("tree", ""), 'the row of the start (prefix ""), which is missing')
        known = ", ".join(self.vocabulary)
        depth = 0
        for prefix, row in self.tree.items():
            field = join("tree", prefix)
            tokens = prefix.split(" ") if prefix else []
            for token in tokens:
                if token not in index:
                    raise ParamsError(
                        field, f"a prefix of vocabulary tokens ({known}) joined by one space; {token!r} is not one"
                    )
            for token in row:
                if token not in index:
                    raise ParamsError(join(field, token), f"a token of the vocabulary ({known})")
            for token in self.vocabulary:
                if token not in row:
                    raise ParamsError(
                        join(field, token), "a log-probability for every vocabulary token; this one is missing"
                    )
            for token, value in row.items():
                if value > 0:
                    raise ParamsError(
                        join(field, token), "a log-probability <= 0 (a probability of at most 1)", exact_text(value)
                    )
            depth = max(depth, len(tokens) + 1)
        return depth

    def _warn_unnormalized(self) -> None:
        off = []
        for prefix, row in self.tree.items():
            total = math.fsum(math.exp(float(value)) for value in row.values())
            if abs(total - 1) > NORMALIZATION_TOLERANCE:
                off.append(f"{prefix!r} sums to {total:.3f}")
        if off:
            shown = "; ".join(off[:5]) + (f"; and {len(off) - 5} more" if len(off) > 5 else "")
            warnings.warn(
                f"{SECTION}.tree: the probabilities of {len(off)} row(s) do not sum to 1 within "
                f"{NORMALIZATION_TOLERANCE}: {shown}. The log-probabilities are used as given.",
                InputWarning,
                stacklevel=2,
            )
