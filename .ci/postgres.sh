#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for the PostgreSQL test matrix and the bench.
#   .ci/postgres.sh start DIR PORT                 installs Debian's postgresql when missing, initdb in DIR (unless
#                                                  done), starts it, prints the URL
#   .ci/postgres.sh standby DIR PORT PRIMARY_PORT  a hot standby (read replica) of the cluster started on
#                                                  PRIMARY_PORT: pg_basebackup -R into DIR (unless done), streaming
#                                                  from it; starts it, prints its URL (read-only)
#   .ci/postgres.sh stop DIR                       stops either (the caller removes DIR); `start DIR PORT` restarts
#                                                  either, a standby still a standby (DIR/data/standby.signal)
# It runs as the postgres user (initdb refuses root); nothing but 127.0.0.1 listens; fsync off (throwaway data).
# A primary is ready to be streamed from: wal_level replica, and initdb -A trust writes the pg_hba.conf entry
# `host replication all 127.0.0.1/32 trust` (checked below, added if an older folder lacks it).
set -euo pipefail
command="${1:?start, standby or stop}"
dir="${2:?data folder}"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  echo "${found:-/usr/lib/postgresql/15/bin}"
}
install_postgresql() {
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
}
# Starts the cluster of DIR on PORT (a primary or, with standby.signal in it, a hot standby).
run() {
  local dir="$1" port="$2"
  as_root runuser -u postgres -- "$(bin)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB -c maintenance_work_mem=512MB -c max_wal_size=4GB -c wal_level=replica -c max_wal_senders=10 -c wal_keep_size=512MB" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql://postgres@127.0.0.1:$port/postgres"
}
case "$command" in
  start)
    port="${3:?port}"
    install_postgresql
    mkdir -p "$dir"
    as_root chown postgres "$dir"
    # A folder started before keeps its data (a restart).
    if [ ! -d "$dir/data" ]; then
      as_root runuser -u postgres -- "$(bin)/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! grep -qE '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$dir/data/pg_hba.conf"; then
      echo 'host    replication     all             127.0.0.1/32            trust' |
        as_root runuser -u postgres -- tee -a "$dir/data/pg_hba.conf" >/dev/null
    fi
    run "$dir" "$port"
    ;;
  standby)
    port="${3:?port}"
    primary_port="${4:?port of the primary}"
    install_postgresql
    mkdir -p "$dir"
    as_root chown postgres "$dir"
    # -R writes standby.signal and primary_conninfo (127.0.0.1:PRIMARY_PORT); -X stream copies the WAL of the copy.
    if [ ! -d "$dir/data" ]; then
      as_root runuser -u postgres -- "$(bin)/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
        -D "$dir/data" -R -X stream -c fast --no-sync >"$dir/basebackup.log" 2>&1 ||
        { cat "$dir/basebackup.log" >&2; exit 1; }
    fi
    run "$dir" "$port"
    ;;
  stop)
    as_root runuser -u postgres -- "$(bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *)
    echo "usage: $0 start DIR PORT | standby DIR PORT PRIMARY_PORT | stop DIR" >&2
    exit 2
    ;;
esac
