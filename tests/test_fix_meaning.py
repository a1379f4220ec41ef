"""Fixes and cross-document findings never change which article an entry describes (issue 21), on the real
cases cut from azure-news (tests/fixtures/meaning/) and on real ai-news documents with injected defects:
the exact code, line, message and fix safety, and the exact bytes `seedlint fix` writes or leaves."""

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, run_cli, run_split

from seedlint import engine
from seedlint.config import Config
from seedlint.diagnostic import Applicability, Edit
from seedlint.discovery import discover
from seedlint.document import load_document
from seedlint.fixer import verify
from seedlint.weburl import canonical_url

MEANING = FIXTURES / "meaning"
PETRI = "2020-04-29-us-enterprises-expecting-more-from-microsoft-providers.md"
PETRI_WWW = "2020-05-04-how-to-use-microsoft-365-universal-print.md"  # https://www.petri.com/how-does-...
PETRI_NEWER = "2020-05-27-how-does-microsoft-365-universal-print-work.md"  # https://petri.com/how-does-...
VEEAM = "2020-05-27-backup-to-microsoft-azure-with-veeam-direct-restore.md"
SPHERE = "2021-08-25-general-availability-azure-sphere-os-version-2108.md"
EVENT_GRID_GA = (
    "2021-03-29-general-availability-azure-event-grid-now-provides-support-for-delivery-headers-and-additional-"
    "advanced-filters-among-other-updates.md"
)
EVENT_GRID_PREVIEW = (
    "2021-03-31-public-preview-azure-event-grid-now-provides-support-for-delivery-headers-and-additional-"
    "advanced-filters-among-other-updates.md"
)
BALK = "2019-12-17-why-some-cities-and-states-balk-at-face-recognition-tech.md"  # published 2019-12-17T19:40:00Z
CURB = "2019-12-18-why-some-cities-states-and-lawmakers-want-to-curb-facial-recognition-technology.md"  # copies it
TOO_YOUNG = "2019-12-21-is-facial-recognition-tech-too-young-to-trust-some-governments-think-so.md"  # copies it too


def copy(tmp_path, monkeypatch, folder: Path, scope: str = "open") -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(folder, docs)
    (tmp_path / "seedlint.toml").write_text(f'paths = ["docs"]\nrelated-scope = "{scope}"\n')
    monkeypatch.chdir(tmp_path)
    return docs


def check(docs: Path, select: str = "SL5"):
    config = Config(root=docs.parent, paths=[docs.name], related_scope="open", select=[select])
    return engine.run(discover([docs], config), config).diagnostics


def found(diagnostics) -> list[tuple[str, str, int, int]]:
    return [(Path(d.path).name, d.code, d.line, d.column) for d in diagnostics]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def snapshot(docs: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(docs.iterdir())}


# Resolution by the address as written -----------------------------------------------------------------


def test_an_exact_copy_of_the_document_at_its_exact_address_is_not_stale(tmp_path, monkeypatch):
    # related[92] (line 1371) copies 2020-05-04's capture at https://www.petri.com/...; the `www.`-less address
    # is a newer capture (2020-05-27, another title). Resolved by the address as written: no stale copy.
    docs = copy(tmp_path, monkeypatch, MEANING / "petri")
    assert found(check(docs)) == [
        (PETRI, "SL507", 843, 13),  # (the referrer's own, real duplicate entry)
        (PETRI_WWW, "SL508", 6, 9),
        (PETRI_NEWER, "SL508", 6, 9),
    ]
    before = snapshot(docs)
    assert run_cli("fix", "--no-cache")[0] == 1  # (the duplicates are errors)
    assert snapshot(docs) == before


def test_an_alias_resolves_only_when_no_document_has_the_address_as_written(tmp_path, monkeypatch):
    docs = copy(tmp_path, monkeypatch, MEANING / "petri")
    (docs / PETRI_WWW).unlink()
    # One finding per field that differs (a baseline or a comparison tells each apart), each with its own fix.
    stale, date = [d for d in check(docs) if d.code == "SL505"]
    assert (stale.line, stale.column, date.line, date.column) == (1371, 12, 1373, 24)
    spelled = (
        f"{PETRI_NEWER} (at https://petri.com/how-does-microsoft-365-universal-print-work, another spelling of this "
        "address)"
    )
    assert stale.message == (
        f'related[92] is a stale copy of {spelled} (title differs): title is "How to use Microsoft 365 Universal '
        f'Print" but {PETRI_NEWER} now has "How Does Microsoft 365 Universal Print Work?"'
    )
    assert date.message == (
        f'related[92] is a stale copy of {spelled} (publishedDateTime differs): publishedDateTime is "2020-05-04T12:01:'
        f'00Z" but {PETRI_NEWER} now has "2020-05-27T19:29:00Z"'
    )
    assert stale.fix.applicability is date.fix.applicability is Applicability.SAFE  # the only document there, no error
    assert (stale.fix.description, date.fix.description) == (
        f"copy title from {PETRI_NEWER}",
        f"copy publishedDateTime from {PETRI_NEWER}",
    )


