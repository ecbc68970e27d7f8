"""Reading a compiled sheet back with poppler: its text (``pdftotext``) and how full each page is (``-bbox``)."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

MARGIN_PT = 2.3 / 2.54 * 72  # the sheets' geometry: margin=2.3cm on every side
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class Page:
    number: int
    fill: float  # how far down the text block its lowest word reaches, 0 (empty) to 1 (full)
    first_line: str  # the words of its top line
    last_line: str  # the words of its lowest line above the footer
    words: tuple[str, ...]


def text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def pages(pdf: Path) -> list[Page]:
    """Each page's fill, from the words' boxes; the footer (below the text block) is left out."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    result = []
    for number, (_, height, body) in enumerate(_PAGE.findall(out), start=1):
        top, bottom = MARGIN_PT, float(height) - MARGIN_PT
        # The footer sits 1.2 cm below the text block; the descenders of the block's last line may dip below it.
        words = [
            (float(y0), float(y1), html.unescape(w))
            for _, y0, _, y1, w in _WORD.findall(body)
            if float(y1) <= bottom + 12
        ]
        lowest = max((y1 for _, y1, _ in words), default=top)
        first_y = min((y0 for y0, _, _ in words), default=top)
        first_line = " ".join(w for y0, _, w in words if abs(y0 - first_y) < 3)
        last_line = " ".join(w for _, y1, w in words if abs(y1 - lowest) < 3)
        fill = (lowest - top) / (bottom - top)
        result.append(Page(number, fill, first_line, last_line, tuple(w for _, _, w in words)))
    return result


def short_pages(pdf: Path, least: float = 0.5) -> list[Page]:
    """Pages less than ``least`` full, except a problem's last page (the next page opens a problem) and the last."""
    found = pages(pdf)
    return [
        page
        for k, page in enumerate(found)
        if page.fill < least and k + 1 < len(found) and not found[k + 1].first_line.startswith("Problem ")
    ]
