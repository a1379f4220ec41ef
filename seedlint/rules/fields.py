"""SL6 — what the schema cannot say about other fields: the secured token, image sizes, topics, and the
text of titles and excerpts."""

from __future__ import annotations

import base64
import binascii
import difflib
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from seedlint import invisible, locus
from seedlint.edits import BLOCK_STYLES, replace_value
from seedlint.memo import Memo
from seedlint.registry import define

if TYPE_CHECKING:
    from seedlint.config import Config
    from seedlint.corpus import Corpus
    from seedlint.diagnostic import Diagnostic
    from seedlint.document import Document
    from seedlint.yamltree import JSON, FieldPath

INVALID_SECURED_TOKEN = define(
    "SL601",
    "invalid-secured-token",
    "error",
    "The secured token does not decode to an AES ciphertext and IV.",
    what="`secured` is `<base64 ciphertext>;<base64 IV>`: the ciphertext must decode to a non-empty multiple of "
    "16 bytes (AES blocks) and the IV to exactly 16 bytes.",
    why="A token that cannot be decrypted makes the site drop the article's protected content.",
    example='secured: "c2hvcnQ=;IQyw7PXpbSeUeX7Q22Lj0A=="   # 5 bytes of ciphertext',
)
IMAGE_SIZE_MISMATCH = define(
    "SL602",
    "image-size-mismatch",
    "info",
    "An image's declared size disagrees with the size its URL states.",
    what="Where the image URL states a width (`w_1782`), an aspect ratio (`ar_16:9`) or the size it was resized to "
    "(`/fit-in/1280x720/` and other thumbor forms, `/resize/1280x720/`, Wagtail's `.fill-1280x720.`, WordPress's "
    "`-1280x720.jpg` under wp-content/uploads), the declared width and height must agree within 2% (CDNs round "
    "requested sizes by a pixel or two), or be that size scaled with its aspect ratio kept (within rounding); a box "
    "an image is fitted into (`fit-in`, Wagtail's `max-`) holds any size that fills it on one side. A "
    "`WxH` elsewhere (a folder named `800x800`, an uploaded file's original name) is not taken as the image's size.",
    why="Templates reserve space from width and height; a wrong size makes the page jump or crops the image.",
    example='- url: "https://cdn.example/upload/w_1782/photo"\n  width: 1280',
)
UNKNOWN_TOPIC = define(
    "SL603",
    "unknown-topic",
    "warning",
    "A topic is not in the configured topic vocabulary.",
    what="When `topics` names a vocabulary (a text file with one topic per line, a YAML file, or a folder of "
    "taxonomy YAML files whose `name` fields are the topics), every topic must be one of them.",
    why="An unknown topic creates an empty or duplicate topic page; usually it is a misspelling.",
    example="topics:\n  - Power App   # did you mean `Power Apps`?",
)
RARE_TOPIC_SPELLING = define(
    "SL604",
    "rare-topic-spelling",
    "info",
    "A topic used once is a near-spelling of a frequent topic.",
    what="Without a vocabulary, a topic that occurs in one document only and is a near-spelling of a topic used in "
    "at least five documents is reported: within two edits (a character added, dropped or changed) and at least "
    "0.85 similar by difflib's ratio; topics of 3 to 100 characters are compared.",
    why="Most such topics are misspellings that split one topic into two pages.",
    example="topics:\n  - Artifical Intelligence   # 'Artificial Intelligence' is used 200 times",
)
EMPTY_TITLE = define(
    "SL605",
    "empty-title",
    "error",
    "A title is empty or only whitespace.",
    what="The title of the document and the titles of its related entries must hold text.",
    why="An empty title renders as a blank card, here and wherever the entry is shown.",
    example='title: "  "',
)
SURROUNDING_WHITESPACE = define(
    "SL606",
    "surrounding-whitespace",
    "info",
    "A title, excerpt, name or topic starts or ends with whitespace.",
    what="Leading or trailing spaces, tabs or line breaks in the document's own title, excerpt, provider name "
    "and topics (not the line break YAML ends a `|` or `>` block value with, unless it is marked `+` to keep "
    "more). Related entries are copies: the document they copy is reported, and once it is fixed the "
    "copies are stale copies (SL505) whose safe fix brings them in line.",
    why="Invisible whitespace makes equal values compare unequal (topics, stale-copy checks) and shifts layouts.",
    example='title: "Hello "',
    fix="safe: the whitespace is removed; nothing else in the value changes (a block value whose ends change is "
    "written double-quoted).",
)
EMPTY_EXCERPT = define(
    "SL608",
    "empty-excerpt",
    "warning",
    "The document's excerpt is empty or only whitespace.",
    what="The document's own excerpt (related entries copy it, so they are not reported again).",
    why="A card without a summary; azure-news has 190 such documents, copied into 1,515 related entries.",
    example='excerpt: ""',
)
TITLE_IS_EXCERPT = define(
    "SL607",
    "title-equals-excerpt",
    "warning",
    "The excerpt repeats the title.",
    what="An excerpt identical to the title (ignoring surrounding whitespace).",
    why="The card shows the same text twice; the real excerpt was lost when the document was made.",
    example='title: "Hello"\nexcerpt: "Hello"',
)

