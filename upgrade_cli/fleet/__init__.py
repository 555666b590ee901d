"""fleet: every Aurora MySQL cluster across accounts and Regions, with its deadline, cost, readiness and wave."""
