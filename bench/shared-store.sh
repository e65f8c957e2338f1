#!/usr/bin/env bash
# `tern serve` on the embedded store (SQLite + local blobs) beside `tern serve` on PostgreSQL
# + S3 (moto), and two instances on PostgreSQL together, in the same run: requests/s of GETs
# of one compute (JSON) and of creates (POST to the collection, text/occi headers), measured
# with wrk on loopback (installed from Debian's packages when absent). PostgreSQL and moto come
# from .ci/services.sh (started here when TERN_TEST_POSTGRES_URL is unset, and stopped at the
# end). Prints a Markdown table; BENCHMARKS.md records it.
#
# Usage: bench/shared-store.sh [SECONDS] [CONNECTIONS]   (TERN=path/to/tern to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-16}
work=$(mktemp -d /tmp/tern-shared-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${started_services:-}" ]; then bash .ci/services.sh stop; fi
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -z "${TERN:-}" ]; then
  cargo build -q --release --bin tern
  TERN=target/release/tern
fi
if [ -z "${TERN_TEST_POSTGRES_URL:-}" ]; then
  services=$(bash .ci/services.sh start)
  eval "$services"
  started_services=1
fi
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing}
export AWS_REGION=${AWS_REGION:-us-east-1}

db="${TERN_TEST_POSTGRES_URL%/*}/tern_bench_$$"
# psql comes with Debian's postgresql-15 (its client package).
psql -q "$TERN_TEST_POSTGRES_URL" -c "CREATE DATABASE tern_bench_$$"
bucket="tern-bench-$$"
python3 -c "import urllib.request as r; r.urlopen(r.Request('$TERN_TEST_S3_ENDPOINT/$bucket', method='PUT'))"

start() { # name, args…: a server whose base URL `base NAME` prints
  local name=$1; shift
  "$TERN" serve --listen 127.0.0.1:0 --data "$work/$name" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$work/$name.log" 2>/dev/null; then
      return
    fi
    sleep 0.1
  done
  cat "$work/$name.log" >&2
  exit 1
}

base() {
  sed -n 's/^listening on //p' "$work/$1.log"
}

cat >"$work/create.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/occi"
wrk.headers["Category"] = 'compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"'
wrk.headers["X-OCCI-Attribute"] = 'occi.core.title="bench", occi.compute.cores=2'
LUA

seed() { # base → a compute to GET
  curl -s -o /dev/null -X PUT -H 'Content-Type: application/occi+json' \
    --data '{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "attributes": {"occi.core.title": "bench", "occi.compute.cores": 2}}' \
    "$1/compute/bench"
}

rate() { # wrk output → requests/s
  sed -n 's/^Requests\/sec: *//p' "$1"
}

measure() { # label, workload, bases…
  local label=$1 workload=$2; shift 2
  local n=$# each=$((connections / $#)) i=0 outs=() loads=()
  [ "$each" -ge 1 ] || each=1
  for base in "$@"; do
    i=$((i + 1))
    local out="$work/wrk-$i.txt"
    outs+=("$out")
    if [ "$workload" = get ]; then
      wrk -t1 -c"$each" -d"${seconds}s" -H 'Accept: application/occi+json' "$base/compute/bench" >"$out" &
    else
      wrk -t1 -c"$each" -d"${seconds}s" -s "$work/create.lua" "$base/compute/" >"$out" &
    fi
    loads+=($!)
  done
  for p in "${loads[@]}"; do wait "$p"; done
  local total=0 parts=()
  for out in "${outs[@]}"; do
    local r; r=$(rate "$out")
    parts+=("$r")
    total=$(python3 -c "print(round($total + ${r:-0}))")
  done
  local errors; errors=$(cat "${outs[@]}" | sed -n 's/.*Non-2xx or 3xx responses: *//p' | paste -sd+ | bc 2>/dev/null || echo 0)
  echo "| $label | $workload | $n | $total | ${errors:-0} |"
}

start embedded
embedded=$(base embedded)
seed "$embedded"
shared=(--store "$db" --blobs "s3://$bucket/tern" --s3-endpoint "$TERN_TEST_S3_ENDPOINT")
start pg1 "${shared[@]}"
one=$(base pg1)
seed "$one"
start pg2 "${shared[@]}"
two=$(base pg2)

echo "connections: $connections in all, ${seconds} s per row; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| store | workload | instances | requests/s | non-2xx |"
echo "|---|---|---:|---:|---:|"
for workload in get create; do
  measure "embedded (SQLite)" "$workload" "$embedded"
  measure "PostgreSQL + S3" "$workload" "$one"
  measure "PostgreSQL + S3" "$workload" "$one" "$two"
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
