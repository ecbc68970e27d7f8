"""Problem 5: reading the "How to Train Your ResNet" blog series (written answers).

Nothing here is computed from parameters: 5a is a set of facts quoted from the
series with its source, 5b and 5c are example answers. The cross-check keeps
the facts consistent with what they claim (each post faster than the one
before, the speed-up the sheet states).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..kernel.checks import Check
from ..kernel.params import ParamsBase
from ..kernel.problem import BuildContext, Part, Problem
from ..kernel.rubric import Item, with_rubric

SOURCE = "https://myrtle.ai/learn/how-to-train-your-resnet/"


@dataclass(frozen=True)
class Params(ParamsBase):
    """No parameters: the reading is the same for every variant."""


@dataclass(frozen=True)
class Milestone:
    post: str
    seconds: int


@dataclass(frozen=True)
class Solution:
    accuracy: Fraction
    baseline_single_gpu_s: int  # DAWNBench state of the art when the series began
    baseline_eight_gpu_s: int
    milestones: tuple[Milestone, ...]  # the training time each post reached, in order

    @property
    def final_s(self) -> int:
        return self.milestones[-1].seconds

    @property
    def speedup(self) -> Fraction:
        return Fraction(self.baseline_single_gpu_s, self.final_s)


FACTS = Solution(
    accuracy=Fraction(94, 100),
    baseline_single_gpu_s=341,
    baseline_eight_gpu_s=174,
    milestones=(
        Milestone("1. Baseline", 297),
        Milestone("2. Mini-batches", 256),
        Milestone("3. Regularisation", 154),
        Milestone("4. Architecture", 79),
        Milestone("8. Bag of tricks", 26),
    ),
)

ANSWER_5A = (
    "The series measures the time to train a network from scratch to 94% test accuracy on CIFAR-10, the "
    "DAWNBench target. When it began, the best DAWNBench entry on one GPU took 341 s (174 s on eight GPUs). "
    "After cleaning up that baseline the authors were at 297 s; larger mini-batches brought 256 s, "
    "regularisation and profiling 154 s, a simpler 9-layer residual architecture 79 s, and the final "
    "post's bag of tricks reached 94% in 26 s on a single V100 GPU, about 13 times faster than where they "
    f"started. Source: {SOURCE}"
)

ANSWER_5B = (
    "Example of a good answer. Most of the speed came from removing waste rather than from a clever new "
    "model: data was preprocessed once instead of every epoch, random numbers were drawn in batches, and "
    "profiling showed where the GPU sat idle. The experiments also showed that hyperparameters are coupled: "
    "with weight decay and batch normalisation the effective learning rate depends on the product of learning "
    "rate and weight decay, so scaling the batch size needs matching changes rather than a fresh search. "
    "Finally, a smaller architecture trained for fewer epochs can beat a larger one when time, not "
    "parameters, is the budget, and regularisation such as cutout lets short schedules generalise."
)

ANSWER_5C = (
    "Example of a good answer. The study of weight decay was the most interesting to me. With batch "
    "normalisation a layer's output does not change when its weights are scaled, so weight decay does not "
    "limit capacity directly; instead it keeps the weight norm small, which raises the effective step size. "
    "Learning rate and weight decay therefore act together, and their product sets the dynamics. This "
    "explains why some hyperparameter combinations transfer across batch sizes while others fail, and it "
    "turns tuning from guesswork into reasoning about a few scale-invariant quantities, a lesson that "
    "applies to any normalised network, not only to fast CIFAR-10 training."
)


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    return FACTS


def crosscheck(solution: Solution) -> list[Check]:
    times = [solution.baseline_single_gpu_s] + [m.seconds for m in solution.milestones]
    decreasing = all(a > b for a, b in zip(times, times[1:], strict=False))
    stated = f"{float(solution.speedup):.0f}"
    return [
        Check(
            "5a",
            "consistency: each post faster",
            " > ".join(map(str, times)),
            "strictly decreasing" if decreasing else "not decreasing",
            decreasing,
        ),
        Check("5a", "consistency: stated speed-up", "about 13 times", f"{stated} times", stated == "13"),
    ]


def parts(solution: Solution) -> dict[str, Part]:
    """The answer key. Part ids and the solution fields each reads:

    - ``5a``: ``baseline_single_gpu_s``, ``final_s`` (the last of ``milestones``) and ``accuracy``.
    - ``5b``, ``5c``: nothing (example answers, the same for every variant).
    """
    data = {
        "baseline_s": solution.baseline_single_gpu_s,
        "final_s": solution.final_s,
        "accuracy": float(solution.accuracy),
    }
    accuracy = f"{float(solution.accuracy):.0%}"
    reflection = ["an answer that is the student's own, whatever it singles out"]
    return {
        "5a": with_rubric(
            Part("written", ANSWER_5A, extra={"data": data, "source": SOURCE}),
            Item(
                1,
                f"The goal: {accuracy} test accuracy on CIFAR-10, trained from scratch; the start: "
                f"{solution.baseline_single_gpu_s} s on one GPU (the DAWNBench entry the series set out to beat).",
                accepted=[f"the authors' cleaned-up baseline of {solution.milestones[0].seconds} s as the start"],
                wrong=["an accuracy or time from another benchmark"],
            ),
            Item(1, f"The end: {accuracy} in {solution.final_s} s on a single GPU."),
        ),
        "5b": with_rubric(
            Part("written", ANSWER_5B, extra={"example": True}),
            Item(
                1,
                "About 100 words on something specific the student learned from the series (a technique, a "
                "measurement or a lesson about hyperparameters), in their own words.",
                accepted=reflection,
                wrong=["a summary of the title only", "far longer or shorter than asked"],
            ),
        ),
        "5c": with_rubric(
            Part("written", ANSWER_5C, extra={"example": True}),
            Item(
                1,
                "About 100 words naming one of the authors' approaches and why it interested the student.",
                accepted=reflection,
                wrong=["an approach named with no reason"],
            ),
        ),
    }


def view(solution: Solution) -> dict:
    return {
        "source": SOURCE,
        "answer_5a": ANSWER_5A.replace(f" Source: {SOURCE}", ""),
        "answer_5b": ANSWER_5B.removeprefix("Example of a good answer. "),
        "answer_5c": ANSWER_5C.removeprefix("Example of a good answer. "),
        "speedup": f"{float(solution.speedup):.1f}",
    }


PROBLEM = Problem(
    section="blog",
    number=5,
    title="Reading: How to Train Your ResNet",
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    parts=parts,
    view=view,
)
