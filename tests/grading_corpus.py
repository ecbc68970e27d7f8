"""Answers for the grading tests: a hostile corpus and Problem 1 in many equivalent forms.

Hostile answers must all be ``invalid``; the canary file named in the injection
attempts must never appear (a successful injection would create it).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path


def injections(canary: Path) -> list[str]:
    """Code that would create ``canary`` (or worse) if anything evaluated it."""
    c = str(canary)
    return [
        f"__import__('os').system('touch {c}')",
        f'__import__("os").system("touch {c}")',
        f"eval(\"__import__('os').system('touch {c}')\")",
        f"exec(\"open('{c}', 'w').write('x')\")",
        f"open('{c}', 'w').write('x')",
        f"w + __import__('pathlib').Path('{c}').touch()",
        f"(lambda: __import__('os').system('touch {c}'))()",
        f"[__import__('os').system('touch {c}') for _ in range(1)]",
        f"{{__import__('os').system('touch {c}'): 1}}",
        f"w if __import__('os').system('touch {c}') else u1",
        f"$(touch {c})",
        f"`touch {c}`",
        rf"\immediate\write18{{touch {c}}}",
        rf"\input{{{c}}}",
        "().__class__.__bases__[0].__subclasses__()",
        "w.__class__.__mro__[-1].__subclasses__()",
        "u1.__dict__",
        "w.__class__",
        "w.subs",
        "w.func(u1)",
        "getattr(w, 'subs')",
        "globals()",
        "locals()['w']",
        "vars()",
        "__builtins__",
        "__import__",
        "lambda x: x",
        "lambda: w",
        "(lambda x: x)(w)",
        "[x for x in range(10)]",
        "{x: 1 for x in (w, u1)}",
        "(x for x in (w,))",
        "sum(x for x in (w, u1))",
        "import os",
        "os.system('ls')",
        "Symbol('x')",
        "sympify('w')",
        "S('w')",
        "Integer(2)**Integer(10)",
        "w; import os",
        "w\nimport os",
        "w and u1",
        "w or u1",
        "not w",
        "w == w",
        "w < u1",
        "w[0]",
        "print(w)",
        "f'{w}'",
        "'w'",
        '"w"',
        "w # comment",
        "w @ u1",
        "w % 2",
        "w // 2",
        "w & u1",
        "w | u1",
        "~w",
        "w << 2",
        "w := 1",
        "w = 3",
        "yield w",
        "await w",
        "*w",
        "w,",
        "(w,)",
        "...",
        "{{ config.items() }}",
        "${7*7}",
        "<script>alert(1)</script>",
        "'; DROP TABLE students; --",
        r"\def\x{w}\x",
        r"\csname w\endcsname",
        "0x1F",
        "0b101",
        "1_000",
        "1j",
        "w.real",
        "u1.__class__.__mro__",
        "__class__",
        "_",
        "w\x00",
        "\x00",
    ]


def towers_and_blowups() -> list[str]:
    """Answers whose evaluation would take forever or use all memory."""
    return [
        "9**9**9",
        "9^9^9",
        "2^2^2^2^2^2",
        "2**2**2**2**2**2",
        "w^(9^9)",
        "w^{9^{9^{9}}}",
        "w^1001",
        "w^-1001",
        "w^(10^6)",
        "w^(1/1001)",
        "w⁹⁹⁹⁹",
        "10^1000000",
        "999999^999999",
        "(999999^1000)^1000",
        "((w^1000)^1000)^1000",
        "(w + u1 + u2 + u3)^50",
        "(w + u1)^1000 * (u2 + u3)^1000",
        "(1 + w)^999 * (1 + u1)^999",
        "(w + u1 + u2 + u3 + 1)^200",
        "(1/(w + u1 + u2 + u3))^500 + (w + u1 + u2 + u3)^500",
        "w^w",
        "w^u1",
        "2^w",
        "w^w^w",
        "1/0",
        "0^-1",
        "w/(w - w)",
        "(w - w)^-1",
        "u1/(u1 - u1 + w - w)",
        "w^(2^10)",
        # wave 1's held-out corpus (issue 27): each ran into the time limit or asked to be reported
        "10^10^10",
        "((w+1)^30)^30",
        "(999999/999998)^1000^1000",
        "w^0.5^0.5^0.5",
    ]


def deep_nesting() -> list[str]:
    return [
        "(" * 10_000 + "w" + ")" * 10_000,
        "(" * 101 + "w" + ")" * 101,
        "-" * 10_000 + "w",
        "-(" * 1000 + "w" + ")" * 1000,
        r"\frac{" * 200 + "w" + "}{2}" * 200,
        "{" * 500 + "w" + "}" * 500,
        "^".join(["w"] * 1000),
        "^".join(["2"] * 500),
        "(" * 10_000,
        ")" * 10_000,
        "[" * 150 + "w" + "]" * 150,
    ]


def oversized() -> list[str]:
    return [
        "w" * 1_000_000,
        "w + " * 250_000 + "w",
        "1" * 1_000_000,
        " " * 1_000_000 + "w",
        "ω" * 1_000_000,
        "w + " * 500 + "w",  # 2,001 characters: one over the limit
        "u1 " * 700,
    ]


def bad_numbers() -> list[str]:
    return [
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "∞",
        "1e308",
        "1E308",
        "1e-308",
        "1.0e+308",
        "1.7976931348623157e308",
        "1000001",
        "12345678901234567890",
        "0.0000000000001",
        "１２",
        "٣",
        "²",
        "½",
        "3..5",
        "1.2.3",
        ".",
        "w . u1",
    ]


def confusables() -> list[str]:
    """Letters that look like the part's symbols but are not."""
    return [
        "ѡ",  # Cyrillic omega
        "ω",  # Greek omega
        "ｗ",  # fullwidth
        "Ｗ",
        "𝑤",  # mathematical italic
        "𝐰",
        "𝓌",
        "ᴡ",
        "ʷ",
        "ԝ",  # Cyrillic we
        "υ1",  # Greek upsilon
        "ս1",  # Armenian
        "ｕ1",
        "u１",
        "w\u200bu1",  # zero-width space
        "w\u202eu1",  # right-to-left override
        "w\u0301",  # combining accent
        "w\u00adu1",  # soft hyphen
        "w\u2028u1",  # line separator
        "w\ufeffu1",  # byte order mark inside
        "\u3000w",  # ideographic space
        "ⅰ",
        "ı",
        "w·u１",
        "3 w² u₁ + 2 w u₂ + uз",  # Cyrillic ze for 3
    ]


