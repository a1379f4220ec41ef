"""The memos that workers keep across a corpus (seedlint/memo.py): exact answers, bounded size."""

import subprocess
import sys

from seedlint.memo import Answers, Memo, digest


def test_a_memo_answers_what_was_put_and_nothing_else():
    memo = Memo()
    clean, invalid = digest(("title", "A")), digest(("title", "B"))
    memo.put(clean)
    memo.put(invalid, False)
    memo.put("https://example.com/a")
    assert (memo.get(clean), memo.get(invalid), memo.get(digest(("title", "C")))) == (True, False, None)
    assert (clean in memo, invalid in memo, "https://example.com/a" in memo, "https://example.com/b" in memo) == (
        True,
        True,
        True,
        False,
    )
    memo.put(invalid)  # (answered again: the last answer holds)
    assert memo.get(invalid) is True


def test_digests_that_differ_only_by_leading_zero_bytes_are_two_keys():
    memo = Memo()
    memo.put(b"\x00a")
    assert (memo.get(b"a"), memo.get(b"\x00a"), memo.get(b"\x00\x00a")) == (None, True, None)


def test_a_full_memo_forgets_everything_and_starts_again():
    memo = Memo(limit=2)
    memo.put(b"1")
    memo.put(b"2", False)
    memo.put(b"3")
    assert (memo.get(b"1"), memo.get(b"2"), memo.get(b"3")) == (None, None, True)


def test_findings_are_computed_until_a_value_is_found_clean():
    memo, calls = Memo(), []

    def find(value: str) -> list[str]:
        calls.append(value)
        return [] if value == "clean" else [f"bad {value}"]

    assert memo.findings(b"k1", find, "dirty") == ["bad dirty"]
    assert memo.findings(b"k1", find, "dirty") == ["bad dirty"]  # (a finding is never remembered)
    assert memo.findings(b"k2", find, "clean") == []
    assert memo.findings(b"k2", find, "clean") == []
    assert memo.findings(None, find, "clean") == []
    assert calls == ["dirty", "dirty", "clean", "clean"]


def test_memos_sharing_a_table_answer_each_for_itself():
    table = Answers()
    first, second, third = Memo(shared=table), Memo(shared=table), Memo(shared=table)
    key = digest({"title": "A"})
    first.put(key)
    second.put(key, False)
    assert (first.get(key), second.get(key), third.get(key)) == (True, False, None)
    assert (key in first, key in second, key in third) == (True, True, False)
    second.put(key)  # (answered again: the last answer holds, the other memos' answers stay)
    first.put(key, False)
    assert (first.get(key), second.get(key), third.get(key)) == (False, True, None)
    assert third.findings(key, lambda: ["bad"]) == ["bad"]  # (the others' answers are not its own)
    assert len(table.flags) == 1  # (one key for all three)


def test_a_full_shared_table_forgets_for_every_memo_but_not_for_a_key_it_holds():
    table = Answers(limit=2)
    first, second = Memo(shared=table), Memo(shared=table)
    first.put(b"1")
    second.put(b"2")
    first.put(b"2")  # (a key it holds: nothing forgotten)
    assert (first.get(b"1"), first.get(b"2"), second.get(b"2")) == (True, True, True)
    second.put(b"3")
    assert (first.get(b"1"), first.get(b"2"), second.get(b"2"), second.get(b"3")) == (None, None, None, True)


def test_a_table_has_at_most_four_memos_and_their_flags_stay_small_integers():
    table = Answers()
    memos = [Memo(shared=table) for _ in range(6)]
    assert [memo.table is table for memo in memos] == [True] * 4 + [False] * 2
    for memo in memos:
        memo.put(b"k")
    assert table.flags == {b"k": 255}
    assert [memo.get(b"k") for memo in memos] == [True] * 6


def test_a_worker_holds_one_table_for_the_memos_of_related_entries():
    """What the fork server loads (seedlint/preload.py), in a fresh interpreter: the URL and encoding rules' entry memos
    and the packaged schema's share the one table."""
    script = (
        "import seedlint.preload\n"
        "from seedlint import memo, schema\n"
        "from seedlint.rules import encoding, urls\n"
        "memos = (urls._ENTRIES_WITHOUT_HTTP, urls._CLEAN_ENTRIES, encoding._CLEAN_ENTRIES)\n"
        "memos += (schema.fast_check().known,)\n"
        "print([m.table is memo.ENTRY_ANSWERS for m in memos], memo.ENTRY_ANSWERS.memos)\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert shown == "[True, True, True, True] 4\n"
