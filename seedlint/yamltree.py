"""Safe YAML: compose with libyaml (fast, positions kept), then build plain data ourselves.

Nothing is ever constructed from a tag: scalars become str/int/float/bool/None, and timestamps stay the
exact text the author wrote (the date rules check that text; libyaml's timestamp constructor would crash
on `2024-02-30`). Aliases are expanded under a budget so that a "billion laughs" document is refused
instead of exhausting memory, and nesting is bounded.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeAlias, cast, overload

import yaml

try:  # libyaml's C composer: the fast path. Pure Python only where libyaml is missing.
    _BaseLoader = yaml.CSafeLoader
    # A ReaderError's position (a character YAML does not accept): libyaml counts the UTF-8 bytes it reads.
    READER_COUNTS_BYTES = True
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc, assignment]  # the same loader's interface, in Python
    READER_COUNTS_BYTES = False

# The line breaks of YAML 1.1 that YAML 1.2 reads as characters: NEL, LS and PS. libyaml breaks lines at them, in a
# value too; ruamel.yaml, and most readers since, keep them as text (SL020).
YAML_1_1_BREAKS = "\x85\u2028\u2029"
AMBIGUOUS_BREAK = re.compile(f"[{YAML_1_1_BREAKS}]")

# Plain data as `to_data` builds it from the front matter: JSON's kinds of value (keys are text).
JSON: TypeAlias = str | int | float | bool | list["JSON"] | dict[str, "JSON"] | None
# Where a value is in that data: mapping keys and list indexes, from the root (("related", 2, "webUrl")).
FieldPath: TypeAlias = tuple[str | int, ...]


class _Loader(_BaseLoader):
    """The safe loader, with tag resolution left to `tag()`: the composer asks for the tag of every node
    written without one (a few hundred per article), each time through a Python call. Here C callables
    answer instead: `resolve` returns its arguments as a slice object, (kind, value, implicit flags),
    which no tag written in YAML can be; the path-resolver callbacks do nothing (the safe loader has no
    path resolvers: see below)."""

    resolve = slice  # (kind, value, implicit) -> kept for `tag()`
    descend_resolver = slice  # type: ignore[assignment]  # a C callable, not a method: (parent node, index) -> ignored
    ascend_resolver = tuple  # type: ignore[assignment]  # a C callable, not a method: () -> ignored


_BY_FIRST: dict[str | None, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(resolvers) for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_PLAIN_TAGS: dict[str, str] = {}  # plain scalar -> its tag; short values only, bounded


def tag(node: yaml.Node) -> str:
    """The node's tag: as written, or resolved as the safe loader resolves it (see _Loader). Keys are
    never resolved (they are text whatever they look like); `to_data` resolves every value it builds."""
    found: str | slice = node.tag  # a slice from _Loader.resolve, until resolved here
    if type(found) is not slice:
        return found
    if isinstance(node, yaml.ScalarNode):
        implicit = found.step
        found = _BaseLoader.DEFAULT_SCALAR_TAG
        if implicit[0]:  # plain, untagged: by the implicit resolvers of its first character
            value = node.value
            known = _PLAIN_TAGS.get(value)
            if known is None:
                known = next(
                    (t for t, regexp in _BY_FIRST.get(value[:1], ()) if regexp.match(value)),
                    _BaseLoader.DEFAULT_SCALAR_TAG,
                )
                if len(value) <= 64 and len(_PLAIN_TAGS) < 10_000:
                    _PLAIN_TAGS[value] = known
            found = known
    else:
        found = (
            _BaseLoader.DEFAULT_SEQUENCE_TAG if isinstance(node, yaml.SequenceNode) else _BaseLoader.DEFAULT_MAPPING_TAG
        )
    node.tag = found
    return found


# The shortcut above holds only for the safe loader's resolvers: none by path, none for any first character.
if _BaseLoader.yaml_path_resolvers or None in _BaseLoader.yaml_implicit_resolvers:  # pragma: no cover
    _Loader = _BaseLoader  # type: ignore[misc, assignment]  # the safe loader as it is: it resolves tags itself

YAML_TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = {YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
ALLOWED_TAGS = SCALAR_TAGS | {YAML_TAG + "seq", YAML_TAG + "map", YAML_TAG + "merge"}

MAX_DEPTH = 64  # an article nests 4 levels deep; 64 leaves room and keeps recursion shallow
MAX_NODES = 200_000  # values after alias expansion; the largest real article has a few thousand
# libyaml's C composer recurses once per nesting level (about 320 bytes of C stack each) and kills the
# process with a segmentation fault near 25,000 levels on an 8 MB stack. Text that could nest deeper than
# this is pre-scanned first (see `compose`); 1,000 also stays safe on a 512 kB thread stack.
SAFE_COMPOSE_DEPTH = 1_000

_INT = YAML_TAG + "int"
_constructor = yaml.constructor.SafeConstructor()
_CONSTRUCT: dict[str, Callable[[yaml.ScalarNode], int | float | bool | None]] = {
    YAML_TAG + "int": _constructor.construct_yaml_int,
    YAML_TAG + "float": _constructor.construct_yaml_float,
    YAML_TAG + "bool": _constructor.construct_yaml_bool,
    YAML_TAG + "null": _constructor.construct_yaml_null,
}


class TextMark(Protocol):
    """A position in the YAML text (PyYAML's marks and libyaml's)."""

    @property
    def index(self) -> int: ...  # characters from the start of the text


class Marked(Protocol):
    """What carries start and end marks: a node, a parser event, or a bare mark (_MarkOnly)."""

    @property
    def start_mark(self) -> TextMark: ...

    @property
    def end_mark(self) -> TextMark: ...


class TooComplex(Exception):
    """The YAML expands beyond the node budget or nests too deep."""

    def __init__(self, message: str, node: Marked):
        super().__init__(message)
        self.node = node  # where the limit was hit: a node, a parser event or a bare mark (all carry start/end marks)


def compose(text: str) -> yaml.Node | None:
    """Parse one YAML document into libyaml's node graph (raises yaml.YAMLError or TooComplex).

    Text that might nest deeper than SAFE_COMPOSE_DEPTH or hold more than MAX_NODES nodes is first
    streamed through the (iterative) parser, which stops at the first level or node over the limits:
    the recursive composer never sees it. Real articles never need this scan.
    """
    if len(text) > MAX_NODES or _may_nest_deeper(text):
        _check_limits(text)
    return yaml.compose(text, Loader=_Loader)


# A line (after any YAML 1.1 line break) whose indentation and block indicators (`- `, `? `, `: `) are
# SAFE_COMPOSE_DEPTH / 4 characters wide, or are followed by an anchor or tag (which may sit between indicators).
_WIDE_BLOCK_PREFIX = rf"(?:[ \t?:-]{{{SAFE_COMPOSE_DEPTH // 4}}}|[ \t?:-]*+[&!])"
_FIRST_LINE = re.compile(_WIDE_BLOCK_PREFIX)
_OTHER_LINES = re.compile(r"\n" + _WIDE_BLOCK_PREFIX)  # a literal first character: 4× faster than a class
_OTHER_LINES_ANY_BREAK = re.compile(r"[\n\r\x85\u2028\u2029]" + _WIDE_BLOCK_PREFIX)


def _may_nest_deeper(text: str) -> bool:
    """False only when `text` surely nests at most SAFE_COMPOSE_DEPTH levels (cheap: no parse).

    Every flow collection opens with `[` or `{`. A block collection starts on its line after nothing but
    indentation, block indicators and node properties, and a nested block collection starts in a column
    further right than its parent (or in the same column once: a list as a mapping's value). So without
    properties in line prefixes, block nesting is at most 2 × the widest prefix, and flow nesting adds the
    brackets: at most 500 + 500 levels when neither check below fires. (Cheaper still: each level needs
    at least one `[`, `{`, `-`, `?` or `:`, so text with fewer of them needs no further look.)
    """
    brackets = text.count("[") + text.count("{")
    if brackets + text.count("-") + text.count(":") + text.count("?") < SAFE_COMPOSE_DEPTH:
        return False
    if brackets >= SAFE_COMPOSE_DEPTH // 2:
        return True
    other_breaks = any(b in text for b in "\r\x85\u2028\u2029")
    other_lines = _OTHER_LINES_ANY_BREAK if other_breaks else _OTHER_LINES
    return _FIRST_LINE.match(text) is not None or other_lines.search(text) is not None


_OPENING = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSING = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _check_limits(text: str) -> None:
    """Stream the parser's events; raise TooComplex at the first level past MAX_DEPTH or node past MAX_NODES.

    libyaml 0.2.5 as bundled with newer PyYAML wheels stops at 1,000 levels with its own error, and its
    scanner reads ahead over a run of opening brackets (each may start a simple key) before the parser
    yields a single event; so that error can come before the event at MAX_DEPTH. The text before that
    error is then streamed again: it nests less than libyaml's limit, and its events reach MAX_DEPTH at
    the same place whatever the libyaml version."""
    try:
        _stream_limits(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        if mark is None or "maximum nesting depth" not in str(error.problem):
            raise
        # The cut text ends inside a collection: an error there is expected (the limit was not reached before it).
        with contextlib.suppress(yaml.YAMLError):
            _stream_limits(text[: mark.index])
        raise TooComplex(f"the YAML nests more than {MAX_DEPTH} levels deep", _MarkOnly(mark)) from None


class _MarkOnly:
    """Where a limit was hit when no event is there to point at (see _check_limits)."""

    def __init__(self, mark: yaml.Mark):
        self.start_mark = self.end_mark = mark


def _stream_limits(text: str) -> None:
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:  # (a parser's events always carry their marks)
                raise TooComplex(f"the YAML holds more than {MAX_NODES:,} values", cast(Marked, event))
        if isinstance(event, _OPENING):
            depth += 1
            if depth > MAX_DEPTH:
                raise TooComplex(f"the YAML nests more than {MAX_DEPTH} levels deep", cast(Marked, event))
        elif isinstance(event, _CLOSING):
            depth -= 1


@dataclass(frozen=True, slots=True)
class TreeProblem:
    kind: str  # "duplicate-key" or "unsupported-tag"
    node: yaml.Node
    message: str
    other: yaml.Node | None = None  # for a duplicate key: the first occurrence


@overload
def to_data(root: yaml.MappingNode, report: Callable[[TreeProblem], None]) -> dict[str, JSON]: ...
@overload
def to_data(root: yaml.Node, report: Callable[[TreeProblem], None]) -> JSON: ...
def to_data(root: yaml.Node, report: Callable[[TreeProblem], None]) -> JSON:
    """Plain Python data for a composed node graph; duplicate keys and unusual tags go to `report`."""
    return _Builder(report).build(root, 0)


class _Builder:
    # A class, not a recursive closure: a closure that calls itself is a reference cycle, which would keep
    # every document (through `report`) alive until the garbage collector finds it, and make it run often.
    __slots__ = ("report", "budget")

    def __init__(self, report: Callable[[TreeProblem], None]):
        self.report, self.budget = report, MAX_NODES

    def build(self, node: yaml.Node, depth: int) -> JSON:
        self.budget -= 1
        if self.budget < 0:
            raise TooComplex(f"the YAML expands to more than {MAX_NODES:,} values (aliases that multiply?)", node)
        if depth > MAX_DEPTH:
            raise TooComplex(f"the YAML nests more than {MAX_DEPTH} levels deep", node)
        # What `tag` resolves, without its call for the nodes written without a tag (hundreds per article).
        written: str | slice = node.tag  # (a slice: no tag written, see _Loader)
        kind = type(node)
        if type(written) is not slice:
            node_tag = written
        elif isinstance(node, yaml.ScalarNode):
            if node.style:  # quoted: text
                node.tag = _BaseLoader.DEFAULT_SCALAR_TAG
                return node.value
            node_tag = tag(node)
        elif kind is yaml.MappingNode:
            node.tag = node_tag = _BaseLoader.DEFAULT_MAPPING_TAG
        elif kind is yaml.SequenceNode:
            node.tag = node_tag = _BaseLoader.DEFAULT_SEQUENCE_TAG
        else:
            node_tag = tag(node)
        if node_tag not in ALLOWED_TAGS:
            self.report(
                TreeProblem("unsupported-tag", node, f"tag {tag_display(node_tag)} is not allowed in front matter")
            )
        if isinstance(node, yaml.ScalarNode):
            construct = _CONSTRUCT.get(node_tag)
            if construct is None or node.style:  # quoted scalars and !!str/timestamps stay text
                return node.value
            value = node.value
            try:
                if node_tag == _INT and value.isascii() and value.isdigit() and (value[0] != "0" or value == "0"):
                    return int(value)  # (a plain decimal: what construct_yaml_int gives, without its call)
                return construct(node)
            except (ValueError, LookupError, yaml.YAMLError):  # (`!!bool 27`, `!!int _`: PyYAML's own crash)
                return value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, depth + 1) for item in node.value]
        mapping: dict[str, JSON] = {}
        merged: dict[str, JSON] = {}
        first_key: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.value == "<<" and is_merge_key(key_node):  # (a list's value is never "<<")
                self._merge(merged, value_node, depth + 1)
                continue
            key = key_node.value if type(key_node) is yaml.ScalarNode else key_text(key_node)
            if key in first_key:
                self.report(TreeProblem("duplicate-key", key_node, f"duplicate key `{key}`", first_key[key]))
            else:
                first_key[key] = key_node
            mapping[key] = self.build(value_node, depth + 1)
        if merged:  # the keys written in the mapping win over merged ones
            return {**{key: value for key, value in merged.items() if key not in mapping}, **mapping}
        return mapping

    def _merge(self, merged: dict[str, JSON], value_node: yaml.Node, depth: int) -> None:
        """`<<: *base` or `<<: [*a, *b]` (YAML 1.1 merge keys, as PyYAML's safe loader and Jekyll read them):
        the keys of each mapping not given before, the first mapping of a list winning."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                message = "a merge key `<<` takes a mapping or a list of mappings"
                self.report(TreeProblem("yaml-syntax-error", source, message))
                continue
            built = self.build(source, depth)
            assert isinstance(built, dict)
            for key, value in built.items():
                merged.setdefault(key, value)


# The style of a plain scalar inside a flow collection (`[a, b]`, `{k: v}`), where `,`, `[`, `]`, `{` and `}`
# end it: not one of libyaml's styles, so that a value written there is never rendered as a block plain one.
FLOW_PLAIN = "{"


def flow_spans(root: yaml.Node) -> list[tuple[int, int]]:
    """(start, end) offsets of every flow collection (`[...]`, `{...}`) in the graph under `root`."""
    return [
        (node.start_mark.index, node.end_mark.index)
        for node in nodes(root)
        if isinstance(node, yaml.CollectionNode) and node.flow_style
    ]


def nodes(root: yaml.Node) -> Iterator[yaml.Node]:
    """Every node of the graph under `root`, keys too, each once however many aliases name it."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def key_text(node: yaml.Node) -> str:
    """A mapping key as text: JSON keys are strings, so `1:` is the key "1" (the schema then flags it), and
    a list or mapping used as a key reads as its flow form (`[a, b]`), so that two different ones differ."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    return _flow_text(node, 200)


def _flow_text(node: yaml.Node, budget: int) -> str:
    """A short flow-style rendering of a node (cut at `budget` characters: aliases may repeat a lot)."""
    if isinstance(node, yaml.ScalarNode):
        return node.value[:budget]
    parts: list[str] = []
    used = 2
    pairs = node.value if isinstance(node, yaml.MappingNode) else [(item, None) for item in node.value]
    for first, second in pairs:
        if used >= budget:
            parts.append("…")
            break
        text = _flow_text(first, budget - used)
        if second is not None:
            text += ": " + _flow_text(second, budget - used - len(text))
        parts.append(text)
        used += len(text) + 2
    brackets = "{}" if isinstance(node, yaml.MappingNode) else "[]"
    return brackets[0] + ", ".join(parts) + brackets[1]


def is_merge_key(node: yaml.Node) -> bool:
    """A plain `<<` key (or one tagged `!!merge`): YAML 1.1's merge key."""
    return isinstance(node, yaml.ScalarNode) and node.value == "<<" and tag(node) == YAML_TAG + "merge"


def tag_display(tag: str) -> str:
    return "!!" + tag[len(YAML_TAG) :] if tag.startswith(YAML_TAG) else tag


# Mappings with more keys than this are looked up through an index built once (see `find`).
INDEXED_FROM = 16
KeyIndex: TypeAlias = dict[int, dict[str, tuple[yaml.Node, yaml.Node]]]


def _lookup(mapping: yaml.MappingNode, key: str, depth: int) -> tuple[yaml.Node, yaml.Node] | None:
    """The key and value nodes of `key`: written in the mapping (the last duplicate wins, as in the data),
    else where a merge key brings it from (the first merged mapping that has it)."""
    found = None
    merges: list[yaml.Node] = []
    for k, v in mapping.value:
        if is_merge_key(k):
            merges.extend(v.value if isinstance(v, yaml.SequenceNode) else [v])
        elif key_text(k) == key:
            found = (k, v)
    if found is None and depth < MAX_DEPTH:
        for source in merges:
            if isinstance(source, yaml.MappingNode) and (found := _lookup(source, key, depth + 1)) is not None:
                break
    return found


def find(root: yaml.Node, path: FieldPath, index: KeyIndex | None = None) -> tuple[yaml.Node | None, yaml.Node, int]:
    """Walk `path` (keys and list indexes) from `root`.

    Returns (key node or None, deepest value node reached, how many path steps were found). A missing
    key stops the walk at its parent mapping, which is where "missing field" diagnostics point.
    `index` (kept by the caller per document) holds each large mapping's keys once looked up: a diagnostic
    per key of a mapping with 16,000 keys must not rescan the mapping each time.
    """
    key_node: yaml.Node | None = None
    node, depth = root, 0
    for step in path:
        found: tuple[yaml.Node | None, yaml.Node] | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            if index is not None and len(node.value) > INDEXED_FROM:
                keys = index.get(id(node))
                if keys is None:  # the last duplicate wins, as in the data
                    keys = index[id(node)] = {key_text(k): (k, v) for k, v in node.value if not is_merge_key(k)}
                found = keys.get(step)
                if found is None and any(is_merge_key(k) for k, _ in node.value):
                    found = _lookup(node, step, 0)
            else:
                found = _lookup(node, step, 0)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            found = (None, node.value[step])
        if found is None:
            break
        key_node, node = found
        depth += 1
    return key_node, node, depth
