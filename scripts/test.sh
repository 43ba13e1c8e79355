#!/usr/bin/env bash
# Install what the tests need (system packages, PostgreSQL server, Python packages), start a
# throw-away PostgreSQL on loopback and run the whole suite on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-system.sh --test
./scripts/venv.sh test
export QT_QPA_PLATFORM=offscreen
export ISPDESK_PG_PORT=${ISPDESK_PG_PORT:-$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
export ISPDESK_PG_DIR=/tmp/ispdesk-pg-test-$$
ISPDESK_TEST_PG_URL=$(./scripts/pg.sh start)
export ISPDESK_TEST_PG_URL
trap './scripts/pg.sh stop' EXIT
.venv/bin/ruff check ispdesk tests bench
.venv/bin/mypy ispdesk
# two workers (CI has 2 cores); ISPDESK_TEST_WORKERS=0 runs in one process
workers=${ISPDESK_TEST_WORKERS:-2}
if [ "$workers" = 0 ]; then
  .venv/bin/python -m pytest "$@"
else
  .venv/bin/python -m pytest -n "$workers" "$@"
fi
