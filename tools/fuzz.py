"""Fuzz the checker with mutated real documents and report every crash, with the input that caused it:

    python tools/fuzz.py --seconds 300 --corpus ../shared/corpus/ai-news --corpus ../shared/corpus/powerapps-news --out fuzz-out

Each input is a real document with a few mutations (byte flips; insertions of tabs, quotes, `: `, anchors,
aliases, tags, control characters, byte-order marks; deletions, truncation, duplicated or swapped lines,
changed indentation, pieces of another document, long runs of one fragment). It goes through the whole
data flow (loader, every rule, corpus rules, both output formats), and any of these is a crash:

- an exception or an internal error (a bug in seedlint, never the document's fault),
- a diagnostic without a real position (line or column below 1, an end before its start, a line past
  the end of the file), with an unregistered code, or with a fix whose edits fall outside the text,
- JSON output that does not parse, or that is not one entry per diagnostic; concise output with a
  control character or a bidirectional control in it (terminal escape injection),
- an input that takes longer than --slow seconds.

Crashing inputs are saved to --out as crash-<hash>.md with crash-<hash>.txt saying what went wrong (one
file per distinct problem). The input being checked is always in --out/in-progress.md: if the process
dies (a segmentation fault) or hangs (faulthandler then dumps the stacks and exits), it is the culprit.
Reproduce a crash with `python -m seedlint check --output-format json OUT/crash-<hash>.md`; after fixing,
`python tools/fuzz.py --replay --out OUT` checks every saved input again.
tests/test_properties.py runs the same checks (`problems_of`) on inputs drawn by hypothesis.
"""  # noqa: E501  (the usage line above: --help prints this docstring as it is)

from __future__ import annotations

import argparse
import faulthandler
import hashlib
import io
import json
import random
import re
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seedlint import engine
from seedlint.config import Config
from seedlint.discovery import SourceFile
from seedlint.reporters import REPORTERS
from seedlint.rules import all_rules

