#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the hub's tests: its own data folder under DIR, on a free
# loopback port, trust authentication for loopback only, small memory, fsync off (test data).
#   scripts/services/postgres.sh start DIR   prints the URL; writes DIR/url and DIR/env
#   scripts/services/postgres.sh stop DIR    ends it (the data folder stays; start reuses it and its port)
# Installs Debian's postgresql-15 when it is missing. Starting twice is harmless: a cluster
# already running under DIR is reported, not started again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

cmd=${1:-}; dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then echo "usage: $0 start|stop DIR" >&2; exit 2; fi
dir=$(abs_dir "$dir")
bin=/usr/lib/postgresql/15/bin
data=$dir/data
log=$dir/postgres.log

# initdb and the server refuse to run as root: as root they run as the postgres user.
run_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url_for() { echo "postgres://postgres@127.0.0.1:$1/postgres"; }

write_url() {
  local url; url=$(url_for "$1")
  echo "$url" >"$dir/url"
  echo "PACKWITNESS_TEST_PG_URL=$url" >"$dir/env"
  echo "$url"
}

running() { [ -f "$data/postmaster.pid" ] && run_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
  ensure_packages postgresql-15
  [ -x "$bin/initdb" ] || { echo "services: $bin/initdb missing after install" >&2; exit 1; }
  if running && [ -f "$dir/port" ]; then
    echo "postgres: already running under $dir" >&2
    write_url "$(cat "$dir/port")"
    return 0
  fi
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$dir"; then
    echo "services: the postgres user cannot reach $dir (a parent folder is closed to others); use a folder under /tmp or chmod o+x its parents" >&2
    exit 1
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"; mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir" "$data"
    chmod 700 "$data"
    run_pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 -N >"$dir/initdb.log" 2>&1 \
      || die_with_log "initdb failed" "$dir/initdb.log"
  fi
  mkdir -p "$dir/sock"; [ "$(id -u)" = 0 ] && chown postgres: "$dir/sock" "$dir"
  : >"$log"; [ "$(id -u)" = 0 ] && chown postgres: "$log"
  local attempt port
  for attempt in 1 2 3; do
    # A restart keeps its port when it is still free, so clients (a hub's --pg URL) find it again.
    if [ "$attempt" = 1 ] && [ -f "$dir/port" ] && ! port_open "$(cat "$dir/port")"; then port=$(cat "$dir/port"); else port=$(free_port); fi
    # Small and quick: a test server on a shared 2-core box, its data thrown away after the run.
    if run_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start -o \
        "-p $port -c listen_addresses=127.0.0.1 -k $dir/sock -c shared_buffers=16MB -c max_connections=60 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >>"$dir/pg_ctl.out" 2>&1; then
      echo "$port" >"$dir/port"
      wait_for 30 "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || die_with_log "started but not ready within 30 s" "$log"
      write_url "$port"
      return 0
    fi
    grep -q 'Address already in use' "$log" || break
  done
  die_with_log "pg_ctl start failed" "$log"
}

stop() {
  [ -d "$data" ] || return 0
  if running; then
    run_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || {
      # pg_ctl gave up: end the postmaster by the pid it wrote.
      stop_pid "$(head -1 "$data/postmaster.pid" 2>/dev/null)" 10
    }
  fi
  echo "postgres: stopped ($dir)" >&2
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
