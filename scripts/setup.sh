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
