"""SL4 — text encoding: every string of the front matter is clean Unicode text.

Checked: mojibake (detected and repaired with ftfy), HTML entities left in plain text, control
characters, U+FFFD replacement characters, invisible (zero-width) characters, bidirectional controls,
and text not in Unicode normalization form C. Correct non-ASCII text (’ — é ü, any script) is never
reported: each check looks for one kind of damage, not for "unusual" characters.

Strings that are pure ASCII without `&` or control characters — nearly all of them — are skipped at the
cost of one `str.isascii()`; ftfy's detector only sees non-ASCII strings.
"""

from __future__ import annotations

import functools
import html
import html.entities
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from seedlint import invisible, prefilter
from seedlint.edits import replace_value
from seedlint.memo import ENTRY_ANSWERS, Memo, digest
from seedlint.registry import define
from seedlint.rules.schema import field_name

if TYPE_CHECKING:
    import ftfy
    from ftfy import ExplanationStep

    from seedlint.config import Config
    from seedlint.diagnostic import Diagnostic, Fix
    from seedlint.document import Document
    from seedlint.yamltree import JSON, FieldPath

MOJIBAKE = define(
    "SL401",
    "mojibake",
    "error",
    "Text damaged by decoding it with the wrong encoding (`Sheriffâ€™s`).",
    what="Strings that ftfy's detector (`ftfy.badness.is_bad`) finds suspicious and that ftfy can repair by "
    "undoing a wrong decoding. The message shows the damaged text, what it should read, and ftfy's "
    "explanation (for example: encode as sloppy-windows-1252, decode as utf-8). Suspicious text that ftfy "
    "cannot repair is not reported.",
    why="Mojibake is what readers see: `Sheriffâ€™s Office` instead of `Sheriff’s Office`. It spreads, because "
    "related entries copy titles and excerpts.",
    example='excerpt: "The Benton County Sheriffâ€™s Office wants to ..."',
    fix="sometimes: the string is replaced with ftfy's repair of that string alone, with only the steps of "
    "ftfy's fix_encoding enabled (no HTML unescaping, quote uncurling, width folding, ligature or normalization "
    "changes); everything else in the file stays as it is. The fix is safe, except when the repair has to put "
    "U+FFFD where bytes were lost, guesses (a space taken for a lost no-break byte, ftfy's restore_byte_a0), leaves "
    "text ftfy still finds damaged, or the value is an address (webUrl, url...: the repaired one requests another "
    "path) or a date: then it is unsafe.",
)
HTML_ENTITY = define(
    "SL402",
    "html-entity",
    "warning",
    "An HTML entity left in plain text (`&amp;`, `&#8217;`).",
    what="Named and numeric HTML character references (`&amp;`, `&nbsp;`, `&#39;`, `&#x2019;`) in text fields. "
    "Only complete references that HTML defines are reported (`AT&T` and `R&D;` are text). URL fields "
    "(SL306 checks escaped ampersands there) and featuredContent, which holds HTML, are not checked.",
    why="Front-matter text is plain text: templates escape it, so readers see `We&#8217;re` instead of `We’re`.",
    example='excerpt: "We&#8217;re excited to announce Power Apps &amp; Teams ..."',
    fix="safe: each reference is replaced with the character it stands for, once (`&amp;amp;` becomes "
    "`&amp;`, which is reported again: double escaping is not guessed). A reference to a control character or a "
    "noncharacter (`&#1;`, `&#xFFFF;`) is left: the message says so, and with only such references there is no fix.",
)
CONTROL_CHARACTER = define(
    "SL403",
    "control-character",
    "error",
    "A C0 or C1 control character in text.",
    what="Control characters U+0000-U+001F (except tab, line feed and carriage return), U+007F and the C1 "
    "controls U+0080-U+009F, which a double-quoted scalar can hold as escapes (`\\x93`). In an address (webUrl, "
    "url...), SL304 reports them, with the address browsers make of it.",
    why="Control characters are invisible or break feeds, XML and terminals; a C1 control in text is almost "
    "always a Windows-1252 character (“ ” ’ …) decoded as Latin-1 (one ftfy repairs, `\\x93Quoted\\x94`, is "
    "SL401's).",
    example='title: "Breaking\\x01 news"',
    fix="unsafe: C1 controls become the Windows-1252 character they most likely were (ftfy's "
    "fix_c1_controls); other control characters are removed.",
)
REPLACEMENT_CHARACTER = define(
    "SL404",
    "replacement-character",
    "error",
    "U+FFFD (�): a character was lost when the text was decoded.",
    what="The Unicode replacement character U+FFFD in any string.",
    why="U+FFFD replaces bytes that could not be decoded: the original character is gone and readers see �.",
    example='title: "Caf\\ufffd opens in Croydon"',
    fix="none: the lost character cannot be recovered from the document; take it from the source article.",
)
INVISIBLE_CHARACTER = define(
    "SL405",
    "invisible-character",
    "warning",
    "A zero-width or other invisible character in text.",
    what="Zero-width space U+200B, zero-width (non-)joiner U+200C/U+200D and soft hyphen U+00AD where they "
    "join nothing (next to ASCII, a space or the end of the text); word joiner U+2060, U+FEFF inside text, "
    "invisible math operators U+2061-U+2064, Mongolian vowel separator U+180E, and Unicode tag characters "
    "outside an emoji flag sequence. Joiners inside Persian, Indic or emoji sequences, Thai word breaks and "
    "soft hyphens inside words are correct text and are not reported.",
    why="Invisible characters hide text: two titles that look equal compare different, searches miss them, "
    "and tag characters can smuggle hidden instructions into text that is fed to other programs.",
    example='title: "Power Apps\\u200b"',
    fix="sometimes: the reported characters are removed; what readers see does not change: safe, but unsafe in an "
    "address (webUrl, url...), where the characters removed are part of the path requested.",
)
BIDI_CONTROL = define(
    "SL406",
    "bidi-control",
    "error",
    "A bidirectional control character that reorders how text is shown.",
    what="Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) in text without right-to-left "
    "letters, or left unclosed in text with them; directional marks (U+200E, U+200F, U+061C) in text without "
    "right-to-left letters.",
    why="Bidirectional controls make text display in another order than it is stored (the Trojan Source "
    "attack, CVE-2021-42574): a title can read differently from what it says.",
    example='title: "Invoice \\u202etxt.exe"',
    fix="unsafe: the controls are removed, which changes how the text is displayed.",
)
NOT_NFC = define(
    "SL407",
    "not-nfc",
    "warning",
    "Text not in Unicode normalization form C.",
    what="Strings that change under NFC normalization, such as `e` followed by a combining acute accent "
    "(U+0301) instead of the single character `é` (U+00E9).",
    why="The two forms look the same but compare, sort and search differently: duplicates and related "
    "entries are missed, and some fonts render the combining form badly.",
    example='title: "Cafe\\u0301 opens"',
    fix="sometimes: the string is normalized to NFC, which is canonically equivalent: the same text: safe, but unsafe "
    "in an address (webUrl, url...), where the composed characters are percent-encoded otherwise, another path "
    "requested.",
)

