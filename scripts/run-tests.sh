#!/usr/bin/env bash
# Runs every mocha suite. When a PostgreSQL server is installed, a throwaway cluster is started for the store tests
# (SLMGEN_TEST_DATABASE_URL) and stopped afterwards; otherwise those tests say they were skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
pg_dir=""
if [ -z "${SLMGEN_TEST_DATABASE_URL:-}" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if url=$(bash test/server/startPostgres.sh 2>/tmp/slmgen-pg-start.log); then
    export SLMGEN_TEST_DATABASE_URL="$url"
    pg_dir=$(sed -n 's/^startPostgres: cluster in \([^ ]*\) .*/\1/p' /tmp/slmgen-pg-start.log)
    echo "run-tests: PostgreSQL for the store tests at $url"
  else
    echo "run-tests: could not start PostgreSQL (see /tmp/slmgen-pg-start.log); store tests against it will be skipped"
  fi
fi
npx mocha "$@"
status=$?
if [ -n "$pg_dir" ]; then bash test/server/startPostgres.sh --stop "$pg_dir" >/dev/null 2>&1 || true; fi
exit $status
