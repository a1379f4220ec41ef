"""Where the article JSON Schema's file is, and its text: what a run needs of the schema before any document is
checked (the cache's settings key), without loading jsonschema (seedlint/schema.py compiles it when a document is
checked; a run answered from its cache never does).

The schema file is `schemas/article.schema.json` in the repository; an installed wheel carries it as
`seedlint/schemas/article.schema.json` (see pyproject.toml), so both places are looked up.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from seedlint.document import read_bounded

SCHEMA_NAME = "article.schema.json"
MAX_SCHEMA_BYTES = 4 * 1024 * 1024  # the article schema has a few kB


def default_schema_path() -> Path:
    packaged = resources.files("seedlint") / "schemas" / SCHEMA_NAME
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "schemas" / SCHEMA_NAME


def schema_text(path: Path | None = None) -> str:
    """The schema file's text, read as documents are (a configured schema is part of the checked
    repository): a regular file only, without blocking, at most MAX_SCHEMA_BYTES. Raises OSError,
    FileTooLarge or UnicodeDecodeError."""
    return read_bounded(path or default_schema_path(), MAX_SCHEMA_BYTES).decode("utf-8")
