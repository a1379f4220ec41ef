"""The command line: parses options into a Config, hands over to the engine, picks a reporter.
No checking logic lives here.

Exit status: 0 no error-severity diagnostic, 1 at least one, 2 usage or internal error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from seedlint import __version__, engine, failsafe, registry, schema
from seedlint.config import Config, ConfigError, load_config
from seedlint.diagnostic import Severity
from seedlint.discovery import DiscoveryError, corpus_paths, discover
from seedlint.reporters import REPORTERS

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str | None) -> list[str]:
    return [code.strip().upper() for code in (value or "").split(",") if code.strip()]


def load_settings(config_file: Path | None, isolated: bool, select: str | None, ignore: str | None, extend_select: str | None = None) -> Config:
    try:
        config = load_config(config_file, isolated=isolated)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    if select:
        config.select = _codes(select)
    if ignore:
        config.ignore = config.ignore + _codes(ignore)
    if extend_select:
        config.extend_select = config.extend_select + _codes(extend_select)
    try:  # a configured schema that cannot be used is the user's to fix, not an error in every document
        schema.validator(config.schema_path)
    except schema.SchemaFileError as error:
        raise click.UsageError(str(error)) from None
    return config


def resolve_sources(paths: tuple[Path, ...], config: Config):
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


config_options = [
    click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="Configuration file (seedlint.toml or pyproject.toml)."),
    click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
    click.option("--select", help="Comma-separated rule codes or prefixes to enable (replaces the configured selection)."),
    click.option("--extend-select", help="Comma-separated rule codes or prefixes to enable in addition."),
    click.option("--ignore", help="Comma-separated rule codes or prefixes to disable."),
]


def with_config_options(function):
    for option in reversed(config_options):
        function = option(function)
    return function


@click.group(cls=failsafe.FailsafeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seedlint")
def main() -> None:
    """seedlint: lint and fix the YAML front matter of a corpus of article documents."""
    failsafe.safe_streams()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@with_config_options
@click.option("--output-format", type=click.Choice(sorted(REPORTERS)), default="concise", show_default=True, help="How diagnostics are printed.")
def check(paths, config_file, isolated, select, extend_select, ignore, output_format) -> None:
    """Check documents (default: the configured corpus, `seeds/`)."""
    config = load_settings(config_file, isolated, select, ignore, extend_select)
    sources = resolve_sources(paths, config)
    result = engine.run(sources, config)
    REPORTERS[output_format](result.diagnostics, sys.stdout, files=len(sources))
    sys.exit(exit_status(result))


def exit_status(result: engine.RunResult) -> int:
    for message in result.internal_errors:
        click.echo(f"seedlint: {failsafe.internal_error_message(message)}", err=True)
    if result.internal_errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(d.severity is Severity.ERROR for d in result.diagnostics) else EXIT_OK


@main.command(name="schema")
def print_schema() -> None:
    """Print the article JSON Schema."""
    click.echo(schema.schema_text(), nl=False)


@main.command(name="rules")
@click.option("--format", "output", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
def list_rules(output: str) -> None:
    """List every rule: code, name, default severity, fix, summary."""
    rules = registry.all_rules()
    if output == "markdown":
        click.echo(registry.markdown_table())
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
    rule = registry.find_rule(code)
    if rule is None:
        raise click.UsageError(f"unknown rule {code!r}; `seedlint rules` lists them")
    click.echo(rule.documentation(), nl=False)
