"""Applying fixes: exact, safe, to a stable point, verified before anything is written.

A fix is a list of edits at the character offsets the loader recorded, so a fix changes the bytes of the
fixed value and nothing else. Each pass applies the non-overlapping fixes of every file in memory, then
the run is answered again: the fixed files are checked again (in worker processes when there are many,
each parsed once to verify the fix and checked on that parse), every other file's result is reused, and
the corpus rules run again (a fix may reveal or settle another finding, in its file or in the documents
that copy it). The loop stops when nothing is left to fix, or after MAX_PASSES. Before a file is
written, its new text must parse into exactly the data intended: the old data with only the fixed values
changed, read the same by a second, YAML 1.2 reader. Otherwise the file is left untouched.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

import yaml
from ruamel.yaml import YAML

from seedlint import engine
from seedlint.cache import NO_CACHE, Cache, Checker
from seedlint.checking import check_loaded, keep_basis
from seedlint.config import Config
from seedlint.corpus import NO_POSITIONED, Corpus, MemoKey, edited_value
from seedlint.diagnostic import Applicability, Diagnostic, Edit
from seedlint.discovery import SourceFile
from seedlint.document import Document, FileTooLarge, load_document, parse_document, read_bounded
from seedlint.edits import render_scalar, replace_value, value_after
from seedlint.escaping import inert
from seedlint.fixbasis import NOT_SCALAR, FixBasis, child, data_digest, edited_scalars
from seedlint.registry import RULES
from seedlint.results import Checked, RunResult
from seedlint.rules import related
from seedlint.writer import WriteError, why_unwritable, write_atomically
from seedlint.yamltree import JSON, FieldPath

MAX_PASSES = 10
# Fixes left after the last pass, when a file came back to a text it had before (fixes that undo each other: each
# text was verified, but is not final): a bug.
_UNSETTLED = "fix: internal error: fixes were still left after the last pass; the texts of that pass are kept"
# Fixes left after the last pass, each pass having fixed what the one before uncovered (`&amp;amp;...` is unescaped
# one level a pass): the texts written are verified and closer to fixed; running the fix again goes on.
UNFINISHED = (
    f"fix: fixes are still left after {MAX_PASSES} passes, each fixing what the pass before it uncovered (such as "
    "one more level of `&amp;amp;`): the files are written as far as that; run `seedlint fix` again to go on"
)
# A file changed between its check and its fix: the run's report is of a content no longer there, as for a file that
# could not be written (FixResult.unwritable: the run did not finish, exit 2; see _refuse).
CHANGED_ON_DISK = "file changed on disk while it was being fixed"
PARALLEL_FROM = 64  # files fixed in one pass; below this, starting worker processes costs more than it saves
WRITERS = 8  # threads writing fixed files (they wait on the disk, not on the processor)


@dataclass
class FileChange:
    source: SourceFile
    original: bytes
    fixed: bytes
    applied: list[Diagnostic] = field(default_factory=list)  # in the order they were applied
    followed: int = 0  # copies of values fixed in other documents, brought up to date
    checked: Checked | None = None  # the result of `fixed`, when the fixer checked it (see `remember_written`)

    def diff(self) -> str:
        """A unified diff for a terminal or a CI log: each line's text is made inert (seedlint/escaping.py:
        a document line holding controls, `##[` or a leading `::` is shown escaped, so that no line of the
        diff can drive the terminal or be read as a workflow command; tabs and CRLF endings stay)."""
        name = inert(self.source.display_path)
        lines = difflib.unified_diff(_lines(self.original), _lines(self.fixed), f"a/{name}", f"b/{name}")
        # The first two lines name the files; hunk headers start with `@@`; every other line with ` `, `+` or `-`.
        return "".join(
            line if i < 2 or line.startswith("@@") else _shown_diff_line(line) for i, line in enumerate(lines)
        )


def _lines(data: bytes) -> list[str]:
    # Split at LF only (str.splitlines would also split at U+2028, form feeds and other breaks inside a value).
    *complete, last = data.decode("utf-8", errors="replace").split("\n")
    return [line + "\n" for line in complete] + ([last] if last else [])


def _shown_diff_line(line: str) -> str:
    body, ending = line[1:], ""
    for end in ("\r\n", "\n"):
        if body.endswith(end):
            body, ending = body[: -len(end)], end
            break
    shown = line[0] + inert(body, keep_tabs=True)
    return shown + ending if ending else shown + "\n\\ No newline at end of file\n"


@dataclass
class FixResult:
    result: RunResult  # the check of the fixed texts: what remains
    changes: list[FileChange]
    refused: list[str]  # files whose fixes could not be verified (left untouched), with why
    # The run again with these files as they are on disk (those whose fixes could not be written).
    rerun: Callable[[set[str]], RunResult] = lambda unwritten: RunResult([], [])
    # Set when the changes are written already (fix_on_disk): those that could not be, with why.
    failures: list[tuple[FileChange, str]] | None = None
    # Files with fixes that could not be written, found before fixing (read-only, a link), with why: the run did
    # not do what was asked.
    unwritable: list[str] = field(default_factory=list)
    unfinished: bool = False  # fixes are left after MAX_PASSES passes that each made progress (see UNFINISHED)


class _Passes(Cache):
    """The results layer of a fix run: every file's result is kept in memory with the content it was
    checked on, so that a pass checks again only the files it changed (the run's own cache, `inner`,
    answers the first pass and keeps what that pass checked)."""

    def __init__(self, inner: Cache, contents: dict[str, bytes]):
        self.inner, self.contents = inner, contents
        self.known: dict[str, tuple[bytes | None, Checked]] = {}  # path → (digest of the content, or None: disk)
        self.keeps_rows = inner.keeps_rows  # (the first pass's results are the inner cache's to keep)

    def results(
        self,
        sources: list[SourceFile],
        check: Checker,
        fresh: Container[str] = frozenset(),
        progress: Callable[[int], None] | None = None,
        spill: bool = False,
    ) -> list[Checked]:
        """(Never `spill`: every result is kept here, with what fixing it needs.)"""
        found: dict[str, Checked] = {}
        todo = []
        for source in sources:
            known = self.known.get(source.display_path)
            if known is not None and known[0] == self._content_key(source.display_path):
                found[source.display_path] = known[1]
            else:
                todo.append(source)
        if todo:  # (the first pass: every file, from the run's cache or checked)
            for source, checked in zip(todo, self.inner.results(todo, check, fresh, progress), strict=True):
                found[source.display_path] = checked
                self.known[source.display_path] = (self._content_key(source.display_path), checked)
        return [found[source.display_path] for source in sources]

    def content(self, path: str) -> bytes | None:
        """The text the fixer holds for `path` (None: as on disk)."""
        return self.contents.get(path)

    def checked(self, path: str) -> Checked | None:
        """The result of the text the fixer holds for `path`."""
        known = self.known.get(path)
        return known[1] if known is not None and known[0] == self._content_key(path) else None

    def _content_key(self, path: str) -> bytes | None:
        content = self.contents.get(path)
        return None if content is None else hashlib.sha256(content).digest()

    def digest(self, path: str) -> str:
        """The SHA-256 of the content `path`'s result was checked on."""
        known = self.known.get(path)
        return known[1].digest if known is not None else ""

    def repositionable(self, path: str) -> tuple[MemoKey, ...]:
        """The memo keys of `path`'s positioned corpus diagnostics that need no document but for positions."""
        known = self.known.get(path)
        if known is None:
            return ()
        return tuple(key for key in known[1].positioned if key[3] is not None and key[4] is None)

    def basis(self, path: str) -> FixBasis | None:
        """What fixing `path` needs from the parse that checked its current content (see seedlint/fixbasis.py)."""
        known = self.known.get(path)
        return known[1].basis if known is not None else None

    def old_value(self, path: str, field_path: FieldPath) -> tuple[object] | None:
        """(the current value,) of `path`'s own value at `field_path` when its fixes edit it: the value its
        faithful copies hold, which they give up for the new one."""
        basis = self.basis(path)
        return basis.old_value(field_path) if basis is not None else None

    def put(self, path: str, checked: Checked) -> None:
        """The result of the content the fixer now holds for `path`."""
        self.known[path] = (self._content_key(path), checked)

    def remember_positioned(self, corpus, results, sources, fresh) -> None:  # type: ignore[no-untyped-def]
        self.inner.remember_positioned(corpus, results, sources, fresh)

    def flush(self) -> None:
        self.inner.flush()


