"""Which sheet a build is: the homework's own values or a seeded variant, and the drawing options it used.

Students see a variant only by its opaque label (:func:`opaque_label`), never by its seed: hw6 is
public, so a seed on a sheet is the sheet's key (``hw6 key``). The label is a keyed hash of the seed
under the batch's secret (``--salt``); staff files (the manifest, report.txt) map it back to the seed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..kernel.errors import ParamsError
from ..kernel.params import from_mapping, to_jsonable
from ..problems import PROBLEMS

MAX_SEED = 2**63 - 1
# Crockford's base 32: digits and capitals without I, L, O and U, so a label read aloud or copied by
# hand is not misread (0/O, 1/I/L); 8 characters (40 bits) in two groups of 4.
LABEL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LABEL_CHARACTERS = 8
LABEL_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@dataclass(frozen=True)
class Variant:
    """Identifies a sheet: the homework's own values (seed None) or a seeded variant."""

    seed: int | None = None
    student: str | None = None  # printed on the sheets of a roster batch
    options: Mapping[str, Any] | None = None  # non-default drawing options, as JSON data
    label: str | None = None  # what students see; None: the seed's label under no secret

    @property
    def shown_label(self) -> str | None:
        """The variant's name on every student-facing file (None for the homework's own values)."""
        if self.seed is None:
            return None
        return self.label or opaque_label(self.seed, "")

    @property
    def id(self) -> str:
        if self.seed is None:
            return f"hw6 {__version__}, homework values"
        marker = f", options {options_digest(self.options)}" if self.options else ""
        return f"hw6 {__version__}, seed {self.seed}{marker}"

    @property
    def footer_parts(self) -> tuple[str, ...]:
        """What the sheets' footer says, so staff can trace a printed sheet: the variant and the version."""
        which = "Homework" if self.seed is None else f"Variant {self.shown_label}"
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
    """How a sheet's variant is named to students: its opaque label, or the homework's own values."""
    return "the homework's own values" if variant.seed is None else f"variant {variant.shown_label}"


def opaque_label(seed: int, secret: str) -> str:
    """A short label for variant ``seed`` that only the holder of ``secret`` can tie to the seed: the
    first 40 bits of HMAC-SHA256(secret, seed) in Crockford base 32, e.g. ``7KQ2-M9XD``. Under the
    empty secret (a build without ``--salt``) anyone can recompute it for a guessed seed."""
    key = b"hw6-variant-label\0" + secret.encode("utf-8")
    digest = hmac.new(key, str(seed).encode("ascii"), hashlib.sha256).digest()
    bits = int.from_bytes(digest[:5], "big")
    text = "".join(LABEL_ALPHABET[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"{text[:4]}-{text[4:]}"


def normal_label(text: str) -> str | None:
    """``text`` as a label (case and the letters Crockford reads as digits forgiven), or None."""
    cleaned = text.strip().upper().translate(str.maketrans("OIL", "011"))
    if len(cleaned) == LABEL_CHARACTERS and "-" not in cleaned:
        cleaned = f"{cleaned[:4]}-{cleaned[4:]}"
    return cleaned if LABEL_PATTERN.match(cleaned) else None


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