_AES_BLOCK = 16
_WIDTH = re.compile(r"(?:^|[/,_])w_(\d{2,5})(?=[,/]|$)")
_HEIGHT = re.compile(r"(?:^|[/,_])h_(\d{2,5})(?=[,/]|$)")
_ASPECT = re.compile(r"(?:^|[/,])ar_(\d{1,3}):(\d{1,3})(?=[,/]|$)")
# `WxH` only where the URL says unambiguously that it is the size the image was resized to or fitted into.
# In a folder name (`/images/800x800/promo/...`: a size class of 740x493 images) or an upload's original file
# name (`custom_logo-250x100.jpg` served at 1200x627) it says nothing of this image: 162 + 2 false findings
# on azure-news.
_SIZES = tuple(
    re.compile(pattern)
    for pattern in (
        # thumbor and its kind, signed (`/<hmac>=/`) or not (`/unsafe/`): crop box, fit-in, then the size
        r"(?:=|/unsafe)/(?:trim/)?(?:\d+x\d+:\d+x\d+/)?(?:fit-in/)?(\d{2,5})x(\d{2,5})/",
        r"/(?:resize|thumbnail|fit-in)/(\d{2,5})x(\d{2,5})/",  # a transformation named in the path
        r"/(\d{2,5})x(\d{2,5})/match/",  # Brightcove's image service
        r"\.(?:fill|max)-(\d{2,5})x(\d{2,5})(?:-c\d+)?\.\w{3,4}$",  # Wagtail renditions
        r"/wp-content/uploads/.+-(\d{2,5})x(\d{2,5})\.\w{3,4}$",  # WordPress's resized copies
    )
)
# Of those, the sizes that are the image's own, not a box it was fitted into: Wagtail's `fill` crops to exactly
# that size, and WordPress names a resized copy by the size it has (a 1024x576 image at `…-1024x900.jpg` passed).
_EXACT_SIZES = (
    re.compile(r"\.fill-\d{2,5}x\d{2,5}(?:-c\d+)?\.\w{3,4}$"),
    re.compile(r"/wp-content/uploads/.+-\d{2,5}x\d{2,5}\.\w{3,4}$"),
)
_TEXT_FIELDS = ("title", "excerpt")


def check(doc: Document, config: Config) -> Iterator[Diagnostic]:
    data = doc.data
    assert data is not None  # (the document checks run on documents whose front matter parsed)
    yield from _check_secured(doc, data.get("secured"))
    for path, image in _images(data):
        yield from _CLEAN_IMAGES.findings(_image_key(image), _check_image, doc, path, image)
    yield from _check_texts(doc, data)
    vocabulary = config.topic_vocabulary()
    topics = data.get("topics")
    for index, topic in enumerate(topics if isinstance(topics, list) else []):
        if vocabulary is not None and isinstance(topic, str) and topic.strip() not in vocabulary:
            match = difflib.get_close_matches(topic, sorted(vocabulary), n=1, cutoff=0.75)
            hint = f"; did you mean `{match[0]}`?" if match else ""
            yield UNKNOWN_TOPIC.at(
                doc, ("topics", index), f"topic `{topic}` is not in the topic vocabulary ({config.topics}){hint}"
            )