def fix(
    sources: list[SourceFile],
    config: Config,
    corpus_sources: list[SourceFile] | None = None,
    *,
    unsafe: bool = False,
    cache: Cache = NO_CACHE,
    only: Callable[[list[Diagnostic]], list[Diagnostic]] | None = None,
    writing: bool = True,
) -> FixResult:
    """Compute every file's fixed text (nothing is written here). `only`: of each pass's findings, those to fix
    (a comparison's new ones: seedlint/compare.py). `writing`: the texts are to be written (not only shown, as
    `--diff` does): a read-only file is refused too (a link always is)."""
    contents: dict[str, bytes] = {}
    originals: dict[str, bytes] = {}
    applied: dict[str, list[Diagnostic]] = defaultdict(list)
    followed: dict[str, int] = defaultdict(int)  # copies brought up to date with their targets' fixes
    refused: dict[str, str] = {}
    unwritable: dict[str, str] = {}
    all_sources = {s.display_path: s for s in [*(corpus_sources or []), *sources]}
    passes = _Passes(cache, contents)
    texts = _Texts()
    unfinished = False
    with engine.Workers() as workers:  # (the same processes from pass to pass: their memos stay filled)
        result = engine.run(sources, config, corpus_sources, contents, cache=passes, fixing=True, workers=workers)
        for _ in range(MAX_PASSES):
            done = _one_pass(
                result,
                functools.partial(_corpus_of, result),
                all_sources,
                refused,
                unsafe,
                only,
                passes,
                config,
                workers,
                writing=writing,
            )
            changed = done.dropped
            unwritable.update(done.unwritable)
            refused.update(done.unwritable)
            for path, outcome in done.outcomes.items():
                if outcome.problem is not None or outcome.fixed is None or outcome.checked is None:
                    _refuse(path, outcome.problem, refused, unwritable)
                    continue
                if outcome.original is not None:  # the bytes on disk: set on the first pass that fixes it
                    originals.setdefault(path, outcome.original)
                texts.turn(path, contents.get(path, originals[path]), outcome.fixed)
                contents[path] = outcome.fixed
                passes.put(path, outcome.checked)
                applied[path].extend(done.chosen.get(path, []))
                followed[path] += outcome.followed
                changed = True
            if not changed:
                break
            result = engine.run(sources, config, corpus_sources, contents, cache=passes)
        else:
            if _to_fix(result, all_sources, unsafe, only, refused):
                unfinished = texts.unsettled(result)
    changes = [
        FileChange(all_sources[path], originals[path], data, applied[path], followed[path], passes.checked(path))
        for path, data in sorted(contents.items())
        if data != originals[path]
    ]

    def rerun(unwritten: set[str]) -> RunResult:
        for path in unwritten:
            contents.pop(path, None)
            refused[path] = "not written"
        again = engine.run(sources, config, corpus_sources, contents, cache=passes)
        return _unfixable(again, refused, functools.partial(_corpus_of, again))

    return FixResult(
        _unfixable(result, refused, functools.partial(_corpus_of, result)),
        changes,
        _refusals(refused, unwritable),
        rerun,
        unwritable=[f"{path}: {why}" for path, why in sorted(unwritable.items())],
        unfinished=unfinished,
    )


