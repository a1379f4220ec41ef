"""SL3 — URLs: every URL field is a well-formed web address, and the addresses of one item agree.

URL fields: webUrl, originalUrl, ampWebUrl, cdnAmpWebUrl, images[].url and provider.images[].url, at the
top level and in every related entry. Syntax is checked with the standard library's URL parser, the
`idna` package (IDNA 2008 with UTS #46 mapping) and the Public Suffix List bundled with `publicsuffixlist`
— never over the network. Consistency compares the fields of one item (the document, or one related
entry) with each other and with `provider.domain`.
"""

from __future__ import annotations

import difflib
import functools
import ipaddress
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeAlias, cast
from urllib.parse import SplitResult, quote, urlsplit

import idna

from seedlint import weburl
from seedlint.diagnostic import Fix
from seedlint.edits import replace_value
from seedlint.memo import ENTRY_ANSWERS, Memo
from seedlint.registry import define
from seedlint.rules.schema import field_name

if TYPE_CHECKING:
    from seedlint.config import Config
    from seedlint.diagnostic import Diagnostic, Span
    from seedlint.document import Document
    from seedlint.registry import Rule
    from seedlint.yamltree import JSON, FieldPath

URL_SCHEME = define(
    "SL301",
    "invalid-url-scheme",
    "error",
    "A URL does not start with `http://` or `https://`.",
    what="The scheme of every URL field must be http or https, followed by `//`. Reported: schemes that are not "
    "web addresses (`javascript:`, `data:`, `ftp:`, `mailto:`), misspelled schemes (`htps://`, with a "
    '"did you mean"), a missing `//` or colon (`https:/x`, `https//x`), protocol-relative URLs (`//host/...`) '
    "and URLs with no scheme at all (`www.example.com/a`). Root-relative paths are accepted only in "
    "provider.images[].url, where the corpus's own site keeps its organisation logos "
    "(`/assets/images/organizations/medium.com-50x50.jpg`).",
    why="The site renders these fields as links and fetches the images: a `javascript:` or `data:` URL runs code "
    "or embeds content in the reader's browser, and a misspelled or missing scheme makes a dead or relative link.",
    example='webUrl: "htps://www.example.com/news/a"   # did you mean https://?',
    fix="unsafe: a misspelled or missing scheme is replaced with the web scheme it most likely meant; "
    "other schemes are not fixed.",
)
URL_HOST = define(
    "SL302",
    "invalid-url-host",
    "error",
    "A URL has no host, or its host is not a valid domain name.",
    what="The host is parsed from the URL and checked label by label with the `idna` package: no empty labels "
    "(`a..com`), no label longer than 63 characters or starting or ending with a hyphen, valid internationalised "
    "names and `xn--` labels. Also reported: a missing host, a port that is not a number from 0 to 65535, and "
    "user information before the host (`https://google.com@evil.example/`, which goes to evil.example). "
    "Underscores, which DNS allows, are accepted; IP addresses are accepted.",
    why="A link whose host cannot be resolved is dead; a URL with user information misleads readers about "
    "where it goes.",
    example='webUrl: "https://www.example..com/news/a"',
)
PUBLIC_SUFFIX = define(
    "SL303",
    "unknown-public-suffix",
    "error",
    "A URL's host does not end in a known public suffix.",
    what="The host must end in a suffix of the Public Suffix List (`com`, `co.uk`, `police.uk`, ...), as bundled "
    "with the installed `publicsuffixlist` package, and must not itself be a public suffix. IP addresses are "
    "not checked.",
    why="A host under an unknown top-level domain (`example.comm`, `localhost`, `intranet`) cannot be reached "
    "from the public web: a typo or a development address.",
    example='webUrl: "https://www.example.comm/news/a"',
)
URL_WHITESPACE = define(
    "SL304",
    "whitespace-in-url",
    "error",
    "A URL contains spaces, line breaks or control characters.",
    what="Raw spaces (also no-break and other Unicode spaces), tabs, line breaks and C0/C1 control characters "
    "anywhere in a URL, including at its start or end. The position of the first one is reported.",
    why="URLs cannot contain these characters; clients disagree on what to do with them (some cut the URL at "
    "the space), and a line break can split a URL in feeds and logs.",
    example='webUrl: "https://apnews.com/PR Newswire/f5b85ffe40d0191068bb0e60ed78df05"',
    fix="safe: the URL is rewritten the way the WHATWG URL parser (every browser) reads it: whitespace and "
    "control characters at the ends are removed, tabs and line breaks inside are removed, and the others are "
    "percent-encoded (a space becomes `%20`); the address requested does not change. Not offered when the "
    "whitespace is in the host.",
)
PERCENT_ENCODING = define(
    "SL305",
    "invalid-percent-encoding",
    "error",
    "A `%` in a URL is not followed by two hexadecimal digits.",
    what="Every `%` in a URL must start a percent-encoded byte (`%20`, `%C3%A9`).",
    why="A stray `%` (`100%-free`, `%zz`) makes the URL invalid; servers answer 400 or decode it differently.",
    example='webUrl: "https://www.example.com/news/100%-free"',
    fix="unsafe: the `%` is encoded as `%25`, which is what the author most likely meant, but cannot be proven.",
)
HTML_ESCAPED_URL = define(
    "SL306",
    "html-escaped-url",
    "error",
    "A URL contains an HTML-escaped ampersand (`&amp;`, `&#038;`).",
    what="`&amp;`, `&#38;`, `&#038;` or `&#x26;` inside a URL: the URL was copied from HTML source without "
    "unescaping it.",
    why="In a URL, `#` starts the fragment and `;` is data: `?w=1200&#038;strip=all` sends only `w=1200&` to "
    "the server, and `&amp;b=2` sends a parameter named `amp;b`.",
    example='url: "https://venturebeat.com/wp-content/uploads/a.jpg?w=1200&#038;strip=all"',
    fix="safe: each escaped ampersand becomes `&`, the URL the HTML it was copied from pointed to.",
)
PROVIDER_DOMAIN = define(
    "SL307",
    "url-not-on-provider-domain",
    "warning",
    "An item's address is not on its provider's domain.",
    what="The host of an item's webUrl must be `provider.domain` or one of its subdomains, or share its "
    "registrable domain (azure.microsoft.com is on microsoft.com). Items without webUrl are checked on "
    "originalUrl, except videos: a provider's video is hosted on a video platform (youtube.com for "
    "microsoft.com), so a video's originalUrl is not expected on the provider's domain.",
    why="A webUrl on another site than its provider means the URL or the provider was copied from another "
    "item: the article is credited to the wrong publisher.",
    example='webUrl: "https://www.bbc.co.uk/news/a"\nprovider:\n  name: CNN\n  domain: cnn.com',
)
AMP_OTHER_SITE = define(
    "SL308",
    "amp-url-other-site",
    "warning",
    "An ampWebUrl is on another site than the item's webUrl.",
    what="The AMP page of an article is published by the same site: ampWebUrl and webUrl must share their "
    "registrable domain (amp.example.com and www.example.com), or the AMP host must carry the site's name "
    "(m.economictimes.com for economictimes.indiatimes.com), or be on provider.domain.",
    why="An AMP URL of another site was copied from another item; the AMP cache link built from it shows "
    "a different article.",
    example='webUrl: "https://www.example.com/news/a"\nampWebUrl: "https://amp.other.org/news/a"',
)
CDN_AMP_MISMATCH = define(
    "SL309",
    "cdn-amp-url-mismatch",
    "error",
    "cdnAmpWebUrl is not the AMP-cache form of ampWebUrl.",
    what="cdnAmpWebUrl must be exactly `https://<AMP host with '-' doubled and '.' turned to '-'>"
    ".cdn.ampproject.org/c/s/<ampWebUrl without its scheme>` (`/c/` without `s/` for an http ampWebUrl). "
    "A cdnAmpWebUrl without an ampWebUrl is reported too.",
    why="The AMP-cache address is derived from ampWebUrl; when they disagree, one of them was edited alone and "
    "the cached link serves another page or none.",
    example='ampWebUrl: "https://amp.example.com/a"\ncdnAmpWebUrl: "https://amp-example-com.cdn.ampproject.org/c/s/amp.example.com/b"',
    fix="safe: cdnAmpWebUrl is rewritten from ampWebUrl (the source of truth). No fix without an ampWebUrl.",
)
ORIGINAL_OTHER_SITE = define(
    "SL310",
    "original-url-other-site",
    "warning",
    "originalUrl and webUrl of one item are on different sites.",
    what="When an item has both, originalUrl (where the article was first found) and webUrl (its address) "
    "must share their registrable domain. In the real corpora they are identical; a different path on the "
    "same site (a redirect) is accepted.",
    why="Two different sites in one item mean that one of the URLs belongs to another article.",
    example='originalUrl: "https://www.example.com/a"\nwebUrl: "https://www.other.org/a"',
)
INSECURE_URL = define(
    "SL311",
    "insecure-url",
    "warning",
    "A URL uses `http:` although its site is served over `https:`.",
    what="An http URL whose host appears with https in another URL field of the same document; for an item's "
    "own pages (webUrl, originalUrl, ampWebUrl), also when another of its pages on the same site (registrable "
    "domain) is https (an http ampWebUrl of an https article). Hosts seen only over http are not reported: "
    "nothing shows that they serve https (a CDN host of an https site may not).",
    why="An http link or image on an https page is mixed content: browsers block or warn about it, and the "
    "request can be read and altered on the way.",
    example='webUrl: "https://www.example.com/a"\nampWebUrl: "http://amp.example.com/a"',
    fix="unsafe: the scheme becomes https (and cdnAmpWebUrl follows an ampWebUrl); the https address very "
    "likely serves the same page, but that cannot be checked offline.",
)
TRACKING_PARAMETER = define(
    "SL312",
    "tracking-parameter",
    "info",
    "An article URL carries click-tracking parameters (`utm_*`).",
    what="Tracking parameters in webUrl, originalUrl and ampWebUrl: `utm_*`, `itm_*`, `fbclid`, `gclid`, "
    "`__twitter_impression`, `source`, `ref` and the other names in seedlint.weburl.TRACKING_NAMES. "
    "Image URLs are not checked (their `source=` is often the image itself).",
    why="Tracking parameters make one article look like several (duplicates in related lists are missed) and "
    "pass the corpus's own clicks to analytics as a campaign.",
    example='webUrl: "https://www.example.com/a?utm_source=twitter&utm_medium=social"',
    fix="unsafe: the tracking parameters are removed and every other byte of the URL is kept (cdnAmpWebUrl "
    "follows an ampWebUrl); a site could, rarely, need one of them to serve the page.",
)

