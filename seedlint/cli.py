"""The command line: parses options into a Config, hands over to the engine, picks a reporter.
No checking logic lives here.

Exit status: 0 no error-severity diagnostic, 1 at least one, 2 usage or internal error.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import click

from seedlint import __version__, engine, failsafe, fixer, history, registry, schema, selection
from seedlint.cache import NO_CACHE, Cache, open_cache
from seedlint.config import Config, ConfigError, load_config
from seedlint.diagnostic import Severity
from seedlint.discovery import DiscoveryError, SourceFile, corpus_paths, discover
from seedlint.reporters import REPORTERS, text
from seedlint.results import RunResult
from seedlint.rules import all_rules, find_rule

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

# A click decorator on a command's function (click.option(...), click.argument(...)).
CommandDecorator: TypeAlias = Callable[[Callable[..., None]], Callable[..., None]]


def _codes(value: str | None) -> list[str]:
    return [code.strip().upper() for code in (value or "").split(",") if code.strip()]


def load_settings(
    config_file: Path | None, isolated: bool, select: str | None, ignore: str | None, extend_select: str | None = None
) -> Config:
    try:
        config = load_config(config_file, isolated=isolated)
        selection.check_configured_codes(config)
        # The options are checked as the configuration is: a typo must never turn linting off silently.
        for option, value in (("--select", select), ("--ignore", ignore), ("--extend-select", extend_select)):
            if value is not None:
                if not _codes(value):
                    raise ConfigError(f"`{option}` names no rule code (`seedlint rules` lists them)")
                selection.check_codes(_codes(value), f"`{option}`")
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    if select is not None:
        config.select = _codes(select)
    if ignore is not None:
        config.ignore = config.ignore + _codes(ignore)
    if extend_select is not None:
        config.extend_select = config.extend_select + _codes(extend_select)
    try:  # a configured schema that cannot be used is the user's to fix, not an error in every document
        schema.validator(config.schema_path)
    except schema.SchemaFileError as error:
        raise click.UsageError(str(error)) from None
    return config


def resolve_sources(paths: tuple[Path, ...], config: Config) -> list[SourceFile]:
    targets = list(paths) or corpus_paths(config)
    hint = "" if paths else " (the corpus configured by `paths`)"
    try:
        sources = discover(targets, config)
    except DiscoveryError as error:
        raise click.UsageError(f"{error}{hint}") from None
    if not sources:  # checking nothing must not pass silently
        shown = ", ".join(str(target) for target in targets)
        raise click.UsageError(f"no documents in {shown}{hint}: documents are files named {', '.join(config.include)}")
    return sources


config_options: list[CommandDecorator] = [
    click.option(
        "--config",
        "config_file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Configuration file (seedlint.toml or pyproject.toml).",
    ),
    click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
    click.option(
        "--select", help="Comma-separated rule codes or prefixes to enable (replaces the configured selection)."
    ),
    click.option("--extend-select", help="Comma-separated rule codes or prefixes to enable in addition."),
    click.option("--ignore", help="Comma-separated rule codes or prefixes to disable."),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
    click.option(
        "--cache-dir",
        type=click.Path(path_type=Path, file_okay=False),
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

fix_options: list[CommandDecorator] = [
    click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe (they may change meaning)."),
    click.option(
        "--diff",
        is_flag=True,
        help="Print the fixes as a unified diff and write nothing (exit 1 if anything would change).",
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

    def report(self, result: RunResult, files: int, unfinished: bool = False) -> None:
        """`unfinished`: something failed besides the findings (a fix not written); internal errors count too."""
        if self.statistics:
            text.statistics(result.diagnostics, sys.stdout)
            return
        name = self.format or ("full" if sys.stdout.isatty() else "concise")
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        source = lambda path: doc.text if (doc := result.document(path)) is not None else None  # noqa: E731
        REPORTERS[name](
            result.diagnostics,
            sys.stdout,
            files=files,
            source=source,
            color=color,
            quiet=self.quiet,
            unfinished=unfinished or bool(result.internal_errors),
        )

    def status(self, result: RunResult) -> int:
        status = exit_status(result)
        return EXIT_OK if self.exit_zero and status == EXIT_FINDINGS else status


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@with_config_options
@with_options(output_options)
@click.option(
    "--since",
    metavar="REV",
    help="Also report related entries that resolved at this git revision and no longer do (at every related-scope).",
)
@click.option("--fix", is_flag=True, help="Apply the safe fixes (as `seedlint fix`).")
@with_options(fix_options)
def check(
    paths: tuple[Path, ...],
    config_file: Path | None,
    isolated: bool,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    no_cache: bool,
    cache_dir: Path | None,
    output_format: str | None,
    statistics: bool,
    exit_zero: bool,
    quiet: bool,
    since: str | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    show_fixes: bool,
) -> None:
    """Check documents (default: the configured corpus, `seeds/`)."""
    config = load_settings(config_file, isolated, select, ignore, extend_select)
    output = Output(output_format, statistics, exit_zero, quiet)
    sources = resolve_sources(paths, config)
    corpus = resolve_corpus(paths, config)
    cache = open_cache(config, no_cache, cache_dir)
    if fix or diff:
        if since:
            raise click.UsageError("--since only applies to checking, not to --fix or --diff")
        sys.exit(run_fix(sources, config, corpus, output, unsafe_fixes, diff, show_fixes, cache))
    lost = None
    if since:
        folders = list(paths) if paths and corpus is None else corpus_paths(config)  # where the corpus is
        try:
            lost = {key: f"{name} at {since}" for key, name in history.lost_addresses(since, folders).items()}
        except history.HistoryError as error:
            raise click.UsageError(str(error)) from None
    with progress(len(sources)) as advance:
        run_id = "\0".join(sorted(os.path.abspath(target) for target in (paths or corpus_paths(config))))
        result = engine.run(sources, config, corpus, progress=advance, cache=cache, lost=lost, run_id=run_id)
    output.report(result, len(sources))
    sys.exit(output.status(result))


@main.command(name="fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@with_config_options
@with_options(output_options)
@with_options(fix_options)
def fix_command(
    paths: tuple[Path, ...],
    config_file: Path | None,
    isolated: bool,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    no_cache: bool,
    cache_dir: Path | None,
    output_format: str | None,
    statistics: bool,
    exit_zero: bool,
    quiet: bool,
    unsafe_fixes: bool,
    diff: bool,
    show_fixes: bool,
) -> None:
    """Apply the safe fixes (default: the configured corpus), then report what remains."""
    config = load_settings(config_file, isolated, select, ignore, extend_select)
    sources = resolve_sources(paths, config)
    output = Output(output_format, statistics, exit_zero, quiet)
    cache = open_cache(config, no_cache, cache_dir)
    sys.exit(run_fix(sources, config, resolve_corpus(paths, config), output, unsafe_fixes, diff, show_fixes, cache))


@contextmanager
def progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for long runs, only when stderr is a terminal (never in CI logs or pipes)."""
    if total < 500 or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="Checking", file=sys.stderr) as bar:
        yield bar.update


