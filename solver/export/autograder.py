"""What runs on Gradescope: ``python -m solver.export.autograder --root /autograder [--warm]``.

For one submission it finds the submitter's variant (by sid, then email, then id in the
manifest; a group is graded as its first member), reads that variant's key as the export
shipped it (``variants/.../key.json``, checked there by every cross-check) after verifying
its SHA-256 and that of the variant's ``params.json`` against the manifest's, checks the one
answers file in ``submission/`` for format, grades it under the per-answer time limit and
writes ``results/results.json`` atomically. It never solves a variant: it imports only the
grading engine, the readers and the kernel's errors (no build, no problems, no notebooks), so
the venv Gradescope builds needs none of PyTorch or Jupyter. A zip exported with the surnames
data also grades a ``submission_log.json`` (Problem 4's code submission) against
``variants/code_submission.json``, alone (no roster row needed: the test set is everyone's) or
beside the answers file; the results hold the tests of what was uploaded. Whatever fails, a
results file is written (a visible "autograder error" test; the traceback goes to stdout, which
only staff see) and the exit code is 0. ``--warm`` (run by setup.sh) verifies every shipped
key's and parameters' digest once, so that a damaged zip fails when the autograder is built
rather than at a student's submission.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import os
import re
import stat
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..engine.answer_format import check_format, flatten_answers, gradable
from ..engine.code_log import LogError, check_key, is_log, read_log
from ..engine.runner import StudentResult, Submission, code_result, grade_submissions, with_part
from ..grading.gradescope import results_json
from ..grading.submissions import is_log_name
from ..io.files import dump_json, parse_structured, text_digest
from ..kernel.errors import InputFileError
from ..variants.roster import unguard_spreadsheet

ANSWER_SUFFIXES = (".yaml", ".yml", ".json")
MAX_ANSWER_BYTES = 4 * 2**20
AUTOGRADER_ERROR = "autograder error"
ERROR_TEXT = (
    "The autograder failed on this submission. This is not a problem with your answers; "
    "the course staff can see what happened. Please tell them."
)


class Refused(Exception):
    """A submission that cannot be graded for a reason the student can fix (shown to them)."""

    def __init__(self, title: str, message: str):
        super().__init__(message)
        self.title, self.message = title, message


KEY_FILE = "key.json"  # beside each variant's params.json: its checked key, as the export shipped it


@dataclass
class Shipped:
    """A variant's key as shipped in the zip: its parts, the problem title of each part, its seed."""

    parts: dict[str, Any]
    titles: dict[str, str]
    seed: int | None
    params_sha256: str


@dataclass
class Setup:
    root: Path
    config: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def variants(self) -> Path:
        return self.source / "variants"


def key_path(params_path: str) -> str:
    """Where a variant's key is in ``variants/``: beside its params.json."""
    folder = params_path.rpartition("/")[0]
    return f"{folder}/{KEY_FILE}" if folder else KEY_FILE


def key_text(parts: dict[str, Any], titles: dict[str, str], seed: int | None, params_sha256: str) -> str:
    """The text of a variant's shipped key (what :func:`load_variant` reads back)."""
    return dump_json({"params_sha256": params_sha256, "seed": seed, "titles": titles, "parts": parts})


