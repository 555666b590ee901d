#!/usr/bin/env bash
# Run every test on a fresh Debian machine: install what the tests need, then pytest.
# The tests start their own MariaDB server(s) and moto server on loopback and stop them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mariadbd >/dev/null 2>&1 || ! command -v mariadb-dump >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server mariadb-client >/dev/null
fi
# the dossier's real-browser test renders its HTML in headless chromium
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
# lint first: an undefined name or a dead import fails the run before any server starts (pyproject [tool.ruff])
.venv/bin/ruff check --quiet upgrade_cli checks param_profiles tests benchmarks
# the layering (pyproject [tool.importlinter], docs/architecture.md "Layers"). import-linter walks the package's
# folder, so it reads a view of the installed layout: upgrade_cli/ with checks/ and param_profiles/ inside it
# (pyproject package-dir), made of symlinks. Quiet unless a contract breaks.
view=$(mktemp -d)
mkdir "$view/upgrade_cli"
ln -s "$PWD"/upgrade_cli/* "$PWD/checks" "$PWD/param_profiles" "$view/upgrade_cli/"
if ! layers=$(cd "$view" && PYTHONPATH="$view" "$OLDPWD/.venv/bin/lint-imports" --no-cache --no-logo "$OLDPWD/pyproject.toml" 2>&1); then
  rm -rf "$view"
  echo "$layers"
  exit 1
fi
rm -rf "$view"
exec .venv/bin/python -m pytest "$@"
