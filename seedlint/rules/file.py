"""SL0 — the file itself: bytes, encoding, front-matter delimiters, YAML syntax, duplicate keys.

The loader (seedlint/document.py) finds these problems while it reads the file; this module names them
as rules and turns each into a diagnostic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import yaml

from seedlint.diagnostic import Edit, Fix
from seedlint.edits import value_after
from seedlint.registry import define
from seedlint.yamltree import AMBIGUOUS_BREAK

if TYPE_CHECKING:
    from seedlint.config import Config
    from seedlint.diagnostic import Diagnostic
    from seedlint.document import Document

UNREADABLE_FILE = define(
    "SL001",
    "unreadable-file",
    "error",
    "The file cannot be read.",
    what="The file could not be opened or read (permission denied, a directory, a broken link, deleted during "
    "the run).",
    why="A document that cannot be read is not checked; saying so keeps a CI run from passing by accident.",
    example="$ chmod 000 news/2024-01-22-a.md",
)
FILE_TOO_LARGE = define(
    "SL002",
    "file-too-large",
    "error",
    "The file is too large to be a document.",
    what="Files over 10 MiB are reported and not parsed.",
    why="A real article is a few kilobytes; a huge file is a mistake (a data dump, a binary) and parsing it would "
    "stall a hook.",
    example="a 100 MB file named news/big.md",
)
BINARY_FILE = define(
    "SL003",
    "binary-file",
    "error",
    "The file contains NUL bytes: it is binary, not text.",
    what="The file contains NUL bytes; the position of the first one is reported.",
    why="Binary files are not documents; they usually got a document's name by mistake.",
    example="an image saved as news/photo.md",
)
INVALID_UTF8 = define(
    "SL004",
    "invalid-utf8",
    "error",
    "The file is not valid UTF-8.",
    what="The bytes are decoded as strict UTF-8; the first invalid byte is reported with its line and column. "
    "UTF-16 files are named as such.",
    why="Documents are UTF-8; other bytes become mojibake or crash the site build.",
    example='title: "Caf\\xe9"   # Latin-1 byte 0xE9 in a UTF-8 file',
)
BYTE_ORDER_MARK = define(
    "SL005",
    "byte-order-mark",
    "warning",
    "The file starts with a UTF-8 byte-order mark.",
    what="A U+FEFF byte-order mark before the opening `---`.",
    why="Front-matter parsers (Jekyll among them) expect `---` as the very first bytes; a BOM hides the front matter.",
    example="\\ufeff---\ntitle: ...",
    fix="safe: the mark is removed; nothing else changes.",
)
MISSING_FRONT_MATTER = define(
    "SL006",
    "missing-front-matter",
    "error",
    "The file does not start with a `---` front-matter block.",
    what="Line 1 must be exactly `---` (trailing blanks allowed).",
    why="Without front matter the document has no title, date or URL: the site drops it silently.",
    example="title: Hello\n---",
)
UNCLOSED_FRONT_MATTER = define(
    "SL007",
    "unclosed-front-matter",
    "error",
    "The front matter is never closed by `---` or `...`.",
    what="After the opening `---`, a line that is `---` or `...` must end the front matter.",
    why="Without the closing line the whole body is read as YAML, or the document is dropped.",
    example="---\ntitle: Hello\n(body, and no closing line)",
)
YAML_SYNTAX_ERROR = define(
    "SL008",
    "yaml-syntax-error",
    "error",
    "The front matter is not valid YAML.",
    what="The YAML parser's error, at the line and column where it stopped.",
    why="A document whose front matter does not parse cannot be published or checked further.",
    example='title: "unterminated\nexcerpt: x',
)
TAB_INDENTATION = define(
    "SL009",
    "tab-indentation",
    "error",
    "A tab character is used for YAML indentation.",
    what="YAML forbids tabs in indentation; the position of the tab is reported.",
    why="Tabs make the YAML invalid, and editors display them at different widths.",
    example="provider:\n\tname: BBC",
    fix="sometimes: a tab on a line of nothing but blanks is removed with those blanks (safe: the line holds no "
    "value; unsafe when the line may be one of a `|` or `>` value begun above it, whose text YAML 1.2 says the tab "
    "is); a tab that indents a value is left to the author, who knows which level it meant.",
)
DUPLICATE_KEY = define(
    "SL010",
    "duplicate-key",
    "error",
    "A key appears twice in the same mapping.",
    what="The second occurrence of a key in one mapping, with the line of the first.",
    why="YAML keeps only the last value, silently discarding the first: one of the two edits is lost.",
    example='title: "First"\ntitle: "Second"',
)
UNSUPPORTED_TAG = define(
    "SL011",
    "unsupported-tag",
    "error",
    "A YAML tag other than the standard scalar, list and mapping tags.",
    what="Explicit tags such as `!!python/object` or `!custom`; the value is read as plain data and the tag is "
    "reported.",
    why="Tags can make YAML loaders construct objects or run code; article front matter needs none.",
    example="title: !!python/object/apply:os.system [ls]",
)
YAML_TOO_COMPLEX = define(
    "SL012",
    "yaml-too-complex",
    "error",
    "The YAML nests too deep or its aliases expand too far.",
    what="More than 64 levels of nesting, or aliases that expand beyond 200,000 values (a 'billion laughs' bomb).",
    why="Such YAML exhausts memory or time in every consumer; no article needs it.",
    example='a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n...',
)
FRONT_MATTER_NOT_MAPPING = define(
    "SL013",
    "front-matter-not-mapping",
    "error",
    "The front matter is empty, or a list or scalar instead of a mapping.",
    what="The front matter must be a mapping of fields.",
    why="Every consumer reads front matter as named fields.",
    example="---\n- title\n- excerpt\n---",
)
LINE_TOO_LONG = define(
    "SL014",
    "line-too-long",
    "error",
    "A line is over 10,000 characters long.",
    what="The first line longer than 10,000 characters (the longest line in the real corpora has 592); the "
    "document is still checked.",
    why="No article has such a line: it is pasted data, a minified blob or a file glued together, and it makes "
    "every diff and review unreadable.",
    example='title: "xxxxxxxx…(a million characters)…"',
)
MIXED_LINE_ENDINGS = define(
    "SL015",
    "mixed-line-endings",
    "warning",
    "The file mixes CRLF and LF line endings.",
    what="Lines ending in CRLF (`\\r\\n`) and lines ending in LF (`\\n`) in one file; the first line that differs "
    "from the majority is reported.",
    why="Mixed endings make every diff noisy and some YAML tools keep the stray `\\r` in values.",
    example="---\\r\\ntitle: x\\n---\\r\\n",
    fix="safe: the minority line endings are rewritten to the majority style; nothing else changes.",
)
TRAILING_WHITESPACE = define(
    "SL016",
    "trailing-whitespace",
    "warning",
    "A front-matter line ends with spaces or tabs.",
    what="Spaces or tabs before the end of a front-matter line (outside block scalars, where they are content).",
    why="Invisible trailing blanks produce noisy diffs and review churn.",
    example='title: "Hello"   ',
    fix="safe: the trailing blanks are removed (never inside a `|` or `>` block scalar, nor an escaped blank of a "
    'quoted value: `"a\\<tab>`). Unsafe when the front matter is not read as a mapping (a syntax error, a list): '
    "which blanks are a value's is then unknown.",
)

UNUSED_SUPPRESSION = define(
    "SL017",
    "unused-suppression",
    "warning",
    "A `# seedlint: ignore[...]` comment silences nothing.",
    what="A suppression comment (or one of its codes) that matched no diagnostic of a selected rule.",
    why="Stale suppressions hide future problems on that line and mislead readers.",
    example='title: "Fine"   # seedlint: ignore[SL401]',
    fix="safe: the unused codes are removed from the comment, or the whole comment when none is used; unsafe when the "
    "front matter does not load (a comment between the lines of a value could join them, and no parse checks it).",
)

MALFORMED_SUPPRESSION = define(
    "SL018",
    "malformed-suppression",
    "warning",
    "A comment meant as a suppression is malformed, so it silences nothing.",
    what="A front-matter comment starting `# seedlint` that is not exactly `# seedlint: ignore[CODES]` or "
    "`# seedlint: ignore-file[CODES]` with known rule codes or prefixes: no brackets (`ignore SL202`), a bare "
    "`ignore`, a misspelt directive (`ignore_file`), an unknown code (`SL2O2`), text after `]`. The message "
    "says what was expected.",
    why="A suppression that is silently ignored leaves its author believing a finding is handled, and one that "
    "were guessed at could hide more than was meant.",
    example='title: "Caf&eacute;"   # seedlint: ignore SL402',
)
DISALLOWED_SUPPRESSION = define(
    "SL019",
    "disallowed-suppression",
    "warning",
    "A suppression names findings this run does not let a document silence.",
    what="A suppression of SL001–SL013 (a file that does not load is always reported), of a code outside the "
    "configuration's `allow-suppressions`, or any suppression under `--no-suppressions`. The findings stay "
    "reported; this says why the comment did not silence them.",
    why="Documents are written by anyone: whether a finding may be hidden is the project's decision (its "
    "configuration, its CI), not the document's.",
    example="# seedlint: ignore-file[SL]   (and the front matter does not parse: SL008 is still reported)",
)
AMBIGUOUS_LINE_BREAK = define(
    "SL020",
    "ambiguous-line-break",
    "warning",
    "A raw NEL, LS or PS in the front matter: YAML 1.1 and 1.2 readers read it differently.",
    what="U+0085 (NEL), U+2028 (LINE SEPARATOR) or U+2029 (PARAGRAPH SEPARATOR) written as itself in the front "
    "matter. YAML 1.1 readers (libyaml, PyYAML, Ruby's Psych) read each as a line break: in a value, folded into a "
    "space or kept as a new line; in a comment, the end of the comment. YAML 1.2 readers (ruamel.yaml, and most "
    "libraries since) read the character itself. The first one is reported, with their number.",
    why="What the document says then depends on the site's YAML library: `Five<NEL> arrests` is `Five arrests` to "
    "one and `Five\\x85 arrests` to another. A fix of another character in that value would write libyaml's "
    "reading, so those fixes are made unsafe.",
    example='title: "Five\u0085 arrests"   (the character itself, not the escape)',
)

PROBLEM_RULES = {
    rule.name: rule
    for rule in (
        UNREADABLE_FILE,
        FILE_TOO_LARGE,
        BINARY_FILE,
        INVALID_UTF8,
        BYTE_ORDER_MARK,
        MISSING_FRONT_MATTER,
        UNCLOSED_FRONT_MATTER,
        YAML_SYNTAX_ERROR,
        TAB_INDENTATION,
        DUPLICATE_KEY,
        UNSUPPORTED_TAG,
        YAML_TOO_COMPLEX,
        FRONT_MATTER_NOT_MAPPING,
        LINE_TOO_LONG,
    )
}


def check(doc: Document, context: Config | None) -> Iterator[Diagnostic]:
    for problem in doc.problems:
        yield PROBLEM_RULES[problem.kind].at_span(doc, problem.span, problem.message, problem.fix)
    if doc.text is not None:
        yield from _check_line_endings(doc, doc.text)
        if doc.yaml_end > doc.yaml_start:
            yield from _check_trailing_whitespace(doc, doc.text)
            yield from _check_ambiguous_breaks(doc, doc.text)


_BREAK_NAMES = {"\x85": "U+0085 NEL", "\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR"}


def _check_ambiguous_breaks(doc: Document, text: str) -> Iterator[Diagnostic]:
    found = [match.start() for match in AMBIGUOUS_BREAK.finditer(text, doc.yaml_start, doc.yaml_end)]
    if not found:
        return
    kinds = sorted({text[at] for at in found})
    names = ", ".join(_BREAK_NAMES[char] for char in kinds)
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    yield AMBIGUOUS_LINE_BREAK.at_span(
        doc,
        doc.span(found[0], found[0] + 1),
        f"{names} written as {'itself' if len(kinds) == 1 else 'themselves'}{more}: YAML 1.1 readers (libyaml, "
        "PyYAML, Psych) read it as a line break, YAML 1.2 readers (ruamel.yaml and most since) as the character: "
        "write it escaped in a double-quoted value (`\\x85`, `\\u2028`, `\\u2029`), or remove it",
    )


def _check_line_endings(doc: Document, text: str) -> Iterator[Diagnostic]:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    if not crlf or not lf:
        return
    majority = "\r\n" if crlf > lf else "\n"
    # Every line break of the minority style, as offsets of its `\n` (or `\r\n`).
    minority = [m.start() for m in re.finditer("(?<!\r)\n" if majority == "\r\n" else "\r\n", text)]
    edits = tuple(Edit(start, start + (2 if majority == "\n" else 1), majority) for start in minority)
    fix: Fix | None = Fix(
        edits, description=f"use {'CRLF' if majority == chr(13) + chr(10) else 'LF'} line endings throughout"
    )
    if majority == "\n" and any(text[start - 1 : start] == "\r" for start in minority):
        fix = None  # (`\r\r\n` made LF is `\r\n` again: a lone carriage return is not a line ending this decides)
    names = ("CRLF", "LF") if majority == "\r\n" else ("LF", "CRLF")
    count = len(minority)
    yield MIXED_LINE_ENDINGS.at_span(
        doc,
        doc.span(minority[0]),
        f"mixed line endings: {count} line{'s end' if count != 1 else ' ends'} in {names[1]}, "
        f"the other {max(crlf, lf)} in {names[0]} (first here)",
        fix,
    )


def _check_trailing_whitespace(doc: Document, text: str) -> Iterator[Diagnostic]:
    start, end = doc.yaml_start, doc.yaml_end
    if not any(text.find(blank, start, end) >= 0 for blank in _BLANK_BEFORE_BREAK):
        return  # the usual case, found by substring search (several times faster than the regex below)
    block_scalars = None  # found only when there are trailing blanks (walking the tree costs more than the search)
    # A tab that broke the YAML is SL009's finding: a line of blanks holding it is not reported twice.
    tabs = [p.span.start for p in doc.problems if p.kind == TAB_INDENTATION.name]
    for match in _TRAILING_BLANKS.finditer(text, doc.yaml_start, doc.yaml_end):
        start, end = match.span()
        if any(start <= tab < end for tab in tabs):
            continue
        if block_scalars is None:
            block_scalars = [doc.node_span(node) for node in _block_scalars(doc.root)] if doc.root is not None else []
        if any(span.start <= start < span.end for span in block_scalars) or _in_value(doc, start, end):
            continue
        if doc.root is None:  # (blanks of a front matter that is not a mapping may be a value's: none is known)
            fix = Fix.replace(start, end, "", safe=False, description=UNKNOWN_VALUES)
        else:
            fix = Fix.replace(start, end, "", description="remove trailing whitespace")
        yield TRAILING_WHITESPACE.at_span(
            doc,
            doc.span(start, end),
            f"trailing whitespace ({end - start} character{'s' if end - start != 1 else ''})",
            fix,
        )


UNKNOWN_VALUES = "remove trailing whitespace (the YAML is not read as a mapping: whether a value holds it is unknown)"


def _in_value(doc: Document, start: int, end: int) -> bool:
    """Whether the blanks [start, end) belong to the value of the quoted or plain scalar they are in: an
    escaped blank before a line break (`"a\\<tab>` + break) is a tab of the value, where other blanks at the
    end of a line of a scalar are folded away."""
    node = doc.path_at(start)[1] if doc.root is not None else None
    if not isinstance(node, yaml.ScalarNode):
        return False
    span = doc.scalar_span(node)
    if not span.start <= start < span.end or doc.text is None:
        return False
    return value_after(span.start, doc.text[span.start : span.end], [Edit(start, end, "")]) != node.value


# Only from the start of a run of blanks, and never giving back: otherwise every blank of a long run that
# ends in text (deep indentation) starts a failing match of the rest of the run (quadratic time).
_TRAILING_BLANKS = re.compile(r"(?<![ \t])[ \t]++(?=\r?\n)")
_BLANK_BEFORE_BREAK = (" \n", "\t\n", " \r\n", "\t\r\n")


def _block_scalars(root: yaml.Node) -> Iterator[yaml.ScalarNode]:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):
                yield node
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(value for _, value in node.value)