URL_KEYS = ("webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl")
ARTICLE_URL_KEYS = ("webUrl", "originalUrl", "ampWebUrl")  # the item's own addresses (not images, not the cache)
WEB_SCHEMES = ("https", "http")
SEPARATORS = "/:\\"  # what a mistyped `://` is made of (`https:/x`, `http:://x`, `https:\\x`)
# Registered schemes that are real but not web addresses: reported as not allowed, never as misspellings.
OTHER_SCHEMES = {
    "javascript",
    "data",
    "vbscript",
    "file",
    "ftp",
    "ftps",
    "sftp",
    "mailto",
    "tel",
    "sms",
    "ws",
    "wss",
    "about",
    "blob",
    "chrome",
    "intent",
    "news",
    "irc",
    "git",
    "ssh",
}
# Where an item is: the document itself, (), or one of its related entries, ("related", index).
ItemBase: TypeAlias = tuple[()] | tuple[str, int]

ESCAPED_AMPERSAND = re.compile(r"&(?:amp|#0*38|#[xX]0*26);")
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
BLANK_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def check(doc: Document, config: Config) -> Iterator[Diagnostic]:
    data = doc.data
    assert data is not None  # (the document checks run on documents whose front matter parsed)
    entry_keys = doc.entry_keys()
    for base, item in items(data):
        # A related entry copies an article, and the same copy recurs across the corpus: an entry once
        # found clean is clean wherever it appears (the checks depend on its content, not its place).
        yield from _CLEAN_ENTRIES.findings(entry_keys[base[1]] if base else None, _check_item, doc, base, item)
    if _any_http(data, entry_keys):
        yield from _insecure(doc, data)