def fix_on_disk(
    first: RunResult,
    check: Callable[[], RunResult],
    sources: list[SourceFile],
    config: Config,
    corpus_sources: list[SourceFile] | None,
    *,
    cache: Cache,
    unsafe: bool = False,
    only: Callable[[list[Diagnostic]], list[Diagnostic]] | None = None,
) -> FixResult:
    """`fix`, writing each pass's fixed files before the next pass, for a run whose cache keeps reports: `check`
    (a check that starts from the run's last report) then answers each pass by checking again only the files
    written and the documents they affect, where `fix` checks the whole corpus again in memory (at 100,000
    documents, 20 s to fix the 11 copies of one edited title). `first`: that check before any fix. Each file is
    verified before it is written, as in `fix`; a fix whose copies must follow needs the whole corpus in memory
    once (its index of copies), as `fix` does. The result's changes are written already (its `failures`: those
    that could not be)."""
    all_sources = {s.display_path: s for s in [*(corpus_sources or []), *sources]}
    known = _OnDisk(cache, all_sources)
    changes: dict[str, FileChange] = {}
    refused: dict[str, str] = {}
    unwritable: dict[str, str] = {}
    failures: list[tuple[FileChange, str]] = []
    unwritten: set[str] = set()
    result = first
    texts = _Texts()
    unfinished = False

    def corpus() -> Corpus | None:  # (the index of copies, for a pass whose fixes they follow)
        return result.corpus or engine.run(sources, config, corpus_sources, cache=cache).corpus

    with engine.Workers() as workers:
        for _ in range(MAX_PASSES):
            done = _one_pass(
                result,
                corpus,
                all_sources,
                refused.keys() | unwritten,
                unsafe,
                only,
                known,
                config,
                workers,
            )
            unwritable.update(done.unwritable)
            refused.update(done.unwritable)
            fixed: list[FileChange] = []
            for path, outcome in done.outcomes.items():
                if outcome.problem is not None or outcome.fixed is None or outcome.original is None:
                    _refuse(path, outcome.problem, refused, unwritable)
                    continue
                texts.turn(path, outcome.original, outcome.fixed)
                fixed.append(
                    FileChange(
                        all_sources[path], outcome.original, outcome.fixed, done.chosen.get(path, []), outcome.followed
                    )
                )
            if not fixed and not done.dropped:
                break
            failed = write(fixed)
            failures.extend(failed)
            unwritten.update(change.source.display_path for change, _ in failed)
            for change in fixed:
                path = change.source.display_path
                if path in unwritten:
                    continue
                before = changes.get(path)
                changes[path] = (
                    change
                    if before is None
                    else FileChange(
                        change.source,
                        before.original,
                        change.fixed,
                        before.applied + change.applied,
                        before.followed + change.followed,
                    )
                )
            result = check()
        else:
            if _to_fix(result, all_sources, unsafe, only, {*refused, *unwritten}):
                unfinished = texts.unsettled(result)
    return FixResult(
        _unfixable(result, {*refused, *unwritten}, corpus),
        [change for _, change in sorted(changes.items()) if change.fixed != change.original],
        _refusals(refused, unwritable),
        failures=failures,
        unwritable=[f"{path}: {why}" for path, why in sorted(unwritable.items())],
        unfinished=unfinished,
    )


class _Texts:
    """The texts each file had from pass to pass, by digest: a file that comes back to one of them is in a cycle
    of fixes that undo each other (a bug), where one that never does is fixed further each pass."""

    def __init__(self) -> None:
        self._seen: dict[str, set[bytes]] = defaultdict(set)
        self.cycled = False

    def turn(self, path: str, before: bytes, after: bytes) -> None:
        seen = self._seen[path]
        if not seen:  # (later, `before` is the last pass's `after`, seen already)
            seen.add(hashlib.blake2b(before, digest_size=16).digest())
        after_digest = hashlib.blake2b(after, digest_size=16).digest()
        self.cycled |= after_digest in seen
        seen.add(after_digest)

    def unsettled(self, result: RunResult) -> bool:
        """For a run whose last pass left fixes: an internal error when a file cycled, else True (unfinished)."""
        if self.cycled:
            result.internal_errors.append(_UNSETTLED)
            return False
        return True


def _refuse(path: str, problem: str | None, refused: dict[str, str], unwritable: dict[str, str]) -> None:
    """A file whose fix could not be applied: refused, with why. One changed on disk meanwhile is also unwritable
    (CHANGED_ON_DISK: the run did not finish)."""
    refused[path] = problem or "the fix could not be applied"
    if problem == CHANGED_ON_DISK:
        unwritable[path] = problem


def _refusals(refused: dict[str, str], unwritable: Container[str]) -> list[str]:
    """Why each refused file is left unchanged (the unwritable ones are said apart: FixResult.unwritable)."""
    return [
        f"{path}: {why}; the file is left unchanged" for path, why in sorted(refused.items()) if path not in unwritable
    ]


def _corpus_of(result: RunResult) -> Corpus | None:
    return result.corpus


@dataclass(frozen=True)
class _Pass:
    chosen: dict[str, list[Diagnostic]]  # the fixes of each file (non-overlapping)
    outcomes: dict[str, _Outcome]  # each file's new text, or why not
    dropped: bool  # some files were left to the next pass (see _followed_in_vain)
    unwritable: dict[str, str]  # files whose fixes cannot be written (see writer.why_unwritable), with why


