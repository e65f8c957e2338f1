#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and S3 (moto_server) on loopback for the shared-store tests.
#
#   eval "$(bash .ci/services.sh start)"   # prints the `export` lines of the two URLs
#   bash .ci/services.sh stop
#
# PostgreSQL: Debian's binaries (/usr/lib/postgresql/15/bin, installed from Debian's
# packages when absent), initdb in a temporary directory as the `postgres` user when root
# (else the current user), trust authentication on 127.0.0.1 only, a free port. S3:
# moto_server from a virtualenv (.ci/requirements-services.txt pins it). State lives in
# $TERN_SERVICES_DIR (default /tmp/tern-services-$UID); `stop` ends exactly the processes
# `start` recorded there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${TERN_SERVICES_DIR:-/tmp/tern-services-$(id -u)}
pgbin=/usr/lib/postgresql/15/bin
venv=${TERN_SERVICES_VENV:-$dir-venv}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  if [ ! -x "$pgbin/initdb" ]; then
    echo "services: installing postgresql-15 from Debian's packages" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15) >&2
  fi
  [ -x "$pgbin/initdb" ] || { echo "services: no PostgreSQL 15 in $pgbin" >&2; exit 1; }
  mkdir -p "$dir/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir/pg"; fi
  local port; port=$(free_port)
  as_owner "$pgbin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/pg/initdb.log" 2>&1 \
    || { cat "$dir/pg/initdb.log" >&2; exit 1; }
  cat >"$dir/pg/data/pg_hba.conf" <<HBA
host all all 127.0.0.1/32 trust
HBA
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir/pg/data/pg_hba.conf"; fi
  as_owner "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_connections=200 -c fsync=on" \
    start >&2 || { cat "$dir/pg/server.log" >&2; exit 1; }
  echo "postgres://postgres@127.0.0.1:$port/postgres" >"$dir/postgres.url"
}

start_s3() {
  if ! [ -x "$venv/bin/moto_server" ]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q -r "$here/requirements-services.txt" >&2
  fi
  local port; port=$(free_port)
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 &
  echo $! >"$dir/moto.pid"
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null; then
      echo "http://127.0.0.1:$port" >"$dir/s3.url"
      return
    fi
    sleep 0.2
  done
  cat "$dir/moto.log" >&2
  echo "services: moto_server did not answer on port $port" >&2
  exit 1
}

stop() {
  if [ -f "$dir/moto.pid" ]; then
    kill "$(cat "$dir/moto.pid")" 2>/dev/null || true
    rm -f "$dir/moto.pid"
  fi
  if [ -d "$dir/pg/data" ]; then
    as_owner "$pgbin/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case ${1:-} in
  start)
    stop
    mkdir -p "$dir"
    start_postgres
    start_s3
    echo "export TERN_TEST_POSTGRES_URL=$(cat "$dir/postgres.url")"
    echo "export TERN_TEST_S3_ENDPOINT=$(cat "$dir/s3.url")"
    echo "export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1"
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
