"""What the editor's completion reads from the lines above the cursor (seedlint/server/context.py), without a parse."""

import pytest

from seedlint.server.context import LineContext, line_context

TEXT = """---
title: "A"
provider:
  name: Petri
  dom
related:
  - title: "B"
    provider:
      na
  - webUrl: https://x
    topics:
      - Az
  -\x20
images:
  - url: https://i
    w
---
"""


def at(marker: str) -> int:
    """The offset just after the first `marker` in TEXT."""
    return TEXT.index(marker) + len(marker)


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("title", LineContext("key", (), "title", 4)),
        ('title: "A', LineContext("value", ("title",), "A", 12)),
        ("  dom", LineContext("key", ("provider",), "dom", at("  dom") - 3)),
        ("      na", LineContext("key", ("related", "*", "provider"), "na", at("      na") - 2)),
        # a word after a dash may start a key of a mapping item or be the item itself: completion offers both
        ("      - Az", LineContext("key", ("related", "*", "topics", "*"), "Az", at("      - Az") - 2)),
        ("  -\x20", LineContext("value", ("related", "*"), "", at("  -\x20"))),
        ("    w", LineContext("key", ("images", "*"), "w", at("    w") - 1)),
        ("  - webUrl: https://x", LineContext("value", ("related", "*", "webUrl"), "https://x", at("webUrl: "))),
    ],
)
def test_the_path_being_typed_is_read_from_the_indentation_above(marker, expected):
    assert line_context(TEXT, at(marker), TEXT.index("\n") + 1) == expected


def test_a_list_item_with_no_key_above_it_has_no_context():
    text = "---\n- a: 1\n  b\n---\n"
    assert line_context(text, text.index("  b") + 3, 4) is None


def test_nothing_before_the_front_matter_has_a_context():
    assert line_context(TEXT, 2, TEXT.index("\n") + 1) is None