def test_two_captures_with_the_same_timestamp_are_never_told_apart_by_file_name(tmp_path, monkeypatch):
    # related[40] (line 631) copies the "[Update]" capture; another capture of the same address has the same
    # publishedDateTime. Before, the tie was broken by file name and the fix stripped "[Update]".
    docs = copy(tmp_path, monkeypatch, MEANING / "veeam")
    assert [f for f in found(check(docs)) if f[1] in ("SL505", "SL506")] == []
    before = snapshot(docs)
    run_cli("fix", "--no-cache")
    after = snapshot(docs)
    changed = [
        (number, old, new)
        for number, (old, new) in enumerate(
            zip(before[VEEAM].splitlines(), after[VEEAM].splitlines(), strict=True), start=1
        )
        if old != new
    ]
    assert [number for number, _, _ in changed] == [1777]  # only the real `&#038;` in an image address (SL306)
    assert b"&#038;" in changed[0][1] and b"&#038;" not in changed[0][2]
    assert after[VEEAM].splitlines()[630] == (
        b'  - title: "Microsoft Azure outage takes down Teams, Xbox Live, Office 365 [Update]"'
    )
    assert {name: data for name, data in after.items() if name != VEEAM} == {
        name: data for name, data in before.items() if name != VEEAM
    }


def test_an_entry_copying_one_of_several_captures_is_not_rewritten_into_another(tmp_path, monkeypatch):
    # related[56] (line 539) copies the "General availability" capture; the "Public preview" one shares its address.
    docs = copy(tmp_path, monkeypatch, MEANING / "event-grid")
    assert found(check(docs)) == [(EVENT_GRID_GA, "SL508", 7, 9), (EVENT_GRID_PREVIEW, "SL508", 7, 9)]
    before = snapshot(docs)
    run_cli("fix", "--no-cache", "--unsafe-fixes")
    assert snapshot(docs) == before


def test_an_entry_copying_none_of_several_captures_is_stale_without_a_fix(tmp_path, monkeypatch):
    docs = copy(tmp_path, monkeypatch, MEANING / "event-grid")
    edit(docs / SPHERE, '  - title: "General availability: Azure Event Grid now', '  - title: "Azure Event Grid now')
    [stale] = [d for d in check(docs) if d.code == "SL505"]
    assert (Path(stale.path).name, stale.line, stale.column) == (SPHERE, 539, 12)
    assert stale.message == (
        "related[56] → https://azure.microsoft.com/en-us/updates/azure-event-grid-now-provides-support-for-delivery-"
        "headers-and-additional-advanced-filters-among-other-updates/ copies none of the 2 documents at that address "
        f"({EVENT_GRID_GA}: title differs; {EVENT_GRID_PREVIEW}: title, excerpt, publishedDateTime differ); which "
        "capture it should copy is not guessed (SL508), so there is no fix"
    )
    assert stale.fix is None


def test_percent_encoding_is_another_spelling_of_the_same_address(tmp_path, monkeypatch):
    assert canonical_url("https://a.example/caf%C3%A9/") == canonical_url("https://www.a.example/café")
    assert canonical_url("https://a.example/caf%c3%a9") == canonical_url("https://a.example/caf%C3%A9")
    docs = copy(tmp_path, monkeypatch, FIXTURES / "ai-news", scope="closed")
    url = "https://abcnews.go.com/Business/wireStory/cities-states-balk-face-recognition-tech-67783126"
    edit(docs / CURB, f"    webUrl: {url}\n", f"    webUrl: {url.replace('Business', '%42usiness')}\n")
    config = Config(root=docs.parent, paths=[docs.name], related_scope="closed", select=["SL504", "SL505"])
    diagnostics = engine.run(discover([docs], config), config).diagnostics
    assert [f for f in found(diagnostics) if f[0] == CURB] == []  # it still names 2019-12-17's document


