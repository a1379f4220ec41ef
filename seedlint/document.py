"""Documents: bytes → text → front matter → data, with the position of every key and value.

Loading never raises for a user's file. Whatever is wrong with the bytes, the delimiters or the YAML
becomes a `Problem` (a value, positioned) that the SL0 rules turn into diagnostics; the later rules
only run on documents whose front matter parsed into a mapping.
"""

from __future__ import annotations

import bisect
import errno
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from seedlint import memo, scalars, yamltree
from seedlint.diagnostic import Fix, Span
from seedlint.yamltree import JSON, FieldPath

BOM = "\ufeff"
OPENING = "---"
CLOSINGS = ("---", "...")
MAX_FILE_BYTES = 10 * 1024 * 1024  # a real article is a few kB; a larger file is refused, not parsed
LINE_TABLE_MAX_CHARS = 1024 * 1024  # the largest real article has 143 kB
_CHECKPOINT = 4096  # characters between the line counts kept for a larger text
MAX_LINE_CHARS = 10_000  # the longest line in the real corpora has 592 characters
_OVERLONG_LINE = re.compile(rf"^[^\n]{{{MAX_LINE_CHARS + 1}}}", re.MULTILINE)
# A closing delimiter line: `---` or `...`, then only blanks (and carriage returns) before the line feed.
CLOSING_LINE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong found while loading; `kind` is the name of the SL0 rule that reports it."""

    kind: str
    span: Span
    message: str
    fix: Fix | None = None


@dataclass
class Document:
    path: Path
    display_path: str
    raw: bytes
    text: str | None = None  # None when the bytes are not UTF-8
    data: dict[str, JSON] | None = None  # None unless the front matter parsed into a mapping
    root: yaml.MappingNode | None = None
    yaml_start: int = 0  # character offset of the first front-matter line
    yaml_end: int = 0  # character offset of the closing delimiter line
    yaml_first_line: int = 2  # 1-based line of the first front-matter line
    body_start: int = 0  # character offset just after the closing delimiter line
    problems: list[Problem] = field(default_factory=list)
    _line_starts: list[int] | None = field(default=None, repr=False)
    _checkpoints: list[tuple[int, int]] | None = field(default=None, repr=False)  # see _counted_position
    _entry_keys: list[bytes | None] | None = field(default=None, repr=False)
    _key_index: yamltree.KeyIndex = field(default_factory=dict, repr=False)
    _child_starts: dict[int, list[int]] = field(default_factory=dict, repr=False)  # see path_at
    _flow_spans: list[tuple[int, int]] | None = field(default=None, repr=False)  # see in_flow

    @property
    def ok(self) -> bool:
        """True when the front matter is a mapping the content rules can check."""
        return self.data is not None

    @property
    def front_matter(self) -> str:
        return self.text[self.yaml_start : self.yaml_end] if self.text is not None else ""

    @property
    def body(self) -> str:
        return self.text[self.body_start :] if self.text is not None else ""

    def entry_keys(self) -> list[bytes | None]:
        """A digest of each `related:` entry (None for one that is not a mapping), computed once: several
        rules remember per entry what they found (see seedlint/memo.py), and entries recur across a corpus."""
        if self._entry_keys is None:
            related = self.data.get("related") if self.data is not None else None
            self._entry_keys = (
                [memo.digest(e) if isinstance(e, dict) else None for e in related] if isinstance(related, list) else []
            )
        return self._entry_keys

    # Positions --------------------------------------------------------------------------------

    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            text = self.text or ""
            starts = [0]
            index = text.find("\n")
            while index != -1:
                starts.append(index + 1)
                index = text.find("\n", index + 1)
            self._line_starts = starts
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset into the text."""
        text = self.text or ""
        if len(text) > LINE_TABLE_MAX_CHARS:  # a huge (hostile) file: count, instead of indexing millions of lines
            return self._counted_position(text, offset)
        starts = self.line_starts()
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def _counted_position(self, text: str, offset: int) -> tuple[int, int]:
        # A checkpoint every 4,096 characters (lines before it, start of the line it is in), made in one pass:
        # each position is then counted from the checkpoint before it, whatever order they are asked in (a
        # duplicate key is positioned with its first occurrence), at a few kB of memory for a 10 MB file.
        if self._checkpoints is None:
            lines, line_start, checkpoints = 0, 0, []
            for at in range(0, len(text) + 1, _CHECKPOINT):
                if at:
                    lines += text.count("\n", at - _CHECKPOINT, at)
                    line_start = max(line_start, text.rfind("\n", at - _CHECKPOINT, at) + 1)
                checkpoints.append((lines, line_start))
            self._checkpoints = checkpoints
        base = offset // _CHECKPOINT * _CHECKPOINT
        lines, line_start = self._checkpoints[base // _CHECKPOINT]
        line = lines + text.count("\n", base, offset) + 1
        line_start = max(line_start, text.rfind("\n", base, offset) + 1)
        return line, offset - line_start + 1

    def span(self, start: int, end: int | None = None) -> Span:
        end = start if end is None else end
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column, start, end)

    def node_span(self, node: yamltree.Marked) -> Span:
        # From the marks' character offsets, not their line numbers: libyaml also breaks lines at a lone
        # \r, U+0085, U+2028 and U+2029, which would shift every later line against the file's lines.
        return self.span(self.yaml_start + node.start_mark.index, self.yaml_start + node.end_mark.index)

    def scalar_span(self, node: yaml.Node) -> Span:
        """`node_span`, after the anchor and tag of a scalar (`&a !!str "x"`: the `"x"`): a fix rewrites the
        value, never its properties, and a finding about the value points at it."""
        start, end = self.yaml_start + node.start_mark.index, self.yaml_start + node.end_mark.index
        if isinstance(node, yaml.ScalarNode) and self.has_properties(node):
            assert self.text is not None  # (has_properties reads it)
            start = after_properties(self.text, start, end)
        return self.span(start, end)

    def has_properties(self, node: yaml.Node) -> bool:
        """Whether an anchor or a tag is written before the node (where libyaml's marks start it)."""
        at = self.yaml_start + node.start_mark.index
        return self.text is not None and self.text[at : at + 1] in ("&", "!")

    def locate(self, path: FieldPath) -> tuple[yaml.Node | None, yaml.Node]:
        """(key node, value node) at `path`; for a missing path, the deepest node that exists."""
        if self.root is None:
            raise ValueError(f"{self.display_path} has no parsed front matter")
        key, value, _ = yamltree.find(self.root, path, self._key_index)
        return key, value

    def find(self, path: FieldPath) -> tuple[yaml.Node | None, yaml.Node, int]:
        """(key node, deepest value node reached, how many steps of `path` were found): see yamltree.find."""
        if self.root is None:
            raise ValueError(f"{self.display_path} has no parsed front matter")
        return yamltree.find(self.root, path, self._key_index)

    def path_at(self, offset: int) -> tuple[FieldPath, yaml.Node | None]:
        """The path of the deepest key or value whose source holds the text offset `offset`, and that node
        (the root mapping and () outside every value; None without parsed front matter). Children are found
        by bisection on their start offsets, kept per collection: a flood of findings in one huge mapping
        costs a logarithm each, not a scan."""
        node: yaml.Node | None = self.root
        path: FieldPath = ()
        at = offset - self.yaml_start
        for _ in range(yamltree.MAX_DEPTH + 1):
            if isinstance(node, yaml.MappingNode):
                starts = self._starts(node)
                i = bisect.bisect_right(starts, at) - 1
                if i < 0:
                    break
                key, value = node.value[i]
                if at < key.end_mark.index:
                    return path + (yamltree.key_text(key),), key
                if not value.start_mark.index <= at < max(value.end_mark.index, value.start_mark.index + 1):
                    break
                path, node = path + (yamltree.key_text(key),), value
            elif isinstance(node, yaml.SequenceNode):
                starts = self._starts(node)
                i = bisect.bisect_right(starts, at) - 1
                if i < 0:
                    break
                item = node.value[i]
                if not at < max(item.end_mark.index, item.start_mark.index + 1):
                    break
                path, node = path + (i,), item
            else:
                break
        return path, node

    def _starts(self, node: yaml.MappingNode | yaml.SequenceNode) -> list[int]:
        """The start offsets of a collection's children (a mapping's keys), computed once."""
        starts = self._child_starts.get(id(node))
        if starts is None:
            children = [key for key, _ in node.value] if isinstance(node, yaml.MappingNode) else node.value
            starts = self._child_starts[id(node)] = [child.start_mark.index for child in children]
        return starts

    def value_span(self, path: FieldPath) -> Span:
        return self.scalar_span(self.locate(path)[1])

    def key_span(self, path: FieldPath) -> Span:
        key, value = self.locate(path)
        return self.node_span(key if key is not None else value)

    def value_style(self, path: FieldPath) -> str | None:
        """The quoting style of the scalar at `path`: None (plain), '"', "'", '|' or '>'."""
        node = self.locate(path)[1]
        return (node.style or None) if isinstance(node, yaml.ScalarNode) else None  # libyaml gives '' for plain

    def in_flow(self, path: FieldPath) -> bool:
        """Whether the value at `path` sits in a flow collection (`[...]`, `{...}`), where a plain scalar
        ends at `,`, `[`, `]`, `{` or `}`. Told by where it is, not by its parent: a value merged in (`<<`)
        sits in the mapping it was written in."""
        if self.root is None:
            return False
        if self._flow_spans is None:
            self._flow_spans = yamltree.flow_spans(self.root)
        at = self.locate(path)[1].start_mark.index
        return any(start < at < end for start, end in self._flow_spans)

    def value_offset(self, path: FieldPath, index: int) -> int:
        """Offset in the text of character `index` of the string value at `path` (`len(value)` gives the
        end of the value), through escapes and line folding; the value's start when it cannot be mapped."""
        return self.value_offsets(path)(index)

    def value_range_span(self, path: FieldPath, start: int, end: int) -> Span:
        """The span of value characters [start, end) of the string at `path`, in the text."""
        offset = self.value_offsets(path)  # (the value's source replayed once for both ends)
        first = offset(start)
        return self.span(first, max(first, offset(end)))

    def value_offsets(self, path: FieldPath) -> Callable[[int], int]:
        """`value_offset` of the value at `path`, its source replayed once for all the indexes asked."""
        span = self.value_span(path)
        node = self.locate(path)[1]
        offsets = None
        if isinstance(node, yaml.ScalarNode):
            assert self.text is not None  # (a document with a parsed front matter has its text)
            offsets = scalars.source_offsets(self.text[span.start : span.end], node.style, node.value)

        def offset(index: int) -> int:
            if offsets is None or not 0 <= index < len(offsets):
                return span.start
            return span.start + offsets[index]

        return offset


