"""SL5 — related references and the corpus: every `related:` entry resolves to a document of the corpus,
points outside it, or dangles; resolved copies must match their target; documents must not be duplicated.

Resolution goes through the corpus index (seedlint/corpus.py), so an entry may name any alias of a
document (webUrl, originalUrl, ampWebUrl, the AMP-cache form, another spelling of the same address).
The scope (`related-scope` in [tool.seedlint]) says which unresolved entries dangle:
  closed — every entry must name a document of the corpus (a complete corpus: azure-news);
  hosts  — only entries on a host where the corpus has documents (a sample cut from a larger corpus);
  open   — none; only near misses, missing and malformed URLs are reported.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import posixpath
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import yaml

from seedlint import invisible
from seedlint.corpus import (
    ALIAS_FIELDS,
    COPIED_FIELDS,
    PROVIDER_PARTS,
    UNKEPT_FIELDS,
    Corpus,
    Index,
    IndexRecord,
    RelatedRef,
    Resolution,
    differing_fields,
    edited_value,
    fingerprint_of,
    host_key,
    identity_key,
    provider_value,
    web_url_problem,
)
from seedlint.diagnostic import Applicability, Diagnostic, Fix
from seedlint.edits import replace_value, value_after
from seedlint.positioning import Composed, Load, SetValue
from seedlint.registry import define
from seedlint.rules.dates import NON_CANONICAL_DATE
from seedlint.weburl import canonical_url

if TYPE_CHECKING:
    from seedlint.config import Config
    from seedlint.document import Document
    from seedlint.registry import Rule
    from seedlint.results import Findings
    from seedlint.yamltree import FieldPath

MISSING_URL = define(
    "SL501",
    "related-missing-url",
    "error",
    "A related entry has no webUrl.",
    what="Every related entry must name its article by webUrl.",
    why="Without an address the entry links nowhere: readers get a dead card.",
    example='related:\n  - title: "A"\n    excerpt: "..."   # no webUrl',
)
MALFORMED_URL = define(
    "SL502",
    "related-malformed-url",
    "error",
    "A related entry's webUrl is not an http(s) address, so it resolves to nothing.",
    what="The entry's webUrl cannot name any document, and the message says why: it has no scheme, another scheme "
    "than http or https, no host, or whitespace in its host. Whitespace elsewhere is no such reason: a browser "
    "percent-encodes it (SL304 reports it) and the address resolves, dangles or nearly names a document like any "
    "other.",
    why="A malformed link dangles whatever the corpus holds.",
    example='related:\n  - webUrl: "www.example.com/a"',
)
NEAR_MISS = define(
    "SL503",
    "related-near-miss",
    "error",
    "A related entry resolves to nothing but nearly names a corpus document.",
    what="An unresolved webUrl that differs by one or two characters from an address of a corpus document on the "
    "same host (the nearest; every one of them when several are as near, the first five named in the message and "
    "the others counted), or whose copied title and provider are those of exactly one corpus document.",
    why="A typo in a link breaks it silently; the intended document is usually the one suggested.",
    example='webUrl: "https://news.example.com/a/artcle-1"   # the corpus has .../a/article-1',
    fix="sometimes: the URL is replaced by the suggested document's address (its webUrl, else originalUrl). Safe "
    "when the entry is a copy of that document (it holds a title, and every value it copies says what the document "
    "says) and the document has no error-severity finding: the link then leads to the article the entry shows. "
    "Unsafe otherwise (`/news/123` and `/news/124` are one character apart and two articles). No fix when several "
    "documents are as near: which one was meant is not guessed.",
)
DANGLING = define(
    "SL504",
    "related-dangling",
    "error",
    "A related entry names no document of the corpus (its target is missing or was deleted).",
    what='Under `related-scope = "closed"` every entry must resolve to a document; under "hosts" every entry on a '
    "host where the corpus has documents; with `--since REV`, every entry that resolved at REV.",
    why="A deleted or renamed document leaves links to it dead in every document that copied it.",
    example='related:\n  - webUrl: "https://example.com/deleted-article"',
)
STALE_COPY = define(
    "SL505",
    "related-stale-copy",
    "warning",
    "A related entry's copied fields differ from the document it names.",
    what="title, excerpt, publishedDateTime, provider and type of a resolved entry are compared with the target "
    "document, by what they say: a date-time by the instant it names (`2019-12-17T19:40:00Z` and "
    "`2019-12-17 19:40:00+00:00` are one instant; the spelling is SL205's). The target is the document with the "
    "entry's address as written (webUrl, originalUrl, ampWebUrl or cdnAmpWebUrl, byte for byte); only when none has "
    "it, the document with another spelling of it (`www.`, scheme, trailing slash, tracking parameters, "
    "percent-encoding, the AMP-cache form). When the address names several documents (captures of one article, "
    "SL508), the entry is stale only when it copies none of them, and the message names them. An entry naming its "
    "own document is SL506, not a stale copy.",
    why="Entries are copies made when the link was created; when the article changes, the card shows the old text.",
    example='related:\n  - title: "Old headline"   # the target now reads "New headline"',
    fix="sometimes: each differing value is replaced by the target's value. Safe when the address names exactly one "
    "document and that document has no error-severity finding; unsafe when it has one (it may be the wrong "
    "document); none when the address names several documents: which capture the entry describes is not guessed, "
    "from dates or file names.",
)
SELF_REFERENCE = define(
    "SL506",
    "related-self-reference",
    "warning",
    "A document lists itself as related.",
    what="A related entry whose address names the document that contains it (also when other captures share that "
    "address, SL508: the link leads to the page it is shown on).",
    why="A card linking to the page the reader is on is useless and usually a copy-paste slip.",
    example='webUrl: "https://a.example/x"\nrelated:\n  - webUrl: "https://a.example/x"',
)
DUPLICATE_ENTRY = define(
    "SL507",
    "related-duplicate-entry",
    "warning",
    "The same document appears twice in one related list.",
    what="Two entries of one list that name the same document, or the same address (in its canonical form: two "
    "captures at one address are one page); the second is reported.",
    why="The reader sees the same card twice.",
    example='related:\n  - webUrl: "https://a.example/x"\n  - webUrl: "https://a.example/x?utm_source=feed"',
)
DUPLICATE_DOCUMENT = define(
    "SL508",
    "duplicate-document",
    "error",
    "Two documents have the same canonical address.",
    what="Documents whose webUrl (else originalUrl) is the same address after normalisation; each is reported, "
    "naming the others (the first five by path, then how many more).",
    why="References to that address cannot tell the documents apart, and the site shows the article twice.",
    example='a.md: webUrl: "https://a.example/x"\nb.md: webUrl: "https://a.example/x/"',
)
POSSIBLE_DUPLICATE = define(
    "SL509",
    "possible-duplicate-document",
    "warning",
    "Two documents have the same title, provider and publication date.",
    what="Documents under different addresses that share title, provider and the date of publishedDateTime; each "
    "is reported, naming the others (the first five by path, then how many more).",
    why="Usually the same article captured twice under two addresses.",
    example='a.md and b.md: title "X", provider example.com, published 2024-01-22',
)


def check(corpus: Corpus, config: Config) -> Iterator[Diagnostic]:
    yield from _check_references(corpus, config)
    yield from _check_duplicates(corpus)


def _check_references(corpus: Corpus, config: Config) -> Iterator[Diagnostic]:
    index = corpus.index
    assert index is not None  # (Corpus.__post_init__ sets it)
    for record in corpus.records:
        if not record.refs:
            continue
        if record.path not in corpus.reported:
            # Outside the files of a partial run, only the references that stopped resolving matter.
            if corpus.partial:
                yield from _dangling_only(corpus, config, record)
            continue
        # The document (for positions) is loaded only when there is something to report: on a clean
        # corpus, and from the cache, checking every reference needs no document at all.
        doc = _Lazy(corpus, record.path)
        by_target: dict[str, int] = {}  # the entry that first named each document
        by_address: dict[str | None, int] = {}  # ... and each address (in its canonical form)
        for ref in record.related:
            where = ("related", ref.index)
            if ref.url is None:
                yield from doc.report(MISSING_URL, where, f"related[{ref.index}] has no webUrl: it links nowhere")
                continue
            found = index.resolve(ref.url, ref.key)
            problem = web_url_problem(ref.url) if not found else None
            if problem is not None:
                # (listed with the unresolved entries: outside a partial run's files it is one, see _dangling_only)
                corpus.unresolved.append((record.path, host_key(ref.key or ""), ref.title_key))
                yield from doc.report(
                    MALFORMED_URL, where + ("webUrl",), f"related[{ref.index}] → {ref.url} {problem}: it names nothing"
                )
                continue
            target = found.target
            if (  # (nearly every entry: one document named, once, not this one, copied as it is: nothing to report)
                target is not None
                and ref.copied == target.fingerprints
                and target.path not in by_target
                and ref.key not in by_address
                and target.path != record.path
            ):
                by_target[target.path] = by_address[ref.key] = ref.index
                continue
            # The same article twice: the same document, or the same address (in or outside the corpus).
            if target is not None and target.path in by_target:
                yield from doc.report(
                    DUPLICATE_ENTRY,
                    where + ("webUrl",),
                    f"related[{ref.index}] → {ref.url} names {_name(target, doc.path)} again "
                    f"(already related[{by_target[target.path]}])",
                )
            elif ref.key in by_address:
                yield from doc.report(
                    DUPLICATE_ENTRY,
                    where + ("webUrl",),
                    f"related[{ref.index}] → {ref.url} names the same address again "
                    f"(already related[{by_address[ref.key]}])",
                )
            if target is not None:
                by_target.setdefault(target.path, ref.index)
            by_address.setdefault(ref.key, ref.index)
            if not found:
                yield from _unresolved(corpus, config, doc, record, ref)
                continue
            if record.path in found.paths():
                # The link leads to the page it is shown on. (Not also a stale copy: the copy of a page on
                # itself is removed, not brought up to date.)
                others = _named([other for other in found.candidates if other.path != record.path], record.path)
                also = f" (also the address of {others}: SL508)" if others else ""
                yield from doc.report(
                    SELF_REFERENCE,
                    where + ("webUrl",),
                    f"related[{ref.index}] → {ref.url} is this document's own address{also}",
                )
                continue
            yield from _stale(corpus, doc, ref, found)


class _Lazy:
    """Diagnostics on one referring document, positioned through the corpus (which parses the document
    only when an earlier run did not already position the same diagnostic on the same content)."""

    def __init__(self, corpus: Corpus, path: str):
        self.corpus, self.path = corpus, path

    def report(
        self,
        rule: Rule,
        where: FieldPath,
        message: str | Composed,
        fix: SetValue | None = None,
        identity: object = None,
    ) -> Iterator[Diagnostic]:
        diagnostic = self.corpus.report(self.path, rule, where, message, fix=fix, identity=identity)
        if diagnostic is not None:
            yield diagnostic


NEAR_NAMED = 5  # equally near documents named in an SL503 message


def _dangling_only(corpus: Corpus, config: Config, record: IndexRecord) -> Iterator[Diagnostic]:
    doc = _Lazy(corpus, record.path)
    index = corpus.index
    assert index is not None  # (Corpus.__post_init__ sets it)
    for ref in record.related:
        if ref.url and not index.resolve(ref.url, ref.key):
            yield from _unresolved(corpus, config, doc, record, ref)


def _unresolved(
    corpus: Corpus, config: Config, doc: _Lazy, record: IndexRecord, ref: RelatedRef
) -> Iterator[Diagnostic]:
    where = ("related", ref.index, "webUrl")
    corpus.unresolved.append((record.path, host_key(ref.key or ""), ref.title_key))
    index = corpus.index
    assert index is not None  # (Corpus.__post_init__ sets it)
    assert ref.url is not None  # (an entry without a URL is reported as such, never as unresolved)
    guesses = [guess for guess in index.near_miss(ref) if guess.path != record.path and guess.url]
    if len(guesses) == 1:
        guess = guesses[0]
        url = guess.url
        assert url is not None  # (guesses have an address)
        # Safe only when the entry is a copy of the suggested document (every copied value it holds says
        # what that document says, and it holds a title) and that document has no error: then the link
        # is brought to the article the entry shows. Otherwise the guess may be another article.
        copy = ref.title_key is not None and not differing_fields(ref.copied, guess.fingerprints)
        safe = copy and not corpus.has_errors(guess.path)
        why = "" if safe else (" (the entry's copied values differ from it)" if not copy else " (it has errors)")

        fix = SetValue(url, safe, f"point related[{ref.index}] at {_name(guess, doc.path)}")
        message = f"related[{ref.index}] → {ref.url} does not resolve; did you mean {_name(guess, doc.path)} ({url})?"
        yield from doc.report(NEAR_MISS, where, message, fix=fix, identity=(url, safe, why))
    elif guesses:
        # (on a site of numbered articles, a hundred may be one character away: the message names a few)
        named = " or ".join(f"{_name(guess, doc.path)} ({guess.url})" for guess in guesses[:NEAR_NAMED])
        if len(guesses) > NEAR_NAMED:
            named += f" (and {len(guesses) - NEAR_NAMED} more documents as near)"
        message = (
            f"related[{ref.index}] → {ref.url} does not resolve; it is as near to {named}: "
            "which one was meant is not guessed (no fix)"
        )
        yield from doc.report(NEAR_MISS, where, message)
    elif ref.key in corpus.lost:
        yield from doc.report(
            DANGLING,
            where,
            f"related[{ref.index}] → {ref.url} does not resolve: it named {corpus.lost[ref.key]}, "
            "which no longer has that address (deleted or changed)",
        )
    elif config.related_scope == "closed" or (config.related_scope == "hosts" and index.has_host(ref.url)):
        scope = (
            "the corpus has no document at that address"
            if config.related_scope == "closed"
            else "the corpus has documents on that host but none at that address"
        )
        yield from doc.report(
            DANGLING, where, f"related[{ref.index}] → {ref.url} does not resolve: {scope} (missing or deleted target)"
        )


def _stale(corpus: Corpus, doc: _Lazy, ref: RelatedRef, found: Resolution) -> Iterator[Diagnostic]:
    target = found.target
    if target is None:
        yield from _stale_among(doc, ref, found)
        return
    differing = differing_fields(ref.copied, target.fingerprints)
    if not differing:
        return
    # Safe only when nothing suggests the target is the wrong document: it is the only one at the address
    # (else there is no fix at all) and has no error itself.
    safe = not corpus.has_errors(target.path)
    # One finding per field that differs, each with its own fix: a baseline or a comparison then knows each apart
    # (a title edited in the target left "excerpt differs" fixed and "title, excerpt differ" new, and a hook's fix
    # rewrote the old excerpt too).
    for name in differing:
        yield from _stale_field(corpus, doc, ref, found, target, name, safe)


def _stale_field(
    corpus: Corpus, doc: _Lazy, ref: RelatedRef, found: Resolution, target: IndexRecord, name: str, safe: bool
) -> Iterator[Diagnostic]:
    """SL505 on one copied field of the entry that differs from the target's (`name`)."""
    unkept = name in UNKEPT_FIELDS  # (its value read from the target's document)
    stale = _StaleCopy(
        ref.index,
        name,
        None if unkept else target.value(name),
        (target.path,) if unkept else (),
        _name(target, doc.path),
        "" if found.exact else f" (at {target.url}, another spelling of this address)",
        safe,
    )
    # The message and the fix depend on the target's values, which its fingerprints stand for.
    yield from doc.report(
        STALE_COPY,
        ("related", ref.index, name),
        stale,
        identity=(target.path, safe, target.fingerprints, found.exact),
    )