# Stale means different in meaning --------------------------------------------------------------------


def test_the_same_instant_spelled_otherwise_is_not_a_stale_copy(tmp_path, monkeypatch):
    docs = copy(tmp_path, monkeypatch, FIXTURES / "ai-news", scope="hosts")
    edit(docs / CURB, "    publishedDateTime: 2019-12-17T19:40:00Z", "    publishedDateTime: 2019-12-17 19:40:00+00:00")
    diagnostics = [d for d in check(docs, "SL") if Path(d.path).name == CURB]
    [spelling] = [d for d in diagnostics if d.code != "SL504"]
    assert (spelling.code, spelling.line, spelling.column) == ("SL205", 31, 24)
    assert spelling.fix.applicability is Applicability.SAFE
    run_cli("fix", "--no-cache", "--select", "SL205,SL505")  # its spelling, not its instant (nor a copy of it)
    line = "    publishedDateTime: 2019-12-17T19:40:00+00:00"
    assert (docs / CURB).read_text(encoding="utf-8").splitlines()[30] == line


def test_another_instant_is_a_stale_copy(tmp_path, monkeypatch):
    docs = copy(tmp_path, monkeypatch, FIXTURES / "ai-news", scope="hosts")
    edit(docs / CURB, "    publishedDateTime: 2019-12-17T19:40:00Z", "    publishedDateTime: 2019-12-17 20:40:00+00:00")
    [stale] = [d for d in check(docs) if d.code == "SL505" and Path(d.path).name == CURB]
    assert (stale.line, stale.column) == (31, 24)
    assert stale.message.startswith(f"related[0] is a stale copy of {BALK} (publishedDateTime differs)")
    assert stale.fix.applicability is Applicability.SAFE


def test_a_self_reference_is_not_also_a_stale_copy():
    # ai-news: two documents list themselves under an older title (a stale copy of themselves): SL506 only.
    config = Config(root=FIXTURES, paths=["ai-news"], related_scope="hosts", select=["SL505", "SL506"])
    diagnostics = engine.run(discover([FIXTURES / "ai-news"], config), config).diagnostics
    self_references = [d for d in diagnostics if d.code == "SL506"]
    assert [(Path(d.path).name, d.line) for d in self_references] == [
        ("2020-01-24-facial-recognition-startup-fends-off-accuracy-doubts-and-legal-claims-after-nyt-report.md", 36),
        ("2020-02-12-met-police-try-to-calm-tensions-as-live-facial-recognition-hits-london.md", 32),
    ]
    assert not any(d.code == "SL505" and d.path == s.path for d in diagnostics for s in self_references)


@pytest.fixture
def kept_entity(tmp_path, monkeypatch):
    """2019-12-17's title keeps an HTML entity on purpose (a suppression comment); two documents copy it."""
    docs = copy(tmp_path, monkeypatch, FIXTURES / "ai-news", scope="hosts")
    title = "Why some cities and states balk at face recognition tech"
    kept = title.replace(" and ", " &amp; ")
    edit(docs / BALK, f'title: "{title}"\n', f'title: "{kept}"  # seedlint: ignore[SL402]\n')
    edit(docs / CURB, f'  - title: "{title}"', f'  - title: "{kept}"')
    edit(docs / TOO_YOUNG, f'  - title: "{title}"', f'  - title: "{kept}"')
    return docs


def test_a_value_kept_by_a_suppression_is_not_fixed_in_its_copies(kept_entity):
    docs = kept_entity
    entities = [d for d in check(docs, "SL") if d.code == "SL402"]
    assert found(entities) == [(CURB, "SL402", 29, 29), (TOO_YOUNG, "SL402", 27, 29)]
    assert entities[0].fix is None
    assert entities[0].message == (
        "related[0].title contains an HTML entity left in plain text: `&amp;` (&); write the characters themselves "
        f"(not fixed: this entry copies {BALK}, whose title would stay as it is; fix it there, or in neither)"
    )
    before = {name: (docs / name).read_bytes() for name in (BALK, CURB, TOO_YOUNG)}
    _status, stdout, _ = run_split("fix", "--no-cache", "--select", "SL4,SL5", "--output-format", "concise")
    assert {name: (docs / name).read_bytes() for name in before} == before  # (ai-news's own stale copies are fixed)
    assert [line.split(": ")[0] for line in stdout.splitlines()[:-1] if CURB in line or TOO_YOUNG in line] == [
        f"docs/{CURB}:29:29",
        f"docs/{TOO_YOUNG}:27:29",
    ]