def _any_http(data: dict[str, JSON], entry_keys: list[bytes | None]) -> bool:
    """Whether any URL of the document or of its related entries is an http one (_insecure has nothing to say
    otherwise: 98% of a generated corpus's documents). An entry found without one is remembered so."""
    for base, item in items(data):
        key = entry_keys[base[1]] if base else None
        if key is not None and key in _ENTRIES_WITHOUT_HTTP:
            continue
        if any(_is_http(url) for _, url in item_url_fields(base, item)):
            return True
        if key is not None:
            _ENTRIES_WITHOUT_HTTP.put(key)
    return False


def _is_http(url: str) -> bool:
    scheme_and_host = _scheme_and_hostname(url)
    return scheme_and_host is not None and scheme_and_host[0] == "http"


_ENTRIES_WITHOUT_HTTP = Memo(shared=ENTRY_ANSWERS)


def _check_item(doc: Document, base: FieldPath, item: dict[str, JSON]) -> Iterator[Diagnostic]:
    for path, url in item_url_fields(base, item):
        yield from _syntax(doc, path, url)
    yield from _consistency(doc, base, item)


_CLEAN_ENTRIES = Memo(shared=ENTRY_ANSWERS)


# Where the URLs are -------------------------------------------------------------------------------


def items(data: dict[str, JSON]) -> Iterator[tuple[ItemBase, dict[str, JSON]]]:
    """The document itself and each related entry: (path prefix, mapping)."""
    yield (), data
    related = data.get("related")
    if isinstance(related, list):
        for index, entry in enumerate(related):
            if isinstance(entry, dict):
                yield ("related", index), entry


