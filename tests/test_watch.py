"""`seedlint check --watch`, driven as a user would: a real process, real edits of a document and of the
configuration, each answered by a new report."""

import gc
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import SEEDS

WAIT = 60  # seconds: generous, the process reports as soon as it can


class Watcher:
    def __init__(self, cwd, *args):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "seedlint", "check", "--watch", "--output-format", "concise", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
        )
        self.buffer = b""

    def next_report(self) -> str:
        """The output up to the next 'Watching for changes' line."""
        deadline = time.monotonic() + WAIT
        while b"Watching for changes" not in self.buffer:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no report within {WAIT} s; output so far: {self.buffer!r}"
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 65536)
                assert chunk, f"the process ended: {self.buffer!r}"
                self.buffer += chunk
        report, _, self.buffer = self.buffer.partition(b"Watching for changes")
        self.buffer = self.buffer.partition(b"\n")[2]
        return report.decode()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(WAIT)


@pytest.fixture
def project(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "docs")
    (tmp_path / "seedlint.toml").write_text('paths = ["docs"]\nrelated-scope = "open"\n')
    return tmp_path


def test_watch_reports_again_after_each_change_of_a_document_or_of_the_configuration(project):
    watcher = Watcher(project)
    try:
        first = watcher.next_report()
        assert "SL401" in first and "SL202" not in first
        document = project / "docs" / "003_e08711b63be86b3c.txt"
        text = document.read_text(encoding="utf-8")
        document.write_text(
            text.replace("publishedDateTime: 2020-02-11T", "publishedDateTime: 2020-02-31T", 1), encoding="utf-8"
        )
        second = watcher.next_report()
        assert "docs/003_e08711b63be86b3c.txt" in second and "SL202" in second
        (project / "seedlint.toml").write_text('paths = ["docs"]\nrelated-scope = "open"\nselect = ["SL2"]\n')
        third = watcher.next_report()
        assert "SL202" in third and "SL401" not in third
        (project / "seedlint.toml").write_text('paths = ["docs"]\nselect = ["SL9999"]\n')
        fourth = watcher.next_report()  # a broken configuration is reported, and the watch goes on
        assert "`select` names 'SL9999', which is no rule code or prefix" in fourth
        document.write_text(text, encoding="utf-8")
        (project / "seedlint.toml").write_text('paths = ["docs"]\nrelated-scope = "open"\n')
        assert "SL202" not in watcher.next_report()
    finally:
        status = watcher.stop()
    assert status == 0


def test_watch_ignores_changes_that_do_not_matter(project):
    watcher = Watcher(project)
    try:
        watcher.next_report()
        (project / "docs" / "notes.json").write_text("{}")  # not a document (include: *.md, *.txt)
        (project / "elsewhere.md").write_text("---\n")  # outside the corpus
        time.sleep(1.5)
        ready, _, _ = select.select([watcher.process.stdout], [], [], 0)
        assert not ready and watcher.buffer == b""
    finally:
        assert watcher.stop() == 0


def test_watch_refuses_to_fix(project):
    process = subprocess.run(
        [sys.executable, "-m", "seedlint", "check", "--watch", "--fix"], cwd=project, capture_output=True, text=True
    )
    assert process.returncode == 2 and "--watch checks only" in process.stderr


def test_each_watched_run_gives_what_the_last_one_froze_back_to_the_collector(tmp_path):
    # (a run freezes the report it read from the cache: in a long watch, what became garbage since must be freed)
    from seedlint import watch

    stop = threading.Event()
    frozen_at_run: list[int] = []

    def run() -> watch.Watched:
        frozen_at_run.append(gc.get_freeze_count())
        stop.set()
        return watch.Watched([tmp_path], ["*.md"])

    gc.freeze()
    try:
        assert gc.get_freeze_count() > 0
        watch.watch(run, lambda line: None, stop)
    finally:
        gc.unfreeze()
    assert frozen_at_run == [0]
