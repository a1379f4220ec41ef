"""What the worker processes' fork server loads once, so that every worker forked from it starts with it
(seedlint/engine.py): the checking code, the Public Suffix List and the packaged schema, compiled. Imported by
the fork server only."""

from seedlint import engine, fixer, schema, weburl

weburl.public_suffix("example.com")  # (parses the list once)
schema.fast_check()

__all__ = ["engine", "fixer"]
