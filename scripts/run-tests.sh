#!/usr/bin/env bash
# Runs every mocha suite. When a PostgreSQL server is installed, a throwaway cluster is started for the store tests
# (SLMGEN_TEST_DATABASE_URL) and stopped afterwards; otherwise those tests say they were skipped. Every path in the
# temp folder is made by mktemp, so that several runs at once never share a file.
set -uo pipefail
cd "$(dirname "$0")/.."
pg_dir=""
pg_log=""
cleanup() {
  if [ -n "$pg_dir" ]; then bash test/server/startPostgres.sh --stop "$pg_dir" >/dev/null 2>&1 || true; fi
  if [ -n "$pg_log" ]; then rm -f "$pg_log"; fi
}
trap cleanup EXIT
if [ -z "${SLMGEN_TEST_DATABASE_URL:-}" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  pg_log=$(mktemp -t slmgen-pg-start.XXXXXX)
  if url=$(bash test/server/startPostgres.sh 2>"$pg_log"); then
    export SLMGEN_TEST_DATABASE_URL="$url"
    pg_dir=$(sed -n 's/^startPostgres: cluster in \([^ ]*\) .*/\1/p' "$pg_log")
    echo "run-tests: PostgreSQL for the store tests at $url"
  else
    echo "run-tests: could not start PostgreSQL; store tests against it will be skipped. Its log:"
    sed 's/^/  /' "$pg_log"
  fi
fi
npx mocha "$@"
exit $?
