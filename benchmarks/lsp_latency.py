"""Latency of `seedlint server` as an editor sees it, on a real corpus (azure-news: 4,958 documents).

    python benchmarks/lsp_latency.py --corpus PATH [--edits 30] [--document NAME]

PATH is a copy of the corpus (the server writes its cache there, in .seedlint_cache/, as `seedlint check` does).
A first server process reads the corpus (filling the cache when it is cold) and exits; then, for each measured
document (one of median size and the largest, unless --document names one), a fresh server process is started
as an editor starts it and the script prints:

  start      process start → `initialize` answered
  first      didOpen → the first diagnostics of the document (its own findings, published while the corpus loads)
  complete   didOpen → diagnostics including the cross-document findings (warm cache)
  edit       didChange (one character typed in the title, 0.25 s apart) → the diagnostics of that version:
             median, 90th percentile and worst of --edits edits, at the default debounce (50 ms: a change after a
             pause is checked at once) and with debounceMs = 0
  burst      ten characters typed 20 ms apart → the diagnostics of the last one (median and worst of 5 bursts):
             the debounce at work
  copies     the documents that copy the measured one and were published with a stale copy (SL505) of its new
             title: the work each edit spreads. An entry is a stale copy only when its address names the measured
             document alone, or names several captures and copies none of them: a document sharing its address
             with another capture (SL508) may spread no finding at all.

Figures are wall-clock times on this machine; nothing here asserts a limit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient


class Client:
    def __init__(self) -> None:
        self.client = LanguageClient("lsp-latency", "1")
        self.published: dict[str, list[tuple[float, types.PublishDiagnosticsParams]]] = {}
        self.event = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append((time.perf_counter(), params))
            self.event.set()

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def shown(params: types.ShowMessageParams) -> None:
            print(f"  (server says: {params.message})", file=sys.stderr)

        self.loaded_at: float | None = None

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def logged(params: types.LogMessageParams) -> None:
            if "documents in the corpus of" in params.message and self.loaded_at is None:
                self.loaded_at = time.perf_counter()  # the server read the corpus: the next publication is complete

    async def start(self, root: Path, **options: object) -> float:
        began = time.perf_counter()
        await self.client.start_io(sys.executable, "-m", "seedlint", "server")
        uri = root.as_uri()
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=uri,
                workspace_folders=[types.WorkspaceFolder(uri=uri, name=root.name)],
                initialization_options=options or None,
            )
        )
        self.client.initialized(types.InitializedParams())
        return time.perf_counter() - began

    async def wait(
        self, uri: str, ready: Callable[[types.PublishDiagnosticsParams], bool], timeout: float = 600.0
    ) -> float:
        """The time of the first publication for `uri` that satisfies `ready`."""
        deadline = time.perf_counter() + timeout
        while True:
            for when, params in self.published.get(uri, []):
                if ready(params):
                    return when
            if time.perf_counter() > deadline:
                raise TimeoutError(uri)
            self.event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.event.wait(), 1.0)

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()  # type: ignore[no-untyped-call]


def open_params(uri: str, text: str) -> types.DidOpenTextDocumentParams:
    return types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
    )


async def warm(root: Path, document: Path) -> float:
    """One server reads the whole corpus (and fills the cache if it is cold)."""
    client = Client()
    await client.start(root)
    began = time.perf_counter()
    uri = document.as_uri()
    client.client.text_document_did_open(open_params(uri, document.read_text(encoding="utf-8")))
    complete = await wait_complete(client, uri)
    await client.stop()
    return complete - began


@dataclass
class Figures:
    start: float
    first: float
    complete: float
    edits: list[float]
    bursts: list[float]
    stale_in: int  # documents published with an SL505 finding


async def measure(root: Path, document: Path, edits: int, debounce: int | None) -> Figures:
    client = Client()
    options = {"debounceMs": debounce} if debounce is not None else {}
    started = await client.start(root, **options)
    uri = document.as_uri()
    text = document.read_text(encoding="utf-8")
    opened = time.perf_counter()
    client.client.text_document_did_open(open_params(uri, text))
    first = await client.wait(uri, lambda params: True)
    complete = await wait_complete(client, uri)
    latencies = []
    title = re.search(r'^title: "', text, re.MULTILINE)
    assert title is not None, f"{document} has no double-quoted title"
    for version in range(2, edits + 2):
        await asyncio.sleep(0.25)  # a typist's pace: the affected documents are checked in between
        text = text[: title.end()] + "x" + text[title.end() :]
        sent = time.perf_counter()
        client.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        done = await client.wait(uri, version_is(version))
        latencies.append(done - sent)
    bursts = []
    version = edits + 1
    for _ in range(5):  # ten characters typed 20 ms apart: the last one's diagnostics
        await asyncio.sleep(0.5)
        for _ in range(10):
            version += 1
            text = text[: title.end()] + "y" + text[title.end() :]
            sent = time.perf_counter()
            client.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                )
            )
            await asyncio.sleep(0.02)
        done = await client.wait(uri, version_is(version))
        bursts.append(done - sent)
    stale_in = await quiet_count(client, uri)
    await client.stop()
    return Figures(started, first - opened, complete - opened, latencies, bursts, stale_in)


async def quiet_count(client: Client, uri: str) -> int:
    """Once the documents the last edit affects are published (nothing new for 2 s): how many of them, the measured
    document aside, were last published with a stale copy (SL505)."""

    def stale() -> int:
        return sum(
            1
            for other, published in client.published.items()
            if other != uri and any(d.code == "SL505" for d in published[-1][1].diagnostics)
        )

    seen = -1
    while (count := sum(map(len, client.published.values()))) != seen:
        seen = count
        await asyncio.sleep(2.0)
    return stale()


async def wait_complete(client: Client, uri: str) -> float:
    """The first publication made once the server has read the corpus (it says so in its log just before)."""
    while client.loaded_at is None:
        await asyncio.sleep(0.01)
    loaded = client.loaded_at
    return await _after(client, uri, loaded)


async def _after(client: Client, uri: str, moment: float) -> float:
    while True:
        for when, _ in client.published.get(uri, []):
            if when >= moment:
                return when
        await asyncio.sleep(0.005)


def version_is(version: int) -> Callable[[types.PublishDiagnosticsParams], bool]:
    return lambda params: params.version == version


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a copy of the corpus (azure-news)")
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--document", help="measure this document only (a file name in the corpus)")
    args = parser.parse_args()
    root = args.corpus.resolve()
    files = sorted(root.glob("*.md"), key=lambda path: path.stat().st_size)
    if not files:
        sys.exit(f"{root}: no *.md documents")
    chosen = [root / args.document] if args.document else [files[len(files) // 2], files[-1]]
    print(f"corpus: {root} ({len(files):,} documents)")
    print(f"warm-up (reads the corpus, fills the cache if cold): {milliseconds(await warm(root, chosen[0]))}")
    for document in chosen:
        print(f"\n{document.name} ({document.stat().st_size:,} bytes)")
        for debounce in (None, 0):
            figures = await measure(root, document, args.edits, debounce)
            edits = sorted(figures.edits)
            label = "debounce 50 ms" if debounce is None else "debounceMs = 0"
            if debounce is None:
                print(f"  start    {milliseconds(figures.start)}")
                print(f"  first    {milliseconds(figures.first)}")
                print(f"  complete {milliseconds(figures.complete)}")
                print(f"  copies   {figures.stale_in} documents report a stale copy of the new title (SL505)")
            print(
                f"  edit, {label}: median {milliseconds(statistics.median(edits))}, "
                f"p90 {milliseconds(edits[int(len(edits) * 0.9) - 1])}, worst {milliseconds(edits[-1])}"
            )
            bursts = sorted(figures.bursts)
            print(
                f"  burst (10 characters 20 ms apart) → last one's diagnostics, {label}: "
                f"median {milliseconds(statistics.median(bursts))}, worst {milliseconds(bursts[-1])}"
            )


if __name__ == "__main__":
    asyncio.run(main())
