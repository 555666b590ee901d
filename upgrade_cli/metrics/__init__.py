"""`metrics compare`: blue-vs-green server metrics from CloudWatch."""

# The command's help, and `aurora-upgrade --help`'s line for it (main.py lists it without importing the stage).
HELP = "Compare blue's and green's server metrics (CloudWatch AWS/RDS)."
