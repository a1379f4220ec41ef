"""The data flow of a run, in one place:

files → documents (text, parsed data, positions) → per-document rules → index records
      → corpus index and cross-document rules → selected, suppressed, sorted diagnostics
      → reporters and the fixer.

Per-document work is the expensive part: it runs in worker processes for large runs and its results
(diagnostics and a small index record per file) are cached by content (seedlint/cache.py). No document is
kept in memory after it was checked; rules that report on a document later (cross-document rules,
suppressions, the `full` reporter) load it again by path, which only happens for the few that need it.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import seedlint.cache
from seedlint import incremental, plain, selection
from seedlint.cache import NO_CACHE, Cache, Encoded, Report, file_state, row_of
from seedlint.checking import Reader, check_corpus, check_source
from seedlint.config import Config
from seedlint.corpus import Corpus
from seedlint.discovery import SourceFile
from seedlint.positioning import Placed, Placer, Wanted, place_in
from seedlint.results import Checked, RunResult, positioned_memos
from seedlint.rules import related
from seedlint.rules.file import MISSING_FRONT_MATTER
from seedlint.statahead import StatsAhead

if TYPE_CHECKING:  # (imported where worker processes are started: a hook's run checks a few files here)
    import multiprocessing.context
    from concurrent.futures import ProcessPoolExecutor

PARALLEL_FROM = 400  # files; below this, starting worker processes costs more than it saves
CHUNK = 64


# Checking a document allocates thousands of objects and makes almost no reference cycles, while a large
# run keeps millions alive (every result, the memos and caches): at Python's default thresholds the cycle
# collector runs every 700 allocations and keeps rescanning them, a sixth of a worker's time. Collected
# rarely, nothing piles up (a 24,000-file worker run leaves about 1,600 objects to the collector in all).
GC_THRESHOLDS = (100_000, 50, 100)


def start_worker() -> None:
    """A worker's first step: Ctrl-C ignored (where no fork server set it aside already, see seedlint/preload.py),
    its life tied to the run's (`end_with_the_run`), then `collect_garbage_rarely`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_the_run()
    collect_garbage_rarely()


_PR_SET_PDEATHSIG = 1  # (Linux's prctl option: the signal a process gets when its parent ends)


def end_with_the_run() -> None:
    """The worker and the fork server end when the run's process does, however it ends. Killed (SIGTERM from
    `timeout` or an editor restarting its language server, SIGKILL), that process cleans up nothing; its workers,
    waiting for tasks on a queue they hold open themselves, waited forever (145 MB each at 100,000 documents), and
    the fork server with them. The fork server ends when the last holder of its `alive` pipe is gone: a worker lets
    go of the copy it inherits (it starts no process of its own), so that the run's process is the last. And Linux
    ends the worker when its parent, the fork server, ends."""
    import multiprocessing.forkserver

    server = multiprocessing.forkserver._forkserver
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is None:  # (not started by a fork server)
        return
    os.close(alive)
    server._forkserver_alive_fd = None  # type: ignore[attr-defined]  # (a private of multiprocessing)
    if sys.platform != "linux":
        return
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # (the fork server ended before the request took effect)
        os._exit(0)


def collect_garbage_rarely() -> None:
    gc.freeze()  # what exists by now (modules, the schema, the rule registry) is never garbage: not rescanned
    gc.set_threshold(*GC_THRESHOLDS)


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers started by a fork server (where the platform has one): a clean process that loaded the checking
    code, the Public Suffix List and the packaged schema once (seedlint/preload.py), not a fork of this one. A
    fork would carry this process's state into every worker: its open cache database (SQLite connections must
    not cross a fork), and its memory at that moment (at a million files, the 600 MB of the listing, shared
    but counted in each worker's resident size)."""
    import multiprocessing.forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["seedlint.preload"])
    multiprocessing.forkserver.ensure_running()
    return context


