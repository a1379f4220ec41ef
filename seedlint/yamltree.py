"""Safe YAML: compose with libyaml (fast, positions kept), then build plain data ourselves.

Nothing is ever constructed from a tag: scalars become str/int/float/bool/None, and timestamps stay the
exact text the author wrote (the date rules check that text; libyaml's timestamp constructor would crash
on `2024-02-30`). Aliases are expanded under a budget so that a "billion laughs" document is refused
instead of exhausting memory, and nesting is bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import yaml

try:  # libyaml's C composer: the fast path. Pure Python only where libyaml is missing.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

YAML_TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = {YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
ALLOWED_TAGS = SCALAR_TAGS | {YAML_TAG + "seq", YAML_TAG + "map", YAML_TAG + "merge"}

MAX_DEPTH = 64  # an article nests 4 levels deep; 64 leaves room and keeps recursion shallow
MAX_NODES = 200_000  # values after alias expansion; the largest real article has a few thousand

_constructor = yaml.constructor.SafeConstructor()
_CONSTRUCT = {
    YAML_TAG + "int": _constructor.construct_yaml_int,
    YAML_TAG + "float": _constructor.construct_yaml_float,
    YAML_TAG + "bool": _constructor.construct_yaml_bool,
    YAML_TAG + "null": _constructor.construct_yaml_null,
}


class TooComplex(Exception):
    """The YAML expands beyond the node budget or nests too deep."""

    def __init__(self, message: str, node: yaml.Node):
        super().__init__(message)
        self.node = node


def compose(text: str) -> yaml.Node | None:
    """Parse one YAML document into libyaml's node graph (raises yaml.YAMLError)."""
    return yaml.compose(text, Loader=_Loader)


@dataclass(frozen=True, slots=True)
class TreeProblem:
    kind: str  # "duplicate-key" or "unsupported-tag"
    node: yaml.Node
    message: str
    other: yaml.Node | None = None  # for a duplicate key: the first occurrence


def to_data(root: yaml.Node, report: Callable[[TreeProblem], None]) -> object:
    """Plain Python data for a composed node graph; duplicate keys and unusual tags go to `report`."""
    budget = [MAX_NODES]

    def build(node: yaml.Node, depth: int) -> object:
        budget[0] -= 1
        if budget[0] < 0:
            raise TooComplex(f"the YAML expands to more than {MAX_NODES:,} values (aliases that multiply?)", node)
        if depth > MAX_DEPTH:
            raise TooComplex(f"the YAML nests more than {MAX_DEPTH} levels deep", node)
        if node.tag not in ALLOWED_TAGS:
            report(TreeProblem("unsupported-tag", node, f"tag {tag_display(node.tag)} is not allowed in front matter"))
        if isinstance(node, yaml.ScalarNode):
            construct = _CONSTRUCT.get(node.tag)
            if construct is None or node.style:  # quoted scalars and !!str/timestamps stay text
                return node.value
            try:
                return construct(node)
            except (ValueError, yaml.YAMLError):
                return node.value
        if isinstance(node, yaml.SequenceNode):
            return [build(item, depth + 1) for item in node.value]
        mapping: dict[str, object] = {}
        first_key: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_text(key_node)
            if key in first_key:
                report(TreeProblem("duplicate-key", key_node, f"duplicate key `{key}`", first_key[key]))
            else:
                first_key[key] = key_node
            mapping[key] = build(value_node, depth + 1)
        return mapping

    return build(root, 0)


def key_text(node: yaml.Node) -> str:
    """A mapping key as text: JSON keys are strings, so `1:` is the key "1" (the schema then flags it)."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    return "<complex key>"


def tag_display(tag: str) -> str:
    return "!!" + tag[len(YAML_TAG) :] if tag.startswith(YAML_TAG) else tag


def find(root: yaml.Node, path: tuple) -> tuple[yaml.Node | None, yaml.Node, int]:
    """Walk `path` (keys and list indexes) from `root`.

    Returns (key node or None, deepest value node reached, how many path steps were found). A missing
    key stops the walk at its parent mapping, which is where "missing field" diagnostics point.
    """
    key_node, node, depth = None, root, 0
    for step in path:
        found = None
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for k, v in node.value:  # the last duplicate wins, as in the data
                if key_text(k) == step:
                    found = (k, v)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            found = (None, node.value[step])
        if found is None:
            break
        key_node, node = found
        depth += 1
    return key_node, node, depth