def url_fields(data: dict[str, JSON]) -> Iterator[tuple[FieldPath, str]]:
    """(path, value) of every URL field that holds a string."""
    for base, item in items(data):
        yield from item_url_fields(base, item)


def item_url_fields(base: FieldPath, item: dict[str, JSON]) -> Iterator[tuple[FieldPath, str]]:
    """(path, value) of the URL fields of one item (the document or a related entry)."""
    for key in URL_KEYS:
        if isinstance(url := item.get(key), str):
            yield base + (key,), url
    provider = item.get("provider")
    for owner, images in (
        (base, item.get("images")),
        (base + ("provider",), provider.get("images") if isinstance(provider, dict) else None),
    ):
        if isinstance(images, list):
            for index, image in enumerate(images):
                if isinstance(image, dict) and isinstance(url := image.get("url"), str):
                    yield owner + ("images", index, "url"), url


# Related copies repeat the same URLs across a corpus, but far apart: these caches serve the rules that look at one
# URL several times while a document is checked. At 10,000 documents of the generated corpus, 16,384 entries each
# (12 MiB a worker for the three) answered 63%, 32% and 68% of the calls, 4,096 answer 61%, 22% and 67%.
@functools.lru_cache(maxsize=4096)
def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        return None
    return parts


@functools.lru_cache(maxsize=4096)
def _scheme_and_hostname(url: str) -> tuple[str, str] | None:
    """(lower-case scheme, host) of a URL with a host; None for one without (a SplitResult computes its
    hostname anew at each access, and a document's URLs are looked at by several rules)."""
    parts = _split(url)
    if parts is None:
        return None
    host = parts.hostname  # (computed anew at each access: once here)
    return (parts.scheme.lower(), host) if host else None


@functools.lru_cache(maxsize=4096)
def host_of(url: str) -> str | None:
    """The lower-case host of a well-formed web URL; None for a URL the syntax rules report (the
    consistency rules then stay quiet instead of piling on)."""
    parts = _split(url)
    if parts is None or parts.scheme.lower() not in WEB_SCHEMES:
        return None
    host = parts.hostname  # (computed anew at each access: once here)
    if not host or "@" in parts.netloc or BLANK_OR_CONTROL.search(parts.netloc) or _host_problem(host) is not None:
        return None
    return host


# Syntax -------------------------------------------------------------------------------------------


# URLs the syntax checks found clean: what they find depends on the URL alone (the field only names it in a
# message), and the same addresses recur across a corpus (each article's, in every entry naming it). Bounded
# lower than the entries' memo (corpus._ENTRY_REFS), each address being a long text: at 120,000, a worker of a
# 100,000-document run held 14 MB more (145 MB against 131), for 2% of its time at most (66.0 s against 67.3, within
# what two rounds vary); a real corpus repeats far fewer (azure-news: 4,172 distinct entries).
_CLEAN_URLS = Memo(limit=25_000)


def _syntax(doc: Document, path: FieldPath, url: str) -> Iterator[Diagnostic]:
    if not _is_site_asset(path, url):
        yield from _CLEAN_URLS.findings(url, _syntax_findings, doc, path, url)


