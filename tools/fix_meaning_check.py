"""Which article does each related entry describe after `seedlint fix`? Run the fix on a copy of a corpus
and compare, entry by entry, before and after.

    python tools/fix_meaning_check.py CORPUS_COPY [-- extra arguments for `seedlint fix`]

CORPUS_COPY is modified (run it on a copy: `cp -r ../shared/corpus/azure-news /tmp/azure-copy`). Before the
fix, every related entry whose webUrl is byte for byte the webUrl, originalUrl or ampWebUrl of documents of
the corpus, and whose copied fields (title, excerpt, publishedDateTime, type, provider name and domain, as
far as the entry holds them) are exactly those of one of them, is remembered with that document. After the
fix, the same entry must still name that document by an address it has (byte for byte), name no other
document that way unless it did before, and hold exactly that document's (fixed) values. Anything else is a
changed meaning, listed with the file and the entry. The documents are read with PyYAML's BaseLoader (every
value a string), independently of seedlint's own reading and resolution.

Exit status: 0 when no meaning changed, 1 otherwise, 2 when `seedlint fix` failed to run (exit status 2).
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ADDRESSES = ("webUrl", "originalUrl", "ampWebUrl")
COPIED = ("title", "excerpt", "publishedDateTime", "type")


def front_matter(path: Path) -> dict | None:
    text = path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    if end == -1:
        end = text.find("\n...", 3)
    try:
        data = yaml.load(text[3:end], Loader=yaml.CBaseLoader)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def copied(mapping: dict) -> dict[str, object]:
    """The values a related entry copies from its document, as far as `mapping` holds them."""
    values: dict[str, object] = {name: mapping[name] for name in COPIED if name in mapping}
    provider = mapping.get("provider")
    if isinstance(provider, dict):
        values["provider"] = (provider.get("name"), provider.get("domain"))
    return values


def is_copy(entry: dict[str, object], document: dict[str, object]) -> bool:
    return bool(entry) and all(name in document and document[name] == value for name, value in entry.items())


def read(folder: Path) -> tuple[dict[str, dict], dict[str, set[str]]]:
    documents, by_address = {}, defaultdict(set)
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".md", ".txt") and p.is_file()):
        data = front_matter(path)
        if data is None:
            continue
        name = str(path.relative_to(folder))
        documents[name] = data
        for field in ADDRESSES:
            if isinstance(data.get(field), str):
                by_address[data[field]].add(name)
    return documents, by_address


def entries(documents: dict[str, dict]):
    for name, data in documents.items():
        related = data.get("related")
        for index, entry in enumerate(related if isinstance(related, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("webUrl"), str):
                yield name, index, entry


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    folder = Path(argv[0])
    extra = argv[2:] if len(argv) > 1 and argv[1] == "--" else argv[1:]
    documents, by_address = read(folder)
    before: dict[tuple[str, int], tuple[str, dict]] = {}  # (file, index) → (the document it copies, its values)
    counts = defaultdict(int)
    for name, index, entry in entries(documents):
        named = by_address.get(entry["webUrl"], set())
        counts["entries"] += 1
        copies = [other for other in sorted(named) if is_copy(copied(entry), copied(documents[other]))]
        if len(named) == 1 and copies:
            counts["exact copies of the one document at their exact address"] += 1
        elif copies:
            counts["exact copies of one of several documents at their exact address"] += 1
        else:
            counts["not an exact copy of a document at their exact address"] += 1
            continue
        before[(name, index)] = (copies[0], copied(entry), set(named))
    command = [sys.executable, "-m", "seedlint", "fix", *extra, str(folder)]
    status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    print(f"$ {' '.join(command)}  → exit {status.returncode}")
    if status.returncode == 2:
        print(status.stderr.strip()[-2000:])
        return 2
    documents, by_address = read(folder)
    changed: list[str] = []
    rewritten = 0
    for (name, index), (target, values, named_before) in sorted(before.items()):
        related = documents.get(name, {}).get("related")
        entry = related[index] if isinstance(related, list) and index < len(related) else None
        if not isinstance(entry, dict):
            changed.append(f"{name} related[{index}]: the entry is gone")
            continue
        now = copied(entry)
        if now != values:
            rewritten += 1
        named = by_address.get(entry.get("webUrl"), set())
        if target not in named:
            changed.append(f"{name} related[{index}]: its address no longer names {target}")
        elif named - named_before:
            others = ", ".join(sorted(named - named_before))
            changed.append(f"{name} related[{index}]: its address now also names {others} (ambiguous)")
        elif not is_copy(now, copied(documents[target])):
            wrong = [field for field, value in now.items() if copied(documents[target]).get(field) != value]
            changed.append(f"{name} related[{index}]: {', '.join(wrong)} no longer what {target} says")
    for what, count in counts.items():
        print(f"{count:>8}  {what}")
    print(f"{rewritten:>8}  of the copies had a copied value rewritten by the fix")
    print(f"{len(changed):>8}  changed meanings (an entry that no longer describes the document it copied)")
    for line in changed[:20]:
        print("          " + line)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
