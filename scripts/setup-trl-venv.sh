#!/usr/bin/env bash
# Makes the Python virtual environment in which the tests run the generated TRL notebook on CPU
# (test/unit/notebook/trlCpuRun.test.ts), with exactly the releases the TRL notebook pins. Usage:
#   bash scripts/setup-trl-venv.sh [VENV_DIR]     (default .slmgen-test/trl-venv, gitignored)
# Installs offline from the wheel mirror that pip's configuration names (`pip config list`: file:// indexes in
# global.extra-index-url, folders in global.find-links): the network index is never asked. A venv whose marker file
# names the same requirements is reused. Exits non-zero with a message when there is no mirror or a release is
# missing from it. Prints the venv's python on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.slmgen-test/trl-venv}"
# Keep in step with TRL_TESTED_VERSIONS in src/core/notebook/generateNotebook.ts (the test checks that they agree).
requirements=(
  "torch==2.13.0+cpu"
  "transformers==5.18.0"
  "trl==1.13.0"
  "peft==0.21.0"
  "datasets==5.0.1"
  "accelerate==1.15.0"
  "nbclient==0.11.0"
  "ipykernel==7.4.0"
)
marker="$venv/.slmgen-requirements"
# One run at a time per venv: a second test run waits for the first one's install, then reuses it.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if [ -x "$venv/bin/python" ] && [ "$(cat "$marker" 2>/dev/null)" = "${requirements[*]}" ]; then
  echo "setup-trl-venv: reusing $venv"
  echo "$venv/bin/python"
  exit 0
fi
py=/usr/bin/python3
[ -x "$py" ] || { echo "setup-trl-venv: $py is missing" >&2; exit 1; }
indexes=()
for url in $($py -m pip config get global.extra-index-url 2>/dev/null || true); do
  case "$url" in file://*) indexes+=("$url") ;; esac
done
links=()
for dir in $($py -m pip config get global.find-links 2>/dev/null || true); do
  [ -d "$dir" ] && links+=("$dir")
done
if [ ${#indexes[@]} -eq 0 ] && [ ${#links[@]} -eq 0 ]; then
  echo "setup-trl-venv: pip's configuration names no local wheel mirror (no file:// global.extra-index-url, no global.find-links folder): cannot install ${requirements[*]} offline" >&2
  exit 1
fi
# Byte-compiled at install (not --no-compile): with PYTHONDONTWRITEBYTECODE set, as here, every kernel would compile
# what it imports again (measured: 29 s less CPU to install, 2 min more for the four notebook runs).
args=(--disable-pip-version-check --no-input --quiet)
if [ ${#indexes[@]} -gt 0 ]; then
  # The mirror's first index replaces the network index; the others are extra indexes.
  args+=(--index-url "${indexes[0]}")
  for url in "${indexes[@]:1}"; do args+=(--extra-index-url "$url"); done
else
  args+=(--no-index)
fi
for dir in "${links[@]}"; do args+=(--find-links "$dir"); done
rm -rf "$venv"
$py -m venv "$venv"
start=$(date +%s)
# pip warns once per package that the mirror's other index has no page for it: not a problem, left out.
if ! "$venv/bin/python" -m pip install "${args[@]}" "${requirements[@]}" 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2); then
  rm -rf "$venv"
  echo "setup-trl-venv: pip could not install ${requirements[*]} from the local mirror (${indexes[*]} ${links[*]})" >&2
  exit 1
fi
echo "${requirements[*]}" >"$marker"
echo "setup-trl-venv: installed in $(($(date +%s) - start)) s into $venv"
echo "$venv/bin/python"
