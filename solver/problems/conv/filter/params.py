"""Problem 6 (b)'s parameters: the signal, the output, the filter's length, stride and padding."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ....kernel.errors import ParamsError
from ....kernel.params import Number, ParamsBase, number_list, param
from .. import exact as conv

MAX_SIGNAL = 16
MAX_FILTER = 6


def integer_tuple(*values: int) -> tuple[sp.Integer, ...]:
    return tuple(sp.Integer(v) for v in values)


@dataclass(frozen=True)
class Params(ParamsBase):
    signal: tuple[Number, ...] = param(
        integer_tuple(1, 4, 0, -2, 3), "the signal x", convert=number_list(max_length=MAX_SIGNAL)
    )
    output: tuple[Number, ...] = param(
        integer_tuple(-2, 2, 11), "the convolution's output y", convert=number_list(max_length=40)
    )
    filter_length: int = param(3, "K, the unknown filter's length", minimum=1, maximum=MAX_FILTER)
    stride: int = param(1, "s", minimum=1, maximum=8)
    padding: int = param(0, "p, zeros added at each end of the signal", minimum=0, maximum=4)

    def validate(self) -> None:
        padded = len(self.signal) + 2 * self.padding
        if self.filter_length > padded:
            raise ParamsError(
                "filter_length",
                f"at most the padded signal's length n + 2p = {padded}",
                self.filter_length,
                has_got=True,
            )
        expected = self.output_count
        if len(self.output) != expected:
            raise ParamsError(
                "output", f"{expected} numbers (⌊(n + 2p − K)/s⌋ + 1 = {expected})", len(self.output), has_got=True
            )

    @property
    def output_count(self) -> int:
        return conv.output_length(len(self.signal), self.filter_length, self.stride, self.padding)