@dataclass(frozen=True, slots=True)
class _StaleCopy:
    """SL505's message and fix on one copied field, made from the referring document (positioning.Composed)."""

    index: int  # the entry's
    name: str  # the field's
    value: object  # the target's value, when its record keeps it
    reads: tuple[str, ...]  # else, the target, whose document holds it
    target: str  # the target, as the message names it
    spelled: str  # how the message says that the entry names it by another spelling of its address, if it does
    safe: bool

    def compose(self, doc: Document, load: Load) -> tuple[str, Fix | None]:
        value = self.value
        if self.reads:
            loaded = load(self.reads[0])
            value = loaded.data.get(self.name) if loaded is not None and isinstance(loaded.data, dict) else None
        data: Any = doc.data  # (the referring document, parsed, with this entry)
        copied = data["related"][self.index][self.name]
        mine, theirs = _shown_pair(provider_value(copied) if self.name == "provider" else copied, value)
        message = (
            f"related[{self.index}] is a stale copy of {self.target}{self.spelled} ({self.name} differs): "
            f"{self.name} is {mine} but {self.target} now has {theirs}"
        )
        if (
            isinstance(copied, str)
            and isinstance(value, str)
            and (unseen := invisible.unseen_difference(copied, value))
        ):
            message += f" ({unseen})"
        where = ("related", self.index, self.name)
        edits = tuple(e for f in _copy_edits(doc, where, value, self.safe) for e in f.edits)
        applicability = Applicability.SAFE if self.safe else Applicability.UNSAFE
        return message, Fix(edits, applicability, f"copy {self.name} from {self.target}") if edits else None


