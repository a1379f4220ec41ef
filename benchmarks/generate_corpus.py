"""Generate a realistic corpus of N article documents from real ones, for the benchmarks.

    python benchmarks/generate_corpus.py OUT N SOURCE_DIR [SOURCE_DIR...] [--site HOST [--numbered]]
                                         [--unresolved FRACTION]

Each generated document is a real document (taken in turn from the sources) with its own unique
addresses (webUrl, ampWebUrl, cdnAmpWebUrl, originalUrl), a unique title, a file name whose date
agrees with publishedDateTime, and a `related:` list as long as the real one (at most 12 entries) whose
entries are exact copies of other generated documents, so every reference resolves inside the
generated corpus. Text stays the real text: non-ASCII punctuation, accented and non-Latin letters.
The same N and sources always give the same corpus (a fixed random seed).

`--site HOST` puts every document on one host, under one section (https://HOST/en-us/blog/<slug>-<n>/), and
`--unresolved F` makes that fraction of the related entries copies of articles that are not in the corpus
(deleted posts, or the rest of a site the corpus samples) at addresses on the same host: the shape where each
unresolved entry is looked up for a near miss among every address of its host. `--numbered` gives the site's
articles numbers instead of slugs (https://HOST/news/<n>): addresses one or two characters apart by the
hundred, the densest case for that search.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from seedlint.document import load_document
from seedlint.weburl import amp_cache_url

MAX_RELATED = 12
SITE_RELATED = 6  # entries of a --site document whose template has none
RELATED_FIELDS = (
    "title",
    "excerpt",
    "publishedDateTime",
    "webUrl",
    "ampWebUrl",
    "cdnAmpWebUrl",
    "type",
    "provider",
    "quality",
    "images",
)
PLAIN_KEYS = {"publishedDateTime", "updatedDateTime"}  # written unquoted, as the real corpus does
SUFFIXES = (" — edition {n}", " · part {n}", " (update {n})", " – №{n}")


def templates(sources: list[Path]) -> list[dict]:
    """Every real document that parses without a problem, as plain data, in a stable order."""
    found = []
    for source in sources:
        for path in sorted(p for p in source.rglob("*") if p.suffix in (".md", ".txt") and p.is_file()):
            doc = load_document(path, str(path))
            if doc.data is not None and not doc.problems and isinstance(doc.data.get("title"), str):
                found.append(doc.data)
    if not found:
        sys.exit("no usable source documents")
    random.Random(0).shuffle(found)  # every N gets a mix of all the sources
    return found


def slug(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return words[:60].rstrip("-") or "article"


class Generator:
    def __init__(
        self, sources: list[dict], count: int, site: str | None = None, unresolved: float = 0.0, numbered: bool = False
    ):
        self.sources = sources
        self.count = count
        self.site = site
        self.unresolved = unresolved
        self.numbered = numbered

    def own(self, n: int) -> dict:
        """Document n's own fields (without related), derived from its template and n alone."""
        data = {key: value for key, value in self.sources[n % len(self.sources)].items() if key != "related"}
        data["title"] = data["title"] + SUFFIXES[n % len(SUFFIXES)].format(n=n)
        if isinstance(data.get("images"), list):
            data["images"] = [
                dict(image, title=data["title"]) if isinstance(image, dict) and "title" in image else image
                for image in data["images"]
            ]
        if self.site and self.numbered:
            address = f"https://{self.site}/news/{n}"
        elif self.site:
            address = f"https://{self.site}/en-us/blog/{slug(data['title'])}-{n}/"
        else:
            host = _host(data.get("webUrl") or data.get("originalUrl")) or "example.com"
            address = f"https://{host}/generated/{n}/{slug(data['title'])}/"
        for key in ("webUrl", "originalUrl"):
            if key in data:
                data[key] = address
        if "ampWebUrl" in data:
            data["ampWebUrl"] = address + "amp/"
            if "cdnAmpWebUrl" in data:
                data["cdnAmpWebUrl"] = amp_cache_url(data["ampWebUrl"])
        return data

    def document(self, n: int) -> tuple[str, str]:
        """(file name, text) of document n."""
        data = self.own(n)
        template_related = self.sources[n % len(self.sources)].get("related")
        wanted = min(len(template_related) if isinstance(template_related, list) else 0, MAX_RELATED)
        if self.site and not wanted:  # (powerapps-news has no related lists: a site's pages all have one)
            wanted = SITE_RELATED
        if wanted:
            rng = random.Random(n)
            related = []
            for target in rng.sample(range(self.count), min(self.count, wanted * 2)):
                if rng.random() < self.unresolved:
                    target += self.count  # an article the corpus does not have (the same host when --site)
                copy = self.own(target)
                if target != n and "webUrl" in copy and len(related) < wanted:
                    entry = {key: copy[key] for key in RELATED_FIELDS if key in copy}
                    entry.setdefault("quality", copy.get("heat", 1))  # required in a related entry
                    if isinstance(entry.get("provider"), dict):
                        entry["provider"] = {k: v for k, v in entry["provider"].items() if k in ("name", "domain")}
                    related.append(entry)
            ordered = {}
            for key, value in data.items():
                if key == "secured" and related:
                    ordered["related"] = related
                ordered[key] = value
            ordered.setdefault("related", related)
            data = ordered
        date = str(data.get("publishedDateTime", "2020-01-01"))[:10]
        return f"{date}-{slug(data['title'])}-{n}.md", "---\n" + emit(data) + "---\n"