def _one_pass(
    result: RunResult,
    corpus: Callable[[], Corpus | None],
    all_sources: dict[str, SourceFile],
    refused: Collection[str],
    unsafe: bool,
    only: Callable[[list[Diagnostic]], list[Diagnostic]] | None,
    known: _Known,
    config: Config,
    workers: engine.Workers,
    *,
    writing: bool = True,
) -> _Pass:
    """One pass of fixes over `result`'s findings: each file's new text, verified and checked (nothing written)."""
    chosen = _chosen(result, all_sources, unsafe, only, refused)
    # A file that cannot be written is refused before fixing: the copies of its values in other documents must not
    # follow its fixes, nor be fixed into what it will not say (and then back again, pass after pass).
    unwritable = {path: why for path in chosen if (why := why_unwritable(all_sources[path].path, writing)) is not None}
    if refused or unwritable:  # (the run took the refused files' fixes as pending, as it does every file's)
        _unfixable(result, {*refused, *unwritable}, corpus)
        chosen = _chosen(result, all_sources, unsafe, only, {*refused, *unwritable})
    # The copies of the values fixed in their targets follow them in the same pass (see related.followers). A copy
    # that cannot (its file refused, or not writable) holds its target's fix back: fixed alone, the target would no
    # longer say what the copy says, and the copy would describe another article.
    follows: dict[str, list[related.Follow]] = defaultdict(list)
    left_alone = {*refused, *unwritable}
    for _ in range(MAX_PASSES):
        new_values = _new_values(chosen)
        index = corpus() if new_values else None
        found = related.followers(new_values, index) if index is not None else []
        stuck = {(f.target, f.field): f.path for f in found if _cannot_follow(f.path, all_sources, left_alone, writing)}
        if not stuck:
            for follow in found:
                follows[follow.path].append(follow)
            break
        # (and the copies of the held values in other documents, which would otherwise take the fix the target
        # does not: related.hold_copy_fixes)
        assert index is not None  # (there are followers)
        result.diagnostics = related.hold_copy_fixes([_held_for_copy(d, stuck) for d in result.diagnostics], index)
        chosen = _chosen(result, all_sources, unsafe, only, {*refused, *unwritable})
    tasks = [
        _Task(
            all_sources[path],
            known.content(path),
            edits_of(chosen.get(path, [])),
            known.digest(path),
            tuple((f.where, f.value) for f in follows.get(path, [])),
            known.repositionable(path),
            known.basis(path),
            tuple(known.old_value(f.target, f.field) for f in follows.get(path, [])),
        )
        for path in sorted(set(chosen) | set(follows))
    ]
    outcomes = dict(zip((task.source.display_path for task in tasks), _run_tasks(tasks, config, workers), strict=True))
    dropped = _followed_in_vain(outcomes, follows, new_values)
    # A copy whose file could not be fixed: its targets wait too (the next pass holds their fixes, see above).
    dropped |= {
        f.target for path, found in follows.items() if path not in dropped and outcomes[path].problem for f in found
    }
    for path in dropped:  # (done again in the next pass, without following what was not written)
        outcome = outcomes.get(path)
        if outcome is not None and outcome.problem is None:  # (one that failed stays: it is refused, with why; dropped
            # too, it was done again pass after pass, and the run ended after the last with neither fixed nor why)
            del outcomes[path]
    return _Pass(chosen, outcomes, bool(dropped), unwritable)


def _chosen(
    result: RunResult,
    all_sources: dict[str, SourceFile],
    unsafe: bool,
    only: Callable[[list[Diagnostic]], list[Diagnostic]] | None,
    excluded: Container[str],
) -> dict[str, list[Diagnostic]]:
    """The fixes a pass applies, by file: `_to_fix`'s, those of one file that overlap left to a next pass."""
    return {
        path: _non_overlapping(found) for path, found in _to_fix(result, all_sources, unsafe, only, excluded).items()
    }


def _cannot_follow(path: str, all_sources: dict[str, SourceFile], left_alone: Container[str], writing: bool) -> bool:
    """Whether the copy in `path` cannot take its target's new value: not among the files fixed, left alone
    (refused, not writable), or not writable."""
    return path not in all_sources or path in left_alone or why_unwritable(all_sources[path].path, writing) is not None


def _held_for_copy(d: Diagnostic, stuck: dict[tuple[str, FieldPath], str]) -> Diagnostic:
    """`d` without its fix when it fixes a value that a copy in a file that cannot be fixed holds."""
    path = stuck.get((d.path, edited_value(d) or ())) if d.fix is not None else None
    if path is None:
        return d
    return dataclasses.replace(
        d, fix=None, message=f"{d.message} (not fixed: {path} copies it and cannot take the new value; see why below)"
    )


class _Known(Protocol):
    """What a pass knows of each file's current content (see _Passes and _OnDisk)."""

    def content(self, path: str) -> bytes | None: ...  # (None: as on disk)

    def digest(self, path: str) -> str: ...

    def repositionable(self, path: str) -> tuple[MemoKey, ...]: ...

    def basis(self, path: str) -> FixBasis | None: ...

    def old_value(self, path: str, field_path: FieldPath) -> tuple[object] | None: ...


class _OnDisk:
    """What fix_on_disk knows of each file: it is on disk, and its result in the cache says what it was checked on
    (a file changed since has none: its fixes are refused as changed on disk)."""

    def __init__(self, cache: Cache, sources: dict[str, SourceFile]):
        self.cache, self.sources = cache, sources

    def content(self, path: str) -> bytes | None:
        return None

    def digest(self, path: str) -> str:
        checked = self.cache.remembered(self.sources[path])
        return checked.digest if checked is not None else ""

    def repositionable(self, path: str) -> tuple[MemoKey, ...]:
        return ()

    def basis(self, path: str) -> FixBasis | None:
        return None  # (never cached: the old text is parsed again, for the few files a pass writes)

    def old_value(self, path: str, field_path: FieldPath) -> tuple[object] | None:
        return None


