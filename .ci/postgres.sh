#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for the PostgreSQL test matrix and the bench.
#   .ci/postgres.sh start DIR PORT   installs Debian's postgresql when missing, initdb in DIR (unless done), starts it, prints the URL
#   .ci/postgres.sh stop DIR         stops it (the caller removes DIR)
# It runs as the postgres user (initdb refuses root); nothing but 127.0.0.1 listens; fsync off (throwaway data).
set -euo pipefail
command="${1:?start or stop}"
dir="${2:?data folder}"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  echo "${found:-/usr/lib/postgresql/15/bin}"
}
case "$command" in
  start)
    port="${3:?port}"
    if [ ! -x "$(bin)/initdb" ]; then
      echo "installing postgresql (apt-get)" >&2
      apt_log="$(mktemp)"
      if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib; } \
        </dev/null >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        echo "could not install postgresql" >&2
        exit 1
      fi
      rm -f "$apt_log"
    fi
    mkdir -p "$dir"
    as_root chown postgres "$dir"
    # A folder started before keeps its data (a restart).
    if [ ! -d "$dir/data" ]; then
      as_root runuser -u postgres -- "$(bin)/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_root runuser -u postgres -- "$(bin)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB -c maintenance_work_mem=512MB -c max_wal_size=4GB" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_root runuser -u postgres -- "$(bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
