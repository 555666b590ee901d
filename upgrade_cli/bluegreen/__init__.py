"""Create, watch, gate, switch over and clean up an RDS blue/green deployment."""
