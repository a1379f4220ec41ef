"""Reporters: turn a run's diagnostics into text for people or machines. Each takes the diagnostics and
a stream; none checks anything. `REPORTERS` maps `--output-format` names to them."""

from seedlint.reporters import machine, text

REPORTERS = {
    "full": text.full,
    "concise": text.concise,
    "json": machine.json_array,
    "json-lines": machine.json_lines,
    "github": machine.github,
    "sarif": machine.sarif,
    "junit": machine.junit,
    "gitlab": machine.gitlab,
}
