"""The ``hw6`` command: parses the command line, runs one of :mod:`solver.commands`, and turns
every error a user can cause into one line on stderr and its exit code.

Exit codes: 0 success; 1 a cross-check disagrees; 2 bad input, unwritable
output or LaTeX failure (one message on stderr naming the field or file).
Output is UTF-8 whatever the locale. SIGINT and SIGTERM stop any command cleanly
(nothing half-written, workers and kernels shut down): one line, exit 130 or 143.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import errno
import io
import os
import sys
import warnings

from . import __version__
from .commands import COMMANDS
from .io import signals
from .io.inputs import InputRejected
from .io.signals import Stopped
from .kernel.errors import Hw6Error, InputWarning


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line (the usage itself is one ``--help`` away)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hw6", description="Solve, check and typeset Homework 6.")
    parser.add_argument("--version", action="version", version=f"hw6 {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(command.NAME, help=command.HELP)
        command.add_arguments(sub)
        sub.set_defaults(handler=command.run)
    return parser


def _one_line_input_warnings(fallback):
    """A ``warnings.showwarning`` that prints input warnings as one line on stderr."""

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        if issubclass(category, InputWarning):
            print(f"hw6: warning: {message}", file=sys.stderr)
        else:
            fallback(message, category, filename, lineno, file, line)

    return show


def _original_bytes_or_escape(error: UnicodeError) -> tuple[bytes, int]:
    """An encoding error handler: a file name's undecodable byte (``surrogateescape``) is written
    back as that byte, anything else that UTF-8 cannot hold as a visible ``\\uXXXX``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = bytearray()
    for char in error.object[error.start : error.end]:
        code = ord(char)
        out += bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}".encode()
    return bytes(out), error.end


OUTPUT_ERRORS = "hw6-bytes-or-escape"
codecs.register_error(OUTPUT_ERRORS, _original_bytes_or_escape)


def _utf8_streams() -> None:
    """hw6 reads and writes UTF-8 whatever the locale says (``LC_ALL=tr_TR.ISO-8859-9`` or ``C``):
    names, ids and feedback hold any letter, and an encoding error is never a user's traceback."""
    for stream, errors in ((sys.stdin, "strict"), (sys.stdout, OUTPUT_ERRORS), (sys.stderr, OUTPUT_ERRORS)):
        if isinstance(stream, io.TextIOWrapper) and codecs.lookup(stream.encoding).name != "utf-8":
            try:
                stream.reconfigure(encoding="utf-8", errors=errors)
            except (OSError, ValueError):  # already read from or written to: keep it as it is
                pass


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    args = build_parser().parse_args(argv)
    if getattr(args, "seed", None) is not None and getattr(args, "params", None) is not None:
        print("hw6: error: --seed and --params are alternatives; give one", file=sys.stderr)
        return 2
    signals.install()
    try:
        return _run(args)
    finally:
        signals.uninstall()


def _run(args: argparse.Namespace) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default", InputWarning)  # once per message and call of main()
            warnings.showwarning = _one_line_input_warnings(warnings.showwarning)
            code = args.handler(args)
        sys.stdout.flush()  # a full disk behind stdout shows here, not at exit
        return code
    except (Hw6Error, InputRejected) as exc:
        print(f"hw6: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Stopped as exc:  # SIGINT or SIGTERM: everything on the way out has cleaned up
        print(f"hw6: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hw6: interrupted", file=sys.stderr)
        return 130
    except asyncio.CancelledError:  # a library's task, cancelled by the signal it took over
        stopped = Stopped(signals.received() or 0)
        if not signals.received():
            raise
        print(f"hw6: {stopped.message}", file=sys.stderr)
        return stopped.exit_code
    except BrokenPipeError:  # e.g. `hw6 key | head`: the reader left, which is not an error
        _drop_stdout()
        return 0
    except OSError as exc:  # the environment, not the input: a full disk, a read-only folder
        print(f"hw6: error: {_os_error_text(exc)}", file=sys.stderr)
        return 2


def _os_error_text(exc: OSError) -> str:
    reason = exc.strerror or os.strerror(exc.errno) if exc.errno else str(exc)
    if exc.filename is not None:
        return f"{exc.filename}: cannot write or read there ({reason})"
    if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EPERM, errno.EIO, errno.EDQUOT, errno.EBADF):
        _drop_stdout()
        return f"cannot write the output ({reason})"
    return f"{reason}"


def _drop_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again
    (it would print a second error and exit 120)."""
    try:
        if sys.stdout is sys.__stdout__ and sys.stdout is not None:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())
            os.close(null)
    except (OSError, ValueError):
        pass
