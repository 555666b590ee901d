"""fleet: every Aurora MySQL cluster across accounts and Regions, with its deadline, cost, readiness and wave."""

# The command's help, and `aurora-upgrade --help`'s line for it (main.py lists it without importing the stage).
HELP = "Every Aurora MySQL cluster across accounts and Regions: deadline, cost, readiness, waves."
