"""Answers in the forms students paste, for the homework's key and the variants with seeds 11-13.

Each case is (part id, answer, expected) where ``expected`` is "correct" or
"not correct" (incorrect or invalid), decided here with NumPy and SymPy from
how the answer was made, never by the grader: printed arrays are compared
with NumPy against the key's exact values (6 correct significant digits, or one part in a million), beam tables by sets of token
tuples and scores within 0.005, expressions by evaluating SymPy expressions
over real (also negative) values, big-O classes by SymPy limits.
"""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
import sympy as sp

CORRECT, NOT_CORRECT = "correct", "not correct"
Case = tuple[str, Any, str]


def _significant_ok(student: np.ndarray, exact: np.ndarray) -> bool:
    """Every value is the exact one correctly rounded to 6 significant digits, or within one
    part in a million of it (every right form below states at least 6 digits)."""
    if student.shape != exact.shape:
        return False
    half_unit = 0.5 * 10.0 ** (np.floor(np.log10(np.abs(exact))) - 5)
    return bool(np.all(np.abs(student - exact) <= np.maximum(half_unit, 1e-6 * np.abs(exact)) * (1 + 1e-9)))


def number_cases(part_id: str, spec: dict, rng: random.Random) -> list[Case]:
    key = np.array(spec["value"], dtype=float)  # the exact values rounded to 6 significant digits
    exact = np.array([float(v) for v in spec.get("exact", spec["value"])])
    cases: list[Case] = []

    def add(answer: Any, values: np.ndarray | None, shape_ok: bool = True) -> None:
        right = values is not None and shape_ok and _significant_ok(values.reshape(-1), exact)
        cases.append((part_id, answer, CORRECT if right else NOT_CORRECT))

    # Full float64 reprs state 17 digits: they are printed from the exact values (a computation's
    # result), not from the key's rounded text padded with noise, which would state wrong digits.
    noisy = exact + np.array([rng.uniform(-1e-10, 1e-10) for _ in exact])
    add(str(key), key)
    add(repr(key), key)
    add(str(key.tolist()), key)
    add(key.tolist(), key)
    add(str(noisy.tolist()), noisy)  # print(h.tolist()): full float64 reprs
    add(noisy.tolist(), noisy)
    add(", ".join(repr(float(v)) for v in noisy), noisy)
    add("\n".join(repr(float(v)) for v in noisy), noisy)
    add(np.array2string(noisy, separator=", ", precision=10), noisy)
    add(np.array2string(exact, formatter={"float_kind": lambda x: f"{x:.8e}"}), exact)  # scientific notation
    add(" ".join(f"{v:.6E}" for v in exact), exact)
    coarse = np.round(key, 2)
    add(str(coarse.tolist()), coarse)
    off = key.copy()
    off[rng.randrange(len(off))] *= 1.1
    add(str(off), off)
    shifted = key + 1e-3
    add(str(shifted.tolist()), shifted)
    add(str(key[:-1]), None)
    add(str(key.tolist()).replace(str(key.tolist()[0]), "nan", 1), None)
    shape = spec.get("shape")
    if isinstance(shape, list) and len(shape) == 2:
        matrix = key.reshape(shape)
        add(str(matrix), key)
        add(repr(matrix), key)
        add(matrix.tolist(), key)
        add(str(noisy.reshape(shape).tolist()), noisy)
        if shape[0] != shape[1]:
            add(str(matrix.T), matrix.T.reshape(-1), shape_ok=False)
    return cases


def _sequences(spec: dict) -> list[tuple[tuple[str, ...], float]]:
    return [(tuple(e["sequence"]), float(e["logprob"])) for e in spec["value"]]


def _same_table(given: list[tuple[tuple[str, ...], float | None]], spec: dict) -> bool:
    key = _sequences(spec)
    folded = [(tuple(t.casefold() for t in seq), score) for seq, score in given]
    if spec.get("ordered", True):
        if [s for s, _ in folded] != [s for s, _ in key]:
            return False
        pairs = list(zip(folded, key, strict=True))
    else:
        if sorted(s for s, _ in folded) != sorted(s for s, _ in key):
            return False
        lookup = dict(key)
        pairs = [((s, score), (s, lookup[s])) for s, score in folded]
    return all(score is None or abs(score - exact) <= 0.005 + 1e-12 for (_, score), (_, exact) in pairs)


def sequence_cases(part_id: str, spec: dict, rng: random.Random) -> list[Case]:
    key = _sequences(spec)
    cases: list[Case] = []

    def add(answer: Any, given: list[tuple[tuple[str, ...], float | None]]) -> None:
        cases.append((part_id, answer, CORRECT if _same_table(given, spec) else NOT_CORRECT))

    bare = [(s, None) for s, _ in key]
    words = [" ".join(s) for s, _ in key]
    add("\n".join(words), bare)
    add(", ".join(words), bare)
    add("; ".join(words), bare)
    add([list(s) for s, _ in key], bare)
    add([[t.capitalize() for t in s] for s, _ in key], bare)
    add(json.dumps([list(s) for s, _ in key]), bare)
    add("\n".join(reversed(words)), list(reversed(bare)))
    add("; ".join(f"{w} ({score:.2f})" for w, (_, score) in zip(words, key, strict=True)), key)
    add("\n".join(f"{w}: {score}" for w, (_, score) in zip(words, key, strict=True)), key)
    near = [(s, score + 0.003) for s, score in key]
    add("\n".join(f"{' '.join(s)} {score:.3f}" for s, score in near), near)
    add([{"sequence": list(s), "logprob": f"{score:.2f}"} for s, score in key], key)
    index = rng.randrange(len(key))
    wrong_score = [(s, score + (0.09 if i == index else 0)) for i, (s, score) in enumerate(key)]
    add([{"sequence": list(s), "logprob": f"{score:.2f}"} for s, score in wrong_score], wrong_score)
    add("; ".join(f"{' '.join(s)} ({score:.2f})" for s, score in wrong_score), wrong_score)
    add("\n".join(words[:-1]), bare[:-1])
    first = key[0][0]
    changed = (*first[:-1], "zzz")
    add("\n".join([" ".join(changed), *words[1:]]), [(changed, None), *bare[1:]])
    add(" ".join(words), [(tuple(" ".join(words).split()), None)])
    return cases