def _stale_among(doc: _Lazy, ref: RelatedRef, found: Resolution) -> Iterator[Diagnostic]:
    """An entry whose address names several documents (captures of one article) is stale only when it
    copies none of them; which one it should copy is not guessed, so there is no fix."""
    differences = [(candidate, differing_fields(ref.copied, candidate.fingerprints)) for candidate in found.candidates]
    if any(not differing for _, differing in differences):
        return
    first = differences[0][1][0]
    detail = "; ".join(
        f"{_name(candidate, doc.path)}: {', '.join(differing)} differ{'s' if len(differing) == 1 else ''}"
        for candidate, differing in differences
    )
    message = (
        f"related[{ref.index}] → {ref.url} copies none of the {len(differences)} documents at that address "
        f"({detail}); which capture it should copy is not guessed (SL508), so there is no fix"
    )
    yield from doc.report(STALE_COPY, ("related", ref.index, first), message)


def _copy_edits(doc: Document, path: FieldPath, value: object, safe: bool) -> list[Fix]:
    if path[-1] == "provider" and isinstance(value, tuple):  # (("name", ...), ("domain", ...))
        return [fix for key, part in value for fix in _copy_edits(doc, path + (key,), part, safe)]
    _, node, steps = doc.find(path)
    if not isinstance(value, str) or steps != len(path) or not isinstance(node, yaml.ScalarNode) or _shared(doc, path):
        return []  # (not a text there to replace, as in an empty `provider:`: writing it would take another edit)
    return [replace_value(doc, path, value, safe=safe)]