def _check_secured(doc: Document, token: JSON) -> Iterator[Diagnostic]:
    if not isinstance(token, str) or token.count(";") != 1:
        return  # the schema (SL106) reports a token of the wrong form
    ciphertext, iv = token.split(";")
    try:
        sizes = len(base64.b64decode(ciphertext, validate=True)), len(base64.b64decode(iv, validate=True))
    except (binascii.Error, ValueError) as error:
        yield INVALID_SECURED_TOKEN.at(doc, ("secured",), f"secured token is not valid base64: {error}")
        return
    problems = []
    if sizes[0] == 0 or sizes[0] % _AES_BLOCK:
        problems.append(f"the ciphertext decodes to {sizes[0]} bytes, not a non-empty multiple of {_AES_BLOCK}")
    if sizes[1] != _AES_BLOCK:
        problems.append(f"the IV decodes to {sizes[1]} bytes, not {_AES_BLOCK}")
    if problems:
        yield INVALID_SECURED_TOKEN.at(doc, ("secured",), "secured token cannot be decrypted: " + "; ".join(problems))


def _images(data: dict[str, JSON]) -> Iterator[tuple[FieldPath, dict[str, JSON]]]:
    def listed(prefix: FieldPath, images: JSON) -> Iterator[tuple[FieldPath, dict[str, JSON]]]:
        for index, image in enumerate(images if isinstance(images, list) else []):
            if isinstance(image, dict):
                yield prefix + (index,), image

    yield from listed(("images",), data.get("images"))
    if isinstance(provider := data.get("provider"), dict):
        yield from listed(("provider", "images"), provider.get("images"))
    related = data.get("related")
    for index, entry in enumerate(related if isinstance(related, list) else []):
        if isinstance(entry, dict):
            yield from listed(("related", index, "images"), entry.get("images"))


def stated_size(url: str) -> tuple[int | None, int | None, tuple[int, int] | None, tuple[int, int] | None]:
    """(width, height, aspect ratio, bounding box) that an image URL states, each None where it states none.
    `w_`/`h_` parameters state exact sizes; a `WxH` segment states the box the image was fitted into."""
    path = url.split("?", 1)[0]
    width, height, aspect = _WIDTH.search(path), _HEIGHT.search(path), _ASPECT.search(path)
    size = next((found for pattern in _SIZES if (found := pattern.search(path))), None)
    ratio = (int(aspect[1]), int(aspect[2])) if aspect and int(aspect[2]) else None
    box = (int(size[1]), int(size[2])) if size else None
    return int(width[1]) if width else None, int(height[1]) if height else None, ratio, box


# Images found clean, by what decides it (a copy's images recur in every list naming the article; bounded like
# the addresses' memo, its keys being addresses too).
_CLEAN_IMAGES = Memo(limit=25_000)


def _image_key(image: dict[str, JSON]) -> str | None:
    url, width, height = image.get("url"), image.get("width"), image.get("height")
    if type(url) is str and type(width) is int and type(height) is int:
        return f"{width}x{height} {url}"
    return None  # (never found clean: nothing is remembered)


