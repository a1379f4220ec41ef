"""The rule families. Each module declares its rules in the registry and offers `check(...)`.

Per-document checks receive one loaded `Document` whose front matter parsed; corpus checks receive the
whole corpus at once. Adding a family is adding a module and a line below.
"""

from seedlint.registry import RULES, Rule
from seedlint.rules import dates, encoding, fields, file, related, schema, urls

# Run on every document, parsed or not (SL0 reports why a document could not be parsed).
FILE_CHECKS = [file.check]
# Run on each document whose front matter is a mapping.
DOCUMENT_CHECKS = [schema.check, dates.check, urls.check, encoding.check, fields.check]
# Run once over all documents (cross-document rules).
CORPUS_CHECKS = [related.check, fields.check_topic_spellings]


def all_rules() -> list[Rule]:
    """Every rule of every family, by code."""
    return sorted(RULES.values(), key=lambda rule: rule.code)


def find_rule(code_or_name: str) -> Rule | None:
    """A rule by code (any case) or by name."""
    for rule in all_rules():
        if code_or_name.upper() == rule.code or code_or_name == rule.name:
            return rule
    return None
