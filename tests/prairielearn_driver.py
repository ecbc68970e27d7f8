"""Runs an exported PrairieLearn question's server.py the way PrairieLearn does, in an interpreter that
sees only the standard library, numpy, sympy and mpmath (started with ``python -I -S``; this script
puts the two folders it is given first on ``sys.path``). Reads a JSON request on stdin, prints one
JSON result. Element parsing is imitated where server.py depends on it: a blank string input and a
matrix cell that is not a number are format errors, as pl-string-input and pl-matrix-component-input
make them.
"""

import copy
import importlib.util
import json
import os
import random
import re
import sys

request = json.loads(sys.stdin.read())
sys.path[:0] = [request["site"], os.path.join(request["course"], "serverFilesCourse")]

import hw6_prairielearn as runtime  # noqa: E402

NUMBER = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(\s*/\s*[+-]?\d+)?\s*")


# What each phase may change (PrairieLearn's checkData refuses any other change).
EDITABLE = {
    "generate": {"params", "correct_answers"},
    "parse": {"params", "correct_answers", "submitted_answers", "format_errors", "feedback"},
    "grade": {"params", "correct_answers", "submitted_answers", "format_errors", "partial_scores", "score", "feedback"},
    "test": {"format_errors", "raw_submitted_answers", "partial_scores", "score", "feedback"},
}
violations = []


def call(module, phase, data):
    before = copy.deepcopy(data)
    getattr(module, phase)(data)
    changed = sorted(k for k in set(data) | set(before) if data.get(k) != before.get(k) and k not in EDITABLE[phase])
    if changed or set(data) != set(before):
        violations.append({"phase": phase, "changed": changed, "keys": sorted(set(data) ^ set(before))})


