"""Student ids: one canonical form, and refusal of ids that could pass for someone else's.

An id is NFC-normalised. It is refused when it holds a control or format
character (zero-width spaces, bidi overrides, soft hyphens), a character that
compatibility normalisation changes (fullwidth or mathematical letters), or
letters of more than one script (a Cyrillic "а" inside a Latin name): any of
these lets ``\\u202ealice`` or ``ali\\u200bce`` look like ``alice`` on screen.
"""

from __future__ import annotations

import unicodedata

MAX_ID_LENGTH = 200
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class IdentityError(ValueError):
    """An id that is refused, with the reason."""


def canonical_id(raw: str) -> str:
    """The id in NFC, stripped of surrounding spaces; IdentityError when it is refused."""
    text = unicodedata.normalize("NFC", str(raw)).strip()
    if not text:
        raise IdentityError("the student id is empty")
    if len(text) > MAX_ID_LENGTH:
        raise IdentityError(f"the student id is longer than {MAX_ID_LENGTH} characters")
    for ch in text:
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES:
            raise IdentityError(f"the student id holds an invisible or control character (U+{ord(ch):04X})")
    if unicodedata.normalize("NFKC", text) != text:
        raise IdentityError("the student id holds look-alike characters (fullwidth, mathematical or ligature forms)")
    scripts = {_script(ch) for ch in text if ch.isalpha()}
    if len(scripts) > 1:
        raise IdentityError(f"the student id mixes letters of several scripts ({', '.join(sorted(scripts))})")
    return text


_EAST_ASIAN = {"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC"}  # written together in one name


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    script = name.split(" ")[0] if name else "UNKNOWN"
    return "EAST ASIAN" if script in _EAST_ASIAN else script
