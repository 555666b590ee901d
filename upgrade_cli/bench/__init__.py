"""Capture slow queries, replay them on blue and green, compare."""

# The command's help, and `aurora-upgrade --help`'s line for it (main.py lists it without importing the stage).
HELP = "Capture slow queries, replay them on blue and green, compare."
