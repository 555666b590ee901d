"""Create, watch, gate, switch over and clean up an RDS blue/green deployment."""

# The command's help, and `aurora-upgrade --help`'s line for it (main.py lists it without importing the stage).
HELP = "Create, watch, gate, switch over and clean up an RDS blue/green deployment."
