#!/usr/bin/env bash
# A real S3-compatible server for the hub's tests: a one-node Ceph 16.2 from Debian (one monitor,
# one memstore OSD in RAM, no cephx, no manager) with radosgw on a free loopback port, and one S3
# user. Ceph enforces Versioning, Object Lock and Content-MD5 the way production stores do, which
# the npm fake S3 servers do not.
#   scripts/services/s3.sh start DIR   prints the endpoint; writes DIR/env with
#                                      PACKWITNESS_TEST_S3_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
#   scripts/services/s3.sh stop DIR    ends the three daemons (memstore: the data goes with them)
#   scripts/services/s3.sh gateway-stop|gateway-start DIR   only radosgw (S3 down and back, data kept)
# Installs ceph-mon, ceph-osd and radosgw when missing. Starting twice is harmless: a running
# cluster under DIR is reported, not started again; leftovers of a stopped one are wiped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

cmd=${1:-}; dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then echo "usage: $0 start|stop|gateway-stop|gateway-start DIR" >&2; exit 2; fi
dir=$(abs_dir "$dir")
conf=$dir/ceph.conf
# S3 answers about 16 s after an empty start on an idle machine; a loaded 2-core box needs more.
limit=${PACKWITNESS_S3_START_TIMEOUT:-180}

ceph_() { timeout 60 ceph -c "$conf" --connect-timeout 20 "$@"; }

