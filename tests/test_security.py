"""An untrusted repository (a pull request whose every file the contributor wrote) through seedlint: no
command runs, nothing outside the repository is read into any output or written, no hang, no memory
blow-up, and a committed cache changes no finding. Each test replays one reproducer of issue 23."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS

REPO = Path(__file__).resolve().parent.parent
CLEAN = "002_436ca83e3ef9a780.txt"  # a real document without findings


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def seedlint(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m seedlint ARGS` in a child process in `cwd` (a hang or a crash cannot hide there)."""
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository with a corpus `seeds/` of real documents, committed."""
    root = tmp_path / "repo"
    shutil.copytree(SEEDS, root / "seeds")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "seeds")
    return root


def plant_bare_repository(folder: Path, marker: Path) -> None:
    """Issue 23, item 1: the corpus folder laid out as a bare repository whose config runs a command
    (`core.fsmonitor`) whenever git starts inside it and refreshes an index."""
    (folder / "objects" / "info").mkdir(parents=True)
    (folder / "objects" / "info" / "alternates").write_text("../../.git/objects\n")
    (folder / "refs" / "heads").mkdir(parents=True)
    (folder / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "config").write_text(
        f'[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n\tfsmonitor = "id > {marker}; false"\n'
    )


@pytest.mark.parametrize("isolated", [False, True])
def test_since_runs_nothing_from_a_corpus_laid_out_as_a_bare_repository(repository, isolated):
    marker = repository.parent / "PWNED"
    head = git(repository, "rev-parse", "HEAD").strip()
    (repository / "refs").mkdir()  # (the ref the planted HEAD names: the real main branch's commit)
    plant_bare_repository(repository / "seeds", marker)
    (repository / "seeds" / "refs" / "heads" / "main").write_text(head + "\n")
    shutil.rmtree(repository / "refs")
    (repository / "seedlint.toml").write_text('paths = ["seeds"]\nrelated-scope = "hosts"\n')
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "a corpus that is also a bare repository")
    (repository / "seeds" / CLEAN).unlink()  # something changed since the revision: git diff and cat-file run
    args = ["check", "--no-cache", "--output-format", "concise", "--since", head]
    result = seedlint(repository, *args, *(["--isolated"] if isolated else []))
    assert not marker.exists(), "a command of the corpus's git config ran"
    assert "Traceback" not in result.stderr and result.returncode in (0, 1), result.stderr
    # The revision was really read: the deleted document's address is reported as lost.
    assert "at " + head in result.stdout


# The cache ---------------------------------------------------------------------------------------------


def check_json(cwd: Path, *args: str) -> tuple[int, str, str]:
    result = seedlint(cwd, "check", "--output-format", "json", *args)
    return result.returncode, result.stdout, result.stderr


def database(root: Path) -> Path:
    (found,) = (root / ".seedlint_cache").glob("cache-*.sqlite3")
    return found


def sql(path: Path, statement: str, parameters: tuple = ()) -> list:
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute(statement, parameters).fetchall()


class Payload:
    """A pickle that runs a shell command when it is loaded."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def poison(path: Path, marker: Path) -> None:
    """Issue 23, item 2: every stored result (and report, and listing) replaced by a pickle that runs a command."""
    import pickle

    blob = pickle.dumps(Payload(f"id > {marker}"))
    sql(path, "UPDATE results SET checked = ?", (blob,))
    sql(path, "UPDATE reports SET head = ?", (blob,))
    sql(path, "UPDATE report_parts SET part = ?", (blob,))
    sql(path, "UPDATE listings SET listing = ?", (blob,))


