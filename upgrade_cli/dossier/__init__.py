"""`dossier`: one go/no-go document joining precheck, params, blue/green, bench and metrics."""

# The command's help, and `aurora-upgrade --help`'s line for it (main.py lists it without importing the stage).
HELP = """Join precheck, parameter plan, blue/green timeline, bench and metrics into one GO / NO-GO / GO WITH
RISKS document. Missing inputs are shown as missing. Exit 0 on GO, 1 otherwise."""
