"""What every layer shares: parameters, the backward result, input checks, initialisation, nonlinearities.

A layer holds its parameters in ``layer.params`` (name -> array, updated in
place by the optimizer). ``forward(...)`` returns ``(output, ctx)`` where
``ctx`` keeps what the backward pass needs; ``backward(ctx, d_out)`` returns a
:class:`Backward` with the gradient of the input and of every parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from ..kernel.errors import LayerUsageError, NonFiniteValues

NONLINEARITIES = ("tanh", "relu", "identity")


class Backward(NamedTuple):
    """The gradients a backward pass returns.

    ``d_input`` is dL/d(input) (for integer token inputs, which have no gradient,
    an empty array of shape (B, T, 0)); ``grads`` maps every parameter name to dL/dparam.
    Recurrent layers also give ``d_hidden`` (B, T, H): the total dL/dh_t at
    every step (through the outputs and through later steps), ``d_cell`` (LSTM
    only, dL/dC_t) and ``d_initial``: the gradients of the initial states.
    """

    d_input: np.ndarray
    grads: dict[str, np.ndarray]
    d_hidden: np.ndarray | None = None
    d_cell: np.ndarray | None = None
    d_initial: tuple[np.ndarray, ...] = ()


class Module:
    """A layer or model: named parameters, forward and backward."""

    params: dict[str, np.ndarray]

    def named_parameters(self) -> dict[str, np.ndarray]:
        """Every parameter array by name (the arrays themselves, not copies)."""
        return self.params

    def parameter_count(self) -> int:
        return sum(p.size for p in self.named_parameters().values())

    def load(self, values: Mapping[str, np.ndarray]) -> None:
        """Copy ``values`` into the parameters of the same names and shapes."""
        params = self.named_parameters()
        if set(values) != set(params):
            raise LayerUsageError(
                f"{type(self).__name__}.load: expected parameters {sorted(params)}, got {sorted(values)}"
            )
        for name, value in values.items():
            value = np.asarray(value)
            if value.shape != params[name].shape:
                raise LayerUsageError(
                    f"{type(self).__name__}.load: {name} has shape {value.shape}, expected {params[name].shape}"
                )
            params[name][...] = value


def prefixed(prefix: str, named: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {f"{prefix}.{name}": value for name, value in named.items()}


def submodule_items(prefix: str, named: Mapping[str, np.ndarray]) -> Iterator[tuple[str, np.ndarray]]:
    """The entries of ``named`` under ``prefix.``, with the prefix removed."""
    start = len(prefix) + 1
    for name, value in named.items():
        if name.startswith(prefix + "."):
            yield name[start:], value


# --------------------------------------------------------------------------- checks


def shape_text(shape: tuple) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def check_array(where: str, name: str, value: np.ndarray, expected: tuple, *, dtype=None) -> np.ndarray:
    """``value`` as an array of shape ``expected`` (ints fixed, strings free), finite.

    ``expected`` mixes sizes and letters, e.g. ``("B", "T", 3)``; a letter
    matches any size of at least 1. Raises :class:`LayerUsageError` naming
    ``where`` and ``name`` otherwise.
    """
    array = np.asarray(value, dtype=dtype)
    wanted = "(" + ", ".join(str(e) for e in expected) + ")"
    if array.ndim != len(expected) or any(
        (isinstance(e, int) and size != e) or (not isinstance(e, int) and size < 1)
        for size, e in zip(array.shape, expected, strict=False)
    ):
        raise LayerUsageError(f"{where}: {name} has shape {shape_text(array.shape)}, expected {wanted}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise NonFiniteValues(f"{where}: {name} has non-finite values (NaN or infinity); expected finite numbers")
    return array


def check_sequence(where: str, x: np.ndarray, features: int, dtype) -> np.ndarray:
    """A batch of sequences (B, T, features) with T >= 1."""
    array = np.asarray(x, dtype=dtype)
    if array.ndim == 3 and array.shape[1] == 0:
        raise LayerUsageError(f"{where}: x has T = 0 time steps; expected (B, T, {features}) with T >= 1")
    return check_array(where, "x", array, ("B", "T", features))


def check_size(where: str, name: str, value: Any) -> int:
    """A layer's size argument: an integer of at least 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise LayerUsageError(f"{where}: {name} must be an integer >= 1, got {value!r}")
    return int(value)


def uniform(rng: np.random.Generator, bound: float, shape: tuple, dtype) -> np.ndarray:
    """Initial weights drawn from U(-bound, bound), as torch initialises its layers."""
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A generator as given, or one seeded with ``rng``."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


# --------------------------------------------------------------------------- nonlinearities


def check_nonlinearity(name: str, where: str = "nonlinearity") -> str:
    if name not in NONLINEARITIES:
        raise LayerUsageError(f"{where}: unknown nonlinearity {name!r}; expected one of {', '.join(NONLINEARITIES)}")
    return name


def activate(name: str, a: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return np.tanh(a)
    if name == "relu":
        return np.maximum(a, 0.0)
    return a


def slope_from_output(name: str) -> Callable[[np.ndarray], np.ndarray | float]:
    """sigma'(a) written in terms of h = sigma(a): what a backward pass has saved."""
    if name == "tanh":
        return lambda h: 1.0 - h * h
    if name == "relu":
        return lambda h: (h > 0).astype(h.dtype)
    return lambda h: 1.0


def sigmoid(a: np.ndarray) -> np.ndarray:
    # tanh form: no overflow warning for large |a| and as accurate as 1 / (1 + exp(-a)).
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def add_rows(rows: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """(count, E): values (N, E) summed into rows ``rows`` (N,), repeated rows adding up.

    ``np.bincount`` over flat positions does in one pass what ``np.add.at`` does element by
    element (several times faster); it sums in float64, and the result has ``values``' dtype.
    """
    width = values.shape[1]
    flat = (rows[:, None] * width + np.arange(width)[None, :]).ravel()  # (N * E,)
    total = np.bincount(flat, weights=values.ravel(), minlength=count * width)  # (count * E,)
    return total.reshape(count, width).astype(values.dtype, copy=False)
