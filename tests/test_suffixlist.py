"""The Public Suffix List parsed a top-level domain at a time (seedlint/suffixlist.py) against the library's parse of
the whole ICANN section, which seedlint used before: the same answers for every host a rule can match (each rule,
one and two labels under it, wildcards filled, in Unicode and in IDNA form, in upper case), for hosts of labels the
list does not know, and for the list's own tests (test_psl.txt, bundled with the library)."""

import contextlib
import re
from pathlib import Path

import publicsuffixlist
import pytest
from publicsuffixlist import PublicSuffixList

from seedlint import suffixlist, weburl

WHOLE = PublicSuffixList(only_icann=True)
OWN_TESTS = Path(publicsuffixlist.__file__).with_name("test_psl.txt")


def _hosts_of_rules() -> list[str]:
    hosts = set()
    for rules in suffixlist._rules_by_label().values():
        for rule in rules:
            name = rule.lstrip("!").replace("*", "x")
            forms = {name}
            with contextlib.suppress(UnicodeError):  # (a label the IDNA codec refuses: left to its Unicode form)
                forms.add(name.encode("idna").decode("ascii"))
            for form in forms:
                hosts |= {form, "a." + form, "b.a." + form, form.rpartition(".")[2], "a.B." + form.upper()}
    return sorted(hosts)


def _answers(psl: PublicSuffixList, host: str) -> tuple[object, ...]:
    return (psl.publicsuffix(host, accept_unknown=False), psl.privatesuffix(host), psl.is_public(host))


def test_every_host_a_rule_can_match_is_answered_as_by_the_whole_list():
    hosts = _hosts_of_rules()
    assert len(hosts) > 25_000  # (the list is really read: 7,000 rules and their forms)
    differing = [
        host for host in hosts if _answers(suffixlist.suffix_list(host.lower()), host) != _answers(WHOLE, host)
    ]
    assert differing == []


@pytest.mark.parametrize(
    "host", ["example.comm", "localhost", "", ".", "a..com", ".com", "xn--zzz.example", "a.b.unknownlabel", "Com."]
)
def test_hosts_the_list_does_not_know_or_cannot_read(host):
    whole = host.lower().rstrip(".")  # (as seedlint.weburl asks)
    assert (weburl.public_suffix(host), weburl.site(host), weburl.is_public_suffix(host)) == (
        WHOLE.publicsuffix(whole, accept_unknown=False),
        WHOLE.privatesuffix(whole) or whole,
        WHOLE.is_public(whole),
    )


def _own_tests() -> list[tuple[str, str | None]]:
    cases = re.findall(r"^checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);", OWN_TESTS.read_text("utf-8"), re.M)
    return [
        (host.strip("'"), None if expected == "null" else expected.strip("'"))
        for host, expected in cases
        if host != "null"
    ]


def test_the_lists_own_tests():
    """Its expectations hold but for the rules of the list's private section, which seedlint leaves out (see
    seedlint/weburl.py): there it answers as the whole ICANN section does."""
    cases = _own_tests()
    assert len(cases) > 70
    private = []
    for host, expected in cases:
        lowered = host.lower()
        found = suffixlist.suffix_list(lowered).privatesuffix(lowered)
        assert found == WHOLE.privatesuffix(lowered), host
        if found != expected:
            private.append(host)
    assert private == ["uk.com", "example.uk.com", "b.example.uk.com", "a.b.example.uk.com"]


def test_hosts_of_labels_the_list_does_not_know_keep_nothing():
    suffixlist.suffix_list("a.com")
    kept = suffixlist._parsed.cache_info().currsize
    for number in range(1000):
        assert suffixlist.suffix_list(f"site.madeup{number}").publicsuffix(f"site.madeup{number}", False) is None
    assert suffixlist._parsed.cache_info().currsize == kept
