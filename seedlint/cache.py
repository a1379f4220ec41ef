"""A cache of per-file results, like ruff's: a run where nothing changed costs little more than listing
the files.

One file per settings key under the cache directory: a pickled map from each file's path to its size,
mtime, content hash and result (diagnostics and index record). The settings key covers seedlint's
version, the configuration, the schema's text and the rule registry, so changing any of them starts a
fresh cache. An entry is used when size and mtime match (no read at all), or when the content hash
matches. A corrupt or unreadable cache is ignored and rebuilt; writes are atomic (temporary file and
os.replace), so concurrent runs (pre-commit batches) can only lose each other's additions, never corrupt.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from seedlint import __version__, schema
from seedlint.config import Config
from seedlint.discovery import SourceFile

if TYPE_CHECKING:
    from seedlint.engine import Checked

FORMAT = 1
RACY_NS = 2_000_000_000  # a file modified this recently is recognised by content, not by mtime (as git does)


def settings_key(config: Config) -> str:
    from seedlint.registry import all_rules

    settings = config.to_dict()
    settings.pop("cache-dir", None)
    material = json.dumps(
        {
            "format": FORMAT,
            "version": __version__,
            "config": settings,
            "schema": schema.schema_text(config.schema_path),
            "rules": [(r.code, r.severity.value) for r in all_rules()],
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:20]


class Cache:
    def __init__(self, directory: Path, config: Config):
        self.file = directory / f"results-{settings_key(config)}.pickle"
        self.entries: dict[str, tuple] = {}
        self.changed = False
        try:
            with open(self.file, "rb") as stream:
                loaded = pickle.load(stream)
            if isinstance(loaded, dict):
                self.entries = loaded
        except Exception:  # missing, corrupt, truncated, from another Python: start afresh
            self.entries = {}

    @staticmethod
    def _key(source: SourceFile) -> str:
        return f"{os.path.abspath(source.path)}\0{source.display_path}"

    def get(self, source: SourceFile) -> Checked | None:
        entry = self.entries.get(self._key(source))
        if entry is None:
            return None
        size, mtime, digest, checked = entry
        try:
            info = os.stat(source.path)
        except OSError:
            return None
        if (info.st_size, info.st_mtime_ns) == (size, mtime):
            return checked
        try:
            data = Path(source.path).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() == digest:
            if time.time_ns() - info.st_mtime_ns >= RACY_NS:
                self.entries[self._key(source)] = (info.st_size, info.st_mtime_ns, digest, checked)
                self.changed = True
            return checked
        return None

    def put(self, source: SourceFile, checked: Checked) -> None:
        if checked.internal_errors or checked.stat is None or not checked.digest:
            return  # never cache a failure of seedlint itself, nor a file that could not be read
        size, mtime = checked.stat
        if time.time_ns() - mtime < RACY_NS:
            mtime = -1  # "racy": the file may change again within the clock's resolution; trust only its hash
        self.entries[self._key(source)] = (size, mtime, checked.digest, checked)
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.file.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            fd, temporary = tempfile.mkstemp(dir=self.file.parent, prefix=".results.", suffix=".tmp")
            with os.fdopen(fd, "wb") as stream:
                pickle.dump(self.entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.file)
            self.changed = False
        except OSError:
            pass  # a cache that cannot be written only costs time
