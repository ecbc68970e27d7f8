#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image: it installs the
# grader (hw6's wheel and its pinned grading dependencies) into a virtual environment and
# verifies every shipped key's digest once (no variant is solved here or at grading).
# AUTOGRADER_ROOT (default /autograder) lets a test run it elsewhere.
set -euo pipefail
SOURCE="$(cd "$(dirname "$0")" && pwd)"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
VENV="$ROOT/hw6-venv"
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-venv
fi
"$PYTHON" -m venv "$VENV"
pip() { "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@"; }
wheel="$SOURCE/$("$VENV/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["wheel"])' "$SOURCE/config.json")"
requirements="$("$VENV/bin/python" -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["requirements"]))' "$SOURCE/config.json")"
# shellcheck disable=SC2086  # one word per requirement
if ! pip $requirements; then
  echo "setup.sh: the pinned versions ($requirements) do not install here; trying the newest ones" >&2
  pip numpy sympy PyYAML threadpoolctl
fi
pip --no-deps "$wheel"
"$VENV/bin/python" -m solver.export.autograder --root "$ROOT" --warm
