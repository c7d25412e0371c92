#!/usr/bin/env bash
# The editor tests, in a real VS Code (code-server) driven by Debian's Chromium (shared TESTING.md):
#   1. install Node 24 + code-server into .vscode-test/ when missing (scripts/vscode-test-env.mjs)
#   2. build the extension-host suite (scripts/build-integration.mjs)
#   3. run it inside the extension host (test/integration/runInCodeServer.ts), with the repository as the extension
#      under development and the harness fixture installed beside it
#   4. run the browser scenarios (test/e2e/*.e2e.ts, mocha)
# and ends with one "N passed, N failed, N skipped" line over both. Exits non-zero on any failure.
# Needs: bash scripts/setup-system.sh (chromium, libkrb5-dev), npm ci, npm run build (dist/extension.js, dist/lsp.js).
set -uo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
logs=$(mktemp -d -t slmgen-editor-tests.XXXXXX)
child=""
passed=0
failed=0
skipped=0
status=0

finish() {
  rm -rf "$logs"
  echo "run-editor-tests: total $(($(date +%s) - started)) s"
  echo "$passed passed, $failed failed, $skipped skipped"
}

# On Ctrl-C or CI's SIGTERM, the running phase stops its code-server and Chromium before this script exits. The
# phase runs in the background and is waited for, so that this trap runs at once rather than after it ends.
on_signal() {
  trap - INT TERM HUP
  echo "run-editor-tests: interrupted ($1)" >&2
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  failed=$((failed + 1))
  finish
  exit "$2"
}
trap 'on_signal SIGINT 130' INT
trap 'on_signal SIGTERM 143' TERM
trap 'on_signal SIGHUP 129' HUP

# run_phase NAME LOG COMMAND...: runs a phase with its output shown and kept; sets phase_rc.
run_phase() {
  local name=$1 log=$2
  shift 2
  local t0
  t0=$(date +%s)
  echo "run-editor-tests: --- $name ---"
  "$@" > >(tee "$log") 2>&1 &
  child=$!
  wait "$child"
  phase_rc=$?
  child=""
  echo "run-editor-tests: $name exited with $phase_rc after $(($(date +%s) - t0)) s"
}

# count_phase LOG PATTERN: adds the last "N passed, N failed, N skipped" line matching PATTERN; a phase that failed
# without reporting a failed test (it crashed, timed out, never ran) counts as one failure.
count_phase() {
  local log=$1 prefix=$2 line p f s
  line=$(grep -E "^${prefix}[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?\s*$" "$log" | tail -n 1)
  if [ -n "$line" ]; then
    read -r p f s <<<"$(sed -E "s/^${prefix}([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/" <<<"$line")"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + ${s:-0}))
  else
    f=0
  fi
  if [ "$phase_rc" -ne 0 ]; then
    status=1
    [ "$f" -eq 0 ] && failed=$((failed + 1))
  fi
}

run_phase "code-server install (.vscode-test/)" "$logs/env.log" node scripts/vscode-test-env.mjs
if [ "$phase_rc" -ne 0 ]; then
  failed=$((failed + 1))
  finish
  exit 1
fi

run_phase "build the extension-host suite" "$logs/build.log" node scripts/build-integration.mjs
if [ "$phase_rc" -ne 0 ]; then
  failed=$((failed + 1))
  finish
  exit 1
fi
if [ ! -f dist/extension.js ]; then
  echo "run-editor-tests: note: dist/extension.js does not exist (npm run build): the SLMGEN tests will be skipped"
fi

run_phase "integration suite in the extension host" "$logs/integration.log" \
  node --import tsx test/integration/runInCodeServer.ts \
  --extension . --install test/integration/fixtures/hello-extension --screenshot integration.png
count_phase "$logs/integration.log" "integration: "

run_phase "browser scenarios (test/e2e)" "$logs/e2e.log" \
  node node_modules/mocha/bin/mocha.js --config test/e2e/.mocharc.json
count_phase "$logs/e2e.log" ""

[ "$failed" -gt 0 ] && status=1
finish
exit "$status"