URL_KEYS = {"webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl", "url"}
HTML_KEYS = {"featuredContent"}  # fields that hold HTML, where entities are correct


@functools.cache
def loaded_ftfy() -> tuple[ModuleType, ftfy.TextFixerConfig]:
    """ftfy, and its configuration for repairs, imported when first needed (a run answered from its cache checks
    no text: importing ftfy was a sixth of every command's start); the workers import it ahead (preload).

    The configuration: ftfy limited to the steps of its fix_encoding, undoing wrong decodings, including C1
    controls that stand for Windows-1252 characters and lossy sequences (see PITFALLS.md: fix_text's defaults
    also change correct text)."""
    import ftfy.badness
    import ftfy.fixes

    return ftfy, ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )


ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
OPENERS, CLOSERS = (
    {
        "\u202a": "\u202c",
        "\u202b": "\u202c",
        "\u202d": "\u202c",
        "\u202e": "\u202c",
        "\u2066": "\u2069",
        "\u2067": "\u2069",
        "\u2068": "\u2069",
    },
    "\u202c\u2069",
)


def check(doc: Document, config: Config) -> Iterator[Diagnostic]:
    entry_keys = doc.entry_keys()
    assert doc.data is not None  # (the document checks run on documents whose front matter parsed)
    for name, value in doc.data.items():
        if name != "related" or not isinstance(value, list):
            yield from _check_strings(doc, (name,), value)
            continue
        # A related entry copies an article, and the same copy recurs across the corpus: an entry
        # found clean once is clean wherever it appears (the checks read its texts and field names).
        for index, entry in enumerate(value):
            yield from _CLEAN_ENTRIES.findings(entry_keys[index], _check_strings, doc, ("related", index), entry)


