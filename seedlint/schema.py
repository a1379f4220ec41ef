"""The article JSON Schema: found, loaded and compiled once per process.

The schema file is `schemas/article.schema.json` in the repository; an installed wheel carries it as
`seedlint/schemas/article.schema.json` (see pyproject.toml), so both places are looked up.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

import jsonschema
from jsonschema import Draft202012Validator
from referencing import Registry

SCHEMA_NAME = "article.schema.json"


def default_schema_path() -> Path:
    packaged = resources.files("seedlint") / "schemas" / SCHEMA_NAME
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "schemas" / SCHEMA_NAME


def schema_text(path: Path | None = None) -> str:
    return (path or default_schema_path()).read_text(encoding="utf-8")


class SchemaFileError(Exception):
    """A configured schema file that cannot be used (a usage error, exit 2); the message names the file."""


@functools.lru_cache(maxsize=4)
def validator(path: Path | None = None) -> Draft202012Validator:
    """The compiled validator. Formats are not asserted here: jsonschema checks `date-time` and `uri`
    only when optional packages happen to be installed, so the SL2/SL3 rules check them instead.

    An explicit, empty reference registry: jsonschema would otherwise fetch a `$ref` to an http(s) URL
    (its deprecated fallback), and nothing may be fetched at lint time. Such a `$ref` is refused here."""
    shown = path or default_schema_path()
    try:
        schema = json.loads(schema_text(path))
        Draft202012Validator.check_schema(schema)
    except OSError as error:
        raise SchemaFileError(f"{shown}: cannot read the schema: {error.strerror or error}") from None
    except ValueError as error:
        raise SchemaFileError(f"{shown}: the schema is not JSON: {error}") from None
    except jsonschema.SchemaError as error:
        raise SchemaFileError(f"{shown}: not a valid JSON Schema: {error.message}") from None
    outside = next((ref for ref in _refs(schema) if not ref.startswith("#")), None)
    if outside is not None:
        raise SchemaFileError(f"{shown}: `$ref: {outside}` points outside the schema; seedlint fetches nothing at lint time")
    return Draft202012Validator(schema, registry=Registry())


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []
