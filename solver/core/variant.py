"""Which sheet a build is: the homework's own values or a seeded variant, and the drawing options it used."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..problems import PROBLEMS
from .errors import ParamsError
from .params import from_mapping, to_jsonable

MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Variant:
    """Identifies a sheet: the homework's own values (seed None) or a seeded variant."""

    seed: int | None = None
    student: str | None = None  # printed on the sheets of a roster batch
    options: Mapping[str, Any] | None = None  # non-default drawing options, as JSON data

    @property
    def id(self) -> str:
        if self.seed is None:
            return f"hw6 {__version__}, homework values"
        marker = f", options {options_digest(self.options)}" if self.options else ""
        return f"hw6 {__version__}, seed {self.seed}{marker}"

    @property
    def footer_parts(self) -> tuple[str, ...]:
        """What the sheets' footer says, so staff can trace a printed sheet: the variant and the version."""
        which = "Homework" if self.seed is None else f"Variant {self.seed}"
        options = (f"options {options_digest(self.options)}",) if self.options else ()
        return (which, *options, f"version {__version__}")

    @property
    def footer(self) -> str:
        return " \u00b7 ".join(self.footer_parts)

    def to_json(self) -> dict[str, Any] | None:
        if self.seed is None:
            return None
        return {"seed": self.seed, **({"options": dict(self.options)} if self.options else {})}


def variant_label(variant: Variant) -> str:
    """How a sheet's variant is named to students: its seed, or the homework's own values."""
    return "the homework's own values" if variant.seed is None else f"variant {variant.seed}"


def options_digest(options: Mapping[str, Any] | None) -> str:
    """A short, stable name for a set of drawing options."""
    text = json.dumps(options or {}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def options_from_data(raw: Any, source: str = "variant options") -> dict[str, Any]:
    """Drawing options per problem (those with ``sample_options``); missing ones take defaults."""
    takes = {p.section: p.sample_options for p in PROBLEMS if p.sample_options is not None}
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ParamsError(source, "a mapping whose keys are sections (" + ", ".join(takes) + ")", raw, has_got=True)
    raw = dict(raw)
    shared = raw.pop("structure", None)  # `structure: varied` for every problem that takes it
    for key in raw:
        if key not in takes:
            raise ParamsError(str(key), "a section with drawing options: " + (", ".join(takes) or "none"))
    if shared is not None and shared not in ("same", "varied"):
        raise ParamsError("structure", "one of same, varied", shared, has_got=True)
    if shared is not None:
        for section, options_type in takes.items():
            if "structure" in getattr(options_type, "__dataclass_fields__", {}):
                given = raw.get(section)
                raw[section] = {"structure": shared, **(given if isinstance(given, Mapping) else {})}
    return {section: from_mapping(options_type, raw.get(section), section) for section, options_type in takes.items()}


def options_json(options: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The options that differ from their defaults, as JSON data (None when all are defaults); only the
    differing fields, so that adding an option does not change how older choices are recorded."""
    data = {}
    for section, value in (options or {}).items():
        given, default = to_jsonable(value), to_jsonable(type(value)())
        changed = {key: item for key, item in given.items() if default.get(key) != item}
        if changed:
            data[section] = changed
    return data or None
