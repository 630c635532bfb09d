# Shared helpers of the test-service scripts (sourced, not run).

# The daemons started here outlive the caller, so they must not inherit its open files: a lock
# taken with `flock FILE cmd` stays held for as long as any process keeps that descriptor open.
for _fd in /proc/$$/fd/*; do
  _fd=${_fd##*/}
  case $_fd in 0 | 1 | 2 | 255) ;; *) [ "$_fd" -lt 255 ] 2>/dev/null && eval "exec $_fd>&-" 2>/dev/null ;; esac
done
unset _fd

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs Debian packages that are missing (apt-get update first: a fresh machine has no lists).
ensure_packages() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "services: installing ${missing[*]}" >&2
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp: no extra tools).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A loopback port nobody listens on now. A race with another process remains possible: callers
# retry their start with a new port when the bind fails.
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    port_open "$p" || { echo "$p"; return 0; }
  done
  echo "services: no free loopback port found" >&2
  return 1
}

# Waits until "$@" succeeds, at most $1 seconds (checked every 0.2 s). Returns 1 on timeout.
wait_for() {
  local limit=$1; shift
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}

# A zombie (dead, not yet reaped by its parent) counts as gone.
pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  [ "$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# Ends a process by its pid: TERM, then KILL after $2 seconds (default 15).
stop_pid() {
  local pid=$1 limit=${2:-15} i
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 $(( limit * 5 ))); do pid_alive "$pid" || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}

die_with_log() {
  local msg=$1 log=$2
  echo "services: $msg" >&2
  if [ -f "$log" ]; then echo "--- last lines of $log ---" >&2; tail -n 25 "$log" >&2; fi
  exit 1
}

abs_dir() { mkdir -p "$1" && (cd "$1" && pwd); }