def _check_strings(doc: Document, base: FieldPath, value: JSON) -> Iterator[Diagnostic]:
    found = ((base, value),) if type(value) is str else strings(value, base)  # (most fields: one text, no walk)
    for path, text in found:
        if _plain_ascii(text):
            continue
        # The same titles and excerpts also recur in different entries: a text found clean under a
        # field name is clean wherever it appears.
        yield from _CLEAN_TEXTS.findings(digest((_field_key(path), text)), check_string, doc, path, text)


def _plain_ascii(text: str) -> bool:
    """Printable ASCII without `&`: nothing for these checks to find (no controls, no entity, no mojibake)."""
    return text.isascii() and "&" not in text and (text.isprintable() or not CONTROL.search(text))


_CLEAN_ENTRIES, _CLEAN_TEXTS = Memo(shared=ENTRY_ANSWERS), Memo()


def _field_key(path: FieldPath) -> str:
    return next((step for step in reversed(path) if isinstance(step, str)), "")


def strings(value: JSON, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """(path, value) of every string in `value` (found at `path`), in document order."""
    todo = [(path, value)]
    while todo:
        path, value = todo.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            todo.extend([(path + (key,), item) for key, item in reversed(value.items())])
        elif isinstance(value, list):
            todo.extend([(path + (index,), value[index]) for index in range(len(value) - 1, -1, -1)])


def check_string(doc: Document, path: FieldPath, text: str) -> Iterator[Diagnostic]:
    where = field_name(path)
    key = _field_key(path)
    repaired = None  # the characters ftfy's repair replaces: other checks leave them to SL401
    if not text.isascii():
        found = _mojibake(doc, path, where, text)
        if found is not None:
            diagnostic, repaired = found
            yield diagnostic
    if "&" in text and key not in URL_KEYS and key not in HTML_KEYS:
        yield from _entities(doc, path, where, text)
    yield from _controls(doc, path, where, text, repaired)
    if text.isascii():
        return
    yield from _replacement(doc, path, where, text, repaired)
    yield from _invisible(doc, path, where, text)
    yield from _bidi(doc, path, where, text)
    yield from _nfc(doc, path, where, text)


# Mojibake ---------------------------------------------------------------------------------------


def _mojibake(doc: Document, path: FieldPath, where: str, text: str) -> tuple[Diagnostic, range] | None:
    repair = _repair(text)
    if repair is None:
        return None
    fixed, explanation, removed_bom = repair
    start, end, fixed_end = _changed(text, fixed)
    bad, good = _word_around(text, start, end), _word_around(fixed, start, fixed_end)
    if removed_bom and not good:
        message = f"{where} has mojibake: `{bad}` is a byte-order mark (U+FEFF) read as text and should be removed"
    else:
        message = f"{where} has mojibake: `{bad}` should read `{good}`"
    lossy = fixed.count("\ufffd") > text.count("\ufffd")
    if lossy:
        message += " (U+FFFD marks bytes that were lost and cannot be recovered)"
    # A repair that guessed: a space taken for a lost no-break byte (ftfy's restore_byte_a0: `â€ now`, a closing
    # quote whose last byte was lost, became `† now`), or one that leaves text ftfy still finds damaged.
    guessed = "restore_byte_a0" in explanation or _is_bad(fixed)
    if guessed and not lossy:
        message += " (a guess: check it before applying it)"
    message += f"; {explanation}"
    # In an address, the repair changes what is requested (`cafÃ©` and `café` are two paths); a date is no text.
    address = _is_address(path)
    description = "repair the encoding with ftfy" + (" (the address requested changes)" if address else "")
    safe = not lossy and not guessed and not address and not _is_date(path)
    fix = replace_value(doc, path, fixed, safe=safe, description=description)
    return MOJIBAKE.at_span(doc, doc.value_range_span(path, start, end), message, fix), range(start, end)


@functools.lru_cache(maxsize=4096)  # related entries copy the same titles and excerpts across a corpus
def _repair(text: str) -> tuple[str, str, bool] | None:
    """(repaired text, explanation, whether a byte-order mark was dropped) for mojibake, else None."""
    ftfy, repair = loaded_ftfy()
    if not _is_bad(text):
        return None
    result = ftfy.fix_and_explain(text, repair)
    fixed = result.text
    removed_bom = "\ufeff" in fixed and "\ufeff" not in text
    if removed_bom:  # ï»¿ is a byte-order mark read as Latin-1: the repair is no mark at all
        fixed = fixed.replace("\ufeff", "")
    if fixed == text:
        return None  # suspicious but not repairable: ftfy's own negative cases look like this
    return fixed, _explain(result.explanation), removed_bom


def _is_bad(text: str) -> bool:
    """ftfy's detector (`ftfy.badness.is_bad`), asked only of a text that holds a character its expression cannot
    match without (seedlint/prefilter.py): most texts beyond ASCII are answered at once."""
    return mojibake_screen()(text) and bool(loaded_ftfy()[0].badness.is_bad(text))


@functools.cache
def mojibake_screen() -> Callable[[str], bool]:
    """False for a text ftfy's detector cannot find mojibake in, read once from its expression (see `_is_bad`)."""
    return prefilter.screen(loaded_ftfy()[0].badness.BADNESS_RE)


def _is_address(path: FieldPath) -> bool:
    """Whether the value at `path` is an address: a fix of its characters requests another path (`%E2%80%8B`)."""
    return bool(path) and path[-1] in URL_KEYS


def _is_date(path: FieldPath) -> bool:
    return bool(path) and isinstance(path[-1], str) and path[-1].endswith("DateTime")


def _explain(plan: list[ExplanationStep] | None) -> str:
    steps = [(action, argument) for action, argument in plan or ()]
    encodings = [argument for action, argument in steps if action == "encode"]
    described = ", then ".join(
        f"{action} as {argument}" if action in ("encode", "decode") else f"{action} {argument}"
        for action, argument in steps
    )
    if len(encodings) == 1 and steps[-1] == ("decode", "utf-8"):
        return f"UTF-8 text was decoded as {encodings[0]} (ftfy's repair: {described})"
    return f"ftfy's repair: {described}"


def _changed(old: str, new: str) -> tuple[int, int, int]:
    """Where two strings differ: start, end in `old`, end in `new`."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return start, end_old, end_new


def _word_around(text: str, start: int, end: int, limit: int = 60) -> str:
    """The changed characters with the rest of their words, for a readable message."""
    while start > 0 and not text[start - 1].isspace() and end - start < limit:
        start -= 1
    while end < len(text) and not text[end].isspace() and end - start < limit:
        end += 1
    return text[start:end]


# Entities ---------------------------------------------------------------------------------------


def _entity_text(reference: str) -> str | None:
    """The character an HTML reference stands for, or None when HTML does not define it. (A number naming a
    control character or a noncharacter, `&#1;`, stands for it: Python's html.unescape gives "" there.)"""
    if reference[1] == "#":
        digits = reference[2:-1]
        code = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return html.unescape(reference) or chr(code)
    return html.entities.html5.get(reference[1:])


def _writable(char: str) -> bool:
    """Whether the fix may write the character an entity stands for: not a control character (SL403's), nor a
    noncharacter (U+FFFF), which text must not hold either."""
    return not CONTROL.search(char) and not (len(char) == 1 and unicodedata.category(char) == "Cn")


def _entities(doc: Document, path: FieldPath, where: str, text: str) -> Iterator[Diagnostic]:
    references = [(m, _entity_text(m.group())) for m in ENTITY.finditer(text)]
    found = [(m, char) for m, char in references if char is not None]
    if not found:
        return
    written = {m.group(): char for m, char in found if _writable(char)}
    fixed = ENTITY.sub(lambda m: written.get(m.group(), m.group()), text)
    distinct = Counter(f"`{m.group()}` ({_show(char)})" for m, char in found)  # (in the order first met)
    shown = ", ".join(entity + _times(n) for entity, n in list(distinct.items())[:4])
    shown += ", ..." if len(distinct) > 4 else ""
    count = f"{len(found)} HTML entities" if len(found) > 1 else "an HTML entity"
    first = found[0][0]
    unwritable = list(dict.fromkeys(m.group() for m, char in found if m.group() not in written))
    advice = ["write the characters themselves"] if written else []
    if unwritable:  # (no character to write: the fix leaves them, and says so)
        names = ", ".join(f"`{reference}`" for reference in unwritable[:4]) + (", ..." if len(unwritable) > 4 else "")
        one = len(unwritable) == 1
        advice.append(
            f"{names} name{'s' if one else ''} no character text may hold: remove {'it' if one else 'them'} "
            "or write what was meant"
        )
    yield HTML_ENTITY.at_span(
        doc,
        doc.value_range_span(path, first.start(), first.end()),
        f"{where} contains {count} left in plain text: {shown}; {'; '.join(advice)}",
        replace_value(doc, path, fixed, description="replace the HTML entities with their characters")
        if fixed != text
        else None,
    )


def _times(count: int) -> str:
    """How often an entity occurs, after it (a count of 3 entities beside 2 named must add up)."""
    return "" if count == 1 else " twice" if count == 2 else f" {count} times"


# Unicode gives the C0 and C1 controls no name, only these aliases (NameAliases.txt) for the ones an entity names.
_CONTROL_NAMES = {"\t": "CHARACTER TABULATION", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}


def _show(char: str) -> str:
    if len(char) == 1 and (char.isspace() or not char.isprintable()):
        name = unicodedata.name(char, None) or _CONTROL_NAMES.get(char) or _UNNAMED.get(unicodedata.category(char))
        return f"U+{ord(char):04X} {name or 'character'}"
    return char


_UNNAMED = {"Cc": "control character", "Cn": "noncharacter", "Co": "private-use character"}


# Characters -------------------------------------------------------------------------------------


def _controls(doc: Document, path: FieldPath, where: str, text: str, repaired: range | None) -> Iterator[Diagnostic]:
    if _is_address(path):  # (SL304's: both reported one character, at one place)
        return
    found = [m.start() for m in CONTROL.finditer(text) if repaired is None or m.start() not in repaired]
    if not found:
        return
    chars = dict.fromkeys(text[i] for i in found)
    ftfy, _ = loaded_ftfy()
    fixed = ftfy.fixes.fix_c1_controls(text)
    fixed = CONTROL.sub("", fixed)
    c1 = [c for c in chars if ord(c) >= 0x80]
    hint = ""
    if c1:
        decoded = ftfy.fixes.fix_c1_controls(c1[0])
        if decoded != c1[0]:
            hint = f"; U+{ord(c1[0]):04X} is most likely the Windows-1252 character {decoded} read as Latin-1"
    yield CONTROL_CHARACTER.at_span(
        doc,
        doc.value_range_span(path, found[0], found[0] + 1),
        f"{where} contains control character{'s' if len(chars) > 1 else ''} {_code_points(chars)} at character "
        f"{found[0] + 1}{hint}",
        replace_value(doc, path, fixed, safe=False, description="replace or remove the control characters"),
    )


def _replacement(doc: Document, path: FieldPath, where: str, text: str, repaired: range | None) -> Iterator[Diagnostic]:
    found = [i for i, char in enumerate(text) if char == "\ufffd" and (repaired is None or i not in repaired)]
    if found:
        count = f"{len(found)} replacement characters" if len(found) > 1 else "the replacement character"
        yield REPLACEMENT_CHARACTER.at_span(
            doc,
            doc.value_range_span(path, found[0], found[0] + 1),
            f"{where} contains {count} U+FFFD (�) from character {found[0] + 1} "
            f"(`{_word_around(text, found[0], found[0] + 1)}`): the original character was lost in decoding; "
            "restore it from the source",
        )


def _invisible(doc: Document, path: FieldPath, where: str, text: str) -> Iterator[Diagnostic]:
    found = invisible.hiding(text)
    if not found:
        return
    fixed = _without(text, found)
    yield INVISIBLE_CHARACTER.at_span(
        doc,
        doc.value_range_span(path, found[0], found[0] + 1),
        f"{where} contains invisible character{'s' if len(found) > 1 else ''} "
        f"{_code_points(dict.fromkeys(text[i] for i in found), names=True)} at character {found[0] + 1}"
        f"{' (and ' + str(len(found) - 1) + ' more)' if len(found) > 1 else ''}: readers cannot see "
        f"{'them' if len(found) > 1 else 'it'}, but searches and comparisons do",
        _unless_address(doc, path, fixed, "remove the invisible characters"),
    )


def _unless_address(doc: Document, path: FieldPath, fixed: str, description: str) -> Fix:
    """A fix that changes no visible text: safe, but in an address, where the characters removed or composed are
    part of what is requested (`uk%E2%80%8B-1` and `uk-1` are two paths)."""
    if _is_address(path):
        return replace_value(doc, path, fixed, safe=False, description=f"{description} (the address requested changes)")
    return replace_value(doc, path, fixed, description=description)


def _bidi(doc: Document, path: FieldPath, where: str, text: str) -> Iterator[Diagnostic]:
    positions = [m.start() for m in BIDI.finditer(text)]
    if not positions:
        return
    has_rtl = any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)
    if has_rtl:
        found = _unclosed(text, positions)
        reason = "left open (no closing PDF U+202C or PDI U+2069)"
    else:
        found = positions
        reason = "in text without right-to-left letters, where they only hide or reorder text"
    if not found:
        return
    fixed = _without(text, found)
    yield BIDI_CONTROL.at_span(
        doc,
        doc.value_range_span(path, found[0], found[0] + 1),
        f"{where} contains bidirectional control{'s' if len(found) > 1 else ''} "
        f"{_code_points(dict.fromkeys(text[i] for i in found), names=True)} at character {found[0] + 1}, {reason}",
        replace_value(doc, path, fixed, safe=False, description="remove the bidirectional controls"),
    )


def _unclosed(text: str, positions: list[int]) -> list[int]:
    """Embeddings, overrides and isolates that are never closed."""
    stack: list[int] = []
    for index in positions:
        char = text[index]
        if char in OPENERS:
            stack.append(index)
        elif char in CLOSERS and stack and OPENERS[text[stack[-1]]] == char:
            stack.pop()
    return stack


def _nfc(doc: Document, path: FieldPath, where: str, text: str) -> Iterator[Diagnostic]:
    if unicodedata.is_normalized("NFC", text):
        return
    fixed = unicodedata.normalize("NFC", text)
    start, end, fixed_end = _changed(text, fixed)
    yield NOT_NFC.at_span(
        doc,
        doc.value_range_span(path, start, end),
        f"{where} is not in Unicode NFC: `{text[start:end]}` ({_code_points(text[start:end])}) should be "
        f"`{fixed[start:fixed_end]}` ({_code_points(fixed[start:fixed_end])})",
        _unless_address(doc, path, fixed, "normalize to NFC"),
    )


def _without(text: str, positions: list[int]) -> str:
    dropped = set(positions)
    return "".join(char for i, char in enumerate(text) if i not in dropped)


def _code_points(chars: Iterable[str], *, names: bool = False) -> str:
    if names:
        return ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip() for char in chars)
    return " ".join(f"U+{ord(char):04X}" for char in chars)
