"""`dossier`: one go/no-go document joining precheck, params, blue/green, bench and metrics."""
