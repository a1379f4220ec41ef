"""The language server counts the corpus's topics (SL604) from the saved corpus's counts, kept, instead of
counting every document's topics at each keystroke (60 ms at 100,000 documents): the same answers as the saved
corpus with the unsaved texts saved."""

import shutil
from pathlib import Path

from seedlint.corpus import count_topics
from seedlint.server.session import Session, Text

AI_NEWS = Path(__file__).parent / "fixtures" / "ai-news"
FIRST = "2019-12-16-waymo-acquires-ai-startup-latent-logic.md"


def test_topic_counts_and_findings_are_those_of_the_texts_saved(tmp_path):
    folder = tmp_path / "news"
    shutil.copytree(AI_NEWS, folder)
    (tmp_path / "seedlint.toml").write_text('paths = ["news"]\nrelated-scope = "open"\n')
    session = Session()
    session.workspace_folders = [tmp_path]
    project = session.project_for(folder / FIRST)
    project.load()
    source = project.source_of(folder / FIRST)
    saved = (folder / FIRST).read_text(encoding="utf-8")
    assert "\n  - AI\n" in saved
    # Its topic AI (used by all 80) misspelled `Computer Vison` (a near-spelling of a topic used by 48), and a
    # new document (not on disk) using `Facebook AI` twice.
    edited = saved.replace("\n  - AI\n", "\n  - Computer Vison\n", 1)
    new = folder / "2030-01-01-new.md"
    new_source = type(source).at(new, "news/2030-01-01-new.md")
    twice = saved.replace("\n  - AI\n", "\n  - Facebook AI\n  - Facebook AI\n", 1)
    texts = {
        source.display_path: Text(source, edited, project),
        new_source.display_path: Text(new_source, twice, project),
    }
    counts = project.topic_counts({path: text.checked.record for path, text in texts.items()})
    records = [c.record for path, c in project.results.items() if path not in texts and c.record is not None]
    assert counts == count_topics(records + [text.checked.record for text in texts.values()])
    assert (counts["AI"], counts["Computer Vison"], counts["Facebook AI"]) == (79, 1, 14)  # (80 - 1; 13 + 1)
    findings = session.findings(project, [source.display_path], texts).by_path[source.display_path]
    [rare] = [d for d in findings if d.code == "SL604"]
    assert rare.message == (
        "topic `Computer Vison` is used only here; did you mean `Computer Vision` (used in 48 documents)?"
    )
    # Saved, the corpus says the same.
    (folder / FIRST).write_text(edited, encoding="utf-8")
    project.refresh([folder / FIRST])
    assert project.topic_counts({}) == count_topics(c.record for c in project.results.values() if c.record is not None)
    assert project.topic_counts({})["Computer Vison"] == 1