# Pieces that mean something to YAML, to the delimiters, to the decoders or to the rules.
FRAGMENTS: tuple[bytes, ...] = tuple(
    piece if isinstance(piece, bytes) else piece.encode("utf-8")
    for piece in (
        "\t",
        " ",
        '"',
        "'",
        "\\",
        '\\"',
        "\\u",
        "\\x4",
        ": ",
        ":",
        "- ",
        "? ",
        "#",
        "&a ",
        "*a",
        "&a",
        "*b",
        "<<: *a\n",
        "!!python/object/apply:os.system ",
        "!!binary ",
        "!!set ",
        "!!str ",
        "!!int ",
        "!!timestamp ",
        "!custom ",
        "! ",
        "!<tag:yaml.org,2002:str> ",
        "%YAML 1.1\n",
        "%TAG ! tag:x,2000:\n",
        "|",
        ">",
        "|-\n",
        "[",
        "]",
        "{",
        "}",
        ",",
        "[]",
        "{}",
        "---\n",
        "...\n",
        "---",
        "\n",
        "\r",
        "\r\n",
        "\x00",
        "\x01",
        "\x1b[31m",
        "\x7f",
        "\x85",
        "\u2028",
        "\u202e",
        "\u200b",
        "\ufeff",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xc3",
        b"\xe2\x80",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        "\u00e2\u20ac\u2122",
        "&amp;",
        "&#8217;",
        "%",
        "@",
        "`",
        "~",
        "null",
        "true",
        "yes",
        "no",
        ".nan",
        ".inf",
        "-.inf",
        "0x1F",
        "0o17",
        "1e309",
        "99999999999999999999999999",
        "-0",
        "1_000",
        "2024-02-30T15:00:00Z",
        "2024-01-22",
        "1999-13-01T25:61:61+25:00",
        "https://",
        "http://",
        "htp://x",
        "//",
        "?utm_source=x",
        "#frag",
        "xn--",
        "%zz",
        "https://\u0435xample.com/",
        "javascript:alert(1)",
        "\U0001f600",
        "a" * 300,
        " " * 40,
    )
)
# Whole values that keep the YAML valid (so that the content rules, not only the parser, see them).
VALUES: tuple[bytes, ...] = (
    b"",
    b"~",
    b"null",
    b"[]",
    b"{}",
    b"[1, 2]",
    b"{a: 1}",
    b"0",
    b"-1",
    b"3.5",
    b"1e400",
    b".nan",
    b"true",
    b"no",
    b"x",
    b'""',
    b"''",
    b'" "',
    b'"\\u202e"',
    b'"\\u200b"',
    b'"\\x00"',
    b'"\\ud800"',
    b'"\\U0001F600"',
    b'"caf\xc3\xa9"',
    b'"\xc3\xa2\xe2\x82\xac\xe2\x84\xa2"',
    b"2024-02-30T15:00:00Z",
    b"2024-01-22T18:23:00.123456789+05:30",
    b"0001-01-01T00:00:00Z",
    b"9999-12-31T23:59:59Z",
    b"1970-01-01",
    b"https://",
    b"https://x",
    b"http://[::1]:99999/",
    b'"\\e[2J\\e]0;title\\a"',
    b"https://a..b/",
    b"https://exa mple.com/",
    b"https://xn--e1afmkfd.xn--p1ai/",
    b"//cdn.example.com/x",
    b'"https://www.example.com/a?utm_source=x&utm_medium=y#z"',
    b"ftp://x",
    b"mailto:a@b",
    b"&a x",
    b"*a",
    b"!!binary aGk=",
    b"|\n  block\n",
    b">-\n  folded\n",
    b"\n  - a\n  - b",
    b"\n  a: 1\n  b: 2",
)
# What a terminal acts on instead of showing (the line feed that ends each line aside).
_TERMINAL_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")
MUTATIONS = (
    "flip",
    "insert",
    "insert",
    "insert",
    "delete",
    "truncate",
    "duplicate-line",
    "swap-lines",
    "indent",
    "dedent",
    "bom",
    "splice",
    "value",
    "value",
    "value",
    "value",
    "repeat",
)