def _unfixable(
    result: RunResult, refused: Container[str], corpus: Callable[[], Corpus | None] | None = None
) -> RunResult:
    """The run's findings, without the fixes of the files whose fixes were refused: they cannot be applied,
    so they are neither offered nor counted as fixable (the refusal is reported on its own). With the `corpus`,
    the fixes of the copies of their values are held back too (related.hold_copy_fixes): the run that found
    them took the refused files' fixes as pending."""
    if not any(d.fix is not None and d.path in refused for d in result.diagnostics):
        return result
    result.diagnostics = [
        dataclasses.replace(d, fix=None) if d.fix is not None and d.path in refused else d for d in result.diagnostics
    ]
    if corpus is not None and any(
        d.fix is not None and (edited_value(d) or ())[:1] == ("related",) for d in result.diagnostics
    ):
        index = corpus()
        if index is not None:
            result.diagnostics = related.hold_copy_fixes(result.diagnostics, index)
    return result


@dataclass(frozen=True)
class _Task:
    """One file's fixes of one pass: its current content (None: as on disk) and the edits to apply."""

    source: SourceFile
    content: bytes | None
    edits: tuple[Edit, ...]
    digest: str  # SHA-256 of the content the edits were computed on
    follows: tuple[tuple[FieldPath, str], ...] = ()  # copies that take their target's new value: (where, value)
    # Corpus diagnostics positioned on the old content whose message and fix do not depend on the document:
    # positioned again on the new content here, where it is parsed anyway (not parsed again to position them).
    positioned: tuple[MemoKey, ...] = ()
    basis: FixBasis | None = None  # what the check of the content kept for fixing it: no second parse of it
    follow_olds: tuple[tuple[object] | None, ...] = ()  # (the value each follow replaces,), when known


@dataclass(frozen=True)
class _Outcome:
    fixed: bytes | None = None  # the new content
    checked: Checked | None = None  # the new content, checked
    original: bytes | None = None  # the bytes on disk, when the task read them
    problem: str | None = None  # why the fix cannot be applied
    followed: int = 0  # copies that took their target's new value


