#!/usr/bin/env bash
# Install everything and open ispdesk on the embedded SQLite database (arguments go to `ispdesk`).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-system.sh
./scripts/venv.sh
exec .venv/bin/ispdesk "$@"
