"""Benchmark seedlint against its floors and against check-jsonschema and yamllint, in one run.

    python benchmarks/run.py --shared ../shared [--sizes 1000 10000 100000] [--site-sizes 1000 10000 100000]
                             [--work DIR] [--compare-up-to N]

For each size N a corpus is generated from the real documents under --shared (generate_corpus.py; kept in
--work and reused), then measured:

  read floor        reading every file's bytes, one process
  libyaml floor     reading, splitting the front matter and parsing it with PyYAML's CSafeLoader, one process
  seedlint cold     `seedlint check` with an empty cache (every core)
  seedlint warm     the same again, nothing changed
  hook, 1 changed   the same after one document's title changed (what the pre-commit hook runs: the whole
                    corpus; the documents that copy that title become stale copies)
  partial, 1 file   only the changed document given; references resolve against the configured corpus
  check-jsonschema  the same schema on the same front matters (extracted to .yaml files beforehand)
  yamllint          its default rules on the same front matters

For each of --site-sizes, a corpus shaped like one site (generate_corpus.py --site, from powerapps-news):
every document on one host, a fifth of the related entries naming articles the corpus does not have, so
that each of them is looked up for a near miss among every address of the host; measured cold, and again with
numbered articles (https://HOST/news/<n>: hundreds of addresses one or two characters from each). Then
long addresses: documents whose 1,500-character webUrls their related entries name one character off
(near misses whose distance is computed on long strings).

And the real azure-news corpus (4,958 documents, 161,223 related entries) cold and warm, and `seedlint fix`
on a copy of it (cold, no cache) beside `seedlint check` on another copy in the same run. Each line gives
wall time, files per second and the peak memory of the whole process tree (workers included). Nothing here
asserts a time: the figures are printed for people to read (and for the README).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate_corpus import generate  # noqa: E402

SOURCES = ("seeds", "corpus/ai-news", "corpus/powerapps-news", "corpus/azure-news")
SITE = "powerapps.microsoft.com"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, required=True, help="the folder holding seeds/ and corpus/")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--site-sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--copies",
        type=int,
        nargs="*",
        default=[30],
        help="the findings-heavy corpus: this many copies of each powerapps-news document (a duplicate-document "
        "finding in every file)",
    )
    parser.add_argument("--no-azure", action="store_true", help="skip the real azure-news corpus")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "seedlint-bench")
    parser.add_argument(
        "--compare-up-to", type=int, default=100_000, help="skip check-jsonschema and yamllint above this size"
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, libyaml {yaml.__with_libyaml__}")
    print(f"{'corpus':<22} {'measure':<18} {'files':>8} {'wall s':>9} {'files/s':>9} {'peak MiB':>9}")
    for size in args.sizes:
        corpus = args.work / f"generated-{size}"
        if not corpus.is_dir() or sum(1 for _ in corpus.iterdir()) != size:
            shutil.rmtree(corpus, ignore_errors=True)
            generate(corpus, size, [args.shared / s for s in SOURCES])
        measure_corpus(f"generated {size:,}", corpus, args.work, compare=size <= args.compare_up_to)
    for size in args.site_sizes:
        corpus = args.work / f"site-{size}"
        if not corpus.is_dir() or sum(1 for _ in corpus.iterdir()) != size:
            shutil.rmtree(corpus, ignore_errors=True)
            generate(corpus, size, [args.shared / "corpus/powerapps-news"], site=SITE, unresolved=0.2)
        measure_cold(f"one site {size:,}", corpus, args.work)
        numbered = args.work / f"numbered-{size}"
        if not numbered.is_dir() or sum(1 for _ in numbered.iterdir()) != size:
            shutil.rmtree(numbered, ignore_errors=True)
            generate(numbered, size, [args.shared / "corpus/powerapps-news"], site=SITE, unresolved=0.2, numbered=True)
        measure_cold(f"numbered site {size:,}", numbered, args.work)
    if args.site_sizes:
        long_urls = args.work / "long-urls"
        write_long_urls(long_urls)
        measure_cold("1,500-char URLs", long_urls, args.work)
    for copies in args.copies:
        corpus = args.work / f"copies-{copies}"
        write_copies(corpus, args.shared / "corpus/powerapps-news", copies)
        measure_cold(f"{copies} copies of each", corpus, args.work)
    azure = args.shared / "corpus" / "azure-news"
    if azure.is_dir() and not args.no_azure:
        measure_corpus("azure-news (real)", azure, args.work, compare=False, change=False)
        measure_fix("azure-news (real)", azure, args.work)


def measure_corpus(label: str, corpus: Path, work: Path, *, compare: bool, change: bool = True) -> None:
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".md", ".txt"))
    n = len(files)

    def show(measure: str, seconds: float, peak_mib: float | None, count: int = n) -> None:
        peak = f"{peak_mib:9.0f}" if peak_mib is not None else f"{'-':>9}"
        print(f"{label:<22} {measure:<18} {count:>8,} {seconds:9.2f} {count / seconds:9.0f} {peak}", flush=True)

    show("read floor", *in_process(read_all, files))
    show("libyaml floor", *in_process(parse_all, files))
    cache = work / f"cache-{corpus.name}"
    shutil.rmtree(cache, ignore_errors=True)
    config = work / f"seedlint-{corpus.name}.toml"
    # The corpus a partial run resolves against; `paths` must lie inside the configuration's folder (the
    # project root), so a corpus elsewhere (the real one, read-only) is only given on the command line.
    inside = corpus.resolve().is_relative_to(work.resolve())
    config.write_text(f'paths = ["{corpus}"]\n' if inside else "")
    seedlint = cached_check_command(config, cache)
    show("seedlint cold", *run(seedlint + [str(corpus)]))
    show("seedlint warm", *run(seedlint + [str(corpus)]))
    if change:
        changed = files[len(files) // 2]
        original = changed.read_bytes()
        try:
            # A new title: every document whose related list copies this one's title becomes stale.
            changed.write_bytes(retitled(original, b"Edited "))
            show("hook, 1 changed", *run(seedlint + [str(corpus)]))
            changed.write_bytes(retitled(original, b"Edited again "))
            show("partial, 1 file", *run(seedlint + [str(changed)]), count=1)
        finally:
            changed.write_bytes(original)
    if compare:
        extracted = extract_front_matter(files, work / f"yaml-{corpus.name}")
        yaml_files = sorted(str(p) for p in extracted.iterdir())
        schema = Path(__file__).resolve().parent.parent / "schemas" / "article.schema.json"
        checker = tool("check-jsonschema")
        if checker:
            show(
                "check-jsonschema",
                *run_batched([checker, "--schemafile", str(schema), "--disable-formats", "*"], yaml_files),
            )
        else:
            print(f"{label:<22} check-jsonschema   not installed (pip install -e '.[bench]')")
        linter = tool("yamllint")
        if linter:
            show("yamllint", *run_batched([linter, "-f", "parsable"], yaml_files))
        else:
            print(f"{label:<22} yamllint           not installed (pip install -e '.[bench]')")


def cached_check_command(config: Path, cache: Path) -> list[str]:
    """`seedlint check` with this configuration and cache folder, quiet (the corpus or files to add)."""
    return [
        sys.executable,
        "-m",
        "seedlint",
        "check",
        "--config",
        str(config),
        "--cache-dir",
        str(cache),
        "--output-format",
        "concise",
        "--quiet",
        "--exit-zero",
    ]


def seedlint_command(command: str, *options: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "seedlint",
        command,
        "--isolated",
        "--no-cache",
        "--output-format",
        "concise",
        "--quiet",
        "--exit-zero",
        *options,
    ]


def show_line(label: str, measure: str, seconds: float, peak_mib: float | None, count: int) -> None:
    peak = f"{peak_mib:9.0f}" if peak_mib is not None else f"{'-':>9}"
    print(f"{label:<22} {measure:<18} {count:>8,} {seconds:9.2f} {count / seconds:9.0f} {peak}", flush=True)


def measure_cold(label: str, corpus: Path, work: Path) -> None:
    """The libyaml floor and `seedlint check` without a cache (closed scope: every unresolved entry is
    reported, after its near-miss search)."""
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".md", ".txt"))
    read_all(files)  # (the files in the page cache for both, as after measure_corpus's read floor)
    show_line(label, "libyaml floor", *in_process(parse_all, files), len(files))
    show_line(label, "seedlint cold", *run(seedlint_command("check") + [str(corpus)]), len(files))


def measure_fix(label: str, corpus: Path, work: Path) -> None:
    """`seedlint check` and `seedlint fix` (safe fixes), both cold without a cache, each on its own fresh copy
    of the corpus, one after the other; and their ratio."""
    times = {}
    for command in ("check", "fix"):
        copy = work / f"{corpus.name}-{command}-copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(corpus, copy)
        for path in copy.iterdir():
            path.chmod(0o644)
        seconds, peak = run(seedlint_command(command) + [str(copy)])
        times[command] = seconds
        show_line(label, f"{command} (copy)", seconds, peak, sum(1 for _ in copy.iterdir()))
        shutil.rmtree(copy, ignore_errors=True)
    print(f"{label:<22} fix / check        {times['fix'] / times['check']:>8.2f}x", flush=True)


def write_copies(out: Path, source: Path, copies: int) -> None:
    """`copies` copies of each document of `source` (same addresses, titles and dates): every file has a
    duplicate-document finding (SL508), positioned in every file, as a corpus met for the first time may."""
    originals = sorted(p for p in source.iterdir() if p.suffix in (".md", ".txt"))
    if out.is_dir() and sum(1 for _ in out.iterdir()) == len(originals) * copies:
        return
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for original in originals:
        data = original.read_bytes()
        for i in range(copies):
            (out / f"{original.stem}-copy{i:02d}{original.suffix}").write_bytes(data)


def write_long_urls(out: Path, documents: int = 20, length: int = 1_500) -> None:
    """Documents whose webUrls are `length` characters long; each lists the next two, one character off
    (near misses: the distance is computed on the whole long addresses)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    chance = random.Random(24)
    urls = [f"https://{SITE}/" + "".join(chance.choice("abcdefgh/") for _ in range(length)) for _ in range(documents)]
    for n, url in enumerate(urls):
        related = "".join(
            f'  - title: "Article {other}"\n    webUrl: "{urls[other][:900]}x{urls[other][901:]}"\n'
            "    type: article\n    quality: 1\n"
            for other in ((n + 1) % documents, (n + 2) % documents)
        )
        (out / f"2024-01-{n % 28 + 1:02d}-long-{n}.md").write_text(
            f'---\ntitle: "Article {n}"\nexcerpt: "Long addresses."\n'
            f"publishedDateTime: 2024-01-{n % 28 + 1:02d}T00:00:00Z\n"
            f'webUrl: "{url}"\ntype: article\nquality: 1\nprovider:\n  name: Example\n  domain: {SITE}\n'
            f"related:\n{related}---\n",
            encoding="utf-8",
        )


