"""Diff aurora-mysql5.7 and aurora-mysql8.0 parameter groups and plan the 8.0 groups."""
