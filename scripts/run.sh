#!/usr/bin/env bash
# Install everything and open ispdesk on the embedded SQLite database (arguments go to `ispdesk`).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "ispdesk: conferindo as bibliotecas do sistema…" >&2
./scripts/setup-system.sh
./scripts/venv.sh
# the app then says whether it is creating the database or opening it
ISPDESK_START_MESSAGES=1 exec .venv/bin/ispdesk "$@"
