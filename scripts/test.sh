#!/usr/bin/env bash
# Set up (if needed) and run every check: ruff, mypy --strict, and the tests on SQLite
# and on a throwaway PostgreSQL server that this script installs and starts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
pgdir=""
if [ -z "${CUPULA_TEST_PG:-}" ]; then
  if [ "$(id -u)" = "0" ]; then
    pgdir=$(mktemp -d /tmp/cupula-pg.XXXXXX)
    trap 'bash scripts/postgres.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
    CUPULA_TEST_PG=$(bash scripts/postgres.sh start "$pgdir")
    export CUPULA_TEST_PG
    export CUPULA_REQUIRE_PG=1
  else
    echo "test: not root, cannot start PostgreSQL; its tests will be skipped" >&2
  fi
fi
# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
      >/dev/null 2>&1 || echo "test: could not install chromium; browser tests will be skipped" >&2
  else
    echo "test: no chromium and not root; browser tests will be skipped" >&2
  fi
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
