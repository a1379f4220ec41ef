"""SL6: the secured token, image sizes, topics and text fields, on a real seed with injected defects."""

from pathlib import Path

import pytest
from conftest import FIXTURES, apply_fix, check_paths, lint_text, seed_text
from hypothesis import assume, given
from hypothesis import strategies as st

from seedlint import engine
from seedlint.config import Config
from seedlint.discovery import discover
from seedlint.document import parse_document
from seedlint.invisible import INVISIBLE
from seedlint.rules import fields

SEED = seed_text()
TOKEN_IV = ";IQyw7PXpbSeUeX7Q22Lj0A=="


def found(text: str, config: Config | None = None):
    doc = parse_document(text.encode(), Path("doc.md"), "doc.md")
    return [(d.code, d.line, d.column, d.message) for d in fields.check(doc, config or Config(root=Path.cwd()))]


def secured(ciphertext: str, iv: str = TOKEN_IV[1:]) -> str:
    start = SEED.index('secured: "')
    return SEED[:start] + f'secured: "{ciphertext};{iv}"\n---\n' + SEED[SEED.index("\n---\n", start) + 5 :]


def test_real_secured_token_decodes():
    assert found(SEED) == []


@pytest.mark.parametrize(
    ("ciphertext", "iv", "message"),
    [
        (
            "c2hvcnQ=",
            TOKEN_IV[1:],
            "secured token cannot be decrypted: the ciphertext decodes to 5 bytes, not a non-empty multiple of 16",
        ),
        ("QUJDREVGR0hJSktMTU5PUA==", "QUJD", "secured token cannot be decrypted: the IV decodes to 3 bytes, not 16"),
        ("QUJDREVGR0hJSktMTU5PUA=", TOKEN_IV[1:], "secured token is not valid base64: Incorrect padding"),
    ],
    ids=["short-ciphertext", "short-iv", "bad-padding"],
)
def test_secured_token_that_cannot_be_decrypted(ciphertext, iv, message):
    assert found(secured(ciphertext, iv)) == [("SL601", 40, 10, message)]


def test_image_width_disagreeing_with_the_url():
    # the seed's image URL says w_1782 and ar_16:9; 1782x1002 agrees with both
    assert found(SEED.replace("    width: 1782", "    width: 1280", 1)) == [
        ("SL602", 23, 12, "images[0].width is 1280 but the image URL states width 1782")
    ]
    assert found(SEED.replace("    height: 1002", "    height: 1300", 1)) == [
        (
            "SL602",
            24,
            13,
            "images[0] is 1782x1300 but the image URL states aspect ratio 16:9 (height 1002 for width 1782)",
        )
    ]


def test_stated_sizes():
    assert fields.stated_size("https://cdn.vox-cdn.com/thumbor/x=/0x0:2040x1360/1400x933/filters:focal(1x2:3x4)/a.jpg")[
        3
    ] == (1400, 933)
    assert fields.stated_size("https://i.ytimg.com/vi/WJk/maxresdefault.jpg") == (None, None, None, None)
    # (real azure-news addresses) the size the image was resized to, said unambiguously ...
    for url, box in [
        (
            "https://cnet1.cbsistatic.com/img/IxXdPYP12dIlVU2KQR_njg7CUPU=/756x567/2020/01/23/ee/markey-getty.jpg",
            (756, 567),
        ),
        ("https://zdnet1.cbsistatic.com/hub/i/r/2019/04/20/93/resize/1200x900/350c937a/03-optional.jpg", (1200, 900)),
        (
            "https://cf-images.us-east-1.prod.boltdns.net/v1/static/5618/98982b80/f123b10c/1280x720/match/image.jpg",
            (1280, 720),
        ),
        ("https://media.datacenterdynamics.com/media/images/DGX_A100.2e16d0ba.fill-1200x630.png", (1200, 630)),
        ("https://cdn.geekwire.com/wp-content/uploads/2020/06/inhealth_hero1920x1080-1024x576.jpg", (1024, 576)),
    ]:
        assert fields.stated_size(url)[3] == box, url
    # ... and `WxH` that says nothing of this image: a folder of a size class, an uploaded file's original name
    for url in [
        "https://d2bs8hqp6qvsw6.cloudfront.net/article/images/800x800/promoted_content/promo/azure.jpg",
        "https://mms.businesswire.com/media/20200512005295/en/763374/23/CM2019263_-_custom_logo-250x100.jpg",
        "https://assets.bwbx.io/images/users/iqjWHBFdfxIU/iaeiKH24bDoo/v1/1200x800.jpg",
    ]:
        assert fields.stated_size(url)[3] is None, url