def test_without_the_suppression_the_target_and_its_copies_are_fixed_together(kept_entity):
    docs = kept_entity
    edit(docs / BALK, "  # seedlint: ignore[SL402]", "")
    run_cli("fix", "--no-cache", "--select", "SL402,SL505")
    title = 'title: "Why some cities & states balk at face recognition tech"'
    assert (docs / BALK).read_text(encoding="utf-8").splitlines()[2] == title
    assert (docs / CURB).read_text(encoding="utf-8").splitlines()[28] == "  - " + title
    assert (docs / TOO_YOUNG).read_text(encoding="utf-8").splitlines()[26] == "  - " + title


def test_a_suppression_added_or_removed_in_the_target_holds_or_frees_its_copies_fixes_incrementally(kept_entity):
    """Whether a copy's fix is held depends on the target's own findings after its suppressions, not on its index
    record: a suppression added or removed leaves the record as it was. The run from the last report must then
    judge the copies again, as a full run does (removing it left them held: a fix `seedlint fix` would then not
    make, found reading hold_copy_fixes)."""
    docs = kept_entity

    def both() -> tuple[str, str]:
        cached = run_cli("check", "--select", "SL402", "--output-format", "concise")[1]
        return cached, run_cli("check", "--select", "SL402", "--output-format", "concise", "--no-cache")[1]

    held = f"(not fixed: this entry copies {BALK}"
    first, full = both()
    assert first == full and first.count(held) == 2
    edit(docs / BALK, "  # seedlint: ignore[SL402]", "")
    freed, full = both()
    assert freed == full and held not in freed and freed.count("SL402") == 3
    edit(docs / BALK, 'tech"\n', 'tech"  # seedlint: ignore[SL402]\n')
    again, full = both()
    assert again == full == first


@pytest.mark.parametrize("cached", [False, True], ids=["first-fix", "fix-after-check"])
def test_a_target_that_cannot_be_written_is_not_fixed_in_its_copies_either(kept_entity, cached):
    # Without its suppression, the target's title would be fixed and its copies with it; read-only, the target
    # keeps its entity, so its copies must too. They were once fixed anyway (a new stale copy), and then, pass after
    # pass, fixed and set back by SL505 ("Fixed 12 problems" for the one fix written).
    docs = kept_entity
    edit(docs / BALK, "  # seedlint: ignore[SL402]", "")
    (docs / BALK).chmod(0o444)
    before = {name: (docs / name).read_bytes() for name in (BALK, CURB, TOO_YOUNG)}
    if cached:
        run_split("check", "--select", "SL402,SL505")
    status, stdout, stderr = run_split(
        "fix",
        "--select",
        "SL402,SL505",
        "--show-fixes",
        "--output-format",
        "concise",
        *([] if cached else ["--no-cache"]),
    )
    assert {name: (docs / name).read_bytes() for name in before} == before
    held = f"(not fixed: this entry copies {BALK}, whose title would stay as it is; fix it there, or in neither)"
    assert status == 2
    assert [line for line in stdout.splitlines() if "SL402" in line] == [
        f"docs/{BALK}:3:25: SL402 title contains an HTML entity left in plain text: `&amp;` (&); write the characters "
        "themselves",
        f"docs/{CURB}:29:29: SL402 related[0].title contains an HTML entity left in plain text: `&amp;` (&); write the "
        f"characters themselves {held}",
        f"docs/{TOO_YOUNG}:27:29: SL402 related[0].title contains an HTML entity left in plain text: `&amp;` (&); "
        f"write the characters themselves {held}",
    ]
    assert stdout.splitlines()[-1].endswith(". The run did not finish (see the `seedlint:` messages).")
    assert "fixable" not in stdout
    assert stderr.endswith(f"seedlint: docs/{BALK}: file is read-only; not fixed (make it writable to apply the fix)\n")
    assert f"Fixed docs/{CURB}" not in stderr and f"Fixed docs/{TOO_YOUNG}" not in stderr


