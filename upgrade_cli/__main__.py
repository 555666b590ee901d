"""``python -m upgrade_cli``: the same program as the ``aurora-upgrade`` console script."""

from upgrade_cli.main import run

if __name__ == "__main__":
    run()
