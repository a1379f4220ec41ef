#!/usr/bin/env bash
# One entry point for people and CI: sets up .venv from the project's own files, then runs a job.
#   bash scripts/dev.sh check [ARGS...]   seedlint check (default: the configured corpus, seeds/)
#   bash scripts/dev.sh test [ARGS...]    the whole test suite (pytest)
#   bash scripts/dev.sh setup             only the environment
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
venv=.venv
stamp="$venv/.installed"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
# Reinstall only when the project's metadata changed since the last setup.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e '.[test]'
  touch "$stamp"
fi

job=${1:-check}
shift || true
case "$job" in
  setup) ;;
  check) exec "$venv/bin/seedlint" check "$@" ;;
  test) exec "$venv/bin/python" -m pytest "$@" ;;
  *) echo "usage: bash scripts/dev.sh {setup|check|test} [ARGS...]" >&2; exit 2 ;;
esac