def test_a_committed_cache_is_refused_with_one_warning(repository):
    """Issue 23, items 2 and 4: a committed cache whose results are pickles that run a command, and whose
    digests name a bad document: refused (git tracks it), nothing runs, the findings are the cold run's."""
    marker = repository.parent / "PWNED"
    bad = repository / "seeds" / CLEAN
    good_text = bad.read_text(encoding="utf-8")
    (repository / "seedlint.toml").write_text('paths = ["seeds"]\nrelated-scope = "hosts"\n')
    assert check_json(repository)[0] == 1  # a cache of the corpus as it is (the seeds have findings)
    # The bad document, and a cache rewritten to claim that the bad content passed.
    bad.write_text(
        good_text.replace("publishedDateTime: ", "publishedDateTime: 2024-02-30T10:00:00Z\nold: ", 1)
        + "x: !!python/object/apply:os.system ['id']\n",
        encoding="utf-8",
    )
    import hashlib

    sql(
        database(repository),
        "UPDATE results SET digest = ? WHERE key LIKE ?",
        (hashlib.sha256(bad.read_bytes()).hexdigest(), f"%{CLEAN}"),
    )
    git(repository, "add", "-f", ".seedlint_cache", "seeds", "seedlint.toml")
    git(repository, "commit", "-qm", "a cache that lies")
    cold = check_json(repository, "--no-cache")
    assert cold[0] == 1 and "SL202" in cold[1]
    status, output, stderr = check_json(repository)
    assert (status, output) == cold[:2]
    assert stderr.count("warning") == 1 and "tracked by git" in stderr and "running without a cache" in stderr
    poison(database(repository), marker)
    git(repository, "add", "-f", ".seedlint_cache")
    git(repository, "commit", "-qm", "a cache that runs code")
    assert check_json(repository)[:2] == cold[:2]
    assert not marker.exists()


def test_a_cache_that_does_not_decode_is_a_miss(tmp_path):
    """Not in git (nothing tells where the cache came from): a stored pickle is never loaded; every entry
    that is not seedlint's data is a miss, and the findings are the cold run's."""
    marker = tmp_path / "PWNED"
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "seedlint.toml").write_text('paths = ["seeds"]\nrelated-scope = "hosts"\n')
    cold = check_json(tmp_path, "--no-cache")
    check_json(tmp_path)
    poison(database(tmp_path), marker)
    assert check_json(tmp_path) == cold
    assert not marker.exists()
    # The cache was rebuilt with data: the next run is answered from it.
    assert sql(database(tmp_path), "SELECT count(*) FROM results WHERE substr(checked, 1, 2) = x'8004'") == [(0,)]
    assert check_json(tmp_path) == cold


@pytest.mark.parametrize("name", ["database", ".gitignore", "wal"])
def test_a_cache_file_that_is_a_link_is_refused(tmp_path, name):
    """Issue 23, item 3: a link named like a cache file would make SQLite (or the .gitignore writer) create
    or overwrite its target, outside the repository."""
    from seedlint.cache import settings_key
    from seedlint.config import load_config

    project = tmp_path / "repo"
    shutil.copytree(SEEDS, project / "seeds")
    (project / "seedlint.toml").write_text('paths = ["seeds"]\n')
    key = settings_key(load_config(project / "seedlint.toml"))
    link = {"database": f"cache-{key}.sqlite3", ".gitignore": ".gitignore", "wal": f"cache-{key}.sqlite3-wal"}[name]
    outside = tmp_path / "authorized_keys"
    (project / ".seedlint_cache").mkdir()
    (project / ".seedlint_cache" / link).symlink_to(outside)
    cold = check_json(project, "--no-cache")
    status, output, stderr = check_json(project)
    assert (status, output) == cold[:2]
    assert stderr.count("warning") == 1 and "not a regular file" in stderr
    assert not outside.exists()
    assert sorted(p.name for p in (project / ".seedlint_cache").iterdir()) == [link]


def test_a_cache_folder_that_is_a_link_is_refused(tmp_path):
    project = tmp_path / "repo"
    shutil.copytree(SEEDS, project / "seeds")
    (project / "seedlint.toml").write_text('paths = ["seeds"]\n')
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / ".seedlint_cache").symlink_to(outside)
    _status, _output, stderr = check_json(project)
    assert stderr.count("warning") == 1 and "is a symbolic link" in stderr
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize(
    ("cache_dir", "why"),
    [("../outside", "outside the project root"), ("/tmp", "outside the project root"), ("linked", "symbolic link")],
)
def test_a_configured_cache_dir_outside_the_project_is_refused(tmp_path, cache_dir, why):
    project = tmp_path / "repo"
    shutil.copytree(SEEDS, project / "seeds")
    (tmp_path / "outside").mkdir()
    (project / "linked").symlink_to(tmp_path / "outside")
    (project / "seedlint.toml").write_text(f'paths = ["seeds"]\ncache-dir = "{cache_dir}"\n')
    cold = check_json(project, "--no-cache")
    status, output, stderr = check_json(project)
    assert (status, output) == cold[:2]
    assert stderr.count("warning") == 1 and why in stderr
    assert list((tmp_path / "outside").iterdir()) == []


