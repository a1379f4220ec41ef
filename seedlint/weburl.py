"""Web URLs shared by the URL rules (SL3) and the corpus index (SL5): the AMP-cache form and the canonical
form under which aliases of one document compare equal."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that only track a click. Only these are dropped: some sites put the article id in the
# query (c-span.org/video/?469047-1/...), so the rest of the query is part of the identity.
TRACKING_PREFIXES = ("utm_",)
TRACKING_NAMES = {"__twitter_impression", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid", "ncid", "source", "ref", "ref_src", "mkt_tok", "igshid"}

AMP_CACHE_SUFFIX = ".cdn.ampproject.org"


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(TRACKING_PREFIXES) or lowered in TRACKING_NAMES


def amp_cache_url(amp_url: str) -> str:
    """The Google AMP-cache URL of `amp_url`:
    https://<host with '-' doubled and '.' turned to '-'>.cdn.ampproject.org/c/s/<amp_url without scheme>."""
    parts = urlsplit(amp_url)
    host = (parts.hostname or "").replace("-", "--").replace(".", "-")
    secure = "s/" if parts.scheme == "https" else ""
    rest = amp_url.split("://", 1)[1] if "://" in amp_url else amp_url
    return f"https://{host}{AMP_CACHE_SUFFIX}/c/{secure}{rest}"


def canonical_url(url: str) -> str:
    """One key for every spelling of the same address: scheme and host case, default port, `www.`,
    trailing slash, fragment, tracking parameters and percent-encoding do not matter."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~") or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)))
    return urlunsplit(("", host, path, query, "")).lstrip("/")