def tool(name: str) -> str | None:
    """A command on PATH or installed beside this Python (a virtual environment that is not activated)."""
    return shutil.which(name, path=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))


def retitled(text: bytes, prefix: bytes) -> bytes:
    """The document with `prefix` at the start of its (double-quoted) title."""
    if b'\ntitle: "' not in text:
        raise SystemExit("benchmark: the changed document has no double-quoted title")
    return text.replace(b'\ntitle: "', b'\ntitle: "' + prefix, 1)


def read_all(files: list[Path]) -> None:
    for path in files:
        path.read_bytes()


def parse_all(files: list[Path]) -> None:
    for path in files:
        text = path.read_bytes().decode("utf-8")
        end = text.find("\n---", 3)
        yaml.load(text[4:end], Loader=yaml.CSafeLoader)


def in_process(work, files: list[Path]) -> tuple[float, float | None]:
    start = time.perf_counter()
    work(files)
    return time.perf_counter() - start, None


def run(command: list[str]) -> tuple[float, float]:
    """Wall time and peak memory (MiB, the sum over the process tree, sampled every 20 ms)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed with exit status {process.returncode}")
    return seconds, peak / 1024


def run_batched(command: list[str], paths: list[str], batch: int = 2_000) -> tuple[float, float]:
    """Tools that take file names: batches under the command-line limit, times added, peaks maxed."""
    total, peak = 0.0, 0.0
    for i in range(0, len(paths), batch):
        seconds, mib = run(command + paths[i : i + batch])
        total, peak = total + seconds, max(peak, mib)
    return total, peak


def tree_rss(pid: int) -> int:
    """Resident memory in KiB of `pid` and all its descendants (Linux /proc). The tree is followed through each
    thread's `children` file, reading only its own processes: walking every process of /proc for the parents took
    a millisecond per sample, 5% of a core beside the run measured, every 20 ms (where the kernel has no `children`
    files, that walk is still made)."""
    if not os.path.exists(f"/proc/{pid}/task/{pid}/children"):
        return _tree_rss_walking(pid)
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * PAGE_KIB
            for task in os.listdir(f"/proc/{current}/task"):  # (a child started by any thread is listed by that one)
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(map(int, children.read().split()))
        except (OSError, ValueError):  # (the process or thread ended meanwhile)
            continue
    return total


PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _tree_rss_walking(pid: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def extract_front_matter(files: list[Path], out: Path) -> Path:
    if out.is_dir() and sum(1 for _ in out.iterdir()) == len(files):
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for path in files:
        text = path.read_text(encoding="utf-8")
        (out / (path.stem + ".yaml")).write_text(text[4 : text.find("\n---", 3) + 1], encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