def test_the_project_root_as_cache_dir_in_git_is_refused(repository):
    """`cache-dir = "."` would plant a `.gitignore` of `*` at the root: the root holds tracked files."""
    (repository / "seedlint.toml").write_text('paths = ["seeds"]\ncache-dir = "."\n')
    _status, _output, stderr = check_json(repository)
    assert "tracked by git" in stderr
    assert not (repository / ".gitignore").exists() and not list(repository.glob("cache-*"))


def test_new_cache_files_are_private(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "seedlint.toml").write_text('paths = ["seeds"]\n')
    check_json(tmp_path)
    folder = tmp_path / ".seedlint_cache"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert database(tmp_path).stat().st_mode & 0o777 == 0o600
    assert (folder / ".gitignore").read_text() == "*\n"


# Paths outside the project ------------------------------------------------------------------------------

SECRET = "SECRET-a1b2c3 ssh-ed25519 AAAAC3Nza attacker@evil"
FORMATS = ["concise", "full", "json", "json-lines", "github", "sarif", "junit", "gitlab"]


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """A project with a corpus of real documents, and a secret file outside it (e.g. in the home folder)."""
    root = tmp_path / "repo"
    shutil.copytree(SEEDS, root / "seeds")
    (root / "seedlint.toml").write_text('paths = ["seeds"]\n')
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / "secret.md").write_text(f"{SECRET}\n---\ntitle: x\n---\n")
    (outside / "creds.json").write_text(f'{{"type": "{SECRET}"}}\n')
    return root, outside


def assert_secret_kept(result: subprocess.CompletedProcess) -> None:
    assert "SECRET" not in result.stdout and "SECRET" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_document_that_links_outside_is_never_read(project, output_format):
    root, outside = project
    (root / "seeds" / "evil.md").symlink_to(outside / "secret.md")
    result = seedlint(root, "check", "--no-cache", "--output-format", output_format)
    assert_secret_kept(result)
    assert result.returncode == 1
    if output_format == "concise":
        assert (
            f"seeds/evil.md:1:1: SL001 cannot read file: a link leading outside the project root "
            f"(to {outside / 'secret.md'}): not read"
        ) in result.stdout.splitlines()


def test_a_given_file_that_links_outside_is_never_read(project):
    """What a hook passes: the changed files' names."""
    root, outside = project
    (root / "seeds" / "evil.md").symlink_to(outside / "secret.md")
    result = seedlint(root, "check", "--no-cache", "--output-format", "full", "seeds/evil.md")
    assert_secret_kept(result)
    assert "SL001" in result.stdout


def test_fix_never_reads_or_writes_outside(project):
    root, outside = project
    target = outside / "secret.md"
    target.write_text(seed_with_fixable_defect())
    before = target.read_bytes()
    (root / "seeds" / "evil.md").symlink_to(target)
    diff = seedlint(root, "fix", "--diff", "--no-cache")
    assert "evil.md" not in diff.stdout
    seedlint(root, "fix", "--no-cache", "--unsafe-fixes")
    assert target.read_bytes() == before and (root / "seeds" / "evil.md").is_symlink()


def seed_with_fixable_defect() -> str:
    """A real document with trailing whitespace (SL016, a safe fix) and a secret-looking value."""
    text = (SEEDS / CLEAN).read_text(encoding="utf-8")
    return text.replace("type: article\n", f"type: article   \nsecretNote: {SECRET}\n", 1)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("paths", '["seeds", "{outside}"]'),
        ("paths", '["seeds", "../home"]'),
        ("paths", '["linked"]'),
        ("schema", '"{outside}/creds.json"'),
        ("schema", '"../home/creds.json"'),
        ("topics", '"{outside}/secret.md"'),
        ("topics", '"linked/secret.md"'),
    ],
)
def test_a_configured_path_outside_the_project_is_a_usage_error(project, key, value):
    root, outside = project
    (root / "linked").symlink_to(outside)
    (root / "seedlint.toml").write_text(f"{key} = {value.format(outside=outside)}\n")
    result = seedlint(root, "check", "--no-cache")
    assert_secret_kept(result)
    assert result.returncode == 2
    assert f"`{key}` names" in result.stderr and "outside the project root" in result.stderr


