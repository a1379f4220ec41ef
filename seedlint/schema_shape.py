"""What a configured JSON Schema (draft 2020-12) is made of, read once when it is loaded.

- `load_problems`: what makes a schema unusable, found before any document is checked (one usage error):
  not valid against the metaschema, a pattern Python's `re` cannot compile, a `$ref` or `$dynamicRef` that
  resolves to nothing in the schema (or would need fetching: nothing is fetched at lint time), a reference
  to something that is not a schema, or `$ref`s that loop without descending into the document.
- `Shape`: whether FastCheck's shortcuts are provably equal to jsonschema's whole-document answer for this
  schema, and the schema with its plain local `$ref`s inlined for them.

References are resolved with `referencing`, the library jsonschema itself resolves them with, so an
embedded resource (`$id`, `$anchor`, `$dynamicAnchor`) resolves exactly as jsonschema resolves it, offline.
Subschemas are found by keyword (`properties`, `allOf`, ...): a `$ref` inside `const` or `enum` data is data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from jsonschema_specifications import REGISTRY as METASCHEMAS  # type: ignore[import-untyped]
from referencing import Registry
from referencing.exceptions import NoSuchAnchor, PointerToNowhere, Unresolvable
from referencing.jsonschema import DRAFT202012

from seedlint import ecma_patterns

if TYPE_CHECKING:  # (referencing does not export the class it returns from resolver_with_root)
    from referencing._core import Resolver

# Keywords whose value is a subschema, a list of subschemas, or a mapping of names to subschemas.
IN_VALUE = frozenset(
    {
        "additionalProperties",
        "contains",
        "contentSchema",
        "else",
        "if",
        "items",
        "not",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
IN_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
IN_MAPPING = frozenset({"$defs", "definitions", "dependentSchemas", "patternProperties", "properties"})
# Keywords that apply their subschemas to the same value as the schema they sit in (not to a member of it).
IN_PLACE = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"})
# Keywords that never make a value invalid.
ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "$comment",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$schema",
        "$defs",
        "definitions",
        "contentMediaType",
        "contentEncoding",
        "contentSchema",
    }
)
DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _TooLarge(Exception):
    """Inlining would copy too much of the schema."""


MAX_NODES = 200_000
_DYNAMIC = ("$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor")


def subschemas(node: object) -> Iterator[tuple[str, object]]:
    """(JSON-pointer suffix, subschema) of each subschema directly under `node`, by keyword."""
    if not isinstance(node, dict):
        return
    for keyword, value in node.items():
        step = "/" + _escape(keyword)
        if keyword in IN_VALUE:
            yield step, value
        elif keyword in IN_LIST and isinstance(value, list):
            for index, item in enumerate(value):
                yield f"{step}/{index}", item
        elif keyword in IN_MAPPING and isinstance(value, dict):
            for name, item in value.items():
                yield f"{step}/{_escape(name)}", item


def in_place(node: dict[str, Any]) -> Iterator[object]:
    """The subschemas of `node` that apply to the value `node` applies to."""
    for keyword in IN_PLACE & node.keys():
        value = node[keyword]
        if isinstance(value, list):
            yield from value
        elif keyword == "dependentSchemas" and isinstance(value, dict):
            yield from value.values()
        elif keyword != "dependentSchemas":
            yield value


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def registry_for(schema: object) -> Registry[Any]:
    """The registry a validator of `schema` is given: the schema and every resource embedded in it (found
    now: referencing finds them only when a lookup misses, and a `$dynamicRef` whose dynamic scope passes
    through an embedded resource not yet found raises instead), and no retriever: nothing is fetched."""
    resource = DRAFT202012.create_resource(schema)
    registry: Registry[Any] = Registry().with_resource(resource.id() or "", resource)
    return registry.crawl()


def root_resolver(schema: object) -> Resolver[Any]:
    """A resolver for `schema` as jsonschema builds it (the metaschemas known besides)."""
    registry: Registry[Any] = METASCHEMAS.combine(registry_for(schema))
    return registry.resolver_with_root(DRAFT202012.create_resource(schema))


@dataclass
class _Node:
    contents: object
    resolver: Resolver[Any]
    base: str
    where: str  # where it is, for messages: a JSON pointer, or the reference that led to it
    entered: bool  # the resolver already accounts for the node's own `$id` (it was reached by a reference)


@dataclass
class Walk:
    """Every subschema reachable from the root (by keyword or through a reference), once per base URI."""

    schema: object
    problems: list[str] = field(default_factory=list)
    nodes: list[_Node] = field(default_factory=list)
    references: dict[tuple[int, str], list[tuple[str, str, object, str]]] = field(default_factory=dict)
    # (from with_python_patterns: the patterns as written, and those that are not ECMA-262, with why)
    originals: dict[str, str] = field(default_factory=dict)
    not_ecma: dict[str, str] = field(default_factory=dict)

    def run(self) -> Walk:
        root = root_resolver(self.schema)
        stack = [_Node(self.schema, root, "", "#", False)]
        seen: set[tuple[int, str]] = set()
        while stack:
            node = stack.pop()
            if not node.entered and isinstance(node.contents, dict):
                own_id = node.contents.get("$id")
                if isinstance(own_id, str):
                    node.base = urljoin(node.base, own_id)
                node.resolver = node.resolver.in_subresource(DRAFT202012.create_resource(node.contents))
            key = (id(node.contents), node.base)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_NODES:
                self.problems.append(
                    f"the schema has more than {MAX_NODES:,} subschemas (counting each resource apart)"
                )
                break
            self.nodes.append(node)
            if not isinstance(node.contents, dict):
                continue
            self._patterns(node)
            self._dialect(node)
            for keyword in ("$ref", "$dynamicRef"):
                reference = node.contents.get(keyword)
                if isinstance(reference, str):
                    target = self._resolve(node, keyword, reference)
                    if target is not None:
                        stack.append(target)
                        self.references.setdefault(key, []).append((keyword, reference, target.contents, target.base))
            for step, child in reversed(list(subschemas(node.contents))):
                stack.append(_Node(child, node.resolver, node.base, node.where.rstrip("/") + step, False))
        return self

    def _resolve(self, node: _Node, keyword: str, reference: str) -> _Node | None:
        shown = f"`{keyword}: {reference}` (at {node.where})"
        try:
            resolved = node.resolver.lookup(reference)
        except (NoSuchAnchor, PointerToNowhere):
            self.problems.append(f"{shown} points to nothing in the schema")
            return None
        except Unresolvable:
            uri = urljoin(node.base, reference).partition("#")[0]
            self.problems.append(
                f"{shown} names `{uri}`, which is not part of the schema; seedlint fetches nothing at lint time"
                if uri
                else f"{shown} cannot be resolved"
            )
            return None
        except Exception as error:  # referencing's own failure on an odd reference: the user's to fix
            self.problems.append(f"{shown} cannot be resolved: {error}")
            return None
        target = resolved.contents
        if not isinstance(target, (dict, bool)):
            self.problems.append(f"{shown} points to {type(target).__name__} data, not to a schema")
            return None
        # (the base URI is kept for telling nodes apart; references are resolved by the resolvers)
        base = node.base if reference.startswith("#") else urljoin(node.base, reference).partition("#")[0]
        own_id = target.get("$id") if isinstance(target, dict) else None
        return _Node(
            target, resolved.resolver, urljoin(base, own_id) if isinstance(own_id, str) else base, reference, True
        )

    def _dialect(self, node: _Node) -> None:
        problem = dialect_problem(node.contents, node.where)
        if problem is not None:
            self.problems.append(problem)

    def _patterns(self, node: _Node) -> None:
        contents: Any = node.contents
        found = [(f"{node.where}/pattern", contents.get("pattern"))]
        if isinstance(contents.get("patternProperties"), dict):
            found += [(f"{node.where}/patternProperties", name) for name in contents["patternProperties"]]
        for where, pattern in found:
            if not isinstance(pattern, str):
                continue
            written = self.originals.get(pattern, pattern)
            if pattern in self.not_ecma:
                self.problems.append(
                    f"the pattern {written!r} (at {where}) does not compile as ECMA-262 (JSON Schema's dialect, "
                    f"read in Unicode mode): {self.not_ecma[pattern]}"
                )
                continue
            try:
                re.compile(pattern)
            except re.error as error:
                self.problems.append(
                    f"the pattern {written!r} (at {where}) does not compile with Python's `re`, which "
                    f"jsonschema and seedlint run patterns with: {error}"
                )
            except (RecursionError, OverflowError, ValueError) as error:
                self.problems.append(f"the pattern {written!r} (at {where}) cannot be compiled: {error}")


def dialect_problem(node: object, where: str) -> str | None:
    """Why the `$schema` of `node` cannot be honoured, or None. seedlint validates draft 2020-12 only (its fast
    path and load-time checks read keywords as 2020-12 defines them): a schema of an older draft (`items: [...]`,
    `dependencies`, keywords beside `$ref` ignored, a boolean `exclusiveMaximum`) would be read with other
    meanings, and another metaschema (with its own vocabularies) would need fetching."""
    dialect = node.get("$schema") if isinstance(node, dict) else None
    if not isinstance(dialect, str) or dialect in (DIALECT, DIALECT + "#"):
        return None
    supported = f"seedlint validates JSON Schema draft 2020-12 only (`$schema: {DIALECT}`, or no `$schema`)"
    try:
        METASCHEMAS.contents(dialect.partition("#")[0] if dialect.endswith("#") else dialect)
    except Exception:
        return (
            f"`$schema: {dialect}` (at {where}) is not a metaschema seedlint knows: {supported}; "
            "seedlint fetches nothing at lint time"
        )
    return (
        f"`$schema: {dialect}` (at {where}) is another draft: {supported}, whose keywords mean other things "
        "(`items: [...]`, `dependencies`, keywords beside `$ref`, `exclusiveMaximum: true`); write the schema "
        "in draft 2020-12"
    )


def _dialect_problems(schema: object) -> list[str]:
    """The `$schema`s of `schema` and its subschemas (by keyword: nothing is resolved yet) that cannot be
    honoured."""
    problems: list[str] = []
    stack: list[tuple[str, object]] = [("#", schema)]
    while stack:
        where, node = stack.pop()
        problem = dialect_problem(node, where)
        if problem is not None:
            problems.append(problem)
        stack.extend((where + step, child) for step, child in reversed(list(subschemas(node))))
    return problems


def with_python_patterns(schema: object) -> tuple[object, dict[str, str], dict[str, str]]:
    """The schema with each pattern (ECMA-262) translated for `re` (seedlint.ecma_patterns), {translated:
    original} of those that changed (for messages), and {pattern: why} of those that are not ECMA-262 (left as
    they are: load_problems refuses them). The schema itself when no pattern changed."""
    originals: dict[str, str] = {}
    not_ecma: dict[str, str] = {}

    def python(pattern: object) -> object:
        if not isinstance(pattern, str):
            return pattern
        try:
            replacement = ecma_patterns.translated(pattern)
        except ecma_patterns.NotEcma as error:
            not_ecma[pattern] = str(error)
            return pattern
        if replacement != pattern:
            originals[replacement] = pattern
        return replacement

    def copy(node: object) -> object:
        if isinstance(node, list):
            return node
        if not isinstance(node, dict):
            return node
        result: dict[str, object] = {}
        for keyword, value in node.items():
            if keyword == "pattern":
                result[keyword] = python(value)
            elif keyword == "patternProperties" and isinstance(value, dict):
                result[keyword] = {python(name): copy(item) for name, item in value.items()}
            elif keyword in IN_VALUE:
                result[keyword] = copy(value)
            elif keyword in IN_LIST and isinstance(value, list):
                result[keyword] = [copy(item) for item in value]
            elif keyword in IN_MAPPING and isinstance(value, dict):
                result[keyword] = {name: copy(item) for name, item in value.items()}
            else:
                result[keyword] = value
        return result

    rewritten = copy(schema)
    return (rewritten if originals else schema), originals, not_ecma


def load_problems(
    schema: object, originals: dict[str, str] | None = None, not_ecma: dict[str, str] | None = None
) -> list[str]:
    """Why `schema` cannot be used, or nothing. Each problem is one sentence naming where it is. `originals`,
    `not_ecma`: what with_python_patterns said of its patterns."""
    # The draft first: the metaschema of another draft would reject what that draft allows, and what it names
    # is what is wrong. Then the metaschema's structure (formats aside): the walk, and referencing's crawl of
    # embedded resources, read each keyword's value as the type the metaschema gives it (`properties: 5`
    # broke them).
    dialects = _dialect_problems(schema)
    if dialects:
        return _unique(dialects)
    invalid = _metaschema_problem(schema, "#", _STRUCTURE)
    if invalid is not None:
        return [invalid]
    walk = Walk(schema, originals=originals or {}, not_ecma=not_ecma or {}).run()
    if walk.problems:  # patterns and references next: their messages say more than the metaschema's formats
        return _unique(walk.problems)
    for candidate, where in [(schema, "#")] + [(node.contents, node.where) for node in walk.nodes if node.entered]:
        invalid = _metaschema_problem(candidate, where, _METASCHEMA)
        if invalid is not None:
            return [invalid]
    loop = _reference_loop(walk)
    return [loop] if loop else []


# The draft 2020-12 metaschema as `check_schema` applies it (its `format`s asserted: `regex`...), and the same
# without formats (only the types and values of keywords).
_METASCHEMA = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
_STRUCTURE = Draft202012Validator(Draft202012Validator.META_SCHEMA)


def _metaschema_problem(candidate: object, where: str, metaschema: Draft202012Validator) -> str | None:
    """The metaschema's most relevant error about `candidate` (`where`: a JSON pointer to it, or the reference
    that reached it), at the JSON pointer of the keyword it is about; None when the metaschema holds."""
    error = best_match(metaschema.iter_errors(candidate))
    if error is None:
        return None
    while error.context:  # (an `anyOf` of the metaschema: the alternative that came closest says what is wrong)
        error = best_match(error.context)
    pointer = "".join("/" + _escape(str(step)) for step in error.absolute_path)
    if where == "#" or where.startswith("#/"):
        at = where + pointer
    else:
        at = f"#{pointer} of the schema `{where}` refers to" if pointer else f"the schema `{where}` refers to"
    return f"not a valid JSON Schema: {error.message} (at {at})"


def _unique(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))


def _reference_loop(walk: Walk) -> str | None:
    """A `$ref` chain that comes back to where it started through keywords that apply to the same value
    (`allOf`, `else`, another `$ref`, ...). Such a loop meets the same value with the same schema again,
    so on any value that reaches it (whichever branches a condition takes, they are taken again) jsonschema
    recurses for ever. (`$dynamicRef` is left out: its target depends on the dynamic scope.)"""
    by_key = {(id(node.contents), node.base): node for node in walk.nodes}
    edges: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for key, node in by_key.items():
        contents = node.contents
        if not isinstance(contents, dict):
            continue
        targets = [(id(target), base) for keyword, _, target, base in walk.references.get(key, []) if keyword == "$ref"]
        targets += [
            (id(child), _child_base(child, node.base)) for child in in_place(contents) if isinstance(child, dict)
        ]
        edges[key] = [target for target in targets if target in by_key]
    state: dict[tuple[int, str], int] = {}
    for start in edges:
        if start in state:
            continue
        path = [(start, iter(edges[start]))]
        state[start] = 1
        while path:
            current, children = path[-1]
            child = next(children, None)
            if child is None:
                state[current] = 2
                path.pop()
            elif state.get(child) == 1:
                return (
                    f"the references at {by_key[child].where} loop back to themselves without descending into "
                    "the document (jsonschema would recurse for ever)"
                )
            elif child not in state:
                state[child] = 1
                path.append((child, iter(edges.get(child, []))))
    return None


def _child_base(child: dict[str, Any], base: str) -> str:
    own_id = child.get("$id")
    return urljoin(base, own_id) if isinstance(own_id, str) else base


class Shape:
    """Whether the schema is simple enough for FastCheck's shortcuts to be provably equal to jsonschema:
    every reference a local JSON pointer or anchor into the root resource (`#...`), no embedded resource
    (`$id` below the root), no dynamic references, no `unevaluated*` (the only keywords that look at
    whether other subschemas held) and no dialect change (`$schema` below the root, or another dialect).
    `inlined` is then the schema with each plain `{"$ref": ...}` replaced by its target."""

    def __init__(self, schema: object):
        self.schema = schema
        self.resolver = root_resolver(schema)
        self.simple = self._is_simple()
        self.inlined = self._inline() if self.simple else schema

    def _is_simple(self) -> bool:
        schema = self.schema
        if not isinstance(schema, dict) or schema.get("$schema", DIALECT) not in (DIALECT, DIALECT + "#"):
            return False
        walk = Walk(schema).run()
        if walk.problems:
            return False
        for node in walk.nodes:
            contents = node.contents
            if not isinstance(contents, dict):
                continue
            if any(
                keyword in contents for keyword in _DYNAMIC + ("$anchor", "unevaluatedProperties", "unevaluatedItems")
            ):
                return False
            if contents is not schema and ("$id" in contents or "$schema" in contents):
                return False
            reference = contents.get("$ref")
            if reference is not None and not (isinstance(reference, str) and reference.startswith("#")):
                return False
        return True

    def _inline(self, limit: int = 100_000) -> object:
        """The schema with each `{"$ref": "#..."}` (annotations aside) replaced by its target, recursively,
        except where a reference recurses; the original schema when inlining would copy more than `limit`
        nodes (references to large definitions from many places)."""
        budget = [limit]

        def inline(node: object, active: frozenset[int]) -> object:
            budget[0] -= 1
            if budget[0] < 0:
                raise _TooLarge
            if not isinstance(node, dict):
                return node
            reference = node.get("$ref")
            if isinstance(reference, str) and set(node) - ANNOTATIONS == {"$ref"}:
                target = self.resolver.lookup(reference).contents
                if id(target) in active:
                    return node  # a recursive reference stays (jsonschema resolves it against the root)
                return inline(target, active | {id(target)})
            copy: dict[str, object] = {}
            for keyword, value in node.items():
                if keyword in IN_VALUE:
                    copy[keyword] = inline(value, active)
                elif keyword in IN_LIST and isinstance(value, list):
                    copy[keyword] = [inline(item, active) for item in value]
                elif keyword in IN_MAPPING and keyword not in ANNOTATIONS and isinstance(value, dict):
                    copy[keyword] = {name: inline(item, active) for name, item in value.items()}
                else:
                    copy[keyword] = value  # data (const, enum, ...), definitions, unknown keywords
            return copy

        try:
            return inline(self.schema, frozenset({id(self.schema)}))
        except (_TooLarge, RecursionError):
            return self.schema

    def related_items(self, name: str = "related") -> object | None:
        """The subschema of each entry of the list under `name`, when nothing else in the schema looks at
        that list: then a document is valid exactly when it is valid with the list emptied and each entry
        is valid under this subschema (FastCheck validates each distinct entry once). None otherwise."""
        schema = self.inlined
        if not self.simple or not isinstance(schema, dict):
            return None
        properties = schema.get("properties")
        member = properties.get(name) if isinstance(properties, dict) else None
        if not isinstance(member, dict) or set(member) - ANNOTATIONS - {"type", "items"} or "items" not in member:
            return None  # (`type` holds alike for an empty and a full list; `minItems`, `contains`... do not)
        if not isinstance(member["items"], (dict, bool)):
            return None
        return member["items"] if self._blind_to(schema, name, at_root=True, seen=set()) else None

    def _blind_to(self, node: object, name: str, at_root: bool, seen: set[int]) -> bool:
        """True when no keyword of `node` or of the subschemas applied to the same value looks at the value
        of member `name` (other than the root's own `properties[name]`)."""
        if isinstance(node, bool):
            return True
        if not isinstance(node, dict) or id(node) in seen:
            return isinstance(node, dict)
        seen.add(id(node))
        harmless = {
            "type",
            "required",
            "dependentRequired",
            "minProperties",
            "maxProperties",
            "propertyNames",  # (names only)
            "$id",
            "$ref",
            *ANNOTATIONS,
            *IN_PLACE,
            # keywords about other kinds of value than a mapping (the document is one)
            "minLength",
            "maxLength",
            "pattern",
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "items",
            "prefixItems",
            "contains",
            "minContains",
            "maxContains",
            "minItems",
            "maxItems",
            "uniqueItems",
        }
        if at_root:
            harmless |= {"properties", "additionalProperties"}  # `name` is one of the root's properties
        elif isinstance(node.get("properties"), dict) and name not in node["properties"]:
            harmless.add("properties")
        if set(node) - harmless:
            return False
        reference = node.get("$ref")
        if isinstance(reference, str) and not self._blind_to(
            self.resolver.lookup(reference).contents, name, False, seen
        ):
            return False
        return all(self._blind_to(child, name, False, seen) for child in in_place(node))