def _syntax_findings(doc: Document, path: FieldPath, url: str) -> Iterator[Diagnostic]:
    where = field_name(path)
    cleaned = url
    broken_host = False  # (whitespace in the host: SL304 says so; SL302 then named `%20`, which is not in the text)
    found = _whitespace(doc, path, where, url)
    if found is not None:
        diagnostic, cleaned, broken_host = found
        yield diagnostic
    escaped = list(ESCAPED_AMPERSAND.finditer(cleaned))
    if escaped:
        first = escaped[0]
        unescaped = ESCAPED_AMPERSAND.sub("&", url)
        fix = replace_value(doc, path, unescaped, description="unescape the ampersands") if cleaned == url else None
        count = f"{len(escaped)} HTML-escaped ampersands" if len(escaped) > 1 else "an HTML-escaped ampersand"
        yield HTML_ESCAPED_URL.at_span(
            doc,
            _chars(doc, path, url, first.start(), first.end()),
            f"{where} contains {count} (`{first.group()}`): it was copied from HTML without unescaping; "
            f"the URL should read `{_short(ESCAPED_AMPERSAND.sub('&', cleaned))}`",
            fix,
        )
        cleaned = ESCAPED_AMPERSAND.sub("&", cleaned)
    bad_percent = BAD_PERCENT.search(cleaned)
    if bad_percent:
        # Where it stands in the value as written (when the whitespace or `&amp;` found above changed the text, the
        # whole value was pointed at, and the fix left out without a word: it comes once those are fixed).
        written = BAD_PERCENT.search(url)
        at = written if written is not None else bad_percent
        index = at.start()
        fix = (
            replace_value(doc, path, BAD_PERCENT.sub("%25", url), safe=False, description="encode `%` as `%25`")
            if cleaned == url
            else None
        )
        more = len(BAD_PERCENT.findall(at.string)) - 1
        shown = at.string[index : index + 3] + (f"`, and {more} more" if more else "`")
        later = "" if fix is not None else " (fixable once the other findings on this address are fixed)"
        yield PERCENT_ENCODING.at_span(
            doc,
            _chars(doc, path, url, index, index + 1) if written is not None else doc.value_span(path),
            f"{where} has a `%` not followed by two hexadecimal digits (`{shown}): write a literal percent sign as "
            f"`%25`{later}",
            fix,
        )
    if not broken_host:
        yield from _scheme_and_host(doc, path, where, url, cleaned)


def _is_site_asset(path: FieldPath, url: str) -> bool:
    """A provider logo given as a path on the corpus's own site (`/assets/images/organizations/x.jpg`,
    the convention of everyday-cc/ai): root-relative on purpose, resolved against the site."""
    return path[-4:-3] == ("provider",) and url.startswith("/") and not url.startswith("//")


def _whitespace(doc: Document, path: FieldPath, where: str, url: str) -> tuple[Diagnostic, str, bool] | None:
    """SL304, the URL as browsers read it, and whether the whitespace is in the host."""
    if not BLANK_OR_CONTROL.search(url):
        return None
    bad = [match.start() for match in BLANK_OR_CONTROL.finditer(url)]
    first = bad[0]
    cleaned = _as_browsers_read(url)
    parts = _split(cleaned)
    in_host = parts is None or any(_is_blank_or_control(c) for c in parts.netloc) or "%" in (parts.netloc or "")
    fix = (
        None
        if in_host
        else replace_value(doc, path, cleaned, description="percent-encode or remove the whitespace as browsers do")
    )
    kinds = sorted({_char_name(url[index]) for index in bad})
    text = f"{where} contains {', '.join(kinds)} (first at character {first + 1})"
    raw = "whitespace" if all(url[index].isspace() for index in bad) else "whitespace or control characters"
    if in_host:
        text += f": a host cannot contain {raw}"
    else:
        text += f": URLs cannot hold raw {raw}; it should read `{_short(cleaned)}`"
    return URL_WHITESPACE.at_span(doc, _chars(doc, path, url, first, first + 1), text, fix), cleaned, in_host


def _is_blank_or_control(char: str) -> bool:
    return BLANK_OR_CONTROL.match(char) is not None


def _char_name(char: str) -> str:
    names = {" ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\xa0": "a no-break space"}
    return names.get(char, f"U+{ord(char):04X}")


def _as_browsers_read(url: str) -> str:
    """The WHATWG URL parser's reading: strip the C0 controls and spaces at the ends (only those: a no-break or an
    ideographic space at the end is part of the address requested), drop tabs and line breaks, percent-encode the
    rest."""
    start, end = 0, len(url)
    while start < end and url[start] <= " ":
        start += 1
    while end > start and url[end - 1] <= " ":
        end -= 1
    inner = "".join(char for char in url[start:end] if char not in "\t\n\r")
    return "".join(quote(char, safe="") if _is_blank_or_control(char) else char for char in inner)