def mutate(raw: bytes, operations: list[tuple[str, float, int]], donor: bytes = b"") -> bytes:
    """Apply (kind, where in [0, 1), a number) operations to `raw`, deterministically (so that hypothesis
    can shrink them): the same operations give the same bytes."""
    data = bytearray(raw)
    for kind, where, number in operations:
        at = int(where * (len(data) + 1)) if data else 0
        lines = data.split(b"\n")
        line = min(int(where * len(lines)), len(lines) - 1)
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] = number % 256
        elif kind == "insert":
            data[at:at] = FRAGMENTS[number % len(FRAGMENTS)]
        elif kind == "repeat":  # a long run of one fragment: finds work that grows faster than the input
            fragment = FRAGMENTS[number % len(FRAGMENTS)]
            data[at:at] = fragment * (1 + (number * 7) % 100_000 // len(fragment))
        elif kind == "delete":
            del data[at : at + 1 + number % 40]
        elif kind == "truncate":
            del data[at:]
        elif kind == "duplicate-line":
            lines.insert(line, lines[line])
            data = bytearray(b"\n".join(lines))
        elif kind == "swap-lines" and len(lines) > 1:
            other = number % len(lines)
            lines[line], lines[other] = lines[other], lines[line]
            data = bytearray(b"\n".join(lines))
        elif kind == "indent":
            lines[line] = b" " * (1 + number % 8) + lines[line]
            data = bytearray(b"\n".join(lines))
        elif kind == "dedent":
            lines[line] = lines[line].lstrip(b" ")
            data = bytearray(b"\n".join(lines))
        elif kind == "bom":
            data[0:0] = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")[number % 3]
        elif kind == "value" and b": " in lines[line]:
            key = lines[line].split(b": ", 1)[0]
            lines[line] = key + b": " + VALUES[number % len(VALUES)]
            data = bytearray(b"\n".join(lines))
        elif kind == "splice" and donor:
            start = number % len(donor)
            data[at:at] = donor[start : start + 1 + number % 200]
    return bytes(data)


def problems_of(result: engine.RunResult, texts: dict[str, str | None]) -> list[str]:
    """What is wrong with a run's result (empty when nothing is). `texts` maps each display path to the
    document's decoded text (None when it did not decode)."""
    problems = [f"internal error: {error}" for error in result.internal_errors]
    codes = {rule.code for rule in all_rules()}
    for d in result.diagnostics:
        where = f"{d.path}:{d.line}:{d.column} {d.code}"
        end = (d.end_line or d.line, d.end_column or d.column)
        text = texts.get(d.path)
        lines = (text.count("\n") + 1) if text is not None else None
        if d.code not in codes:
            problems.append(f"{where}: unregistered code")
        if d.line < 1 or d.column < 1 or end < (d.line, d.column):
            problems.append(f"{where}: bad position (end {end})")
        if lines is not None and (d.line > lines or end[0] > lines):
            problems.append(f"{where}: line past the end of the file ({lines} lines)")
        if not isinstance(d.message, str) or not d.message.strip():
            problems.append(f"{where}: empty message")
        if d.fix is not None:
            size = len(text) if text is not None else 0
            if any(not 0 <= edit.start <= edit.end <= size for edit in d.fix.edits):
                problems.append(
                    f"{where}: fix edits outside the text "
                    f"({[(e.start, e.end) for e in d.fix.edits]}, {size} characters)"
                )
    for name, reporter in REPORTERS.items():
        stream = io.StringIO()
        try:
            reporter(result.diagnostics, stream, files=len(texts))
        except Exception:
            problems.append(f"{name} reporter raised:\n{traceback.format_exc()}")
            continue
        if name == "concise" and _TERMINAL_UNSAFE.search(stream.getvalue()):
            found = _TERMINAL_UNSAFE.search(stream.getvalue()).group()
            problems.append(f"concise output contains U+{ord(found):04X}, which a terminal acts on")
        if name == "json":
            try:
                parsed = json.loads(stream.getvalue())
            except ValueError as error:
                problems.append(f"JSON output does not parse: {error}")
                continue
            if len(parsed) != len(result.diagnostics):
                problems.append(f"JSON output has {len(parsed)} entries for {len(result.diagnostics)} diagnostics")
    return problems


def check_bytes(raw: bytes, path: Path, config: Config, neighbours: list[SourceFile] = ()) -> list[str]:
    """Write `raw` to `path`, check it (with `neighbours`, for the corpus rules) and say what went wrong."""
    path.write_bytes(raw)
    sources = [SourceFile.at(path, path.name), *neighbours]
    try:
        result = engine.run(sources, config)
    except Exception:
        return [f"engine.run raised:\n{traceback.format_exc()}"]
    return problems_of(result, {path: doc.text for path in result.paths if (doc := result.document(path)) is not None})


NEIGHBOURS = "checked together with: "


def replay(folder: Path, config: Config) -> int:
    """Check every saved crash-*.md again (with the documents it was checked with): which still crash."""
    still = 0
    for saved in sorted(folder.glob("crash-*.md")):
        report = saved.with_suffix(".txt").read_text(encoding="utf-8").splitlines()
        listed = next((line[len(NEIGHBOURS) :] for line in report if line.startswith(NEIGHBOURS)), "")
        neighbours = [SourceFile.at(p, Path(p).name) for p in listed.split("|") if p]
        problems = check_bytes(saved.read_bytes(), folder / "in-progress.md", config, neighbours)
        still += bool(problems)
        print(f"{'CRASH' if problems else 'fixed'} {saved.name}" + (f": {_signature(problems[0])}" if problems else ""))
    (folder / "in-progress.md").unlink(missing_ok=True)
    return 1 if still else 0


def _signature(problem: str) -> str:
    """What makes two crashes the same: for an exception, its type and the innermost frame it came
    from; otherwise the problem without its path and numbers."""
    lines = problem.strip().splitlines()
    frames = [line.strip() for line in lines if line.strip().startswith("File ")]
    if frames:
        return f"{lines[-1].split(':', 1)[0]} at {re.sub(r', line [0-9]+', '', frames[-1])}"
    return re.sub(r"[0-9]+", "", lines[0].split(" ", 1)[-1])[:300]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--corpus", type=Path, action="append", default=[], help="a folder of real documents (repeatable)"
    )
    parser.add_argument("--replay", action="store_true", help="check the crash-*.md already in --out again, and stop")
    parser.add_argument("--out", type=Path, required=True, help="where crashing inputs are saved")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--max-mutations", type=int, default=4)
    parser.add_argument("--slow", type=float, default=5.0, help="seconds after which one input counts as a crash")
    args = parser.parse_args()
    if args.replay:
        return replay(args.out, Config(root=Path.cwd()))

    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    files = sorted(
        p for folder in args.corpus for p in folder.rglob("*") if p.suffix in (".md", ".txt") and p.is_file()
    )
    if not files:
        parser.error("no documents in the corpus folders (give --corpus)")
    originals = [p.read_bytes() for p in files]
    args.out.mkdir(parents=True, exist_ok=True)
    in_progress = args.out / "in-progress.md"
    config = Config(root=Path.cwd())
    faulthandler.enable()
    print(f"fuzzing {len(files)} documents for {args.seconds:g} s (seed {seed}); crashes go to {args.out}/", flush=True)

    seen: dict[str, Path] = {}
    inputs = crashes = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        index = rng.randrange(len(files))
        operations = [
            (rng.choice(MUTATIONS), rng.random(), rng.randrange(1 << 16))
            for _ in range(rng.randint(1, args.max_mutations))
        ]
        raw = mutate(originals[index], operations, donor=rng.choice(originals))
        # for the corpus rules: now and then the unchanged original and a few other real documents alongside
        others = [files[index]] if rng.random() < 0.25 else []
        others += rng.sample(files, min(3, len(files))) if rng.random() < 0.25 else []
        neighbours = [SourceFile.at(p, p.name) for p in dict.fromkeys(others)]
        faulthandler.dump_traceback_later(args.slow * 20, exit=True)  # a hang: dump the stacks and stop
        started = time.monotonic()
        problems = check_bytes(raw, in_progress, config, neighbours)
        elapsed = time.monotonic() - started
        faulthandler.cancel_dump_traceback_later()
        if elapsed > args.slow:
            problems.append(f"slow: {elapsed:.1f} s for {len(raw):,} bytes")
        inputs += 1
        new = [p for p in problems if _signature(p) not in seen]
        if problems:
            crashes += 1
        if new:
            digest = hashlib.sha1(raw).hexdigest()[:12]
            saved = args.out / f"crash-{digest}.md"
            saved.write_bytes(raw)
            report = (
                f"from {files[index]} with {operations}\n{NEIGHBOURS}{'|'.join(str(n.path) for n in neighbours)}\n\n"
            )
            report += "\n\n".join(problems) + "\n"
            saved.with_suffix(".txt").write_text(report, encoding="utf-8")
            for problem in new:
                seen[_signature(problem)] = saved
            print(f"CRASH {saved}: {problems[0].splitlines()[0][:200]}", flush=True)
    in_progress.unlink(missing_ok=True)
    print(
        f"{inputs:,} inputs ({inputs / args.seconds:,.0f}/s), {crashes:,} crashing, {len(seen)} distinct problems",
        flush=True,
    )
    return 1 if seen else 0


if __name__ == "__main__":
    sys.exit(main())