def test_a_copy_that_shares_its_value_with_the_documents_own_field_is_never_fixed_through_it(tmp_path, monkeypatch):
    # The entry's excerpt is anchored, and a field of the document's own (after the list) is an alias of it: a safe fix
    # of the stale copy rewrote the document's own field with it (and two entries sharing one value were fixed and set
    # back, pass after pass, to an internal error).
    docs = copy(tmp_path, monkeypatch, FIXTURES / "ai-news", scope="hosts")
    edit(
        docs / BALK, '\nexcerpt: "SPRINGFIELD, Mass. -- ', '\nexcerpt: "Springfield, Mass. -- '
    )  # its copies are stale
    edit(docs / CURB, '    excerpt: "SPRINGFIELD', '    excerpt: &copied "SPRINGFIELD')
    text = (docs / CURB).read_text(encoding="utf-8")
    (docs / CURB).write_text(text.replace("\nsecured: ", "\ndescription: *copied\nsecured: ", 1), encoding="utf-8")
    [stale] = [d for d in check(docs) if d.code == "SL505" and Path(d.path).name == CURB]
    assert (stale.line, stale.column, stale.fix) == (30, 22, None)  # (the value, after its anchor: no fix offered)
    before = (docs / CURB).read_bytes()
    run_cli("fix", "--no-cache", "--select", "SL505")
    assert (docs / CURB).read_bytes() == before
    # And should such an edit reach the fixer, its verification refuses it.
    document = load_document(docs / CURB)
    span = document.value_span(("related", 0, "excerpt"))
    edit_ = Edit(span.start, span.end, '"Springfield"')
    new_text = document.text[: span.start] + edit_.content + document.text[span.end :]
    assert verify(document, new_text, [edit_]) == (
        "the fix would change description and related.0.excerpt: one value, shared through an alias by a related entry"
    )


def two_captures(tmp_path, monkeypatch, written: str) -> Path:
    """b.md and c.md, the same article at two addresses: b's ends in `written`, c's in `?id=1&x=2`."""
    docs = tmp_path / "docs"
    docs.mkdir()
    balk = (FIXTURES / "ai-news" / BALK).read_text(encoding="utf-8")
    address = "https://abcnews.go.com/Business/wireStory/cities-states-balk-face-recognition-tech-67783126"
    assert f'webUrl: "{address}"\n' in balk
    for name, title, url in (("b.md", "Beta", f"{address}{written}"), ("c.md", "Gamma", f"{address}?id=1&x=2")):
        text = balk.replace(f'webUrl: "{address}"\n', f'webUrl: "{url}"\n').replace(
            '\ntitle: "', f'\ntitle: "{title} ', 1
        )
        (docs / name).write_text(text, encoding="utf-8")
    (tmp_path / "seedlint.toml").write_text('paths = ["docs"]\nrelated-scope = "open"\n')
    monkeypatch.chdir(tmp_path)
    return docs


@pytest.mark.parametrize(("written", "code"), [("?id=1&amp;x=2", "SL306"), ("?id=1&x=2 ", "SL304")])
def test_a_fixed_address_that_would_be_another_documents_is_not_fixed(tmp_path, monkeypatch, written, code):
    # `&amp;` in b's address decoded (or its trailing space removed) gives c's address: a "safe" fix made them two
    # documents for one article, and the entries naming b then named both (SL508, SL507). Held, in check as in fix,
    # with the copies of b's address.
    docs = two_captures(tmp_path, monkeypatch, written)
    [own] = [d for d in check(docs, "SL3") if d.code == code]
    assert own.fix is None and own.message.endswith(" (not fixed: the fixed address is also that of c.md: SL508)")
    before = snapshot(docs)
    run_cli("fix", "--no-cache")
    assert snapshot(docs)["b.md"] == before["b.md"]


def test_a_fix_held_for_another_documents_address_is_judged_again_when_that_address_moves(tmp_path, monkeypatch):
    """b's address fixed would be c's: its fix is held. When c moves to another address, b's fix can be made, which a
    run from the last report must find though b did not change (its report holds the diagnostic without its fix);
    when c moves back, it is held again."""
    docs = two_captures(tmp_path, monkeypatch, "?id=1&amp;x=2")

    def both() -> tuple[str, str]:
        cached = run_cli("check", "--select", "SL306", "--output-format", "concise")[1]
        return cached, run_cli("check", "--select", "SL306", "--output-format", "concise", "--no-cache")[1]

    held = "(not fixed: the fixed address is also that of c.md: SL508)"
    first, full = both()
    assert first == full and held in first
    edit(docs / "c.md", "?id=1&x=2", "?id=1&x=3")
    freed, full = both()
    assert freed == full and held not in freed and "1 fixable" in freed
    edit(docs / "c.md", "?id=1&x=3", "?id=1&x=2")
    again, full = both()
    assert again == full == first


