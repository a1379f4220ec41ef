"""`python -m seedlint`. A Ctrl-C while Python is still importing the entry point (its first hundredths of a
second, before seedlint/entry.py holds Ctrl-C back: seen under load) ends the run as at any later moment: one
line, exit 130, no traceback."""

try:
    from seedlint.entry import main

    main()
except KeyboardInterrupt:
    import sys

    sys.stderr.write("seedlint: interrupted\n")
    raise SystemExit(130) from None  # (entry.EXIT_INTERRUPTED: the import may not have finished)
