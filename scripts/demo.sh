#!/usr/bin/env bash
# Set up (if needed) and run the demo on the embedded SQLite store.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/cupula demo "$@"
