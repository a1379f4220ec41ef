"""The command line: parses options into a Config, hands over to the engine, picks a reporter.
No checking logic lives here.

Exit status: 0 no error-severity diagnostic, 1 at least one, 2 usage or internal error.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

import click

from seedlint import (
    __version__,
    baseline,
    compare,
    engine,
    failsafe,
    git,
    history,
    incremental,
    registry,
    schema_file,
    selection,
)
from seedlint import cache as caching
from seedlint.cache import Cache, CacheRefused, cache_folder, open_cache
from seedlint.config import Config, ConfigError, is_within, load_config, located, shadowed_table
from seedlint.discovery import (
    DiscoveryError,
    Listings,
    SourceFile,
    corpus_paths,
    discover,
    misplaced_excludes,
    no_documents_in_cache,
    unmatchable_excludes,
)
from seedlint.document import FileTooLarge, read_bounded
from seedlint.escaping import inert, json_inert
from seedlint.reporters import REPORTERS, machine, text
from seedlint.results import RunResult
from seedlint.rules import all_rules, find_rule
from seedlint.vocabulary import VocabularyError

if TYPE_CHECKING:  # (imported where used: a plain check, a warm run above all, needs neither)
    from seedlint import fixer, watch

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

# A click decorator on a command's function (click.option(...), click.argument(...)).
CommandDecorator: TypeAlias = Callable[[Callable[..., None]], Callable[..., None]]
T = TypeVar("T")
TEXT_FORMATS = (None, "full", "concise")  # --output-format for people (None: full on a terminal, else concise)


class GivenPath(click.Path):
    """click.Path, but an empty text is refused (Path("") is the current folder: `seedlint check ''`, or a variable
    left empty in a script, checked the whole folder, and `--cache-dir ''` wrote a cache into it)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value == "":
            self.fail("an empty path names no file (`.` is the current folder)", param, ctx)
        return super().convert(value, param, ctx)


def usage_error(message: str) -> click.UsageError:
    """A usage error (exit 2). Its message may quote a configured value or a path of the checked repository:
    made inert like every output (seedlint/escaping.py)."""
    return click.UsageError(inert(message))


def _codes(value: str | None) -> list[str]:
    return [code.strip().upper() for code in (value or "").split(",") if code.strip()]


def load_settings(
    config_file: Path | None,
    isolated: bool,
    select: str | None,
    ignore: str | None,
    extend_select: str | None = None,
    no_suppressions: bool = False,
    exclude: tuple[str, ...] = (),
) -> Config:
    try:
        config = load_config(config_file, isolated=isolated)
        selection.check_configured_codes(config)
        # The options are checked as the configuration is: a typo must never turn linting off silently.
        for option, value in (("--select", select), ("--ignore", ignore), ("--extend-select", extend_select)):
            if value is not None:
                if not _codes(value):
                    raise ConfigError(f"`{option}` names no rule code (`seedlint rules` lists them)")
                if any(not code.strip() for code in value.split(",")):
                    raise ConfigError(f"`{option}` {value!r} has an empty item between its commas")
                as_typed = [code.strip() for code in value.split(",")]  # (an error quotes them as the user wrote them)
                selection.check_codes(as_typed, f"`{option}`")
                if option == "--ignore":
                    selection.check_turned_off(as_typed, f"`{option}`")
    except ConfigError as error:
        raise usage_error(str(error)) from None
    if select is not None:
        config.select = _codes(select)
    if ignore is not None:
        config.ignore = config.ignore + _codes(ignore)
    if extend_select is not None:
        config.extend_select = config.extend_select + _codes(extend_select)
    try:
        selection.check_some_selected(config, (rule.code for rule in all_rules()))
    except ConfigError as error:
        raise usage_error(str(error)) from None
    if no_suppressions:
        config.allow_suppressions = []
    if not all(pattern.strip() for pattern in exclude):
        raise usage_error("--exclude names an empty pattern, which leaves out nothing: give a glob (--exclude drafts)")
    config.exclude = config.exclude + list(exclude)
    # A configured schema or vocabulary that cannot be used is the user's to fix, not an error per document.
    if config.schema_path is not None:  # (seedlint's own is checked by its tests: not compiled for nothing)
        from seedlint import schema

        try:
            schema.validator(config.schema_path)
        except schema.SchemaFileError as error:
            raise usage_error(str(error)) from None
    try:
        config.topic_vocabulary()
    except VocabularyError as error:
        raise usage_error(str(error)) from None
    return config


def announce_defaults(config: Config, paths: tuple[Path, ...], quiet: bool) -> None:
    """Without a configuration file and without paths, say so first, and which corpus that makes (unless asked
    for quiet): the user named nothing, and gets the current folder."""
    if config.source is not None or paths or quiet:
        return
    say(
        f"no configuration file (seedlint.toml, or [tool.seedlint] in pyproject.toml) in {config.root} or above: "
        f"default settings; the corpus is the current folder {config.root}"
    )


def opened_cache(config: Config, no_cache: bool, cache_dir: Path | None, paths: tuple[Path, ...] = ()) -> Cache:
    """The run's cache (cache.open_cache); a cache folder that holds documents, inside the paths given or the
    configured corpus, is a usage error, as the walk makes it, but before the cache's database is made among them."""
    if not no_cache:
        try:
            folder = cache_folder(config, cache_dir)
            if any(is_within(folder, walked) for walked in [*paths, *corpus_paths(config)]):
                no_documents_in_cache(folder, config)
        except DiscoveryError as error:
            raise usage_error(str(error)) from None
        except CacheRefused:
            pass  # (said by open_cache, which runs without a cache)
    return open_cache(config, no_cache, cache_dir, warn)


