#!/usr/bin/env bash
# Sets up what is missing (system packages included) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

# The hub's tests run against real servers: a private PostgreSQL and a one-node Ceph (S3), both
# on loopback, started here and stopped whatever the suite's exit. One that fails to start is
# reported; its tests then skip (or fail under CI=true) saying so.
services=$(mktemp -d /tmp/packwitness-services.XXXXXX)
chmod 755 "$services"
stop_services() {
  bash scripts/services/s3.sh stop "$services/s3" >/dev/null 2>&1 || true
  bash scripts/services/postgres.sh stop "$services/pg" >/dev/null 2>&1 || true
  rm -rf "$services"
}
trap stop_services EXIT
if url=$(bash scripts/services/postgres.sh start "$services/pg"); then
  export PACKWITNESS_TEST_PG_URL=$url
else
  echo "test: PostgreSQL did not start (see above); the hub's PostgreSQL tests cannot run" >&2
fi
if bash scripts/services/s3.sh start "$services/s3" >/dev/null; then
  set -a; . "$services/s3/env"; set +a
else
  echo "test: the S3 server did not start (see above); the hub's S3 tests cannot run" >&2
fi

npm test
