"""The exceptions hw6 raises on purpose.

Every error a user can cause derives from :class:`Hw6Error`; the CLI prints its
message and exits with its ``exit_code``. Anything else escaping is a bug.

    Hw6Error                   exit 2 unless noted
    ├── ParamsError            a parameter has the wrong type, range or shape
    ├── InputFileError         a file cannot be read or parsed
    ├── OutputError            an output folder or file cannot be written
    ├── LatexError             TeX Live is missing or latexmk failed
    ├── SchedulerError         --scheduler is malformed, unreachable or dask is not installed
    ├── TrainingDiverged       a training run's weights or gradients became NaN or infinite (the
    │                          configured learning rate is too high for it)
    ├── CrossCheckFailed       an exact answer disagrees with its numeric check (exit 1)
    ├── NotebookFailed         the solution notebook did not run to its end (exit 1)
    └── OracleUnavailable      the torch oracle was asked for but is not installed

    ValueError                 not an Hw6Error: hw6's own code called something wrongly
    └── LayerUsageError        a solver.nn layer got an array of the wrong shape, an unknown
        │                      nonlinearity or no time steps; parameters are validated before
        │                      they reach a layer, so this is a bug
        └── NonFiniteValues    ... or NaN or infinite values; during training, after a step,
                               solver.nn.train reports it as TrainingDiverged instead

    InputWarning (a UserWarning)   input that is accepted but looks wrong; the CLI prints
                                   it as one ``hw6: warning: ...`` line on stderr
"""

from __future__ import annotations

from typing import Any

from ..io.inputs import InputRejected


class Hw6Error(Exception):
    """Base class of all errors hw6 reports to a user."""

    exit_code = 2


class SchedulerError(Hw6Error):
    """``--scheduler`` names no usable Dask scheduler, or dask.distributed is not installed."""


class ParamsError(Hw6Error, ValueError):
    """A parameter is not what its field expects.

    ``field`` is a dotted path such as ``rnn_backprop.steps``; ``expected``
    says what would have been accepted; ``got`` is the offending value.
    """

    def __init__(self, field: str, expected: str, got: Any = None, *, has_got: bool | None = None):
        self.field = field
        self.expected = expected
        self.got = got
        self.has_got = (got is not None) if has_got is None else has_got
        super().__init__(self._message())

    def _message(self) -> str:
        message = f"{self.field}: expected {self.expected}"
        if self.has_got:
            message += f", got {_show(self.got)}"
        return message

    def within(self, prefix: str) -> ParamsError:
        """The same error with ``prefix`` put in front of its field path."""
        field = f"{prefix}.{self.field}" if self.field else prefix
        return ParamsError(field, self.expected, self.got, has_got=self.has_got)


class InputFileError(Hw6Error, InputRejected):
    """An input file is missing, unreadable or malformed (the grading package's
    stdlib-only readers raise its base, :class:`InputRejected`)."""


class OutputError(Hw6Error):
    """An output location cannot be created or written."""


class LatexError(Hw6Error):
    """LaTeX could not make a PDF; the message names the first error and the log."""


class TrainingDiverged(Hw6Error):
    """A training run's weights or gradients stopped being finite numbers; the message names the run and epoch."""


class LayerUsageError(ValueError):
    """A layer of :mod:`solver.nn` was called with inputs it cannot take: a programming error.

    Deliberately not an :class:`Hw6Error`: every user-given value is validated
    before it reaches a layer, so the CLI must not present this as bad input.
    The message names the argument and the shape (or values) it expects, e.g.
    ``RNN.forward: x has shape (4, 5, 3), expected (B, T, 2) with T >= 1``.
    """


class NonFiniteValues(LayerUsageError):
    """A layer of :mod:`solver.nn` got NaN or infinite values (from diverging weights, when training)."""


class CrossCheckFailed(Hw6Error):
    """An exact answer disagrees with its independent numeric check."""

    exit_code = 1

    def __init__(self, failures: list):
        self.failures = failures
        lines = [f"{len(failures)} cross-check(s) disagree; nothing was written:"]
        lines += [f"  {c.part} [{c.backend}]: exact {c.exact}, numeric {c.numeric}" for c in failures]
        super().__init__("\n".join(lines))


class NotebookFailed(Hw6Error):
    """A cell of the solution notebook raised, timed out or lost its kernel; nothing is written."""

    exit_code = 1


class OracleUnavailable(Hw6Error):
    """The torch oracle is not installed."""


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class InputWarning(UserWarning):
    """Input hw6 accepts but that is probably not what was meant (e.g. rounded probabilities)."""
