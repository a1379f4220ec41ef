"""SL3: URL defects injected into real documents, each reported with its code at the column of the bad
characters, and each fix writing exactly the expected text; the real fixtures report only their real
defects."""

import socket

import pytest
from conftest import FIXTURES, apply_fix, check_paths, fixture_diagnostics, lint_text, seed_text, write

from seedlint import weburl
from seedlint.diagnostic import Applicability
from seedlint.rules import urls

SEED = seed_text()  # seeds/000: webUrl on line 7, images[0].url on line 22, related[0] URLs on lines 31-33
SEED_004 = seed_text("004_c5cf7e08ca5b8660.txt")
WEB = "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478451"
WEB_LINE = f'webUrl: "{WEB}"'  # line 7 (originalUrl on line 6 holds the same URL)
AMP = "https://amp.tri-cityherald.com/opinion/editorials/article284663040.html"
CDN = "https://amp-tri--cityherald-com.cdn.ampproject.org/c/s/amp.tri-cityherald.com/opinion/editorials/article284663040.html"


def inject(old: str, new: str, text: str = SEED) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def sl3(text: str, name: str = "doc.md") -> list:
    return lint_text(text, urls.check, name)


def where(found) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in found]


def test_real_fixtures_report_only_their_real_defects():
    assert fixture_diagnostics(urls.check) == [
        # medium.com's `?source=topic_page...` and gizmodo's `__twitter_impression=true`, copied into two related lists
        ("ai-news/2019-12-21-computer-vision-and-the-ccpa-what-you-need-to-know.md", "SL312", 6, 104),
        (
            "ai-news/2020-02-11-clearview-ais-false-claims-of-accuracy-increase-the-dangers-of-its-face-recognition-software.md",
            "SL312",
            81,
            104,
        ),
        (
            "ai-news/2020-02-11-clearview-ais-false-claims-of-accuracy-increase-the-dangers-of-its-face-recognition-software.md",
            "SL312",
            82,
            107,
        ),
        ("ai-news/2020-02-19-other-voices-facial-recognition-software-produces-concerns.md", "SL312", 60, 104),
        ("ai-news/2020-02-19-other-voices-facial-recognition-software-produces-concerns.md", "SL312", 61, 107),
        # broadbandtvnews' WordPress image address, copied from HTML with `&#038;` into a related entry's image
        ("meaning/veeam/2020-05-27-backup-to-microsoft-azure-with-veeam-direct-restore.md", "SL306", 1777, 120),
    ]


