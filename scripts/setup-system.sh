#!/usr/bin/env bash
# Installs the Debian packages the tests use (Jupyter's validator, PostgreSQL). Idempotent; needs root or sudo.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import nbformat' 2>/dev/null || need+=(python3-nbformat)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then
  echo "setup-system: all system packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-system: installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
