"""The rule families. Each module declares its rules in the registry and offers `check(...)`.

Per-document checks receive one loaded `Document` whose front matter parsed; corpus checks receive the
whole corpus at once. Adding a family is adding a module and a line below.
"""

from seedlint.rules import dates, encoding, fields, file, related, schema, urls

# Run on every document, parsed or not (SL0 reports why a document could not be parsed).
FILE_CHECKS = [file.check]
# Run on each document whose front matter is a mapping.
DOCUMENT_CHECKS = [schema.check, dates.check, urls.check, encoding.check, fields.check]
# Run once over all documents (cross-document rules).
CORPUS_CHECKS = [related.check, fields.check_topic_spellings]