def _check_image(doc: Document, path: FieldPath, image: dict[str, JSON]) -> Iterator[Diagnostic]:
    url, width, height = image.get("url"), image.get("width"), image.get("height")
    if not (isinstance(url, str) and isinstance(width, int) and isinstance(height, int)) or width <= 0 or height <= 0:
        return  # the schema reports missing or non-positive sizes
    w, h, ratio, box = stated_size(url)
    where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")
    if w is not None and _differs(w, width):
        yield IMAGE_SIZE_MISMATCH.at(
            doc, path + ("width",), f"{where}.width is {width} but the image URL states width {w}"
        )
    elif h is not None and _differs(h, height):
        yield IMAGE_SIZE_MISMATCH.at(
            doc, path + ("height",), f"{where}.height is {height} but the image URL states height {h}"
        )
    elif (
        box is not None
        and not (_is_exactly(box, width, height) if _exact(url) else _fits(box, width, height, "no_upscale" not in url))
        and not _rescaled(box, width, height)
    ):
        yield IMAGE_SIZE_MISMATCH.at(
            doc, path + ("width",), f"{where} is {width}x{height} but the image URL states the size {box[0]}x{box[1]}"
        )
    elif ratio is not None and abs(width / height - ratio[0] / ratio[1]) > 0.02 * ratio[0] / ratio[1]:
        yield IMAGE_SIZE_MISMATCH.at(
            doc,
            path + ("height",),
            f"{where} is {width}x{height} but the image URL states aspect ratio {ratio[0]}:{ratio[1]} "
            f"(height {round(width * ratio[1] / ratio[0])} for width {width})",
        )


def _rescaled(box: tuple[int, int], width: int, height: int) -> bool:
    """The declared size is the stated one scaled, the aspect ratio kept within rounding (a page declares a
    1200x630 rendition at 1024x539): one side computed from the other is off by at most 2 px or 1%."""
    return abs(height - width * box[1] / box[0]) <= max(2, 0.01 * height) or abs(
        width - height * box[0] / box[1]
    ) <= max(2, 0.01 * width)


def _exact(url: str) -> bool:
    path = url.split("?", 1)[0]
    return any(pattern.search(path) for pattern in _EXACT_SIZES)


def _is_exactly(size: tuple[int, int], width: int, height: int) -> bool:
    return not _differs(size[0], width) and not _differs(size[1], height)


def _fits(box: tuple[int, int], width: int, height: int, upscaled: bool) -> bool:
    """An image fitted into a box fills it on one side and does not exceed it on the other; with thumbor's
    `no_upscale()` a smaller source stays smaller than the box."""
    if not upscaled and width <= box[0] * 1.02 and height <= box[1] * 1.02:
        return True
    return (not _differs(box[0], width) and height <= box[1] * 1.02) or (
        not _differs(box[1], height) and width <= box[0] * 1.02
    )


def _differs(stated: int, declared: int) -> bool:
    # CDNs round a requested size by a pixel or two (a 349 px request served at 347 px): within 2% agrees.
    return abs(stated - declared) > 0.02 * stated


def _text_paths(data: dict[str, JSON]) -> Iterator[FieldPath]:
    """The document's own text fields (related entries are copies: see SL606)."""
    for name in _TEXT_FIELDS:
        yield (name,)
    yield ("provider", "name")
    topics = data.get("topics")
    for index in range(len(topics) if isinstance(topics, list) else 0):
        yield ("topics", index)


def _related_titles(data: dict[str, JSON]) -> Iterator[FieldPath]:
    related = data.get("related")
    for index, entry in enumerate(related if isinstance(related, list) else []):
        if isinstance(entry, dict):
            yield ("related", index, "title")


