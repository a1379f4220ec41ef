"""Ctrl-C, as a terminal sends it: SIGINT to every process of the run (the main process, the fork server, the
workers). The run ends promptly with exit 130 and one line, no traceback, and no process of it is left."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import seed_text

from seedlint import engine, entry, failsafe


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """3,000 documents (a run of a few seconds, in worker processes), each with a safe fix (for `fix`)."""
    folder = tmp_path_factory.mktemp("interrupted") / "news"
    folder.mkdir()
    text = seed_text().replace('title: "', 'title: " ', 1)
    for i in range(3000):
        (folder / f"doc-{i:05}.md").write_text(text.replace('webUrl: "https://', f'webUrl: "https://x{i}.', 1))
    return folder


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2, reason="needs /proc, 2 cores")
@pytest.mark.parametrize("command", ["check", "fix"])
def test_ctrl_c_at_any_moment_of_a_parallel_run_ends_it_with_one_line_and_no_process_left(corpus, command, tmp_path):
    # Each moment of a run: importing seedlint (0.05 s), starting the fork server and its preloading (0.1-0.4 s),
    # workers starting and busy (0.5 s on). Before, 5 of 12 such moments printed a traceback, one hung for good.
    for delay in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.5):
        copy = tmp_path / f"news-{delay}"
        shutil.copytree(corpus, copy)  # (unfixed for every `fix`)
        run = subprocess.Popen(
            [sys.executable, "-m", "seedlint", command, "--isolated", "--no-cache", str(copy)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # (its own process group, as a terminal's foreground job)
        )
        time.sleep(delay)
        os.killpg(run.pid, signal.SIGINT)  # (to every process of the group, as a terminal does)
        try:
            _, stderr = run.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
            pytest.fail(f"interrupted after {delay} s, the run hung")
        # (130; or ended by the signal itself, which a shell reports as 130 too: Python does so when the interrupt
        # came inside its own machinery, e.g. a weakref callback)
        assert (delay, run.returncode in (130, -signal.SIGINT), stderr.decode()) == (
            delay,
            True,
            "seedlint: interrupted\n",
        )
        deadline = time.monotonic() + 10
        while _group_alive(run.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _group_alive(run.pid), f"interrupted after {delay} s, a process of the run outlived it"
    assert entry.EXIT_INTERRUPTED == failsafe.EXIT_INTERRUPTED


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores")
def test_every_worker_is_started_while_ctrl_c_is_held():
    # The executor starts a worker when a task first needs it: for the second, in the main process's `map`, where
    # Ctrl-C is taken. One between that worker's start and its registration in the pool left a worker the pool did
    # not know; it took the stop meant for the other, and the pool waited for ever (2 runs in 150, Ctrl-C between
    # 0.22 and 0.38 s after the start). Every worker is now started while the pool is made, Ctrl-C held.
    workers = engine.Workers()
    try:
        pool = workers.pool()
        assert len(pool._processes) == workers.count  # (the executor's own record of the workers it started)
    finally:
        workers.close()


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask") or (os.cpu_count() or 1) < 2, reason="needs 2 cores")
def test_ctrl_c_and_sigterm_are_held_while_the_workers_and_the_manager_thread_start(monkeypatch):
    # A SIGTERM (taken as a Ctrl-C) between the manager thread's making and its start left a pool that cannot shut
    # down: "internal error: cannot join thread before it is started" (10 runs in 100 killed as soon as both workers
    # were there, once every worker was started with the pool). Both signals are held while they start.
    from concurrent.futures import ProcessPoolExecutor

    seen: list[set[int]] = []
    real_launch, real_submit = ProcessPoolExecutor._launch_processes, ProcessPoolExecutor.submit

    def launch(pool):
        seen.append(set(signal.pthread_sigmask(signal.SIG_BLOCK, [])))
        return real_launch(pool)

    def submit(pool, *args, **kwargs):
        seen.append(set(signal.pthread_sigmask(signal.SIG_BLOCK, [])))
        return real_submit(pool, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "_launch_processes", launch)
    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    workers = engine.Workers()
    try:
        workers.pool()
    finally:
        workers.close()
    assert len(seen) == 2 and all({signal.SIGINT, signal.SIGTERM} <= held for held in seen)
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # (taken again once they have)


def test_ctrl_c_while_python_imports_the_entry_point_ends_the_run_with_one_line(tmp_path):
    """The earliest Ctrl-C that `python -m seedlint` can meet: while seedlint/entry.py is imported, before it holds
    Ctrl-C back (a test sending one 0.05 s after the start met it under load: a traceback). Raised here at the
    entry point's import, deterministically."""
    raising = (
        "import builtins, runpy, sys\n"
        "real = builtins.__import__\n"
        "def once(name, *args, **kwargs):\n"
        "    if name == 'seedlint.entry':\n"
        "        builtins.__import__ = real\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = once\n"
        "sys.argv = ['seedlint', 'check', '--isolated', '.']\n"
        "runpy.run_module('seedlint', run_name='__main__', alter_sys=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", raising], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr, done.stdout) == (entry.EXIT_INTERRUPTED, "seedlint: interrupted\n", "")


