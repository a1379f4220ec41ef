"""Suppressions written as YAML comments in the front matter:

    title: "Caf&eacute;"   # seedlint: ignore[SL402]      silences SL402 on this line
    # seedlint: ignore-file[SL5]                        silences the SL5 family in this file

Codes may be prefixes and are comma-separated. What a comment may silence is decided by the run, not by the
document (a document is written by anyone):

- SL001–SL013 are never silenced: a file that does not load is always reported;
- `allow-suppressions` (configuration; default `["SL"]`) lists the codes a document may silence, and
  `--no-suppressions` makes it empty. A finding outside it stays reported.

Every comment that does not do what it says is reported: SL017 when a code silences nothing (with a fix that
removes it, as ruff's unused-noqa), SL018 when the comment is malformed (it then silences nothing), SL019
when it names findings it may not silence.

The scan is linear in the front matter: comments are found from their `#` (never from the blanks before it,
which a regex would rescan from every position of a long run of blanks), positions are counted forward
once, and diagnostics find their suppression by line and code prefix in a dictionary.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import yaml

from seedlint import yamltree
from seedlint.diagnostic import Diagnostic, Fix, Span, cap_repeated
from seedlint.document import Document
from seedlint.registry import Rule
from seedlint.rules import all_rules
from seedlint.rules.file import (
    DISALLOWED_SUPPRESSION,
    FRONT_MATTER_NOT_MAPPING,
    MALFORMED_SUPPRESSION,
    UNREADABLE_FILE,
    UNUSED_SUPPRESSION,
)

# The codes of a file that does not load (SL001–SL013): never silenced.
NEVER_SILENCED = frozenset(
    rule.code for rule in all_rules() if UNREADABLE_FILE.code <= rule.code <= FRONT_MATTER_NOT_MAPPING.code
)
KINDS = ("ignore", "ignore-file")

# A comment that means to be a suppression: `#`, blanks, then the word seedlint in any case, or another word where
# it belongs, before `: ignore[SL…` (`sedlint:`, `seed-lint:`, a Cyrillic `ѕ`: passed over in silence, they
# silenced nothing). Matched from the `#` only, so each character is looked at a bounded number of times.
_MISSPELT = r"[^\s:#\[\]]{1,40}[ \t]*:[ \t]*ignore[\w-]*[ \t]*\[[ \t]*SL"
_MENTION = re.compile(rf"#[ \t]*(?:seedlint|{_MISSPELT})", re.IGNORECASE)
_MISSPELT_MENTION = re.compile(rf"#[ \t]*{_MISSPELT}", re.IGNORECASE)


def misspelt_mention(text: str) -> bool:
    """Whether `text` holds a comment like a suppression but for its word `seedlint` (checking.mentions_seedlint
    finds the others): its front matter is then read for suppressions, to report it."""
    return _MISSPELT_MENTION.search(text) is not None


_DIRECTIVE = re.compile(r"[A-Za-z_-]*")
_CODE = re.compile(r"SL\d{0,3}")


@dataclass
class Suppression:
    kind: str  # "ignore" (its line) or "ignore-file"
    line: int
    codes: list[str]
    start: int  # offsets of the comment (with the blanks before it, or its whole line) in the text
    end: int
    span: Span  # from `#` to `]`: where diagnostics about the comment point
    brackets: tuple[int, int]  # offsets of `[` and `]`
    used: set[str] = field(default_factory=set)
    refused: dict[str, set[str]] = field(default_factory=dict)  # code → codes of findings it may not silence
    last_line: int = 0  # on a block value's header line (`excerpt: |  # seedlint: ...`): the value's last line


@dataclass
class Malformed:
    span: Span  # the comment, from `#` to the end of its line
    problem: str


WHY_NEVER_SILENCED = "a file that does not load (SL001–SL013) is always reported"


@dataclass
class Policy:
    """What this run lets a document silence (`allowed`: codes or prefixes; SL001–SL013 never)."""

    allowed: list[str] = field(default_factory=lambda: ["SL"])

    @classmethod
    def configured(cls, allow_suppressions: list[str]) -> Policy:
        """The policy of a configuration's `allow-suppressions` (codes in any case)."""
        return cls([code.upper() for code in allow_suppressions])

    def may_silence(self, code: str) -> bool:
        return code not in NEVER_SILENCED and any(code.startswith(prefix) for prefix in self.allowed)

    def why_not(self, code: str) -> str:
        if code in NEVER_SILENCED:
            return WHY_NEVER_SILENCED
        if not self.allowed:
            return "this run allows no suppression (`--no-suppressions` or an empty `allow-suppressions`)"
        return f"this run allows silencing only {', '.join(self.allowed)} (`allow-suppressions`)"


