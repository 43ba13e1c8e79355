#!/usr/bin/env bash
# Throw-away PostgreSQL on loopback for the tests: `scripts/pg.sh start|stop|url`.
# As root, Debian's server runs as the `postgres` user (DESIGN.md §3).
set -euo pipefail
PORT=${ISPDESK_PG_PORT:-55432}
DIR=${ISPDESK_PG_DIR:-/tmp/ispdesk-pg-$PORT}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    [ -n "$BIN" ] || { echo "PostgreSQL server não instalado (apt-get install postgresql)" >&2; exit 1; }
    if [ -f "$DIR/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
      echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"; exit 0
    fi
    rm -rf "$DIR"
    if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres -m 700 "$DIR"; else install -d -m 700 "$DIR"; fi
    as_pg "$BIN/initdb" -D "$DIR" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg "$BIN/pg_ctl" -D "$DIR" -w -l "$DIR/server.log" \
      -o "-k /tmp -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
    echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    [ -d "$DIR" ] && as_pg "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    ;;
  url) echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres" ;;
  *) echo "uso: $0 start|stop|url" >&2; exit 2 ;;
esac