def load_document(path: Path, display_path: str | None = None) -> Document:
    """Read and load one file; I/O errors become a problem of the document, never an exception."""
    display = display_path if display_path is not None else str(path)
    try:
        raw = read_bounded(path)
    except FileTooLarge as error:
        return _unloaded(path, display, Problem("file-too-large", _start_span(), str(error)))
    except OSError as error:
        reason = error.strerror or str(error)
        return _unloaded(path, display, Problem("unreadable-file", _start_span(), f"cannot read file: {reason}"))
    return parse_document(raw, path, display)


def unreadable_document(path: Path, display_path: str, reason: str) -> Document:
    """A document that is not read (a link leading out of the project): SL001 with `reason`."""
    return _unloaded(path, display_path, Problem("unreadable-file", _start_span(), reason))


class FileTooLarge(Exception):
    pass


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (raises FileTooLarge or OSError).

    Never reads more than limit + 1 bytes, whatever the size the file claims, and never blocks: the file
    is opened non-blocking (a FIFO named like a document would otherwise wait for a writer forever) and
    anything but a regular file (a directory, a FIFO, a device like /dev/zero) is refused.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = (
                "a directory"
                if stat.S_ISDIR(info.st_mode)
                else "a FIFO"
                if stat.S_ISFIFO(info.st_mode)
                else "a device or socket"
            )
            raise OSError(errno.EINVAL, f"not a regular file ({kind})")
        if info.st_size > limit:
            raise FileTooLarge(f"file is {info.st_size:,} bytes; documents over {limit:,} bytes are not parsed")
        # Read to the end: first the size fstat gave (and a byte more), then on in case the file grew.
        # (A buffered read of `limit` bytes allocates `limit` bytes for every file: 4x slower.)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            wanted = info.st_size - size + 1 if not chunks else 65_536
            chunk = os.read(descriptor, min(wanted, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(descriptor)
    if size > limit:  # it grew after fstat
        raise FileTooLarge(f"file is over {limit:,} bytes; documents over {limit:,} bytes are not parsed")
    return b"".join(chunks)


def _unloaded(path: Path, display: str, problem: Problem) -> Document:
    doc = Document(path, display, b"")
    doc.problems.append(problem)
    return doc


def load_content(raw: bytes, path: Path, display_path: str) -> Document:
    """A document from bytes in memory (an editor's unsaved text), bounded as a file on disk is."""
    if len(raw) > MAX_FILE_BYTES:
        message = f"file is {len(raw):,} bytes; documents over {MAX_FILE_BYTES:,} bytes are not parsed"
        return _unloaded(path, display_path, Problem("file-too-large", _start_span(), message))
    return parse_document(raw, path, display_path)


def parse_document(raw: bytes, path: Path, display_path: str) -> Document:
    doc = Document(path, display_path, raw)
    text = _decode(doc)
    if text is None:
        return doc
    doc.text = text
    start = 0
    if text.startswith(BOM):
        doc.problems.append(
            Problem(
                "byte-order-mark",
                doc.span(0, 1),
                "file starts with a UTF-8 byte-order mark (U+FEFF)",
                Fix.replace(0, 1, "", description="remove the byte-order mark"),
            )
        )
        start = 1
    overlong = _OVERLONG_LINE.search(text) if len(text) > MAX_LINE_CHARS else None
    if overlong is not None:
        end = text.find("\n", overlong.start())
        end = len(text) if end == -1 else end
        line = doc.position(overlong.start())[0]
        message = (
            f"line {line} is {end - overlong.start():,} characters long; "
            f"lines over {MAX_LINE_CHARS:,} characters are not article text (pasted data?)"
        )
        doc.problems.append(Problem("line-too-long", doc.span(overlong.start(), end), message))
    if not _split_front_matter(doc, text, start):
        return doc
    _parse_yaml(doc)
    return doc


def _start_span() -> Span:
    return Span(1, 1, 1, 1, 0, 0)


def _decode(doc: Document) -> str | None:
    raw = doc.raw
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        doc.problems.append(
            Problem(
                "invalid-utf8",
                _start_span(),
                "file is UTF-16 (it starts with a UTF-16 byte-order mark); documents must be UTF-8",
            )
        )
        return None
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        # (in characters, as every column: the bytes before it on its line, decoded as far as they go)
        column = len(raw[raw.rfind(b"\n", 0, offset) + 1 : offset].decode("utf-8", "replace")) + 1
        doc.problems.append(
            Problem(
                "binary-file",
                Span(line, column, line, column, 0, 0),
                "file contains NUL bytes: binary data, not a text document",
            )
        )
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8", errors="replace")) + 1
        bad = raw[error.start : error.end].hex(" ")
        doc.problems.append(
            Problem(
                "invalid-utf8",
                Span(line, column, line, column, 0, 0),
                f"invalid UTF-8 byte(s) {bad} ({error.reason}); documents must be UTF-8",
            )
        )
        return None


def _line_content(line: str) -> str:
    """A delimiter line without its line break and trailing blanks."""
    return line.rstrip("\r\n").rstrip(" \t")


def _split_front_matter(doc: Document, text: str, start: int) -> bool:
    first_end = text.find("\n", start)
    first_line = text[start : len(text) if first_end == -1 else first_end + 1]
    if _line_content(first_line) != OPENING:
        shown = _line_content(first_line)[:40]
        found = f"found {shown!r}" if shown else "the first line is empty" if text.strip() else "the file is empty"
        if text.startswith(OPENING + "\r", start) and not text.startswith(OPENING + "\r\n", start):
            found += "; its lines end in a lone carriage return (classic Mac OS): end them in \\n or \\r\\n"
        doc.problems.append(
            Problem("missing-front-matter", doc.span(start), f"no front matter: line 1 must be `---` ({found})")
        )
        return False
    doc.yaml_start = start + len(first_line)
    closing = CLOSING_LINE.search(text, doc.yaml_start)
    if closing is not None:
        line_end = text.find("\n", closing.end())
        doc.yaml_end, doc.body_start = closing.start(), len(text) if line_end == -1 else line_end + 1
        return True
    rest = text[doc.yaml_start :]
    lines = rest.count("\n") + (not rest.endswith("\n") and rest != "")
    doc.problems.append(
        Problem(
            "unclosed-front-matter",
            doc.span(start, start + 3),
            f"front matter opened on line 1 is never closed: no `---` or `...` line in the {lines:,} lines that follow",
        )
    )
    return False


def _parse_yaml(doc: Document) -> None:
    source = doc.front_matter
    try:
        root = yamltree.compose(source)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        tab = _indentation_tab(source, mark)
        if tab is not None:
            start = doc.yaml_start + tab
            message = "tab character in YAML indentation: indent with spaces"
            blanks = _blank_line_at(doc.text or "", start)
            fix = None
            if blanks is not None:  # a line of nothing but blanks: removing them is the whole repair
                message = "tab character on a line of only blanks: YAML reads it as indentation"
                # ... unless the line is a block scalar's (YAML 1.2 reads its tab as text: `>` then ` <tab>`)
                in_block = _maybe_in_block_scalar(source, tab)
                how = (
                    " (it may be a line of the `|` or `>` value above, whose text it then changes)" if in_block else ""
                )
                fix = Fix.replace(
                    *blanks, "", safe=not in_block, description=f"remove the blanks of the empty line{how}"
                )
            doc.problems.append(Problem("tab-indentation", doc.span(start), message, fix))
        else:
            # A problem found at the end of the text (a quote or bracket never closed) is shown where its
            # context began: the end is only the closing `---`, never what is to be fixed.
            where = error.context_mark if _ends_unclosed(error, len(source)) else mark
            doc.problems.append(Problem("yaml-syntax-error", _mark_span(doc, where), _yaml_error_message(doc, error)))
        return
    except yaml.reader.ReaderError as error:  # a character YAML does not accept (e.g. a raw control character)
        # (libyaml counts its position in the UTF-8 bytes it reads: after an `é`, one character further on, or on
        # the next line)
        position = error.position
        if yamltree.READER_COUNTS_BYTES:
            position = len(source.encode("utf-8")[:position].decode("utf-8", "ignore"))
        span = doc.span(doc.yaml_start + position)
        char = error.character if isinstance(error.character, str) else chr(error.character)
        doc.problems.append(Problem("yaml-syntax-error", span, f"character U+{ord(char):04X} is not allowed in YAML"))
        return
    except yamltree.TooComplex as error:
        doc.problems.append(Problem("yaml-too-complex", doc.node_span(error.node), str(error)))
        return
    except (yaml.YAMLError, RecursionError, MemoryError) as error:
        doc.problems.append(
            Problem("yaml-too-complex", doc.span(doc.yaml_start), f"the YAML cannot be parsed: {type(error).__name__}")
        )
        return
    if root is None:
        doc.problems.append(
            Problem(
                "front-matter-not-mapping",
                doc.span(doc.yaml_start),
                "front matter is empty: it must be a mapping of fields",
            )
        )
        return
    if not isinstance(root, yaml.MappingNode):
        doc.problems.append(
            Problem(
                "front-matter-not-mapping",
                doc.node_span(root),
                f"front matter must be a mapping of fields, found a {_node_kind(root)}",
            )
        )
        return
    doc.root = root

    def report(problem: yamltree.TreeProblem) -> None:
        message = problem.message
        if problem.other is not None:
            message += f" (first defined on line {doc.node_span(problem.other).line}); YAML keeps only the last value"
        doc.problems.append(Problem(problem.kind, doc.node_span(problem.node), message))

    try:
        doc.data = yamltree.to_data(root, report)
    except yamltree.TooComplex as error:
        doc.root = None
        doc.problems.append(Problem("yaml-too-complex", doc.node_span(error.node), str(error)))


def _mark_span(doc: Document, mark: yaml.Mark | None) -> Span:
    if mark is None:
        return doc.span(doc.yaml_start)
    return doc.span(doc.yaml_start + mark.index)


def after_properties(text: str, start: int, end: int) -> int:
    """Where the scalar written at `start` begins after its anchor and tag (`&a !!str "x"`), the blanks, line
    breaks and comments after them: libyaml's marks start a node at its properties. (A scalar itself never
    starts with `&` or `!`: quoted, it starts with its quote; plain, those are indicators.)"""
    at = start
    while at < end and text[at] in "&!":
        while at < end and text[at] not in " \t\r\n":
            at += 1
        while at < end and text[at] in " \t\r\n#":
            if text[at] == "#":
                while at < end and text[at] not in "\r\n":
                    at += 1
            else:
                at += 1
    return at


def _blank_line_at(text: str, offset: int) -> tuple[int, int] | None:
    """The offsets of the blanks of the line around `offset`, when that line holds nothing else."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if text[end - 1 : end] == "\r":
        end -= 1
    return (start, end) if text[start:end].strip(" \t") == "" else None


_BLOCK_HEADER = re.compile(r"(?:^|[ \t:-])[|>][0-9+-]*[ \t]*(?:#.*)?$")  # `key: |`, `- >-`, `key: |2 # note`


def _maybe_in_block_scalar(source: str, offset: int) -> bool:
    """Whether the blank line at `offset` may be a line of a block scalar begun above it: a line above ends in
    a block scalar header, and every line in between with text is indented deeper than that line (any such
    line would have ended the scalar). Conservative: a plain value ending in ` |` counts as a header."""
    deepest_between = None  # the least indentation of the lines with text between the header and `offset`
    for line in reversed(source[: source.rfind("\n", 0, offset) + 1].split("\n")):
        text = line.rstrip("\r")
        if not text.strip(" \t"):
            continue
        indentation = len(text) - len(text.lstrip(" "))
        if _BLOCK_HEADER.search(text) and (deepest_between is None or indentation < deepest_between):
            return True
        deepest_between = indentation if deepest_between is None else min(deepest_between, indentation)
        if deepest_between == 0:
            return False
    return False


def _indentation_tab(source: str, mark: yaml.Mark | None) -> int | None:
    """The offset of a tab in the indentation of the line where the parser stopped, if there is one
    (libyaml words this error in several ways, e.g. "found character that cannot start any token")."""
    if mark is None:
        return None
    line_start = source.rfind("\n", 0, mark.index) + 1
    line_end = source.find("\n", line_start)
    line = source[line_start : len(source) if line_end == -1 else line_end]
    indentation = line[: len(line) - len(line.lstrip(" \t"))]
    return line_start + indentation.index("\t") if "\t" in indentation else None


def _ends_unclosed(error: yaml.MarkedYAMLError, length: int) -> bool:
    """Whether the YAML of `length` characters ended before what began at the error's context (a quote, a
    bracket) was closed: the problem is at the end, its context before it."""
    problem, context = error.problem_mark, error.context_mark
    return problem is not None and context is not None and problem.index >= length > context.index


def _yaml_error_message(doc: Document, error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "invalid YAML"
    message = f"YAML syntax error: {problem}"
    # Lines from the marks' offsets: libyaml also counts U+0085, U+2028 and U+2029 as line breaks.
    context_line = _mark_span(doc, error.context_mark).line if error.context_mark is not None else None
    problem_line = _mark_span(doc, error.problem_mark).line if error.problem_mark is not None else None
    if error.context and _ends_unclosed(error, len(doc.front_matter)):
        message += f" ({error.context} here: the front matter ends on line {problem_line} before it is closed)"
    elif error.context and context_line is not None and problem_line is not None and context_line != problem_line:
        message += f" ({error.context} on line {context_line})"
    elif error.context:
        message += f" ({error.context})"
    return message


def _node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "scalar value"