def read_manifest(setup: Setup) -> list[dict[str, str]]:
    text = (setup.variants / "manifest.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text, newline=""))
    return [{key: unguard_spreadsheet(value or "") for key, value in row.items() if key} for row in rows]


def find_student(users: list[dict[str, Any]], rows: list[dict[str, str]], notes: list[str]) -> dict[str, str]:
    """The manifest row of the submitter: by sid, then email, then id; a group uses its first member."""
    if not users:
        raise Refused("Roster", "This submission names no student, so no variant can be chosen for it.")
    user = users[0]
    if len(users) > 1:
        first = shown(str(user.get("name") or "unnamed"))
        notes.append(f"Group submission: graded with the variant of its first member, {first}.")
    sid, email = str(user.get("sid") or "").strip(), str(user.get("email") or "").strip().casefold()
    ids = {str(user.get(k) or "").strip() for k in ("sid", "id", "email")} - {""}
    for matches in (
        lambda row: sid and row["sid"].strip() == sid,
        lambda row: email and row["email"].strip().casefold() == email,
        lambda row: row["student_id"].strip() in ids,
    ):
        found = [row for row in rows if matches(row)]
        if found:
            return found[0]
    who = shown(str(user.get("email") or user.get("name") or "this account"))
    raise Refused(
        "Roster",
        f"No homework variant is assigned to {who}. Ask the course staff to add you to the roster; "
        "until then this submission cannot be graded.",
    )


def variant_for(setup: Setup, metadata: dict[str, Any]) -> tuple[str, str, str]:
    """(params.json path inside variants/, its params digest, its key digest) for this submission."""
    if setup.config["variants"] == "params.json":
        digests = json.loads((setup.variants / "digests.json").read_text(encoding="utf-8"))
        return "params.json", digests["params_sha256"], digests["key_sha256"]
    listed = metadata.get("users")
    users: list[Any] = listed if isinstance(listed, list) else []
    row = find_student([u for u in users if isinstance(u, dict)], read_manifest(setup), setup.notes)
    return row["params"], row["params_sha256"], row["key_sha256"]


def key_sha256(text: str) -> str:
    """The SHA-256 of a shipped key's text: the export records it, the autograder checks it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _variant_text(setup: Setup, path: str) -> str:
    file = (setup.variants / path).resolve()
    if setup.variants.resolve() not in file.parents:
        raise RuntimeError(f"the manifest points outside the variants folder: {path}")
    return file.read_text(encoding="utf-8")


def load_variant(setup: Setup, path: str, params_digest: str, key_digest: str) -> Shipped:
    """The variant's key as the export checked and shipped it, once the digests of its
    params.json and of its key.json are the manifest's (a damaged or mixed-up zip fails here)."""
    if text_digest(_variant_text(setup, path)) != params_digest:
        raise RuntimeError(f"{path}: its digest differs from the manifest's")
    where = key_path(path)
    text = _variant_text(setup, where)
    if key_sha256(text) != key_digest:
        raise RuntimeError(f"{where}: its digest differs from the manifest's")
    data = json.loads(text)
    if data.get("params_sha256") != params_digest:
        raise RuntimeError(f"{where}: the key is not that of {path} (params digest {data.get('params_sha256')})")
    return Shipped(dict(data["parts"]), dict(data["titles"]), data["seed"], params_digest)


def shown(text: str) -> str:
    """A file name or address as it may be shown: one line, valid UTF-8 (escaping is the output's)."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return re.sub(r"[\x00-\x1f\x7f]", "?", text)[:200]


def _ignored(relative: Path) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in relative.parts)


def submitted_files(submission: Path) -> list[Path]:
    """The submission's regular files (hidden files and macOS zip leftovers ignored). A link or
    anything else that is not a regular file is refused: the grader reads nothing outside the
    submission (a link to another file on the machine would be read as the student's answers)."""
    files, refused = [], []
    for folder, dirs, names in os.walk(submission, followlinks=False):
        base = Path(folder)
        for name in sorted(dirs + names):
            path = base / name
            relative = path.relative_to(submission)
            if _ignored(relative):
                continue
            kind = path.lstat().st_mode
            if stat.S_ISLNK(kind):
                refused.append((relative, "a link"))
            elif name in names and not stat.S_ISREG(kind):
                refused.append((relative, "not a regular file"))
            elif name in names:
                files.append(path)
        dirs[:] = [d for d in dirs if not _ignored((base / d).relative_to(submission)) and not (base / d).is_symlink()]
    if refused:
        listed = ", ".join(f"{shown(r.as_posix())} ({why})" for r, why in refused[:5])
        raise Refused(
            "Answers file",
            f"The submission holds files that are not plain files: {listed}. Upload the answers file itself.",
        )
    return sorted(files)


def answers_file(submission: Path) -> Path:
    """The one answers file of the submission (see :func:`submitted_files`)."""
    answers, _ = handed_in_files(submission, code=False)
    assert answers is not None
    return answers


def handed_in_files(submission: Path, *, code: bool) -> tuple[Path | None, Path | None]:
    """The submission's answers file and, when the zip grades ``code``, its ``submission_log.json``
    (a file whose name ends so); at least one of them, at most one of each."""

    files = submitted_files(submission)
    if not code and any(is_log_name(p) for p in files):
        raise Refused(
            "Code submission",
            "This autograder grades the written answers only, not submission_log.json: upload the log to the "
            "homework's code assignment (if this is it, please tell the course staff).",
        )
    logs = [p for p in files if code and is_log_name(p)]
    answers = [p for p in files if p.suffix.lower() in ANSWER_SUFFIXES and p not in logs]
    kinds = ", ".join(ANSWER_SUFFIXES)
    if not answers and not logs:
        got = f" (got {', '.join(shown(p.name) for p in files[:5])})" if files else ""
        log = " or the notebook's submission_log.json" if code else ""
        raise Refused(
            "Answers file",
            f"No answers file was submitted{got}: upload one {kinds} file, your filled answers template{log}.",
        )
    if len(answers) > 1:
        names = ", ".join(shown(p.relative_to(submission).as_posix()) for p in answers[:10])
        raise Refused("Answers file", f"More than one answers file was submitted ({names}); upload exactly one.")
    if len(logs) > 1:
        names = ", ".join(shown(p.relative_to(submission).as_posix()) for p in logs[:10])
        raise Refused("Code submission", f"More than one submission log was submitted ({names}); upload exactly one.")
    return (answers[0] if answers else None), (logs[0] if logs else None)


def code_key(setup: Setup) -> dict[str, Any] | None:
    """The test set a submission_log.json is graded against (exported with the surnames data), or None."""

    entry = setup.config.get("code_submission")
    if not entry:
        return None
    text = (setup.variants / entry["file"]).read_text(encoding="utf-8")
    if text_digest(text) != entry["sha256"]:
        raise RuntimeError(f"{entry['file']}: its digest differs from config.json's")
    return dict(check_key(json.loads(text)))


def read_handed_in(path: Path) -> tuple[dict[str, Any], list[str]] | str:
    """A submission log as read, or the one line why it cannot be (shown to the student)."""

    try:
        return read_log(path)
    except LogError as error:
        return shown(str(error))


def read_answers(path: Path) -> Any:
    try:
        text = _read_no_link(path)
        data = parse_structured(text, str(path), json_only=path.suffix.lower() == ".json")
    except InputFileError as error:
        message = shown(str(error).replace(str(path), path.name))
        raise Refused("Answers file", f"The answers file cannot be read: {message}") from None
    if data is None:
        raise Refused("Answers file", f"{shown(path.name)} is empty: fill in the answers template and upload it.")
    if not isinstance(data, dict):
        raise Refused("Answers file", f"{shown(path.name)} must map part ids to answers (part id: answer, one a line).")
    return data


def _read_no_link(path: Path) -> str:
    """The file's UTF-8 text, opened without following a link (one swapped in after the folder was
    listed is refused too) and only if it is a regular file of at most MAX_ANSWER_BYTES."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(f"{path}: not a regular file")
        raw = handle.read(MAX_ANSWER_BYTES + 1)
    if len(raw) > MAX_ANSWER_BYTES:
        raise InputFileError(f"{path}: larger than {MAX_ANSWER_BYTES // 2**20} MiB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(f"{path}: line {line} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def grade(setup: Setup) -> dict[str, Any]:
    """The results of one submission: its written answers against the submitter's variant, its
    submission_log.json against the zip's test set, or both (each file is graded when uploaded:
    one zip serves the written assignment and the code assignment)."""

    code = code_key(setup)
    try:
        file, log = handed_in_files(setup.root / "submission", code=code is not None)
    except Refused as refused:  # scored out of the submitter's variant's points, as the answers would be
        variant, found = submitter_variant(setup)
        return refused_results(setup, refused, found, points=result_points(variant.parts))
    extra: dict[str, Any] = {}  # the variant's seed and digest when answers are graded
    output = list(setup.notes)
    titles: dict[str, str] = {}
    result = None
    if file is not None and code is not None and log is None and _holds_log(file):
        file, log = None, file  # a log under another name
    if file is not None:
        graded = grade_answers_file(setup, file, extra, output)
        if isinstance(graded, dict):
            return graded  # refused: its results say why
        result, titles = graded
    if log is not None and code is not None:
        part = code_result(read_handed_in(log), code)
        output.append(f"Code submission {shown(log.name)}: graded against the {len(code['test']):,} test names.")
        if result is None:
            result = StudentResult(shown(log.name), {})
        result.parts = with_part(result.parts, part)
        titles[part.part] = str(code["title"])
    assert result is not None, "handed_in_files returns a file or a log"
    extra.setdefault("version", __version__)
    return results_json(
        result,
        visibility=setup.config["visibility"],
        titles=titles,
        output="\n".join(output),
        extra_data=extra,
    )


def _holds_log(file: Path) -> bool:
    """Whether a .json answers file is in fact a submission log (by its fields)."""

    if file.suffix.lower() != ".json":
        return False
    try:
        return is_log(read_answers(file))
    except Refused:
        return False  # refused again as answers, with the answers' words


def submitter_variant(setup: Setup) -> tuple[Shipped, dict[str, Any]]:
    """The submitter's variant (see :func:`variant_for`) and what results record of it."""

    metadata_path = setup.root / "submission_metadata.json"
    metadata = json.loads(metadata_path.read_text(encoding="utf-8")) if metadata_path.exists() else {}
    path, params_digest, key_digest = variant_for(setup, metadata if isinstance(metadata, dict) else {})
    variant = load_variant(setup, path, params_digest, key_digest)
    return variant, {"seed": variant.seed, "version": __version__, "params_sha256": params_digest}


def grade_answers_file(
    setup: Setup, file: Path, extra: dict[str, Any], output: list[str]
) -> tuple[Any, dict[str, str]] | dict[str, Any]:
    """The written answers against the submitter's variant: (result, titles), or refused results."""

    variant, found = submitter_variant(setup)
    extra.update(found)
    try:
        data = read_answers(file)
    except Refused as refused:
        return refused_results(setup, refused, extra, points=result_points(variant.parts))
    data = {k: v for k, v in data.items() if k not in ("student", "seed") or k in variant.parts}
    report = check_format(data, variant.parts)
    output[:] = [*setup.notes]
    if report.valid:
        output.append(f"Format check of {shown(file.name)}: valid.")
    else:
        output.append(f"Format check of {shown(file.name)}: problems found (the parts concerned score 0):")
        output += [f"  {line}" for line in report.lines() if not line.startswith("not answered")]
    answers, notes = flatten_answers(data, variant.parts)
    submission = Submission(shown(file.name), answers, notes)
    time_limit = float(setup.config.get("time_limit", 2.0))
    result = grade_submissions(variant.parts, [submission], jobs=1, time_limit=time_limit)[0]
    return result, dict(variant.titles)


def result_points(parts: dict[str, Any]) -> float:
    total = round(sum(float(spec.get("points", 1)) for spec in gradable(parts).values()), 4)
    return int(total) if total == int(total) else total


def refused_results(
    setup: Setup, refused: Refused, extra: dict[str, Any] | None = None, points: float | None = None
) -> dict[str, Any]:
    output = "\n".join([*setup.notes, refused.message])
    return notice_results(setup.config, refused.title, refused.message, output, extra, points)


def notice_results(
    config: dict[str, Any],
    title: str,
    message: str,
    output: str,
    extra: dict[str, Any] | None = None,
    points: float | None = None,
) -> dict[str, Any]:
    """Score 0 with one visible failed test saying why, worth the variant's points (or the most any gives).
    Gradescope renders outputs as HTML and they may quote a file name or address: both are escaped."""
    message, output = html.escape(message, quote=False), html.escape(output, quote=False)
    test = {
        "name": title,
        "number": "0.1",
        "score": 0,
        "max_score": points if points is not None else config.get("points", 0),
        "status": "failed",
        "output": message,
        "visibility": "visible",
    }
    data: dict[str, Any] = {"score": 0, "output": output, "stdout_visibility": "hidden", "tests": [test]}
    data["visibility"] = config.get("visibility", "visible")
    if extra:
        data["extra_data"] = extra
    return data


def write_results(root: Path, data: dict[str, Any]) -> None:
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    temporary = results / ".results.json.partial"
    temporary.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(results / "results.json")


def warm(setup: Setup) -> int:
    """Verify every shipped variant (setup.sh): its parameters' and key's digests are the manifest's."""
    if setup.config["variants"] == "params.json":
        digests = json.loads((setup.variants / "digests.json").read_text(encoding="utf-8"))
        entries = [("params.json", digests["params_sha256"], digests["key_sha256"])]
    else:
        entries = [(row["params"], row["params_sha256"], row["key_sha256"]) for row in read_manifest(setup)]
    for path, params_digest, key_digest in dict.fromkeys(entries):
        load_variant(setup, path, params_digest, key_digest)
    print(f"hw6 autograder: {len(entries)} variant(s) verified; every key is the one exported")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run_autograder")
    parser.add_argument("--root", default="/autograder")
    parser.add_argument("--warm", action="store_true", help="verify every shipped key once (setup.sh)")
    args = parser.parse_args(argv)
    start = time.monotonic()
    root = Path(args.root)
    config: dict[str, Any] = {}
    try:
        config = json.loads((root / "source" / "config.json").read_text(encoding="utf-8"))
        setup = Setup(root, config)
        if args.warm:
            return warm(setup)
        data = grade(setup)
    except Refused as refused:  # raised before a variant was found: not on the roster
        data = refused_results(setup, refused)
    except Exception:  # whatever happens, the student gets a results file and staff the traceback
        if args.warm:
            raise
        traceback.print_exc(file=sys.stdout)
        data = notice_results(config, AUTOGRADER_ERROR, ERROR_TEXT, ERROR_TEXT)
    data["execution_time"] = round(time.monotonic() - start, 3)
    try:
        write_results(root, data)
    except (ValueError, TypeError, UnicodeError):  # text that JSON or UTF-8 cannot hold: still a results file
        traceback.print_exc(file=sys.stdout)
        data = notice_results(config, AUTOGRADER_ERROR, ERROR_TEXT, ERROR_TEXT)
        data["execution_time"] = round(time.monotonic() - start, 3)
        write_results(root, data)
    print(f"hw6 autograder: score {data['score']}, {len(data['tests'])} tests, {data['execution_time']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
