"""Stress-testing variants: draw many, check each, and show how their answers are spread.

For every seed the whole pipeline short of LaTeX runs: draw with guarantees,
solve, NumPy cross-checks, render both sheets and the key. Failures must be
zero; the timings and the histograms of each problem's ``features`` let staff
see that variants are sound, fair and not guessable.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import Hw6Error
from ..core.pipeline import prepare
from ..io.progress import Progress
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

    @property
    def failed(self) -> bool:
        """Any variant failed, or one of them has a difficulty feature outside its band."""
        return bool(self.failures) or bool(self.fairness and self.fairness.fails)

    def json(self) -> dict[str, Any]:
        return {
            "variants": self.count,
            "failures": {str(seed): message for seed, message in self.failures.items()},
            "fairness": self.fairness.json() if self.fairness else [],
            "seconds_per_variant": statistics.fmean(self.seconds) if self.seconds else None,
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


def run_stress(
    count: int,
    *,
    start: int = 0,
    context: BuildContext | None = None,
    progress: bool | None = None,
    options: Mapping[str, Any] | None = None,
    bands: Mapping[str, Band] | None = None,
) -> StressReport:
    """``bands`` ("section.feature" -> band) replaces declared bands in the fairness check (not in drawing)."""
    fairness = Fairness(PROBLEMS, options or {}, bands)
    report = StressReport(count, fairness=fairness)
    with Progress(count, "stress", enabled=progress) as bar:
        for seed in range(start, start + count):
            began = time.perf_counter()
            try:
                drawn = draw(seed, context, options=options)
                prepare(drawn.solved, drawn.variant)
            except Hw6Error as exc:
                report.failures[seed] = str(exc).splitlines()[0]
                bar.advance(f"seed {seed}")
                continue
            report.seconds.append(time.perf_counter() - began)
            for section, attempts in drawn.attempts.items():
                report.attempts[section][attempts] += 1
            for item in drawn.solved:
                fairness.add(seed, item.problem, item.solution)
                if item.problem.features:
                    for key, value in item.problem.features(item.solution).items():
                        report.features[f"{item.problem.section}.{key}"][value] += 1
            bar.advance(f"seed {seed}")
    return report
