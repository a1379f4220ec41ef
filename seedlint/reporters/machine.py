"""Reporters for machines, all derived from `Diagnostic.to_dict()`."""

from __future__ import annotations

import json
from typing import TextIO

from seedlint.diagnostic import Diagnostic


def json_array(diagnostics: list[Diagnostic], stream: TextIO, **_options) -> None:
    json.dump([d.to_dict() for d in diagnostics], stream, ensure_ascii=False, indent=2)
    stream.write("\n")
