"""`metrics compare`: blue-vs-green server metrics from CloudWatch."""
