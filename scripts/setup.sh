#!/usr/bin/env bash
# Create ./.venv and install cupula into it. `setup.sh dev` adds the test tools.
# Idempotent: a second run only checks that everything is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
extra=""
[ "${1:-}" = "dev" ] && extra="[dev]"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
# followthemoney pulls in pyicu, which compiles against libicu (about 100 s the first
# time; pip caches the wheel). Debian/Ubuntu need libicu-dev, pkg-config and g++.
if ! command -v pkg-config >/dev/null || ! pkg-config --exists icu-uc 2>/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null
  else
    echo "setup: libicu-dev and pkg-config are needed to build pyicu; install them first" >&2
  fi
fi
.venv/bin/python -m pip install --quiet -e ".${extra}"
# The workbench's drawing libraries (network explorer, map) come from npm, pinned by
# cupula/web/assets/package-lock.json; without npm the pages work and say what is missing.
assets=cupula/web/assets
if command -v npm >/dev/null; then
  if [ ! -f "$assets/node_modules/.package-lock.json" ] || \
     [ "$assets/package-lock.json" -nt "$assets/node_modules/.package-lock.json" ]; then
    npm ci --prefix "$assets" --no-audit --no-fund --loglevel=error >/dev/null \
      || echo "setup: npm ci failed; the network explorer and the map will not draw" >&2
  fi
else
  echo "setup: no npm; the network explorer and the map will not draw (install Node.js)" >&2
fi