def _shared(doc: Document, path: FieldPath) -> bool:
    """Whether the copied value at `path` (`related`, index, field...) may be another value too: it or its entry
    anchored (an alias elsewhere is the same node, or merges it in with `<<`), or written outside its entry (merged
    in). Fixed there, the document's own field or another copy would change with it: no fix is offered (the fixer
    would refuse it anyway)."""
    node, entry = doc.locate(path)[1], doc.locate(path[:2])[1]
    span = doc.value_span(path[:2])
    at = doc.yaml_start + node.start_mark.index
    return doc.has_properties(node) or doc.has_properties(entry) or not span.start <= at < span.end


NAMES_SHOWN = 5  # documents named in one message; more are counted (30 copies of one article made 2 kB messages)


def _named(records: list[IndexRecord], seen_from: str) -> str:
    """The documents' names (see `_name`), the first NAMES_SHOWN of them, then how many more."""
    here = posixpath.dirname(seen_from)
    return _listed([_name_in(record, here) for record in records[:NAMES_SHOWN]], len(records))


def _listed(names: list[str], count: int) -> str:
    """The first NAMES_SHOWN `names` of `count` documents, then how many more."""
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" and {count - NAMES_SHOWN} more" if count > NAMES_SHOWN else "")


def _name(target: IndexRecord, seen_from: str) -> str:
    """How a message on the document `seen_from` names another: its file name, with the way from the folder of
    `seen_from` when it is in another (`../b.md`, `sub/b.md`): two folders may hold files of the same name."""
    return _name_in(target, posixpath.dirname(seen_from))