_QUIET_TRACKER = "ignore::UserWarning:multiprocessing.resource_tracker"


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C held back while the fork server and a pool are made, and taken once they are: the fork server starts
    with it blocked, which a new process keeps from its very first step (interrupted while Python starts, it would
    print a traceback; the workers it forks ignore it, see start_worker), and a pool interrupted half made leaves a
    semaphore that the resource tracker then warns about."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    # (The resource tracker first: it ignores Ctrl-C itself, but starting it unblocks the signal again. When the run
    # is killed, it removes the run's semaphores, as it should, and would say so in a Python warning of two lines,
    # which tells the user nothing: its interpreter is started without it. multiprocessing reads sys.warnoptions when it
    # starts the tracker; this process read them at its start.)
    import multiprocessing.resource_tracker

    if _QUIET_TRACKER not in sys.warnoptions:
        sys.warnoptions.append(_QUIET_TRACKER)
    multiprocessing.resource_tracker.ensure_running()
    with _held(signal.SIGINT):
        yield


def _sigterm_held() -> contextlib.AbstractContextManager[None]:
    """SIGTERM (which a run takes as a Ctrl-C, see seedlint/failsafe.py) held back while a pool's workers and its
    manager thread are started, and taken once they are. Not while the fork server starts: the workers it forks would
    keep it held, and with it the signal that ends them when the run's process does (see end_with_the_run)."""
    return _held(signal.SIGTERM) if hasattr(signal, "pthread_sigmask") else contextlib.nullcontext()


@contextlib.contextmanager
def _held(signum: signal.Signals) -> Iterator[None]:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signum})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})  # (one that came meanwhile is raised here)


# The pools of this process not closed yet (the language server checks in several threads), and the lock that
# pools are made, closed and the fork server stopped under (see `stop_fork_server`).
_open_pools = 0
_POOLS = threading.Lock()


class Workers:
    """Worker processes on every core (at most 8), started when first needed and kept until `close`: a fix run
    keeps the same workers from its first pass to its last, so each pass finds their memos (the related entries
    already seen, seedlint/memo.py) filled by the passes before."""

    def __init__(self) -> None:
        self.count = min(os.cpu_count() or 1, 8)
        self._pool: ProcessPoolExecutor | None = None

    def pool(self) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        global _open_pools
        with _POOLS:
            if self._pool is None:
                with _ctrl_c_held():
                    self._pool = ProcessPoolExecutor(self.count, mp_context=_worker_context(), initializer=start_worker)
                    _open_pools += 1
                    with _sigterm_held():
                        # Every worker started here, held too (the executor would start each when a task first needs
                        # it: a Ctrl-C between a worker's start and its registration left a worker the pool did not
                        # know, which could take the stop meant for another, and the pool then waited for ever for
                        # that one). Only before the manager thread starts (the executor's own rule), where the
                        # method exists.
                        launch = getattr(self._pool, "_launch_processes", None)
                        if launch is not None:
                            launch()
                        # Its manager thread is started by the first task submitted: here, held too. A Ctrl-C or a
                        # SIGTERM between that thread's making and its start left a pool that cannot shut down
                        # ("cannot join thread before it is started"), reported as an internal error.
                        self._pool.submit(int)
            return self._pool

    def close(self) -> None:
        """Stop the workers once the tasks they are on are done; those not started are dropped (the run was
        interrupted: Ctrl-C reaches this process only, see start_worker, and ends the run within a task's time)."""
        global _open_pools
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            with _POOLS:  # (counted open until its workers are gone)
                self._pool = None
                _open_pools -= 1

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stop_fork_server() -> None:
    """Stop the fork server (seedlint/preload.py: 37 MB of loaded checking code) when no pool is open: after the
    pool of a run whose results are read back from the cache (cache.SPILL_FROM), where it would stay beside them
    for the rest of the run. A later pool starts another (0.2 s)."""
    import multiprocessing.forkserver

    stop = getattr(multiprocessing.forkserver._forkserver, "_stop", None)
    with _POOLS:
        if stop is not None and _open_pools == 0:
            stop()


def _check_chunk(sources: list[SourceFile], config: Config, fixing: bool, rows: bool) -> list[Encoded]:
    """In a worker: the results encoded here, once, as the cache stores them (plain.encode_checked: data
    only), each with its cache row when the cache writes rows (`rows`); the main process decodes them for the
    corpus and keeps the bytes for the cache, instead of encoding every result again, or, in a run that spills,
    writes them as they are. (The executor pickles the list and the sources between this process and its own
    workers, through a pipe: nothing read from disk is ever unpickled.) In a fix run, each result's FixBasis
    travels beside it (never cached)."""
    return [_encoded(check_source(source, config, fixing=fixing), rows) for source in sources]