def empty_and_malformed() -> list[str]:
    return [
        "",
        " ",
        "\t",
        "\n\n",
        "\u00a0",
        "()",
        "+",
        "-",
        "*",
        "^",
        "w^",
        "^w",
        "w*",
        "w +* u1",
        "w u1 )",
        "(w",
        "w)",
        "((w)",
        "[w)",
        r"\frac{w}",
        r"\frac{w}{",
        r"\frac w u1",
        "2 3",
        "u_",
        "u_{x}",
        "u_{1",
        r"\sqrt{w}",
        r"\left(w",
        r"\right)",
        r"\unknown",
        "\\",
        "w\\",
        "dy/d",
        "d/dw y",
        "w'",
        "w!",
        "|w|",
        "w²⁻",
        "⁻",
        ",",
        "[]",
        "{}",
        "x",
        "u4",
        "u0",
        "u12",
        "wx",
        "y",
        "p",
        "dy/dq",
        "e",
        "pi",
        "sqrt(w)",
        "exp(w)",
        "log(w)",
        "sin(w)",
        "w = 3 w^2 u1",
        "dy/dw = 3 w^2 u1 + 2 w u2 + u3",
    ]


def wrong_types() -> list[object]:
    """What YAML or JSON can put where an expression text belongs."""
    return [
        {"a": 1},
        {"1b": "3 w^2 u1 + 2 w u2 + u3"},
        [],
        ["3 w^2 u1 + 2 w u2 + u3"],
        [[1, 2], [3, 4]],
        True,
        False,
        None,
        float("nan"),
        float("inf"),
        float("-inf"),
        Decimal("1E+308"),
        Decimal("NaN"),
        Decimal("-Infinity"),
        Decimal("1E-400"),
        10**30,
        -(10**30),
        b"w",
        datetime.date(2023, 3, 10),
        {"w", "u1"},
        object(),
    ]