T, K, M, X = sp.symbols("T k M x", positive=True)
_COMPLEXITY = [
    ("O(TkM)", T * K * M),
    ("Θ(TkM)", T * K * M),
    ("Ω(T k M)", T * K * M),
    (r"\Theta(T \cdot k \cdot M)", T * K * M),
    (r"O(TkM \log_2 k)", T * K * M * sp.log(K)),
    (r"\mathcal{O}(T k M \log k)", T * K * M * sp.log(K)),
    ("O(TkM lg k)", T * K * M * sp.log(K)),
    ("O(T k M ln(k))", T * K * M * sp.log(K)),
    ("O(2 T k M + T k)", 2 * T * K * M + T * K),
    ("O(TkM - TkM)", sp.Integer(0)),
    ("O(TkM + T k - TkM)", T * K),
    ("O(-TkM)", -T * K * M),
    ("O(T k)", T * K),
    ("O(T k M^2)", T * K * M**2),
    ("O(T + k + M)", T + K + M),
    ("O(T^2 k M)", T**2 * K * M),
]


def _grows_like_key(expression: sp.Expr) -> bool:
    """Θ(T k M) up to the log factors the key accepts: a positive finite limit of the ratio."""
    along = expression.subs({T: X, K: X, M: X})
    for reference in (X**3, X**3 * sp.log(X)):
        ratio = sp.limit(along / reference, X, sp.oo)
        if ratio.is_positive and ratio.is_finite:
            other = sp.limit(expression.subs({T: X, K: 2, M: 2}) / X, X, sp.oo)
            return bool(other.is_positive and other.is_finite)
    return False


def complexity_cases(part_id: str) -> list[Case]:
    return [(part_id, text, CORRECT if _grows_like_key(expr) else NOT_CORRECT) for text, expr in _COMPLEXITY]


def _real_value(expression: sp.Expr, point: dict) -> float | None:
    value = complex(expression.subs(point).evalf(30))
    return value.real if abs(value.imag) < 1e-20 else None


def power_cases(part_id: str, spec: dict, rng: random.Random) -> list[Case]:
    """Fractional powers of the 1b key, compared over real values of every symbol, negative too."""
    symbols = {name: sp.Symbol(name, real=True) for name in spec["symbols"]}
    key = sp.sympify(spec["value"], locals=symbols)
    w, u1 = symbols["w"], symbols["u1"]
    text = f"({spec['value']})"
    forms = [
        (f"({text}^2)^(1/2)", sp.Abs(key)),
        (f"({text}^3)^(1/3)", key),  # the real cube root
        (f"(w^2)^(1/2) {text} / w", sp.Abs(w) * key / w),
        (f"(w^4)^(1/2) {text} / w^2", key),
        (f"(w^6)^(1/2) {text} / w^3", sp.Abs(w) ** 3 * key / w**3),
        (f"{text} + (w^2)^(1/2) - w", key + sp.Abs(w) - w),
        (f"{text} + (w^4)^(1/4) - (w^2)^(1/2)", key),
        (f"{text} (w^3)^(1/3) / w", key),
        (f"{text} (u1^2)^(1/2) / u1", sp.Abs(u1) * key / u1),
        (f"{text} (w^6)^(1/2) / (w^2)^(3/2)", key),
    ]
    points = [
        {s: sp.Rational(rng.choice([-1, 1]) * rng.randint(5, 15), 10) for s in symbols.values()} for _ in range(40)
    ]
    points[0] = {s: sp.Rational(7, 10) for s in symbols.values()}
    points[1] = {s: sp.Rational(-7, 10) for s in symbols.values()}
    cases = []
    for answer, expression in forms:
        same = True
        for point in points:
            a, b = _real_value(expression, point), _real_value(key, point)
            if a is not None and b is not None and abs(a - b) > 1e-12 * max(1, abs(b)):
                same = False
        cases.append((part_id, answer, CORRECT if same else NOT_CORRECT))
    return cases


def form_cases(parts: dict, label: str) -> list[Case]:
    """Every form for one key (``label`` seeds the random choices)."""
    rng = random.Random(f"forms-{label}")
    cases: list[Case] = []
    for part_id, spec in parts.items():
        kind = spec["kind"]
        if kind == "numbers" and "below" not in spec and isinstance(spec["value"], list):
            cases += number_cases(part_id, spec, rng)
        elif kind == "sequences":
            cases += sequence_cases(part_id, spec, rng)
        elif kind == "complexity" and spec["value"] == "T*k*M":
            cases += complexity_cases(part_id)
    if "1b" in parts:
        cases += power_cases("1b", parts["1b"], rng)
    return cases