def test_no_network_is_used(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("seedlint opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    weburl.site.cache_clear()
    weburl.public_suffix.cache_clear()
    urls._host_problem.cache_clear()
    assert where(sl3(inject(WEB_LINE, WEB_LINE.replace(".uk/", ".ukk/")))) == [("SL303", 7, 18)]


# Syntax: (injection, expected diagnostics, the text the first diagnostic's fix writes: SEED = restores the original)
SYNTAX_CASES = {
    "misspelled-scheme": (('webUrl: "https:', 'webUrl: "htps:'), [("SL301", 7, 10)], SEED),
    "missing-colon": (('webUrl: "https:', 'webUrl: "https'), [("SL301", 7, 10)], SEED),
    "one-slash": (('webUrl: "https://', 'webUrl: "https:/'), [("SL301", 7, 10)], SEED),
    "protocol-relative": (('webUrl: "https:', 'webUrl: "'), [("SL301", 7, 10)], SEED),
    "no-scheme": (('webUrl: "https://', 'webUrl: "'), [("SL301", 7, 10)], SEED),
    "javascript": (('webUrl: "' + WEB, 'webUrl: "javascript:alert(document.cookie)'), [("SL301", 7, 10)], None),
    "data-image": (
        ('url: "https://resources', 'url: "data:image/png;base64,AAAA"\n#"https://resources'),
        [("SL301", 22, 11)],
        None,
    ),
    "empty-label": ((WEB_LINE, WEB_LINE.replace("news.met", "news..met")), [("SL302", 7, 18)], None),
    "hyphen-label": ((WEB_LINE, WEB_LINE.replace("news.met", "-news.met")), [("SL302", 7, 18)], None),
    "bad-punycode": (("resources.mynewsdesk.com", "xn--zz.mynewsdesk.com"), [("SL302", 22, 19)], None),
    "user-info": ((WEB_LINE, WEB_LINE.replace("police.uk/", "police.uk@evil.example/")), [("SL302", 7, 18)], None),
    "port-out-of-range": ((WEB_LINE, WEB_LINE.replace("police.uk/", "police.uk:99999/")), [("SL302", 7, 9)], None),
    "unknown-suffix": (("resources.mynewsdesk.com", "resources.mynewsdesk.comm"), [("SL303", 22, 19)], None),
    "host-is-suffix": (("resources.mynewsdesk.com", "co.uk"), [("SL303", 22, 19)], None),
    "trailing-space": (
        (AMP.replace("amp.", "www.") + '"', AMP.replace("amp.", "www.") + ' "'),
        [("SL304", 31, 85)],
        SEED,
    ),
    # an escaped line break: the column is the backslash of `\n`
    "escaped-newline": (
        (AMP.replace("amp.", "www.") + '"', AMP.replace("amp.", "www.") + '\\n"'),
        [("SL304", 31, 85)],
        SEED,
    ),
    "inner-space": (
        (WEB_LINE, WEB_LINE.replace("live-facial", "live facial")),
        [("SL304", 7, 46)],
        inject(WEB_LINE, WEB_LINE.replace("live-facial", "live%20facial")),
    ),
    "bad-percent": (("w_1782/", "w_1782%/"), [("SL305", 22, 113)], inject("w_1782/", "w_1782%25/")),
}


@pytest.mark.parametrize("case", SYNTAX_CASES.values(), ids=SYNTAX_CASES.keys())
def test_syntax_defects_are_reported_at_the_bad_characters(case):
    (old, new), expected, fixed = case
    found = sl3(inject(old, new))
    assert where(found) == expected
    if fixed is None:
        assert found[0].fix is None
    else:
        assert apply_fix(inject(old, new), found[0].fix) == fixed
        # a scheme or a `%` is guessed (may change the address); whitespace is read as every browser reads it
        assert found[0].fix.applicability is SYNTAX_FIX_SAFETY[found[0].code]


SYNTAX_FIX_SAFETY = {"SL301": Applicability.UNSAFE, "SL304": Applicability.SAFE, "SL305": Applicability.UNSAFE}


def test_html_escaped_ampersand_in_an_image_url_is_unescaped_exactly():
    damaged = inject("google-amp&fit", "google-amp&#038;fit", SEED_004)
    [diagnostic] = sl3(damaged)
    assert where([diagnostic]) == [("SL306", 33, 190)]
    assert diagnostic.fix.applicability is Applicability.SAFE
    assert apply_fix(damaged, diagnostic.fix) == SEED_004


def test_scheme_messages_say_what_would_be_right():
    [misspelled] = sl3(inject('webUrl: "https:', 'webUrl: "htps:'))
    assert misspelled.message == "webUrl has the unknown scheme `htps:`: did you mean `https`?"
    assert misspelled.fix.applicability is Applicability.UNSAFE
    [javascript] = sl3(inject('webUrl: "' + WEB, 'webUrl: "javascript:alert(1)'))
    assert "runs code" in javascript.message and "only `https:` and `http:`" in javascript.message


def test_whitespace_fix_is_safe_and_reads_like_a_browser():
    [diagnostic] = sl3(inject(WEB_LINE, WEB_LINE.replace("live-facial", "live facial")))
    assert diagnostic.fix.applicability is Applicability.SAFE
    assert diagnostic.message == (
        "webUrl contains a space (first at character 37): URLs cannot hold raw whitespace; it should read "
        "`https://news.met.police.uk/news/live%20facial-recognition-used-in-croydon-478451`"
    )


@pytest.mark.parametrize(
    ("end", "read"),
    [(" ", ""), ("\t", ""), ("\u00a0", "%C2%A0"), ("\u3000", "%E3%80%80")],
    ids=["space", "tab", "no-break-space", "ideographic-space"],
)
def test_whitespace_at_the_end_is_read_as_the_whatwg_parser_reads_it(end, read):
    # It strips only C0 controls and spaces at the ends: a no-break space there is part of the address requested
    # (the "safe" fix deleted it, changing the address).
    [diagnostic] = sl3(inject(WEB_LINE, WEB_LINE.replace('478451"', f'478451{end}"')))
    assert diagnostic.fix.applicability is Applicability.SAFE
    assert diagnostic.message.endswith(
        f"it should read `https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478451{read}`"
    )


def test_root_relative_provider_logo_is_the_sites_own_asset():
    text = inject(
        "  domain: police.uk\n",
        "  domain: police.uk\n  images:\n    - url: /assets/images/organizations/police.uk-50x50.jpg\n",
    )
    assert sl3(text) == []
    # the same path as an article image is not resolvable
    assert where(sl3(inject('url: "https://resources.mynewsdesk.com', 'url: "'))) == [("SL301", 22, 11)]


# Consistency --------------------------------------------------------------------------------------


def test_webUrl_on_another_domain_than_the_provider():
    [diagnostic] = sl3(inject("  domain: police.uk", "  domain: bbc.co.uk"))
    assert where([diagnostic]) == [("SL307", 7, 9)]
    assert diagnostic.message == (
        "webUrl is on `news.met.police.uk`, not on the provider's domain `bbc.co.uk` (provider.domain, line 15): "
        "the URL or the provider belongs to another item"
    )


def test_video_hosted_on_youtube_is_not_on_the_provider_domain_by_design():
    path = FIXTURES / "powerapps-news/2019-08-19-microsoft-power-apps-2019-release-wave-2-overview.md"
    text = path.read_text(encoding="utf-8")
    assert "type: video" in text and "youtube.com" in text and "domain: microsoft.com" in text
    assert sl3(text) == []
    assert [d.code for d in sl3(text.replace("type: video", "type: article", 1))] == ["SL307"]


def test_amp_url_of_another_site():
    found = sl3(inject(AMP, AMP.replace("amp.tri-cityherald.com", "amp.example.org")))
    assert where(found) == [("SL308", 32, 16), ("SL309", 33, 32)]  # the cache URL no longer matches either


def test_amp_host_carrying_the_site_name_is_the_same_site():
    # The Economic Times serves AMP pages from m.economictimes.com for economictimes.indiatimes.com articles.
    text = inject(AMP, "https://m.economictimes.com/opinion/a.cms")
    text = inject(CDN, weburl.amp_cache_url("https://m.economictimes.com/opinion/a.cms"), text)
    text = inject(
        "https://www.tri-cityherald.com/opinion/editorials/article284663040.html",
        "https://economictimes.indiatimes.com/opinion/a.cms",
        text,
    )
    text = inject("domain: tri-cityherald.com", "domain: indiatimes.com", text)
    assert sl3(text) == []


def test_cdn_amp_url_is_rewritten_from_amp_url():
    damaged = inject(CDN, CDN.replace("article284663040.html", "article284663041.html"))
    [diagnostic] = sl3(damaged)
    assert where([diagnostic]) == [("SL309", 33, 132)]  # the first character that differs
    assert diagnostic.fix.applicability is Applicability.SAFE
    assert apply_fix(damaged, diagnostic.fix) == SEED


def test_cdn_amp_url_without_amp_url():
    [diagnostic] = sl3(inject(f'    ampWebUrl: "{AMP}"\n', ""))
    assert where([diagnostic]) == [("SL309", 32, 19)] and diagnostic.fix is None


def test_original_url_on_another_site_than_web_url():
    assert where(sl3(inject('originalUrl: "https://news.met.police.uk', 'originalUrl: "https://www.bbc.co.uk'))) == [
        ("SL310", 6, 14)
    ]


def test_http_amp_page_of_an_https_article_is_upgraded_with_its_cdn_url():
    http_amp = AMP.replace("https:", "http:")
    damaged = inject(CDN, weburl.amp_cache_url(http_amp), inject(AMP, http_amp))
    assert "/c/amp.tri-cityherald.com" in damaged  # the cache form of an http page has no `s/`
    [diagnostic] = sl3(damaged)
    assert where([diagnostic]) == [("SL311", 32, 17)]
    assert diagnostic.fix.applicability is Applicability.UNSAFE
    assert apply_fix(damaged, diagnostic.fix) == SEED  # both ampWebUrl and cdnAmpWebUrl


def test_http_image_of_a_host_never_seen_on_https_is_left_alone():
    assert sl3(inject('url: "https://resources', 'url: "http://resources')) == []
    image_on_web_host = inject(
        'url: "https://resources.mynewsdesk.com', 'url: "http://news.met.police.uk'
    )  # webUrl's host
    assert where(sl3(image_on_web_host)) == [("SL311", 22, 11)]


def test_an_entry_remembered_without_http_urls_still_witnesses_https_for_the_rest_of_its_document():
    # (checking an entry's URLs for `http:` is skipped once it was found without one: its https hosts still count)
    assert where(sl3(SEED)) == []  # related[0] (all https, www.tri-cityherald.com) is remembered so
    image_on_entry_host = inject('url: "https://resources.mynewsdesk.com', 'url: "http://www.tri-cityherald.com')
    [diagnostic] = sl3(image_on_entry_host)
    assert where([diagnostic]) == [("SL311", 22, 11)]
    assert "(related[0].webUrl, line 31)" in diagnostic.message


def test_tracking_parameters_are_removed_keeping_every_other_byte():
    damaged = inject(WEB_LINE, WEB_LINE[:-1] + '?utm_source=twitter&utm_medium=social"')
    [diagnostic] = sl3(damaged)
    assert where([diagnostic]) == [("SL312", 7, 89)]
    assert diagnostic.severity.value == "info" and diagnostic.fix.applicability is Applicability.UNSAFE
    assert apply_fix(damaged, diagnostic.fix) == SEED


def test_tracking_parameter_in_a_real_plain_scalar():
    path = FIXTURES / "ai-news/2019-12-21-computer-vision-and-the-ccpa-what-you-need-to-know.md"
    text = path.read_text(encoding="utf-8")
    [diagnostic] = sl3(text)
    fixed = apply_fix(text, diagnostic.fix)
    assert (
        fixed.splitlines()[5]
        == "webUrl: https://medium.com/trueface-ai/computer-vision-and-the-ccpa-what-you-need-to-know-928477de0601"
    )
    assert fixed.splitlines()[:5] + fixed.splitlines()[6:] == text.splitlines()[:5] + text.splitlines()[6:]


def test_tracking_fix_of_an_amp_url_rewrites_its_cdn_url():
    path = (
        FIXTURES
        / "ai-news/2020-02-11-clearview-ais-false-claims-of-accuracy-increase-the-dangers-of-its-face-recognition-"
        "software.md"
    )
    text = path.read_text(encoding="utf-8")
    amp_diagnostic = next(d for d in sl3(text) if d.line == 82)
    lines = apply_fix(text, amp_diagnostic.fix).splitlines()
    assert (
        lines[81]
        == '    ampWebUrl: "https://gizmodo.com/moscow-using-facial-recognition-to-enforce-coronavirus-1841830557/amp"'
    )
    assert (
        lines[82]
        == '    cdnAmpWebUrl: "https://gizmodo-com.cdn.ampproject.org/c/s/gizmodo.com/moscow-using-facial-recognition-to-enforce-coronavirus-1841830557/amp"'
    )
    assert lines[80] == text.splitlines()[80]  # webUrl has its own diagnostic and fix


# weburl helpers -----------------------------------------------------------------------------------


def test_without_tracking_keeps_identity_parameters_and_fragment():
    assert (
        weburl.without_tracking("https://www.c-span.org/video/?469047-1/x&utm_source=a#t=5")
        == "https://www.c-span.org/video/?469047-1/x#t=5"
    )
    assert weburl.without_tracking("https://a.com/x?id=3&itm_source=b&p=%20") == "https://a.com/x?id=3&p=%20"
    assert weburl.without_tracking("https://a.com/x?utm_medium=a") == "https://a.com/x"


def test_site_and_public_suffix():
    assert weburl.site("news.met.police.uk") == "met.police.uk"
    assert weburl.site_name("m.economictimes.com") == "economictimes"
    assert weburl.public_suffix("example.comm") is None
    assert weburl.public_suffix("bücher.de") == "de"
    assert not weburl.is_public_suffix("s3.ap-southeast-1.amazonaws.com")  # a bucket host, not a suffix


# Robustness -------------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from seedlint.document import parse_document  # noqa: E402
from seedlint.edits import double_quoted  # noqa: E402

URLISH = st.lists(
    st.sampled_from(
        list("hHtps:/.-_%@[]?#&;=~ ab01\t\u00e9\u200bxn") + ["https://", "www.", ".com", "%2", "&amp;", "utm_a="]
    ),
    max_size=20,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(URLISH)
def test_any_url_value_gives_diagnostics_never_an_exception(value):
    text = inject(WEB_LINE, "webUrl: " + double_quoted(value))
    for diagnostic in sl3(text):
        if diagnostic.fix is not None:  # every fix leaves a document that parses, changed only at webUrl
            fixed = parse_document(apply_fix(text, diagnostic.fix).encode(), SEED_PATH, "doc.md")
            original = parse_document(text.encode(), SEED_PATH, "doc.md")
            assert fixed.ok and {k: v for k, v in fixed.data.items() if k != "webUrl"} == {
                k: v for k, v in original.data.items() if k != "webUrl"
            }


SEED_PATH = FIXTURES / "seeds/000_c11209e5b5b8f7fd.txt"


@pytest.mark.parametrize(
    ("host", "subdomain"),
    [
        ("www.example.com", "www-example-com"),
        ("hello--world.com", "hello----world-com"),
        # a host of another script: its letters, not its punycode, are doubled and joined, then punycode again
        ("bücher.police.uk", "xn--bcher-police-uk-zvb"),
        ("xn--bcher-kva.police.uk", "xn--bcher-police-uk-zvb"),
        # over 63 characters once joined: the SHA-256 of the host, in base32
        ("a" * 30 + "." + "b" * 30 + ".police.uk", "7cus453j6derimvdsxrx4ik7gk7qvuuxyywd3i75bf5n3vxqopaa"),
    ],
)
def test_the_amp_cache_subdomain_is_the_caches_own(host, subdomain):
    # (SL309 expected `bücher-police-uk`, `xn----bcher--kva-police-uk` and a 70-character label, and its safe fix
    # wrote them)
    assert weburl.amp_cache_subdomain(host) == subdomain
    assert weburl.amp_cache_url(f"https://{host}/amp/x") == f"https://{subdomain}.cdn.ampproject.org/c/s/{host}/amp/x"


@pytest.mark.parametrize(
    ("query", "marked", "fixed"),
    [
        ("?a=1&utm_source=x&b=2", "utm_source=x", "?a=1&b=2"),
        ("?utm_source=x#frag", "utm_source=x", "#frag"),
        ("?a=%7E&utm_campaign=z&c=d=e", "utm_campaign=z", "?a=%7E&c=d=e"),
        ("?utm_source=x&&b=2", "utm_source=x", "?b=2"),
        ("?utm_source=x&utm_medium=y", "utm_source=x&utm_medium=y", ""),
    ],
)
def test_a_tracking_parameter_is_marked_alone_and_removed_alone(query, marked, fixed):
    # (the mark ran to the end of the address, over the parameters and the fragment after it; `&&` left `?&b=2`)
    text = inject(WEB_LINE, WEB_LINE.replace('478451"', f'478451{query}"'))
    [diagnostic] = [d for d in sl3(text) if d.code == "SL312"]
    line = text.split("\n")[diagnostic.line - 1]
    assert line[diagnostic.column - 1 : diagnostic.end_column - 1] == marked
    assert WEB_LINE.replace('478451"', f'478451{fixed}"') in apply_fix(text, diagnostic.fix)


def test_a_bad_percent_beside_whitespace_is_pointed_at_and_says_when_its_fix_comes(tmp_path):
    # (the whole value was pointed at, from its opening quote, and the fix left out without a word)
    path = write(tmp_path, '---\nwebUrl: "https://news.met.police.uk/news/x%zz?a=1 "\n---\n')
    [found] = [
        (d.code, d.line, d.column, d.end_column, d.message, d.fix)
        for d in check_paths(path).diagnostics
        if d.code == "SL305"
    ]
    assert found[:4] == ("SL305", 2, 43, 44)
    assert found[4:] == (
        "webUrl has a `%` not followed by two hexadecimal digits (`%zz`): write a literal percent sign as `%25` "
        "(fixable once the other findings on this address are fixed)",
        None,
    )


def test_tracking_parameters_beside_an_escaped_ampersand_name_the_address_it_unescaped(tmp_path):
    # (`&amp;y=1` was read as a parameter `amp;y`: "the article's address is `…?amp;y=1`", and its fix wrote that)
    path = write(tmp_path, '---\nwebUrl: "https://news.met.police.uk/news/x?utm_source=x&amp;y=1"\n---\n')
    [tracking] = [d for d in check_paths(path).diagnostics if d.code == "SL312"]
    assert (tracking.line, tracking.column, tracking.end_column, tracking.fix) == (2, 44, 56, None)
    assert tracking.message == (
        "webUrl carries the tracking parameter `utm_source`; the article's address is "
        "`https://news.met.police.uk/news/x?y=1` (fixable once its `&amp;` is unescaped: SL306)"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # SL302 also said the host `www%20bbc.com` was invalid: a `%20` that is not in the document.
        (
            "https://www bbc.com/news/a",
            [("SL304", 21, "webUrl contains a space (first at character 12): a host cannot contain whitespace")],
        ),
        # SL403 reported the same character at the same place, and SL304 called it whitespace.
        (
            "https://www.bbc.com/news/uk\\x01",
            [
                (
                    "SL304",
                    37,
                    "webUrl contains U+0001 (first at character 28): URLs cannot hold raw whitespace or control "
                    "characters; it should read `https://www.bbc.com/news/uk`",
                )
            ],
        ),
    ],
)
def test_whitespace_or_a_control_in_an_address_is_one_finding_naming_what_is_there(tmp_path, url, expected):
    # (found fuzzing the rules' precision)
    path = write(tmp_path, f'---\nwebUrl: "{url}"\n---\n')
    found = [(d.code, d.column, d.message) for d in check_paths(path).diagnostics if d.code[:3] in ("SL3", "SL4")]
    assert found == expected


def test_bad_percents_are_counted_as_the_fix_changes_them_all(tmp_path):
    # (the message named the first, the fix encoded both: found fuzzing the rules' precision)
    path = write(tmp_path, '---\nwebUrl: "https://www.bbc.com/news/a%zz/%2"\n---\n')
    [found] = [d for d in check_paths(path).diagnostics if d.code == "SL305"]
    assert found.message == (
        "webUrl has a `%` not followed by two hexadecimal digits (`%zz`, and 1 more): write a literal percent sign "
        "as `%25`"
    )
