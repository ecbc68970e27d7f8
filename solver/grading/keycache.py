"""Checked answer keys kept between runs of ``hw6 check``, so a class pays no solve or cross-check twice.

An entry is written only after every cross-check of the answers it comes from agreed (a key
that failed one is never stored), and it is found again only by the same inputs: the
canonical parameters (or the seed and drawing options), hw6's version and a fingerprint of
every file of hw6's package, so editing any solver, check or key builder makes every entry stale.
Keys that depend on a data folder (``--names-dir``) are not kept. An entry carries the SHA-256
of its key: a damaged entry counts as missing and is rebuilt; deleting the cache folder is
always safe.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..build import pipeline
from ..build.pipeline import Solved, Variant
from ..io.cache import Cache, cache_key
from ..kernel.params import to_jsonable
from ..kernel.points import GradingParams
from ..kernel.problem import BuildContext
from ..variants import draw as drawing_module

KIND = "checked-key"
FORMAT = 1  # bump when what an entry holds changes


def checked_parts(
    solved: list[Solved], variant: Variant | None, grading: GradingParams | None = None
) -> dict[str, Any]:
    """The key's parts, only once every cross-check of the answers they come from agrees."""
    return checked_answer_key(solved, variant, grading)["parts"]


def checked_answer_key(
    solved: list[Solved], variant: Variant | None, grading: GradingParams | None = None
) -> dict[str, Any]:
    """The whole key (parts, and the code submission's section when there is one), once every cross-check agrees."""
    pipeline.checked(solved)
    return pipeline.answer_key(solved, variant, grading)


def part_titles(solved: list[Solved]) -> dict[str, str]:
    """part id -> the title of the problem it belongs to."""
    return {part_id: item.problem.title for item in solved for part_id in item.problem.parts(item.solution)}


@cache
def source_fingerprint() -> str:
    """SHA-256 of every file of the hw6 package (their paths and bytes, bytecode left out), once per process."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    files = (p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_identity(problems: Iterable[Any]) -> list[list[str]]:
    """Which functions compute each problem's key (module and qualified name of every callable
    field): a problem put together at run time (a test's patched cross-check) is another key."""
    identity = []
    for problem in problems:
        fields = sorted(vars(problem).items())
        names = [f"{name}={_qualified(value)}" for name, value in fields if callable(value)]
        identity.append([str(getattr(problem, "section", "")), *names])
    return identity


def _qualified(function: Any) -> str:
    module = getattr(function, "__module__", None) or type(function).__module__
    return f"{module}.{getattr(function, '__qualname__', None) or repr(function)}"  # a repr: never found again


def entry_name(inputs: Mapping[str, Any]) -> str:
    return cache_key(KIND, {"format": FORMAT, "source": source_fingerprint(), "inputs": dict(inputs)})


def checked_key(
    cache_dir: str | Path | None,
    inputs: Mapping[str, Any] | None,
    build: Callable[[], dict[str, Any]],
    well_formed: Callable[[Any], bool] | None = None,
) -> dict[str, Any]:
    """The entry for ``inputs`` ({"parts", "titles", "seed"} as ``build`` returns it once its checks
    agreed), from the cache when it holds one; ``inputs=None``: not cacheable, always built.
    ``well_formed`` tells an entry of another shape (a variant's digest) as written."""
    if inputs is None or cache_dir is None:
        return json.loads(json.dumps(build()))
    store, name = Cache(cache_dir), entry_name(inputs)
    found = store.read_json(KIND, name)
    if isinstance(found, dict) and (well_formed or _key_shaped)(found.get("key")) and _intact(found):
        return found["key"]
    entry: dict[str, Any] = json.loads(json.dumps(build()))  # raises when a cross-check disagrees: nothing stored
    stored = {"key": entry, "sha256": _digest(entry)}  # in the key's own order (Cache.write_json sorts)
    store.write_bytes(KIND, name, "json", json.dumps(stored).encode("utf-8"))
    return entry  # as JSON reads it back: a cold and a warm run grade with the same data


def _digest(entry: Any) -> str:
    return hashlib.sha256(json.dumps(entry).encode("utf-8")).hexdigest()


def _intact(found: dict[str, Any]) -> bool:
    """An entry as written: the digest of its key (damage is rebuilt, not used)."""
    return found.get("sha256") == _digest(found.get("key"))


def _key_shaped(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("parts"), dict)
        and all(isinstance(spec, dict) for spec in entry["parts"].values())
        and isinstance(entry.get("titles"), dict)
        and (entry.get("seed") is None or type(entry.get("seed")) is int)
    )


def variant_inputs(seed: int, drawing: Mapping[str, Any] | None, grading: Any, what: str) -> dict[str, Any] | None:
    """The inputs that name ``what`` ("key" or "digest") of the variant ``seed`` draws with ``drawing``."""

    problems = [*pipeline.PROBLEMS, *drawing_module.PROBLEMS]
    return {
        what: seed,
        "options": pipeline.options_json(drawing),
        "grading": None if grading is None else to_jsonable(grading),
        "code": code_identity(problems),
    }


@dataclass(frozen=True)
class DefaultKey:
    """The key ``--seed``/``--params`` (or the homework) gives, checked, and what grading needs with it."""

    parts: dict[str, Any]
    titles: dict[str, str]  # part id -> its problem's title
    seed: int | None  # the variant's seed; None: the homework's own values
    grading: Any  # the params file's grading section (None for a seed)
    code: dict[str, Any] | None = None  # answers.json's code_submission (None: no data, nothing to grade a log with)


def default_key(seed: int | None, params_file: str | None, context: BuildContext, drawing: dict) -> DefaultKey:
    """What ``hw6 check`` grades against when no manifest decides, from the cache when it can."""

    def entry(solved: list, variant: Any, grading: Any) -> dict[str, Any]:
        key = checked_answer_key(solved, variant, grading)
        found = {"parts": key["parts"], "titles": part_titles(solved), "seed": variant.seed}
        return found | ({"code": key["code_submission"]} if "code_submission" in key else {})

    grading = None
    if seed is not None:
        inputs: dict[str, Any] = {"seed": seed, "options": pipeline.options_json(drawing)}
        problems = [*pipeline.PROBLEMS, *drawing_module.PROBLEMS]

        def build() -> dict[str, Any]:
            drawn = drawing_module.draw(seed, context, options=drawing)
            return entry(drawn.solved, drawn.variant, None)
    else:
        params, variant = pipeline.read_params_and_variant(params_file)  # its warnings, on a hit too
        grading = params.get("grading")
        inputs, problems = {"params": pipeline.params_json(params, variant)}, list(pipeline.PROBLEMS)

        def build() -> dict[str, Any]:
            return entry(pipeline.solve_all(params, context), variant, grading)

    inputs["code"] = code_identity(problems)
    inputs["skip"] = sorted(context.skip)  # a skipped problem is not in the key
    cacheable = not context.data_folders  # a data folder's contents are not in the inputs
    found = checked_key(context.cache_dir, inputs if cacheable else None, build)
    return DefaultKey(found["parts"], found["titles"], found.get("seed"), grading, found.get("code"))
