"""Seeded variants: parameters drawn per problem, redrawn until they keep their guarantees.

A variant is fixed by (seed, generator version). Each problem draws from its
own stream, ``default_rng([seed, crc32(section), attempt])``, so adding a
problem or changing one problem's sampler leaves the others' draws alone; a
draw that breaks one of the problem's guarantees is redrawn with the next
attempt number, so the same seed always lands on the same final variant. A problem's named
degenerate kinds (:mod:`solver.kernel.degenerate`) are guarantees too, under any drawing options.
A change that alters what a seed produces must bump ``solver.__version__``
(``tests/test_variants.py`` pins the draws of a few seeds).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..build.pipeline import MAX_SEED, Solved, Variant, options_from_data, options_json, recorded_params
from ..build.selection import included
from ..io.files import read_structured
from ..kernel.errors import Hw6Error, ParamsError
from ..kernel.exact import to_integer
from ..problems import PROBLEMS, BuildContext
from .fairness import band_breaks, structure_of

MAX_ATTEMPTS = 200


class VariantError(Hw6Error):
    """No draw of a problem kept its guarantees within the allowed attempts."""

    exit_code = 1


@dataclass(frozen=True)
class Drawn:
    """A drawn variant: its seed, every problem solved, and how many draws each took."""

    variant: Variant
    solved: list[Solved]
    attempts: dict[str, int]
    redrawn: dict[str, int] = field(default_factory=dict)  # degenerate kind's name -> draws it rejected

    @property
    def params(self) -> dict:
        """What the variant's params.json records: each problem's parameters and any skipped problems."""
        return recorded_params(self.solved)


def parse_seed(value: object, field: str = "--seed") -> int:
    """A seed from the command line or a file: an integer from 0 to 2**63 - 1."""
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit() or len(text) > 19:
            raise ParamsError(field, f"an integer from 0 to {MAX_SEED}", value)
        value = int(text)
    return to_integer(value, field, minimum=0, maximum=MAX_SEED)


def problem_rng(seed: int, section: str, attempt: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(section.encode("utf-8")), attempt])


def draw(
    seed: int,
    context: BuildContext | None = None,
    *,
    student: str | None = None,
    options: Mapping[str, Any] | None = None,
    label: str | None = None,
) -> Drawn:
    """Draw and solve every problem of variant ``seed``; ``options`` (from
    :func:`solver.pipeline.options_from_data`) tune how problems that take them draw; ``label`` is
    what the sheets call the variant (see :func:`solver.build.variant.opaque_label`)."""
    seed = parse_seed(seed)
    context = context or BuildContext()
    options = dict(options or {})
    solved, attempts = [], {}
    redrawn: dict[str, int] = {}
    for problem in included(PROBLEMS, context.skip):
        if problem.sample is None:
            params = problem.params_type()
            solved.append(Solved(problem, params, problem.solve(params, context)))
            attempts[problem.section] = 0
            continue
        extra: tuple[Any, ...] = ()
        if problem.sample_options is not None:
            extra = (options.get(problem.section) or problem.sample_options(),)
        broken: list[str] = []
        for attempt in range(MAX_ATTEMPTS):
            params = problem.sample(problem_rng(seed, problem.section, attempt), *extra)
            solution = problem.solve(params, context)
            broken = problem.guarantees(params, solution, *extra) if problem.guarantees else []
            for kind in problem.degenerate:  # whatever the options: a degenerate variant is never handed out
                if (why := kind.broken(params, solution)) is not None:
                    broken.append(why)
                    redrawn[kind.name] = redrawn.get(kind.name, 0) + 1
            if not broken and structure_of(extra[0] if extra else None) == "same":
                broken = band_breaks(problem, solution)  # as hard as the homework, no more, no less
            if not broken:
                break
        else:
            raise VariantError(
                f"seed {seed}: no draw of {problem.section} kept its guarantees in {MAX_ATTEMPTS} attempts "
                f"(last: {'; '.join(broken)})"
            )
        solved.append(Solved(problem, params, solution))
        attempts[problem.section] = attempt + 1
    return Drawn(
        Variant(seed=seed, student=student, options=options_json(options), label=label), solved, attempts, redrawn
    )


def read_variant_options(path: str | Path | None) -> dict[str, Any]:
    """Drawing options from a YAML/JSON file (``--variant-options``), or the defaults."""
    if path is None:
        return options_from_data({})
    return options_from_data(read_structured(path), str(path))


def student_seed(salt: str, student_id: str) -> int:
    """A student's seed, derived from (salt, id): stable, and unguessable without the salt."""
    digest = hashlib.sha256(f"hw6-variant\0{salt}\0{student_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & MAX_SEED