def list_part_hostile(canary: Path) -> list[object]:
    """Answers to the list part 1d.edges."""
    return [
        {"a": 1},
        "w;; u1",  # an empty entry (one or more semicolons separate entries)
        [{"a": 1}, "w", "w"],
        [["w"], "w", "w"],
        ["w"] * 10_000,
        ",".join(["w"] * 5_000),
        [f"__import__('os').system('touch {canary}')", "w", "w"],
        ["9**9**9", "w", "w"],
        ["(" * 10_000 + "w" + ")" * 10_000, "w", "w"],
        [None, "w", "w"],
        [True, "w", "w"],
        [float("nan"), "w", "w"],
        ["w" * 1_000_000, "w", "w"],
        "",
        [],
    ]


def expression_corpus(canary: Path) -> list[object]:
    return (
        injections(canary)
        + towers_and_blowups()
        + deep_nesting()
        + oversized()
        + bad_numbers()
        + confusables()
        + empty_and_malformed()
        + wrong_types()
    )


def hostile_answers(canary: Path) -> list[tuple[str, object]]:
    """(part id, answer) pairs for Problem 1 at the homework's values: every one is invalid."""
    return [("1b", answer) for answer in expression_corpus(canary)] + [
        ("1d.edges", answer) for answer in list_part_hostile(canary)
    ]


# --------------------------------------------------------------------------- equivalent forms

#: Hand-written correct answers for Problem 1 at T = 3 (the synthetic module adds more forms).
CORRECT = {
    "1a.t": [
        "u3 + w u2 + w^2 u1",
        "u3 + w(u2 + w u1)",
        "w(w u1 + u2) + u3",
        r"u_3 + w \cdot u_2 + w^{2} \cdot u_1",
        "u₃ + wu₂ + w²u₁",
    ],
    "1a.y": ["w u3 + w^2 u2 + w^3 u1", "w(u3 + w(u2 + w u1))", "w*(u3 + w*(u2 + w*u1))", "u1 w³ + u2 w² + u3 w"],
    "1b": [
        "3 w^2 u1 + 2 w u2 + u3",
        "3w^2u1 + 2wu2 + u3",
        "u3 + 2 w u2 + 3 w^2 u1",
        "u3 + w(2 u2 + 3 w u1)",
        "3*w**2*u1 + 2*w*u2 + u3",
        r"3 w^{2} u_{1} + 2 w u_{2} + u_{3}",
        r"3w^2 \cdot u_1 + 2w \cdot u_2 + u_3",
        r"\frac{6 w^2 u_1 + 4 w u_2 + 2 u_3}{2}",
        r"\left(3 w u_1 + 2 u_2\right) w + u_3",
        "3 w² u₁ + 2 w u₂ + u₃",
        "3 × w² × u1 + 2 · w · u2 + u3",
        "(3 w^3 u1 + 2 w^2 u2 + w u3) / w",
        "u3 − (−2 w u2) + 3 w^2 u1",
        "0.5 (6 w^2 u1 + 4 w u2 + 2 u3)",
        "3 w^(5/2) u1 w^(-1/2) + 2 w u2 + u3",
        "w^2 u1 + w^2 u1 + w^2 u1 + w u2 + w u2 + u3",
    ],
    "1c.p": ["w^3", "w*w*w", "w³", "dy/dq * w", "dy/dr * w", r"\frac{\partial y}{\partial q} \cdot w", "∂y/∂q · w"],
    "1c.q": ["w^2", "dy/dr * 1", "dy/dr", "dy/ds * w", "w · dy/dt"],
    "1d.edges": [
        ["w^2 u1", "w^2 u1 + w u2", "w^2 u1 + w u2 + u3"],
        ["dy/dq * p", "dy/ds * r", "t"],
        ["w^2 p", "w r", "t"],
        "w^2 u1, w(u2 + w u1), u3 + w u2 + w^2 u1",
    ],
    "1d.total": [
        "3 w^2 u1 + 2 w u2 + u3",
        "dy/dq * p + dy/ds * r + t",
        "w^2 p + w r + t",
        "w^2 u1 + w(u2 + w u1) + u3 + w u2 + w^2 u1",
    ],
}