@pytest.mark.parametrize("cached", [False, True], ids=["first-fix", "fix-after-check"])
def test_a_target_is_not_fixed_when_a_copy_of_it_cannot_follow(kept_entity, cached):
    # CURB copies BALK's title and cannot be written: fixed alone, BALK would no longer say what CURB's entry says
    # (an entry describing another article, as the address fixes whose copies could not follow left them).
    docs = kept_entity
    edit(docs / BALK, "  # seedlint: ignore[SL402]", "")
    (docs / CURB).chmod(0o444)
    before = {name: (docs / name).read_bytes() for name in (BALK, CURB, TOO_YOUNG)}
    if cached:
        run_split("check", "--select", "SL402,SL505")
    status, stdout, stderr = run_split(
        "fix", "--select", "SL402,SL505", "--output-format", "concise", *([] if cached else ["--no-cache"])
    )
    assert {name: (docs / name).read_bytes() for name in before} == before  # (the target, both copies)
    [own] = [line for line in stdout.splitlines() if line.startswith(f"docs/{BALK}:")]
    assert own.endswith(f"(not fixed: docs/{CURB} copies it and cannot take the new value; see why below)")
    assert status == 2 and stderr.endswith(
        f"seedlint: docs/{CURB}: file is read-only; not fixed (make it writable to apply the fix)\n"
    )


def test_copies_follow_their_targets_fix_in_the_same_run(tmp_path, monkeypatch):
    # Only the target's own title is reported (SL606 does not look at copies): its two copies take its fixed
    # title in the same run, and no stale copy is left behind.
    docs = copy(tmp_path, monkeypatch, FIXTURES / "ai-news", scope="hosts")
    title = "Why some cities and states balk at face recognition tech"
    for name, prefix in ((BALK, "title: "), (CURB, "  - title: "), (TOO_YOUNG, "  - title: ")):
        edit(docs / name, f'{prefix}"{title}"', f'{prefix}"{title} "')
    status, stdout, stderr = run_split("fix", "--no-cache", "--select", "SL606", "--show-fixes")
    assert (docs / BALK).read_text(encoding="utf-8").splitlines()[2] == f'title: "{title}"'
    assert (docs / CURB).read_text(encoding="utf-8").splitlines()[28] == f'  - title: "{title}"'
    assert (docs / TOO_YOUNG).read_text(encoding="utf-8").splitlines()[26] == f'  - title: "{title}"'
    assert (status, stdout) == (0, "All checks passed (80 files checked).\n")
    assert stderr == (
        f"Fixed docs/{BALK}: 1 × SL606 (surrounding-whitespace)\n"
        f"Fixed docs/{CURB}: 1 copy of a fixed value\n"
        f"Fixed docs/{TOO_YOUNG}: 1 copy of a fixed value\n"
        "Fixed 1 problem in 1 file; 2 copies of the fixed values followed in 2 other files.\n"
    )


# Safe means it cannot change meaning --------------------------------------------------------------------


def seeds(tmp_path, monkeypatch) -> Path:
    return copy(tmp_path, monkeypatch, SEEDS, scope="open")


SEED_001, SEED_002 = "001_5ea581042828ec4e.txt", "002_436ca83e3ef9a780.txt"


def test_a_stale_copy_of_a_target_with_an_error_has_an_unsafe_fix(tmp_path, monkeypatch):
    docs = seeds(tmp_path, monkeypatch)
    edit(docs / SEED_002, "type: article", "type: artcle")  # 002 now has an error (SL104)
    stale = [d for d in check(docs) if d.code == "SL505"]  # (its excerpt, and now its type, differ)
    assert [d.message.split(" (")[1].split(")")[0] for d in stale] == ["excerpt differs", "type differs"]
    assert all(d.fix.applicability is Applicability.UNSAFE for d in stale)
    before = (docs / SEED_001).read_bytes()
    _status, stdout, _ = run_split("fix", "--no-cache", "--select", "SL505", "--output-format", "concise")
    assert (docs / SEED_001).read_bytes() == before  # not without --unsafe-fixes
    assert stdout.splitlines()[-1] == (
        "Found 2 problems (2 warnings) in 5 files checked. 2 fixable with `seedlint fix --unsafe-fixes`."
    )
    run_cli("fix", "--no-cache", "--select", "SL505", "--unsafe-fixes")
    assert (docs / SEED_001).read_bytes() != before
    assert [d for d in check(docs) if d.code == "SL505"] == []