def resolve_corpus(paths: tuple[Path, ...], config: Config) -> list[SourceFile] | None:
    """For a run on given files (a pre-commit hook's), the whole configured corpus, which references are
    resolved against; None when the run is the corpus itself."""
    if not paths:
        return None
    folders = [folder for folder in corpus_paths(config) if folder.exists()]
    # Paths outside the configured corpus (another corpus, a sample) are a corpus of their own.
    inside = [Path(os.path.realpath(folder)) for folder in folders]  # realpath: no error on a symlink loop
    given = [Path(os.path.realpath(path)) for path in paths]
    if not any(_is_within(path, inside) for path in given):
        return None
    if all(any(_is_within(folder, [path]) for path in given) for folder in inside):
        return None  # the given paths cover the whole corpus: the run is the corpus itself
    return discover(folders, config)


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
    cache: Cache = NO_CACHE,
) -> int:
    outcome = fixer.fix(sources, config, corpus, unsafe=unsafe, cache=cache)
    if diff:
        for change in outcome.changes:
            sys.stdout.write(change.diff())
        for message in outcome.refused:
            click.echo(f"seedlint: {message}", err=True)
        return EXIT_FINDINGS if outcome.changes else EXIT_OK
    failures = fixer.write(outcome.changes)
    failed = {change.source.display_path for change, _ in failures}
    # A file that could not be written keeps its findings: the report is then that of the files as on disk.
    result = outcome.rerun(failed) if failed else outcome.result
    written = [c for c in outcome.changes if c.source.display_path not in failed]
    if show_fixes:
        for change in written:
            counts = Counter(f"{d.code} ({d.name})" for d in change.applied)
            done = [f"{n} × {code}" for code, n in sorted(counts.items())]
            if change.followed:
                done.append(f"{change.followed} cop{'y' if change.followed == 1 else 'ies'} of a fixed value")
            click.echo(f"Fixed {change.source.display_path}: " + ", ".join(done), err=True)
    output.report(result, len(sources), unfinished=bool(failures))
    if not output.quiet:
        summary = fix_summary(written)
        if summary:
            click.echo(summary, err=True)
    for message in [*outcome.refused, *(message for _, message in failures)]:
        click.echo(f"seedlint: {message}", err=True)
    return EXIT_ERROR if failures else output.status(result)


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


def exit_status(result: RunResult) -> int:
    for message in result.internal_errors:
        click.echo(f"seedlint: {failsafe.internal_error_message(message)}", err=True)
    if result.internal_errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(d.severity is Severity.ERROR for d in result.diagnostics) else EXIT_OK


@main.command(name="config")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Configuration file (seedlint.toml or pyproject.toml).",
)
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
def show_config(config_file: Path | None, isolated: bool) -> None:
    """Print the effective configuration."""
    click.echo(load_settings(config_file, isolated, None, None).to_toml(), nl=False)


@main.command(name="schema")
def print_schema() -> None:
    """Print the article JSON Schema."""
    click.echo(schema.schema_text(), nl=False)


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
        raise click.UsageError(f"unknown rule {code!r}; `seedlint rules` lists them")
    click.echo(rule.documentation(), nl=False)