def _group_members(group: int) -> list[int]:
    """The processes of process group `group` (from /proc: their fifth field)."""
    members = []
    for process in os.listdir("/proc"):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if process.isdigit() and int(fields[2]) == group:
            members.append(int(process))
    return members


@pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2, reason="needs Linux, 2 cores")
@pytest.mark.parametrize("sent", ["SIGTERM", "SIGKILL", "SIGHUP"])
def test_a_run_killed_alone_leaves_no_process_of_it(corpus, sent, tmp_path):
    # `timeout`, an editor restarting its language server, a terminal closed: the run's own process is killed and
    # cleans up nothing (but for SIGTERM, which it now takes as a Ctrl-C: see the next test). Its workers, waiting for
    # tasks on a queue they held open themselves, and their fork server lived on for good (145 MB a worker at 100,000
    # documents), and the resource tracker printed a Python warning.
    errors, temporary = tmp_path / "stderr", tmp_path / "tmp"
    temporary.mkdir()  # (killed outright, the run leaves multiprocessing's pymp-* folder: here, not in /tmp)
    with errors.open("wb") as stderr:
        run = subprocess.Popen(
            [sys.executable, "-m", "seedlint", "check", "--isolated", "--no-cache", str(corpus)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
            env={**os.environ, "TMPDIR": str(temporary)},
        )
    try:
        deadline = time.monotonic() + 30
        while len(_group_members(run.pid)) < 5 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)  # (the run, the resource tracker, the fork server and its two workers)
        assert len(_group_members(run.pid)) >= 5, "the workers never started"
        os.kill(run.pid, getattr(signal, sent))
        run.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _group_alive(run.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _group_members(run.pid), f"{sent}: processes of the run outlived it"
        assert errors.read_text() == ("seedlint: terminated\n" if sent == "SIGTERM" else "")
    finally:
        if _group_alive(run.pid):
            os.killpg(run.pid, signal.SIGKILL)


@pytest.mark.parametrize("cache", ["--no-cache", "--cache-dir=cache"])
def test_ctrl_c_once_the_report_is_written_ends_the_run_as_it_would_have_or_as_interrupted(cache, tmp_path):
    # The report printed, the process still ending (the cache written, Python joining its threads): a Ctrl-C there
    # printed a traceback or click's "Aborted!", and ended the run with status 1 whatever it found.
    shutil.copytree(Path(__file__).parent / "fixtures" / "azure-news", tmp_path / "news")
    for _ in range(5):
        run = subprocess.Popen(
            [sys.executable, "-m", "seedlint", "check", "--isolated", cache, "news"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        assert run.stdout is not None
        for line in run.stdout:
            if line.startswith(b"Found "):
                break
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGINT)
        _, stderr = run.communicate(timeout=60)
        assert (run.returncode, stderr.decode()) in ((1, ""), (130, "seedlint: interrupted\n"))


def test_ctrl_c_while_click_reads_the_command_line_ends_the_run_as_interrupted(tmp_path):
    """Between the entry point's import and the command's start, click reads the command line: a Ctrl-C there was
    click's own "Aborted!", status 1 (met under load, 0.3 s after the start). Sent here deterministically, from
    within click's parsing."""
    sending = (
        "import os, signal, sys\n"
        "import click\n"
        "real = click.Command.make_context\n"
        "def parse(self, *args, **kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(self, *args, **kwargs)\n"
        "click.Command.make_context = parse\n"
        "sys.argv = ['seedlint', 'check', '--isolated', '.']\n"
        "from seedlint.entry import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", sending], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr, done.stdout) == (entry.EXIT_INTERRUPTED, "seedlint: interrupted\n", "")


@pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2, reason="needs Linux, 2 cores")
@pytest.mark.parametrize("command", ["check", "fix"])
def test_sigterm_ends_a_run_as_ctrl_c_does_leaving_nothing_behind(corpus, command, tmp_path):
    # SIGTERM to the run's process alone (`timeout`, a cancelled CI job) killed it outright: multiprocessing's
    # pymp-* folder stayed in the temporary folder, and a fix left its .seedlint-tmp file beside the document it was
    # writing. Now the run ends as a Ctrl-C ends it, with its own line and status 143 (128 + SIGTERM, as a shell
    # reports a run killed by it), and every document is whole: as it was, or fixed.
    original = (corpus / "doc-00000.md").read_bytes()
    fixed = original.replace(b'title: " ', b'title: "', 1)
    for delay in (0.6, 1.2, 2.0):
        copy, temporary = tmp_path / f"news-{delay}", tmp_path / f"tmp-{delay}"
        shutil.copytree(corpus, copy)
        temporary.mkdir()
        run = subprocess.Popen(
            [sys.executable, "-m", "seedlint", command, "--isolated", "--no-cache", str(copy)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "TMPDIR": str(temporary)},
        )
        time.sleep(delay)
        os.kill(run.pid, signal.SIGTERM)  # (to the run's own process only)
        try:
            _, stderr = run.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
            pytest.fail(f"terminated after {delay} s, the run hung")
        if run.returncode in (0, 1):  # (it ended before the signal: a fast machine)
            continue
        assert (delay, run.returncode, stderr.decode()) == (delay, failsafe.EXIT_TERMINATED, "seedlint: terminated\n")
        deadline = time.monotonic() + 10
        while _group_alive(run.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _group_members(run.pid), f"terminated after {delay} s, a process of the run outlived it"
        assert list(temporary.iterdir()) == [], f"terminated after {delay} s, left in the temporary folder"
        assert [path.name for path in copy.iterdir() if not path.name.endswith(".md")] == []
        # (each document as it was or fixed, its own address set aside)
        texts = {(copy / f"doc-{i:05}.md").read_bytes().replace(f"x{i}.".encode(), b"") for i in range(3000)}
        assert texts <= {original.replace(b"x0.", b""), fixed.replace(b"x0.", b"")}


def _lsp_message(body: dict) -> bytes:
    data = json.dumps(body).encode()
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


def _lsp_read(stream) -> dict:
    """The next message the server sends."""
    length = None
    while (line := stream.readline()) != b"\r\n":
        assert line, "the server ended"
        if line.startswith(b"Content-Length: "):
            length = int(line.split()[1])
    assert length is not None
    return json.loads(stream.read(length))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux (the fork server)")
def test_sigterm_ends_the_language_server_at_once_leaving_nothing_behind(tmp_path):
    # An editor ends its server with SIGTERM. Taken as `check` takes it (failsafe.Terminated), the server waited for
    # ever on the thread that reads stdin: it keeps the signal's default action, and its workers end with it. Ended by
    # that action alone, it left multiprocessing's pymp-* folder in the temporary folder, one more each session.
    project, temporary = tmp_path / "project", tmp_path / "tmp"
    (project / "docs").mkdir(parents=True)
    temporary.mkdir()
    document = project / "docs" / "000.txt"
    document.write_text(seed_text(), encoding="utf-8")
    # (a configured schema: the corpus is read in worker processes however few its documents, see Project.load)
    shutil.copy(Path(__file__).parents[1] / "schemas" / "article.schema.json", project / "article.schema.json")
    (project / "pyproject.toml").write_text('[tool.seedlint]\npaths = ["docs"]\nschema = "article.schema.json"\n')
    server = subprocess.Popen(
        [sys.executable, "-m", "seedlint", "server"],
        cwd=project,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    assert server.stdin is not None and server.stdout is not None
    try:
        initialize = {"processId": None, "rootUri": project.as_uri(), "capabilities": {}}
        opened = {"uri": document.as_uri(), "languageId": "plaintext", "version": 1, "text": document.read_text()}
        for body in (
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": initialize},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": opened}},
        ):
            server.stdin.write(_lsp_message(body))
            server.stdin.flush()
        while _lsp_read(server.stdout).get("method") != "textDocument/publishDiagnostics":
            pass  # (the corpus was read: by worker processes, started by a fork server)
        assert [path.name[:5] for path in temporary.iterdir()] == ["pymp-"]
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=10) == -signal.SIGTERM
        assert list(temporary.iterdir()) == []
    finally:
        server.kill()
        server.communicate()
