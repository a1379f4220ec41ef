"""`seedlint server`: a Language Server Protocol adapter over the engine (pygls + lsprotocol, the `server` extra).

Documents in, the engine's diagnostics and fixes out; no rule logic lives here, so the command line and the
editor cannot disagree:

  convert.py   positions: seedlint's (line, column, character offsets) ↔ LSP's (encoding-aware)
  project.py   one project: its configuration, its corpus from the cache, the corpus index
  session.py   the open documents (unsaved texts) over the projects; findings of any set of documents
  context.py   where the cursor is in a document's front matter (YAML path, line-based when it does not parse)
  ruledocs.py  rule documentation as local files (the diagnostics' codeDescription links)
  features/    one module per group of LSP methods: diagnostics, code actions, navigation, completion
  app.py       the pygls server: handlers wired to the features
"""