def _value(data: JSON, path: FieldPath) -> JSON:
    for step in path:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def _check_texts(doc: Document, data: dict[str, JSON]) -> Iterator[Diagnostic]:
    for path in [*_text_paths(data), *_related_titles(data)]:
        value = _value(data, path)
        if not isinstance(value, str):
            continue
        # (a zero-width space alone shows nothing either; every invisible character is beyond ASCII)
        shown = value if value.isascii() else invisible.INVISIBLE.sub("", value)
        if not shown.strip():
            name = _path_name(path)
            rule = EMPTY_TITLE if path[-1] == "title" else EMPTY_EXCERPT if path == ("excerpt",) else None
            if rule is not None:
                state = (
                    "is empty"
                    if not value
                    else "is only whitespace"
                    if not value.strip()
                    else "holds only invisible characters"
                )
                yield rule.at(doc, path, f"{name} {state}: {_what_to_write(path)}")
        elif path[0] != "related" and (written := _as_written(doc, path, value)) != written.strip():
            name = _path_name(path)
            fix = replace_value(doc, path, written.strip(), description="remove the surrounding whitespace")
            side = (
                "starts and ends"
                if written[0].isspace() and written[-1].isspace()
                else "starts"
                if written[0].isspace()
                else "ends"
            )
            # At the blanks themselves (the leading ones when both ends have some): a long excerpt's trailing
            # space was shown hundreds of columns from the caret under its whole value. Known, as before, by the
            # whole value (a baseline's entries still match).
            leading = len(written) - len(written.lstrip())
            start, end = (0, leading) if leading else (len(written.rstrip()), len(written))
            where, text_key = locus.locate(doc, doc.value_span(path), path, False)
            yield SURROUNDING_WHITESPACE.at_known(
                doc.display_path,
                doc.value_range_span(path, start, end),
                f"{name} {side} with whitespace ({_describe_blank(written)}): remove it",
                fix,
                where,
                text_key,
            )
    title, excerpt = data.get("title"), data.get("excerpt")
    if isinstance(title, str) and isinstance(excerpt, str) and title.strip() and title.strip() == excerpt.strip():
        yield TITLE_IS_EXCERPT.at(
            doc, ("excerpt",), "excerpt is the same text as the title: the article's summary is missing"
        )


def _path_name(path: FieldPath) -> str:
    """How a message names the field at `path`: `related[3].title`."""
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")


def _as_written(doc: Document, path: FieldPath, value: str) -> str:
    """The value without the line break that ends every `|` or `>` block value not marked `+` (YAML adds it:
    the author wrote lines of text, not a trailing line break)."""
    if value.endswith("\n") and doc.value_style(path) in BLOCK_STYLES and doc.text is not None:
        span = doc.value_span(path)
        header = doc.text[span.start : span.end].split("\n", 1)[0].split("#", 1)[0]
        if "+" not in header:
            return value[:-1]
    return value


def _what_to_write(path: FieldPath) -> str:
    """What an empty title or excerpt should hold instead (the message says what would be right)."""
    if path[0] == "related":
        return f"copy the {path[-1]} of the article the entry names"
    return "write the article's headline" if path[-1] == "title" else "write the article's summary"


def _describe_blank(value: str) -> str:
    blanks = value[: len(value) - len(value.lstrip())] + value[len(value.rstrip()) :]
    return ", ".join(sorted({repr(ch) for ch in blanks}))


def check_topic_spellings(corpus: Corpus, config: Config) -> Iterator[Diagnostic]:
    """Without a vocabulary: a topic used in one document that is a near-spelling of a topic used in five or more."""
    if config.topics:
        return
    counts = corpus.topic_counts()
    index = SpellingIndex(topic for topic, count in counts.items() if count >= FREQUENT_TOPIC)
    for record in corpus.records:
        if record.path not in corpus.reported:
            continue
        for position, topic in enumerate(record.topics):
            if counts[topic] != 1:
                continue
            match = index.nearest(topic)
            if match is None:
                continue
            message = f"topic `{topic}` is used only here; did you mean `{match}` (used in {counts[match]} documents)?"
            if unseen := invisible.unseen_difference(topic, match):
                message += f" ({unseen})"
            if (
                diagnostic := corpus.report(record.path, RARE_TOPIC_SPELLING, ("topics", position), message)
            ) is not None:
                yield diagnostic


FREQUENT_TOPIC = 5  # documents a topic is used in to count as the spelling to compare with
_MAX_EDITS = 2
_SIMILARITY = 0.85  # difflib's ratio, as get_close_matches' cutoff
_SHORTEST, _LONGEST = 3, 100  # topics outside these lengths are not compared (a topic is a short label)
_MAX_CANDIDATES = 64  # distinct frequent topics compared with one rare topic, at most