def resolve_sources(paths: tuple[Path, ...], config: Config, listings: Listings | None = None) -> list[SourceFile]:
    """The documents of the run; `listings` (the cache) keeps the folders' listings (see discovery.discover)."""
    targets = list(paths) or corpus_paths(config)
    if paths:
        hint = ""
    elif config.source is None:
        hint = " (the current folder: no configuration file names a corpus)"
    else:
        hint = f" (the corpus configured by `paths`, {located(config.source, 'paths')})"
    try:
        sources = discover(targets, config, listings=listings)
    except DiscoveryError as error:
        raise usage_error(f"{error}{hint}") from None
    if not sources:  # checking nothing must not pass silently
        shown = ", ".join(str(target) for target in targets)
        kept = f" that `exclude` ({', '.join(config.exclude)}) leaves in" if config.exclude else ""
        raise usage_error(f"no documents in {shown}{hint}: documents are files named {', '.join(config.include)}{kept}")
    return sources


# Which configuration: every command that reads one.
config_file_options: list[CommandDecorator] = [
    click.option(
        "--config",
        "config_file",
        type=GivenPath(path_type=Path, dir_okay=False),
        help="Configuration file (seedlint.toml or pyproject.toml).",
    ),
    click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
]


def _codes_option(name: str, what: str) -> CommandDecorator:
    """A repeatable option of comma-separated codes, as in ruff: `--select SL4 --select SL1` is `--select SL4,SL1`,
    not the last one alone. The command gets them joined (None when not given)."""
    return click.option(
        name,
        multiple=True,
        callback=lambda _context, _option, values: ",".join(values) if values else None,
        help=f"Comma-separated rule codes or prefixes {what}",
    )


config_options: list[CommandDecorator] = [
    *config_file_options,
    _codes_option("--select", "to enable (replaces the configured selection; repeatable)."),
    _codes_option("--extend-select", "to enable in addition (repeatable)."),
    _codes_option("--ignore", "to disable (repeatable)."),
    click.option(
        "--no-suppressions",
        is_flag=True,
        help="Let no `# seedlint: ignore` comment silence anything (each is reported as SL019).",
    ),
    click.option(
        "--exclude",
        multiple=True,
        metavar="GLOB",
        help="Leave out files and folders matching GLOB (in addition to `exclude`; repeatable).",
    ),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
    click.option(
        "--cache-dir",
        type=GivenPath(path_type=Path, file_okay=False),
        help="Where the cache lives (default: `cache-dir`, .seedlint_cache).",
    ),
]