def test_a_rendition_declared_at_a_smaller_size_with_its_aspect_ratio_is_no_mismatch():
    url = "https://media.datacenterdynamics.com/media/images/zoom_business_meeting.2e16d0ba.fill-1200x630.jpg"
    image = f'images:\n  - url: "{url}"\n    width: {{}}\n    height: {{}}\n'
    rescaled = f"---\ntitle: x\n{image.format(1024, 539)}---\n"  # 1200x630 scaled to width 1024: 537.6
    assert [f[:2] for f in found(rescaled) if f[0] == "SL602"] == []
    cropped = f"---\ntitle: x\n{image.format(1024, 768)}---\n"
    assert [f for f in found(cropped) if f[0] == "SL602"] == [
        ("SL602", 5, 12, "images[0] is 1024x768 but the image URL states the size 1200x630")
    ]


def test_topics_against_a_vocabulary_folder():
    config = Config(root=FIXTURES, topics="powerapps-data/topics")
    text = SEED.replace("  - Computer Vision\n  - AI", "  - Power App\n  - Power Apps", 1)
    assert found(text, config) == [
        (
            "SL603",
            18,
            5,
            "topic `Power App` is not in the topic vocabulary (powerapps-data/topics); did you mean `Power Apps`?",
        )
    ]


def test_topics_against_a_text_vocabulary(tmp_path):
    (tmp_path / "topics.txt").write_text("AI\nComputer Vision\n")
    assert found(SEED, Config(root=tmp_path, topics="topics.txt")) == []


def test_rare_topic_spelling_without_a_vocabulary(tmp_path, monkeypatch):
    config = Config(root=FIXTURES, select=["SL604"])
    sources = discover([FIXTURES / "powerapps-news"], config)
    assert engine.run(sources, config).diagnostics == []  # the real sample has no near-spelled topic
    text = sources[0].path.read_text(encoding="utf-8").replace("  - Power Apps\n", "  - Power Appss\n", 1)
    monkeypatch.chdir(tmp_path)
    Path("misspelled.md").write_text(text, encoding="utf-8")
    [diagnostic] = engine.run(sources + discover([Path("misspelled.md")], config), config).diagnostics
    assert (diagnostic.path, diagnostic.code, diagnostic.line) == (
        "misspelled.md",
        "SL604",
        text.splitlines().index("  - Power Appss") + 1,
    )
    assert diagnostic.message.startswith("topic `Power Appss` is used only here; did you mean `Power Apps` (used in ")


def test_empty_and_whitespace_texts():
    assert found(
        SEED.replace('title: "Live facial recognition helps deliver justice in Croydon"', 'title: "  "', 1)
    ) == [("SL605", 3, 8, "title is only whitespace: write the article's headline")]
    # (a zero-width space alone: only SL405 was reported, and its fix left an empty title)
    assert found(
        SEED.replace('title: "Live facial recognition helps deliver justice in Croydon"', 'title: "\u200b"', 1)
    ) == [("SL605", 3, 8, "title holds only invisible characters: write the article's headline")]
    text = SEED.replace(
        'title: "Live facial recognition helps deliver justice in Croydon"',
        'title: " Live facial recognition helps deliver justice in Croydon\\t"',
        1,
    )
    [diagnostic] = lint_text(text, lambda doc, config: fields.check(doc, Config(root=Path.cwd())))
    assert (diagnostic.code, diagnostic.line, diagnostic.column, diagnostic.end_column) == (
        "SL606",
        3,
        9,
        10,
    )  # (the space)
    assert diagnostic.message == "title starts and ends with whitespace (' ', '\\t'): remove it"
    assert apply_fix(text, diagnostic.fix) == SEED


def test_title_equals_excerpt():
    start = SEED.index('excerpt: "')
    end = SEED.index("\n", start)
    text = SEED[:start] + 'excerpt: "Live facial recognition helps deliver justice in Croydon"' + SEED[end:]
    assert found(text) == [("SL607", 4, 10, "excerpt is the same text as the title: the article's summary is missing")]


def _blank_excerpt(text: str, prefix: str) -> str:
    start = text.index(prefix + 'excerpt: "') + len(prefix)
    return text[:start] + 'excerpt: ""' + text[text.index("\n", start) :]


