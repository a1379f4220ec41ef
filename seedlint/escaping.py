"""Text on its way to a terminal or a CI log, made inert: one policy, spelled in each output's syntax.

Document text and file names reach every output (messages quote titles, keys and addresses; paths name
files). Written as they are, they could:

- drive the terminal: C0 and C1 controls start escape sequences (ESC, CSI, OSC 8 links, window titles),
  a carriage return overwrites the line shown, bidirectional controls reorder it;
- split a line: LF, CR, NEL and the Unicode line and paragraph separators make the rest of a diagnostic a
  new line that the attacker wrote from its first character;
- forge GitHub Actions workflow commands: the runner acts on `##[command]` anywhere in a line of the log
  (`##[error file=…]`, `##[add-mask]`, `##[stop-commands]`) and on `::command::` at the start of a line,
  after blanks.

`inert` is the one escaping every output uses: each such character shown as an escape (`\\n`, `\\u001b`),
`##[` shown as `##\\u005b`, and a leading `::` (after blanks) as `\\u003a:`. The formats with a syntax of
their own spell the same escapes in it, so that their consumers still read the exact text: `json_inert`
(JSON string escapes), `xml_inert` (character references). GitHub's own workflow commands add their `%`
encoding on top of `inert` (seedlint/reporters/machine.py).
"""

from __future__ import annotations

import re

# C0 and C1 controls (DEL included), the Arabic letter mark, LRM and RLM, the line and paragraph
# separators, the embeddings and overrides (U+202A–U+202E) and the isolates (U+2066–U+2069).
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
_ACTIVE = "\x00-\x1f" + _BEYOND_C0
_SHORT = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}
# `##[` starts a workflow command anywhere in a line; its `[` is what is escaped.
_TEXT = re.compile(f"[{_ACTIVE}]|##\\[")
_TAB_KEPT = re.compile(f"[\x00-\x08\x0a-\x1f{_BEYOND_C0}]|##\\[")  # every control but U+0009
# The runner trims what .NET calls white space (a subset of Python's `\s`) before it looks for `::`.
_LEADING_COMMAND = re.compile(r"\s*:(?=:)")


def _escape(match: re.Match[str]) -> str:
    found = match.group()
    if found == "##[":
        return "##\\u005b"
    return _SHORT.get(found, f"\\u{ord(found):04x}")


def inert(text: str, *, keep_tabs: bool = False) -> str:
    """`text` on one line, with nothing a terminal or a CI log would act on. `keep_tabs`: tabs stay (a diff
    line keeps its indentation; a tab is harmless)."""
    # Every character `_TEXT` escapes is a control, a format character or a line or paragraph separator, none
    # of which str.isprintable() accepts: a printable text without `##[` has nothing to escape (the common
    # case, scanned in C instead of by the pattern).
    printable = text.isprintable() and "##[" not in text
    shown = text if printable else (_TAB_KEPT if keep_tabs else _TEXT).sub(_escape, text)
    leading = _LEADING_COMMAND.match(shown)
    if leading is not None:
        shown = shown[: leading.end() - 1] + "\\u003a" + shown[leading.end() :]
    return shown


# CommonMark's inline syntax: what makes an image (which an editor fetches as it shows a hover), a link, an
# autolink, raw HTML, an entity, emphasis, code or a table cell.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def markdown_inert(text: str) -> str:
    """Document text (a title, an address, a file name) shown as itself inside a line of Markdown: `inert` (on one
    line), then each character of Markdown's inline syntax backslash-escaped (CommonMark allows it of any ASCII
    punctuation). A title `![x](https://tracker.example/p.png)` was an image the editor fetched."""
    return _MARKDOWN.sub(r"\\\1", inert(text))


def markdown_code(text: str) -> str:
    """Document text as a Markdown code span, where nothing is interpreted: fenced by more backticks than any run of
    them in it, and padded with a space each side (which CommonMark strips) when it starts or ends with either."""
    text = inert(text)
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    padded = text[:1] in ("`", " ") or text[-1:] in ("`", " ")
    return f"{fence} {text} {fence}" if padded else f"{fence}{text}{fence}"


def inert_lines(text: str) -> str:
    """`text` made inert line by line, its line feeds kept (a log entry with a traceback, a hover's Markdown)."""
    return "\n".join(inert(line, keep_tabs=True) for line in text.split("\n"))


# JSON written by Python's encoder escapes C0 controls, quotes and backslashes already; what it leaves is
# spelled as JSON escapes here, which every JSON reader decodes back to the same text. Outside strings JSON
# is ASCII punctuation, digits and keywords: every match below is inside a string.
_JSON = re.compile(f"[{_BEYOND_C0}]|##\\[")


def json_inert(serialized: str) -> str:
    """Serialized JSON with the characters a terminal or a log acts on as `\\uXXXX` escapes (same data).
    No line of it can start with `::`: every line starts with JSON punctuation or a quote."""
    return _JSON.sub(lambda m: "##\\u005b" if m.group() == "##[" else f"\\u{ord(m.group()):04x}", serialized)


# In serialized XML (without its declaration) a line break or a control can only come from text or an
# attribute value: as character references they read back the same and the document stays one line.
_XML = re.compile(f"[\n\r{_BEYOND_C0}]|##\\[")


def xml_inert(serialized: str) -> str:
    """Serialized XML with line breaks, C1 controls and bidirectional controls as character references, and
    `##[` as `##&#91;` (an XML reader reads the same text)."""
    return _XML.sub(lambda m: "##&#91;" if m.group() == "##[" else f"&#{ord(m.group())};", serialized)
