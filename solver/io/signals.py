"""Stopping cleanly on SIGINT and SIGTERM, wherever hw6 is when one arrives.

``hw6`` turns either signal into :class:`Stopped` (a ``KeyboardInterrupt``), raised in the main
thread: every ``with``/``finally`` on the way out runs, so staged output is removed, grading
workers and Dask clusters are shut down, and the command prints one line and exits with
128 + the signal's number (130 for SIGINT, 143 for SIGTERM). A second signal while stopping is
ignored, so the clean-up finishes.

While a notebook runs, nbclient takes both signals over to shut its kernel down, and puts the
default handlers back when it is done; :func:`recorded` notes which signal it was on that
event loop, and the notebook runner raises :class:`Stopped` for it and reinstalls hw6's handlers.
nbclient's handler also starts a clean-up task of its own, which fails when the kernel is already
being shut down; asyncio would print that task's traceback after hw6's one line, so while hw6 stops
the loop drops a task's unretrieved exception (and reports everything else as usual).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_RECEIVED: list[int] = []
_PREVIOUS: dict[int, Any] = {}


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived: hw6 stops, cleaning up on the way out."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def message(self) -> str:
        return "interrupted" if self.signum == signal.SIGINT else "terminated"


def _stop(signum: int, frame: Any) -> None:
    if _RECEIVED:
        return  # already stopping: let the clean-up finish
    _RECEIVED.append(signum)
    raise Stopped(signum)


def install() -> None:
    """Turn SIGINT and SIGTERM into :class:`Stopped` (main thread only; else nothing)."""
    if threading.current_thread() is not threading.main_thread():
        return
    _RECEIVED.clear()
    for signum in STOPPING_SIGNALS:
        previous = signal.signal(signum, _stop)
        _PREVIOUS.setdefault(signum, previous)


def reinstall() -> None:
    """hw6's handlers again, after a library put the defaults back (only while hw6 has them)."""
    if _PREVIOUS and threading.current_thread() is threading.main_thread():
        for signum in STOPPING_SIGNALS:
            signal.signal(signum, _stop)


def uninstall() -> None:
    """The handlers there were before :func:`install` (an in-process caller gets its own back)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum, previous in _PREVIOUS.items():
        signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
    _PREVIOUS.clear()


def received() -> int | None:
    """The signal hw6 is stopping for, or None."""
    return _RECEIVED[0] if _RECEIVED else None


def raise_if_received() -> None:
    if _RECEIVED:
        raise Stopped(_RECEIVED[0])


@contextmanager
def recorded(loop: Any) -> Iterator[None]:
    """Note which stopping signal ``loop``'s own handlers (a library's, e.g. nbclient's) receive."""
    original = loop.add_signal_handler

    def add(signum: int, callback: Any, *args: Any) -> Any:
        def noted(*given: Any) -> Any:
            if signum in STOPPING_SIGNALS and not _RECEIVED:
                _RECEIVED.append(signum)
            return callback(*given)

        return original(signum, noted, *args)

    loop.add_signal_handler = add
    if loop.get_exception_handler() is None:  # kept after the block: the task is reported when collected
        loop.set_exception_handler(_quiet_while_stopping)
    try:
        yield
    finally:
        del loop.add_signal_handler  # the class's method again


def _quiet_while_stopping(loop: Any, context: dict[str, Any]) -> None:
    """A loop's exception handler: while hw6 stops, an exception a task left unretrieved (a library's
    clean-up racing hw6's) is dropped; anything else, or at any other time, is reported as usual."""
    if _RECEIVED and "exception" in context:
        return
    loop.default_exception_handler(context)
