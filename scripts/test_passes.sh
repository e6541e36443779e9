#!/usr/bin/env bash
# Run the SQLite and the PostgreSQL pass of the suite side by side (one per core), each with its own var directory,
# and print each pass's output when it ends. Exit non-zero if either pass fails. Used by `make test`.
set -uo pipefail
cd "$(dirname "$0")/.."
pg_url="${DATABASE_URL:-${PG_URL:-postgresql://postgres@127.0.0.1:5432/test}}"
logs="var/test-logs"
mkdir -p "$logs"
args=("$@")

pg_reachable() {
  [ -n "${DATABASE_URL:-}" ] && return 0
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
  (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
}

start=$SECONDS
env -u DATABASE_URL BREACHDESK_VAR_DIR="$PWD/var/test-sqlite" .venv/bin/pytest -q "${args[@]}" >"$logs/sqlite.log" 2>&1 &
sqlite_pid=$!
pg_pid=""
if pg_reachable; then
  DATABASE_URL="$pg_url" BREACHDESK_VAR_DIR="$PWD/var/test-pg" .venv/bin/pytest -q "${args[@]}" >"$logs/pg.log" 2>&1 &
  pg_pid=$!
elif [ "${CI:-}" = "true" ]; then
  echo "CI: PostgreSQL is not reachable on 127.0.0.1:5432" >&2
  kill "$sqlite_pid"; exit 1
fi

wait "$sqlite_pid"; sqlite_rc=$?
echo "== pytest on SQLite (exit $sqlite_rc, $((SECONDS - start)) s since start)"; cat "$logs/sqlite.log"
pg_rc=0
if [ -n "$pg_pid" ]; then
  wait "$pg_pid"; pg_rc=$?
  echo "== pytest on PostgreSQL (exit $pg_rc, $((SECONDS - start)) s since start)"; cat "$logs/pg.log"
else
  echo "== PostgreSQL not reachable: skipped the PostgreSQL pass"
fi
[ "$sqlite_rc" = 0 ] && [ "$pg_rc" = 0 ]
