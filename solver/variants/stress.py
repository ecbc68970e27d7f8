"""Stress-testing variants: draw many, check each, and show how their answers are spread.

For every seed the whole pipeline short of LaTeX runs: draw with guarantees,
solve, NumPy cross-checks, render both sheets and the key. Failures must be
zero, and so must the variants handed out of each named degenerate kind; the
timings and the histograms of each problem's ``features`` let staff see that
variants are sound, fair and not guessable.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..build.pipeline import prepare
from ..build.selection import included
from ..io.progress import Progress
from ..kernel.degenerate import degenerate_names
from ..kernel.errors import Hw6Error
from ..problems import PROBLEMS, BuildContext
from .draw import draw
from .fairness import Band, Fairness


@dataclass
class StressReport:
    count: int
    failures: dict[int, str] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    features: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    attempts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    fairness: Fairness | None = None
    # Each named kind of degenerate draw: how many draws it rejected, and the seeds handed out with it.
    redrawn: Counter = field(default_factory=Counter)
    degenerate: dict[str, list[int]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """Any variant failed, or one of them has a difficulty feature outside its band."""
        degenerate = any(self.degenerate.values())
        return bool(self.failures) or bool(self.fairness and self.fairness.fails) or degenerate

    def json(self) -> dict[str, Any]:
        return {
            "variants": self.count,
            "failures": {str(seed): message for seed, message in self.failures.items()},
            "fairness": self.fairness.json() if self.fairness else [],
            "seconds_per_variant": statistics.fmean(self.seconds) if self.seconds else None,
            "degenerate": {
                name: {"redrawn": self.redrawn[name], "handed_out": len(seeds), "seeds": seeds[:20]}
                for name, seeds in self.degenerate.items()
            },
        }

    def text(self) -> str:
        lines = [f"variants: {self.count}   failures: {len(self.failures)}"]
        for seed, message in list(self.failures.items())[:20]:
            lines.append(f"  seed {seed}: {message}")
        if self.seconds:
            ordered = sorted(self.seconds)
            p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
            lines.append(
                f"time per variant: mean {1000 * statistics.fmean(ordered):.1f} ms, median {1000 * statistics.median(ordered):.1f} ms, p95 {1000 * p95:.1f} ms, max {1000 * ordered[-1]:.1f} ms"
            )
        if self.fairness and self.fairness.spreads:
            outside = sum(len(s.outside) for s in self.fairness.spreads.values() if s.enforced)
            lines.append(f"fairness (difficulty features against the homework's; {outside} outside their bands):")
            lines += ["  " + line for line in self.fairness.table().splitlines()]
        if self.degenerate:
            handed_out = sum(len(seeds) for seeds in self.degenerate.values())
            lines.append(f"degenerate variants ({handed_out} handed out; draws redrawn for each kind):")
            width = max(len(name) for name in self.degenerate)
            for name, seeds in self.degenerate.items():
                which = f"  seeds {', '.join(map(str, seeds[:10]))}" if seeds else ""
                lines.append(f"  {name:<{width}}  handed out {len(seeds)}  redrawn {self.redrawn[name]}{which}")
        for title, table in (("draws needed to meet the guarantees", self.attempts), ("answers", self.features)):
            if table:
                lines.append(f"{title}:")
                for name in sorted(table):
                    lines += _histogram(name, table[name])
        return "\n".join(lines)


def _histogram(name: str, counts: Counter, width: int = 40, most: int = 15) -> list[str]:
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    top = max(counts.values())
    lines = [f"  {name}  ({len(counts)} distinct)"]
    for value, count in ordered[:most]:
        bar = "#" * max(1, round(width * count / top))
        lines.append(f"    {str(value):>14}  {count:6d}  {100 * count / total:5.1f}%  {bar}")
    if len(ordered) > most:
        lines.append(f"    {'...':>14}  {sum(c for _, c in ordered[most:]):6d}  (other values)")
    return lines


@dataclass(frozen=True)
class Outcome:
    """What one seed contributes to a report (plain data, so a cluster task can return it)."""

    seed: int
    failure: str | None = None
    seconds: float = 0.0
    attempts: dict[str, int] = field(default_factory=dict)
    features: list[tuple[str, Any]] = field(default_factory=list)  # (section.key, value), repeats kept
    difficulty: list[tuple[str, float]] = field(default_factory=list)  # (section.feature, value)
    redrawn: dict[str, int] = field(default_factory=dict)  # degenerate kind -> draws it rejected
    degenerate: list[str] = field(default_factory=list)  # the kinds the handed-out variant is (none)


def stress_one(seed: int, context: BuildContext | None, options: Mapping[str, Any] | None) -> Outcome:
    began = time.perf_counter()
    try:
        drawn = draw(seed, context, options=options)
        prepare(drawn.solved, drawn.variant, notebooks=False)  # a report: nothing is written or executed
    except Hw6Error as exc:
        return Outcome(seed, failure=str(exc).splitlines()[0])
    seconds = time.perf_counter() - began
    features, difficulty, degenerate = [], [], []
    for item in drawn.solved:
        degenerate += degenerate_names(list(item.problem.degenerate), item.params, item.solution)
        if item.problem.features:
            for key, value in item.problem.features(item.solution).items():
                features.append((f"{item.problem.section}.{key}", value))
        if item.problem.difficulty is not None:
            for name, measured in item.problem.difficulty.measure(item.solution).items():
                difficulty.append((f"{item.problem.section}.{name}", float(measured)))
    return Outcome(seed, None, seconds, dict(drawn.attempts), features, difficulty, dict(drawn.redrawn), degenerate)


def _add(report: StressReport, outcome: Outcome) -> None:
    if outcome.failure is not None:
        report.failures[outcome.seed] = outcome.failure
        return
    report.seconds.append(outcome.seconds)
    report.redrawn.update(outcome.redrawn)
    for name in outcome.degenerate:
        report.degenerate.setdefault(name, []).append(outcome.seed)
    for section, attempts in outcome.attempts.items():
        report.attempts[section][attempts] += 1
    for name, value in outcome.features:
        report.features[name][value] += 1
    if report.fairness is not None:
        for name, measured in outcome.difficulty:
            report.fairness.record(outcome.seed, name, measured)


def run_stress(
    count: int,
    *,
    start: int = 0,
    context: BuildContext | None = None,
    progress: bool | None = None,
    options: Mapping[str, Any] | None = None,
    scheduler: str | None = None,
    bands: Mapping[str, Band] | None = None,
) -> StressReport:
    """``count`` seeds from ``start``, here or (``scheduler``) one task per seed on a Dask cluster;
    ``bands`` ("section.feature" -> band) replaces declared bands in the fairness check (not in drawing)."""
    report = StressReport(count, fairness=Fairness(PROBLEMS, options or {}, bands))
    kinds = [kind.name for p in included(PROBLEMS, context.skip if context else frozenset()) for kind in p.degenerate]
    report.degenerate = {name: [] for name in kinds}
    seeds = range(start, start + count)
    with Progress(count, "stress", enabled=progress) as bar:
        if scheduler is None:
            for seed in seeds:
                _add(report, stress_one(seed, context, options))
                bar.advance(f"seed {seed}")
            return report
        from .cluster import run_tasks, timed_draw, worker_folders

        folders = worker_folders(context)
        outcomes: dict[int, Outcome] = {}
        for index, outcome in run_tasks(scheduler, timed_draw, [(seed, options, folders) for seed in seeds]):
            outcomes[index] = outcome
            bar.advance(f"seed {outcome.seed}")
        for index in range(count):  # in seed order, as a local run adds them
            _add(report, outcomes[index])
    return report
