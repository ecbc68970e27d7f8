"""Pins of what a few seeds draw, so that a change altering variants cannot pass unnoticed.

A variant is fixed by (seed, version): a change that makes a seed draw other parameters must bump
``solver.__version__``. ``tests/test_variants.py`` compares :func:`pinned_draws` with the pins file
and ``scripts/pin-variants`` rewrites that file with :func:`pins_text`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from solver import __version__
from solver.kernel.params import to_jsonable
from solver.variants.draw import draw

PINNED_SEEDS = (0, 1, 7, 42)


def params_digest(value: Any) -> str:
    """A short hash of one section's drawn parameters, as JSON."""
    return hashlib.sha256(json.dumps(to_jsonable(value), sort_keys=True).encode()).hexdigest()[:16]


def pinned_draws(seeds: Iterable[int] = PINNED_SEEDS) -> dict[str, dict[str, str]]:
    """Per seed (as text) and section, the digest of the parameters that seed draws."""
    return {
        str(seed): {section: params_digest(value) for section, value in draw(seed).params.items()} for seed in seeds
    }


def pins_text(draws: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The pins file for this version (of ``draws``, default: what the pinned seeds draw now)."""
    draws = pinned_draws() if draws is None else draws
    return json.dumps({"version": __version__, "seeds": draws}, indent=2, sort_keys=True) + "\n"


def changed_pins(
    pins: Mapping[str, Any], draws: Mapping[str, Mapping[str, str]] | None = None
) -> list[tuple[str, str]]:
    """The (seed, section) pairs whose draw (``draws``, default: the pinned seeds' now) differs from
    ``pins`` (a parsed pins file), sorted."""
    draws = pinned_draws() if draws is None else draws
    recorded = pins.get("seeds", {})
    return sorted(
        (seed, section)
        for seed, sections in draws.items()
        for section, digest in sections.items()
        if recorded.get(seed, {}).get(section) != digest
    )