def with_config_options(function: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(config_options):
        function = option(function)
    return function


@click.group(cls=failsafe.FailsafeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seedlint")
def main() -> None:
    """seedlint: lint and fix the YAML front matter of a corpus of article documents."""
    failsafe.safe_streams()
    engine.collect_garbage_rarely()


output_options: list[CommandDecorator] = [
    click.option(
        "--output-format",
        type=click.Choice(sorted(REPORTERS)),
        default=None,
        help="How diagnostics are printed (default: full on a terminal, concise otherwise).",
    ),
    click.option(
        "--statistics", is_flag=True, help="Print the number of diagnostics per rule instead of the diagnostics."
    ),
    click.option(
        "--exit-zero", is_flag=True, help="Exit 0 even when errors are found (usage and internal errors still exit 2)."
    ),
    click.option("--quiet", "-q", is_flag=True, help="Print the diagnostics only: no summary, no fix report."),
]

compare_options: list[CommandDecorator] = [
    click.option(
        "--diff-base",
        metavar="REV",
        help="Report first the findings new since this git revision (the hooks: HEAD; CI: the pull request's base), "
        "also in documents the change did not touch, and fail on them (see --fail-on); deleting a referenced "
        "document is an error at every related-scope.",
    ),
    click.option(
        "--baseline",
        "baseline_file",
        type=GivenPath(path_type=Path, dir_okay=False),
        help="Report only findings not in this baseline file (default: `baseline` in the configuration).",
    ),
    click.option("--no-baseline", is_flag=True, help="Ignore the configured baseline: report every finding."),
    click.option(
        "--fail-on",
        type=click.Choice(compare.FAIL_ON),
        help="Which new findings fail the run (default: `fail-on`, new-errors).",
    ),
]

fix_options: list[CommandDecorator] = [
    click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe (they may change meaning)."),
    click.option(
        "--diff",
        is_flag=True,
        help="Print the fixes as a unified diff and write nothing (exit 1 if anything would change, or 0 with "
        "--exit-zero).",
    ),
    click.option("--show-fixes", is_flag=True, help="List the fixes applied, per file and rule."),
]


def with_options(options: list[CommandDecorator]) -> CommandDecorator:
    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


@dataclass
class Output:
    format: str | None
    statistics: bool
    exit_zero: bool
    quiet: bool

    def __post_init__(self) -> None:
        if self.statistics and self.format not in (None, "full", "concise", "json"):
            raise usage_error(f"--statistics prints text or JSON, not {self.format}")

    @property
    def is_text(self) -> bool:
        """Text for people (a log's reader), not a file format another program parses."""
        if self.statistics:
            return self.format != "json"
        return (self.format or ("full" if sys.stdout.isatty() else "concise")) in ("full", "concise")

    def report(self, result: RunResult, files: int, unfinished: bool = False) -> None:
        """`unfinished`: something failed besides the findings (a fix not written); internal errors count too."""
        if result.not_documents and len(result.not_documents) == files:  # checking nothing must not pass
            raise no_documents(result.not_documents)
        files -= len(result.not_documents)
        if result.not_documents and not self.quiet:
            shown = ", ".join(result.not_documents[:5]) + (", ..." if len(result.not_documents) > 5 else "")
            count = len(result.not_documents)
            say(
                f"{count} file{'s' if count != 1 else ''} without front matter set aside as no document: {shown} "
                "(name a file to check it anyway, or `exclude` it)"
            )
        # The findings in documents not given, counted once and only for a summary line (text output, not --quiet).
        with_summary = not self.quiet and (self.format != "json" if self.statistics else self.format in TEXT_FORMATS)
        elsewhere = text.count_elsewhere(result.diagnostics, result.paths) if with_summary else (0, 0)
        if self.statistics:
            if self.format == "json":
                machine.statistics_json(result.diagnostics, sys.stdout)
            else:
                text.statistics(result.diagnostics, sys.stdout, files=files, quiet=self.quiet, elsewhere=elsewhere)
            return
        name = self.format or ("full" if sys.stdout.isatty() else "concise")
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        source = lambda path: doc.text if (doc := result.document(path)) is not None else None  # noqa: E731
        with failsafe.batched_writes(sys.stdout):
            REPORTERS[name](
                result.diagnostics,
                sys.stdout,
                files=files,
                paths=_documents(result),
                source=source,
                color=color,
                quiet=self.quiet,
                unfinished=unfinished or bool(result.internal_errors),
                elsewhere=elsewhere,
            )

    def status(self, result: RunResult, fail_on: str = "new-errors") -> int:
        status = exit_status(result, fail_on)
        return EXIT_OK if self.exit_zero and status == EXIT_FINDINGS else status

    def report_compared(
        self, result: RunResult, split: compare.Split, comparison: compare.Comparison, files: int
    ) -> None:
        """The new findings, as any format; for people, then how many are new, the old ones in one line and the
        baseline's fixed findings (on stderr for a file format: its stdout stays that format)."""
        quiet, self.quiet = self.quiet, True
        # For people, errors first: the one finding that fails the commit is the first line they read.
        shown = sorted(split.new, key=lambda d: (d.severity.rank, d.sort_key())) if self.is_text else split.new
        try:
            self.report(RunResult(result.paths, shown, result.internal_errors, result.document), files)
        finally:
            self.quiet = quiet
        if quiet:
            return
        lines = compare.summary(split, comparison, files, len(result.internal_errors), comparison.hint())
        click.echo("\n".join(inert(line) for line in lines), err=not self.is_text)


@main.command()
@click.argument("paths", nargs=-1, type=GivenPath(path_type=Path))
@with_config_options
@with_options(output_options)
@click.option(
    "--since",
    metavar="REV",
    help="Also report related entries that resolved at this git revision and no longer do (at every related-scope).",
)
@with_options(compare_options)
@click.option(
    "--write-baseline",
    metavar="[FILE]",
    is_flag=False,
    flag_value="",
    default=None,
    help="Record today's findings as the baseline (in FILE, else the configured `baseline`, else "
    "seedlint-baseline.json), so that later runs report only new ones.",
)
@click.option(
    "--add-suppressions",
    is_flag=True,
    help="Write a `# seedlint: ignore[...]` comment for each of today's findings (SL001-SL013 excepted).",
)
@click.option("--fix", is_flag=True, help="Apply the safe fixes (as `seedlint fix`).")
@with_options(fix_options)
@click.option(
    "--watch", "watch_mode", is_flag=True, help="Check again whenever a document or the configuration changes."
)
def check(
    paths: tuple[Path, ...],
    config_file: Path | None,
    isolated: bool,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    no_suppressions: bool,
    exclude: tuple[str, ...],
    no_cache: bool,
    cache_dir: Path | None,
    output_format: str | None,
    statistics: bool,
    exit_zero: bool,
    quiet: bool,
    since: str | None,
    diff_base: str | None,
    baseline_file: Path | None,
    no_baseline: bool,
    fail_on: str | None,
    write_baseline: str | None,
    add_suppressions: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    show_fixes: bool,
    watch_mode: bool,
) -> None:
    """Check documents (default: the configured corpus; without a configuration, the current folder)."""
    adopting = [since, diff_base, baseline_file, write_baseline, add_suppressions or None]
    if watch_mode:
        if fix or diff or any(option is not None for option in adopting):
            raise usage_error(
                "--watch checks only: it cannot be combined with --fix, --diff, --since, --diff-base, --baseline, "
                "--write-baseline or --add-suppressions"
            )
        settings = (config_file, isolated, select, ignore, extend_select, no_suppressions, exclude)
        options = (no_cache, cache_dir, Output(output_format, statistics, exit_zero, quiet))
        from seedlint import watch

        watch.watch(lambda: watched_run(paths, settings, *options), lambda line: click.echo(line, err=True))
        sys.exit(EXIT_OK)
    config = load_settings(config_file, isolated, select, ignore, extend_select, no_suppressions, exclude)
    announce_defaults(config, paths, quiet or isolated)
    if config_file is None and not quiet:
        warn_shadowed(config)
    output = Output(output_format, statistics, exit_zero, quiet)
    _check_fix_options(fix, diff, show_fixes, output, unsafe_fixes)
    if since is not None and diff_base is not None:
        raise usage_error("--diff-base includes what --since checks: give one of them")
    if (write_baseline is not None or add_suppressions) and (
        fix or diff or since is not None or diff_base is not None or (write_baseline is not None and add_suppressions)
    ):
        raise usage_error(
            "--write-baseline and --add-suppressions record today's findings: they cannot be combined with each "
            "other, --fix, --diff, --since or --diff-base"
        )
    cache = opened_cache(config, no_cache, cache_dir, paths)
    click.get_current_context().call_on_close(cache.close)
    # The hooks' `--diff-base` on the configured corpus: git lists the revision on its own core while the corpus
    # is listed here (a tenth of a second of a hook's run at 100,000 documents).
    started = None
    if diff_base is not None and not paths:
        listings = cache.listing_reader()
        started = Background(
            lambda: compare.prepare(
                config,
                corpus_paths(config),
                baseline_file=baseline_file,
                no_baseline=no_baseline,
                diff_base=diff_base,
                listings=listings,
            )
        )
    sources = resolve_sources(paths, config, cache)
    corpus = resolve_corpus(paths, config, cache)
    fail_on = fail_on or config.fail_on
    folders = list(paths) if paths and corpus is None else corpus_paths(config)  # where the corpus is
    if write_baseline is not None or add_suppressions:
        if write_baseline is not None:
            # (in the file given, else in the one `--baseline` names, else in the configured one)
            target = write_baseline or (str(baseline_file) if baseline_file is not None else "")
            sys.exit(run_write_baseline(paths, sources, config, cache, target))
        sys.exit(run_add_suppressions(sources, config, corpus, output, cache))
    comparison = prepare_comparison(config, folders, baseline_file, no_baseline, diff_base, started)
    compare.find_lost(comparison, cache, config)
    comparison.given = tuple(map(str, paths))
    if comparison.revision is not None and not paths:
        sources, untracked = compare.committed(sources, comparison.revision)
        if untracked:
            say(
                f"{len(untracked)} document{'s' if len(untracked) != 1 else ''} git does not track left out (not part "
                f"of the commit): {first_of([source.display_path for source in untracked], 5)}"
            )
    # Checking the whole corpus, a glob that matches none of its documents is a mistake (and `fix` would rewrite
    # what it was meant to leave alone).
    if not paths and not quiet:
        for pattern in selection.unmatched_ignores(config, (source.display_path for source in sources)):
            warn(
                f"`per-file-ignores` glob {pattern!r} matches no document of the corpus (globs are relative to "
                f"{config.root}): it silences nothing"
            )
        for pattern, why, meant in unmatchable_excludes(config):
            warn(
                f"`exclude` glob {pattern!r} {why}, but exclude globs are matched against a path inside the folders "
                "of `paths` (or a file's name): it leaves out nothing" + (f"; write {meant!r}" if meant else "")
            )
        for pattern, folder, meant in misplaced_excludes(config):
            warn(
                f"`exclude` glob {pattern!r} starts with the corpus folder {folder}, but exclude globs are matched "
                f"inside the folders of `paths` (or against a file's name): to leave out {folder}/{meant}, write "
                f"{meant!r}"
            )
    if fix or diff:
        if since is not None:
            raise usage_error("--since only applies to checking, not to --fix or --diff")
        with commands_stopped(output.is_text or diff):
            status = run_fix(
                sources,
                config,
                corpus,
                output,
                unsafe_fixes,
                diff,
                show_fixes,
                cache,
                comparison,
                fail_on,
                run_id_of(paths or corpus_paths(config)),
            )
        sys.exit(status)
    lost = comparison.lost or None
    if since is not None:
        try:
            lost = {key: f"{name} at {since}" for key, name in history.lost_addresses(since, folders, say).items()}
        except history.HistoryError as error:
            raise usage_error(str(error)) from None
    cache = compare.cache_for(cache, comparison)
    run_id = run_id_of(paths or corpus_paths(config))
    # The corpus at the revision first: see compare.check_before. Both runs' stats are taken once.
    stats = compare.stats_for_both(comparison, sources, corpus, cache)
    with stats if stats is not None else contextlib.nullcontext():
        before_errors = compare.check_before(comparison, config, corpus or sources, cache, run_id, stats)
        with progress(len(sources)) as advance:
            result = engine.run(
                sources,
                config,
                corpus,
                progress=advance,
                cache=cache,
                lost=lost,
                run_id=run_id,
                stats=stats,
                whole_run_id=run_id_of(corpus_paths(config)),
            )
    if not comparison.active:
        with commands_stopped(output.is_text):
            output.report(result, len(sources))
            status = output.status(result, fail_on)
        sys.exit(status)
    result.internal_errors += before_errors
    compare.settle(comparison, result, config)
    split = compare_run(result, config, comparison, whole=not paths)
    if not paths:  # (a run on given files reports on them only: not the findings of the corpus)
        compare.keep_before(comparison, result, split, cache)
    compare.keep_for_next(comparison, cache, found_new=bool(split.new))
    with commands_stopped(output.is_text):
        output.report_compared(result, split, comparison, len(sources))
        status = output.status(RunResult(result.paths, split.new, result.internal_errors), fail_on)
    sys.exit(status)


def no_documents(not_documents: list[str]) -> click.UsageError:
    """The usage error of a run whose files all lack front matter: checking nothing must not pass."""
    count = len(not_documents)
    return usage_error(
        f"no documents: the {count} file{'s' if count != 1 else ''} found "
        f"{'have' if count != 1 else 'has'} no front matter ({', '.join(not_documents[:5])})"
    )


def first_of(names: list[str], shown: int) -> str:
    """The first `shown` names, then how many more (`a, b and 3 more`)."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def warn_shadowed(config: Config) -> None:
    """Say that a [tool.seedlint] table in the pyproject.toml beside the seedlint.toml in use is ignored."""
    shadowed = shadowed_table(config)
    if shadowed is not None:
        warn(f"{shadowed} has a [tool.seedlint] table too: it is ignored, {config.source} is the configuration used")


def _check_fix_options(fix: bool, diff: bool, show_fixes: bool, output: Output, unsafe_fixes: bool = False) -> None:
    """Options that would do nothing as given: a usage error, not silence."""
    if unsafe_fixes and not (fix or diff):
        raise usage_error(
            "--unsafe-fixes applies the unsafe fixes too: give it with --fix or --diff (or run `seedlint fix "
            "--unsafe-fixes`); a check reports every fix, safe or not, as it is"
        )
    if diff and (output.format is not None or output.statistics):
        given = "--statistics" if output.statistics else f"--output-format {output.format}"
        raise usage_error(f"--diff prints the fixes as a unified diff: {given} does not apply to it")
    if show_fixes and not fix:
        raise usage_error(
            "--show-fixes lists the fixes applied: give it with --fix (or run `seedlint fix --show-fixes`)"
        )
    if show_fixes and diff:
        raise usage_error("--show-fixes lists the fixes applied, and --diff applies none: the diff shows each fix")


def prepare_comparison(
    config: Config,
    folders: list[Path],
    baseline_file: Path | None,
    no_baseline: bool,
    diff_base: str | None,
    started: Background[compare.Comparison] | None = None,
) -> compare.Comparison:
    """The baseline and the revision a run is compared with (notes said once on stderr). `started`: the same,
    prepared in the background."""
    try:
        if started is not None:
            comparison = started.result()
        else:
            comparison = compare.prepare(
                config, folders, baseline_file=baseline_file, no_baseline=no_baseline, diff_base=diff_base
            )
    except compare.CompareError as error:
        raise usage_error(str(error)) from None
    for note in comparison.notes:
        say(note)
    return comparison


def compare_run(result: RunResult, config: Config, comparison: compare.Comparison, whole: bool) -> compare.Split:
    """The run's findings split into new and old; `whole`: the run checked the whole configured corpus (a
    baseline entry of a document it did not check is then fixed too)."""
    if whole:
        return compare.split(result.found, config, comparison)
    checked = {selection.config_relative(path, config) for path in result.paths}
    return compare.split(result.found, config, comparison, checked.__contains__)


class Background(Generic[T]):
    """`work` done in a thread of its own, started at once. `result()` waits for the thread to end (not only for
    its result: a process with another thread alive takes its files' stats without forking, see
    seedlint/statahead.py) and returns what `work` returned, or raises what it raised. (A daemon: a run that
    ends with a usage error does not wait for it.)"""

    def __init__(self, work: Callable[[], T]):
        self._work = work
        self._outcome: tuple[T] | BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome = (self._work(),)
        except BaseException as error:  # (raised again where the result is asked for)
            self._outcome = error

    def result(self) -> T:
        self._thread.join()
        outcome = self._outcome
        if isinstance(outcome, BaseException):
            raise outcome
        assert outcome is not None
        return outcome[0]


def run_write_baseline(
    paths: tuple[Path, ...], sources: list[SourceFile], config: Config, cache: Cache, given: str
) -> int:
    """`--write-baseline[=FILE]`: today's findings of the whole corpus, recorded."""
    if paths:
        raise usage_error("--write-baseline records the whole configured corpus (`paths`): give no paths")
    run_id = run_id_of(corpus_paths(config))
    with progress(len(sources)) as advance:
        result = engine.run(sources, config, None, progress=advance, cache=cache, run_id=run_id)
    if result.internal_errors:
        exit_status(result)
        say("the baseline is not written: the results are incomplete")
        return EXIT_ERROR
    target = baseline.write_target(config, given)
    try:
        baseline.write(target, baseline.render(result.diagnostics, config))
    except baseline.BaselineError as error:
        raise usage_error(str(error)) from None
    for line in baseline.recorded(result.diagnostics, target, config):
        say(line)
    return EXIT_OK


def watched_run(
    paths: tuple[Path, ...],
    settings: tuple[Path | None, bool, str | None, str | None, str | None, bool, tuple[str, ...]],
    no_cache: bool,
    cache_dir: Path | None,
    output: Output,
) -> watch.Watched:
    """One run of `check --watch`: the configuration read again, the report printed (a usage error is
    printed too, and the watch goes on: the user is fixing the configuration)."""
    from seedlint import watch

    given = watch.absolute(paths)
    watched = watch.Watched(
        folders=[p for p in given if p.is_dir()], include=[], files={p for p in given if p.is_file()}
    )
    watched.files |= {Path.cwd() / "seedlint.toml", Path.cwd() / "pyproject.toml"}
    try:
        config = load_settings(*settings)
        watched.include = config.include
        watched.folders += [] if paths else watch.absolute(corpus_paths(config))
        watched.files |= set(watch.absolute(p for p in (config.source, config.schema_path) if p is not None))
        if config.topics:
            topics = config.resolve(config.topics)
            watched.files |= set(watch.absolute(topics.iterdir() if topics.is_dir() else [topics]))
        watched.ignored = watch.absolute([cache_dir if cache_dir is not None else config.resolve(config.cache_dir)])
        cache = opened_cache(config, no_cache, cache_dir, paths)
        try:
            sources = resolve_sources(paths, config, cache)
            run_id = run_id_of(paths or corpus_paths(config))
            result = engine.run(sources, config, resolve_corpus(paths, config, cache), cache=cache, run_id=run_id)
        finally:
            cache.close()
        with commands_stopped(output.is_text):
            output.report(result, len(sources))
            exit_status(result)  # says so when seedlint itself failed
        sys.stdout.flush()  # a report is seen whole before the watch waits (stdout may be a pipe)
    except click.UsageError as error:
        click.echo(f"Error: {inert(error.format_message())}", err=True)
    return watched


@main.command(name="fix")
@click.argument("paths", nargs=-1, type=GivenPath(path_type=Path))
@with_config_options
@with_options(output_options)
@with_options(fix_options)
@with_options(compare_options)
@click.pass_context
def fix_command(ctx: click.Context, paths: tuple[Path, ...], **options: Any) -> None:
    """Apply the safe fixes (default: the configured corpus), then report what remains."""
    ctx.invoke(check, paths=paths, fix=True, **options)  # `seedlint fix` is `seedlint check --fix`


def run_id_of(targets: Iterable[Path]) -> str:
    """Which run report of the cache a run reads and writes: one per set of targets (seedlint/incremental.py)."""
    return "\0".join(sorted(os.path.abspath(target) for target in targets))


def say(message: str) -> None:
    """A message on stderr (they name files and quote what went wrong: made inert like every output)."""
    click.echo(f"seedlint: {inert(message)}", err=True)


@contextmanager
def commands_stopped(text_output: bool) -> Iterator[None]:
    """Under GitHub Actions, text output between `::stop-commands::TOKEN` and `::TOKEN::`: the runner acts on
    no workflow command in between, and the token is random, so no document can end the pause early. Only
    around text for people: a file format (JSON, SARIF, JUnit, GitLab) must stay exactly that format, and the
    `github` format is made of commands. The text is inert anyway (seedlint/escaping.py); this is the second
    wall."""
    if not text_output or os.environ.get("GITHUB_ACTIONS") != "true":
        yield
        return
    token = os.urandom(16).hex()  # (as secrets.token_hex makes it, without loading `secrets`)
    sys.stdout.write(f"::stop-commands::{token}\n")
    sys.stdout.flush()
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout.write(f"::{token}::\n")
        sys.stdout.flush()


def warn(message: str) -> None:
    click.echo(f"seedlint: warning: {inert(message)}", err=True)


@contextmanager
def progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for long runs, only when stderr is a terminal (never in CI logs or pipes)."""
    if total < 500 or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="Checking", file=sys.stderr) as bar:
        yield bar.update


def resolve_corpus(
    paths: tuple[Path, ...], config: Config, listings: Listings | None = None
) -> list[SourceFile] | None:
    """For a run on given files (a pre-commit hook's), the whole configured corpus, which references are
    resolved against; None when the run is the corpus itself."""
    if not paths:
        return None
    # Without a configuration there is no corpus but the given paths' own folders (the current folder could
    # be anything: a home folder, /tmp).
    folders = [folder for folder in corpus_paths(config) if folder.exists()] if config.source is not None else []
    inside = [Path(os.path.realpath(folder)) for folder in folders]  # realpath: no error on a symlink loop
    given = [Path(os.path.realpath(path)) for path in paths]
    # A folder outside the configured corpus (another corpus, a sample) is a corpus of its own; a file
    # outside it resolves against the folder tree it is in (never against itself alone: every reference
    # would dangle).
    outside = [path for path, real in zip(paths, given, strict=True) if not _is_within(real, inside)]
    corpus = [*(folders if len(outside) < len(paths) else []), *(p if p.is_dir() else p.parent for p in outside)]
    if all(path.is_dir() for path in outside) and all(
        any(_is_within(Path(os.path.realpath(folder)), [path]) for path in given) for folder in corpus
    ):
        return None  # the given paths cover the whole corpus: the run is the corpus itself
    unique = list({os.path.realpath(folder): folder for folder in corpus}.values())
    try:
        found = discover(unique, config, listings=listings)
    except DiscoveryError as error:  # (as for the files given: a cache folder holding documents, say)
        raise usage_error(str(error)) from None
    if not found and unique:  # (as a run of the whole corpus says: every entry of the files given dangled)
        shown = ", ".join(str(folder) for folder in unique)
        raise usage_error(
            f"no documents in {shown}, the corpus the related entries of the files given resolve against: documents "
            f"are files named {', '.join(config.include)}"
        )
    return found


def _is_within(path: Path, folders: list[Path]) -> bool:
    return any(path == folder or path.is_relative_to(folder) for folder in folders)


def run_fix(
    sources: list[SourceFile],
    config: Config,
    corpus: list[SourceFile] | None,
    output: Output,
    unsafe: bool,
    diff: bool,
    show_fixes: bool,
    cache: Cache,
    comparison: compare.Comparison,
    fail_on: str,
    run_id: str,
) -> int:
    """Apply the safe fixes; compared with a baseline or a revision, only to the new findings (a hook must not
    rewrite documents the commit did not make wrong), and only the new ones are reported."""
    from seedlint import fixer

    only = None
    before_errors: list[str] = []
    if comparison.active:
        cache = compare.cache_for(cache, comparison)
        before_errors = compare.check_before(comparison, config, corpus or sources, cache, run_id)
        only = lambda found: [] if comparison.unchanged else compare.split(found, config, comparison).new  # noqa: E731
    outcome = None
    if cache.has_report(run_id):
        # A check first, which starts from the run's last report: when it finds nothing to fix (a fix hook's usual
        # commit), that is the answer, at a check's cost; with a few files to fix, each pass is written, then checked
        # the same way. (`fixer.fix` checks every file, each pass: at 100,000 documents 14 s with nothing to fix and
        # 20 s for the 11 copies of an edited title, where the check hook takes 1.7 s.) `--diff` writes nothing, and
        # beyond MOST_CHANGED files a check from the report is a full run: `fixer.fix`, all in memory. Without a
        # report (a first fix of the corpus), that check would be a whole run before the fixer's own, which checks
        # every file anyway (a first fix of azure-news: 26.3 s with that check, 22.9 s without).
        def check_again() -> RunResult:
            return engine.run(sources, config, corpus, cache=cache, run_id=run_id)

        checked = check_again()
        work = fixer.files_to_fix(checked, sources, corpus, unsafe=unsafe, only=only)
        if not work:
            outcome = fixer.FixResult(checked, [], [])
        elif not diff and work <= incremental.MOST_CHANGED:  # (beyond, a check again is a full run: `fix` is faster)
            outcome = fixer.fix_on_disk(
                checked, check_again, sources, config, corpus, cache=cache, unsafe=unsafe, only=only
            )
    if outcome is None:
        outcome = fixer.fix(sources, config, corpus, unsafe=unsafe, cache=cache, only=only, writing=not diff)
    if diff:
        for change in outcome.changes:
            sys.stdout.write(change.diff())
        for message in [*outcome.refused, *outcome.unwritable, *([fixer.UNFINISHED] if outcome.unfinished else [])]:
            say(message)
        if outcome.unwritable:
            return EXIT_ERROR
        return EXIT_FINDINGS if outcome.changes and not output.exit_zero else EXIT_OK
    if outcome.failures is not None:  # (written already, each pass checked as written)
        failures, result, written = outcome.failures, outcome.result, outcome.changes
    else:
        failures = fixer.write(outcome.changes)
        failed = {change.source.display_path for change, _ in failures}
        # A file that could not be written keeps its findings: the report is then that of the files as on disk.
        result = outcome.rerun(failed) if failed else outcome.result
        written = [c for c in outcome.changes if c.source.display_path not in failed]
        fixer.remember_written(cache, written)
    if show_fixes:
        for change in written:
            counts = Counter(f"{d.code} ({d.name})" for d in change.applied)
            done = [f"{n} × {code}" for code, n in sorted(counts.items())]
            if change.followed:
                done.append(f"{change.followed} cop{'y' if change.followed == 1 else 'ies'} of a fixed value")
            click.echo(f"Fixed {inert(change.source.display_path)}: " + ", ".join(done), err=True)
    if comparison.active:
        result = compare.after_fixing(result, comparison, sources, config, corpus, cache)
        result.internal_errors += before_errors
        compare.settle(comparison, result, config)
        split = compare.split(result.found, config, comparison)
        output.report_compared(result, split, comparison, len(sources))
        result = RunResult(result.paths, split.new, result.internal_errors)
    else:
        output.report(result, len(sources), unfinished=bool(failures or outcome.unwritable))
    if not output.quiet:
        summary = fix_summary(written)
        if summary:
            click.echo(summary, err=True)
    for message in [*outcome.refused, *outcome.unwritable, *(message for _, message in failures)]:
        say(message)
    if outcome.unfinished:
        say(fixer.UNFINISHED)
    return EXIT_ERROR if failures or outcome.unwritable else output.status(result, fail_on)


def fix_summary(written: list[fixer.FileChange]) -> str | None:
    """ "Fixed N problems in M files", N the fixes applied; then the copies of fixed values in related
    entries that were brought up to date with their targets (they fixed no reported problem of their own)."""
    fixed = sum(len(c.applied) for c in written)
    files = sum(1 for c in written if c.applied)
    followed = sum(c.followed for c in written)
    others = sum(1 for c in written if c.followed and not c.applied)
    if not fixed and not followed:
        return None
    text = f"Fixed {fixed} problem{'s' if fixed != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    if followed:
        text += f"; {followed} cop{'y' if followed == 1 else 'ies'} of the fixed values followed" + (
            f" in {others} other file{'s' if others != 1 else ''}" if others else ""
        )
    return text + "."


def _documents(result: RunResult) -> list[str]:
    """The paths of the documents the run checked (not the files it set aside as no documents)."""
    aside = set(result.not_documents)
    return [path for path in result.paths if path not in aside] if aside else result.paths


def exit_status(result: RunResult, fail_on: str = "new-errors") -> int:
    for message in result.internal_errors:
        first, *traceback = failsafe.internal_error_message(message).splitlines() or [""]
        say(first)
        for line in traceback:  # (when debugging)
            click.echo(inert(line, keep_tabs=True), err=True)
    if result.internal_errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if compare.fails(result.diagnostics, fail_on) else EXIT_OK


@main.command(name="config")
@with_options(config_file_options)
def show_config(config_file: Path | None, isolated: bool) -> None:
    """Print the effective configuration."""
    config = load_settings(config_file, isolated, None, None)
    if config_file is None:  # (as `check` says it: its reader may be editing the ignored table)
        warn_shadowed(config)
    # The values come from a file of the checked repository: each line made inert (TOML reads `\\u005b` back).
    toml = config.to_toml()
    click.echo("".join(inert(line) + "\n" for line in toml.splitlines()), nl=False)


@main.command(name="clean")
@with_options(config_file_options)
@click.option(
    "--cache-dir",
    type=GivenPath(path_type=Path, file_okay=False),
    help="Where the cache lives (default: `cache-dir`, .seedlint_cache).",
)
def clean(config_file: Path | None, isolated: bool, cache_dir: Path | None) -> None:
    """Remove the cache (only seedlint's own files in the cache folder)."""
    try:  # (the schema and vocabulary need not be usable to remove a cache)
        config = load_config(config_file, isolated=isolated)
    except ConfigError as error:
        raise usage_error(str(error)) from None
    try:
        folder = caching.cache_folder(config, cache_dir)
        cleaned = caching.clean(folder)
    except caching.CacheRefused as error:
        raise usage_error(f"{error}; not cleaned") from None
    except OSError as error:
        raise usage_error(f"cannot clean the cache folder {cache_dir or config.cache_dir}: {error}") from None
    shown = os.path.relpath(folder) if folder.is_relative_to(Path.cwd()) else str(folder)
    removed = len(cleaned.removed)
    if removed:
        click.echo(f"Removed {removed} file{'s' if removed != 1 else ''} from {shown}.")
    else:
        click.echo(f"Nothing to clean in {shown}.")
    if cleaned.kept:  # (said: the folder stays, with its .gitignore)
        names = [path.relative_to(folder).as_posix() for path in cleaned.kept]
        click.echo(inert(f"Kept what seedlint did not make: {first_of(names, 3)}."))


@main.command(name="schema")
@with_options(config_file_options)
def print_schema(config_file: Path | None, isolated: bool) -> None:
    """Print the article JSON Schema in use: the project's (`schema` in the configuration), else seedlint's own
    (as --isolated prints it)."""
    config = load_settings(config_file, isolated, None, None)  # (a configured schema that cannot be used: an error)
    if config.schema_path is not None:  # (said on stderr: stdout stays the schema)
        say(f"the project's schema {config.schema_path} (`schema` in {config.source}), not seedlint's own")
    click.echo(schema_file.schema_text(config.schema_path), nl=False)


@main.command(name="rules")
@click.option("--format", "output", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
def list_rules(output: str) -> None:
    """List every rule: code, name, default severity, fix, summary."""
    rules = all_rules()
    if output == "markdown":
        click.echo(registry.markdown_table(rules))
    elif output == "json":
        import json

        click.echo(json.dumps([registry.rule_as_dict(rule) for rule in rules], indent=2))
    else:
        for rule in rules:
            click.echo(f"{rule.code}  {rule.name:<32} {rule.severity.value:<8} {rule.fix_kind:<9} {rule.summary}")


@main.command(name="rule")
@click.argument("code")
def explain_rule(code: str) -> None:
    """Explain one rule (by code or name)."""
    rule = find_rule(code)
    if rule is None:
        raise usage_error(f"unknown rule {code!r}; `seedlint rules` lists them")
    click.echo(rule.documentation(), nl=False)


@main.command(name="report")
@click.argument("paths", nargs=-1, type=GivenPath(path_type=Path))
@with_config_options
@click.option(
    "--output",
    "-o",
    type=GivenPath(dir_okay=False, allow_dash=True),  # (a str: `./-` is a file named -, Path("./-") is "-")
    help="Write the report to this file (default, or `-`: standard output; ./- is a file named -).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["html", "json"]),
    default="html",
    show_default=True,
    help="A self-contained HTML page, or its numbers as JSON.",
)
@click.option(
    "--history",
    type=click.IntRange(min=1, max=1000),
    metavar="N",
    help="Also check the last N commits of the corpus's git repository and show the trend.",
)
def report_command(
    paths: tuple[Path, ...],
    config_file: Path | None,
    isolated: bool,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    no_cache: bool,
    cache_dir: Path | None,
    no_suppressions: bool,
    exclude: tuple[str, ...],
    output: str | None,
    output_format: str,
    history: int | None,
) -> None:
    """Write a health report of the corpus: findings per rule, folder, provider and month, the
    related-reference graph, the worst documents and, with --history, the trend over git history."""
    try:
        from seedlint import report
        from seedlint.report import html, trend
    except ImportError as error:  # the optional extra is not installed
        if error.name not in ("pygal", "jinja2", "markupsafe"):
            raise
        raise usage_error(
            f"`seedlint report` needs the report extra ({error.name} is missing): pip install 'seedlint[report]'"
        ) from None
    config = load_settings(config_file, isolated, select, ignore, extend_select, no_suppressions, exclude)
    cache = opened_cache(config, no_cache, cache_dir, paths)
    sources = resolve_sources(paths, config, cache)
    targets = list(paths) or corpus_paths(config)
    request = report.Request(
        sources,
        config,
        resolve_corpus(paths, config, cache),
        cache,
        "\0".join(sorted(os.path.abspath(target) for target in targets)),
        [str(target) for target in (paths or [Path(p) for p in config.paths])],
    )
    click.get_current_context().call_on_close(request.cache.close)
    if output is not None and output != "-":
        _refuse_a_document(Path(output), [*sources, *(request.corpus or [])])
    summary, internal_errors = report.build(request)
    if summary.not_documents and not summary.totals.documents:  # a report of nothing, as `check` refuses it
        raise no_documents(summary.not_documents)
    if history:
        try:
            summary.history = trend.history(request, history, no_cache=no_cache)
        except trend.HistoryError as error:
            raise usage_error(str(error)) from None
        found = len(summary.history.commits)
        root = git.repository_root(Path(os.path.abspath(request.paths[0])))
        if found < history and root is not None and git.is_shallow(root):  # (the trend cut short, not the history)
            say(
                f"--history {history}: {found} commit{'s' if found != 1 else ''} of this clone changed the corpus, "
                "and the clone is shallow: fetch the whole history (`git fetch --unshallow`) for the trend"
            )
    text = html.render(summary) if output_format == "html" else json_text(summary.to_data())
    if output is None or output == "-":
        write_whole(text)
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise usage_error(f"cannot write {output}: {error.strerror or error}") from None
        click.echo(f"seedlint: report written to {inert(str(output))}", err=True)
    for message in internal_errors:
        click.echo(f"seedlint: {inert(failsafe.internal_error_message(message))}", err=True)
    sys.exit(EXIT_ERROR if internal_errors else EXIT_OK)


def _refuse_a_document(output: Path, sources: list[SourceFile]) -> None:
    """A usage error when the report would be written over a document (`report -o docs/a.md`): one of the run's,
    or any regular file that starts as one does, with `---`. (Written over, the article was lost.) Read as documents
    are, never blocking: `-o FIFO`, a reader waiting on it, is written to as before."""
    if os.path.abspath(output) in {source.absolute for source in sources}:
        raise usage_error(f"-o {output} is a document of the corpus: the report is not written over it")
    try:
        start = read_bounded(output)[:8]
    except (OSError, FileTooLarge):
        return  # (no such file yet, not a regular file, or no document's size: writing it says what is wrong)
    if start.removeprefix(b"\xef\xbb\xbf").startswith(b"---"):
        raise usage_error(f"-o {output} holds front matter, as a document does: the report is not written over it")


def write_whole(text: str) -> None:
    """`text` on stdout, every byte or an error (BrokenPipeError: status 2). With PYTHONUNBUFFERED, stdout's
    text layer writes to the file itself and ignores a short write: a reader that closes the pipe while a
    report larger than the pipe is being written (`… | head`) cut it short without an error."""
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # (not a real stream)
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    rest = memoryview(text.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict"))
    while rest:
        written = binary.write(rest)
        rest = rest[written or 0 :]  # (None: a non-blocking stdout that is full; again)
    binary.flush()


def json_text(data: object) -> str:
    import json

    return json_inert(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"  # (what a log or terminal acts on)


@main.command(name="server")
def language_server() -> None:
    """Run the language server (LSP over stdin/stdout) for editors; needs `pip install 'seedlint[server]'`."""
    try:
        from seedlint.server.app import serve
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        raise usage_error(
            f"`seedlint server` needs the server extra (pygls and lsprotocol): pip install 'seedlint[server]' ({error})"
        ) from None
    serve()


def run_add_suppressions(
    sources: list[SourceFile], config: Config, corpus: list[SourceFile] | None, output: Output, cache: Cache
) -> int:
    """`--add-suppressions`: a suppression comment for each of today's findings, written as fixes are."""
    from seedlint import fixer, silence

    outcome = silence.add(sources, config, corpus, cache)
    failures = fixer.write(outcome.changes)
    failed = {change.source.display_path for change, _ in failures}
    written = [c for c in outcome.changes if c.source.display_path not in failed]
    with commands_stopped(output.is_text):
        output.report(outcome.result, len(sources), unfinished=bool(failures))
    for line in silence.summary(outcome, len(written), config) if not output.quiet else []:
        say(line)
    for message in [*outcome.refused, *(message for _, message in failures)]:
        say(message)
    return EXIT_ERROR if failures else output.status(outcome.result, config.fail_on)
