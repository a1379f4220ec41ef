"""The LSP features, one module per group of methods; each takes the server (its session) and LSP params."""