pids() { cat "$dir"/run/*.pid 2>/dev/null || true; }

all_alive() {
  local f n=0
  for f in "$dir/run/mon.a.pid" "$dir/run/osd.0.pid" "$dir/run/client.rgw.pw.pid"; do
    [ -f "$f" ] && pid_alive "$(cat "$f")" && n=$((n + 1))
  done
  [ "$n" = 3 ]
}

s3_answers() { curl -s -o /dev/null -m 3 "http://127.0.0.1:$1/"; }

write_env() {
  local port=$1
  {
    echo "PACKWITNESS_TEST_S3_URL=http://127.0.0.1:$port"
    echo "AWS_ACCESS_KEY_ID=$(cat "$dir/access_key")"
    echo "AWS_SECRET_ACCESS_KEY=$(cat "$dir/secret_key")"
  } >"$dir/env"
  chmod 600 "$dir/env"
  echo "http://127.0.0.1:$port"
}

stop_all() {
  local f
  # radosgw first, the monitor last: the others talk to it while they shut down.
  for f in client.rgw.pw osd.0 mon.a; do
    [ -f "$dir/run/$f.pid" ] && stop_pid "$(cat "$dir/run/$f.pid")" 15
  done
  return 0
}

start() {
  ensure_packages ceph-mon ceph-osd radosgw
  if all_alive && [ -f "$dir/rgw_port" ] && s3_answers "$(cat "$dir/rgw_port")"; then
    echo "s3: already running under $dir" >&2
    write_env "$(cat "$dir/rgw_port")"
    return 0
  fi
  # memstore keeps nothing over a stop: anything left here is a dead cluster. Start afresh.
  stop_all
  rm -rf "$dir/mon" "$dir/osd" "$dir/run" "$dir/log" "$dir/rgw" "$dir/monmap" "$dir/env"
  mkdir -p "$dir/mon" "$dir/osd/ceph-0" "$dir/run" "$dir/log" "$dir/rgw"

  local classes fsid mon_port rgw_port osd_uuid
  classes=$(dirname "$(dpkg -L ceph-osd ceph-base librados2 2>/dev/null | grep -m1 '/rados-classes/')")
  [ -d "$classes" ] || classes=/usr/lib/x86_64-linux-gnu/rados-classes
  fsid=$(uuidgen)
  mon_port=$(free_port)
  rgw_port=$(free_port)
  [ "$rgw_port" = "$mon_port" ] && rgw_port=$(free_port)
  cat >"$conf" <<CONF
[global]
fsid = $fsid
mon_host = v2:127.0.0.1:$mon_port
public_addr = 127.0.0.1
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# Without it radosgw loops on get_initial_auth_request -13.
ms_mon_client_mode = crc secure
ms_bind_ipv6 = false
run_dir = $dir/run
pid_file = $dir/run/\$name.pid
admin_socket = $dir/run/\$name.asok
log_file = $dir/log/\$name.log
log_to_stderr = false
err_to_stderr = false
mon_cluster_log_file = $dir/log/cluster.log
# One OSD: pools of size 1 must be allowed.
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_max_pg_per_osd = 1000
osd_crush_chooseleaf_type = 0
# Small: several engineers' tests share two cores.
ms_async_op_threads = 1
[mon]
mon_data = $dir/mon/\$cluster-\$id
mon_allow_pool_delete = true
[osd]
osd_data = $dir/osd/\$cluster-\$id
osd_objectstore = memstore
memstore_device_bytes = 2147483648
# Else "failed to start notify service (95)".
osd_class_dir = $classes
osd_op_num_shards = 1
osd_op_num_threads_per_shard = 2
[client.rgw.pw]
# Only endpoint=: adding port= binds twice and fails.
rgw_frontends = beast endpoint=127.0.0.1:$rgw_port
rgw_data = $dir/rgw
rgw_thread_pool_size = 32
rgw_dns_name = 127.0.0.1
rgw_enable_usage_log = false
# Deleted objects' data is freed a minute later, not after two hours: the OSD keeps everything in
# memory, and benches that write and delete gigabytes would otherwise fill it and hang.
rgw_gc_obj_min_wait = 60
rgw_gc_processor_period = 30
CONF
  echo "$rgw_port" >"$dir/rgw_port"

  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >"$dir/log/setup.log" 2>&1 \
    || die_with_log "monmaptool failed" "$dir/log/setup.log"
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" >>"$dir/log/setup.log" 2>&1 \
    || die_with_log "ceph-mon --mkfs failed" "$dir/log/setup.log"
  ceph-mon -c "$conf" -i a >>"$dir/log/setup.log" 2>&1 || die_with_log "ceph-mon did not start" "$dir/log/mon.a.log"
  wait_for 60 ceph_ mon stat || die_with_log "the monitor does not answer within 60 s" "$dir/log/mon.a.log"

  osd_uuid=$(uuidgen)
  [ "$(ceph_ osd create "$osd_uuid" 2>>"$dir/log/setup.log")" = 0 ] || die_with_log "ceph osd create did not give osd.0" "$dir/log/setup.log"
  ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$dir/log/setup.log" 2>&1 \
    || die_with_log "ceph-osd --mkfs failed" "$dir/log/setup.log"
  ceph-osd -c "$conf" -i 0 >>"$dir/log/setup.log" 2>&1 || die_with_log "ceph-osd did not start" "$dir/log/osd.0.log"
  wait_for 90 bash -c "ceph -c '$conf' --connect-timeout 10 osd dump 2>/dev/null | grep -q '^osd.0 up'" \
    || die_with_log "osd.0 not up within 90 s" "$dir/log/osd.0.log"

  radosgw -c "$conf" -n client.rgw.pw >>"$dir/log/setup.log" 2>&1 || die_with_log "radosgw did not start" "$dir/log/client.rgw.pw.log"
  wait_for "$limit" s3_answers "$rgw_port" \
    || die_with_log "radosgw does not answer on 127.0.0.1:$rgw_port within $limit s" "$dir/log/client.rgw.pw.log"

  local ak sk
  ak=PW$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F | head -c 18)
  sk=$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 40)
  timeout 60 radosgw-admin -c "$conf" user create --uid=packwitness-test --display-name="PackWitness tests" \
      --access-key="$ak" --secret-key="$sk" >>"$dir/log/setup.log" 2>&1 \
    || die_with_log "radosgw-admin user create failed" "$dir/log/setup.log"
  echo "$ak" >"$dir/access_key"; echo "$sk" >"$dir/secret_key"; chmod 600 "$dir/access_key" "$dir/secret_key"
  write_env "$rgw_port"
}

# The S3 gateway alone (radosgw): S3 goes away and comes back on the same port, while the monitor
# and the memstore OSD keep the data (a stop of all three would lose it). Fault tests use these.
gateway_stop() {
  [ -f "$dir/run/client.rgw.pw.pid" ] && stop_pid "$(cat "$dir/run/client.rgw.pw.pid")" 15
  rm -f "$dir/run/client.rgw.pw.pid"
  echo "s3: gateway stopped ($dir)" >&2
}

gateway_start() {
  [ -f "$dir/rgw_port" ] || { echo "s3: nothing started under $dir" >&2; exit 1; }
  local port; port=$(cat "$dir/rgw_port")
  if ! s3_answers "$port"; then
    radosgw -c "$conf" -n client.rgw.pw >>"$dir/log/setup.log" 2>&1 || die_with_log "radosgw did not start" "$dir/log/client.rgw.pw.log"
    wait_for "$limit" s3_answers "$port" || die_with_log "radosgw does not answer on 127.0.0.1:$port within $limit s" "$dir/log/client.rgw.pw.log"
  fi
  echo "http://127.0.0.1:$port"
}

case "$cmd" in
  start) start ;;
  stop) stop_all; rm -f "$dir/env"; echo "s3: stopped ($dir)" >&2 ;;
  gateway-stop) gateway_stop ;;
  gateway-start) gateway_start ;;
  *) echo "usage: $0 start|stop|gateway-stop|gateway-start DIR" >&2; exit 2 ;;
esac
