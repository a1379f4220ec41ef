"""Rule documentation as local files, for the diagnostics' links (LSP `codeDescription.href`).

There is no documentation site, and nothing may need the network: each rule's documentation (the text of
`seedlint rule CODE`, from the registry) is written once as Markdown under the user's cache folder
(`$XDG_CACHE_HOME/seedlint/<version>/rules/SL205.md`, else `~/.cache/...`, else the temporary folder), and
the link is that file's `file://` URI, which every editor opens offline.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from seedlint import __version__
from seedlint.registry import Rule
from seedlint.rules import all_rules

_WRITTEN: dict[str, str | None] = {}  # code → URI (None: could not be written)


def markdown(rule: Rule) -> str:
    """The rule's documentation as Markdown: what `seedlint rule CODE` prints, with the example as a code block."""
    return (
        f"**{rule.code} {rule.name}** ({rule.severity.value}, fix: {rule.fix_kind})\n\n{rule.summary}\n\n"
        f"**What it does**: {rule.what}\n\n**Why is this bad?** {rule.why}\n\n"
        f"**Example**\n\n```yaml\n{rule.example.strip(chr(10))}\n```\n\n**Fix safety**: {rule.fix}\n"
    )


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "seedlint" / __version__ / "rules"


def link(code: str) -> str | None:
    """The `file://` URI of the rule's documentation, written on first use; None when no folder is writable."""
    if not _WRITTEN:
        _write_all()
    return _WRITTEN.get(code)


def _write_all() -> None:
    rules = all_rules()
    for place in (folder(), Path(tempfile.gettempdir()) / f"seedlint-{__version__}-rules"):
        try:
            place.mkdir(parents=True, exist_ok=True)
            for rule in rules:
                target = place / f"{rule.code}.md"
                text = f"# {rule.code} {rule.name}\n\n" + markdown(rule)
                if not target.is_file() or target.read_text(encoding="utf-8") != text:
                    temporary = target.with_suffix(f".{os.getpid()}.tmp")
                    temporary.write_text(text, encoding="utf-8")
                    os.replace(temporary, target)
        except OSError:
            continue
        _WRITTEN.update({rule.code: (place / f"{rule.code}.md").as_uri() for rule in rules})
        return
    _WRITTEN.update({rule.code: None for rule in rules})