def _host(url) -> str | None:
    match = re.match(r"https?://([^/]+)", url or "")
    return match.group(1).lower() if match else None


def emit(data: dict, indent: str = "") -> str:
    """YAML in the corpus's style: block mappings, lists indented under their key, double-quoted text."""
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:\n" + emit(value, indent + "  "))
        elif isinstance(value, list):
            lines.append(f"{indent}{key}:" + ("" if value else " []") + "\n")
            for item in value:
                if isinstance(item, dict):
                    body = emit(item, indent + "    ")
                    lines.append(f"{indent}  - " + body[len(indent) + 4 :])
                else:
                    lines.append(f"{indent}  - {scalar(key, item)}\n")
        else:
            lines.append(f"{indent}{key}: {scalar(key, value)}\n")
    return "".join(lines)


def scalar(key: str, value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if key in PLAIN_KEYS and re.fullmatch(r"[0-9TZ:+.\-]+", value):
        return value
    # JSON strings are YAML double-quoted scalars; line separators are escaped too (YAML reads them as breaks).
    text = json.dumps(value, ensure_ascii=False)
    return re.sub("[\x85\u2028\u2029\x80-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def generate(
    out: Path,
    count: int,
    sources: list[Path],
    site: str | None = None,
    unresolved: float = 0.0,
    numbered: bool = False,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    generator = Generator(templates(sources), count, site, unresolved, numbered)
    for n in range(count):
        name, text = generator.document(n)
        (out / name).write_text(text, encoding="utf-8")


def main(argv: list[str]) -> None:
    site, unresolved, numbered = None, 0.0, "--numbered" in argv
    argv = [arg for arg in argv if arg != "--numbered"]
    if "--site" in argv:
        at = argv.index("--site")
        site, argv = argv[at + 1], argv[:at] + argv[at + 2 :]
    if "--unresolved" in argv:
        at = argv.index("--unresolved")
        unresolved, argv = float(argv[at + 1]), argv[:at] + argv[at + 2 :]
    if len(argv) < 3:
        sys.exit(__doc__)
    out, count, sources = Path(argv[0]), int(argv[1]), [Path(p) for p in argv[2:]]
    generate(out, count, sources, site, unresolved, numbered)
    print(f"{count:,} documents written to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