def _name_in(target: IndexRecord, here: str) -> str:
    """`_name`, seen from the folder `here`."""
    return target.name if posixpath.dirname(target.path) == here else posixpath.relpath(target.path, here or os.curdir)


_NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _how_many(count: int) -> str:
    """2 → "two" ... 10 → "ten", then digits (a message counts the documents of one address in words)."""
    return _NUMBER_WORDS[count - 2] if 2 <= count <= 10 else f"{count:,}"


SHOWN = 70  # characters of a value that a message quotes


def _shown_pair(mine: object, theirs: object) -> tuple[str, str]:
    """A copy's value and its target's, quoted for a message; a long one is cut to about SHOWN characters, both
    at the same place: around their first difference, so that two values differing near their end are not shown
    as two equal beginnings (a title with a word added at its end)."""
    if mine is None or theirs is None:  # (an empty value: `provider:` with nothing under it)
        mine_shown = "empty" if mine is None else _window(_text(mine), 0)
        return mine_shown, "empty" if theirs is None else _window(_text(theirs), 0)
    texts = [_text(mine), _text(theirs)]
    if all(len(text) <= SHOWN for text in texts):
        return f'"{texts[0]}"', f'"{texts[1]}"'
    mine_text, theirs_text = texts
    same = next(  # (where they first differ)
        (i for i, (a, b) in enumerate(zip(mine_text, theirs_text, strict=False)) if a != b), min(map(len, texts))
    )
    start = 0
    if same >= SHOWN - 10:  # (the difference within what is shown, after 30 to 45 characters, from a word's start)
        space = texts[0].rfind(" ", same - 45, same - 30)
        start = space + 1 if space >= 0 else same - 30
    shown = [_window(text, start) for text in texts]
    return shown[0], shown[1]


def _text(value: object) -> str:
    if isinstance(value, tuple) and all(isinstance(item, tuple) and len(item) == 2 for item in value):
        return ", ".join(f"{k} {v}" for k, v in value)  # (a provider: name and domain)
    return str(value)


def _window(text: str, start: int) -> str:
    """`text` quoted from `start`, cut to SHOWN characters with `...` where it is cut."""
    if start == 0 and len(text) <= SHOWN:
        return f'"{text}"'
    lead = "..." if start > 0 else ""
    room = SHOWN - len(lead) - 3
    return f'"{lead}{text[start : start + room]}{"..." if len(text) > start + room else ""}"'


_URL, _PATH = operator.attrgetter("url"), operator.attrgetter("path")