def _encoded(checked: Checked, rows: bool = False) -> Encoded:
    try:
        blob = plain.encode_checked(checked)
    except Exception:  # a bug (a value that is not plain data): reported, never a lost result
        error = f"{checked.path}: internal error while encoding the result:\n{traceback.format_exc()}"
        return Encoded(plain.encode_checked(Checked(checked.path, [], None, False, [error])), None, None)
    return Encoded(blob, _encoded_basis(checked), row_of(checked) if rows else None)


def _encoded_basis(checked: Checked) -> bytes | None:
    """The FixBasis beside the result, or None: without it the fixer parses the old text again (an edited value
    MessagePack cannot hold, an integer over 64 bits, costs that file the second parse, nothing more)."""
    if checked.basis is None:
        return None
    try:
        return plain.encode_basis(checked.basis)
    except (TypeError, ValueError, OverflowError):
        return None


def checker(
    config: Config,
    contents: dict[str, bytes],
    fixing: bool = False,
    workers: Workers | None = None,
    bounded: bool = False,
    rows: bool = False,
) -> Callable[[list[SourceFile]], Iterator[tuple]]:
    """How files are checked: in this process or, for large runs, in worker processes on every core (`workers`,
    else a pool of this call's own). (In-memory contents, the fixer's, are checked in this process: workers read
    from disk.) `fixing`: each result carries its FixBasis (a fix run's first pass). `bounded`: files are checked
    where a step's time is bounded, in worker processes however few: the caller runs in another thread than the
    main one (the language server reading a corpus), where no bound holds (seedlint/timelimit.py), and a configured
    pattern that backtracks for ever would hold the interpreter, and so the whole server. `rows`: the workers also
    make each result's cache row (`cache.Row`), for a cache that writes rows (`Cache.keeps_rows`): none is made for
    nothing in a run without one."""

    def check(todo: list[SourceFile]) -> Iterator[tuple[SourceFile, Checked | Encoded]]:
        own = workers or Workers()
        parallel = len(todo) >= PARALLEL_FROM and own.count > 1
        if (parallel or bounded) and not contents:
            chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
            try:
                alike = len(chunks)
                results = own.pool().map(_check_chunk, chunks, [config] * alike, [fixing] * alike, [rows] * alike)
                for chunk, encoded in zip(chunks, results, strict=True):
                    yield from zip(chunk, encoded, strict=True)
            finally:
                if own is not workers:
                    own.close()
                    if len(todo) >= seedlint.cache.SPILL_FROM:  # (its results are read back next: Cache.results)
                        stop_fork_server()
        else:
            for source in todo:
                yield source, check_source(source, config, contents.get(source.display_path), fixing=fixing)

    return check


PLACE_IN_WORKERS_FROM = 100  # documents whose corpus findings wait for them; below this, positioned here