def _scheme_and_host(doc: Document, path: FieldPath, where: str, url: str, cleaned: str) -> Iterator[Diagnostic]:
    parts = _split(cleaned)
    if parts is None:
        yield URL_HOST.at(doc, path, f"{where} cannot be parsed as a URL (malformed host or port): `{_short(cleaned)}`")
        return
    problem = _scheme_problem(where, cleaned, parts)
    if problem is not None:
        message, suggestion = problem
        fix = None
        if suggestion is not None and cleaned == url:
            fix = replace_value(doc, path, suggestion, safe=False, description=f"use `{_short(suggestion)}`")
        yield URL_SCHEME.at_span(doc, _chars(doc, path, url, 0, max(1, len(parts.scheme))), message, fix)
        return
    yield from _host(doc, path, where, url, cleaned, parts)


def _scheme_problem(where: str, url: str, parts: SplitResult) -> tuple[str, str | None] | None:
    """(message, suggested URL or None) when the scheme is not `http://` or `https://`."""
    scheme = parts.scheme.lower()
    rest = url[len(parts.scheme) + 1 :] if scheme else url
    if scheme in WEB_SCHEMES:
        if rest.startswith("//"):
            return None
        suggestion = f"{scheme}://{rest.lstrip(SEPARATORS)}"
        return f"{where} has `{scheme}:` without `//`: did you mean `{_short(suggestion)}`?", suggestion
    if not scheme:
        for web in WEB_SCHEMES:
            if url.lower().startswith(web + "//"):  # the colon is missing
                suggestion = f"{web}://{url[len(web) + 2 :]}"
                return f"{where} lacks the `:` after `{web}`: did you mean `{_short(suggestion)}`?", suggestion
        if url.startswith("//"):
            suggestion = "https:" + url
            return (
                f"{where} is protocol-relative (`//host/...`): documents are read outside any page, so the scheme "
                f"must be written; did you mean `{_short(suggestion)}`?",
                suggestion,
            )
        first = url.split("/", 1)[0]
        if "." in first and _host_problem(first.lower()) is None:
            suggestion = "https://" + url
            return f"{where} has no scheme: did you mean `{_short(suggestion)}`?", suggestion
        return f"{where} is not an absolute URL (`{_short(url)}`): it must start with `https://` or `http://`", None
    if scheme not in OTHER_SCHEMES:
        close = difflib.get_close_matches(scheme, WEB_SCHEMES, n=1, cutoff=0.5)
        if close:
            suggestion = f"{close[0]}://{rest.lstrip(SEPARATORS)}"
            return f"{where} has the unknown scheme `{parts.scheme}:`: did you mean `{close[0]}`?", suggestion
    danger = (
        " (it runs code or embeds content in the reader's browser)"
        if scheme in ("javascript", "data", "vbscript")
        else ""
    )
    return (
        f"{where} has the scheme `{parts.scheme}:`{danger}; only `https:` and `http:` web addresses are allowed",
        None,
    )


def _host(
    doc: Document, path: FieldPath, where: str, url: str, cleaned: str, parts: SplitResult
) -> Iterator[Diagnostic]:
    netloc = parts.netloc
    host = parts.hostname or ""
    host_index = cleaned.find(netloc) if netloc else len(parts.scheme) + 3
    if "@" in netloc:
        shown = f"`{host}`" if host else "no host at all"
        yield URL_HOST.at_span(
            doc,
            _chars(doc, path, url, host_index, host_index + len(netloc)) if cleaned == url else doc.value_span(path),
            f"{where} has user information before `@` (`{_short(netloc.rsplit('@', 1)[0])}@`): it goes to {shown}",
        )
        return
    problem = (URL_HOST, f"has no host: `{_short(cleaned)}`") if not host else _host_problem(host)
    if problem is not None:
        rule, detail = problem
        span = (
            _chars(doc, path, url, host_index, host_index + len(netloc))
            if cleaned == url and netloc
            else doc.value_span(path)
        )
        yield rule.at_span(doc, span, f"{where} {detail}")


@functools.lru_cache(maxsize=8192)  # hosts repeat across the related copies of a corpus
def _host_problem(host: str) -> tuple[Rule, str] | None:
    """(rule, message tail) for a host that is not a valid public domain name, or None."""
    if _is_ip(host):
        return None
    error = _invalid_label(host)
    if error is not None:
        return URL_HOST, f"has an invalid host `{host}`: {error}"
    if weburl.public_suffix(host) is None:
        last = host.rstrip(".").rsplit(".", 1)[-1]
        return PUBLIC_SUFFIX, (
            f"has the host `{host}`, which does not end in a known public suffix: `{last}` is not a "
            f"top-level domain of the Public Suffix List"
        )
    if weburl.is_public_suffix(host):
        return PUBLIC_SUFFIX, f"has the host `{host}`, which is a public suffix itself, not a site"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _invalid_label(host: str) -> str | None:
    """Why `host` is not a valid domain name, or None."""
    labels = host.rstrip(".").split(".")
    if any(not label for label in labels):
        return "it has an empty label (two dots in a row, or a dot at the start)"
    for label in labels:
        # DNS and browsers accept `_` in host names (IDNA does not): check the label as if it were a letter.
        candidate = label.replace("_", "a") if label.isascii() else label
        try:
            idna.encode(candidate, uts46=True)
        except (idna.IDNAError, UnicodeError) as error:
            return f"label `{label}`: {error}"
    return None