class _AddressGroup:
    """The documents at one canonical address, by path, with their addresses as written, and their names as a
    message on one of them shows them (made once per folder the messages are seen from)."""

    def __init__(self, records: Iterable[IndexRecord]):
        self.members = sorted(records, key=_PATH)
        self.urls = list(map(_URL, self.members))
        self._names_from: dict[str, list[str]] = {}

    def named_for(self, path: str, others: int) -> str:
        """The other members named (see `_named`) in a message on the member at `path`, of `others` in all."""
        here = posixpath.dirname(path)
        names = self._names_from.get(here)
        if names is None:
            names = self._names_from[here] = [_name_in(member, here) for member in self.members]
        first = NAMES_SHOWN + 1  # (the first others are among them, whichever member this one is)
        shown = [name for member, name in zip(self.members[:first], names[:first], strict=True) if member.path != path]
        return _listed(shown, others)

    def written_otherwise(self, path: str, url: str) -> str | None:
        """The address as the first other member writes it, when not as `url` (`www.` or a tracking parameter)."""
        return next(
            (
                written
                for member, written in zip(self.members, self.urls, strict=True)
                if member.path != path and written != url
            ),
            None,
        )


def _check_duplicates(corpus: Corpus) -> Iterator[Diagnostic]:
    index = corpus.index
    assert index is not None  # (Corpus.__post_init__ sets it)
    addresses: dict[object, int] = {}  # identity → how many addresses its documents have (once per group)
    # canonical address shared → its documents: made once per group, not once per member (30 copies of each of 674
    # documents asked for 600,000 addresses)
    groups: dict[str, _AddressGroup] = {}
    for record in corpus.records:
        if record.path not in corpus.reported:
            continue
        url = record.url
        if url and record.url_key is not None:  # (a record with an address has its canonical form)
            group = groups.get(record.url_key)
            if group is None:
                group = _AddressGroup(index.same_address(record.url_key))
                if len(group.members) > 1:  # (a document alone at its address is met once)
                    groups[record.url_key] = group
            others = [member for member in group.members if member.path != record.path]
            if others:
                field_name = "webUrl" if record.own_url("webUrl") is not None else "originalUrl"
                names = group.named_for(record.path, len(others))
                spelled = group.written_otherwise(record.path, url)  # (said, with how the first one writes it)
                also = (
                    f"is also the address of {names}"
                    if spelled is None
                    else (f"is, written otherwise, also the address of {names} ({spelled})")
                )
                yield from _Lazy(corpus, record.path).report(
                    DUPLICATE_DOCUMENT,
                    (field_name,),
                    f"{field_name} {url} {also}: {_how_many(len(others) + 1)} documents for one article",
                )
        identity = identity_key(record)
        if identity is None:
            continue
        same = index.same_identity(identity)
        if identity not in addresses:
            addresses[identity] = len({r.url_key for r in same if r.url})
        if addresses[identity] > 1:
            names = _named([o for o in sorted(same, key=lambda o: o.path) if o.path != record.path], record.path)
            yield from _Lazy(corpus, record.path).report(
                POSSIBLE_DUPLICATE,
                ("title",),
                f"same title, provider and publication date as {names} (under another address): "
                "the same article twice?",
            )


_Pending: TypeAlias = tuple[str, "FieldPath", str, Applicability]  # a fix a document's own value gets


def hold_copy_fixes(
    diagnostics: list[Diagnostic], corpus: Corpus, pending_elsewhere: AbstractSet[_Pending] = frozenset()
) -> list[Diagnostic]:
    """The diagnostics with the fixes that would make a copy say what its target does not held back.

    A related entry that copies its target's value faithfully must keep doing so after `seedlint fix`.
    A fix of the copy (an HTML entity, mojibake, whitespace) is kept only when the target's own value gets
    the same fix in the same run: the same rule, as safe, on the corresponding field, and reported (not
    suppressed, not outside the files being fixed). Otherwise the diagnostic stays, without its fix, and
    says why: the target keeps that value (on purpose, with a suppression comment, or because it is not
    being fixed). A date respelled as the same instant (SL205) keeps any copy faithful and is never held.
    `pending_elsewhere`: the fixes of their own values that other documents' findings, not among `diagnostics`,
    make (see `hold_copy_fixes_beside`)."""
    edited = [(d, path) for d in diagnostics if d.fix is not None and (path := edited_value(d)) is not None]
    clashing = _clashing_addresses([d for d, path in edited if _own_address(path)], corpus)
    if clashing:  # (held first: the copies' fixes follow these)
        diagnostics = [clashing.get(id(d), d) for d in diagnostics]
        edited = [(clashing.get(id(d), d), path) for d, path in edited]
    copies = [(d, path) for d, path in edited if path[0] == "related"]  # (none of them held above)
    if not copies:
        return diagnostics
    index = corpus.index
    assert index is not None  # (Corpus.__post_init__ sets it)
    pending: set[_Pending] = {
        (d.path, path, d.code, d.fix.applicability)
        for d, path in edited
        if path[0] != "related" and d.fix is not None  # (an address's fix held above: not made)
    }
    pending |= pending_elsewhere
    records = {record.path: record for record in corpus.records}
    held: dict[int, Diagnostic] = {}
    for diagnostic, path in copies:
        keeper = _keeper(diagnostic, path, records.get(diagnostic.path), index, pending)
        if keeper is not None:
            field_name = ".".join(str(step) for step in path[2:])
            held[id(diagnostic)] = _held(
                diagnostic,
                f"this entry copies {_name(keeper, diagnostic.path)}, whose {field_name} would stay as it is; fix it "
                "there, or in neither",
            )
    return [held.get(id(d), d) for d in diagnostics] if held else diagnostics