class _Positions:
    """Line and column of increasing offsets, counted forward once (no line table: the text may be huge)."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line, self.line_start = text, 0, 1, 0

    def at(self, offset: int) -> tuple[int, int]:
        if offset < self.offset:  # (only when asked backwards: start again)
            self.offset, self.line, self.line_start = 0, 1, 0
        breaks = self.text.count("\n", self.offset, offset)
        if breaks:
            self.line += breaks
            self.line_start = self.text.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.at(start)
        end_line, end_column = self.at(end)
        return Span(line, column, end_line, end_column, start, end)


def find(doc: Document) -> tuple[list[Suppression], list[Malformed]]:
    """The suppression comments of a document's front matter, and the comments that mean to be one but are
    malformed (a `#` inside a quoted or block value is no comment)."""
    text = doc.text
    if text is None or doc.yaml_end <= doc.yaml_start:
        return [], []
    starts, ends = _scalar_spans(doc)
    blocks = _block_lines(doc)
    positions = _Positions(text)
    found: list[Suppression] = []
    malformed: list[Malformed] = []
    line_end = -1
    for match in _MENTION.finditer(text, doc.yaml_start, doc.yaml_end):
        hash_at = match.start()
        if hash_at < line_end:
            continue  # inside the comment already read on this line (so each line is read once)
        inside = bisect.bisect_right(starts, hash_at) - 1
        if inside >= 0 and hash_at < ends[inside]:
            continue
        if text[hash_at - 1] not in " \t\n":
            continue  # YAML needs a blank before `#` for it to start a comment
        line, column = positions.at(hash_at)
        line_start = hash_at - column + 1
        line_end = text.find("\n", hash_at, doc.yaml_end)
        line_end = doc.yaml_end if line_end < 0 else line_end
        comment_end = line_end - 1 if text[line_end - 1] == "\r" else line_end
        parsed = _parse(text, hash_at, comment_end)
        if isinstance(parsed, str):
            malformed.append(Malformed(positions.span(hash_at, comment_end), parsed))
            continue
        kind, codes, opening, closing = parsed
        start = hash_at
        while start > line_start and text[start - 1] in " \t":
            start -= 1
        if start == line_start:  # a comment on its own line: removing it removes the line
            end = line_end + 1 if line_end < len(text) else line_end
        else:
            end = comment_end
        found.append(
            Suppression(
                kind,
                line,
                codes,
                start,
                end,
                positions.span(hash_at, closing + 1),
                (opening, closing),
                last_line=blocks.get(line, 0),
            )
        )
    return found, malformed


def _scalar_spans(doc: Document) -> tuple[list[int], list[int]]:
    """Start and end offsets of every scalar (keys and values), sorted by start; scalars do not overlap. A block
    value (`|`, `>`) starts after its header line, where a comment may follow the indicator."""
    if doc.root is None or doc.text is None:
        return [], []
    text, first = doc.text, doc.yaml_start
    spans = []
    for node in _scalars(doc.root):
        start, end = first + node.start_mark.index, first + node.end_mark.index
        if node.style in ("|", ">"):
            header_end = text.find("\n", start, end)
            start = end if header_end < 0 else header_end
        spans.append((start, end))
    spans.sort()
    return [start for start, _ in spans], [end for _, end in spans]


def _block_lines(doc: Document) -> dict[int, int]:
    """The header line of each block value (`|`, `>`) → its last line (a comment on the header silences
    the value's findings: no comment can be written inside it)."""
    if doc.root is None:
        return {}
    first = doc.yaml_first_line
    found = {}
    for node in _scalars(doc.root):
        if node.style in ("|", ">"):
            end = node.end_mark
            found[first + node.start_mark.line] = first + end.line - (1 if end.column == 0 else 0)
    return found


def _scalars(root: yaml.Node) -> Iterator[yaml.ScalarNode]:
    return (node for node in yamltree.nodes(root) if isinstance(node, yaml.ScalarNode))


def _parse(text: str, hash_at: int, end: int) -> tuple[str, list[str], int, int] | str:
    """(kind, codes, offset of `[`, offset of `]`) of a well-formed `# seedlint: ignore[...]` comment between
    `hash_at` and `end`, or what is wrong with it (what was expected)."""
    at = hash_at + 1
    while at < end and text[at] in " \t":
        at += 1
    if text[at : at + 8] != "seedlint":
        marker, colon, _ = text[at:end].partition(":")
        shown = f"{marker.rstrip()[:40]}:" if colon and marker.strip() else text[at : at + 8]
        return f"expected `seedlint:` in lower case, not `{shown}`"
    at += 8
    if at >= end or text[at] != ":":
        return "expected `:` right after `seedlint` (`# seedlint: ignore[CODES]`)"
    at += 1
    while at < end and text[at] in " \t":
        at += 1
    directive = _DIRECTIVE.match(text, at, end)
    word = directive.group() if directive else ""
    if not word:
        rest = text[at:end].strip()
        found = f", not `{rest[:40]}`" if rest else ""
        return f"expected `ignore[CODES]` or `ignore-file[CODES]` after `seedlint:`{found}"
    if word not in KINDS:
        close = difflib.get_close_matches(word, KINDS, n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        return f"unknown directive `{word[:40]}`: expected `ignore[CODES]` or `ignore-file[CODES]`{hint}"
    at += len(word)
    if at >= end or text[at] != "[":
        rest = text[at:end].strip()
        if not rest:
            return f"`{word}` names no code: expected `{word}[CODES]`, e.g. `{word}[SL402]`"
        codes = [code.upper() for code in re.findall(r"SL\d{1,3}", rest, re.IGNORECASE)][:8]
        return f"expected `[` right after `{word}`: write `{word}[{', '.join(codes) or 'CODES'}]`"
    opening = at
    closing = text.find("]", opening, end)
    if closing < 0:
        return "unclosed `[`: expected the codes to end with `]`"
    if text[closing + 1 : end].strip(" \t"):
        return "unexpected text after `]`: a suppression comment ends at `]`"
    written = [code.strip() for code in text[opening + 1 : closing].split(",") if code.strip()]
    codes = [code.upper() for code in written]
    if not codes:
        return f"`{word}[]` names no code: expected `{word}[CODES]`, e.g. `{word}[SL402]`"
    for code, as_written in zip(codes, written, strict=True):
        if _CODE.fullmatch(code) is None or not any(rule.code.startswith(code) for rule in all_rules()):
            named = next((rule for rule in all_rules() if rule.name == as_written.lower()), None)
            if named is not None:
                return f"`{as_written[:40]}` is a rule's name: a suppression names its code, `{named.code}`"
            # A guess only for a whole code (`SL4O2`): a short prefix is close to too many codes to guess.
            close = difflib.get_close_matches(code, [rule.code for rule in all_rules()], n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close and len(code) == 5 else ""
            return f"`{as_written[:40]}` is no rule code or prefix{hint} (`seedlint rules` lists them)"
    twice = next((code for i, code in enumerate(codes) if code in codes[:i]), None)
    if twice is not None:
        return f"`{twice}` is named twice: name each code once"
    return word, codes, opening, closing


def apply(
    diagnostics: list[Diagnostic],
    documents: list[Document],
    is_selected: Callable[[str], bool],
    policy: Policy | None = None,
) -> list[Diagnostic]:
    """The diagnostics left after the suppressions of `documents` (those whose text mentions seedlint), plus
    SL017, SL018 and SL019 for every comment that does not do what it says."""
    policy = policy or Policy()
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_path.setdefault(d.path, []).append(d)
    for doc in documents:
        found, malformed = find(doc)
        if not found and not malformed:
            continue
        index = _Index(found)
        kept = [d for d in by_path.get(doc.display_path, []) if not _silenced(d, index, policy)]
        kept.extend(cap_repeated(list(_about_comments(doc, found, malformed, is_selected, policy))))
        by_path[doc.display_path] = kept
    return [d for found in by_path.values() for d in found]


class _Index:
    """The suppressions of one document by (line, code) and by code (file-wide), first comment first."""

    def __init__(self, suppressions: list[Suppression]) -> None:
        self.by_line: dict[tuple[int, str], Suppression] = {}
        self.by_file: dict[str, Suppression] = {}
        for s in suppressions:
            for code in s.codes:
                if s.kind == "ignore":
                    for line in range(s.line, max(s.line, s.last_line) + 1):
                        self.by_line.setdefault((line, code), s)
                else:
                    self.by_file.setdefault(code, s)

    def match(self, d: Diagnostic) -> tuple[Suppression, str] | None:
        """The most specific suppression of `d`: on its line before file-wide, the longest code first."""
        prefixes = [d.code[:n] for n in range(len(d.code), 1, -1)]
        for prefix in prefixes:
            if (s := self.by_line.get((d.line, prefix))) is not None:
                return s, prefix
        for prefix in prefixes:
            if (s := self.by_file.get(prefix)) is not None:
                return s, prefix
        return None


def _silenced(d: Diagnostic, index: _Index, policy: Policy) -> bool:
    found = index.match(d)
    if found is None:
        return False
    suppression, code = found
    if policy.may_silence(d.code):
        suppression.used.add(code)
        return True
    suppression.refused.setdefault(code, set()).add(d.code)
    return False


def _about_comments(
    doc: Document,
    suppressions: list[Suppression],
    malformed: list[Malformed],
    is_selected: Callable[[str], bool],
    policy: Policy,
) -> Iterator[Diagnostic]:
    if is_selected(MALFORMED_SUPPRESSION.code):
        for m in malformed:
            yield _at(MALFORMED_SUPPRESSION, doc, m.span, f"malformed suppression: {m.problem}; it silences nothing")
    for s in suppressions:
        refused = {code: found for code, found in s.refused.items() if code not in s.used}
        # A code none of whose rules this run lets a document silence can never do anything.
        never = [c for c in s.codes if c not in s.used and c not in refused and not _may_ever_silence(c, policy)]
        if (refused or never) and is_selected(DISALLOWED_SUPPRESSION.code):
            yield _at(DISALLOWED_SUPPRESSION, doc, s.span, _disallowed_message(refused, never, policy))
        idle = [
            c
            for c in s.codes
            if c not in s.used and c not in refused and c not in never and is_selected_prefix(c, is_selected)
        ]
        if idle and is_selected(UNUSED_SUPPRESSION.code):
            yield _unused(doc, s, idle)


def _may_ever_silence(code: str, policy: Policy) -> bool:
    return any(rule.code.startswith(code) and policy.may_silence(rule.code) for rule in all_rules())


def _disallowed_message(refused: dict[str, set[str]], never: list[str], policy: Policy) -> str:
    parts = []
    for code, found in refused.items():
        shown = ", ".join(sorted(found))
        stays = "it stays" if len(found) == 1 else "they stay"
        parts.append(f"{code} cannot silence {shown} here, so {stays} reported: {policy.why_not(min(found))}")
    for code in never:
        example = min(rule.code for rule in all_rules() if rule.code.startswith(code))
        parts.append(f"{code} can silence nothing: {policy.why_not(example)}")
    return "suppression not allowed: " + "; ".join(parts)


def _unused(doc: Document, s: Suppression, idle: list[str]) -> Diagnostic:
    assert doc.text is not None  # (suppressions are comments found in the text)
    remaining = [c for c in s.codes if c not in idle]
    # Unsafe when the front matter does not load: whether the comment holds a value apart (a line between the lines
    # of a block) is unknown, and no parse verifies what its removal makes of the rest.
    safe, unknown = doc.root is not None, "" if doc.root is not None else " (the YAML does not load: check the result)"
    if remaining:  # the codes replaced between the brackets: no pattern is built from the user's text
        opening, closing = s.brackets
        fix = Fix.replace(
            opening + 1,
            closing,
            ", ".join(remaining),
            safe=safe,
            description=f"remove {', '.join(idle)} from the suppression{unknown}",
        )
    else:
        fix = Fix.replace(s.start, s.end, "", safe=safe, description=f"remove the unused suppression{unknown}")
    what = "this line" if s.kind == "ignore" else "this file"
    if s.kind == "ignore" and s.last_line > s.line:  # (on a block value's header: its lines)
        what = f"lines {s.line}–{s.last_line}"
    return _at(
        UNUSED_SUPPRESSION, doc, s.span, f"unused suppression: {', '.join(idle)} reported nothing on {what}", fix
    )


def _at(rule: Rule, doc: Document, span: Span, message: str, fix: Fix | None = None) -> Diagnostic:
    return rule.at_span(doc, span, message, fix)


def is_selected_prefix(code: str, is_selected: Callable[[str], bool]) -> bool:
    return any(rule.code.startswith(code) and is_selected(rule.code) for rule in all_rules())
