#!/usr/bin/env bash
# One entry point for people and CI: sets up .venv from the project's own files, then runs a job.
#   bash scripts/dev.sh check [ARGS...]   seedlint check (default: the configured corpus, seeds/)
#   bash scripts/dev.sh test [ARGS...]    lint, format check, type check, then the whole test suite (pytest ARGS)
#   bash scripts/dev.sh lint              only the lint, format and type checks
#   bash scripts/dev.sh fmt               format the code and apply ruff's safe fixes
#   bash scripts/dev.sh lock [--upgrade]  requirements/lock.txt again from pyproject.toml (new dependencies added,
#                                         the others kept; --upgrade: every package at its newest release), then
#                                         the lint and the whole test suite on what it installs
#   bash scripts/dev.sh run TOOL [ARGS...] a tool of the environment (the pre-commit hooks: ruff, mypy)
#   bash scripts/dev.sh setup             only the environment
# The environment is installed from requirements/lock.txt (exact versions, with hashes), then seedlint
# itself in editable mode; pyproject.toml keeps the honest lower bounds the lock was resolved from.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
venv=.venv
stamp="$venv/.installed"
lock=requirements/lock.txt

setup() {
  if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
  fi
  # Reinstall only when the project's metadata or the lock changed since the last setup.
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    "$venv/bin/python" -m pip install --quiet --require-hashes --no-deps -r "$lock"
    "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
    touch "$stamp"
  fi
  # Compiled as pip compiles an installed package (an editable install is not): with PYTHONDONTWRITEBYTECODE
  # set, as in many CI images, every run would compile seedlint's modules again (0.1 s of a hook's second).
  # Only the modules changed since are compiled again.
  "$venv/bin/python" -m compileall -q seedlint >/dev/null
}

lint() {
  "$venv/bin/ruff" check .
  "$venv/bin/ruff" format --check .
  "$venv/bin/mypy"
}

job=${1:-check}
shift || true
case "$job" in
  setup) setup ;;
  run) setup; tool=$1; shift; exec "$venv/bin/$tool" "$@" ;;
  check) setup; exec "$venv/bin/seedlint" check "$@" ;;
  lint) setup; lint ;;
  fmt) setup; "$venv/bin/ruff" format .; "$venv/bin/ruff" check --fix . ;;
  test) setup; lint; exec "$venv/bin/python" -m pytest "$@" ;;
  lock)
    setup
    "$venv/bin/pip-compile" --quiet --generate-hashes --all-extras --all-build-deps --strip-extras \
      --allow-unsafe --no-emit-index-url --no-emit-find-links --output-file "$lock" "$@" pyproject.toml
    setup
    lint
    exec "$venv/bin/python" -m pytest
    ;;
  *) echo "usage: bash scripts/dev.sh {setup|check|test|lint|fmt|lock|run} [ARGS...]" >&2; exit 2 ;;
esac