def hold_copy_fixes_beside(
    selected: list[Diagnostic], kept: Findings, judged: AbstractSet[str], corpus: Corpus
) -> tuple[list[Diagnostic], dict[str, list[Diagnostic]]] | None:
    """`hold_copy_fixes` of `selected` and of `kept`'s findings of the documents not `judged` (a run from its last
    report: the findings it keeps of the documents it did not check again, see incremental.rerun), without making
    those into objects: what counts of them is read from the report's columns. Their own values' fixes are made
    (a copy in `selected` of one of them keeps its fix); their own addresses' fixes are held when the fixed
    address is now another document's; their copies' fixes stay as they are, their documents' records not being
    in `corpus` (None when one is: then every finding is needed as an object). Returns `selected` with its fixes
    held, and the kept documents whose findings this changed (an address's fix held), with their findings now."""
    judging = {record.path for record in corpus.records}
    pending: set[_Pending] = set()
    addresses: set[str] = set()  # the documents with a fix of their own address
    for path, code, extra, applicability in kept.fixed(judged):
        value = extra.get("value")
        if not isinstance(value, (tuple, list)) or not value:
            continue
        if value[0] == "related":
            if path in judging:
                return None
        elif _own_address(value):
            addresses.add(path)
        else:
            pending.add((path, tuple(value), code, applicability))
    theirs = [(path, kept.of(path)) for path in sorted(addresses)]
    own = [d for _, found in theirs for d in found if _edits_address(d)]  # (as objects, of the report's parts)
    held = hold_copy_fixes(own + selected, corpus, pending)
    changed = {id(d): after for d, after in zip(own, held, strict=False) if after is not d}
    replaced = {
        path: [changed.get(id(d), d) for d in found] for path, found in theirs if any(id(d) in changed for d in found)
    }
    return held[len(own) :], replaced


def _edits_address(diagnostic: Diagnostic) -> bool:
    path = edited_value(diagnostic) if diagnostic.fix is not None else None
    return path is not None and _own_address(path)


def _own_address(path: FieldPath | tuple[object, ...] | list[object]) -> bool:
    """Whether the value at `path` is one of the document's own addresses (`webUrl`, `originalUrl`...)."""
    return len(path) == 1 and path[0] in ALIAS_FIELDS


HELD = "held"  # the key of a diagnostic's `extra` marking a fix held back (see `_held`)


def _held(diagnostic: Diagnostic, why: str) -> Diagnostic:
    """The diagnostic without its fix, saying why; marked (HELD): whether to hold it depends on other documents'
    findings, which a run from the last report must judge again (incremental.rerun), the fix being gone."""
    return dataclasses.replace(
        diagnostic, fix=None, message=f"{diagnostic.message} (not fixed: {why})", extra={**diagnostic.extra, HELD: True}
    )


def _clashing_addresses(own: list[Diagnostic], corpus: Corpus) -> dict[int, Diagnostic]:
    """Of the diagnostics whose fix edits a document's own address (`own`), those whose fixed address is another
    document's (`&amp;` decoded into the address a second capture has), by id, held back: which article an entry
    naming either one describes would become ambiguous (SL508)."""
    if not own:
        return {}
    index = corpus.index
    assert index is not None  # (Corpus.__post_init__ sets it)
    held: dict[int, Diagnostic] = {}
    for d in own:
        scalar = d.extra.get("scalar")
        if d.fix is None or not (isinstance(scalar, tuple) and len(scalar) == 2):
            continue
        old, new = value_after(scalar[0], scalar[1], []), value_after(scalar[0], scalar[1], list(d.fix.edits))
        if old is None or new is None:
            continue
        # Another document at the new address as written (entries naming it resolve to both: the address as written
        # comes first), or at another spelling of it that the old address was not.
        before = {other.path for other in index.named(canonical_url(old))}
        others = [
            other
            for other in index.named(canonical_url(new))
            if other.path != d.path and (other.path not in before or any(url == new for _, url in other.urls))
        ]
        if others:
            names = _named(sorted(others, key=lambda other: other.path), d.path)
            held[id(d)] = _held(d, f"the fixed address is also that of {names}: SL508")
    return held


