"""The article JSON Schema: found, loaded and compiled once per process.

The schema file is `schemas/article.schema.json` in the repository; an installed wheel carries it as
`seedlint/schemas/article.schema.json` (see pyproject.toml), so both places are looked up.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_NAME = "article.schema.json"


def default_schema_path() -> Path:
    packaged = resources.files("seedlint") / "schemas" / SCHEMA_NAME
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "schemas" / SCHEMA_NAME


def schema_text(path: Path | None = None) -> str:
    return (path or default_schema_path()).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=4)
def validator(path: Path | None = None) -> Draft202012Validator:
    """The compiled validator. Formats are not asserted here: jsonschema checks `date-time` and `uri`
    only when optional packages happen to be installed, so the SL2/SL3 rules check them instead."""
    schema = json.loads(schema_text(path))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)