def placer(reader: Reader, workers: Workers | None) -> Placer:
    """How the corpus findings waiting for their documents (Corpus.settle) are positioned: in worker processes
    when many documents need it (`workers`, else a pool of its own for that time: the check's pool is gone by
    then, and its workers' memory with it), else in this process (None). In-memory contents, the fixer's, go to
    the workers with their findings."""

    def place(groups: dict[str, list[Wanted]]) -> tuple[dict[str, Placed], list[str]] | None:
        own = workers or Workers()
        if len(groups) < PLACE_IN_WORKERS_FROM or own.count < 2:
            return None  # (no pool was started)
        paths = list(groups)
        size = max(1, min(CHUNK, -(-len(paths) // (4 * own.count))))  # (at least four tasks a worker: balanced)
        chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
        sources = reader.sources
        tasks = []
        for chunk in chunks:
            needed = set(chunk) | {read for path in chunk for one in groups[path] for read in one.reads}
            given = [sources[path] for path in sorted(needed) if path in sources]
            contents = {path: reader.contents[path] for path in needed if path in reader.contents}
            tasks.append(([(path, groups[path]) for path in chunk], given, contents))
        placed: dict[str, Placed] = {}
        errors: list[str] = []
        try:
            for chunk, (made, failed) in zip(chunks, own.pool().map(_place_chunk, tasks), strict=True):
                placed.update(zip(chunk, (diagnostics for diagnostics, _ in made), strict=True))
                errors += failed + [error for _, error in made if error is not None]
        finally:
            if own is not workers:
                own.close()
        return placed, errors

    return place


def _place_chunk(
    task: tuple[list[tuple[str, list[Wanted]]], list[SourceFile], dict[str, bytes]],
) -> tuple[list[tuple[Placed, str | None]], list[str]]:
    """In a worker: the findings of a few documents positioned (positioning.place_in), with the internal errors
    met reading them. The documents whose values a finding quotes (its `reads`) are loaded once for the task."""
    groups, sources, contents = task
    errors: list[str] = []
    load = functools.lru_cache(maxsize=16)(Reader(sources, contents, errors).load_path)
    return [place_in(path, wanted, load) for path, wanted in groups], errors


def set_aside(result: RunResult, sources: list[SourceFile]) -> RunResult:
    """The run with the files found in folders that are not documents set aside: a file with some other text and
    no front matter (README.md beside the articles, see `is_other_text`) is not reported on, but named in
    `not_documents`."""
    code = MISSING_FRONT_MATTER.code
    findings = result.findings  # (a run answered from its report: only the parts with such a finding looked at)
    missing = (
        findings.paths_where(lambda d: d.code == code, code)
        if findings is not None
        else {d.path for d in result.diagnostics if d.code == code}
    )
    if not missing:  # (the usual case: no dictionary of 100,000 sources for nothing)
        return result
    walked = {source.display_path: source for source in sources if not source.named and source.display_path in missing}
    aside = {path for path, source in walked.items() if other_text(source)}
    if aside:
        result.diagnostics = [d for d in result.diagnostics if d.path not in aside]
        result.not_documents = sorted(aside)
    return result


def other_text(source: SourceFile) -> bool:
    """Whether a file without front matter found in a folder holds some other text (see `is_other_text`): read
    up to 64 KiB. (A link leading out of the project is never read: it is no other text, it is reported.)"""
    if source.refused:
        return False
    try:
        with open(source.location, "rb") as file:
            head = file.read(65_536)
            size = os.fstat(file.fileno()).st_size
    except OSError:
        return True
    return is_other_text(head, size)


def is_other_text(head: bytes, size: int) -> bool:
    """Whether a file without front matter (its first bytes `head` of `size`) is some other text, set aside (a
    README beside the articles), or a document that fails the run: empty or only blanks (an article emptied by
    accident, with or without a byte-order mark), or starting with `---` (its front matter damaged: lines that end
    in a lone carriage return, a blank first line)."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not text:
        return size > len(head)  # (only blanks as far as read: text if there is more)
    return not text.startswith(b"---")


def run(
    sources: list[SourceFile],
    config: Config,
    corpus_sources: list[SourceFile] | None = None,
    contents: dict[str, bytes] | None = None,
    progress: Callable[[int], None] | None = None,
    cache: Cache = NO_CACHE,
    lost: dict[str, str] | None = None,
    run_id: str | None = None,
    keep_checked: bool = False,
    fixing: bool = False,
    workers: Workers | None = None,
    stats: StatsAhead | None = None,
    whole_run_id: str | None = None,
) -> RunResult:
    """Check `sources` and report on them. Cross-document rules resolve against `corpus_sources` (the whole
    configured corpus, for a partial run such as a pre-commit hook's) or, by default, against `sources`.
    `contents`: display path → bytes checked instead of the file's (the fixer's texts, in memory).
    `lost` (from `--since`): canonical addresses the corpus had at a revision → what they named then.
    `run_id` names what the run checks (its paths): the cache keeps the run's report under it, and the
    next run with that id starts from that report (unchanged: answered whole; a few changes: incremental).
    `keep_checked`: the result also carries every file's `Checked` (the corpus's too), with its index record,
    for a consumer of the whole run such as `seedlint report` (from the cache when the run was answered from it).
    `fixing`: a fix run's, whose files checked here carry what fixing them needs (Checked.basis); `workers`: the
    worker processes to check in (a fix run's, kept from pass to pass); `stats`: the files' stats, taken ahead by
    the caller for several runs (see seedlint/statahead.py). `whole_run_id`: for a partial run, the run id of the
    whole corpus's run, whose report answers it when it can (incremental.partial)."""
    contents = contents or {}
    given = {source.display_path for source in sources}
    others = [source for source in corpus_sources or [] if source.display_path not in given]
    report_id = None
    if cache.keeps_reports and run_id is not None and not contents and not lost:
        if others and whole_run_id is not None and not keep_checked:
            whole = list(corpus_sources or [])
            answer = incremental.partial(
                sources,
                others,
                config,
                cache,
                lambda: run(whole, config, cache=cache, run_id=whole_run_id),
                whole_run_id,
                lambda reader: placer(reader, workers),
            )
            if answer is not None:
                return set_aside(answer, sources)
        report_id = run_id + ("\0" + "\0".join(sorted(given)) if others else "")
        # (the stats taken while the report is read)
        ahead = stats if stats is not None else incremental.stats_ahead([*sources, *others], cache)
        try:
            last = cache.last_report(report_id)
            result = (
                None
                if last is None
                else incremental.rerun(
                    last, report_id, sources, others, config, cache, ahead, lambda reader: placer(reader, workers)
                )
            )
            del last  # (a full run does not hold the report it could not start from)
        finally:
            if ahead is not None and ahead is not stats:
                ahead.close()
        if result is not None:
            if keep_checked:
                result.checked = cache.results([*sources, *others], checker(config, contents, rows=cache.keeps_rows))
            return set_aside(result, sources)
    check = checker(config, contents, fixing, workers, rows=cache.keeps_rows)
    checked = cache.results(sources, check, fresh=contents, progress=progress, spill=not fixing)
    # The rest of the corpus, for a partial run: only its index records matter (and which documents have errors).
    corpus_checked = cache.results(others, check, fresh=contents, spill=not fixing) if others else []
    all_checked = [*checked, *corpus_checked]
    internal_errors = [e for c in all_checked for e in c.internal_errors]
    reader = Reader([*(corpus_sources or []), *sources], contents, internal_errors)
    diagnostics = [d for c in checked for d in c.diagnostics]
    errors = {c.path for c in all_checked if c.has_error}
    records = [c.record for c in all_checked if c.record is not None]
    corpus = None
    try:
        corpus = Corpus(
            records,
            reported=set(given),
            load=reader.load_path,
            has_errors=errors.__contains__,
            partial=bool(others),
            positioned=positioned_memos(all_checked),
            lost=lost or {},
            place=placer(reader, workers),
        )
        if others:
            corpus.reported |= corpus.referrers(given)
    except Exception:  # a bug: the per-document diagnostics are still reported
        internal_errors.append(f"corpus: internal error while indexing the documents:\n{traceback.format_exc()}")
    else:
        diagnostics.extend(check_corpus(corpus, config, internal_errors))
        cache.remember_positioned(corpus, all_checked, [*sources, *others], contents)
    cache.flush()
    selected = selection.reported(
        diagnostics, checked, corpus.document if corpus is not None else reader.load_path, config
    )
    if corpus is not None:  # fixes of copies that their targets would not follow (see rules/related.py)
        selected = related.hold_copy_fixes(selected, corpus)
    paths = [c.path for c in checked]
    report: Report | None = None
    states: list[tuple[int, int, str]] = []  # (each file's, for the report: keyed once the results are freed)
    if report_id is not None and corpus is not None and not internal_errors and all(c.stat for c in all_checked):
        states = [file_state(c) for c in all_checked]
        report = {
            "partial": bool(others),
            "errors": errors,
            "unresolved": corpus.unresolved,
            "diagnostics": selected,
            "topics": corpus.topic_counts(),
        }
    kept_checked = all_checked if keep_checked else None
    # Every result and record of the run is freed before the report's files are keyed and the report stored:
    # both then reuse their memory instead of adding to the run's peak (reporters load the documents they show
    # again). A run that stores no report (the fixer's) keeps its corpus: the fixer finds the copies of what it fixes.
    kept_corpus = corpus if report is None else None
    del checked, corpus_checked, all_checked, records, corpus, diagnostics
    if report is not None:
        report["files"] = dict(zip(map(cache.key, [*sources, *others]), states, strict=True))
    del states
    token = cache.keep_report(report_id, report) if report is not None and report_id is not None else None
    result = RunResult(
        paths, selected, internal_errors, reader.load_path, checked=kept_checked, corpus=kept_corpus, report_token=token
    )
    return set_aside(result, sources)
