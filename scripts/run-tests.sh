#!/usr/bin/env bash
# Runs every test: the mocha suites (unit, server, language server), then the editor tests in a real VS Code
# (scripts/run-editor-tests.sh: code-server + Chromium), and closes with one "N passed, N failed, N skipped" line over
# both. Arguments go to mocha; with arguments (a single file, --grep) the editor tests are not run. When a PostgreSQL server is installed, a throwaway cluster is started for the store tests
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
trap cleanup EXIT  # replaced below once the logs exist
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
unit_log=$(mktemp -t slmgen-unit.XXXXXX)
editor_log=$(mktemp -t slmgen-editor.XXXXXX)
trap 'cleanup; rm -f "$unit_log" "$editor_log"' EXIT
npx mocha "$@" | tee "$unit_log"
unit_rc=${PIPESTATUS[0]}
if [ $# -gt 0 ]; then exit "$unit_rc"; fi
bash scripts/run-editor-tests.sh | tee "$editor_log"
editor_rc=${PIPESTATUS[0]}
# summary LOG: the last "N passed, N failed[, N skipped]" line of a log as "P F S" (a log without one: "0 1 0").
summary() {
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
  if [ -z "$line" ]; then echo "0 1 0"; return; fi
  sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' <<<"$line" | awk '{print $1, $2, ($3 == "" ? 0 : $3)}'
}
read -r up uf us <<<"$(summary "$unit_log")"
read -r ep ef es <<<"$(summary "$editor_log")"
[ "$unit_rc" -ne 0 ] && [ "$uf" -eq 0 ] && uf=1
[ "$editor_rc" -ne 0 ] && [ "$ef" -eq 0 ] && ef=1
echo "run-tests: mocha suites $up passed, $uf failed, $us skipped; editor tests $ep passed, $ef failed, $es skipped"
echo "$((up + ep)) passed, $((uf + ef)) failed, $((us + es)) skipped"
[ "$unit_rc" -eq 0 ] && [ "$editor_rc" -eq 0 ]