def _pieces(length: int) -> list[tuple[int, int]]:
    """Three consecutive pieces of a string of `length` characters (start, end)."""
    cuts = [0, length // 3, 2 * length // 3, length]
    return [(cuts[i], cuts[i + 1]) for i in range(3)]


class SpellingIndex:
    """The frequent topics, found by near-spelling without comparing every pair (which took 81 s for 340 kB
    of hostile topics). Pigeonhole: a topic within two edits of a frequent one of length L (L - 2 … L + 2
    characters) contains one of its three pieces unchanged, at most two characters from where the piece is in
    it. Each frequent topic is indexed under its three pieces; a rare topic looks up 5 lengths × 3 pieces × 5
    shifts, then compares at most 64 candidates, those sharing its rarest pieces first: linear in the number of
    topics (a topic whose every piece is shared by more than 64 frequent topics may miss its match)."""

    def __init__(self, topics: Iterable[str]) -> None:
        self.pieces: dict[tuple[int, int, str], list[str]] = {}
        for topic in topics:
            if _SHORTEST <= len(topic) <= _LONGEST:
                for number, (start, end) in enumerate(_pieces(len(topic))):
                    self.pieces.setdefault((len(topic), number, topic[start:end]), []).append(topic)

    def candidates(self, topic: str) -> list[str]:
        """Frequent topics sharing a piece with `topic` where the pigeonhole puts it: those of the rarest pieces
        first (a piece most topics share, like `Microsoft `, says least), at most 64."""
        postings = []
        for length in range(len(topic) - _MAX_EDITS, len(topic) + _MAX_EDITS + 1):
            for number, (start, end) in enumerate(_pieces(length)):
                for at in range(max(0, start - _MAX_EDITS), start + _MAX_EDITS + 1):
                    if at + end - start > len(topic):
                        break
                    if (found := self.pieces.get((length, number, topic[at : at + end - start]))) is not None:
                        postings.append(found)
        candidates: dict[str, None] = {}
        for found in sorted(postings, key=len):
            for candidate in found:
                candidates[candidate] = None
                if len(candidates) >= _MAX_CANDIDATES:
                    return list(candidates)
        return list(candidates)

    def nearest(self, topic: str) -> str | None:
        """The most similar frequent topic within two edits and with difflib's ratio of at least 0.85."""
        if not _SHORTEST <= len(topic) <= _LONGEST:
            return None
        best: tuple[float, str] | None = None
        for candidate in self.candidates(topic):
            if candidate == topic or not within_edits(topic, candidate, _MAX_EDITS):
                continue
            ratio = difflib.SequenceMatcher(None, candidate, topic).ratio()
            if ratio >= _SIMILARITY and (best is None or (ratio, candidate) > best):
                best = (ratio, candidate)
        return best[1] if best is not None else None


def within_edits(a: str, b: str, limit: int) -> bool:
    """Whether the Levenshtein distance of `a` and `b` is at most `limit`. Their common start and end are
    left out first (a near-spelling differs in a few characters), then a dynamic programme runs on the band of
    width 2·limit + 1 around the diagonal and stops as soon as the band exceeds `limit`: O(len · limit)."""
    if abs(len(a) - len(b)) > limit:
        return False
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    a, b = a[start:end_a], b[start:end_b]
    if not a or not b:
        return max(len(a), len(b)) <= limit
    beyond = limit + 1
    previous = [j if j <= limit else beyond for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        low, high = max(1, i - limit), min(len(b), i + limit)
        current = [beyond] * (len(b) + 1)
        current[0] = i if i <= limit else beyond
        for j in range(low, high + 1):
            current[j] = min(previous[j - 1] + (a[i - 1] != b[j - 1]), previous[j] + 1, current[j - 1] + 1, beyond)
        if min(current[max(0, low - 1) : high + 1]) > limit:
            return False
        previous = current
    return previous[len(b)] <= limit
