"""Reporters: turn a run's diagnostics into text for people or machines. Each takes the diagnostics and
a stream; none checks anything. `REPORTERS` maps `--output-format` names to them."""

from seedlint.reporters import text, machine

REPORTERS = {
    "concise": text.concise,
    "json": machine.json_array,
}