def test_a_near_miss_is_safe_to_fix_only_when_the_entry_copies_the_suggestion(tmp_path, monkeypatch):
    docs = seeds(tmp_path, monkeypatch)
    url = "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292"
    edit(docs / SEED_001, url, url[:-1] + "3")
    [miss] = [d for d in check(docs) if d.code == "SL503"]
    assert miss.fix.applicability is Applicability.UNSAFE  # its copied excerpt differs from 002's (mojibake)
    edit(docs / SEED_001, "Metâ€™s", "Met’s")
    [miss] = [d for d in check(docs) if d.code == "SL503"]
    assert miss.fix.applicability is Applicability.SAFE  # now an exact copy of 002: the link is brought to it
    assert miss.message == f"related[1] → {url[:-1]}3 does not resolve; did you mean {SEED_002} ({url})?"


def test_a_near_miss_between_two_documents_names_both_and_has_no_fix(tmp_path, monkeypatch):
    docs = seeds(tmp_path, monkeypatch)
    url = "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292"
    other = url[:-2] + "12"  # a copy of 002 at an address two characters away
    shutil.copy(docs / SEED_002, docs / "005_copy.txt")
    edit(docs / "005_copy.txt", f'webUrl: "{url}"', f'webUrl: "{other}"')
    edit(docs / SEED_001, url, url[:-2] + "02")  # one character from each
    [miss] = [d for d in check(docs) if d.code == "SL503"]
    assert miss.fix is None
    assert miss.message == (
        f"related[1] → {url[:-2]}02 does not resolve; it is as near to {SEED_002} ({url}) or 005_copy.txt "
        f"({other}): which one was meant is not guessed (no fix)"
    )


def test_a_near_miss_among_many_names_five_and_counts_the_others(tmp_path, monkeypatch):
    # A site of numbered articles: many documents one character from an unresolved address.
    docs = seeds(tmp_path, monkeypatch)
    url = "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292"
    for digit in "134567":
        shutil.copy(docs / SEED_002, docs / f"near_{digit}.txt")
        edit(docs / f"near_{digit}.txt", f'webUrl: "{url}"', f'webUrl: "{url[:-2]}{digit}2"')
    edit(docs / SEED_001, url, url[:-2] + "02")  # one character from each of the seven
    [miss] = [d for d in check(docs) if d.code == "SL503"]
    assert miss.fix is None
    named = " or ".join([f"{SEED_002} ({url})"] + [f"near_{digit}.txt ({url[:-2]}{digit}2)" for digit in "1345"])
    assert miss.message == (
        f"related[1] → {url[:-2]}02 does not resolve; it is as near to {named} (and 2 more documents as near): "
        "which one was meant is not guessed (no fix)"
    )


def test_possible_duplicate_documents(tmp_path, monkeypatch):
    docs = seeds(tmp_path, monkeypatch)
    shutil.copy(docs / SEED_002, docs / "005_copy.txt")
    url = "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292"
    edit(docs / "005_copy.txt", f'webUrl: "{url}"', 'webUrl: "https://news.met.police.uk/news/elsewhere-1"')
    diagnostics = [d for d in check(docs) if d.code == "SL509"]
    assert found(diagnostics) == [(SEED_002, "SL509", 3, 8), ("005_copy.txt", "SL509", 3, 8)]
    assert diagnostics[0].message == (
        "same title, provider and publication date as 005_copy.txt (under another address): the same article twice?"
    )


def test_a_duplicate_address_written_otherwise_says_how_the_other_writes_it(tmp_path, monkeypatch):
    # (it read "is also the address of", as if the addresses were equal: they are once `www.` is set aside)
    docs = copy(tmp_path, monkeypatch, MEANING / "petri")
    messages = {Path(d.path).name: d.message for d in check(docs) if d.code == "SL508"}
    assert messages[PETRI_WWW] == (
        "webUrl https://www.petri.com/how-does-microsoft-365-universal-print-work is, written otherwise, also the "
        f"address of {PETRI_NEWER} (https://petri.com/how-does-microsoft-365-universal-print-work): two documents "
        "for one article"
    )