def test_a_configuration_file_that_links_outside_is_refused(project):
    root, outside = project
    (outside / "seedlint.toml").write_text(f'paths = ["seeds"]\n"{SECRET}" = 1\n')
    (root / "seedlint.toml").unlink()
    (root / "seedlint.toml").symlink_to(outside / "seedlint.toml")
    for args in ([], ["--config", "seedlint.toml"]):
        result = seedlint(root, "check", "--no-cache", *args)
        assert_secret_kept(result)
        assert result.returncode == 2 and "outside its folder: not read" in result.stderr


def test_a_folder_given_outside_the_project_is_checked(project, tmp_path):
    """`seedlint check ../other/corpus`: the user named it; a link in it leading out of it is refused."""
    root, outside = project
    other = tmp_path / "other"
    shutil.copytree(SEEDS, other)
    (other / "evil.md").symlink_to(outside / "secret.md")
    result = seedlint(root, "check", "--no-cache", "--output-format", "concise", "../other")
    assert_secret_kept(result)
    assert result.returncode == 1 and "../other/000_c11209e5b5b8f7fd.txt:29:40: SL401" in result.stdout
    assert (
        f"../other/evil.md:1:1: SL001 cannot read file: a link leading outside the checked folder "
        f"(to {outside / 'secret.md'}): not read"
    ) in result.stdout.splitlines()
    assert result.stdout.count("SL001") == 1
    # A folder of the project that is a link leading out of it is refused, even when named on the command line.
    (root / "linked-corpus").symlink_to(other)
    linked = seedlint(root, "check", "--no-cache", "linked-corpus")
    assert linked.returncode == 2 and "outside the project root: not read" in linked.stderr


# Bounded reads -----------------------------------------------------------------------------------------

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)