#: Wrong answers with a piece of the feedback they must get.
WRONG = {
    "1b": [
        ("u3 + w u2 + w^2 u1", "counts each path"),
        ("2 w u1 + u2", "last factor w was dropped"),
        ("3 w^3 u1 + 2 w^2 u2 + w u3", "power rule"),
        ("w^3 u1 + w^2 u2 + w u3", "y itself"),
        ("6 w^2 u1 + 4 w u2 + 2 u3", "2 times"),
        ("-3 w^2 u1 - 2 w u2 - u3", "wrong sign"),
        ("3 w^2 u1 + 2 w u2", "not equal"),
        ("w^(1/2)", "not equal"),
    ],
    "1a.y": [("u3 + w u2 + w^2 u1", "multiplication by w is missing")],
    "1a.r": [("u2", "previous hidden state"), ("u1 + u2", "not to p")],
    "1c.p": [("w^2", "factor w is missing"), ("q", "forward value of q")],
    "1c.q": [("w^3", "not w"), ("w", "downstream of q is r")],
    "1d.edges": [
        (["u1", "u2 + w u1", "u3 + w u2 + w^2 u1"], "downstream derivatives are missing"),
        (["w^2", "w", "1"], "local partials are missing"),
        (["u3 + w u2 + w^2 u1", "w^2 u1 + w u2", "w^2 u1"], "right to left"),
        (["w^2 u1", "w u2", "u3"], "entries 2 and 3 are wrong"),
    ],
    "1d.total": [
        ("u1 + u2 + u3 + w u1 + w u2 + w^2 u1", "without multiplying"),
        ("u3 + w u2 + w^2 u1", "counts each path"),
    ],
}


# --------------------------------------------------------------------------- printed numbers (issue 12)


def printed_hostile() -> list[tuple[str, object]]:
    """Printed-number answers that must be invalid quickly, never a traceback."""
    many = "[" + " ".join(f"{0.1 * i:.8f}" for i in range(10_000)) + "]"
    nested: object = [0.1]
    for _ in range(500):
        nested = [nested]
    return [
        ("3a", many),
        ("3b", "0.1 " * 250_000),  # a 1 MB line
        ("3b", "1e999999"),
        ("3b", "[1e999999, 0.1, 0.2, 0.3]"),
        ("3b", "7" * 5_000),
        ("3b", 7 * 10**4999),
        ("3b", nested),
        ("3b", "nan"),
        ("3b", "[nan nan nan nan]"),
        ("3b", [float("inf")] * 4),
        ("3b", "[[[0.1]]]"),
        ("3b", "array([0.1, 0.2"),
        ("3b", "[0.1 0.2] ]"),
        ("3b", "0x1p-3"),
        ("3b", "1_000"),
        ("3b", "__import__('os')"),
        ("2a", "neural\n" * 200_000),
        ("2a", [[["neural"]]]),
        ("2e", "O((T+k+M)^1000)"),
        ("2e", "O(" + "(T+k+M)" * 40 + ")"),
        ("2e", "O(TkM - TkM)"),
        ("1b", 10**5000),
    ]
