"""The topic vocabulary (seedlint/vocabulary.py): what a YAML vocabulary file may name, and where its errors are."""

import pytest
from conftest import FIXTURES, run_split

from seedlint.vocabulary import VocabularyError, load_vocabulary

TEXT = "not text: quote it if it is a topic"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        # Nothing is constructed from a tag, but the tagged name became the text of what was built: "['echo PWNED']".
        (
            'name: !!python/object/apply:os.system ["echo PWNED"]\n',
            "1:7: tag !!python/object/apply:os.system is not allowed: a vocabulary is plain YAML, its topic names text",
        ),
        ("- AI\n- !topic ML\n", "2:3: tag !topic is not allowed: a vocabulary is plain YAML, its topic names text"),
        (
            "name: AI\nkeywords: [ai, !!binary aGk=]\n",
            "2:16: tag !!binary is not allowed: a vocabulary is plain YAML, its topic names text",
        ),
        # A name YAML reads as something else than text was its Python text: "42", "True", "None", "['a']".
        ("name: 42\n", f"1:7: `name` is a number, {TEXT}"),
        ("taxonomy: topic\nname: 2020-01-01\n", f"2:7: `name` is a date, {TEXT}"),
        ("name:\nkeywords: [ai]\n", "1:6: `name` is empty, not text"),
        # A blank name names no topic: every document's topics were unknown (SL603), silently.
        ('name: ""\nkeywords: [ai]\n', "1:7: `name` is blank, not a topic"),
        ("- AI\n- '  '\n", "2:3: a topic name is blank, not a topic"),
        ("name: [AI, ML]\n", "1:7: `name` is a list, not text"),
        ("- AI\n- yes\n", f"2:3: a topic name is a boolean, {TEXT}"),
        ("- name: AI\n- name: !!int '7'\n", f"2:9: `name` is a number, {TEXT}"),
        # YAML keeps the last of two `name` keys: one of the topics was dropped silently.
        (
            "taxonomy: topic\nname: AI\nshortname: AI\nname: ML\n",
            "4:1: duplicate key `name` (first on line 2): YAML keeps only the last; give each topic its own mapping",
        ),
        # Front matter: lines count from the file's first, the `---` line (as for a syntax error).
        ("---\nname: AI\nname: ML\n---\ntext\n", "3:1: duplicate key `name` (first on line 2): YAML keeps only"),
        ("---\nname: [\n---\n", "3:1: not valid YAML: did not find expected node content"),
    ],
)
def test_a_name_that_is_not_plain_text_is_refused_at_its_line(tmp_path, content, problem):
    vocabulary = tmp_path / "v.yaml"
    vocabulary.write_text(content)
    with pytest.raises(VocabularyError) as refused:
        load_vocabulary(vocabulary, "v.yaml")
    assert str(refused.value).startswith(f"topic vocabulary {vocabulary}:{problem}")


def test_plain_names_quoted_or_written_as_text_are_read(tmp_path):
    """What was read before is read the same: plain, quoted and `!!str` names, mappings without `name` skipped, a
    name merged in with `<<`, a tag that YAML itself defines elsewhere in a taxonomy, and the real taxonomy folder."""
    text = "- AI\n- '42'\n- !!str 2020\n- name: \"Power Apps\"\n  keywords: !!seq [x]\n- other: 1\n"
    text += "- &b {name: M}\n- <<: *b\n"
    (tmp_path / "v.yaml").write_text(text)
    assert load_vocabulary(tmp_path / "v.yaml") == {"AI", "42", "2020", "Power Apps", "M"}
    assert len(load_vocabulary(FIXTURES / "powerapps-data" / "topics")) == 7


def test_the_command_line_says_it_as_one_usage_error(isolated_cwd):
    (isolated_cwd / "v.yaml").write_text('name: !!python/object/apply:os.system ["echo PWNED"]\n')
    (isolated_cwd / "seedlint.toml").write_text('topics = "v.yaml"\n')
    status, stdout, stderr = run_split("check")
    assert (status, stdout) == (2, "") and stderr.endswith(
        f"Error: topic vocabulary {isolated_cwd.resolve() / 'v.yaml'}:1:7: tag !!python/object/apply:os.system is "
        "not allowed: a vocabulary is plain YAML, its topic names text\n"
    )