# Consistency --------------------------------------------------------------------------------------


def _consistency(doc: Document, base: FieldPath, item: dict[str, JSON]) -> Iterator[Diagnostic]:
    web, original, amp = (_str(item, key) for key in ("webUrl", "originalUrl", "ampWebUrl"))
    web_host = host_of(web) if web else None
    provider = item.get("provider")
    domain = given if isinstance(provider, dict) and isinstance(given := provider.get("domain"), str) else None
    address_key = "webUrl" if web else "originalUrl" if original and item.get("type") != "video" else None
    if domain and address_key:
        host = host_of(cast(str, item[address_key]))  # (webUrl or originalUrl: found to be a string above)
        if host and not _on_domain(host, domain):
            line = doc.value_span(base + ("provider", "domain")).line
            yield PROVIDER_DOMAIN.at(
                doc,
                base + (address_key,),
                f"{field_name(base + (address_key,))} is on `{host}`, not on the provider's domain `{domain}` "
                f"(provider.domain, line {line}): the URL or the provider belongs to another item",
            )
    if amp and web_host:
        amp_host = host_of(amp)
        if amp_host and not _same_site(amp_host, web_host) and not (domain and _on_domain(amp_host, domain)):
            yield AMP_OTHER_SITE.at(
                doc,
                base + ("ampWebUrl",),
                f"{field_name(base + ('ampWebUrl',))} is on `{amp_host}`, another site than webUrl's `{web_host}` "
                f"(line {doc.value_span(base + ('webUrl',)).line})",
            )
    yield from _cdn(doc, base, item, amp)
    if original and web_host:
        original_host = host_of(original)
        if original_host and weburl.site(original_host) != weburl.site(web_host):
            yield ORIGINAL_OTHER_SITE.at(
                doc,
                base + ("originalUrl",),
                f"{field_name(base + ('originalUrl',))} is on `{original_host}` but webUrl on `{web_host}` "
                f"(line {doc.value_span(base + ('webUrl',)).line}): one of them belongs to another article",
            )
    for key in ARTICLE_URL_KEYS:
        url = _str(item, key)
        if url and host_of(url):
            yield from _tracking(doc, base, item, key, url)


