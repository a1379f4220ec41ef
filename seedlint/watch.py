"""`seedlint check --watch`: check, then check again whenever a document of the corpus or a file of the
configuration (the configuration file, the schema, the topic vocabulary) changes. Each run goes through
the cache, so a change of a few documents rechecks only what they can affect (seedlint/incremental.py)."""

from __future__ import annotations

import fnmatch
import gc
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles

DEBOUNCE_MS = 200  # changes within this long of each other are one change (an editor's save writes twice)
STEP_MS = 500  # how long the watcher waits at most before answering "nothing changed"


@dataclass
class Watched:
    """What one run read, and so what a change of which starts the next run."""

    folders: list[Path]  # the corpus folders: a change of a document in them
    include: list[str]  # file-name globs of documents
    files: set[Path] = field(default_factory=set)  # single files: configuration, schema, topics, given files
    ignored: list[Path] = field(default_factory=list)  # folders whose changes never matter (the cache)

    def roots(self) -> list[Path]:
        """The folders to ask the operating system about (a file is watched through its folder)."""
        roots = {folder for folder in self.folders if folder.is_dir()}
        roots |= {file.parent for file in self.files if file.parent.is_dir()}
        return sorted(roots)

    def matters(self, path: Path) -> bool:
        if any(path == ignored or path.is_relative_to(ignored) for ignored in self.ignored):
            return False
        if path in self.files:
            return True
        if not any(path.is_relative_to(folder) for folder in self.folders):
            return False
        return any(fnmatch.fnmatch(path.name, pattern) for pattern in self.include)


def watch(run: Callable[[], Watched], echo: Callable[[str], None], stop: threading.Event | None = None) -> None:
    """Run, then wait for a change that matters and run again, until interrupted (or `stop` is set)."""
    stop = stop or threading.Event()
    roots: list[Path] = []
    changes: Iterator[set[tuple[watchfiles.Change, str]]] = iter(())
    try:
        while not stop.is_set():
            # A run freezes what it read from the cache (discovery.cycle_collection_paused): given back to the
            # collector at each new run, so that what became garbage since is collected in a long session.
            gc.unfreeze()
            watched = run()
            if watched.roots() != roots:  # (a watcher started before the run sees changes made during it)
                roots = watched.roots()
                changes = _watcher(roots, stop)
            echo(f"[{time.strftime('%H:%M:%S')}] Watching for changes (Ctrl-C to stop)...")
            if not any(watched.matters(Path(os.path.abspath(path))) for batch in changes for _, path in batch):
                return
    except KeyboardInterrupt:  # how a watch ends: not an error
        return


def _watcher(roots: list[Path], stop: threading.Event) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Batches of changes under `roots`, the watch already started: a generator starts at its first step,
    so it is stepped once here (it yields an empty batch when nothing happened for STEP_MS)."""
    if not roots:
        stop.wait()
        return iter(())
    changes = watchfiles.watch(
        *roots, debounce=DEBOUNCE_MS, stop_event=stop, yield_on_timeout=True, rust_timeout=STEP_MS
    )
    first = next(changes, set())
    return itertools.chain([first], changes)


def absolute(paths: Iterable[Path]) -> list[Path]:
    return [Path(os.path.abspath(path)) for path in paths]
