"""Positions between seedlint and the editor.

seedlint counts 1-based lines split at `\\n` and 1-based columns in characters (code points), and its fixes are
character offsets into the text. LSP counts 0-based lines split at `\\n`, `\\r\\n` and `\\r`, and columns in the
code units of the negotiated position encoding: UTF-16 unless the client offers UTF-8 or UTF-32. Going through
character offsets keeps both line models exact (a lone `\\r` is a line break to the editor, not to seedlint).
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types

_LSP_BREAK = re.compile(r"\r\n|\r|\n")
UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str) -> int:
    """The length of `text` in code units of `encoding`."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class PositionMap:
    """Offsets into one text ↔ positions, for one position encoding."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.encoding = encoding
        self._seedlint_starts: list[int] | None = None
        self._lsp_lines: list[tuple[int, int]] | None = None  # (start, end of content) of each LSP line
        self._lsp_starts: list[int] = []

    @property
    def seedlint_starts(self) -> list[int]:
        if self._seedlint_starts is None:
            starts = [0]
            at = self.text.find("\n")
            while at != -1:
                starts.append(at + 1)
                at = self.text.find("\n", at + 1)
            self._seedlint_starts = starts
        return self._seedlint_starts

    @property
    def lsp_lines(self) -> list[tuple[int, int]]:
        if self._lsp_lines is None:
            lines, start = [], 0
            for match in _LSP_BREAK.finditer(self.text):
                lines.append((start, match.start()))
                start = match.end()
            lines.append((start, len(self.text)))
            self._lsp_lines = lines
            self._lsp_starts = [start for start, _ in lines]
        return self._lsp_lines

    def offset_of(self, line: int, column: int) -> int:
        """The character offset of seedlint's 1-based (line, column)."""
        starts = self.seedlint_starts
        if line < 1:
            return 0
        if line > len(starts):
            return len(self.text)
        return min(starts[line - 1] + max(column, 1) - 1, len(self.text))

    def position(self, offset: int) -> types.Position:
        """The LSP position of a character offset (an offset inside a line break is the end of its line)."""
        offset = max(0, min(offset, len(self.text)))
        lines = self.lsp_lines
        line = bisect.bisect_right(self._lsp_starts, offset) - 1
        start, end = lines[line]
        return types.Position(line=line, character=units(self.text[start : min(offset, end)], self.encoding))

    def offset(self, position: types.Position) -> int:
        """The character offset of an LSP position (past the end of a line: the end of that line)."""
        lines = self.lsp_lines
        if position.line >= len(lines):
            return len(self.text)
        start, end = lines[position.line]
        content = self.text[start:end]
        if self.encoding == UTF32 or content.isascii():
            return start + min(position.character, len(content))
        counted = 0
        for index, char in enumerate(content):
            if counted >= position.character:
                return start + index
            counted += units(char, self.encoding)
        return end

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def line_start(self, line: int) -> int:
        """The offset where seedlint's 1-based `line` starts."""
        return self.offset_of(line, 1)
