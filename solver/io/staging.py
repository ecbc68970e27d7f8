"""Output folders replaced whole: a build is written beside ``--out`` and swapped in at once.

A build writes every file into a sibling staging folder (``.hw6-staging-<name>-<pid>-<random>``)
and, only when everything succeeded, exchanges it with the destination in one step (Linux's
``renameat2(RENAME_EXCHANGE)``; elsewhere the old folder is renamed aside first and put back by
the next run if a crash came between the two renames). Whatever moment a crash or kill hits,
``--out`` holds the old build or the new one, never a mix, and files of the old build that the
new one does not write (the PDFs before a ``--no-pdf`` build) go with the old folder. Hidden
entries that are not hw6's own (the default ``.cache``) are carried over into the new folder.
The next run removes what a killed run left, checking that the pid in its name has ended.

The environment variable ``HW6_TEST_PAUSE_IN_SWAP=<step>`` (``start``, ``aside``, ``swapped`` or
``carried``) makes :meth:`StagedOutput.commit` print ``hw6-test: swap <step>`` on stderr and sleep
60 s at that step of the swap, so that a test can kill it there; it exists only for the kill test
(``tests/test_reliability_output.py``) and is read nowhere else.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ..kernel.errors import OutputError

STAGING_PREFIX = ".hw6-staging-"
ASIDE_PREFIX = ".hw6-old-"
#: Visible names an hw6 build writes; a folder holding anything else is not replaced.
PRODUCTS = (
    "problems.tex",
    "problems.pdf",
    "problems.html",
    "solutions.tex",
    "solutions.pdf",
    "solutions.html",
    "figures",
    "report.txt",
    "rubric.md",
)
PRODUCT_SUFFIXES = (".json", ".tex", ".pdf", ".yaml", ".ipynb")  # keys, sheets, answer templates, notebooks
_PAUSE_VARIABLE = "HW6_TEST_PAUSE_IN_SWAP"
_RENAME_EXCHANGE = 2


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _short_name(name: str) -> str:
    return name[:80]


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_pid(entry: Path, prefix: str) -> int:
    head = entry.name[len(prefix) :].rsplit("-", 2)
    return int(head[1]) if len(head) == 3 and head[1].isdigit() else -1


def remove_leftovers(destination: Path) -> None:
    """Remove staging folders of ``destination`` left by runs that were killed; if a run died
    between renaming the old folder aside and the new one in, put the old one back."""
    name = _short_name(destination.name)
    for prefix in (ASIDE_PREFIX, STAGING_PREFIX):
        for entry in destination.parent.glob(f"{prefix}{name}-*"):
            if _owner_pid(entry, f"{prefix}") < 0 or _pid_alive(_owner_pid(entry, prefix)):
                continue
            if prefix == ASIDE_PREFIX and not destination.exists():
                os.replace(entry, destination)
            else:
                shutil.rmtree(entry, ignore_errors=True)


def _is_ours(folder: Path) -> str | None:
    """None when hw6 may replace ``folder``; else the name of an entry that is not hw6's."""
    for entry in folder.iterdir():
        if entry.name.startswith(".") or entry.name in PRODUCTS or entry.name.endswith(PRODUCT_SUFFIXES):
            continue
        return entry.name
    return None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux); False when the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd = -100
    result = renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(error, os.strerror(error), str(second))


def _pause(step: str) -> None:
    if os.environ.get(_PAUSE_VARIABLE) == step:
        print(f"hw6-test: swap {step}", file=sys.stderr, flush=True)
        time.sleep(60)


class StagedOutput:
    """Collect files in a staging folder beside ``destination``, then swap it in whole.

    Nothing changes in the destination until :meth:`commit`; on any error the staging folder
    is removed, so a failed build leaves the previous output as it was.
    """

    def __init__(self, destination: str | os.PathLike):
        if not str(destination).strip():
            raise OutputError("--out: expected a folder name, got ''")
        path = Path(os.path.abspath(destination))
        self.destination = path.resolve() if path.is_symlink() else path
        parent = self.destination.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            if self.destination.exists():
                if not self.destination.is_dir():
                    raise OutputError(f"{destination}: exists and is not a folder")
                foreign = _is_ours(self.destination)
                if foreign is not None:
                    raise OutputError(
                        f"{destination}: holds {foreign!r}, which hw6 did not write; hw6 replaces the whole "
                        "folder, so choose an empty or new one"
                    )
            remove_leftovers(self.destination)
            prefix = f"{STAGING_PREFIX}{_short_name(self.destination.name)}-{os.getpid()}-"
            self.staging = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
        except OSError as exc:
            raise OutputError(f"{destination}: cannot write output there ({_reason(exc)})") from None
        self._files: list[str] = []

    def path(self, name: str) -> Path:
        """Where to stage ``name`` (relative to the destination)."""
        target = self.staging / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.destination}: cannot write output there ({_reason(exc)})") from None
        if name not in self._files:
            self._files.append(name)
        return target

    def write_text(self, name: str, text: str) -> None:
        self.write_bytes(name, text.encode("utf-8"))

    def write_bytes(self, name: str, data: bytes) -> None:
        target = self.path(name)
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise OutputError(f"{self.destination}: cannot write {name} ({_reason(exc)})") from None

    def commit(self) -> list[Path]:
        """Swap the staged folder in; returns the destination path of every staged file."""
        try:
            self._prune()
            self.staging.chmod(0o777 & ~_umask())  # mkdtemp makes 0700; give the usual mode
            _pause("start")
            if not self.destination.exists():
                os.rename(self.staging, self.destination)
                old = None
            elif _exchange(self.staging, self.destination):
                old = self.staging
            else:
                old = self.staging.with_name(self.staging.name.replace(STAGING_PREFIX, ASIDE_PREFIX, 1))
                os.rename(self.destination, old)
                _pause("aside")
                os.rename(self.staging, self.destination)
            _pause("swapped")
            if old is not None:
                for entry in old.iterdir():
                    keep = entry.name.startswith(".") and not entry.name.startswith(".hw6-")
                    if keep and not (self.destination / entry.name).exists():
                        os.rename(entry, self.destination / entry.name)
                _pause("carried")
                shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            self.discard()
            raise OutputError(f"{self.destination}: cannot write output there ({_reason(exc)})") from None
        return [self.destination / name for name in self._files]

    def _prune(self) -> None:
        """Remove what was made in the staging folder but not staged (LaTeX's .aux, .log, ...)."""
        keep = {Path(name) for name in self._files}
        keep |= {parent for name in keep for parent in name.parents}
        for entry in sorted(self.staging.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if entry.relative_to(self.staging) in keep:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> StagedOutput:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.discard()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
