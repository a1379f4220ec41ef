"""A cache of per-file results, like ruff's: a run where nothing changed costs little more than listing
the files.

Per settings key, 64 shard files under the cache directory: pickled maps from each file's path to its size,
mtime, content hash and result (diagnostics, index record, positioned corpus diagnostics). The settings
key covers seedlint's version, the configuration, the schema's text, the topic vocabulary's content and the
rule registry, so changing any of them starts a fresh cache. An entry is used when size and mtime match
(no read at all), or when the content hash matches. Beside it, one small file per distinct run (its set
of files) holds that run's final report with every file's size and mtime: an unchanged run is answered
from it alone. A corrupt or unreadable cache is ignored and rebuilt; writes are atomic (temporary file
and os.replace), so concurrent runs (pre-commit batches) can only lose each other's additions, never corrupt.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from seedlint import __version__, schema
from seedlint.config import Config
from seedlint.discovery import SourceFile

if TYPE_CHECKING:
    from seedlint.engine import Checked

FORMAT = 6
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
            "topics": _vocabulary_digest(config),
            "rules": [(r.code, r.severity.value) for r in all_rules()],
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:20]


def _vocabulary_digest(config: Config) -> str | None:
    """The topic vocabulary's content: editing it changes what SL603 reports, so it starts a fresh cache."""
    if not config.topics:
        return None
    path = config.resolve(config.topics)
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in files:
        try:
            digest.update(str(file).encode("utf-8", "surrogateescape") + b"\0" + file.read_bytes())
        except OSError:
            digest.update(str(file).encode("utf-8", "surrogateescape") + b"\0unreadable")
    return digest.hexdigest()


class Cache:
    SHARDS = 64  # per-file results are split so that a run that changed a few files rewrites a few shards

    def __init__(self, directory: Path, config: Config):
        self.directory = directory
        self.settings = settings_key(config)
        self._shards: list[dict[str, tuple] | None] = [None] * self.SHARDS  # read on first use
        self._dirty: set[int] = set()

    def _shard_file(self, index: int) -> Path:
        return self.directory / f"results-{self.settings}-{index:02d}.pickle"

    def _shard(self, key: str) -> tuple[int, dict[str, tuple]]:
        index = zlib.crc32(key.encode("utf-8", "surrogatepass")) % self.SHARDS
        if self._shards[index] is None:  # a run answered whole never reads any
            loaded = _read_pickle(self._shard_file(index))
            self._shards[index] = loaded if isinstance(loaded, dict) else {}
        return index, self._shards[index]

    def _set(self, key: str, entry: tuple) -> None:
        index, shard = self._shard(key)
        shard[key] = entry
        self._dirty.add(index)

    # A whole run: when every file of a run is unchanged since the same run last finished, its report
    # is the same; it is kept apart from the per-file results, so answering it reads one small file.

    def _run_file(self, sources: list[SourceFile]) -> Path:
        names = "\0".join(sorted(self._key(source) for source in sources))
        return self.directory / f"run-{self.settings}-{hashlib.sha256(names.encode('utf-8', 'surrogatepass')).hexdigest()[:20]}.pickle"

    def get_run(self, sources: list[SourceFile], reported: list[str]) -> list | None:
        """The diagnostics of the last identical run, if no file changed since (size and mtime)."""
        stored = _read_pickle(self._run_file(sources))
        if not isinstance(stored, dict) or stored.get("reported") != reported:
            return None
        stats = stored.get("stats", {})
        for source in sources:
            try:
                info = os.stat(source.path)
            except OSError:
                return None
            if stats.get(self._key(source)) != (info.st_size, info.st_mtime_ns):
                return None
        return stored.get("diagnostics")

    def put_run(self, sources: list[SourceFile], stats: dict[str, tuple[int, int] | None], reported: list[str], diagnostics: list) -> None:
        """Remember a finished run; `stats` were taken before each file was read. Not when a file changed
        too recently for its mtime to be trusted."""
        now = time.time_ns()
        keyed = {}
        for source in sources:
            stat = stats.get(source.display_path)
            if stat is None or now - stat[1] < RACY_NS:
                return
            keyed[self._key(source)] = stat
        _write_pickle(self._run_file(sources), {"stats": keyed, "reported": reported, "diagnostics": diagnostics})

    @staticmethod
    def _key(source: SourceFile) -> str:
        return f"{os.path.abspath(source.path)}\0{source.display_path}"

    def get(self, source: SourceFile) -> Checked | None:
        entry = self._shard(self._key(source))[1].get(self._key(source))
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
                self._set(self._key(source), (info.st_size, info.st_mtime_ns, digest, checked))
            return checked
        return None

    def put(self, source: SourceFile, checked: Checked) -> None:
        if checked.internal_errors or checked.stat is None or not checked.digest:
            return  # never cache a failure of seedlint itself, nor a file that could not be read
        size, mtime = checked.stat
        if time.time_ns() - mtime < RACY_NS:
            mtime = -1  # "racy": the file may change again within the clock's resolution; trust only its hash
        self._set(self._key(source), (size, mtime, checked.digest, checked))

    def save(self) -> None:
        for index in sorted(self._dirty):
            if _write_pickle(self._shard_file(index), self._shards[index]):
                self._dirty.discard(index)


def _read_pickle(path: Path):
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except Exception:  # missing, corrupt, truncated, from another Python: start afresh
        return None


def _write_pickle(path: Path, value) -> bool:
    """Atomically (temporary file, then os.replace): concurrent runs can lose each other's additions, never corrupt."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".results.", suffix=".tmp")
        with os.fdopen(fd, "wb") as stream:
            pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.fast = True  # no memo: the results hold no cycles, and a memo of millions of objects costs GBs
            pickler.dump(value)
        os.replace(temporary, path)
        return True
    except OSError:
        return False  # a cache that cannot be written only costs time