def _run_tasks(tasks: list[_Task], config: Config, workers: engine.Workers) -> Iterable[_Outcome]:
    if len(tasks) < PARALLEL_FROM or workers.count < 2:
        return [_apply(task, config) for task in tasks]
    # Chunks of about a second of work: with small ones, a busy machine keeps the workers waiting for this
    # process to hand out the next (it queues only one chunk ahead per worker).
    chunk = max(8, min(64, len(tasks) // (4 * workers.count)))
    return list(workers.pool().map(_apply, tasks, [config] * len(tasks), chunksize=chunk))


def _apply(task: _Task, config: Config) -> _Outcome:
    """Apply one file's edits, verify the new text and check it (in a worker for large passes): without parsing
    the old text when what its check kept suffices to verify (see seedlint/fixbasis.py), else parsing it."""
    outcome = _apply_on_basis(task, config) if task.basis is not None else None
    return outcome if outcome is not None else _apply_parsed(task, config)


def _apply_on_basis(task: _Task, config: Config) -> _Outcome | None:
    """`_apply_parsed`'s outcome when the new text is exactly the intended one, decided from the task's FixBasis
    instead of a parse of the old text: the new data, with every value the edits fall in given back its old
    value, must have the old data's digest (so nothing else changed, nor any key or item), and each changed
    value must read the same to the second reader. None whenever that cannot be decided so, or fails:
    `_apply_parsed` then verifies as it always did, and says what is wrong."""
    basis, source = task.basis, task.source
    assert basis is not None
    if basis.data_digest is None:
        return None
    try:
        raw = task.content if task.content is not None else read_bounded(source.path)
        text = raw.decode("utf-8")
    except (OSError, FileTooLarge, UnicodeDecodeError):
        return None
    if hashlib.sha256(raw).hexdigest() != task.digest:
        return None
    edits = list(task.edits)
    old_values: dict[FieldPath, object] = {}
    for edit in edits:
        edited = basis.edited_at(edit)
        if edited is not None:
            old_values[edited.path] = edited.old
    followed = 0
    for (where, value), old in zip(task.follows, task.follow_olds, strict=True):
        place = basis.copy_at(where)
        if place == NOT_SCALAR:
            continue
        if old is None or isinstance(place, int) or where[2] == "publishedDateTime":
            return None  # (a date's copy may be written otherwise than its target: only the parse knows it)
        if old[0] == value:
            continue
        start, end, style = place
        if any(_overlap(edit, Edit(start, end, "")) for edit in edits):
            continue
        edits.append(Edit(start, end, render_scalar(value, style)))
        old_values[where] = old[0]
        followed += 1
    new_text = apply_edits(text, edits)
    new_doc = parse_document(new_text.encode("utf-8"), source.path, source.display_path)
    if new_doc.data is None or new_doc.body != text[basis.body_start :]:
        return None
    changed = _restored_digest(new_doc.data, old_values, basis.data_digest)
    if changed is None:
        return None
    try:
        if _second_reader(None, new_doc, changed) is not None:
            return None  # (left to _apply_parsed to word)
    except _NeedsOldParse:
        return None
    checked = _checked(new_doc, config)
    _reposition(task, new_doc, checked)
    return _Outcome(new_doc.raw, checked, raw if task.content is None else None, followed=followed)


def _restored_digest(
    data: dict[str, JSON], old_values: dict[FieldPath, object], wanted: bytes
) -> set[FieldPath] | None:
    """The paths of `old_values` whose value in `data` differs from the old one (as _compare tells them: by
    type and value), when `data` with those old values given back has the digest `wanted`; else None. (The
    values are put back in place for the digest, then the new ones again: `data` is left as it was.)"""
    swapped: list[tuple[dict[str, object] | list[object], str | int, object]] = []
    changed: set[FieldPath] = set()
    try:
        for path, old in old_values.items():
            parent: object = data
            for step in path[:-1]:
                parent = child(parent, step)
            last = path[-1]
            new = child(parent, last)
            assert isinstance(parent, (dict, list))
            if type(new) is not type(old) or new != old:
                changed.add(path)
            swapped.append((parent, last, new))
            parent[last] = old  # type: ignore[index]
        same = data_digest(data) == wanted
    except LookupError:
        same = False
    finally:
        for parent, last, new in reversed(swapped):
            parent[last] = new  # type: ignore[index]
    return changed if same else None


def _apply_parsed(task: _Task, config: Config) -> _Outcome:
    """Apply one file's edits on a parse of its text, verify the new text and check it."""
    source = task.source
    if task.content is None:
        doc = load_document(source.path, source.display_path)
        original: bytes | None = doc.raw
    else:
        doc = parse_document(task.content, source.path, source.display_path)
        original = None
    if doc.text is None or hashlib.sha256(doc.raw).hexdigest() != task.digest:
        return _Outcome(problem=CHANGED_ON_DISK)
    edits = list(task.edits)
    followed = 0
    for where, value in task.follows:  # (a copy the document's own fix already edits is left to that fix)
        node = doc.locate(where)[1] if doc.root is not None else None
        if not isinstance(node, yaml.ScalarNode) or node.value == value:
            continue
        span = doc.scalar_span(node)
        if any(_overlap(edit, Edit(span.start, span.end, "")) for edit in edits):
            continue
        edits.extend(replace_value(doc, where, value).edits)
        followed += 1
    new_text = apply_edits(doc.text, edits)
    new_doc, problem = verified(doc, new_text, edits)
    if problem is not None or new_doc is None:
        return _Outcome(problem=problem)
    checked = _checked(new_doc, config)
    _reposition(task, new_doc, checked)
    return _Outcome(new_doc.raw, checked, original, followed=followed)


def _checked(new_doc: Document, config: Config) -> Checked:
    """The fixed text checked, with what fixing it again needs when it has fixes left (a file that only
    follows its targets in a later pass is parsed again then: rare)."""
    checked = check_loaded(new_doc, config)
    if any(d.fix is not None for d in checked.diagnostics):
        keep_basis(new_doc, checked)
    return checked


def _reposition(task: _Task, new_doc: Document, checked: Checked) -> None:
    memo = dict(checked.positioned)
    for key in task.positioned:
        code, where, on_key, message, _ = key
        rule = RULES.get(code)
        if rule is not None and message is not None:
            try:
                memo[key] = rule.at(new_doc, where, message, key=on_key)
            except (ValueError, LookupError):  # (not where it was: the corpus rules will position it)
                continue
    checked.positioned = memo or NO_POSITIONED


def _new_values(chosen: dict[str, list[Diagnostic]]) -> list[tuple[str, FieldPath, str]]:
    """(document, value, the value it will have) for each value on either side of a copy that the chosen
    fixes change in a document's own fields (all the chosen edits inside one value together)."""
    found = []
    for path, diagnostics in chosen.items():
        by_value: dict[FieldPath, tuple[tuple[int, str], list[Edit]]] = {}
        for d in diagnostics:
            value, scalar = edited_value(d), d.extra.get("scalar")
            if value is not None and value[0] != "related" and isinstance(scalar, tuple) and len(scalar) == 2:
                by_value.setdefault(value, (scalar, []))[1].extend(_edits(d))
        for value, ((start, source), edits) in by_value.items():
            new = value_after(start, source, edits)
            if new is not None:
                found.append((path, value, new))
    return found


def _followed_in_vain(
    outcomes: dict[str, _Outcome],
    follows: dict[str, list[related.Follow]],
    new_values: list[tuple[str, FieldPath, str]],
) -> set[str]:
    """The documents whose copies followed a value that is not written as foreseen (its document's fix was
    refused, or the value reads otherwise): their outcome is dropped for this pass, and then that of the
    copies of their own values, and so on."""
    unwritten = set()
    for path, value, new in new_values:
        outcome = outcomes.get(path)
        record = outcome.checked.record if outcome is not None and outcome.checked is not None else None
        if record is None or not related.says(record, value, new):
            unwritten.add(path)
    dropped: set[str] = set()
    while True:
        more = {
            path
            for path, found in follows.items()
            if path in outcomes and path not in dropped and any(f.target in unwritten for f in found)
        }
        if not more:
            return dropped
        dropped |= more
        unwritten |= more


def write(changes: list[FileChange]) -> list[tuple[FileChange, str]]:
    """Write every change atomically; returns the changes not written, each with why (naming its file), in
    the order of `changes`. Files are written by a few threads at once: each write waits for its file to reach
    the disk (fsync), and a busy disk makes thousands of those waits in a row the slowest part of a fix."""
    with ThreadPoolExecutor(WRITERS) as pool:
        problems = list(pool.map(_write_one, changes))
    return [(change, problem) for change, problem in zip(changes, problems, strict=True) if problem is not None]


def remember_written(cache: Cache, written: list[FileChange]) -> None:
    """Keep the result of each written file in the cache, as the fixer checked its new text: the next run reads
    the file and compares its hash (the result is kept with no mtime: a file just written has a racy one), instead
    of checking it again (after `seedlint fix` wrote 2,456 files of azure-news, the next run took 11.5 s)."""
    for change in written:
        checked = change.checked
        if checked is not None and checked.digest == hashlib.sha256(change.fixed).hexdigest():
            cache.remember(change.source, dataclasses.replace(checked, stat=(len(change.fixed), -1), basis=None))
    cache.flush()


def _write_one(change: FileChange) -> str | None:
    try:
        write_atomically(change.source.path, change.fixed, change.original)
    except WriteError as error:
        return str(error)
    return None


def files_to_fix(
    result: RunResult,
    sources: list[SourceFile],
    corpus_sources: list[SourceFile] | None = None,
    *,
    unsafe: bool = False,
    only: Callable[[list[Diagnostic]], list[Diagnostic]] | None = None,
) -> int:
    """How many files `fix` would apply a fix to, given what a check of the same files found (`result`): 0, it
    changes nothing (a copy follows its target only when that target's value is fixed)."""
    files = {source.display_path for source in [*(corpus_sources or []), *sources]}
    return len(_to_fix(result, files, unsafe, only, {}))


def _to_fix(
    result: RunResult,
    files: Container[str],
    unsafe: bool,
    only: Callable[[list[Diagnostic]], list[Diagnostic]] | None,
    exclude: Container[str],
) -> dict[str, list[Diagnostic]]:
    """The findings whose fixes `fix` applies, by file: of `only`'s choice (all by default), those of the files it
    may write (`files`) but `exclude`."""
    wanted = result.diagnostics if only is None else only(result.diagnostics)
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in wanted:
        if d.path in files and d.path not in exclude and will_apply(d, unsafe):
            by_file[d.path].append(d)
    return by_file


def will_apply(diagnostic: Diagnostic, unsafe: bool) -> bool:
    """Whether `seedlint fix` (with `--unsafe-fixes`: `unsafe`) applies this diagnostic's fix."""
    fix = diagnostic.fix
    return fix is not None and bool(fix.edits) and (unsafe or fix.applicability is Applicability.SAFE)


def _non_overlapping(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The fixes that can be applied together; the first by (position, code) wins, the others wait for
    the next pass (after which they are checked again against the new text)."""
    chosen: list[Diagnostic] = []
    taken: list[Edit] = []
    same: set[Edit] = set()  # (taken, for a fix with the same edits as a chosen one: one value at two paths)
    for d in sorted(diagnostics, key=lambda d: (min(e.start for e in _edits(d)), d.code, d.message)):
        if same.issuperset(_edits(d)):
            chosen.append(d)
        elif not any(_overlap(a, b) for a in _edits(d) for b in taken):
            chosen.append(d)
            taken.extend(_edits(d))
            same.update(_edits(d))
    return chosen


def edits_of(chosen: list[Diagnostic]) -> tuple[Edit, ...]:
    """The edits of the fixes chosen together (see _non_overlapping), each once: two findings at one value may
    have the same fix (mojibake in a stale copy), and applied twice it would write the new text twice."""
    return tuple(dict.fromkeys(e for d in chosen for e in _edits(d)))


def _edits(d: Diagnostic) -> tuple[Edit, ...]:
    """The edits of a diagnostic with a fix (every diagnostic the fixer applies: see _fixable_by_file)."""
    assert d.fix is not None
    return d.fix.edits


def _overlap(a: Edit, b: Edit) -> bool:
    return (a.start < b.end and b.start < a.end) or a.start == b.start


def apply_edits(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text


def verify(doc: Document, new_text: str, edits: list[Edit]) -> str | None:
    """Why `new_text` is not exactly the intended result of `edits` on `doc`, or None when it is."""
    return verified(doc, new_text, edits)[1]


def verified(doc: Document, new_text: str, edits: list[Edit]) -> tuple[Document | None, str | None]:
    """(the new text, parsed; None) when `new_text` is exactly the intended result of `edits` on `doc`, else
    (None, why not).

    Intended: the new text parses as well as the old one did, and its data equals the old data except at
    the scalar values the edits fall inside (edits outside any value, like a removed BOM or a line ending,
    must not change the data at all); and a YAML 1.2 reader reads each changed value as libyaml does."""
    new = parse_document(new_text.encode("utf-8"), doc.path, doc.display_path)
    if doc.data is None:
        return (new, None) if new.text is not None else (None, "the fixed text is no longer UTF-8")
    if new.data is None:
        return None, "the fixed text no longer parses as a front-matter mapping"
    if new.body != doc.body and _line_feeds(new.body) != _line_feeds(doc.body):  # (SL015 fixes the whole file's)
        return None, "the fix would change the body after the front matter"
    scalars = edited_scalars(doc, edits)
    shared = _shared_with_a_copy(scalars)
    if shared:
        return None, f"the fix would change {shared}: one value, shared through an alias by a related entry"
    allowed = {path for _, _, path in scalars}
    changed: set[FieldPath] = set()
    if not _compare(doc.data, new.data, (), changed):
        return None, "the fix would add or remove fields"
    if not changed <= allowed:
        unexpected = ", ".join(sorted(".".join(map(str, p)) for p in changed - allowed))
        return None, f"the fix would also change {unexpected}"
    problem = _second_reader(doc, new, changed)
    return (None, problem) if problem is not None else (new, None)


class _NeedsOldParse(Exception):
    """The second reader needs the old text parsed (see _second_reader)."""


def _line_feeds(body: str | None) -> str | None:
    """The body with its CRLF line endings as LF: a body that differs only so says the same thing."""
    return body.replace("\r\n", "\n") if body is not None else None


def _second_reader(old: Document | None, new: Document, changed: set[FieldPath]) -> str | None:
    """Each changed value read again by ruamel.yaml, an independent YAML 1.2 reader (libyaml reads YAML 1.1):
    a fix must mean the same to both kinds of consumer. libyaml has already shown that nothing but these
    values changed; each is read alone, as the value of a one-key document (a whole front matter costs the
    pure-Python reader half a second; a value, microseconds). A value ruamel cannot read before the fix
    either (an escape it does not know, say) is not compared; a block scalar with an explicit indentation
    indicator, whose meaning depends on its parent's indentation, is compared within the whole front matter.
    (Without the `old` document, _NeedsOldParse is raised where it is needed.)"""
    for path in sorted(changed, key=str):
        node = _scalar_node(new, path)
        if node is None:
            continue
        if node.style in ("|", ">") and _has_indentation_indicator(new, node):
            if old is None:
                raise _NeedsOldParse
            return _second_reader_whole(old.front_matter, new.front_matter, changed)
        read = _ruamel_value(new, node)
        if read is _UNREADABLE:
            if old is None:
                raise _NeedsOldParse
            old_node = _scalar_node(old, path)
            if old_node is None or _ruamel_value(old, old_node) is not _UNREADABLE:
                return f"a YAML 1.2 reader (ruamel.yaml) cannot read the fixed value of {_dotted(path)}"
            continue
        if read != node.value:
            return f"a YAML 1.2 reader (ruamel.yaml) would read the fixed value of {_dotted(path)} differently"
    return None


_UNREADABLE = object()


def _ruamel_value(doc: Document, node: yaml.ScalarNode) -> object:
    """The value of `node` as ruamel.yaml reads it alone (`k: <the scalar's source>`), or _UNREADABLE."""
    assert doc.text is not None  # (a document with a parsed front matter has its text)
    start, end = doc.yaml_start + node.start_mark.index, doc.yaml_start + node.end_mark.index
    return _ruamel_scalar(doc.text[start:end])


@functools.lru_cache(maxsize=4096)
def _ruamel_scalar(source: str) -> object:
    """(A fixed value is often copied into hundreds of related entries: each source is read once.)"""
    # (a block scalar's source ends with its line break: one more would be a line of a `|+` value, which keeps them)
    data = _ruamel_data("k: " + source + ("" if source.endswith(("\n", "\r")) else "\n"))
    if not isinstance(data, dict) or set(data) != {"k"}:
        return _UNREADABLE
    return data["k"]


def _has_indentation_indicator(doc: Document, node: yaml.ScalarNode) -> bool:
    assert doc.text is not None  # (a document with a parsed front matter has its text)
    span = doc.scalar_span(node)
    header = doc.text[span.start : doc.text.find("\n", span.start)]
    return any(char.isdigit() for char in header.split("#", 1)[0])


def _second_reader_whole(old_text: str, new_text: str, allowed: set[FieldPath]) -> str | None:
    """The whole front matter read by ruamel.yaml before and after: equal outside the fixed values.
    Front matter ruamel cannot read before the fix (it refuses duplicate keys, say) is not compared."""
    old = _ruamel_data(old_text)
    if old is None:
        return None
    new = _ruamel_data(new_text)
    if new is None:
        return "the fixed front matter can no longer be read by a YAML 1.2 reader (ruamel.yaml)"
    old_leaves, new_leaves = _leaves(old), _leaves(new)
    if old_leaves.keys() != new_leaves.keys() or any(
        old_leaves[p] != new_leaves[p] for p in old_leaves if p not in allowed
    ):
        return "a YAML 1.2 reader (ruamel.yaml) would read the fixed front matter differently outside the fixed values"
    return None


def _ruamel_data(text: str) -> object:
    # typ="base": every scalar stays a string (no timestamps or numbers constructed, no tags acted on).
    try:
        return _ruamel().load(text)
    except Exception:  # any refusal of the reader means "cannot compare"
        return None


@functools.cache
def _ruamel() -> YAML:
    """One reader per process (making one costs as much as reading a value; each load starts afresh)."""
    return YAML(typ="base", pure=True)


def _dotted(path: FieldPath) -> str:
    return ".".join(map(str, path))


def _scalar_node(doc: Document, path: FieldPath) -> yaml.ScalarNode | None:
    if doc.root is None:
        return None
    node = doc.locate(path)[1]
    return node if isinstance(node, yaml.ScalarNode) else None


def _compare(old: object, new: object, path: FieldPath, changed: set[FieldPath]) -> bool:
    """Collect in `changed` the paths of the values that differ between two readings of a front matter
    (a value of another type counts as changed); False when their shapes differ (keys or items added or
    removed). One walk of both, without flattening either."""
    if isinstance(old, dict) and isinstance(new, dict):
        if old.keys() != new.keys():
            return False
        return all(_compare(value, new[key], path + (key,), changed) for key, value in old.items())
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return False
        return all(
            _compare(value, other, path + (index,), changed)
            for index, (value, other) in enumerate(zip(old, new, strict=True))
        )
    if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
        return False
    if type(old) is not type(new) or (old != new and not _both_nan(old, new)):
        changed.add(path)
    return True


def _both_nan(old: object, new: object) -> bool:
    """`.nan` read twice: the same value, though a NaN is not equal to itself."""
    return isinstance(old, float) and isinstance(new, float) and math.isnan(old) and math.isnan(new)


def _leaves(data: object, prefix: FieldPath = ()) -> dict[FieldPath, object]:
    if isinstance(data, dict):
        return {
            path: value for key, item in data.items() for path, value in _leaves(item, prefix + (key,)).items()
        } or {prefix: {}}
    if isinstance(data, list):
        return {
            path: value for index, item in enumerate(data) for path, value in _leaves(item, prefix + (index,)).items()
        } or {prefix: []}
    return {prefix: (type(data).__name__, data)}


def _shared_with_a_copy(scalars: list[tuple[int, int, FieldPath]]) -> str | None:
    """The paths of an edited value that a related entry shares through an alias with the document's own fields or
    another entry, shown (`excerpt and related.0.excerpt`); None when there is none. A copy describes another article:
    changing it must never change what the document itself says, nor another copy."""
    by_node: dict[tuple[int, int], list[FieldPath]] = defaultdict(list)
    for start, end, path in scalars:
        by_node[start, end].append(path)
    for paths in by_node.values():
        owners = {path[:2] if path[:1] == ("related",) else () for path in paths}
        if len(owners) > 1 and any(owners):
            return " and ".join(sorted(".".join(map(str, path)) for path in paths))
    return None