def _str(item: dict[str, JSON], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _on_domain(host: str, domain: str) -> bool:
    return weburl.within(host, domain) or weburl.site(host) == weburl.site(domain)


def _same_site(one: str, other: str) -> bool:
    """Same registrable domain, or one host carries the other's site name as a label."""
    if weburl.site(one) == weburl.site(other):
        return True
    return weburl.site_name(one) in other.split(".") or weburl.site_name(other) in one.split(".")


def _cdn(doc: Document, base: FieldPath, item: dict[str, JSON], amp: str | None) -> Iterator[Diagnostic]:
    cdn = _str(item, "cdnAmpWebUrl")
    if cdn is None:
        return
    path = base + ("cdnAmpWebUrl",)
    if amp is None:
        yield CDN_AMP_MISMATCH.at(
            doc, path, f"{field_name(path)} is set but the item has no ampWebUrl to derive it from"
        )
        return
    if not host_of(amp):
        return  # the ampWebUrl itself is reported by the syntax rules
    expected = weburl.amp_cache_url(amp)
    if cdn == expected:
        return
    first = next(
        (i for i, (a, b) in enumerate(zip(cdn, expected, strict=False)) if a != b), min(len(cdn), len(expected))
    )
    yield CDN_AMP_MISMATCH.at_span(
        doc,
        _chars(doc, path, cdn, first, len(cdn)),
        f"{field_name(path)} is not the AMP-cache address of ampWebUrl "
        f"(line {doc.value_span(base + ('ampWebUrl',)).line}): "
        f"it differs from character {first + 1}; expected `{_short(expected)}`",
        replace_value(doc, path, expected, description="rewrite from ampWebUrl"),
    )


def _with_cdn(
    doc: Document, base: FieldPath, item: dict[str, JSON], key: str | int, old: str, new: str, fix: Fix
) -> Fix:
    """Extend a fix of ampWebUrl with the matching rewrite of cdnAmpWebUrl, when that was in step."""
    cdn = _str(item, "cdnAmpWebUrl")
    if key != "ampWebUrl" or cdn is None or cdn != weburl.amp_cache_url(old):
        return fix
    follow = replace_value(doc, base + ("cdnAmpWebUrl",), weburl.amp_cache_url(new))
    return Fix(fix.edits + follow.edits, fix.applicability, fix.description + "; rewrite cdnAmpWebUrl to match")


def _tracking(doc: Document, base: FieldPath, item: dict[str, JSON], key: str, url: str) -> Iterator[Diagnostic]:
    names = weburl.tracking_params(url)
    if not names:
        return
    path = base + (key,)
    first, end = weburl.tracking_pairs_span(url) or (0, len(url))  # (the tracking pairs, not what follows them)
    shown = ", ".join(f"`{name}`" for name in dict.fromkeys(names))
    message = f"{field_name(path)} carries the tracking parameter{'s' if len(set(names)) > 1 else ''} {shown}"
    if ESCAPED_AMPERSAND.search(url):  # (`&amp;y=1` read as a parameter `amp;y`: the address said was `?amp;y=1`)
        cleaned = weburl.without_tracking(ESCAPED_AMPERSAND.sub("&", url))
        message += f"; the article's address is `{_short(cleaned)}` (fixable once its `&amp;` is unescaped: SL306)"
        yield TRACKING_PARAMETER.at_span(doc, _chars(doc, path, url, first, end), message, None)
        return
    cleaned = weburl.without_tracking(url)
    fix = _with_cdn(
        doc,
        base,
        item,
        key,
        url,
        cleaned,
        replace_value(doc, path, cleaned, safe=False, description="remove the tracking parameters"),
    )
    yield TRACKING_PARAMETER.at_span(
        doc, _chars(doc, path, url, first, end), f"{message}; the article's address is `{_short(cleaned)}`", fix
    )


def _insecure(doc: Document, data: dict[str, JSON]) -> Iterator[Diagnostic]:
    """http URLs of hosts that this document shows on https (an item's own pages: of sites)."""
    secure_hosts: dict[str, FieldPath] = {}
    # (item path, site) -> path of an https article URL of that item
    secure_sites: dict[tuple[FieldPath, str], FieldPath] = {}
    insecure: list[tuple[FieldPath, str, str]] = []
    for path, url in url_fields(data):
        scheme_and_host = _scheme_and_hostname(url)
        if scheme_and_host is None:
            continue
        scheme, host = scheme_and_host
        if scheme == "https":
            secure_hosts.setdefault(host, path)
            if path[-1] in ARTICLE_URL_KEYS:
                secure_sites.setdefault((path[:-1], weburl.site(host)), path)
        elif scheme == "http":
            insecure.append((path, url, host))
    for path, url, host in insecure:
        base, key = path[:-1], path[-1]
        witness = secure_hosts.get(host)
        if witness is None and key in ARTICLE_URL_KEYS:
            witness = secure_sites.get((base, weburl.site(host)))
        if witness is None:
            continue
        new = "https" + url[len("http") :]
        fix = replace_value(doc, path, new, safe=False, description="use https")
        item = _item_at(data, base)
        if item is not None:
            fix = _with_cdn(doc, base, item, key, url, new, fix)
        same_host = host_of(_value_at(data, witness)) == host
        served = f"`{host}`" if same_host else f"its site `{weburl.site(host)}`"
        yield INSECURE_URL.at_span(
            doc,
            _chars(doc, path, url, 0, len("http")),
            f"{field_name(path)} uses `http:` but {served} is served over https in this document "
            f"({field_name(witness)}, line {doc.value_span(witness).line}): use `https:`",
            fix,
        )


def _value_at(data: JSON, path: FieldPath) -> str:
    """The URL at `path`, a path that url_fields found."""
    node: Any = data
    for step in path:
        node = node[step]
    return node


def _item_at(data: dict[str, JSON], base: FieldPath) -> dict[str, JSON] | None:
    for prefix, item in items(data):
        if prefix == base:
            return item
    return None


# Positions and messages ---------------------------------------------------------------------------


def _chars(doc: Document, path: FieldPath, value: str, start: int, end: int) -> Span:
    """The span of characters [start, end) of the string at `path` in the file."""
    return doc.value_range_span(path, start, min(end, len(value)))


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
