"""Diff aurora-mysql5.7 and aurora-mysql8.0 parameter groups and plan the 8.0 groups."""

# The command's help, and `aurora-upgrade --help`'s line for it (main.py lists it without importing the stage).
HELP = "Diff aurora-mysql5.7 and aurora-mysql8.0 parameter groups and plan the 8.0 groups."
