"""SL1: schema violations injected into real documents, each one positioned diagnostic with a clear message;
and every real fixture document passes the schema."""

from pathlib import Path

import pytest
from conftest import FIXTURES, check_paths, seed_text, write

from seedlint.config import Config

SEED = seed_text()
VIDEO = (FIXTURES / "powerapps-news" / "2019-08-19-microsoft-power-apps-2019-release-wave-2-overview.md").read_text(
    encoding="utf-8"
)
SL1_ONLY = Config(root=Path.cwd(), select=["SL1"])


def sl1(tmp_path, text):
    result = check_paths(write(tmp_path, text), config=SL1_ONLY)
    return [(d.code, d.line, d.column, d.message) for d in result.diagnostics]


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (
            lambda t: t.replace('title: "Live facial recognition helps deliver justice in Croydon"\n', "", 1),
            ("SL101", 2, 1, "missing required field `title`"),
        ),
        (
            lambda t: t.replace(
                '    webUrl: "https://www.tri-cityherald.com/opinion/editorials/article284663040.html"\n', "", 1
            ),
            ("SL101", 28, 5, "missing required field `webUrl` in related[0]"),
        ),
        (
            lambda t: t.replace("title:", "titel:", 1),
            ("SL102", 3, 1, "unknown field `titel`; did you mean `title`?"),
        ),
        (
            lambda t: t.replace("    quality: 28", "    qualtiy: 28", 1),
            ("SL102", 38, 5, "unknown field `related[0].qualtiy`; did you mean `quality`?"),
        ),
        (
            lambda t: t.replace("quality: 39", 'quality: "39"', 1),
            ("SL103", 9, 10, '`quality` must be an integer, found string "39"'),
        ),
        (
            lambda t: t.replace("published: false", "published: 'no'", 1),
            ("SL103", 11, 12, '`published` must be true or false, found string "no"'),
        ),
        (
            lambda t: t.replace("type: article\n", "type: artcle\n", 1),
            ("SL104", 8, 7, '`type` is "artcle"; expected one of "article", "video"; did you mean "article"?'),
        ),
        (
            lambda t: t.replace("    width: 1782", "    width: 0", 1),
            ("SL105", 23, 12, "`images[0].width` is 0, below the minimum 1"),
        ),
        (
            lambda t: t.replace("quality: 39", "quality: -3", 1),
            ("SL105", 9, 10, "`quality` is -3, below the minimum 0"),
        ),
        (
            lambda t: t.replace("    cdnAmpWebUrl: ", "    # cdnAmpWebUrl: ", 1),
            ("SL101", 32, 5, "`related[0].ampWebUrl` requires `cdnAmpWebUrl` beside it"),
        ),
    ],
    ids=[
        "missing-title",
        "missing-related-webUrl",
        "misspelled-top",
        "misspelled-nested",
        "quoted-int",
        "bool",
        "enum",
        "width-0",
        "negative-quality",
        "amp-pair",
    ],
)
def test_schema_violations_in_a_real_document(tmp_path, damage, expected):
    assert sl1(tmp_path, damage(SEED)) == [expected]


def test_video_items_must_not_carry_a_web_url(tmp_path):
    text = VIDEO.replace("type: video\n", 'type: video\nwebUrl: "https://youtube.com/watch?v=WJk-Y8LQlfE"\n', 1)
    assert sl1(tmp_path, text) == [("SL107", 8, 1, '`webUrl` is not allowed (when type is "video")')]


def test_video_items_need_their_embed(tmp_path):
    start = VIDEO.index("featuredContent:")
    text = VIDEO[:start] + VIDEO[VIDEO.index("\n", start) + 1 :]
    assert sl1(tmp_path, text) == [("SL101", 2, 1, 'missing required field `featuredContent` (when type is "video")')]


def test_articles_need_a_web_url(tmp_path):
    text = SEED.replace(
        'webUrl: "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478451"\n', "", 1
    )
    assert sl1(tmp_path, text) == [("SL101", 2, 1, 'missing required field `webUrl` (when type is "article")')]


def test_secured_token_form(tmp_path):
    text = SEED.replace('secured: "ALcQ', 'secured: "AL cQ', 1)
    [(code, line, column, message)] = sl1(tmp_path, text)
    assert (code, line, column) == ("SL106", 40, 10)
    assert message.endswith("(The site's encrypted token: base64 ciphertext and base64 IV separated by ';')")


@pytest.mark.parametrize("folder", ["seeds", "ai-news", "powerapps-news", "azure-news"])
def test_every_real_fixture_document_passes_the_schema(folder):
    # No real document of ../shared/corpus fails the schema (tools/rule_counts.py --select SL1 on all four
    # folders gives 0 diagnostics on 5,717 documents), so there is no exception to name here.
    result = check_paths(FIXTURES / folder, config=SL1_ONLY)
    assert len(result.paths) > 4
    assert result.diagnostics == []