def _keeper(
    diagnostic: Diagnostic, path: FieldPath, record: IndexRecord | None, index: Index[Any], pending: set[_Pending]
) -> IndexRecord | None:
    """The target that a copy's fix (of the value at `path`, its `edited_value`) would make the copy disagree with,
    if any."""
    if record is None or diagnostic.fix is None or not isinstance(path[1], int):
        return None
    field_name, own_path = path[2], path[2:]
    if field_name == "publishedDateTime" and diagnostic.code == NON_CANONICAL_DATE.code:
        return None
    ref = next((ref for ref in record.related if ref.index == path[1]), None)
    if ref is None:
        return None
    found = index.resolve(ref.url, ref.key)
    applicability = diagnostic.fix.applicability
    for target in found.candidates:
        fields: list[FieldPath]
        if field_name == "webUrl":
            # The target's addresses this entry names: byte for byte, else in their canonical form.
            fields = [(name,) for name, url in target.urls if url == ref.url] or [
                (name,) for name, url in target.urls if canonical_url(url) == ref.key
            ]
        elif field_name in COPIED_FIELDS:
            at = 8 * COPIED_FIELDS.index(field_name)
            mine = ref.copied[at : at + 8]
            fields = [own_path] if mine == target.fingerprints[at : at + 8] and any(mine) else []
        else:
            fields = []
        if fields and not any((target.path, f, diagnostic.code, applicability) in pending for f in fields):
            return target
    return None


@dataclass(frozen=True, slots=True)
class Follow:
    """A copy in a related entry that takes the new value of the value it copies, fixed in its target."""

    path: str  # the document holding the copy
    where: FieldPath  # the copy: ("related", index, field...)
    value: str  # the value it takes
    target: str  # the document whose value it copies
    field: FieldPath  # ... and which of its values


def followers(changed: list[tuple[str, FieldPath, str]], corpus: Corpus) -> list[Follow]:
    """The copies that must take the new values of `changed` (document, path of its own value, new value)
    to go on saying what their target says: every related entry whose address names that document and whose
    copy of that value is faithful. A new value that means the same (a date respelled) needs no copy."""
    index = corpus.index
    assert index is not None  # (Corpus.__post_init__ sets it)
    records = {record.path: record for record in corpus.records}
    wanted: dict[str, list[tuple[IndexRecord, FieldPath, str]]] = {}
    for path, field_path, value in changed:
        target = records.get(path)
        if target is not None and _means_otherwise(target, field_path, value):
            for alias in target.aliases:
                wanted.setdefault(alias, []).append((target, field_path, value))
    follows: dict[tuple[str, FieldPath], Follow] = {}
    for record in corpus.records if wanted else ():
        if not record.refs or not any(key in wanted for key in record.ref_keys):
            continue
        for ref in record.related:
            if ref.key not in wanted:
                continue
            named = index.resolve(ref.url, ref.key).paths()
            for target, field_path, value in wanted[ref.key]:
                if target.path in named and _faithful(ref, target, field_path):
                    copy = ("webUrl",) if field_path[0] in ALIAS_FIELDS else field_path
                    where: FieldPath = ("related", ref.index, *copy)
                    follows.setdefault((record.path, where), Follow(record.path, where, value, target.path, field_path))
    return list(follows.values())


def _slice(fingerprints: bytes, name: str) -> bytes:
    at = 8 * COPIED_FIELDS.index(name)
    return fingerprints[at : at + 8]


def _new_fingerprint(target: IndexRecord, field_path: FieldPath, value: str) -> bytes:
    if field_path[0] == "provider":
        provider = target.value("provider")
        parts = dict(provider) if isinstance(provider, tuple) and all(len(p) == 2 for p in provider) else {}
        parts[field_path[1]] = value
        new: object = tuple((key, parts.get(key)) for key in PROVIDER_PARTS)
    else:
        new = value
    return fingerprint_of(str(field_path[0]), new)


def _means_otherwise(target: IndexRecord, field_path: FieldPath, value: str) -> bool:
    name = str(field_path[0])
    if name in ALIAS_FIELDS:
        return target.own_url(name) != value
    return name in COPIED_FIELDS and _new_fingerprint(target, field_path, value) != _slice(target.fingerprints, name)


def _faithful(ref: RelatedRef, target: IndexRecord, field_path: FieldPath) -> bool:
    name = str(field_path[0])
    if name in ALIAS_FIELDS:
        return ref.url is not None and ref.url == target.own_url(name)
    mine = _slice(ref.copied, name)
    return any(mine) and mine == _slice(target.fingerprints, name)


def says(record: IndexRecord, field_path: FieldPath, value: str) -> bool:
    """Whether a document's own value (`field_path`: a copied field, a provider part or an address) means
    `value` (what its copies were given)."""
    name = str(field_path[0])
    if name in ALIAS_FIELDS:
        return record.own_url(name) == value
    return name in COPIED_FIELDS and _new_fingerprint(record, field_path, value) == _slice(record.fingerprints, name)
