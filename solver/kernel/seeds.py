"""What a seed is, in one place: an integer from 0 to MAX_SEED (2**63 - 1, NumPy's and SQLite's signed
64 bits), given as an integer or as its digits. The command line, parameters and manifest files, the
class's answer files and the manifest's labels all read seeds here."""

from __future__ import annotations

from .errors import ParamsError

MAX_SEED = 2**63 - 1
SEED_TEXT = f"an integer from 0 to {MAX_SEED}"
_DIGITS = len(str(MAX_SEED))


def is_seed(value: object) -> bool:
    """Whether ``value`` is already a seed (an int in range; True and False are not seeds)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SEED


def seed_or_none(raw: object) -> int | None:
    """The seed ``raw`` gives (an int, or its digits as text around spaces), or None when it gives none."""
    if isinstance(raw, str):
        text = raw.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > _DIGITS:
            return None
        raw = int(text)
    return raw if isinstance(raw, int) and is_seed(raw) else None


def parse_seed(value: object, field: str = "--seed") -> int:
    """A seed from the command line or a file, or a ParamsError naming ``field``."""
    seed = seed_or_none(value)
    if seed is None:
        raise ParamsError(field, SEED_TEXT, value, has_got=True)
    return seed