def limited(cwd: Path, *args: str, memory: int = 1024**3, timeout: float = 60) -> subprocess.CompletedProcess:
    """seedlint in a child process that may use at most `memory` bytes of address space."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=limit,
    )


def test_a_topics_alias_bomb_is_one_usage_error(project):
    root, _ = project
    assert len(ALIAS_BOMB) < 1000  # 10**9 values once expanded
    (root / "topics.yaml").write_text(ALIAS_BOMB)
    (root / "seedlint.toml").write_text('paths = ["seeds"]\ntopics = "topics.yaml"\n')
    result = limited(root, "check", "--no-cache")
    assert "Traceback" not in result.stderr and result.returncode == 2
    assert "Error: topic vocabulary " in result.stderr and "more than 200,000 values" in result.stderr


@pytest.mark.parametrize(
    ("topics", "content", "message"),
    [
        ("nope.yaml", None, "Error: topic vocabulary nope.yaml: no such file or folder"),
        ("topics.yaml", "- name: AI\n- [unclosed\n", "topics.yaml:3:1: not valid YAML: "),
        ("topics.yaml", b"- name: \xff\n", "topics.yaml: not UTF-8 (invalid start byte at byte 8)"),
        (
            "topics.yaml",
            "- !!python/object/apply:os.system [id]\n",
            "topics.yaml:1:3: tag !!python/object/apply:os.system",
        ),
        # Empty: every topic of the corpus would be unknown (a vocabulary configured at the wrong place).
        ("topics.yaml", "# to be written\n", "Error: topic vocabulary topics.yaml: names no topic"),
    ],
)
def test_a_bad_topic_vocabulary_is_one_usage_error(project, topics, content, message):
    """Issue 16, item 3: one configuration error at load time, never an internal error per document."""
    root, _ = project
    if isinstance(content, str):
        (root / topics).write_text(content)
    elif content is not None:
        (root / topics).write_bytes(content)
    (root / "seedlint.toml").write_text(f'paths = ["seeds"]\ntopics = "{topics}"\n')
    result = seedlint(root, "check", "--no-cache", "--output-format", "concise")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.returncode == 2 and message in result.stderr and result.stderr.count("Error:") == 1


def test_a_topics_folder_without_topic_files_names_the_folders_it_holds(project):
    """A registry kept in a subfolder (powerapps-data/ holds organizations/ and topics/): the folder above names
    no topic; the error says where the vocabulary may be, instead of every topic of the corpus being unknown."""
    root, _ = project
    (root / "registry" / "topics").mkdir(parents=True)
    (root / "registry" / "topics" / "ai.yaml").write_text("name: AI\n")
    (root / "registry" / "organizations").mkdir()
    (root / "seedlint.toml").write_text('paths = ["seeds"]\ntopics = "registry"\n')
    result = seedlint(root, "check", "--no-cache")
    assert result.returncode == 2 and result.stderr.splitlines()[-1] == (
        "Error: topic vocabulary registry: no .md, .yaml or .yml file in the folder (it holds the folders "
        "organizations, topics: is the vocabulary in one of them?)"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("key", ["schema", "topics", "config"])
def test_configured_files_that_would_block_are_refused(project, key):
    root, _ = project
    os.mkfifo(root / "pipe")
    if key == "config":
        result = seedlint(root, "check", "--no-cache", "--config", "pipe", timeout=30)
    else:
        (root / "seedlint.toml").write_text(f'paths = ["seeds"]\n{key} = "pipe"\n')
        result = seedlint(root, "check", "--no-cache", timeout=30)
    assert result.returncode == 2 and "not a regular file (a FIFO)" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_cached_document_replaced_by_a_fifo_does_not_hang(project):
    """Issue 23, item 6: a warm run re-hashes a changed document as the reader reads: never blocking."""
    root, _ = project
    assert seedlint(root, "check").returncode == 1
    (root / "seeds" / CLEAN).unlink()
    os.mkfifo(root / "seeds" / CLEAN)
    result = seedlint(root, "check", "--output-format", "concise", timeout=30)
    assert f"seeds/{CLEAN}:1:1: SL001 cannot read file: not a regular file (a FIFO)" in result.stdout.splitlines()
    assert seedlint(root, "check", "--output-format", "concise", timeout=30).stdout == result.stdout


def test_fix_never_writes_through_a_link_inside_the_project(project):
    """`fix` edits only regular files: a document that links to another file of the project is reported,
    and the file it points to (here outside the corpus folder) is left alone."""
    root, _ = project
    target = root / "notes.md"
    target.write_text(seed_with_fixable_defect())
    before = target.read_bytes()
    (root / "seeds" / "alias.md").symlink_to(target)
    result = seedlint(root, "fix", "--no-cache")
    assert target.read_bytes() == before
    assert "seeds/alias.md: a symbolic link; not fixed" in result.stderr


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="no /proc")
def test_a_cached_document_replaced_by_a_link_to_stdout_does_not_hang(project):
    """Issue 23, item 6, as reported: the second run after the swap hung re-hashing the link."""
    root, _ = project
    seedlint(root, "check")
    (root / "seeds" / CLEAN).unlink()
    (root / "seeds" / CLEAN).symlink_to("/proc/self/fd/1")
    for _ in range(2):
        result = seedlint(root, "check", "--output-format", "concise", timeout=30)
        assert f"seeds/{CLEAN}:1:1: SL001 cannot read file: a link leading outside the project root" in result.stdout


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="no /proc")
@pytest.mark.parametrize("key", ["schema", "topics"])
@pytest.mark.parametrize("device", ["/dev/zero", "/proc/self/fd/1"])
def test_configured_files_naming_devices_are_refused(project, key, device):
    root, _ = project
    (root / "seedlint.toml").write_text(f'paths = ["seeds"]\n{key} = "{device}"\n')
    result = limited(root, "check", "--no-cache", timeout=30)
    assert result.returncode == 2 and f"`{key}` names {device}, which leads outside the project root" in result.stderr
    (root / "device").symlink_to(device)  # a link inside the project is followed before it is judged
    (root / "seedlint.toml").write_text(f'paths = ["seeds"]\n{key} = "device"\n')
    result = limited(root, "check", "--no-cache", timeout=30)
    assert result.returncode == 2 and "leads outside the project root" in result.stderr
