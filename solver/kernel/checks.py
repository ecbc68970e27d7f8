"""Cross-check results: an exact answer next to an independent numeric value.

Each problem's ``crosscheck`` (NumPy, run on every build) and ``oracle_check``
(torch, run by tests and ``hw6 verify``) return a list of :class:`Check`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .errors import OracleUnavailable


@dataclass(frozen=True)
class Check:
    """One answer part compared with one backend.

    ``exact`` and ``numeric`` are representative values as text (the first
    draw, or the whole answer when it is small); ``error`` is the largest
    relative error over all draws, ``None`` for discrete comparisons.
    """

    part: str
    backend: str
    exact: str
    numeric: str
    agrees: bool
    error: float | None = None


def _fmt(value: float) -> str:
    return f"{value:.12g}"


def compare_arrays(
    part: str, backend: str, exact: Iterable[float], numeric: Iterable[float], *, rtol: float, atol: float = 0.0
) -> Check:
    """Compare two arrays elementwise with ``|e - n| <= atol + rtol |e|``."""
    exact = np.asarray(exact, dtype=np.float64).ravel()
    numeric = np.asarray(numeric, dtype=np.float64).ravel()
    if exact.shape != numeric.shape:
        return Check(part, backend, f"shape {exact.shape}", f"shape {numeric.shape}", False, math.inf)
    finite = bool(np.all(np.isfinite(exact)) and np.all(np.isfinite(numeric)))
    scale = np.maximum(np.abs(exact), np.finfo(np.float64).tiny)
    errors = np.abs(exact - numeric)
    agrees = finite and bool(np.all(errors <= atol + rtol * np.abs(exact)))
    worst = float(np.max(errors / scale)) if exact.size else 0.0
    if exact.size == 0:
        return Check(part, backend, "[]", "[]", agrees, 0.0)
    return Check(part, backend, _fmt(exact[0]), _fmt(numeric[0]), agrees, worst if finite else math.inf)


def compare_equal(part: str, backend: str, exact: object, numeric: object) -> Check:
    """Compare two discrete answers (sequences, tables) for equality."""
    return Check(part, backend, _short(exact), _short(numeric), exact == numeric)


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def import_torch():
    """Import torch for an oracle check, or raise :class:`OracleUnavailable`."""
    try:
        import torch
    except ImportError:
        raise OracleUnavailable("torch is not installed; install the extra with `pip install -e '.[torch]'`") from None
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    return torch