def server(folder):
    spec = importlib.util.spec_from_file_location(
        "server_" + os.path.basename(folder), os.path.join(folder, "server.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def new_variant(folder, variant_seed):
    options = {
        "question_path": folder,
        "server_files_course_path": os.path.join(request["course"], "serverFilesCourse"),
    }
    return {"params": {}, "correct_answers": {}, "variant_seed": variant_seed, "options": options}


def elements_parse(data, inputs):
    for spec in inputs:
        name = spec["name"]
        if spec["element"] == "string":
            if not str(data["raw_submitted_answers"].get(name) or "").strip():
                data["format_errors"][name] = "Invalid format. The submitted answer was left blank."
            continue
        bad = False
        for cell in spec["cells"]:
            if not NUMBER.fullmatch(str(data["raw_submitted_answers"].get(cell) or "")):
                data["format_errors"][cell] = "Invalid format."
                bad = True
        if bad and spec["element"] == "matrix":
            data["format_errors"][name] = "At least one entry has an invalid format."


def submit(module, variant, raw, inputs):
    """parse() then, without format errors, grade(): what PrairieLearn does with a submission."""
    data = copy.deepcopy(variant)
    data.update(
        raw_submitted_answers=dict(raw),
        submitted_answers=dict(raw),
        format_errors={},
        partial_scores={},
        score=0,
        feedback={},
        gradable=True,
    )
    elements_parse(data, inputs)
    call(module, "parse", data)
    data["gradable"] = not data["format_errors"]
    forced = None
    if data["gradable"]:
        call(module, "grade", data)
    else:  # PrairieLearn does not grade it; grade a copy anyway to compare with hw6's check
        forced = copy.deepcopy(data)
        module.grade(forced)
    result = {k: data[k] for k in ("format_errors", "partial_scores", "score", "gradable", "feedback")}
    result["forced"] = None if forced is None else {k: forced[k] for k in ("partial_scores", "score", "feedback")}
    return result


def submissions(variant, inputs):
    """The key; each modelled mistake that fits the inputs, a changed first entry, measured numbers to
    fewer or more digits and each input unreadable, the other inputs at the key."""
    key = {}
    for spec in inputs:
        key.update(runtime.key_inputs(spec, variant["parts"][spec["part"]]["value"]))
    yield "key", key
    for spec in inputs:
        for number, mistake in enumerate(variant["parts"][spec["part"]].get("mistakes") or ()):
            entries = runtime.key_inputs(spec, mistake["value"])
            if entries:
                yield f"{spec['part']} mistake {number}", key | entries
    for spec in inputs:
        wrong = runtime.wrong_inputs(spec, key)
        if wrong:
            yield f"{spec['part']} wrong", key | wrong
        if spec["kind"] == "sequences":  # a browser's textarea sends CRLF line ends
            yield f"{spec['part']} crlf", key | {spec["name"]: key[spec["name"]].replace("\n", "\r\n")}
        if spec["kind"] == "numbers":  # too few digits, and one digit more than the key shows
            yield f"{spec['part']} rounded", key | {cell: f"{float(key[cell]):.3g}" for cell in spec["cells"]}
            yield f"{spec['part']} longer", key | {cell: key[cell] + "1" for cell in spec["cells"]}
        yield f"{spec['part']} invalid", key | runtime.invalid_inputs(spec)[0]
    for spec in inputs:  # as students paste them (issue 27): hw6 grades these right, or 2e's looser bound half
        name, kind, value = spec["name"], spec["kind"], variant["parts"][spec["part"]]["value"]
        if kind == "expr":
            yield f"{spec['part']} pasted", key | {name: "$" + key[name] + "$"}
        elif kind == "expr_list":
            yield f"{spec['part']} pasted", key | {name: "; ".join(str(entry) for entry in value)}
        elif kind == "sequences":
            arrows = [f"{' -> '.join(h['sequence'])} ({h['logprob']})" for h in value]
            yield f"{spec['part']} pasted", key | {name: "{" + ", ".join(arrows) + "}"}
        elif kind == "complexity":
            yield f"{spec['part']} looser", key | {name: f"O(k*{value})"}
        elif kind == "numbers":
            yield f"{spec['part']} pasted", key | {cell: f"{float(key[cell]):#.5g}" for cell in spec["cells"]}


out = {"questions": {}}
for folder in request["questions"]:
    module = server(folder)
    exported = runtime.load({"options": {"question_path": folder}})
    count = len(exported["variants"])
    chosen = {}
    for variant_seed in request["variant_seeds"]:
        data = new_variant(folder, variant_seed)
        call(module, "generate", data)
        chosen[str(variant_seed)] = data["params"]["hw6_seed"]
    cases, tests, shapes = [], [], {}
    for index in range(count):
        variant = new_variant(folder, index)
        call(module, "generate", variant)
        inputs = runtime.variant_of(variant)["inputs"]
        shapes[str(variant["params"]["hw6_seed"])] = inputs
        for label, raw in submissions(runtime.variant_of(variant), inputs):
            cases.append(
                {"seed": variant["params"]["hw6_seed"], "label": label, "raw": raw}
                | submit(module, variant, raw, inputs)
            )
        for test_type in ("correct", "incorrect", "invalid"):
            for attempt in range(request["test_repeats"]):
                random.seed(attempt)
                data = copy.deepcopy(variant)
                data.update(
                    test_type=test_type,
                    raw_submitted_answers={},
                    format_errors={},
                    partial_scores={},
                    score=0,
                    feedback={},
                    gradable=True,
                )
                call(module, "test", data)
                data["gradable"] = not data["format_errors"]  # as PrairieLearn sets it
                expected = {k: data[k] for k in ("format_errors", "partial_scores", "score", "gradable")}
                got = submit(module, variant, data["raw_submitted_answers"], inputs)
                tests.append(
                    {
                        "seed": variant["params"]["hw6_seed"],
                        "type": test_type,
                        "expected": expected,
                        "got": {k: got[k] for k in ("format_errors", "partial_scores", "score", "gradable")},
                    }
                )
    out["questions"][folder] = {"chosen": chosen, "cases": cases, "tests": tests, "inputs": shapes}
    variant = new_variant(folder, 0)
    call(module, "generate", variant)
    inputs = runtime.variant_of(variant)["inputs"]
    key = {}
    for spec in inputs:
        key.update(runtime.key_inputs(spec, runtime.variant_of(variant)["parts"][spec["part"]]["value"]))
    hostile = request.get("hostile") or {}
    for spec in inputs:
        if spec["element"] != "string":
            continue
        texts = list(hostile.get("texts", ()))
        texts += hostile.get("towers", []) if spec["part"] in hostile.get("tower_parts", ()) else []
        for text in texts:
            got = submit(module, variant, key | {spec["name"]: text}, inputs)
            out.setdefault("hostile", []).append({"part": spec["part"], "name": spec["name"], "text": text} | got)
out["sys_path"] = sys.path
out["violations"] = violations
out["modules"] = sorted(m.split(".")[0] for m in sys.modules if not m.startswith("_"))
print(json.dumps(out))