def test_an_empty_excerpt_is_reported_on_the_document_not_on_its_copies():
    assert found(_blank_excerpt(SEED, "\n")) == [("SL608", 4, 10, "excerpt is empty: write the article's summary")]
    assert found(_blank_excerpt(SEED, "\n    ")) == []  # a related entry copies what its target says


def test_an_empty_related_title_is_an_error_but_related_whitespace_is_left_to_the_target():
    title = 'title: "Benton sheriff should impose strict oversight if county deploys facial recognition | Opinion"'
    assert found(SEED.replace(title, 'title: ""', 1)) == [
        ("SL605", 28, 12, "related[0].title is empty: copy the title of the article the entry names")
    ]
    assert found(SEED.replace(title, title[:-1] + ' "', 1)) == []


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[:], i
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
    return row[-1]


@given(st.text("abc", max_size=9), st.text("abc", max_size=9), st.integers(0, 3))
def test_the_banded_edit_distance_agrees_with_the_full_one(a, b, limit):
    assert fields.within_edits(a, b, limit) == (_levenshtein(a, b) <= limit)


@given(st.text("abcd ", min_size=4, max_size=40), st.data())
def test_the_spelling_index_finds_every_topic_within_two_edits(frequent, data):
    """The pigeonhole index is complete: whatever two edits make of a frequent topic, it is a candidate."""
    edited = list(frequent)
    for _ in range(data.draw(st.integers(0, 2))):
        at = data.draw(st.integers(0, len(edited)))
        kind = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        if kind == "insert":
            edited.insert(at, data.draw(st.sampled_from("abcdx ")))
        elif at < len(edited):
            if kind == "delete":
                del edited[at]
            else:
                edited[at] = data.draw(st.sampled_from("abcdx "))
    rare = "".join(edited)
    assume(len(rare) >= 3)
    assert frequent in fields.SpellingIndex([frequent, "unrelated topic"]).candidates(rare)


def test_near_spellings_are_within_two_edits_and_similar():
    index = fields.SpellingIndex(["Artificial Intelligence", "Machine Learning", "Power Apps", "AI", "Azure"])
    assert index.nearest("Artifical Inteligence") == "Artificial Intelligence"  # two letters dropped
    assert index.nearest("Machine Laerning") == "Machine Learning"  # two letters swapped
    assert index.nearest("Power Appss") == "Power Apps"
    assert index.nearest("Azur") == "Azure"
    assert index.nearest("Artfcal Intellgence") is None  # four edits: another topic, or a poor spelling
    assert index.nearest("AI") is None and index.nearest("A1") is None  # too short to call a misspelling
    assert index.nearest("Power BI") is None


def test_a_piece_most_topics_share_does_not_hide_the_match():
    """200 frequent topics share their first piece; the candidates come from the rarest pieces first."""
    topics = [f"Microsoft Azure {name}" for name in ("Functions", "Monitor", "Arc")] + [
        f"Microsoft Azure Zone {number:03}" for number in range(200)
    ]
    index = fields.SpellingIndex(topics)
    assert index.nearest("Microsoft Azure Monitr") == "Microsoft Azure Monitor"


@pytest.mark.parametrize(
    ("url", "found"),
    [
        # Wagtail's `fill` and WordPress's resized copies are the image's own size, not a box it fits in.
        ("https://x.com/a.fill-1024x900.jpg", True),
        ("https://x.com/wp-content/uploads/2020/01/a-1024x900.jpg", True),
        ("https://x.com/a.max-1024x900.jpg", False),  # (a box: 1024x576 fits in it)
        ("https://x.com/a.fill-1024x576.jpg", False),
        ("https://x.com/a.fill-2048x1152.jpg", False),  # (the same size scaled)
    ],
)
def test_an_exact_size_in_an_image_url_is_not_taken_for_a_box(tmp_path, url, found):
    # (a 1024x576 image at `.fill-1024x900.` passed: found fuzzing the rules' precision)
    path = tmp_path / "doc.md"
    path.write_text(f'---\nimages:\n  - url: "{url}"\n    width: 1024\n    height: 576\n---\n', encoding="utf-8")
    assert [d.code for d in check_paths(path).diagnostics if d.code == "SL602"] == (["SL602"] if found else [])


def test_no_invisible_character_is_ascii():
    # SL601/SL602 skip the invisible-character pass for an ASCII text (fields._check_texts): sound only while
    # every character the pattern removes is beyond ASCII.
    assert [code for code in range(128) if INVISIBLE.match(chr(code))] == []
