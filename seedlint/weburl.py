"""Web URLs shared by the URL rules (SL3) and the corpus index (SL5): the AMP-cache form, the canonical
form under which aliases of one document compare equal, tracking parameters, and sites (registrable
domains, from the Public Suffix List bundled with the `publicsuffixlist` package: no network)."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from seedlint.suffixlist import suffix_list

# Query parameters that only track a click. Only these are dropped: some sites put the article id in the
# query (c-span.org/video/?469047-1/...), so the rest of the query is part of the identity.
# utm_* is Google Analytics' campaign tagging, itm_* the same for internal links (infoq, digitaltrends).
TRACKING_PREFIXES = ("utm_", "itm_")
TRACKING_NAMES = {
    "__twitter_impression",
    "fbclid",
    "gclid",
    "mc_cid",
    "mc_eid",
    "ocid",
    "cmpid",
    "ncid",
    "source",
    "ref",
    "ref_src",
    "mkt_tok",
    "igshid",
}

AMP_CACHE_SUFFIX = ".cdn.ampproject.org"


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(TRACKING_PREFIXES) or lowered in TRACKING_NAMES


def amp_cache_url(amp_url: str) -> str:
    """The Google AMP-cache URL of `amp_url`: https://<its host's cache subdomain>.cdn.ampproject.org/c/s/<amp_url
    without scheme> (see `amp_cache_subdomain`)."""
    try:
        parts = urlsplit(amp_url)
    except ValueError:  # an unbalanced `[` in the host: not a URL (the SL3 rules say so)
        parts = urlsplit("")
    secure = "s/" if parts.scheme == "https" else ""
    rest = amp_url.split("://", 1)[1] if "://" in amp_url else amp_url
    return f"https://{amp_cache_subdomain(parts.hostname or '')}{AMP_CACHE_SUFFIX}/c/{secure}{rest}"


# Left-to-right and right-to-left letters, as the AMP cache tells them apart (a label may not mix them).
_LEFT_TO_RIGHT = re.compile(
    "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02b8\u0300-\u0590\u0800-\u1fff\u200e\u2c00-\ufb1c"
    "\ufe00-\ufe6f\ufefd-\uffff]"
)
_RIGHT_TO_LEFT = re.compile("[\u0591-\u06ef\u06fa-\u07ff\u200f\ufb1d-\ufdff\ufe70-\ufefc]")
_MAX_LABEL = 63


def amp_cache_subdomain(host: str) -> str:
    """The AMP cache's subdomain for `host`, as the cache makes it (the AMP documentation's "AMP Cache URL
    format"): the host read as Unicode (its punycode labels decoded), each `-` doubled, each `.` made `-`, then
    punycode again (`bücher.example` → `xn--bcher-example-...`); when that is no valid label (longer than 63
    characters, a host without a dot, or mixing left-to-right and right-to-left letters), the SHA-256 of the
    host's punycode form in lowercase base32, 52 characters."""
    if not host:
        return ""
    try:
        ascii_host = host.encode("idna").decode("ascii")
        unicode_host = ascii_host.encode("ascii").decode("idna")
    except UnicodeError:
        ascii_host = unicode_host = host.lower()
    mixed = _LEFT_TO_RIGHT.search(unicode_host) and _RIGHT_TO_LEFT.search(unicode_host)
    if len(ascii_host) <= _MAX_LABEL and "." in ascii_host and not mixed:
        try:
            readable = unicode_host.replace("-", "--").replace(".", "-").encode("idna").decode("ascii").lower()
        except UnicodeError:  # (a label over 63 characters)
            readable = ""
        if readable and len(readable) <= _MAX_LABEL:
            return readable
    digest = hashlib.sha256(ascii_host.encode("utf-8", "surrogatepass")).digest()
    return base64.b32encode(digest).decode("ascii").lower().rstrip("=")


# Remembered for the calls that canonicalize one address several times while one document is checked (its
# aliases, its own key, its rules). Related entries' keys are remembered with the entries (corpus._ENTRY_REFS);
# across a corpus an address recurs too far apart for a cache of any sane size: at 10,000 documents of the
# generated corpus, 65,536 entries answered 24% of the calls, 4,096 answer 19%; at 100,000 documents the larger
# cache held 15 MiB of each worker's peak (benchmarks/results-memory-2026-11-27.txt).
@functools.lru_cache(maxsize=4096)
def canonical_url(url: str) -> str:
    """One key for every spelling of the same address: scheme and host case, default port, `www.`,
    trailing slash, fragment, tracking parameters and percent-encoding do not matter."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # an unbalanced `[` or a bad port: not a URL (the SL3 rules say so); it stands for itself
        return url.strip()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~") or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k))
    )
    return urlunsplit(("", host, path, query, "")).lstrip("/")


def tracking_params(url: str) -> list[str]:
    """Names of the tracking parameters in the query of `url`, in order."""
    query = urlsplit(url).query
    return [name for name, _ in parse_qsl(query, keep_blank_values=True) if is_tracking_param(name)]


def tracking_pairs_span(url: str) -> tuple[int, int] | None:
    """Where the tracking `name=value` pairs of `url`'s query are: from the first one's start to the last one's
    end (offsets in `url`), or None when there is none."""
    head, sep, rest = url.partition("?")
    if not sep:
        return None
    at, found = len(head) + 1, []
    for pair in rest.partition("#")[0].split("&"):
        if is_tracking_param(unquote(pair.split("=", 1)[0]).replace("+", " ")):
            found.append((at, at + len(pair)))
        at += len(pair) + 1
    return (found[0][0], found[-1][1]) if found else None


def without_tracking(url: str) -> str:
    """`url` without its tracking parameters; every other byte (the other parameters, their order and
    encoding, the fragment) stays as written."""
    head, sep, rest = url.partition("?")
    if not sep:
        return url
    query, hash_sign, fragment = rest.partition("#")
    kept = [
        pair for pair in query.split("&") if not is_tracking_param(unquote(pair.split("=", 1)[0]).replace("+", " "))
    ]
    kept_query = "&".join(kept).strip("&")  # (`?utm_source=x&&b=2` is `?b=2`, not `?&b=2`)
    return head + ("?" + kept_query if kept_query else "") + hash_sign + fragment


@functools.lru_cache(maxsize=8192)
def public_suffix(host: str) -> str | None:
    """The public suffix (`com`, `co.uk`) that ends `host`; None when the host ends in no
    suffix the bundled list knows (`example.comm`, `localhost`)."""
    host = host.lower().rstrip(".")
    return suffix_list(host).publicsuffix(host, accept_unknown=False)


def is_public_suffix(host: str) -> bool:
    """Is `host` itself a public suffix (`co.uk`, `police.uk`)?"""
    host = host.lower().rstrip(".")
    return suffix_list(host).is_public(host)


@functools.lru_cache(maxsize=8192)
def site(host: str) -> str:
    """The registrable domain of `host` (news.bbc.co.uk -> bbc.co.uk), or the host itself when it has none."""
    host = host.lower().rstrip(".")
    return suffix_list(host).privatesuffix(host) or host


def site_name(host: str) -> str:
    """The site's own label, without its public suffix (economictimes for m.economictimes.com)."""
    registrable = site(host)
    suffix = public_suffix(registrable)
    return registrable[: -len(suffix) - 1] if suffix and registrable != suffix else registrable


def within(host: str, domain: str) -> bool:
    """Is `host` the domain or one of its subdomains (azure.microsoft.com within microsoft.com)?"""
    host, domain = host.lower().rstrip("."), domain.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)
