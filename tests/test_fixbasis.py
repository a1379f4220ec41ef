"""The fixer's fast path (seedlint/fixbasis.py): a fix verified on what the check kept from its parse of the old
text must write exactly what the verification on a second parse of it writes, and fall back to that parse
whenever what was kept does not settle it."""

import shutil

import pytest
from conftest import FIXTURES, SEEDS, run_cli, run_split

from seedlint import fixer
from seedlint.fixbasis import data_digest

# Real folders with fixes → (files fixed on the fast path, files fixed on the parse of their old text), safe fixes
# and with --unsafe-fixes. ai-news's safe fixes are all a related entry's stale copy rewritten (SL505: a fix the
# corpus rules find, which the check's parse did not see coming): those files are verified on the parse.
FOLDERS = {
    "azure-news": ((10, 0), (10, 0)),
    "powerapps-news": ((10, 0), (10, 0)),
    "ai-news": (
        (0, 9),
        (2, 9),
    ),  # (with --unsafe-fixes, a tracking removal that would make one capture's address another's is held)
    "meaning/veeam": ((1, 0), (1, 0)),
}


def _fixed_folder(tmp_path, monkeypatch, name: str, *options: str, parse_only: bool) -> dict[str, bytes]:
    """Every file of a fixture folder after `seedlint fix` on a copy (`parse_only`: the fast path disabled)."""
    folder = tmp_path / ("parsed" if parse_only else "basis") / name
    shutil.copytree(FIXTURES / name, folder)
    (folder / "seedlint.toml").write_text('related-scope = "open"\n', encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.chdir(folder)
        if parse_only:
            patch.setattr(fixer, "_apply_on_basis", lambda task, config: None)
        run_cli("fix", "--no-cache", *options, ".")
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@pytest.mark.parametrize("unsafe", [False, True])
@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_the_fast_path_writes_exactly_what_the_parse_path_writes(tmp_path, monkeypatch, name, unsafe):
    options = ("--unsafe-fixes",) if unsafe else ()
    served = []
    apply_on_basis = fixer._apply_on_basis

    def counted(task, config):
        outcome = apply_on_basis(task, config)
        served.append((task.source.display_path, outcome is not None, len(task.follows)))
        if outcome is not None:  # each pass's outcome is the parse path's, not only the last pass's bytes
            parsed = fixer._apply_parsed(task, config)
            assert (outcome.fixed, outcome.original, outcome.followed) == (
                parsed.fixed,
                parsed.original,
                parsed.followed,
            )
            assert outcome.checked is not None and parsed.checked is not None
            assert outcome.checked.diagnostics == parsed.checked.diagnostics
            assert outcome.checked.record == parsed.checked.record
        return outcome

    monkeypatch.setattr(fixer, "_apply_on_basis", counted)
    fast = _fixed_folder(tmp_path, monkeypatch, name, *options, parse_only=False)
    parsed = _fixed_folder(tmp_path, monkeypatch, name, *options, parse_only=True)
    originals = {path.name: path.read_bytes() for path in (FIXTURES / name).iterdir()}
    assert fast == parsed
    changed = [file for file in fast if file in originals and fast[file] != originals[file]]
    assert changed  # (every folder has fixes)
    assert (sum(ok for _, ok, _ in served), sum(not ok for _, ok, _ in served)) == FOLDERS[name][unsafe]


def test_copies_follow_their_target_on_the_fast_path(tmp_path, monkeypatch):
    served = []
    apply_on_basis = fixer._apply_on_basis

    def counted(task, config):
        outcome = apply_on_basis(task, config)
        served.append((len(task.follows), outcome.followed if outcome is not None else None))
        return outcome

    monkeypatch.setattr(fixer, "_apply_on_basis", counted)
    _fixed_folder(tmp_path, monkeypatch, "azure-news", parse_only=False)
    assert any(follows and followed for follows, followed in served)


def test_a_document_holding_a_nan_is_verified_on_the_parse_of_its_old_text(tmp_path, monkeypatch):
    """A NaN is not equal to itself, so no digest stands for data holding one (fixbasis.data_digest): the fast
    path leaves such a file to the parse of its old text, whose comparison reads two NaNs as the same value (it
    used to count the NaN as changed and refuse every fix of the file: "the fix would also change nanValue")."""
    monkeypatch.chdir(tmp_path)
    seed = (SEEDS / "004_c5cf7e08ca5b8660.txt").read_bytes()
    text = seed.replace(b"quality: ", b"nanValue: .nan\nquality: ", 1).replace(
        b"type: article\n", b"type: article \n", 1
    )
    assert text.count(b".nan") == 1 and b"article \n" in text
    (tmp_path / "doc.md").write_bytes(text)
    on_basis = []
    apply_on_basis = fixer._apply_on_basis
    monkeypatch.setattr(fixer, "_apply_on_basis", lambda task, config: on_basis.append(apply_on_basis(task, config)))
    _status, _stdout, stderr = run_split("fix", "--select", "SL", "doc.md")
    assert on_basis == [None]
    assert (tmp_path / "doc.md").read_bytes() == text.replace(b"type: article \n", b"type: article\n", 1)
    assert stderr == "Fixed 1 problem in 1 file.\n"


def test_the_data_digest_names_the_data_by_type_and_value():
    assert data_digest({"a": 1}) == data_digest({"a": 1})
    assert data_digest({"a": 1}) != data_digest({"a": True})
    assert data_digest({"a": 1}) != data_digest({"a": "1"})
    assert data_digest({"a": 1, "b": 2}) != data_digest({"b": 2, "a": 1})
    assert data_digest({"a": [float("nan")]}) is None
    assert data_digest({"a": float("nan")}) is None and data_digest({"a": [1, float("nan")]}) is None
    assert data_digest({"a": "nan", "b": "banana"}) is not None


def test_the_restored_digest_says_which_values_changed_and_nothing_else():
    old = {"title": "Caf&eacute;", "related": [{"title": "Caf&eacute;"}], "quality": 3}
    new = {"title": "Café", "related": [{"title": "Café"}], "quality": 3}
    wanted = data_digest(old)
    assert wanted is not None
    edited = {("title",): "Caf&eacute;", ("related", 0, "title"): "Caf&eacute;"}
    assert fixer._restored_digest(new, edited, wanted) == {("title",), ("related", 0, "title")}
    assert new["title"] == "Café" and new["related"] == [{"title": "Café"}]  # (left as it was)
    assert fixer._restored_digest(new, {("title",): "Caf&eacute;"}, wanted) is None  # an unexpected change
    assert fixer._restored_digest({**new, "quality": 4}, edited, wanted) is None
    assert fixer._restored_digest({**new, "extra": 1}, edited, wanted) is None
    assert fixer._restored_digest(new, {("missing", 0): "x"}, wanted) is None


def test_a_basis_messagepack_cannot_hold_costs_only_the_fast_path():
    from seedlint import engine, plain
    from seedlint.fixbasis import EditedValue, FixBasis
    from seedlint.results import Checked

    checked = Checked("a.md", [], None, False, [])
    checked.basis = FixBasis(bytes(16), 4, (EditedValue(8, 38, ("title",), 10**30),), b"")
    sent = engine._encoded(checked)
    assert sent.basis is None and plain.decode_checked(sent.blob).path == "a.md"  # the result itself travels intact
    checked.basis = FixBasis(bytes(16), 4, (EditedValue(8, 38, ("title",), "Caf&eacute;"),), b"\x01\x00\x00\x00")
    sent = engine._encoded(checked)
    assert sent.basis is not None and plain.decode_basis(sent.basis) == checked.basis
