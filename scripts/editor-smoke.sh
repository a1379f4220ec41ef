#!/usr/bin/env bash
# A real editor session with seedlint server: headless Neovim (the distribution's package, 0.7 or later) and
# its built-in LSP client, on a copy of a corpus (default: tests/fixtures/azure-news). Open a document, break a
# date, see the finding, apply the quick fix; retitle a document and see the stale copies reported in a
# document that copies it; jump from a related entry to its target, and from one whose address two captures
# of an article share to the list of both. Prints one line per check; exit 1 if any failed. Skipped (exit 0)
# when nvim is not installed.
#   bash scripts/editor-smoke.sh [CORPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvim >/dev/null; then
  echo "editor-smoke: nvim is not installed; skipped"
  exit 0
fi
bash scripts/dev.sh setup
corpus=${1:-tests/fixtures/azure-news}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/news"
chmod -R u+w "$work/news"  # a copy of the read-only shared corpus: an editor session writes to it
# Neovim's own files (its LSP log, shada) and seedlint's rule pages go to the temporary folder.
SEEDLINT_SMOKE_ROOT="$work/news" SEEDLINT_SMOKE_PYTHON="$PWD/.venv/bin/python" \
  XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" \
  timeout 300 nvim --headless -u NONE -i NONE -n -c "luafile scripts/editor-smoke.lua" </dev/null
