"""The Public Suffix List's ICANN section (publicsuffixlist's bundled copy), parsed one top-level domain at a time.

The ICANN section only: the private section names hosts that serve content themselves
(s3.ap-southeast-1.amazonaws.com, path-style buckets), which must not count as "a suffix, not a site" (see
seedlint/weburl.py's `site`).

Parsing the whole section cost every run that looks at a URL about 80 ms (the library IDNA-encodes each of its
7,000 rules): a tenth of a hook's run, for a corpus that names a handful of top-level domains. A rule can only match
a host that ends in the rule's own last label, so the rules of one top-level domain answer every question about its
hosts exactly as the whole list does (tests/test_suffixlist.py compares the two on every rule and the list's own
tests). The rules are grouped by that label in one pass over the file's text, and a top-level domain's rules are
parsed by the library when a host of it is first asked about."""

from __future__ import annotations

import functools

from publicsuffixlist import PSLFILE, PublicSuffixList

_ICANN_BEGIN = "// ===BEGIN ICANN DOMAINS==="
_ICANN_END = "// ===END ICANN DOMAINS==="
_NONE = PublicSuffixList([])  # (for a top-level domain the list does not know: no rule matches)


def suffix_list(host: str) -> PublicSuffixList:
    """The list's ICANN rules that can match `host` (lower case, without a trailing dot), parsed."""
    label = host.rpartition(".")[2]
    # (parsed and kept for the list's own labels only: a corpus of made-up top-level domains keeps nothing)
    return _parsed(label) if label in _rules_by_label() else _NONE


@functools.cache
def _parsed(label: str) -> PublicSuffixList:
    return PublicSuffixList(_rules_by_label()[label])


@functools.cache
def _rules_by_label() -> dict[str, list[str]]:
    """The ICANN section's rules by their last label, as the library reads a rule (its first word, lower case). A
    rule of a non-ASCII label is also listed under its IDNA form (`xn--...`), which the library matches too."""
    with open(PSLFILE, encoding="utf-8", errors="surrogateescape") as file:
        lines = file.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.rstrip() == _ICANN_BEGIN)
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip() == _ICANN_END)
    grouped: dict[str, list[str]] = {}
    for line in lines[start + 1 : end]:
        rule = line.lower().split(" ")[0].rstrip()
        if not rule or rule.startswith("//"):
            continue
        label = rule.rpartition(".")[2].lstrip("!")
        grouped.setdefault(label, []).append(rule)
        if not label.isascii():
            grouped.setdefault(_idna(label), []).append(rule)
    return grouped


@functools.cache
def _idna(label: str) -> str:
    return label.encode("idna").decode("ascii")
