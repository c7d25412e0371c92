#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster (initdb in a mktemp dir, trust auth, 127.0.0.1 only, a port the OS hands
# out, another one when that is taken before PostgreSQL binds it) as the `postgres` user and prints its URL on
# stdout. Stop it with: test/server/startPostgres.sh --stop DIR (DIR is printed on stderr). Usage in a shell:
#   export SLMGEN_TEST_DATABASE_URL=$(test/server/startPostgres.sh)
set -euo pipefail

bin_dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z "${bin_dir}" || ! -x "${bin_dir}/initdb" ]]; then
  echo "startPostgres: no PostgreSQL server found under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 1
fi

as_postgres() {
  if [[ "$(id -un)" == "postgres" ]]; then "$@"; else runuser -u postgres -- "$@"; fi
}

if [[ "${1:-}" == "--stop" ]]; then
  as_postgres "${bin_dir}/pg_ctl" -D "$2/data" -m fast -w stop >&2
  rm -rf "$2"
  exit 0
fi

dir=$(mktemp -d /tmp/slmgen-pg.XXXXXX)
started=""
# A cluster that did not start leaves nothing behind.
trap '[[ -n "${started}" ]] || rm -rf "${dir}"' EXIT
chown postgres: "${dir}" 2>/dev/null || true

as_postgres "${bin_dir}/initdb" -D "${dir}/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"${dir}/initdb.log" 2>&1
# The port is one the OS just handed out as free; another process may take it before PostgreSQL binds it. Then
# PostgreSQL says "Address already in use" and another port is tried.
for attempt in 1 2 3 4 5; do
  port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})")
  log="${dir}/server-${attempt}.log"
  if as_postgres "${bin_dir}/pg_ctl" -D "${dir}/data" -l "${log}" -w \
    -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off" start >&2; then
    started=1
    break
  fi
  if ! grep -q "Address already in use" "${log}" 2>/dev/null; then
    cat "${log}" >&2 2>/dev/null || true
    exit 1
  fi
  echo "startPostgres: port ${port} was taken before PostgreSQL could bind it; trying another" >&2
done
if [[ -z "${started}" ]]; then
  echo "startPostgres: no free port after 5 tries" >&2
  exit 1
fi

echo "startPostgres: cluster in ${dir} (stop: $0 --stop ${dir})" >&2
echo "postgres://postgres@127.0.0.1:${port}/postgres"
