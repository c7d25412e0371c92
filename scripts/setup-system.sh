#!/usr/bin/env bash
# Installs the Debian packages the tests use, each only when missing: Jupyter's validator, Jinja, Go, PostgreSQL, and for the
# editor tests (shared TESTING.md) Debian's Chromium, a font for it to render the workbench with, and what
# code-server's install compiles its native addons with (the kerberos addon builds from source against libkrb5-dev).
# Idempotent and quiet; needs root or sudo.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import nbformat' 2>/dev/null || need+=(python3-nbformat)
# The real chat templates are rendered with Python's Jinja, as transformers does (test/python/check_masking.py).
/usr/bin/python3 -c 'import jinja2' 2>/dev/null || need+=(python3-jinja2)
# The TRL notebook runs in a venv made by scripts/setup-trl-venv.sh (python3 -m venv needs ensurepip).
/usr/bin/python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
# Ollama TEMPLATEs are rendered by Go's own text/template, as Ollama runs them (test/go/ollamatemplate).
command -v go >/dev/null 2>&1 || need+=(golang-go)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
# Headless Chromium draws text with whatever fontconfig finds; with no font at all, screenshots show empty boxes.
{ command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | head -n 1)" ]; } || need+=(fontconfig fonts-dejavu-core)
[ -f /usr/include/gssapi/gssapi.h ] && command -v krb5-config >/dev/null 2>&1 || need+=(libkrb5-dev)
# node-gyp's toolchain (the base image has it; a slimmer one may not): a C++ compiler, make, and Python 3.
{ command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1; } || need+=(build-essential)
[ -x /usr/bin/python3 ] || need+=(python3)
if [ ${#need[@]} -eq 0 ]; then
  echo "setup-system: all system packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-system: installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "setup-system: installed ${need[*]}"
